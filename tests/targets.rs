//! End to end: which processes are traced. Inside a pid namespace, single
//! threads, and processes whose leader is gone.

mod common;

// The JSON fields as documented.
#[allow(dead_code)]
#[path = "../src/json/schema.rs"]
mod schema;

use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const LIMIT: Duration = Duration::from_secs(30);

/// Runs `script` with sh as pid 1 of a new pid namespace with its own /proc.
fn in_namespace(script: &str) -> Command {
    let mut cmd = Command::new("unshare");
    cmd.args(["-p", "-f", "--mount-proc", "sh", "-c", script]);
    cmd
}

#[test]
fn a_command_inside_a_pid_namespace_is_traced_with_its_namespace_pids() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("ns-command");
    let files = workload(Arch::X86_64);
    // ftrace-cli is pid 1 of the namespace, its command pid 2.
    let script = format!("exec {BIN} -- {} basic", files.display());
    let out = run_with_limit(in_namespace(&script).current_dir(&dir), LIMIT);
    let trace = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(body(&trace), BASIC);
    for line in trace.lines() {
        assert_eq!(fields(line).0, 2, "the namespace's pid: {line}");
    }
    // -y looks the namespace's pid up in /proc: the command's own cwd. The
    // workload holds its descriptors a while after its calls.
    let script = format!("exec {BIN} -y -- {} hold", files.display());
    let out = run_with_limit(in_namespace(&script).current_dir(&dir), LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = format!(
        "openat(AT_FDCWD<{0}>, \"exists\", O_RDONLY) = 3<{0}/exists>",
        dir.display()
    );
    assert_eq!(body(&stdout(&out)).first(), Some(&expected));
}

#[test]
fn json_carries_namespace_and_host_pids() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("ns-json");
    let files = workload(Arch::X86_64);
    let script = format!("exec {BIN} --json -- {} basic", files.display());
    let out = run_with_limit(in_namespace(&script).current_dir(&dir), LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let trace = stdout(&out);
    let first: serde_json::Value = serde_json::from_str(trace.lines().next().unwrap()).unwrap();
    assert_eq!(first["pid"], 2, "{first}");
    assert_eq!(first["tid"], 2, "{first}");
    assert_eq!(first["ppid"], 1, "{first}");
    let host = first["host_pid"].as_u64().unwrap();
    assert!(host > 2, "the kernel's pid: {first}");
    assert_eq!(first["host_tid"], host);
    assert!(first["host_ppid"].as_u64().unwrap() > 1);
}

/// `sh -c script` inside a namespace, whose stdin is piped, with fd 3 the
/// write end of a --ready-fd pipe: returns once ftrace-cli said it is ready.
fn start_in_namespace(script: &str, dir: &std::path::Path) -> (Tracing, std::process::ChildStdin) {
    let mut cmd = in_namespace(script);
    let (read, write) = ready_pipe(&mut cmd);
    let fd = write.as_raw_fd();
    // Give the script the pipe as fd 3.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, move || {
            if fd != 3 && libc::dup2(fd, 3) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut tracing = Tracing::spawn(cmd);
    drop(write);
    let mut line = String::new();
    BufReader::new(std::fs::File::from(read))
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "\n", "ftrace-cli never said it was ready");
    let stdin = tracing.take_stdin();
    (tracing, stdin)
}

#[test]
fn a_namespace_pid_names_the_namespace_process_not_the_hosts() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("ns-pid");
    let files = workload(Arch::X86_64);
    // Pid 2 of the namespace is the workload; pid 2 of the host is kthreadd.
    let script = format!(
        "exec 4<&0; {} wait <&4 3>&- 4>&- & exec {BIN} --ready-fd 3 -p $! 4>&-",
        files.display()
    );
    let (tracing, mut stdin) = start_in_namespace(&script, &dir);
    writeln!(stdin, "go").unwrap();
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(body(&trace), BASIC);
    for line in trace.lines() {
        assert_eq!(fields(line).0, 2, "{line}");
    }
}

#[test]
fn system_wide_inside_a_namespace_sees_only_the_namespace() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("ns-system-wide");
    let files = workload(Arch::X86_64);
    // A busy process on the host, outside the namespace.
    let spinner_path = dir.join("spinner");
    std::fs::hard_link(&files, &spinner_path).unwrap();
    let spinner = background(Command::new(&spinner_path).arg("spin").current_dir(&dir));
    // Inside: ftrace-cli as pid 2, then on a line on stdin the workload.
    let script = format!(
        "{BIN} --ready-fd 3 -o trace 3>&3 & T=$!; exec 3>&-; read line; {} basic & W=$!; \
         wait $W; echo $W > workload-pid; kill -INT $T; wait $T",
        files.display()
    );
    let (tracing, mut stdin) = start_in_namespace(&script, &dir);
    writeln!(stdin, "go").unwrap();
    let (_, err, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(0), "{err}");
    drop(spinner);
    let trace = std::fs::read_to_string(dir.join("trace")).unwrap();
    let workload_pid: u32 = std::fs::read_to_string(dir.join("workload-pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(body(&trace), BASIC);
    for line in trace.lines() {
        let (pid, _, comm, _) = fields(line);
        assert_ne!(comm, "spinner", "a host process: {line}");
        assert_ne!(pid, 2, "ftrace-cli itself: {line}");
    }
    assert!(
        trace.lines().any(|l| fields(l).0 == workload_pid),
        "the workload by its namespace pid {workload_pid}:\n{trace}"
    );
}

/// Starts the thread-target workload; returns it and its worker's tid.
fn thread_workload(dir: &std::path::Path) -> (Background, u32) {
    let mut process = background(
        Command::new(workload(Arch::X86_64))
            .arg("thread-target")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped()),
    );
    let mut line = String::new();
    BufReader::new(process.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (process, line.trim().parse().unwrap())
}

#[test]
fn a_thread_id_traces_that_thread_and_ends_with_it() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("thread-target");
    let (mut process, tid) = thread_workload(&dir);
    let tracing = start_tracing(&["-p", &tid.to_string()]);
    let mut stdin = process.0.stdin.take().unwrap();
    writeln!(stdin, "go").unwrap();
    // Ends once the thread has exited, while its process still runs.
    let (trace, err, status) = tracing.finish(LIMIT);
    writeln!(stdin, "end").unwrap();
    assert_eq!(status, Some(0), "{err}");
    let lines: Vec<_> = trace.lines().map(fields).collect();
    assert_eq!(lines.len(), 1, "{trace}");
    let (pid, line_tid, _, call) = lines[0];
    assert_eq!((pid, line_tid), (process.pid(), tid));
    assert_eq!(
        call,
        "openat(AT_FDCWD, \"from-worker\", O_RDONLY) = -1 ENOENT (No such file or directory)"
    );
}

#[test]
fn a_process_whose_leader_exited_is_traced_by_pid() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("leader-exits");
    let mut process = background(
        Command::new(workload(Arch::X86_64))
            .arg("leader-exits")
            .current_dir(&dir)
            .stdin(Stdio::piped()),
    );
    let pid = process.pid();
    // The leader is a zombie once it has called pthread_exit.
    while !std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .unwrap()
        .contains(") Z ")
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let tracing = start_tracing(&["-p", &pid.to_string()]);
    writeln!(process.0.stdin.take().unwrap(), "go").unwrap();
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(body(&trace), BASIC);
}

#[test]
fn its_own_pid_and_kernel_threads_are_usage_errors() {
    if !privileged() {
        return;
    }
    let script = format!("exec {BIN} -p $$");
    let out = run_with_limit(Command::new("sh").args(["-c", &script]), LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is ftrace-cli itself"),
        "{}",
        stderr(&out)
    );
    let out = run_with_limit(ftrace().args(["-p", "2"]), LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "ftrace-cli: process 2 is a kernel thread: it makes no system calls to trace\n"
    );
}

#[test]
fn follow_forks_with_a_name_follows_the_named_processes_children() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("follow-comm");
    let parent = dir.join("ftparent");
    std::fs::hard_link(workload(Arch::X86_64), &parent).unwrap();
    let tracing = start_tracing(&["-f", "-c", "ftparent"]);
    let out = run(Command::new(&parent).arg("renamed-child").current_dir(&dir));
    assert!(out.status.success());
    tracing.signal(nix::sys::signal::Signal::SIGINT);
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    assert_eq!(body(&trace), BASIC);
    assert!(trace.lines().any(|l| fields(l).2 == "kid"), "{trace}");
}

#[test]
fn uid_selects_that_users_calls_in_the_kernel() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("uid");
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let files = workload(Arch::X86_64);
    let spinner_path = dir.join("spinner");
    std::fs::hard_link(&files, &spinner_path).unwrap();
    // The same calls as root, all the while: none may show.
    let _spinner = background(Command::new(&spinner_path).arg("spin").current_dir(&dir));
    let tracing = start_tracing(&["--uid", "nobody"]);
    let out = run(Command::new("setpriv")
        .args(["--reuid", "nobody", "--regid", "nogroup", "--clear-groups"])
        .arg(&files)
        .arg("basic")
        .current_dir(&dir));
    assert!(out.status.success(), "{}", stderr(&out));
    tracing.signal(nix::sys::signal::Signal::SIGINT);
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    // nobody may not use fanotify: its calls fail.
    assert_eq!(body(&trace)[..5], BASIC[..5]);
    assert!(
        trace.lines().all(|l| fields(l).2 != "spinner"),
        "root's calls:\n{trace}"
    );
}

/// A cgroup v2 directory, removed when dropped.
struct TestCgroup(std::path::PathBuf);

impl Drop for TestCgroup {
    fn drop(&mut self) {
        let mut dirs: Vec<_> = walk(&self.0);
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in dirs {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            all.extend(walk(&entry.path()));
        }
    }
    all
}

/// Where cgroup v2 is mounted: /sys/fs/cgroup/unified on a hybrid system.
fn cgroup2_root() -> std::path::PathBuf {
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let line = info
        .lines()
        .find(|l| l.contains(" - cgroup2 "))
        .expect("cgroup v2 is mounted");
    line.split(' ').nth(4).unwrap().into()
}

#[test]
fn cgroup_selects_a_directory_and_below_and_json_names_the_container() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("cgroup");
    let files = workload(Arch::X86_64);
    let spinner_path = dir.join("spinner");
    std::fs::hard_link(&files, &spinner_path).unwrap();
    let _spinner = background(Command::new(&spinner_path).arg("spin").current_dir(&dir));
    let id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let group = TestCgroup(cgroup2_root().join(format!("ftrace-cli-test-{}", std::process::id())));
    let scope = group.0.join(format!("docker-{id}.scope"));
    std::fs::create_dir_all(&scope).unwrap();
    let scope_id = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&scope).unwrap());

    let tracing = start_tracing(&["--json", "--cgroup", group.0.to_str().unwrap()]);
    let script = format!(
        "echo $$ > {}/cgroup.procs && exec {} basic",
        scope.display(),
        files.display()
    );
    let out = run(Command::new("sh").args(["-c", &script]).current_dir(&dir));
    assert!(out.status.success(), "{}", stderr(&out));
    tracing.signal(nix::sys::signal::Signal::SIGINT);
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    let mut text = String::new();
    for line in trace.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["cgroup_id"], scope_id, "{record}");
        assert_eq!(record["container_id"], id, "{record}");
        text.push_str(&format!(
            "{} {} {}\n",
            record["pid"],
            record["comm"].as_str().unwrap(),
            record["call"].as_str().unwrap()
        ));
    }
    assert_eq!(body(&text), BASIC);
    assert!(!text.contains(" spinner "), "outside the cgroup:\n{text}");
}

/// A process that stops matching a name, uid or cgroup filter mid-run is
/// no longer traced: each call is judged as its caller is when it makes it.
#[test]
fn a_process_that_leaves_a_filter_is_no_longer_traced() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("leaves-filter");
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let program = dir.join("ftchange");
    std::fs::hard_link(workload(Arch::X86_64), &program).unwrap();
    let root = cgroup2_root();
    let inside = TestCgroup(root.join(format!("ftrace-cli-test-{}-in", std::process::id())));
    let outside = TestCgroup(root.join(format!("ftrace-cli-test-{}-out", std::process::id())));
    std::fs::create_dir_all(&inside.0).unwrap();
    std::fs::create_dir_all(&outside.0).unwrap();
    let into =
        |group: &TestCgroup| format!("echo $$ > {}/cgroup.procs && exec ", group.0.display());
    let cases = [
        (vec!["-c", "ftchange"], String::new(), "name", None),
        (vec!["--uid", "0"], String::new(), "uid", None),
        (
            vec!["--cgroup", inside.0.to_str().unwrap()],
            into(&inside),
            "cgroup",
            Some(outside.0.to_str().unwrap()),
        ),
    ];
    for (filter, prefix, how, to) in cases {
        let tracing = start_tracing(&filter);
        let script = format!(
            "{prefix}{} change-self {how} {}",
            program.display(),
            to.unwrap_or("")
        );
        let out = run(Command::new("sh").args(["-c", &script]).current_dir(&dir));
        assert!(out.status.success(), "{how}: {}", stderr(&out));
        tracing.signal(nix::sys::signal::Signal::SIGINT);
        let (trace, err, status) = tracing.finish(LIMIT);
        assert_eq!((status, err.as_str()), (Some(0), ""), "{how}");
        assert!(
            trace.contains("\"ftchange-before\""),
            "{how}: not traced at all:\n{trace}"
        );
        assert!(
            !trace.contains("\"ftchange-after\""),
            "{how}: traced after leaving:\n{trace}"
        );
    }
}

/// Starts `program fifo` in `dir` (where it opens the FIFO "fifo" for
/// reading) and returns once it is blocked in that openat.
fn blocked_on_fifo(program: &std::path::Path, dir: &std::path::Path) -> Background {
    let fifo = dir.join("fifo");
    if !fifo.exists() {
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    }
    let process = background(Command::new(program).arg("fifo").current_dir(dir));
    let syscall = format!("/proc/{}/syscall", process.pid());
    // 257: openat on x86_64.
    while !std::fs::read_to_string(&syscall).is_ok_and(|s| s.starts_with("257 ")) {
        std::thread::sleep(Duration::from_millis(5));
    }
    process
}

#[test]
fn a_call_in_progress_at_attach_prints_unfinished_then_resumed() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("resumed");
    let process = blocked_on_fifo(&workload(Arch::X86_64), &dir);
    let pid = process.pid();
    let tracing = start_tracing(&["-p", &pid.to_string()]);
    // A writer lets the open return; the process then exits.
    let writer = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("fifo"))
        .unwrap();
    let (trace, err, status) = tracing.finish(LIMIT);
    drop(writer);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(
        trace,
        format!(
            "{pid} files openat(AT_FDCWD, \"fifo\", O_RDONLY <unfinished ...>\n\
             {pid} files <... openat resumed>) = 3\n"
        )
    );
}

/// In JSON, the calls in progress are records of their own, with the
/// documented fields; the resumed call is a call record with its arguments.
#[test]
fn json_calls_in_progress_are_in_progress_records() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("json-in-progress");
    let process = blocked_on_fifo(&workload(Arch::X86_64), &dir);
    let pid = process.pid();
    let tracing = start_tracing(&["--json", "-p", &pid.to_string()]);
    let writer = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("fifo"))
        .unwrap();
    let (trace, err, status) = tracing.finish(LIMIT);
    drop(writer);
    assert_eq!(status, Some(0), "{err}");
    let records: Vec<serde_json::Value> = trace
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(records.len(), 2, "{trace}");
    let (note, resumed) = (&records[0], &records[1]);
    let mut keys: Vec<_> = note.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    let mut documented: Vec<_> = schema::IN_PROGRESS
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    documented.sort();
    assert_eq!(keys, documented, "{note}");
    assert_eq!(note["type"], "in_progress");
    assert_eq!(note["state"], "unfinished");
    assert_eq!(note["pid"], pid);
    assert_eq!(note["syscall"], "openat");
    assert_eq!(
        note["call"],
        "openat(AT_FDCWD, \"fifo\", O_RDONLY <unfinished ...>"
    );
    assert_eq!(resumed["type"], "call");
    assert_eq!(resumed["call"], "<... openat resumed>) = 3");
    assert_eq!(resumed["ret"], 3);
    assert_eq!(resumed["path"], "fifo");
    assert_eq!(resumed["args"][2]["decoded"], "O_RDONLY", "{resumed}");
}

#[test]
fn a_call_in_progress_at_the_end_prints_detached() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("detached");
    // Blocked before ftrace-cli started: unfinished, then resumed and detached.
    let before = blocked_on_fifo(&workload(Arch::X86_64), &dir);
    let tracing = start_tracing(&["-p", &before.pid().to_string()]);
    tracing.signal(nix::sys::signal::Signal::SIGINT);
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    let pid = before.pid();
    assert_eq!(
        trace,
        format!(
            "{pid} files openat(AT_FDCWD, \"fifo\", O_RDONLY <unfinished ...>\n\
             {pid} files <... openat resumed> <detached ...>\n"
        )
    );
    // Entered while traced: the whole call, detached.
    let program = dir.join("ftfifo");
    std::fs::hard_link(workload(Arch::X86_64), &program).unwrap();
    let tracing = start_tracing(&["-c", "ftfifo"]);
    let during = blocked_on_fifo(&program, &dir);
    tracing.signal(nix::sys::signal::Signal::SIGINT);
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    let last = trace.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!(
            "{} ftfifo openat(AT_FDCWD, \"fifo\", O_RDONLY <detached ...>",
            during.pid()
        ),
        "{trace}"
    );
}

//! End to end: faults around a trace (a bad start, a lost terminal, a
//! failing or stalled output) never destroy a file, hang, or leave the
//! command behind.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const LIMIT: Duration = Duration::from_secs(30);

/// One stderr line containing `needle`, status `code`, nothing on stdout.
fn assert_refused(out: &std::process::Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("ftrace-cli: "), "{err}");
    assert!(err.contains(needle), "{err:?} should name {needle:?}");
    assert_eq!(stdout(out), "", "no output");
}

#[test]
fn a_bare_double_dash_is_a_usage_error() {
    if !privileged() {
        return;
    }
    // Not a system-wide trace nobody asked for.
    let out = run_with_limit(ftrace().arg("--"), LIMIT);
    assert_refused(&out, 2, "no command after `--`");
    let out = run_with_limit(ftrace().args(["-f", "-o", "/dev/null", "--"]), LIMIT);
    assert_refused(&out, 2, "no command after `--`");
}

#[test]
fn a_failed_start_leaves_the_output_file_as_it_was() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("failed-start-output");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    let file = dir.join("trace");
    let precious = "precious\n".repeat(100);
    fs::write(&file, &precious).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
    let path = file.to_str().unwrap();

    let out = run(ftrace().args(["-o", path, "--", "no-such-command-xyz"]));
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        precious,
        "command not found"
    );

    // Without privilege (nobody may still write the file).
    let out = run(Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(BIN)
        .args(["-o", path, "--", "true"]));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&file).unwrap(), precious, "no privilege");

    // A start that succeeds replaces what was there.
    let work = workload(Arch::X86_64);
    let out = run(ftrace()
        .args(["-o", path, "--"])
        .arg(&work)
        .arg("basic")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let trace = fs::read_to_string(&file).unwrap();
    assert!(!trace.contains("precious"), "{trace}");
    assert_eq!(body(&trace), BASIC);
}

#[test]
fn more_names_than_the_kernel_filter_holds_is_a_usage_error() {
    if !privileged() {
        return;
    }
    let mut args = Vec::new();
    for i in 0..65 {
        args.push("-c".to_string());
        args.push(format!("name{i}"));
    }
    let out = run_with_limit(ftrace().args(&args), LIMIT);
    assert_refused(&out, 2, "at most 64");
    // 64 distinct names, one repeated: accepted, and the trace runs.
    args.truncate(128);
    args.extend(["-c".into(), "name0".into(), "--".into(), "true".into()]);
    let out = run_with_limit(ftrace().args(&args), LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn ready_fd_may_be_stdout_or_stderr_but_not_the_trace() {
    if !privileged() {
        return;
    }
    let work = workload(Arch::X86_64);
    for fd in ["1", "2"] {
        let dir = scratch_dir(&format!("ready-fd-{fd}"));
        let file = dir.join("trace");
        let path = file.to_str().unwrap();
        let out = run(ftrace()
            .args(["--ready-fd", fd, "-o", path, "--"])
            .arg(&work)
            .arg("basic")
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let stream = if fd == "1" {
            stdout(&out)
        } else {
            stderr(&out)
        };
        assert_eq!(stream, "\n", "--ready-fd {fd}");
        assert_eq!(body(&fs::read_to_string(&file).unwrap()), BASIC);
    }
    // The command keeps its stdout: the descriptor is not closed for it.
    let out = run(ftrace().args(["--ready-fd", "1", "-o", "/dev/null", "--", "echo", "hello"]));
    // (The command may write before the newline is.)
    let mut lines: Vec<_> = stdout(&out).lines().map(String::from).collect();
    lines.sort();
    assert_eq!(lines, ["", "hello"]);

    let out = run_with_limit(ftrace().args(["--ready-fd", "1", "--", "true"]), LIMIT);
    assert_refused(&out, 2, "where the trace goes");
    let out = run_with_limit(
        ftrace()
            .args(["--ready-fd", "1", "-o", "/dev/stdout", "--", "true"])
            .stdout(Stdio::piped()),
        LIMIT,
    );
    assert_refused(&out, 2, "where the trace goes");
}

#[test]
fn a_long_utf8_name_is_cut_on_a_character_boundary_and_matches() {
    if !privileged() {
        return;
    }
    // 8 two-byte characters: the kernel keeps 7 and the first byte of the 8th.
    let name = "ĉĉĉĉĉĉĉĉ";
    let cut = "ĉĉĉĉĉĉĉ";
    let out = run_with_limit(ftrace().args(["-c", name]), LIMIT);
    assert_refused(&out, 2, &format!("use '{cut}'"));
    assert!(stderr(&out).contains("character boundary"));

    let dir = scratch_dir("utf8-comm");
    let program = dir.join(name);
    fs::copy(workload(Arch::X86_64), &program).unwrap();
    let tracing = start_tracing(&["-c", cut]);
    let out = run(Command::new(&program).arg("basic").current_dir(&dir));
    assert!(out.status.success());
    tracing.signal(nix::sys::signal::Signal::SIGINT);
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(body(&trace), BASIC, "{trace}");
}

#[test]
fn without_proc_it_says_proc_is_missing() {
    if !privileged() {
        return;
    }
    // A mount namespace of its own, where /proc is unmounted.
    let out = run_with_limit(
        Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c"])
            .arg(format!("umount -l /proc && exec {BIN} -- true")),
        LIMIT,
    );
    assert_refused(&out, 1, "/proc is not mounted");
}

/// True once `pid` has exited (gone, or a zombie nobody reaped yet).
fn exited(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
    }
}

/// Polls `what` every 20 ms until it holds; panics after `limit`.
fn wait_for(limit: Duration, description: &str, what: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !what() {
        assert!(start.elapsed() < limit, "{description} within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGKILLs the processes it names when dropped (a failed test's leftovers).
struct KillOnDrop(Vec<u32>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        for &pid in &self.0 {
            if !exited(pid) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid as i32),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
        }
    }
}

#[test]
fn live_ends_when_its_terminal_goes_away() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("live-hangup");
    let pidfile = dir.join("pid");
    let script = dir.join("run.sh");
    fs::write(
        &script,
        format!(
            "echo $$ > {pid}.tmp && mv {pid}.tmp {pid}\n\
             exec {BIN} --live -- sh -c 'trap \"\" HUP; exec sleep 600'\n",
            pid = pidfile.display()
        ),
    )
    .unwrap();
    let socket = format!("ftrace-faults-hangup-{}", std::process::id());
    let tmux = || {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f", "/dev/null"])
            .env_remove("TMUX")
            .stdin(Stdio::null());
        cmd
    };
    let status = tmux()
        .args(["new-session", "-d", "-s", "hangup", "-x", "100", "-y", "30"])
        .arg(format!("sh {}", script.display()))
        .status()
        .expect("running tmux (scripts/deps installs it)");
    assert!(status.success());
    wait_for(LIMIT, "the pane's shell writes its pid", || {
        pidfile.exists()
    });
    let pid: u32 = fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The view is up once ftrace-cli has started its command.
    // A command that ignores the hangup, as nohup would have it; the view
    // is up once ftrace-cli has released it to exec sleep.
    let children = format!("/proc/{pid}/task/{pid}/children");
    let sleeping = || -> Option<u32> {
        let list = fs::read_to_string(&children).ok()?;
        list.split_whitespace()
            .filter_map(|c| c.parse().ok())
            .find(|c: &u32| {
                fs::read_to_string(format!("/proc/{c}/comm")).is_ok_and(|n| n == "sleep\n")
            })
    };
    wait_for(LIMIT, "ftrace-cli starts its command", || {
        sleeping().is_some()
    });
    let command = sleeping().unwrap();
    // Whatever happens below, neither is left running.
    let _cleanup = KillOnDrop(vec![pid, command]);
    std::thread::sleep(Duration::from_millis(300));

    // The terminal goes away under it, as with a closed ssh session.
    let _ = tmux().arg("kill-server").status();
    wait_for(LIMIT, "ftrace-cli ends", || exited(pid));
    wait_for(LIMIT, "its command ends", || exited(command));
}

#[test]
fn a_second_signal_stops_a_write_a_stalled_reader_blocks() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("stalled-reader");
    // Far more lines than a pipe holds, and a reader that never reads.
    let mut child = ftrace()
        .arg("--")
        .arg(workload(Arch::X86_64))
        .args(["storm", "20000"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let wchan = format!("/proc/{pid}/wchan");
    wait_for(LIMIT, "ftrace-cli blocks writing to the pipe", || {
        fs::read_to_string(&wchan).is_ok_and(|w| w.contains("pipe"))
    });
    let term = || {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap()
    };
    term();
    std::thread::sleep(Duration::from_millis(200));
    term();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("a second SIGTERM did not stop ftrace-cli blocked in a write");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The storm's status: it ended by itself, or by the SIGTERM passed on.
    assert!(matches!(status.code(), Some(0 | 143)), "{status:?}");
}

/// Every line of `trace` is a whole trace line, and it ends with one.
fn assert_whole_lines(trace: &str) {
    assert!(!trace.is_empty(), "something was written");
    assert!(
        trace.ends_with('\n'),
        "ends mid-line: {:?}",
        &trace[trace.len().saturating_sub(80)..]
    );
    for line in trace.lines() {
        assert!(try_fields(line).is_some(), "not a trace line: {line:?}");
    }
}

#[test]
fn a_full_disk_stops_the_trace_not_the_command() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("full-disk");
    let mnt = dir.join("mnt");
    fs::create_dir(&mnt).unwrap();
    let copy = dir.join("copy");
    // A 64 KiB file system: the storm's lines fill it many times over.
    let script = format!(
        "mount -t tmpfs -o size=64k none {mnt} || exit 99\n\
         {BIN} -o {mnt}/trace -- sh -c '{work} storm 20000 2>/dev/null; echo ran > {dir}/ran; exit 7'\n\
         status=$?\n\
         cp {mnt}/trace {copy}\n\
         exit $status\n",
        mnt = mnt.display(),
        work = workload(Arch::X86_64).display(),
        dir = dir.display(),
        copy = copy.display(),
    );
    let out = run_with_limit(
        Command::new("unshare").args(["-m", "--propagation", "private", "sh", "-c", &script]),
        LIMIT,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(7), "the command's status: {err}");
    assert!(dir.join("ran").exists(), "the command ran to its end");
    let errors: Vec<_> = err
        .lines()
        .filter(|l| l.starts_with("ftrace-cli:"))
        .collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains("No space left on device"), "{err}");
    assert_whole_lines(&fs::read_to_string(&copy).unwrap());
}

#[test]
fn a_closed_pipe_stops_the_trace_not_the_command() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("closed-pipe");
    // As `ftrace-cli -- CMD | head -1`.
    let mut child = ftrace()
        .args(["--", "sh", "-c"])
        .arg(format!(
            "{} storm 3000 2>/dev/null; sleep 0.5; echo ran > ran; exit 7",
            workload(Arch::X86_64).display()
        ))
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(try_fields(&first).is_some(), "{first:?}");
    // The reader is gone now.
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < LIMIT, "ftrace-cli did not end");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(7), "the command's status");
    assert!(dir.join("ran").exists(), "the command ran to its end first");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(err, "", "a closed pipe is no error");
}

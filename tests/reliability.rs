//! End to end: signals, hostile processes, races and overload never lose
//! or corrupt what was traced.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use nix::sys::signal::Signal;

const LIMIT: Duration = Duration::from_secs(60);

/// Every line parses as a trace line of `call` and the text ends with a newline.
fn assert_complete_lines(trace: &str, call: &str) {
    assert!(
        trace.is_empty() || trace.ends_with('\n'),
        "last line cut short"
    );
    // A call still in progress when tracing stopped: printed as strace does.
    let detached = format!("{} <detached ...>", call.trim_end_matches(") = "));
    for line in trace.lines() {
        let (_, _, _, text) = fields(line);
        if text == detached {
            continue;
        }
        let result = text.rsplit_once(") = ").map(|(_, r)| r).unwrap_or("");
        let whole =
            result.parse::<i64>().is_ok() || (result.starts_with("-1 E") && result.ends_with(')'));
        assert!(text.starts_with(call) && whole, "garbled line {line:?}");
    }
}

/// "ftrace-cli: N calls lost (...)" on stderr, or 0.
fn lost(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("ftrace-cli: ")?
                .split(" calls lost")
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

#[test]
fn stop_signals_drain_and_end_with_a_complete_line() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("stop-signals");
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        let storm = background(Command::new(workload(Arch::X86_64)).args(["storm", "100000000"]));
        let file = dir.join(format!("{signal}.txt"));
        let tracing =
            start_tracing(&["-p", &storm.pid().to_string(), "-o", file.to_str().unwrap()]);
        std::thread::sleep(Duration::from_millis(300));
        tracing.signal(signal);
        let (_, err, status) = tracing.finish(LIMIT);
        assert_eq!(status, Some(0), "{signal}: {err}");
        let trace = std::fs::read_to_string(&file).unwrap();
        assert!(
            trace.lines().count() > 1000,
            "{signal}: the storm was traced"
        );
        assert_complete_lines(&trace, "openat(AT_FDCWD, \"/dev/null\", O_RDONLY) = ");
    }
}

#[test]
fn sigterm_in_command_mode_ends_the_command_and_keeps_its_status() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("term-command");
    let file = dir.join("trace.txt");
    let tracing = start_tracing_in(
        &[
            "-o",
            file.to_str().unwrap(),
            "-e",
            "trace=openat",
            "--",
            workload(Arch::X86_64).to_str().unwrap(),
            "storm",
            "100000000",
        ],
        Some(&dir),
    );
    std::thread::sleep(Duration::from_millis(300));
    tracing.signal(Signal::SIGTERM);
    let (_, err, status) = tracing.finish(LIMIT);
    assert_eq!(
        status,
        Some(128 + 15),
        "the command died of the forwarded SIGTERM: {err}"
    );
    let trace = std::fs::read_to_string(&file).unwrap();
    let storm = trace.lines().filter(|l| l.contains("/dev/null")).count();
    assert!(storm > 1000);
    assert_complete_lines(&trace, "openat(");
}

#[test]
fn a_second_sigint_stops_a_command_that_ignores_it() {
    if !privileged() {
        return;
    }
    // exec: one process, whose ignored SIGINT survives the exec.
    let tracing = start_tracing(&["--", "sh", "-c", "trap '' INT; exec sleep 30"]);
    tracing.signal(Signal::SIGINT);
    std::thread::sleep(Duration::from_millis(200));
    tracing.signal(Signal::SIGINT);
    let (_, _, status) = tracing.finish(Duration::from_secs(10));
    assert_eq!(
        status,
        Some(128 + 9),
        "the command was killed with ftrace-cli"
    );
}

#[test]
fn a_target_exiting_during_attach_does_not_hang() {
    if !privileged() {
        return;
    }
    for delay_ms in [0, 2, 5, 10, 20, 40, 80] {
        let mut short = background(Command::new("sleep").arg(format!("0.{delay_ms:03}")));
        let out = run_with_limit(
            ftrace().args(["-p", &short.pid().to_string()]),
            Duration::from_secs(10),
        );
        let _ = short.0.wait();
        // Gone before the check: a usage error; gone during or after attach: a clean end.
        let err = stderr(&out);
        match out.status.code() {
            Some(0) => assert_eq!(err, ""),
            Some(2) => assert!(
                err.contains("has already exited") || err.contains("no process"),
                "{err}"
            ),
            other => panic!("status {other:?}: {err}"),
        }
    }
}

#[test]
fn a_reused_pid_is_not_traced() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("pid-reuse");
    let files = workload(Arch::X86_64);
    // The shell starts one traced child, reports its pid, and waits.
    let script = format!(
        "read x; {} basic & echo $!; wait; echo done; read y",
        files.display()
    );
    let mut shell = background(
        Command::new("sh")
            .args(["-c", &script])
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped()),
    );
    let mut to_shell = shell.0.stdin.take().unwrap();
    let mut from_shell = BufReader::new(shell.0.stdout.take().unwrap());
    let tracing = start_tracing(&["-f", "-p", &shell.pid().to_string()]);
    writeln!(to_shell, "go").unwrap();
    let mut line = String::new();
    from_shell.read_line(&mut line).unwrap();
    let child: i32 = line.trim().parse().unwrap();
    line.clear();
    from_shell.read_line(&mut line).unwrap();
    assert_eq!(line, "done\n");

    // An unrelated process under the dead child's pid, through ns_last_pid.
    let mut reused = false;
    for _ in 0..20 {
        std::fs::write("/proc/sys/kernel/ns_last_pid", (child - 1).to_string()).unwrap();
        let mut imposter = Command::new(&files)
            .arg("evil-comm")
            .current_dir(&dir)
            .spawn()
            .unwrap();
        let pid = imposter.id() as i32;
        imposter.wait().unwrap();
        if pid == child {
            reused = true;
            break;
        }
    }
    assert!(reused, "could not get pid {child} again");
    writeln!(to_shell, "end").unwrap();
    let (trace, _, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(0));
    assert_eq!(body(&trace), BASIC, "the real child was traced");
    assert!(
        !trace.contains("\"evil\""),
        "the imposter was not:\n{trace}"
    );
}

#[test]
fn many_threads_on_both_cpus_keep_their_own_ids_and_names() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("threads");
    let out = run(ftrace()
        .arg("--")
        .arg(workload(Arch::X86_64))
        .args(["threads", "16"])
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0));
    let trace = stdout(&out);
    let mut calls = 0;
    for line in trace.lines() {
        let (pid, tid, comm, call) = fields(line);
        let Some(rest) = call.strip_prefix("openat(AT_FDCWD, \"t-") else {
            continue;
        };
        let name = rest.split('"').next().unwrap();
        let parts: Vec<u32> = name.split('-').map(|p| p.parse().unwrap()).collect();
        assert_eq!((pid, tid), (parts[0], parts[1]), "{line}");
        assert_eq!(comm, format!("worker-{}", parts[2]), "{line}");
        calls += 1;
    }
    assert_eq!(calls, 16 * 200);
}

#[test]
fn hostile_names_never_reach_the_terminal_raw() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("evil-comm");
    for json in [false, true] {
        let mut cmd = ftrace();
        if json {
            cmd.arg("--json");
        }
        let out = run(cmd
            .arg("--")
            .arg(workload(Arch::X86_64))
            .arg("evil-comm")
            .current_dir(&dir));
        let trace = stdout(&out);
        assert!(
            !trace.bytes().any(|b| b < 0x20 && b != b'\n'),
            "raw control byte: {trace:?}"
        );
        if json {
            for line in trace.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                if v["call"].as_str().unwrap().contains("\"evil\"") {
                    assert_eq!(v["comm"], "e\n\x1b[31m x");
                }
            }
        } else {
            let line = trace.lines().find(|l| l.contains("\"evil\"")).unwrap();
            assert_eq!(fields(line).2, "e\\012\\033[31m\\040x");
        }
    }
}

#[test]
fn overload_loses_only_what_it_counts() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("overload");
    let file = dir.join("trace.txt");
    let calls = 300_000u64;
    // The storm waits for a line on stdin, so -p sees exactly `calls` openats.
    let mut storm = background(
        Command::new(workload(Arch::X86_64))
            .args(["gated-storm", &calls.to_string()])
            .stdin(Stdio::piped())
            .stderr(Stdio::null()),
    );
    // GNU time reports ftrace-cli's peak RSS: memory stays bounded in a storm.
    let pid = storm.pid().to_string();
    let mut cmd = Command::new("/usr/bin/time");
    let (read, write) = ready_pipe(&mut cmd);
    cmd.args(["-f", "maxrss-kb %M"])
        .arg(BIN)
        .args([
            "--buffer-size",
            "4K",
            "-e",
            "trace=openat",
            "-p",
            &pid,
            "-o",
        ])
        .arg(&file)
        .arg("--ready-fd")
        .arg(std::os::fd::AsRawFd::as_raw_fd(&write).to_string())
        .stderr(Stdio::piped());
    let mut tracer = background(&mut cmd);
    drop(write);
    let mut ready = String::new();
    BufReader::new(std::fs::File::from(read))
        .read_line(&mut ready)
        .unwrap();
    writeln!(storm.0.stdin.take().unwrap(), "go").unwrap();
    storm.0.wait().unwrap();
    let status = tracer.0.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut tracer.0.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    let trace = std::fs::read_to_string(&file).unwrap();
    let written = trace.lines().count() as u64;
    let lost = lost(&err);
    assert_eq!(
        written + lost,
        calls,
        "written {written} + lost {lost}: {err}"
    );
    assert!(
        lost > 0,
        "a one-page buffer should overflow in this storm: {err}"
    );
    let rss: u64 = err
        .lines()
        .find_map(|l| l.strip_prefix("maxrss-kb "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(rss < 64 * 1024, "peak RSS {rss} KiB");
}

#[test]
fn kernel_without_btf_exits_4() {
    if !privileged() {
        return;
    }
    let script = format!("mount -t tmpfs none /sys/kernel/btf && exec {BIN} -p 1");
    let out = run(Command::new("unshare").args([
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        &script,
    ]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("no BTF"), "{err}");
}

#[test]
fn unwritable_output_and_bad_ready_fd_exit_2() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("read-only");
    let script = format!(
        "mount -t tmpfs -o ro none {d} && exec {BIN} -o {d}/trace.txt -p 1",
        d = dir.display()
    );
    let out = run(Command::new("unshare").args([
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        &script,
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "ftrace-cli: cannot write {}/trace.txt: Read-only file system\n",
            dir.display()
        )
    );
    let out = run(ftrace().args(["--ready-fd", "77", "-p", "1"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--ready-fd 77"));
}

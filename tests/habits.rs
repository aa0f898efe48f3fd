//! End to end: results exactly as strace prints them where a call has no
//! ordinary result, and the command-line habits of strace users.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

const LIMIT: Duration = Duration::from_secs(30);

fn mkfifo(path: &Path) {
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
}

/// Waits until `check` holds, failing the test after LIMIT.
fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < LIMIT, "never saw {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A task killed while blocked in a traced call: strace prints `= ?`, as
/// the call never returns (the kernel unwinds it with ERESTARTSYS).
#[test]
fn a_call_cut_short_by_sigkill_has_no_result() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("sigkill-in-call");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let tracing = start_tracing(&["--", "cat", fifo.to_str().unwrap()]);
    let children = format!("/proc/{0}/task/{0}/children", tracing.pid());
    let cat: i32 = wait_for("the command's pid", || {
        fs::read_to_string(&children).ok()?.trim().parse().ok()
    });
    // Blocked in openat (257), asleep: opening the FIFO, which no one writes.
    wait_for("cat blocked opening the FIFO", || {
        let syscall = fs::read_to_string(format!("/proc/{cat}/syscall")).ok()?;
        let stat = fs::read_to_string(format!("/proc/{cat}/stat")).ok()?;
        let state = stat.rsplit_once(") ")?.1.chars().next()?;
        (syscall.starts_with("257 ") && state == 'S').then_some(())
    });
    kill(Pid::from_raw(cat), Signal::SIGKILL).unwrap();
    let (trace, _, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(128 + 9), "the command's own status");
    let want = format!("openat(AT_FDCWD, \"{}\", O_RDONLY) = ?", fifo.display());
    let calls: Vec<_> = trace.lines().map(|l| fields(l).3).collect();
    assert!(calls.contains(&want.as_str()), "{trace}");
}

/// A thread blocked in a traced call while another thread ends the
/// process: that call never returns either.
#[test]
fn a_call_cut_short_by_another_threads_exit_has_no_result() {
    if !privileged() {
        return;
    }
    for arch in [Arch::X86_64, Arch::Ia32] {
        let dir = scratch_dir(&format!("exit-in-call-{arch:?}"));
        mkfifo(&dir.join("fifo"));
        let out = run_with_limit(
            ftrace()
                .arg("--")
                .arg(workload(arch))
                .args(["exit-in-call", "fifo"])
                .current_dir(&dir),
            LIMIT,
        );
        assert_eq!(out.status.code(), Some(0));
        let trace = stdout(&out);
        let line = trace
            .lines()
            .find(|l| l.contains("\"fifo\""))
            .unwrap_or_else(|| panic!("{arch:?}: no openat of the FIFO:\n{trace}"));
        let (pid, tid, _, call) = fields(line);
        assert_ne!(pid, tid, "made by the second thread");
        assert_eq!(call, "openat(AT_FDCWD, \"fifo\", O_RDONLY) = ?", "{arch:?}");
    }
}

/// openat2 with a struct open_how of 32 and 64 bytes: what lies past the
/// kernel's 24 is shown as strace shows it.
const OPEN_HOW_TAILS: &[&str] = &[
    r#"openat2(AT_FDCWD, "f", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH, /* bytes 24..31 */ "\x80\x00\x00\x00\x00\x00\x00\x00"}, 32) = -1 E2BIG (Argument list too long)"#,
    r#"openat2(AT_FDCWD, "f", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH}, 32) = 3"#,
    r#"openat2(AT_FDCWD, "f", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH, ???}, 32) = -1 EFAULT (Bad address)"#,
];

#[test]
fn open_how_tails_read_as_strace_prints_them() {
    if !privileged() {
        return;
    }
    let strace = Command::new("strace").arg("-V").output().is_ok();
    if !strace {
        eprintln!("\n!!! strace is not installed: comparing with the expected lines only (scripts/deps installs it) !!!\n");
    }
    for arch in [Arch::X86_64, Arch::Ia32] {
        let dir = scratch_dir(&format!("open-how-tails-{arch:?}"));
        let out = run(ftrace()
            .args(["-e", "trace=openat,openat2", "--"])
            .arg(workload(arch))
            .arg("open-how-tails")
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let ours = body(&stdout(&out));
        assert_eq!(ours[..3], *OPEN_HOW_TAILS, "{arch:?}");
        let long = format!(
            r#"/* bytes 24..63 */ "{}"...}}, 64) = -1 E2BIG (Argument list too long)"#,
            r"\x00".repeat(32)
        );
        assert!(ours[3].ends_with(&long), "{arch:?}: {}", ours[3]);
        assert_eq!(ours.len(), 4);
        // The unreadable tail is counted as memory that could not be read.
        assert!(stderr(&out).contains("1 arguments could not be read"));

        if strace {
            let dir = scratch_dir(&format!("open-how-tails-strace-{arch:?}"));
            let log = dir.join("strace.log");
            let out = run(Command::new("strace")
                .args(["-qq", "-e", "trace=openat,openat2", "-o"])
                .arg(&log)
                .arg(workload(arch))
                .arg("open-how-tails")
                .current_dir(&dir));
            assert!(out.status.success());
            let text = fs::read_to_string(&log).unwrap();
            let theirs: Vec<String> = text
                .lines()
                .map(|l| {
                    l.split_once(") ")
                        .map_or(l.to_string(), |(h, t)| format!("{h}) {}", t.trim_start()))
                })
                .skip_while(|l| !l.contains("--begin--"))
                .skip(1)
                .take_while(|l| !l.contains("--end--"))
                .collect();
            assert_eq!(theirs, ours, "{arch:?}: strace, then ours");
        }
    }
}

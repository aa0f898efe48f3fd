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

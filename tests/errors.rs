//! Bad input: one line on stderr naming the problem, a documented exit
//! status, and nothing on stdout.

mod common;

use std::process::Command;

use common::*;

/// Runs ftrace-cli with `args`; asserts one stderr line containing `needle`
/// and exit status `code`, with nothing on stdout.
fn refused(args: &[&str], code: i32, needle: &str) {
    let out = run(ftrace().args(args));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
    assert!(err.starts_with("ftrace-cli: "), "{err}");
    assert!(
        err.contains(needle),
        "{args:?}: {err:?} should name {needle:?}"
    );
    assert_eq!(stdout(&out), "", "{args:?}: no partial output");
}

#[test]
fn usage_errors_exit_2() {
    refused(&["--no-such-option"], 2, "--no-such-option");
    refused(&["-p", "abc"], 2, "'abc' is not a process id");
    refused(&["-p", "0"], 2, "'0' is not a process id");
    refused(&["-p", "-5"], 2, "'-5' is not a process id");
    refused(&["-p", "2147483647"], 2, "no process with pid 2147483647");
    refused(&["-c", "a-name-of-17-bytes"], 2, "use 'a-name-of-17-by'");
    refused(&["-e", "trace=read"], 2, "'read'");
    refused(&["-X", "fancy"], 2, "fancy");
    refused(&["-o", "/no/such/dir/trace"], 2, "/no/such/dir/trace");
    refused(&["--buffer-size", "1G"], 2, "the largest is 256M");
}

#[test]
fn help_and_version_exit_0() {
    let out = run(ftrace().arg("--help"));
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Usage: ftrace-cli"));
    let out = run(ftrace().arg("--version"));
    let version = stdout(&out);
    let want = format!("ftrace-cli {} (libbpf ", env!("CARGO_PKG_VERSION"));
    assert!(version.starts_with(&want), "{version}");
    assert!(
        version.ends_with(")\n") && version.lines().count() == 1,
        "{version}"
    );
}

#[test]
fn command_not_found_127_not_executable_126() {
    if !privileged() {
        return;
    }
    refused(
        &["--", "no-such-command-xyz"],
        127,
        "no-such-command-xyz: command not found",
    );
    let dir = scratch_dir("not-executable");
    let file = dir.join("script");
    std::fs::write(&file, "#!/bin/sh\n").unwrap();
    refused(&["--", file.to_str().unwrap()], 126, "permission denied");
}

#[test]
fn without_privilege_exit_3() {
    if !privileged() {
        return;
    }
    // Drop to nobody with no capabilities; the binary stays readable.
    let out = run(Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(BIN)
        .args(["-p", "1"]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("CAP_BPF and CAP_PERFMON"), "{err}");
}

//! End to end: the real BPF program tracing real processes.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use nix::sys::signal::Signal;

const LIMIT: Duration = Duration::from_secs(30);

fn basic_under_command(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    let dir = scratch_dir(test);
    let out = run(ftrace()
        .arg("--")
        .arg(workload(arch))
        .arg("basic")
        .current_dir(&dir));
    assert_eq!(stderr(&out), "", "a clean run prints nothing on stderr");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(body(&stdout(&out)), BASIC);
}

#[test]
fn command_mode_shows_every_call_exactly() {
    basic_under_command(Arch::X86_64, "command-mode");
}

#[test]
fn ia32_processes_are_traced_too() {
    basic_under_command(Arch::Ia32, "ia32");
}

#[test]
fn shell_example_from_the_issue() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("shell-example");
    let out = run(ftrace()
        .args(["--", "sh", "-c", "ln -s a b; cat /etc/hostname"])
        .current_dir(&dir));
    let trace = stdout(&out);
    // cat's own output shares stdout with the trace.
    let calls: Vec<_> = trace.lines().filter_map(try_fields).map(|f| f.3).collect();
    assert!(
        calls.contains(&"symlinkat(\"a\", AT_FDCWD, \"b\") = 0"),
        "{trace}"
    );
    let hostname = fs_hostname();
    assert!(
        trace.contains(" cat openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY) = 3\n"),
        "{trace}"
    );
    assert!(trace.contains(&hostname), "cat's own output is there too");
    assert_eq!(out.status.code(), Some(0));
}

fn fs_hostname() -> String {
    std::fs::read_to_string("/etc/hostname").unwrap()
}

#[test]
fn exit_status_is_the_commands() {
    if !privileged() {
        return;
    }
    let out = run(ftrace().args(["--", "sh", "-c", "exit 7"]));
    assert_eq!(out.status.code(), Some(7));
    let out = run(ftrace().args(["--", "sh", "-c", "kill -TERM $$"]));
    assert_eq!(out.status.code(), Some(128 + 15));
}

#[test]
fn pid_filter_traces_only_its_process_and_ends_with_it() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("pid-filter");
    let spinner = background(
        Command::new(workload(Arch::X86_64))
            .arg("spin")
            .current_dir(&dir),
    );
    let mut target = background(
        Command::new(workload(Arch::X86_64))
            .arg("wait")
            .current_dir(&dir)
            .stdin(Stdio::piped()),
    );
    let tracing = start_tracing(&["-p", &target.pid().to_string()]);
    writeln!(target.0.stdin.take().unwrap(), "go").unwrap();
    // No signal: ftrace-cli ends by itself once its target has exited.
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(body(&trace), BASIC);
    for line in trace.lines() {
        assert_eq!(fields(line).0, target.pid(), "only the target: {line}");
        assert_ne!(fields(line).0, spinner.pid());
    }
}

#[test]
fn comm_filter_traces_only_that_name() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("comm-filter");
    // The same program under another name: a busy process outside the filter.
    // A hard link, not a copy: a copy's write descriptor can leak into a
    // child another test thread forks, and exec then fails with ETXTBSY.
    let spinner_path = dir.join("spinner");
    std::fs::hard_link(workload(Arch::X86_64), &spinner_path).unwrap();
    let _spinner = background(Command::new(&spinner_path).arg("spin").current_dir(&dir));
    let tracing = start_tracing(&["-c", "files"]);
    let out = run(Command::new(workload(Arch::X86_64))
        .arg("basic")
        .current_dir(&dir));
    assert!(out.status.success());
    tracing.signal(Signal::SIGINT);
    let (trace, err, status) = tracing.finish(LIMIT);
    assert_eq!((status, err.as_str()), (Some(0), ""));
    assert_eq!(body(&trace), BASIC);
    for line in trace.lines() {
        assert_eq!(
            fields(line).2,
            "files",
            "only processes named files: {line}"
        );
    }
}

#[test]
fn follow_forks_traces_children_and_without_it_they_are_not() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("follow-forks");
    let script = format!("read line; {} basic", workload(Arch::X86_64).display());
    for follow in [true, false] {
        let mut shell = background(
            Command::new("sh")
                .args(["-c", &script])
                .current_dir(&dir)
                .stdin(Stdio::piped()),
        );
        let pid = shell.pid().to_string();
        let mut args = vec!["-p", pid.as_str()];
        if follow {
            args.push("-f");
        }
        let tracing = start_tracing(&args);
        writeln!(shell.0.stdin.take().unwrap(), "go").unwrap();
        let (trace, _, status) = tracing.finish(LIMIT);
        assert_eq!(status, Some(0));
        let from_child = trace.lines().filter(|l| fields(l).0 != shell.pid()).count();
        if follow {
            assert_eq!(body(&trace), BASIC);
        } else {
            assert_eq!(from_child, 0, "without -f no child is traced:\n{trace}");
            assert!(!trace.contains("--begin--"));
        }
    }
}

#[test]
fn no_target_traces_everyone_but_itself() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("everyone");
    let tracing = start_tracing(&[]);
    let out = run(Command::new(workload(Arch::X86_64))
        .arg("basic")
        .current_dir(&dir));
    assert!(out.status.success());
    let own = tracing.pid();
    tracing.signal(Signal::SIGTERM);
    let (trace, _, status) = tracing.finish(LIMIT);
    assert_eq!(status, Some(0));
    assert_eq!(body(&trace), BASIC);
    assert!(trace.lines().all(|l| fields(l).0 != own), "never itself");
}

#[test]
fn works_where_tracefs_is_not_mounted() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("no-tracefs");
    // A private mount namespace without tracefs; the script refuses to run
    // ftrace-cli if tracefs is still visible, so this cannot pass vacuously.
    let script = format!(
        "umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug 2>/dev/null; \
         if grep -q tracefs /proc/self/mountinfo; then echo tracefs still mounted >&2; exit 99; fi; \
         exec {} -- {} basic",
        BIN,
        workload(Arch::X86_64).display()
    );
    let out = run(Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(body(&stdout(&out)), BASIC);
}

#[test]
fn the_ready_fd_is_not_passed_to_the_command() {
    if !privileged() {
        return;
    }
    let mut cmd = ftrace();
    let (read, write) = ready_pipe(&mut cmd);
    let fd = std::os::fd::AsRawFd::as_raw_fd(&write).to_string();
    let script = format!("[ -e /proc/$$/fd/{fd} ] && echo leaked || echo closed");
    let out = run(cmd.args([
        "-o",
        "/dev/null",
        "--ready-fd",
        &fd,
        "--",
        "sh",
        "-c",
        &script,
    ]));
    drop((read, write));
    assert_eq!(
        stdout(&out),
        "closed\n",
        "the command must not inherit --ready-fd"
    );
}

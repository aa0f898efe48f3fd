//! End to end: every decoding case of the strace dialect, made by a real
//! workload (tests/workload/files.c, scenario `decode`) for x86_64 and ia32,
//! compared with the exact text strace prints (7.2's tables; checked against
//! strace 6.1 output, which differs only in the order of FAN_ONDIR).

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::*;

/// The calls of the `decode` scenario in order, but for the two long paths.
const DECODE: &[&str] = &[
    "openat(AT_FDCWD, \"f\", O_RDONLY) = 3",
    "openat(AT_FDCWD, \"f\", O_WRONLY|O_APPEND) = 3",
    "openat(AT_FDCWD, \"f\", O_RDWR|O_NOCTTY|O_NONBLOCK) = 3",
    "openat(AT_FDCWD, \"nodir/f\", O_ACCMODE) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \".\", O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_DIRECTORY) = 3",
    "openat(AT_FDCWD, \".\", O_RDONLY|O_PATH) = 3",
    "openat(AT_FDCWD, \"nodir/f\", O_WRONLY|O_CREAT|O_EXCL, 0600) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"nodir/f\", O_RDWR|O_CREAT|O_TRUNC|O_SYNC, 04755) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"nodir/f\", O_WRONLY|O_DSYNC|O_DIRECT|O_LARGEFILE) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"nodir/f\", O_RDONLY|O_NOATIME|FASYNC) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"nodir\", O_RDWR|O_TMPFILE, 0600) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"nodir/f\", O_RDONLY|O_CREAT, 000) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"nodir/f\", O_RDONLY|0x80000000) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"nodir/f\", O_WRONLY) = -1 ENOENT (No such file or directory)",
    "openat(-5, \"f\", O_RDONLY) = -1 EBADF (Bad file descriptor)",
    "openat(99, \"f\", O_RDONLY) = -1 EBADF (Bad file descriptor)",
    "openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)",
    "openat(AT_FDCWD, 0x1000, O_RDONLY) = -1 EFAULT (Bad address)",
    "openat(AT_FDCWD, \"new\\nline\", O_RDONLY) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"\\33[31mred\\33[0m\\0337\", O_RDONLY) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"bad\\377\\376utf8\\177\", O_RDONLY) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"quote\\\"back\\\\slash\\ttab\\v\\f\\r\", O_RDONLY) = -1 ENOENT (No such file or directory)",
    // the 4000-byte path and the 5000-byte one: see expected()
    "symlinkat(\"target\", AT_FDCWD, \"link\") = 0",
    "symlinkat(\"target\", -5, \"link\") = -1 EBADF (Bad file descriptor)",
    "symlinkat(NULL, AT_FDCWD, \"x\") = -1 EFAULT (Bad address)",
    "symlinkat(\"new\\nline\", AT_FDCWD, 0x1000) = -1 EFAULT (Bad address)",
    "fanotify_init(FAN_CLASS_NOTIF|FAN_CLOEXEC|FAN_NONBLOCK, O_RDONLY|O_LARGEFILE) = 3",
    "fanotify_init(0xc /* FAN_CLASS_??? */, O_WRONLY) = -1 EINVAL (Invalid argument)",
    "fanotify_init(FAN_CLASS_NOTIF, O_RDONLY) = 3",
    "fanotify_mark(3, FAN_MARK_ADD|FAN_MARK_MOUNT, FAN_CLOSE_WRITE|FAN_OPEN, AT_FDCWD, \".\") = 0",
    "fanotify_mark(3, FAN_MARK_ADD|FAN_MARK_DONT_FOLLOW|FAN_MARK_ONLYDIR, FAN_ACCESS|FAN_MODIFY|FAN_CLOSE_NOWRITE|FAN_OPEN_EXEC|FAN_EVENT_ON_CHILD|FAN_ONDIR, FAN_NOFD, \"/\") = 0",
    "fanotify_mark(3, FAN_MARK_REMOVE, FAN_OPEN, AT_FDCWD, \"f\") = -1 ENOENT (No such file or directory)",
    "fanotify_mark(3, FAN_MARK_ADD|FAN_MARK_IGNORED_MASK|FAN_MARK_IGNORED_SURV_MODIFY, FAN_MODIFY, AT_FDCWD, \"f\") = 0",
    "fanotify_mark(3, FAN_MARK_FLUSH, 0, AT_FDCWD, NULL) = 0",
    "fanotify_mark(3, 0x80000000 /* FAN_MARK_??? */, FAN_OPEN, AT_FDCWD, \".\") = -1 EINVAL (Invalid argument)",
    "fanotify_mark(3, FAN_MARK_ADD, FAN_OPEN|0x10000000000, AT_FDCWD, \".\") = -1 EINVAL (Invalid argument)",
    "fanotify_mark(3, FAN_MARK_ADD, FAN_OPEN, FAN_NOFD, \".\") = -1 EBADF (Bad file descriptor)",
    "fanotify_mark(3, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, 0x1000) = -1 EFAULT (Bad address)",
    "fanotify_mark(3, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, \"nodir/f\") = -1 ENOENT (No such file or directory)",
    "open(\"f\", O_RDONLY) = 3",
    "open(\"nodir/f\", O_WRONLY|O_CREAT, 0644) = -1 ENOENT (No such file or directory)",
    "creat(\"nodir/f\", 0644) = -1 ENOENT (No such file or directory)",
    "creat(NULL, 000) = -1 EFAULT (Bad address)",
    "openat2(AT_FDCWD, \"f\", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH}, 24) = 3",
    "openat2(AT_FDCWD, \"f\", 0x1000, 24) = -1 EFAULT (Bad address)",
    "openat2(AT_FDCWD, \"f\", 0x10000000, 16) = -1 EINVAL (Invalid argument)",
    "symlink(\"target\", \"link2\") = 0",
    "symlink(\"target\", \"nodir/x\") = -1 ENOENT (No such file or directory)",
];

/// What the 4000-byte path (printed whole) and the 5000-byte one (cut at
/// 4095 bytes, with strace's `...` marker) must print as.
fn expected() -> Vec<String> {
    let long: String = (0..4000)
        .map(|i| if i % 100 == 99 { '/' } else { 'a' })
        .collect();
    let cut = "b".repeat(4095);
    let mut calls: Vec<String> = DECODE.iter().map(|s| s.to_string()).collect();
    let at = calls
        .iter()
        .position(|c| c.starts_with("symlinkat("))
        .unwrap();
    calls.insert(
        at,
        format!("openat(AT_FDCWD, \"{cut}\"..., O_RDONLY) = -1 ENAMETOOLONG (File name too long)"),
    );
    calls.insert(
        at,
        format!("openat(AT_FDCWD, \"{long}\", O_RDONLY) = -1 ENOENT (No such file or directory)"),
    );
    calls
}

/// The unmapped pointers the scenario passes, each counted once.
const UNREADABLE: &str = "ftrace-cli: 4 arguments could not be read from the traced memory\n";

fn decode_under(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    let dir = scratch_dir(test);
    let out = run(ftrace()
        .args(["-e", "trace=all", "--"])
        .arg(workload(arch))
        .arg("decode")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), UNREADABLE);
    let got = body(&stdout(&out));
    let want = expected();
    assert_same_calls(&got, &want);
}

#[test]
fn every_case_decodes_as_strace_x86_64() {
    decode_under(Arch::X86_64, "decode64");
}

#[test]
fn every_case_decodes_as_strace_ia32() {
    decode_under(Arch::Ia32, "decode32");
}

#[test]
fn raw_and_verbose_styles() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("styles");
    let want = [
        ("raw", "openat(-100, \"exists\", 0x80000) = 3"),
        (
            "verbose",
            "openat(-100 /* AT_FDCWD */, \"exists\", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3",
        ),
        (
            "abbrev",
            "openat(AT_FDCWD, \"exists\", O_RDONLY|O_CLOEXEC) = 3",
        ),
    ];
    for (style, first) in want {
        let out = run(ftrace()
            .args(["-X", style, "--"])
            .arg(workload(Arch::X86_64))
            .arg("basic")
            .current_dir(&dir));
        let trace = stdout(&out);
        let begin = trace.lines().position(|l| l.contains("--begin--")).unwrap();
        let line = trace.lines().nth(begin + 1).unwrap();
        assert_eq!(fields(line).3, first, "-X {style}");
    }
}

/// strace's own rendering of the same run, where strace is installed.
/// strace versions order some flag names differently, so a line may differ
/// from ours only in the order of its `|`-joined names.
#[test]
fn matches_the_installed_strace() {
    if !privileged() {
        return;
    }
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("\n!!! strace is not installed: skipping the direct comparison (scripts/deps installs it) !!!\n");
        return;
    }
    for arch in [Arch::X86_64, Arch::Ia32] {
        let dir = scratch_dir(&format!("vs-strace-{arch:?}"));
        let log = dir.join("strace.log");
        let out = run(Command::new("strace")
            .args(["-f", "-qq", "-o"])
            .arg(&log)
            .args([
                "-e",
                "trace=open,creat,openat,openat2,symlink,symlinkat,fanotify_init,fanotify_mark",
            ])
            .arg(workload(arch))
            .arg("decode")
            .current_dir(&dir));
        assert!(out.status.success());
        let text = std::fs::read_to_string(&log).unwrap();
        // "PID call   = result": drop the pid and strace's alignment padding.
        let theirs: Vec<String> = text
            .lines()
            .map(|l| unpad(l.split_once(' ').unwrap().1.trim_start()))
            .skip_while(|l| !l.contains("--begin--"))
            .skip(1)
            .take_while(|l| !l.contains("--end--"))
            .collect();
        let ours = expected();
        assert_eq!(theirs.len(), ours.len(), "{arch:?}");
        for (t, o) in theirs.iter().zip(&ours) {
            if t != o {
                assert_eq!(names(t), names(o), "{arch:?}: strace {t}\nours {o}");
            }
        }
    }
}

/// The line's tokens with every `|`-joined run of names sorted.
fn names(call: &str) -> Vec<BTreeSet<&str>> {
    call.split(", ")
        .map(|arg| arg.split('|').collect())
        .collect()
}

#[test]
fn trace_expression_selects_calls() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("select");
    let calls_of = |expr: &str| -> BTreeSet<String> {
        let out = run(ftrace()
            .args(["-e", expr, "--"])
            .arg(workload(Arch::X86_64))
            .arg("decode")
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .map(|l| fields(l).3.split('(').next().unwrap().to_string())
            .collect()
    };
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        calls_of("trace=openat,symlinkat,fanotify_mark"),
        set(&["openat", "symlinkat", "fanotify_mark"])
    );
    assert_eq!(calls_of("openat2,creat"), set(&["openat2", "creat"]));
    // The dynamic loader's access("/etc/ld.so.preload") is a file call too.
    assert_eq!(
        calls_of("trace=!openat,open"),
        set(&[
            "access",
            "creat",
            "openat2",
            "symlink",
            "symlinkat",
            "fanotify_init",
            "fanotify_mark",
            // The workload's own start: its exec and the loader's stats.
            "execve",
            "newfstatat",
        ])
    );
    assert_eq!(calls_of("trace=all").len(), 11);
    assert_eq!(
        calls_of("trace=/^(sym)?link,?nosuch"),
        set(&["symlink", "symlinkat"])
    );
    assert_eq!(
        calls_of("trace=!%file"),
        set(&["fanotify_init"]),
        "the one call that takes no file name"
    );
}

//! End to end: fsconfig and quotactl, whose arguments print as their
//! command says, made by the workload's `fs-context` scenario on a real
//! tmpfs context and its `quotas` scenario, on both ABIs, each line
//! asserted exactly and compared with the installed strace's text for the
//! same run; with -y, -P and -v.

mod common;

use std::path::Path;

use common::*;

/// The scenario's calls, fd 3 the filesystem context, fd 4 its directory.
const FSCONFIG: &[&str] = &[
    "fsconfig(3, FSCONFIG_SET_STRING, \"size\", \"1m\", 0) = 0",
    "fsconfig(3, FSCONFIG_SET_STRING, \"nr_inodes\", \"0123456789abcdefghijklmnopqrstuv\"..., 0) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_STRING, \"0123456789abcdefghijklmnopqrstuv\"..., \"v\", 0) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_STRING, 0x1000, \"v\", 0) = -1 EFAULT (Bad address)",
    "fsconfig(3, FSCONFIG_SET_STRING, \"size\", NULL, 0) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_FLAG, \"ro\", 0x20000000, 0) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_FLAG, \"rw\", NULL, 0) = 0",
    "fsconfig(3, FSCONFIG_SET_BINARY, \"size\", \"\\x01\\x02\\xff\", 3) = -1 EINVAL (Invalid argument)",
    // Three bytes across the end of the mapping: the address.
    "fsconfig(3, FSCONFIG_SET_BINARY, \"size\", 0x20000ffe, 3) = -1 EFAULT (Bad address)",
    "fsconfig(3, FSCONFIG_SET_BINARY, \"size\", 0x20000000, -1) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_PATH, \"source\", \"missing\", 4) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_PATH, \"source\", \"/\", AT_FDCWD) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_PATH_EMPTY, \"source\", \"\", 4) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_PATH, \"source\", 0x1000, -1) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_FD, \"source\", NULL, 4) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_SET_FD, \"source\", 0x20000000, -1) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, FSCONFIG_CMD_CREATE, NULL, NULL, 0) = 0",
    "fsconfig(3, FSCONFIG_CMD_RECONFIGURE, 0x20000000, 0x20000000, 5) = -1 EINVAL (Invalid argument)",
    "fsconfig(3, 0x9 /* FSCONFIG_??? */, 0x20000000, 0x20000000, -100) = -1 EOPNOTSUPP (Operation not supported)",
    "fsconfig(-1, FSCONFIG_CMD_CREATE, NULL, NULL, 0) = -1 EINVAL (Invalid argument)",
];

/// A workload scenario under ftrace-cli with `args`, run in `dir`: the
/// calls between its markers, and what ftrace-cli said on stderr.
fn traced(arch: Arch, scenario: &str, dir: &Path, args: &[&str]) -> (Vec<String>, String) {
    let out = run(ftrace()
        .args(args)
        .arg("--")
        .arg(workload(arch))
        .arg(scenario)
        .current_dir(dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let calls: Vec<String> = stdout(&out)
        .lines()
        .map(|line| fields(line).3.to_string())
        .collect();
    (between_markers(&calls), stderr(&out))
}

/// strace's text for the same scenario, aligned as ftrace-cli prints.
fn strace_body(arch: Arch, scenario: &str, dir: &Path, args: &[&str]) -> Vec<String> {
    between_markers(&strace_calls(arch, scenario, dir, args))
}

fn fsconfig_every_line(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    let dir = scratch_dir(test);
    let (lines, err) = traced(arch, "fs-context", &dir, &["-e", "trace=%file"]);
    assert_eq!(lines, FSCONFIG);
    assert_eq!(
        err, "ftrace-cli: 3 arguments could not be read from the traced memory\n",
        "the key at 0x1000, the binary value across the mapping's end, the path at 0x1000"
    );
    for style in ["abbrev", "raw", "verbose"] {
        let args = ["-X", style, "-e", "trace=openat,fsconfig"];
        let dir = scratch_dir(&format!("{test}-{style}"));
        let (ours, _) = traced(arch, "fs-context", &dir, &args);
        let dir = scratch_dir(&format!("{test}-strace-{style}"));
        let theirs = strace_body(arch, "fs-context", &dir, &args);
        assert_eq!(ours, theirs, "-X {style}");
    }
}

#[test]
fn fsconfig_x86_64() {
    fsconfig_every_line(Arch::X86_64, "fsconfig-x86_64");
}

#[test]
fn fsconfig_ia32() {
    fsconfig_every_line(Arch::Ia32, "fsconfig-ia32");
}

/// -y names the context, the directory of a path and a descriptor value,
/// as strace; -P matches those and the path, never the context (strace
/// matches fsconfig's aux and value only).
#[test]
fn fsconfig_fd_paths_and_trace_paths() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("fsconfig-y");
    let args = ["-y", "-s", "4", "-e", "trace=openat,fsconfig"];
    let (ours, _) = traced(Arch::Ia32, "fs-context", &dir, &args);
    let theirs = strace_body(Arch::Ia32, "fs-context", &dir, &args);
    assert_eq!(ours, theirs);
    let cwd = dir.display();
    for want in [
        "fsconfig(3<anon_inode:[fscontext]>, FSCONFIG_SET_STRING, \"nr_i\"..., \"0123\"..., 0) = -1 EINVAL (Invalid argument)".to_string(),
        format!("fsconfig(3<anon_inode:[fscontext]>, FSCONFIG_SET_PATH, \"sour\"..., \"/\", AT_FDCWD<{cwd}>) = -1 EINVAL (Invalid argument)"),
        format!("fsconfig(3<anon_inode:[fscontext]>, FSCONFIG_SET_FD, \"sour\"..., NULL, 4<{cwd}>) = -1 EINVAL (Invalid argument)"),
    ] {
        assert!(ours.contains(&want), "{want} in {ours:#?}");
    }

    // The markers name no -P path: every line printed.
    let dir = scratch_dir("fsconfig-P");
    let out = run(ftrace()
        .args([
            "-P",
            dir.to_str().unwrap(),
            "-P",
            "/",
            "-e",
            "trace=fsconfig",
        ])
        .arg("--")
        .arg(workload(Arch::X86_64))
        .arg("fs-context")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let ours: Vec<&str> = text.lines().map(|l| fields(l).3).collect();
    assert_eq!(
        ours,
        [
            "fsconfig(3, FSCONFIG_SET_PATH, \"source\", \"missing\", 4) = -1 EINVAL (Invalid argument)",
            "fsconfig(3, FSCONFIG_SET_PATH, \"source\", \"/\", AT_FDCWD) = -1 EINVAL (Invalid argument)",
            "fsconfig(3, FSCONFIG_SET_PATH_EMPTY, \"source\", \"\", 4) = -1 EINVAL (Invalid argument)",
            "fsconfig(3, FSCONFIG_SET_FD, \"source\", NULL, 4) = -1 EINVAL (Invalid argument)",
        ]
    );
}

/// The quotas scenario: no file system has quotas, so only syncing them
/// all succeeds; what the call reads prints all the same.
const QUOTACTL: &[&str] = &[
    "quotactl(QCMD(Q_SYNC, USRQUOTA), NULL) = 0",
    "quotactl(QCMD(Q_QUOTAON, USRQUOTA), \"missing\", QFMT_VFS_V1, \"aquota.user\") = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_GETQUOTA, GRPQUOTA), \"/\", 0, 0x20000000) = -1 ENOTBLK (Block device required)",
    "quotactl(QCMD(Q_GETNEXTQUOTA, USRQUOTA), \"missing\", -1, 0x20000000) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_SETQUOTA, USRQUOTA), \"missing\", 1000, {dqb_bhardlimit=1000, dqb_bsoftlimit=2000, dqb_curspace=3000, dqb_ihardlimit=4000, dqb_isoftlimit=5000, dqb_curinodes=6000, ...}) = -1 ENOENT (No such file or directory)",
    // The struct ends where the mapping does: read whole; then 4 bytes short.
    "quotactl(QCMD(Q_SETQUOTA, PRJQUOTA), \"missing\", 1000, {dqb_bhardlimit=1000, dqb_bsoftlimit=2000, dqb_curspace=3000, dqb_ihardlimit=4000, dqb_isoftlimit=5000, dqb_curinodes=6000, ...}) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_SETQUOTA, USRQUOTA), \"missing\", 1000, 0x20000fc0) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_GETINFO, USRQUOTA), \"missing\", 0x20000000) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_SETINFO, GRPQUOTA), \"missing\", {dqi_bgrace=604800, dqi_igrace=86400, dqi_flags=DQF_SYS_FILE, dqi_valid=IIF_BGRACE|IIF_IGRACE}) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_GETFMT, USRQUOTA), \"missing\", 0x20000000) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_XSETQLIM, USRQUOTA), \"missing\", 1000, {d_version=1, d_flags=FS_USER_QUOTA, d_fieldmask=0xc, d_id=1000, d_blk_hardlimit=2048, d_blk_softlimit=0, d_ino_hardlimit=0, d_ino_softlimit=0, d_bcount=0, d_icount=0, ...}) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_XGETQSTAT, USRQUOTA), \"missing\", 0x20000000) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_XQUOTAON, USRQUOTA), \"missing\", [FS_QUOTA_UDQ_ACCT|FS_QUOTA_GDQ_ACCT]) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_XQUOTARM, USRQUOTA), \"missing\", [FS_USER_QUOTA|FS_GROUP_QUOTA]) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(Q_SETQUOTA, USRQUOTA), 0x1000, 1000, 0x1000) = -1 EFAULT (Bad address)",
    "quotactl(QCMD(Q_QUOTAON, USRQUOTA), \"missing\", QFMT_VFS_V0, NULL) = -1 ENOENT (No such file or directory)",
    "quotactl(QCMD(0x800042 /* Q_??? */, 0x7 /* ???QUOTA */), \"missing\", 5, 0x20000000) = -1 EINVAL (Invalid argument)",
];

fn quotactl_every_line(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    let dir = scratch_dir(test);
    let (lines, err) = traced(arch, "quotas", &dir, &["-e", "trace=%file"]);
    assert_eq!(lines, QUOTACTL);
    assert_eq!(
        err, "ftrace-cli: 3 arguments could not be read from the traced memory\n",
        "the struct 4 bytes short, the special and the struct at 0x1000"
    );
    for args in [
        &["-X", "abbrev"][..],
        &["-X", "raw"],
        &["-X", "verbose"],
        &["-v"],
        &["-v", "-X", "verbose"],
    ] {
        let args: Vec<&str> = args
            .iter()
            .copied()
            .chain(["-e", "trace=openat,quotactl"])
            .collect();
        let name = args.join("");
        let dir = scratch_dir(&format!("{test}-{name}"));
        let (ours, _) = traced(arch, "quotas", &dir, &args);
        let dir = scratch_dir(&format!("{test}-strace-{name}"));
        let theirs = strace_body(arch, "quotas", &dir, &args);
        assert_eq!(ours, theirs, "{args:?}");
    }
}

#[test]
fn quotactl_x86_64() {
    quotactl_every_line(Arch::X86_64, "quotactl-x86_64");
}

#[test]
fn quotactl_ia32() {
    quotactl_every_line(Arch::Ia32, "quotactl-ia32");
}

/// -v prints the whole structures; -P matches the special file, not
/// Q_QUOTAON's quota file (as strace).
#[test]
fn quotactl_verbose_and_trace_paths() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("quotactl-v");
    let (lines, _) = traced(Arch::Ia32, "quotas", &dir, &["-v", "-e", "trace=%file"]);
    for want in [
        "quotactl(QCMD(Q_SETQUOTA, USRQUOTA), \"missing\", 1000, {dqb_bhardlimit=1000, dqb_bsoftlimit=2000, dqb_curspace=3000, dqb_ihardlimit=4000, dqb_isoftlimit=5000, dqb_curinodes=6000, dqb_btime=7000, dqb_itime=8000, dqb_valid=QIF_BLIMITS|QIF_SPACE|QIF_ILIMITS|QIF_INODES|QIF_BTIME|QIF_ITIME}) = -1 ENOENT (No such file or directory)",
        "quotactl(QCMD(Q_XSETQLIM, USRQUOTA), \"missing\", 1000, {d_version=1, d_flags=FS_USER_QUOTA, d_fieldmask=0xc, d_id=1000, d_blk_hardlimit=2048, d_blk_softlimit=0, d_ino_hardlimit=0, d_ino_softlimit=0, d_bcount=0, d_icount=0, d_itimer=-1, d_btimer=0, d_iwarns=0, d_bwarns=0, d_rtb_hardlimit=0, d_rtb_softlimit=0, d_rtbcount=0, d_rtbtimer=0, d_rtbwarns=0}) = -1 ENOENT (No such file or directory)",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} in {lines:#?}");
    }

    let dir = scratch_dir("quotactl-P");
    let calls = |paths: &[&str]| -> Vec<String> {
        let mut cmd = ftrace();
        for path in paths {
            cmd.arg("-P").arg(dir.join(path));
        }
        let out = run(cmd
            .args(["-e", "trace=quotactl", "--"])
            .arg(workload(Arch::X86_64))
            .arg("quotas")
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .map(|l| fields(l).3.to_string())
            .collect()
    };
    assert_eq!(calls(&["aquota.user"]), Vec::<String>::new());
    let missing = calls(&["missing", "aquota.user"]);
    let want: Vec<&str> = QUOTACTL
        .iter()
        .copied()
        .filter(|l| l.contains("), \"missing\", "))
        .collect();
    assert_eq!(missing, want);
}

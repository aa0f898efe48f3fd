//! End to end: the calls that fill or read structures, buffers and arrays
//! (the stat family, statx, readlink, getcwd, xattr, execve), made by the workload's
//! `structs` scenario on both ABIs, each line asserted exactly, and compared
//! with the installed strace's text for the same run.

mod common;

use std::path::Path;

use common::*;

/// The lines both ABIs print, after the ABI's own stat calls.
const COMMON: &[&str] = &[
    "statx(AT_FDCWD, \"missing\", AT_STATX_SYNC_AS_STAT, STATX_SIZE, 0x20000000) = -1 ENOENT (No such file or directory)",
    "statx(AT_FDCWD, \"f\", AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW, STATX_ALL, NULL) = -1 EFAULT (Bad address)",
    "readlink(\"ln\", \"f\", 64) = 1",
    "readlink(\"f\", 0x20000000, 64) = -1 EINVAL (Invalid argument)",
    "readlink(\"long\", \"0123456789abcdefghijklmnopqrstuv\"..., 64) = 36",
    "readlink(\"long\", \"012\", 3) = 3",
    "readlink(\"ln\", 0x1000, 64) = -1 EFAULT (Bad address)",
    "readlinkat(AT_FDCWD, \"ln\", \"f\", 64) = 1",
    "getcwd(0x20000000, 1) = -1 ERANGE (Numerical result out of range)",
    "setxattr(\"f\", \"user.test\", \"abc\", 4, XATTR_CREATE) = 0",
    "setxattr(\"f\", \"user.test\", \"abc\", 4, XATTR_CREATE) = -1 EEXIST (File exists)",
    "lsetxattr(\"f\", \"user.x\", 0x1000, 4, 0) = -1 EFAULT (Bad address)",
    "getxattr(\"f\", \"user.test\", \"abc\", 64) = 4",
    "getxattr(\"f\", \"user.test\", NULL, 0) = 4",
    "getxattr(\"f\", \"user.test\", 0x20000000, 2) = -1 ERANGE (Numerical result out of range)",
    "lgetxattr(\"f\", \"user.none\", 0x20000000, 64) = -1 ENODATA (No data available)",
    "listxattr(\"f\", \"user.test\\0\", 64) = 10",
    "llistxattr(\"f\", NULL, 0) = 10",
    "removexattr(\"f\", \"user.test\") = 0",
    "lremovexattr(\"f\", \"user.test\") = -1 ENODATA (No data available)",
    "listxattrat(AT_FDCWD, \"f\", 0, \"\", 64) = 0",
    "removexattrat(AT_FDCWD, \"f\", AT_SYMLINK_NOFOLLOW, \"user.test\") = -1 ENODATA (No data available)",
    "utime(\"f\", {actime=0, modtime=0}) = 0",
    "utime(\"missing\", NULL) = -1 ENOENT (No such file or directory)",
    "utimes(\"f\", [{tv_sec=0, tv_usec=0}, {tv_sec=0, tv_usec=0}]) = 0",
    "futimesat(AT_FDCWD, \"f\", NULL) = 0",
    "utimensat(AT_FDCWD, \"f\", [{tv_sec=0, tv_nsec=0}, {tv_sec=0, tv_nsec=0}], 0) = 0",
    "utimensat(AT_FDCWD, \"f\", [UTIME_NOW, UTIME_OMIT], AT_SYMLINK_NOFOLLOW) = 0",
    "utimensat(AT_FDCWD, \"missing\", NULL, 0) = -1 ENOENT (No such file or directory)",
    "utimensat(-5, \"f\", 0x1000, 0) = -1 EFAULT (Bad address)",
    "execve(\"missing\", [\"a\", \"0123456789abcdefghijklmnopqrstuv\"...], 0x20000a00 /* 2 vars */) = -1 ENOENT (No such file or directory)",
    "execve(\"missing\", NULL, NULL) = -1 ENOENT (No such file or directory)",
    "execve(\"missing\", 0x1000, 0x1000) = -1 ENOENT (No such file or directory)",
];

/// After the ABI's own stat and statfs calls.
const STATFS_AND_MOUNT: &[&str] = &[
    "statfs(\"missing\", 0x20000000) = -1 ENOENT (No such file or directory)",
    "statfs(\"/proc\", NULL) = -1 EFAULT (Bad address)",
    "mount(\"none\", \"missing\", \"tmpfs\", MS_RDONLY|MS_NOSUID, \"size=1m\") = -1 ENOENT (No such file or directory)",
    // Ignored by the kernel, so addresses: type and data of a bind, the
    // type of a remount (after the old magic).
    "mount(\"src\", \"missing\", 0x20000e00, MS_BIND|MS_REC, 0x20000e00) = -1 ENOENT (No such file or directory)",
    "mount(\"none\", \"missing\", 0x20000e00, MS_MGC_VAL|MS_REMOUNT, \"mode=1\") = -1 ENOENT (No such file or directory)",
    "mount(\"none\", \"missing\", \"ext4\", MS_NOUSER, 0x1000) = -1 EFAULT (Bad address)",
    "mount_setattr(AT_FDCWD, \"missing\", AT_RECURSIVE, {attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME, attr_clr=MOUNT_ATTR_NOEXEC, propagation=MS_PRIVATE, userns_fd=0}, 32) = -1 EINVAL (Invalid argument)",
    "mount_setattr(AT_FDCWD, \"missing\", 0, {attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME, attr_clr=MOUNT_ATTR_NOEXEC, propagation=MS_PRIVATE, userns_fd=0, /* bytes 32..39 */ \"\\x34\\x12\\x00\\x00\\x00\\x00\\x00\\x00\"}, 40) = -1 E2BIG (Argument list too long)",
    "mount_setattr(AT_FDCWD, \"missing\", 0, 0x20000c00, 8) = -1 EINVAL (Invalid argument)",
    "open_tree_attr(AT_FDCWD, \"missing\", OPEN_TREE_CLONE, {attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOATIME, attr_clr=MOUNT_ATTR_NOEXEC, propagation=MS_PRIVATE, userns_fd=0}, 32) = -1 ENOENT (No such file or directory)",
    // What file_getattr fills prints only if it succeeded.
    "file_getattr(AT_FDCWD, \"missing\", 0x20000c40, 24, 0) = -1 ENOENT (No such file or directory)",
    "file_getattr(AT_FDCWD, \"f\", {fa_xflags=0, fa_extsize=0, fa_nextents=0, fa_projid=0, fa_cowextsize=0}, 24, AT_SYMLINK_NOFOLLOW) = 0",
    "file_setattr(AT_FDCWD, \"missing\", {fa_xflags=FS_XFLAG_IMMUTABLE|FS_XFLAG_NOATIME, fa_extsize=0, fa_projid=0, fa_cowextsize=0}, 32, 0) = -1 ENOENT (No such file or directory)",
    "file_setattr(AT_FDCWD, \"f\", 0x20000c40, 8, 0) = -1 EINVAL (Invalid argument)",
];

/// strace's text of /proc's `struct statfs`: its counts are all zero, its
/// id and flags are read here.
fn proc_statfs() -> String {
    // x86_64's struct statfs: longs, but for the two ints of f_fsid.
    let mut buf = [0u8; 120];
    // SAFETY: statfs writes at most 120 bytes into buf.
    let rc = unsafe { libc::syscall(libc::SYS_statfs, c"/proc".as_ptr(), buf.as_mut_ptr()) };
    assert_eq!(rc, 0);
    let word = |off: usize| u64::from_le_bytes(buf[off..off + 8].try_into().unwrap());
    let fsid = [
        u32::from_le_bytes(buf[56..60].try_into().unwrap()),
        u32::from_le_bytes(buf[60..64].try_into().unwrap()),
    ];
    let hex = |v: u32| {
        if v == 0 {
            "0".to_string()
        } else {
            format!("{v:#x}")
        }
    };
    let names = [
        ("ST_VALID", 0x20),
        ("ST_RDONLY", 0x1),
        ("ST_NOSUID", 0x2),
        ("ST_NODEV", 0x4),
        ("ST_NOEXEC", 0x8),
        ("ST_SYNCHRONOUS", 0x10),
        ("ST_MANDLOCK", 0x40),
        ("ST_NOATIME", 0x400),
        ("ST_NODIRATIME", 0x800),
        ("ST_RELATIME", 0x1000),
        ("ST_NOSYMFOLLOW", 0x2000),
    ];
    let flags: Vec<&str> = names
        .iter()
        .filter(|(_, bit)| word(80) & bit != 0)
        .map(|(name, _)| *name)
        .collect();
    format!(
        "{{f_type=PROC_SUPER_MAGIC, f_bsize={}, f_blocks=0, f_bfree=0, f_bavail=0, f_files=0, \
         f_ffree=0, f_fsid={{val=[{}, {}]}}, f_namelen={}, f_frsize={}, f_flags={}}}",
        word(8),
        hex(fsid[0]),
        hex(fsid[1]),
        word(64),
        word(72),
        flags.join("|")
    )
}

const X86_64: &[&str] = &[
    "stat(\"f\", {st_mode=S_IFREG|0640, st_size=5, ...}) = 0",
    "stat(\"missing\", 0x20000000) = -1 ENOENT (No such file or directory)",
    "stat(\"f\", NULL) = -1 EFAULT (Bad address)",
    "stat(\"f\", 0x1000) = -1 EFAULT (Bad address)",
    "lstat(\"ln\", {st_mode=S_IFLNK|0777, st_size=1, ...}) = 0",
    "lstat(\"/dev/null\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0",
    "newfstatat(AT_FDCWD, \"ln\", {st_mode=S_IFLNK|0777, st_size=1, ...}, AT_SYMLINK_NOFOLLOW) = 0",
    "newfstatat(-5, \"f\", 0x20000000, 0) = -1 EBADF (Bad file descriptor)",
];

const IA32: &[&str] = &[
    "stat(\"f\", {st_mode=S_IFREG|0640, st_size=5, ...}) = 0",
    "stat(\"missing\", 0x20000000) = -1 ENOENT (No such file or directory)",
    "lstat(\"/dev/null\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0",
    // Inode numbers of today's file systems do not fit the old struct.
    "oldstat(\"f\", 0x20000000) = -1 EOVERFLOW (Value too large for defined data type)",
    "oldlstat(\"ln\", 0x20000000) = -1 EOVERFLOW (Value too large for defined data type)",
    "oldstat(\"f\", 0x1000) = -1 EOVERFLOW (Value too large for defined data type)",
    "stat64(\"f\", {st_mode=S_IFREG|0640, st_size=5, ...}) = 0",
    "lstat64(\"/dev/null\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0",
    "stat64(\"missing\", 0x20000000) = -1 ENOENT (No such file or directory)",
    "fstatat64(AT_FDCWD, \"ln\", {st_mode=S_IFLNK|0777, st_size=1, ...}, AT_SYMLINK_NOFOLLOW) = 0",
    "fstatat64(-5, \"f\", 0x20000000, 0) = -1 EBADF (Bad file descriptor)",
];

fn expected(arch: Arch) -> Vec<String> {
    let (own, tail) = match arch {
        Arch::X86_64 => (X86_64, "0x20000ff8"),
        Arch::Ia32 => (IA32, "0x20000ffc"),
    };
    let exe = workload(arch);
    let mut lines: Vec<String> = own.iter().map(|s| s.to_string()).collect();
    let proc_fs = proc_statfs();
    lines.push(format!("statfs(\"/proc\", {proc_fs}) = 0"));
    if arch == Arch::Ia32 {
        lines.push(format!("statfs64(\"/proc\", 84, {proc_fs}) = 0"));
        lines
            .push("statfs64(\"/proc\", 83, 0x20000000) = -1 EINVAL (Invalid argument)".to_string());
    }
    lines.extend(STATFS_AND_MOUNT.iter().chain(COMMON).map(|s| s.to_string()));
    lines.push(format!(
        "execve(\"missing\", [\"a\", ... /* 0x20001000 */], {tail} /* 1 var, unterminated */) = -1 ENOENT (No such file or directory)"
    ));
    lines.push(format!(
        "execve(\"missing\", [{}, ...], 0x20000a00 /* 2 vars */) = -1 ENOENT (No such file or directory)",
        vec!["\"a\""; 32].join(", ")
    ));
    // argv strings, unlike paths, print at most -s (32) bytes.
    let exe = exe.display().to_string();
    let arg0 = match exe.get(..32) {
        Some(cut) if exe.len() > 32 => format!("\"{cut}\"..."),
        _ => format!("\"{exe}\""),
    };
    lines.push(format!(
        "execve(\"{exe}\", [{arg0}, \"end\"], 0x20000a00 /* 1 var */) = 0"
    ));
    lines
}

/// The lines up to the successful exec: the new image's loader follows.
fn until_exec(mut lines: Vec<String>) -> Vec<String> {
    if let Some(at) = lines.iter().position(|l| l.ends_with("/* 1 var */) = 0")) {
        lines.truncate(at + 1);
    }
    lines
}

/// The workload's structs scenario under ftrace-cli with `args`.
fn traced(arch: Arch, test: &str, args: &[&str]) -> (Vec<String>, String) {
    let dir = scratch_dir(test);
    let out = run(ftrace()
        .args(args)
        .arg("--")
        .arg(workload(arch))
        .arg("structs")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let calls: Vec<String> = stdout(&out)
        .lines()
        .filter_map(try_fields)
        .map(|f| f.3.to_string())
        .collect();
    (until_exec(between_markers(&calls)), stderr(&out))
}

fn every_line_exactly(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    let (lines, err) = traced(arch, test, &["-e", "trace=%file"]);
    assert_eq!(lines, expected(arch));
    // execve's arrays that run into unmapped memory, and the NULL-free one,
    // are reads the kernel could not make: counted, not hidden.
    assert_eq!(
        err, "ftrace-cli: 7 arguments could not be read from the traced memory\n",
        "lsetxattr's value, mount's data, utimensat's times, and the arrays of the failed execs"
    );
}

#[test]
fn structs_x86_64() {
    every_line_exactly(Arch::X86_64, "structs-x86_64");
}

#[test]
fn structs_ia32() {
    every_line_exactly(Arch::Ia32, "structs-ia32");
}

#[test]
fn string_limit_and_verbose() {
    if !privileged() {
        return;
    }
    let (lines, _) = traced(
        Arch::X86_64,
        "structs-s",
        &["-s", "4", "-e", "trace=openat,readlink,execve"],
    );
    // -s cuts strings that are not paths, and argv after 4 strings.
    for line in [
        "readlink(\"long\", \"0123\"..., 64) = 36",
        "execve(\"missing\", [\"a\", \"0123\"...], 0x20000a00 /* 2 vars */) = -1 ENOENT (No such file or directory)",
        "execve(\"missing\", [\"a\", \"a\", \"a\", \"a\", ...], 0x20000a00 /* 2 vars */) = -1 ENOENT (No such file or directory)",
    ] {
        assert!(lines.contains(&line.to_string()), "{line}: {lines:#?}");
    }
    let (lines, _) = traced(
        Arch::X86_64,
        "structs-v",
        &["-v", "-e", "trace=openat,execve,stat"],
    );
    assert!(
        lines.contains(&"execve(\"missing\", [\"a\", \"0123456789abcdefghijklmnopqrstuv\"...], [\"X=1\", \"Y=2\"]) = -1 ENOENT (No such file or directory)".to_string()),
        "{lines:#?}"
    );
    let all_a = vec!["\"a\""; 40].join(", ");
    assert!(lines.contains(&format!(
        "execve(\"missing\", [{all_a}], [\"X=1\", \"Y=2\"]) = -1 ENOENT (No such file or directory)"
    )));
    let stat = lines
        .iter()
        .find(|l| l.starts_with("stat(\"f\", {"))
        .unwrap();
    assert!(
        stat.contains(", st_mode=S_IFREG|0640, st_nlink=1, "),
        "{stat}"
    );
    assert!(stat.contains(", st_size=5, st_atime="), "{stat}");
}

/// strace's text for the same scenario, where strace 6.1 knows the call.
fn strace_body(arch: Arch, dir: &Path, args: &[&str]) -> Vec<String> {
    // strace shows the calls it has no name for (listxattrat,
    // removexattrat in 6.1) whatever -e says.
    let calls: Vec<String> = strace_calls(arch, "structs", dir, args)
        .into_iter()
        .filter(|line| !line.starts_with("syscall_"))
        .collect();
    until_exec(between_markers(&calls))
}

fn same_as_strace(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    let calls = "trace=openat,stat,lstat,newfstatat,stat64,lstat64,fstatat64,oldstat,oldlstat,\
                 statx,readlink,readlinkat,getcwd,execve,setxattr,lsetxattr,getxattr,lgetxattr,\
                 listxattr,llistxattr,removexattr,lremovexattr,utime,utimes,futimesat,utimensat,\
                 statfs,statfs64,mount,mount_setattr";
    for style in ["abbrev", "raw", "verbose"] {
        let dir = scratch_dir(&format!("{test}-strace-{style}"));
        let theirs = strace_body(arch, &dir, &["-X", style, "-e", calls]);
        let (ours, _) = traced(
            arch,
            &format!("{test}-{style}"),
            &["-X", style, "-e", calls],
        );
        assert_eq!(ours, theirs, "-X {style}");
    }
}

#[test]
fn structs_as_strace_prints_them_x86_64() {
    same_as_strace(Arch::X86_64, "structs-strace-x86_64");
}

#[test]
fn structs_as_strace_prints_them_ia32() {
    same_as_strace(Arch::Ia32, "structs-strace-ia32");
}

/// -P and -y keep working for these calls: their path arguments are
/// matched (relative ones against the working directory), and -y names
/// the directory AT_FDCWD stands for.
#[test]
fn trace_path_and_fd_paths() {
    if !privileged() {
        return;
    }
    let calls_with = |dir: &Path, args: &[&str]| -> Vec<String> {
        let out = run(ftrace()
            .args(args)
            .arg("--")
            .arg(workload(Arch::X86_64))
            .arg("structs")
            .current_dir(dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .filter_map(try_fields)
            .map(|f| f.3.to_string())
            .collect()
    };
    let dir = scratch_dir("structs-trace-path");
    let file = dir.join("f");
    let calls = calls_with(&dir, &["-P", file.to_str().unwrap(), "-e", "trace=%file"]);
    assert!(calls.iter().all(|c| c.contains("\"f\"")), "{calls:#?}");
    for want in [
        "stat(\"f\", {st_mode=S_IFREG|0640, st_size=5, ...}) = 0",
        "readlink(\"f\", 0x20000000, 64) = -1 EINVAL (Invalid argument)",
        "setxattr(\"f\", \"user.test\", \"abc\", 4, XATTR_CREATE) = 0",
        "utime(\"f\", {actime=0, modtime=0}) = 0",
        "file_setattr(AT_FDCWD, \"f\", 0x20000c40, 8, 0) = -1 EINVAL (Invalid argument)",
    ] {
        assert!(calls.iter().any(|c| c == want), "{want} in {calls:#?}");
    }
    let dir = scratch_dir("structs-fd-paths");
    let calls = calls_with(&dir, &["-y", "-e", "trace=file_getattr,mount_setattr"]);
    let cwd = format!("AT_FDCWD<{}>", dir.display());
    assert!(
        calls.contains(&format!(
            "file_getattr({cwd}, \"f\", {{fa_xflags=0, fa_extsize=0, fa_nextents=0, fa_projid=0, fa_cowextsize=0}}, 24, AT_SYMLINK_NOFOLLOW) = 0"
        )),
        "{calls:#?}"
    );
    assert!(
        calls.contains(&format!(
            "mount_setattr({cwd}, \"missing\", 0, 0x20000c00, 8) = -1 EINVAL (Invalid argument)"
        )),
        "{calls:#?}"
    );
}

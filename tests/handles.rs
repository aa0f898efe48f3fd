//! End to end: the calls whose structs the call rewrites or that point to
//! more memory (name_to_handle_at, setxattrat, getxattrat), made by the
//! workload's `handles` scenario on both ABIs, each line asserted exactly
//! in the three -X styles, with -y and -P, and compared with the installed
//! strace's text where it knows the call.

mod common;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use common::*;

/// What name_to_handle_at gives for `path`: the handle's size, type and
/// bytes, and the mount id; the same for the workload's file, which the
/// test reads after the run.
fn file_handle(path: &Path) -> (u32, i32, Vec<u8>, i32) {
    let path = CString::new(path.as_os_str().as_bytes()).unwrap();
    let mut handle = [0u32; 2 + 32];
    handle[0] = 128;
    let mut mount_id = 0i32;
    // SAFETY: a header and 128 bytes of handle, and an int.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_name_to_handle_at,
            libc::AT_FDCWD,
            path.as_ptr(),
            handle.as_mut_ptr(),
            &mut mount_id as *mut i32,
            0,
        )
    };
    assert_eq!(
        rc,
        0,
        "name_to_handle_at: {}",
        std::io::Error::last_os_error()
    );
    let bytes: Vec<u8> = handle[2..].iter().flat_map(|w| w.to_le_bytes()).collect();
    let size = handle[0];
    (
        size,
        handle[1] as i32,
        bytes[..size as usize].to_vec(),
        mount_id,
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\x{b:02x}")).collect()
}

/// The scenario's lines, in -X `style`, for the file handle `handle`.
fn expected(style: &str, handle: (u32, i32, Vec<u8>, i32)) -> Vec<String> {
    let (size, handle_type, bytes, mount_id) = handle;
    let f_handle = hex(&bytes);
    let pick = |abbrev: &str, raw: &str, verbose: &str| match style {
        "raw" => raw.to_string(),
        "verbose" => verbose.to_string(),
        _ => abbrev.to_string(),
    };
    let cwd = pick("AT_FDCWD", "-100", "-100 /* AT_FDCWD */");
    let follow = pick(
        "AT_SYMLINK_FOLLOW",
        "0x400",
        "0x400 /* AT_SYMLINK_FOLLOW */",
    );
    let empty = pick("AT_EMPTY_PATH", "0x1000", "0x1000 /* AT_EMPTY_PATH */");
    let nofollow = pick(
        "AT_SYMLINK_NOFOLLOW",
        "0x100",
        "0x100 /* AT_SYMLINK_NOFOLLOW */",
    );
    let bad_flags = pick(
        "AT_SYMLINK_FOLLOW|0xfc",
        "0x4fc",
        "0x4fc /* AT_SYMLINK_FOLLOW|0xfc */",
    );
    let fid = pick(
        "AT_HANDLE_MNT_ID_UNIQUE|AT_HANDLE_FID",
        "0x201",
        "0x201 /* AT_HANDLE_MNT_ID_UNIQUE|AT_HANDLE_FID */",
    );
    let create = pick("XATTR_CREATE", "0x1", "0x1 /* XATTR_CREATE */");
    let replace = pick("XATTR_REPLACE", "0x2", "0x2 /* XATTR_REPLACE */");
    let efault = "-1 EFAULT (Bad address)";
    vec![
        format!("name_to_handle_at({cwd}, \"f\", {{handle_bytes=0 => {size}}}, 0x20000080, 0) = -1 EOVERFLOW (Value too large for defined data type)"),
        format!("name_to_handle_at({cwd}, \"f\", {{handle_bytes=128 => {size}, handle_type={handle_type}, f_handle=\"{f_handle}\"}}, [{mount_id}], {follow}) = 0"),
        // The handle ends at the page's end: read as long as its size says.
        format!("name_to_handle_at({cwd}, \"f\", {{handle_bytes={size}, handle_type={handle_type}, f_handle=\"{f_handle}\"}}, [{mount_id}], {empty}) = 0"),
        format!("name_to_handle_at({cwd}, \"f\", {{handle_bytes=128}}, 0x20000080, {bad_flags}) = -1 EINVAL (Invalid argument)"),
        format!("name_to_handle_at({cwd}, \"missing\", {{handle_bytes=128}}, 0x20000080, 0) = -1 ENOENT (No such file or directory)"),
        format!("name_to_handle_at({cwd}, \"f\", {{handle_bytes=128}}, NULL, 0) = {efault}"),
        format!("name_to_handle_at({cwd}, \"f\", NULL, 0x20000080, 0) = {efault}"),
        format!("name_to_handle_at({cwd}, \"f\", 0x1000, 0x20000080, 0) = {efault}"),
        format!("name_to_handle_at(-5, \"f\", {{handle_bytes=128}}, 0x20000080, {fid}) = -1 EBADF (Bad file descriptor)"),
        format!("setxattrat({cwd}, \"f\", 0, \"user.test\", {{value=\"abc\", size=4, flags={create}}}, 16) = 0"),
        format!("setxattrat({cwd}, \"f\", {nofollow}, \"user.test\", {{value=\"abc\", size=4, flags={create}}}, 16) = -1 EEXIST (File exists)"),
        format!("getxattrat({cwd}, \"f\", 0, \"user.test\", {{value=\"abc\", size=64, flags=0}}, 16) = 4"),
        // Asked for the size alone, or too small a buffer: the address.
        format!("getxattrat({cwd}, \"f\", 0, \"user.test\", {{value=0x20000000, size=0, flags=0}}, 16) = 4"),
        format!("getxattrat({cwd}, \"f\", 0, \"user.test\", {{value=0x20000000, size=2, flags=0}}, 16) = -1 ERANGE (Numerical result out of range)"),
        format!("getxattrat({cwd}, \"f\", 0, \"user.test\", 0x20000c00, 15) = -1 EINVAL (Invalid argument)"),
        format!("getxattrat({cwd}, \"f\", 0, \"user.test\", NULL, 16) = {efault}"),
        format!("getxattrat({cwd}, \"f\", 0, \"user.test\", {{value=0x20000000, size=2, flags=0, /* bytes 16..23 */ \"\\x34\\x12\\x00\\x00\\x00\\x00\\x00\\x00\"}}, 24) = -1 E2BIG (Argument list too long)"),
        format!("setxattrat({cwd}, \"f\", 0, \"user.test\", {{value=0x1000, size=4, flags={replace}, ???}}, 17) = {efault}"),
        format!("setxattrat({cwd}, \"f\", 0, \"user.test\", {{value=0x1000, size=4, flags={replace}}}, 16) = {efault}"),
        format!("setxattrat({cwd}, \"f\", 0, \"user.test\", {{value=NULL, size=1, flags={replace}}}, 16) = {efault}"),
        format!("setxattrat({cwd}, \"f\", 0, \"user.test\", 0x1000, 16) = {efault}"),
        format!("removexattrat({cwd}, \"f\", 0, \"user.test\") = 0"),
    ]
}

/// The workload's handles scenario under ftrace-cli with `args`: its
/// lines, stderr, and the directory it ran in.
fn traced(arch: Arch, test: &str, args: &[&str]) -> (Vec<String>, String, std::path::PathBuf) {
    let dir = scratch_dir(test);
    let out = run(ftrace()
        .args(args)
        .arg("--")
        .arg(workload(arch))
        .arg("handles")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let trace = stdout(&out);
    let calls: Vec<&str> = trace.lines().filter_map(try_fields).map(|f| f.3).collect();
    (between_markers(&calls), stderr(&out), dir)
}

fn every_line_exactly(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    for style in ["abbrev", "raw", "verbose"] {
        let (lines, err, dir) = traced(
            arch,
            &format!("{test}-{style}"),
            &["-X", style, "-e", "trace=%file"],
        );
        assert_eq!(
            lines,
            expected(style, file_handle(&dir.join("f"))),
            "-X {style}"
        );
        assert_eq!(
            err, "ftrace-cli: 7 arguments could not be read from the traced memory\n",
            "the handle at 0x1000 (entry and exit), the values at 0x1000 (twice), \
             the struct past the page, and the struct at 0x1000 (its value and its size)"
        );
    }
}

#[test]
fn handles_x86_64() {
    every_line_exactly(Arch::X86_64, "handles-x86_64");
}

#[test]
fn handles_ia32() {
    every_line_exactly(Arch::Ia32, "handles-ia32");
}

/// strace 6.1's text of the name_to_handle_at calls (it knows neither
/// setxattrat nor getxattrat, nor the AT_HANDLE_* flags of the last call).
fn strace_lines(arch: Arch, dir: &Path, style: &str) -> Vec<String> {
    let args = ["-X", style, "-e", "trace=openat,name_to_handle_at"];
    between_markers(&strace_calls(arch, "handles", dir, &args))
        .into_iter()
        .filter(|c| c.starts_with("name_to_handle_at(") && !c.starts_with("name_to_handle_at(-5,"))
        .collect()
}

fn same_as_strace(arch: Arch, test: &str) {
    if !privileged() {
        return;
    }
    for style in ["abbrev", "raw", "verbose"] {
        let dir = scratch_dir(&format!("{test}-strace-{style}"));
        let theirs = strace_lines(arch, &dir, style);
        let (ours, _, _) = traced(
            arch,
            &format!("{test}-{style}"),
            &["-X", style, "-e", "trace=openat,name_to_handle_at"],
        );
        let ours: Vec<String> = ours
            .into_iter()
            .filter(|c| !c.starts_with("name_to_handle_at(-5,"))
            .collect();
        // The handle's generation differs from one file to the next:
        // compare with it masked.
        let masked = |lines: Vec<String>| -> Vec<String> {
            lines
                .into_iter()
                .map(|l| match l.split_once("f_handle=\"") {
                    Some((head, tail)) => {
                        format!("{head}f_handle=\"...{}", &tail[tail.find('"').unwrap()..])
                    }
                    None => l,
                })
                .collect()
        };
        assert_eq!(theirs.len(), 8, "{theirs:#?}");
        assert_eq!(masked(ours), masked(theirs), "-X {style}");
    }
}

#[test]
fn handles_as_strace_prints_them_x86_64() {
    same_as_strace(Arch::X86_64, "handles-strace-x86_64");
}

#[test]
fn handles_as_strace_prints_them_ia32() {
    same_as_strace(Arch::Ia32, "handles-strace-ia32");
}

/// -y names the directories and -P selects by path, for the new calls too.
#[test]
fn fd_paths_and_trace_path() {
    if !privileged() {
        return;
    }
    let (lines, _, dir) = traced(
        Arch::X86_64,
        "handles-fd-paths",
        &["-y", "-e", "trace=openat,name_to_handle_at,getxattrat"],
    );
    let handle = file_handle(&dir.join("f"));
    let cwd = format!("AT_FDCWD<{}>", dir.display());
    let want = format!(
        "name_to_handle_at({cwd}, \"f\", {{handle_bytes=128 => {}, handle_type={}, f_handle=\"{}\"}}, [{}], AT_SYMLINK_FOLLOW) = 0",
        handle.0,
        handle.1,
        hex(&handle.2),
        handle.3
    );
    assert!(lines.contains(&want), "{want} in {lines:#?}");
    let want = format!(
        "getxattrat({cwd}, \"f\", 0, \"user.test\", {{value=\"abc\", size=64, flags=0}}, 16) = 4"
    );
    assert!(lines.contains(&want), "{want} in {lines:#?}");

    let dir = scratch_dir("handles-trace-path");
    let missing = dir.join("missing");
    let out = run(ftrace()
        .args(["-P", missing.to_str().unwrap(), "-e", "trace=%file"])
        .arg("--")
        .arg(workload(Arch::Ia32))
        .arg("handles")
        .current_dir(&dir));
    let calls: Vec<String> = stdout(&out)
        .lines()
        .filter_map(try_fields)
        .map(|f| f.3.to_string())
        .collect();
    assert_eq!(
        calls,
        ["name_to_handle_at(AT_FDCWD, \"missing\", {handle_bytes=128}, 0x20000080, 0) = -1 ENOENT (No such file or directory)"]
    );
}

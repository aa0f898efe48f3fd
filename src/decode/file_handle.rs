//! name_to_handle_at (strace's src/file_handle.c): its `struct
//! file_handle`, whose size the caller sets and the call rewrites, and
//! its flags.

use std::fmt::Write;

use super::call::{write_address, Call, Le, Memory};
use super::escape::write_hex_quoted;
use super::xlat::Xlat;

/// name_to_handle_at(2) `flags`, in strace's order.
pub static NAME_TO_HANDLE_AT_FLAGS: Xlat = Xlat {
    entries: &[
        ("AT_HANDLE_MNT_ID_UNIQUE", 0x1),
        ("AT_HANDLE_CONNECTABLE", 0x2),
        ("AT_HANDLE_FID", 0x200),
        ("AT_SYMLINK_FOLLOW", 0x400),
        ("AT_EMPTY_PATH", 0x1000),
    ],
    unknown: "AT_???",
};

/// `handle_bytes` and `handle_type`, before `f_handle`.
pub const FILE_HANDLE_HEADER: usize = 8;
/// The kernel's MAX_HANDLE_SZ: at most this much of `f_handle` prints.
pub const MAX_HANDLE_SZ: usize = 128;

const EOVERFLOW: u32 = 75;

/// `struct file_handle *handle`: `before` is the header the caller passed,
/// read at entry, `after` the struct as the call left it. The size the
/// call wrote back (`=> N`) shows when it succeeded or found the buffer
/// too small (EOVERFLOW); the type and the handle only when it succeeded.
pub fn write_file_handle(
    out: &mut String,
    call: &Call,
    addr: u64,
    before: &Memory,
    after: &Memory,
) {
    let Some(asked) = before.data().and_then(|d| Le(d).u32(0)) else {
        write_address(out, addr);
        return;
    };
    let _ = write!(out, "{{handle_bytes={asked}");
    let errno = call.errno();
    let data = after.data().filter(|d| d.len() >= FILE_HANDLE_HEADER);
    if let (Some(data), None | Some(EOVERFLOW)) = (data, errno) {
        let bytes = Le(data).u32(0).unwrap_or(asked);
        if bytes != asked {
            let _ = write!(out, " => {bytes}");
        }
        if errno.is_none() {
            let handle_type = Le(data).i32(4).unwrap_or(0);
            let _ = write!(out, ", handle_type={handle_type}, f_handle=");
            let len = (bytes as usize).min(MAX_HANDLE_SZ);
            match data.get(FILE_HANDLE_HEADER..FILE_HANDLE_HEADER + len) {
                Some(handle) => write_hex_quoted(out, handle, len < bytes as usize),
                None => out.push_str("???"),
            }
        }
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::decode::{Style, Syscall};

    const NAME_TO_HANDLE_AT: Syscall = Syscall::named("name_to_handle_at");

    fn handle(bytes: u32, handle_type: i32, f_handle: &[u8]) -> Vec<u8> {
        let mut v = bytes.to_le_bytes().to_vec();
        v.extend_from_slice(&handle_type.to_le_bytes());
        v.extend_from_slice(f_handle);
        v
    }

    fn with<'a>(before: Memory<'a>, after: Memory<'a>, mount_id: Memory<'a>, ret: i64) -> Call<'a> {
        let mut c = call(NAME_TO_HANDLE_AT, &[CWD, P, P, P, 0x400], U, ret);
        c.captured[1] = s(b".");
        c.before[2] = before;
        c.captured[2] = after;
        c.captured[3] = mount_id;
        c
    }

    #[test]
    fn handles_as_strace_prints_them() {
        // strace's tests/file_handle.c: too small, then the handle.
        let zero = handle(0, 0, &[]);
        let eight = handle(8, 0, &[]);
        let c = with(s(&zero), s(&eight), Memory::Null, -75);
        check(
            &c,
            "name_to_handle_at(AT_FDCWD, \".\", {handle_bytes=0 => 8}, 0x555500001000, AT_SYMLINK_FOLLOW) = -1 EOVERFLOW (Value too large for defined data type)",
            "name_to_handle_at(-100, \".\", {handle_bytes=0 => 8}, 0x555500001000, 0x400) = -1 EOVERFLOW (Value too large for defined data type)",
            "name_to_handle_at(-100 /* AT_FDCWD */, \".\", {handle_bytes=0 => 8}, 0x555500001000, 0x400 /* AT_SYMLINK_FOLLOW */) = -1 EOVERFLOW (Value too large for defined data type)",
        );
        let full = handle(128, 0, &[]);
        let got = handle(8, 1, &[0x12, 0x34, 0, 0, 0xab, 0xcd, 0xef, 0x01]);
        let id = 27i32.to_le_bytes();
        let c = with(s(&full), s(&got), s(&id), 0);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"name_to_handle_at(AT_FDCWD, ".", {handle_bytes=128 => 8, handle_type=1, f_handle="\x12\x34\x00\x00\xab\xcd\xef\x01"}, [27], AT_SYMLINK_FOLLOW) = 0"#
        );
        // Same size: no arrow. A handle past the page prints as unavailable.
        let c = with(s(&eight), s(&eight), s(&id), 0);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"name_to_handle_at(AT_FDCWD, ".", {handle_bytes=8, handle_type=0, f_handle=???}, [27], AT_SYMLINK_FOLLOW) = 0"#
        );
        // Other failures show the size asked for alone.
        let c = with(s(&full), s(&full), Memory::Null, -22);
        assert!(render(&c, Style::Abbrev)
            .contains("\".\", {handle_bytes=128}, 0x555500001000, AT_SYMLINK_FOLLOW) = -1 EINVAL"));
        // A size larger than the kernel takes: cut after MAX_HANDLE_SZ.
        let big = handle(256, 2, &[7; 128]);
        let c = with(s(&big), s(&big), s(&id), 0);
        let text = render(&c, Style::Abbrev);
        assert!(text.contains(&format!(
            "{{handle_bytes=256, handle_type=2, f_handle=\"{}\"...}}",
            r"\x07".repeat(128)
        )));
        // Unreadable or NULL at entry: the address, as the mount id.
        let c = with(Memory::Unreadable, Memory::Unreadable, Memory::Null, -14);
        assert_eq!(
            render(&c, Style::Abbrev),
            "name_to_handle_at(AT_FDCWD, \".\", 0x555500001000, 0x555500001000, AT_SYMLINK_FOLLOW) = -1 EFAULT (Bad address)"
        );
        let mut c = with(Memory::Null, Memory::Null, Memory::Null, -14);
        c.args[2] = 0;
        c.args[3] = 0;
        c.args[4] = 0xdead_c0de_da7a_1657;
        assert_eq!(
            render(&c, Style::Abbrev),
            "name_to_handle_at(AT_FDCWD, \".\", NULL, NULL, AT_HANDLE_MNT_ID_UNIQUE|AT_HANDLE_CONNECTABLE|AT_HANDLE_FID|AT_SYMLINK_FOLLOW|AT_EMPTY_PATH|0xda7a0054) = -1 EFAULT (Bad address)"
        );
        c.args[4] = 0xffff_e9fc;
        assert!(render(&c, Style::Abbrev)
            .ends_with(", 0xffffe9fc /* AT_??? */) = -1 EFAULT (Bad address)"));
    }
}

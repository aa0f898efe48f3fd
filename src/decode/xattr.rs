//! The extended attribute calls: names, values and lists of names, as
//! strace prints them, subject to -s.

use std::fmt::Write;

use super::call::{write_address, write_strn_ex, Call, Le, Memory};
use super::open::write_struct_tail;
use super::xlat::{write_flags, Style, Xlat};

pub static XATTR_FLAGS: Xlat = Xlat {
    entries: &[("XATTR_CREATE", 0x1), ("XATTR_REPLACE", 0x2)],
    unknown: "XATTR_???",
};

/// The `AT_*` flags of listxattrat and removexattrat.
pub static XATTRAT_FLAGS: Xlat = Xlat {
    entries: &[("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_EMPTY_PATH", 0x1000)],
    unknown: "AT_???",
};

/// The kernel's XATTR_SIZE_MAX: a larger value prints as its address.
const XATTR_SIZE_MAX: u64 = 65536;

/// A value the caller passes (setxattr): `size` bytes.
pub fn write_value_in(out: &mut String, call: &Call, addr: u64, mem: &Memory, size: u64) {
    if size > XATTR_SIZE_MAX {
        write_address(out, addr);
    } else {
        write_strn_ex(out, call, addr, mem, size, true);
    }
}

/// A value the call fills (getxattr): as many bytes as it returned; only
/// the address when the caller asked for the size alone (`size` 0) or
/// the call failed.
pub fn write_value_out(out: &mut String, call: &Call, addr: u64, mem: &Memory, size: u64) {
    let ret = call.result();
    if size == 0 || call.failed() || ret as u64 > XATTR_SIZE_MAX {
        write_address(out, addr);
    } else {
        write_strn_ex(out, call, addr, mem, ret as u64, true);
    }
}

/// `struct xattr_args` as of Linux 6.13 (XATTR_ARGS_SIZE_VER0).
pub const XATTR_ARGS_SIZE: usize = 16;

/// setxattrat's and getxattrat's `struct xattr_args *args` of `size`
/// bytes (argument `arg`), as strace prints it: the address when `size`
/// is too small or the struct unreadable; its value as setxattr's or
/// getxattr's (`get`: what the call returned; only the address when
/// the struct asked for the size alone); the non-zero bytes past it.
pub fn write_xattr_args(
    out: &mut String,
    call: &Call,
    addr: u64,
    arg: usize,
    size: u64,
    get: bool,
    style: Style,
) {
    let mem = call.captured.get(arg).unwrap_or(&Memory::Null);
    let (data, complete) = match *mem {
        Memory::Bytes { data, complete }
            if size >= XATTR_ARGS_SIZE as u64 && data.len() >= XATTR_ARGS_SIZE =>
        {
            (data, complete)
        }
        _ => {
            write_address(out, addr);
            return;
        }
    };
    // The fields all lie within the XATTR_ARGS_SIZE bytes checked above.
    let le = Le(data);
    let value = le.u64(0).unwrap_or(0);
    let (value_size, flags) = (le.u32(8).unwrap_or(0), le.u32(12).unwrap_or(0));
    let value_mem = call.pointee.get(arg).unwrap_or(&Memory::Null);
    out.push_str("{value=");
    match get {
        false => write_value_in(out, call, value, value_mem, value_size),
        true if value_size == 0 => write_address(out, value),
        true => write_value_out(out, call, value, value_mem, value_size),
    }
    let _ = write!(out, ", size={value_size}, flags=");
    write_flags(out, flags, &XATTR_FLAGS, style);
    write_struct_tail(out, data, complete, XATTR_ARGS_SIZE, size);
    out.push('}');
}

/// A list of names the call fills (listxattr): NUL-separated, as many
/// bytes as it returned.
pub fn write_list(out: &mut String, call: &Call, addr: u64, mem: &Memory, size: u64) {
    if size == 0 || call.failed() {
        write_address(out, addr);
    } else {
        write_strn_ex(out, call, addr, mem, call.result() as u64, false);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::decode::{Detail, Style, Syscall};

    fn xattr<'a>(name: &str, args: &[u64], mems: &[(usize, Memory<'a>)], ret: i64) -> Call<'a> {
        let mut c = call(Syscall::from_name(name).unwrap(), args, U, ret);
        for &(arg, mem) in mems {
            c.captured[arg] = mem;
        }
        c
    }

    #[test]
    fn values_names_and_lists() {
        let path = s(b"f");
        let name = s(b"user.test");
        // strace's tests/xattr.c: a value with a trailing NUL, and -s.
        let c = xattr(
            "setxattr",
            &[P, P, P, 4, 1],
            &[(0, path), (1, name), (2, s(b"abc\0"))],
            0,
        );
        check(
            &c,
            r#"setxattr("f", "user.test", "abc", 4, XATTR_CREATE) = 0"#,
            r#"setxattr("f", "user.test", "abc", 4, 0x1) = 0"#,
            r#"setxattr("f", "user.test", "abc", 4, 0x1 /* XATTR_CREATE */) = 0"#,
        );
        let mut c = xattr(
            "lsetxattr",
            &[P, P, P, 6, 4],
            &[(0, path), (1, name), (2, s(b"a\0b\x01cd"))],
            -95,
        );
        c.detail = Detail {
            strsize: 4,
            ..Default::default()
        };
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"lsetxattr("f", "user"..., "a\0b\1"..., 6, 0x4 /* XATTR_??? */) = -1 EOPNOTSUPP (Operation not supported)"#
        );
        // getxattr: the size alone, a failure, a value.
        let c = xattr("getxattr", &[P, P, P, 0], &[(0, path), (1, name)], 3);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"getxattr("f", "user.test", 0x555500001000, 0) = 3"#
        );
        let c = xattr("lgetxattr", &[P, P, P, 2], &[(0, path), (1, name)], -34);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"lgetxattr("f", "user.test", 0x555500001000, 2) = -1 ERANGE (Numerical result out of range)"#
        );
        let c = xattr(
            "getxattr",
            &[P, P, P, 64],
            &[(0, path), (1, name), (2, s(b"xyz"))],
            3,
        );
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"getxattr("f", "user.test", "xyz", 64) = 3"#
        );
        // listxattr: NULs are part of the list.
        let c = xattr(
            "listxattr",
            &[P, P, 64],
            &[(0, path), (1, s(b"user.a\0user.b\0"))],
            14,
        );
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"listxattr("f", "user.a\0user.b\0", 64) = 14"#
        );
        let c = xattr("llistxattr", &[P, 0, 0], &[(0, path)], 14);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"llistxattr("f", NULL, 0) = 14"#
        );
        let c = xattr("removexattr", &[P, 0], &[(0, path)], -14);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"removexattr("f", NULL) = -1 EFAULT (Bad address)"#
        );
        let c = xattr(
            "removexattrat",
            &[CWD, P, 0x100, P],
            &[(1, path), (3, name)],
            -61,
        );
        assert_eq!(
            render(&c, Style::Verbose),
            r#"removexattrat(-100 /* AT_FDCWD */, "f", 0x100 /* AT_SYMLINK_NOFOLLOW */, "user.test") = -1 ENODATA (No data available)"#
        );
    }

    fn xattr_args(value: u64, size: u32, flags: u32) -> Vec<u8> {
        let mut v = value.to_le_bytes().to_vec();
        v.extend_from_slice(&size.to_le_bytes());
        v.extend_from_slice(&flags.to_le_bytes());
        v
    }

    #[test]
    fn xattr_args_with_their_values() {
        let path = s(b"f");
        let name = s(b"user.test");
        let set = |args: &[u64], st: Memory<'static>, value: Memory<'static>, ret| {
            let mut c = xattr("setxattrat", args, &[(1, path), (3, name), (4, st)], ret);
            c.pointee[4] = value;
            c
        };
        let st = xattr_args(0x2000, 4, 1).leak();
        let c = set(&[CWD, P, 0, P, P, 16], s(st), s(b"abc\0"), 0);
        check(
            &c,
            r#"setxattrat(AT_FDCWD, "f", 0, "user.test", {value="abc", size=4, flags=XATTR_CREATE}, 16) = 0"#,
            r#"setxattrat(-100, "f", 0, "user.test", {value="abc", size=4, flags=0x1}, 16) = 0"#,
            r#"setxattrat(-100 /* AT_FDCWD */, "f", 0, "user.test", {value="abc", size=4, flags=0x1 /* XATTR_CREATE */}, 16) = 0"#,
        );
        // Too small a size, an unreadable struct: the address.
        let c = set(&[CWD, P, 0, P, P, 15], s(st), s(b"abc\0"), -22);
        assert!(
            render(&c, Style::Abbrev).contains(r#""user.test", 0x555500001000, 15) = -1 EINVAL"#)
        );
        let c = set(
            &[CWD, P, 0, P, P, 16],
            Memory::Unreadable,
            Memory::Null,
            -14,
        );
        assert!(
            render(&c, Style::Abbrev).contains(r#""user.test", 0x555500001000, 16) = -1 EFAULT"#)
        );
        // Larger: what lies past it, or ??? when it could not be read.
        let mut tail = xattr_args(0, 1, 4);
        tail.extend_from_slice(&[0x90, 0, 0, 0, 0, 0, 0, 0x97]);
        let c = set(&[CWD, P, 0, P, P, 24], s(tail.leak()), Memory::Null, -22);
        assert!(render(&c, Style::Abbrev).contains(
            r#"{value=NULL, size=1, flags=0x4 /* XATTR_??? */, /* bytes 16..23 */ "\x90\x00\x00\x00\x00\x00\x00\x97"}, 24)"#
        ));
        let cut = Memory::Bytes {
            data: st,
            complete: false,
        };
        let c = set(&[CWD, P, 0, P, P, 17], cut, s(b"abc\0"), -22);
        assert!(render(&c, Style::Abbrev)
            .contains(r#"{value="abc", size=4, flags=XATTR_CREATE, ???}, 17)"#));
        // A value too large for the kernel prints as its address.
        let huge = xattr_args(0x2000, 65537, 0).leak();
        let c = set(&[CWD, P, 0, P, P, 16], s(huge), Memory::Unreadable, -7);
        assert!(render(&c, Style::Abbrev).contains(r#"{value=0x2000, size=65537, flags=0}"#));

        // getxattrat: the value the call returned, if it succeeded.
        let get = |st: Memory<'static>, value: Memory<'static>, ret| {
            let mut c = xattr(
                "getxattrat",
                &[7, 0, 0x1000, P, P, 16],
                &[(3, name), (4, st)],
                ret,
            );
            c.pointee[4] = value;
            c
        };
        let st = xattr_args(0x2000, 64, 0).leak();
        let c = get(s(st), s(b"foo\0bar"), 7);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"getxattrat(7, NULL, AT_EMPTY_PATH, "user.test", {value="foo\0bar", size=64, flags=0}, 16) = 7"#
        );
        let c = get(s(st), Memory::Null, -61);
        assert!(render(&c, Style::Abbrev)
            .contains(r#"{value=0x2000, size=64, flags=0}, 16) = -1 ENODATA"#));
        // Asked for the size alone: the address.
        let zero = xattr_args(0x2000, 0, 0).leak();
        let c = get(s(zero), Memory::Null, 7);
        assert!(render(&c, Style::Abbrev).contains(r#"{value=0x2000, size=0, flags=0}, 16) = 7"#));
    }
}

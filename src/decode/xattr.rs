//! The extended attribute calls: names, values and lists of names, as
//! strace prints them, subject to -s.

use super::call::{write_address, write_strn_ex, Call, Memory};
use super::xlat::Xlat;

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
}

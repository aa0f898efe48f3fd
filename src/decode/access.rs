//! access, faccessat, faccessat2 (strace's src/access.c): the access mode
//! and faccessat2's flags.

use super::xlat::Xlat;

/// access(2) `mode`: `F_OK` is zero, the others are bits.
pub static ACCESS_MODES: Xlat = Xlat {
    entries: &[("F_OK", 0), ("R_OK", 4), ("W_OK", 2), ("X_OK", 1)],
    unknown: "?_OK",
};

/// faccessat2(2) `flags`.
pub static FACCESSAT_FLAGS: Xlat = Xlat {
    entries: &[
        ("AT_SYMLINK_NOFOLLOW", 0x100),
        ("AT_EACCESS", 0x200),
        ("AT_EMPTY_PATH", 0x1000),
    ],
    unknown: "AT_???",
};

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::*;

    #[test]
    fn access_modes() {
        assert_eq!(f(0, &ACCESS_MODES), "F_OK");
        assert_eq!(f(7, &ACCESS_MODES), "R_OK|W_OK|X_OK");
        assert_eq!(f(0x9, &ACCESS_MODES), "X_OK|0x8");
        assert_eq!(f(0x8, &ACCESS_MODES), "0x8 /* ?_OK */");
        assert_eq!(
            f(0x1300, &FACCESSAT_FLAGS),
            "AT_SYMLINK_NOFOLLOW|AT_EACCESS|AT_EMPTY_PATH"
        );
        assert_eq!(f(0x400, &FACCESSAT_FLAGS), "0x400 /* AT_??? */");
    }

    #[test]
    fn access_calls() {
        let m = [s(b"/x"), Memory::Null];
        check(
            &call(ACCESS, &[P, 0xdead_0000_0006], m, -2),
            r#"access("/x", R_OK|W_OK) = -1 ENOENT (No such file or directory)"#,
            r#"access("/x", 0x6) = -1 ENOENT (No such file or directory)"#,
            r#"access("/x", 0x6 /* R_OK|W_OK */) = -1 ENOENT (No such file or directory)"#,
        );
        check(
            &call(FACCESSAT, &[CWD, P, 0], m, 0),
            r#"faccessat(AT_FDCWD, "/x", F_OK) = 0"#,
            r#"faccessat(-100, "/x", 0) = 0"#,
            r#"faccessat(-100 /* AT_FDCWD */, "/x", 0 /* F_OK */) = 0"#,
        );
        check(
            &call(FACCESSAT2, &[3, P, 1, 0x80001200], m, -22),
            r#"faccessat2(3, "/x", X_OK, AT_EACCESS|AT_EMPTY_PATH|0x80000000) = -1 EINVAL (Invalid argument)"#,
            r#"faccessat2(3, "/x", 0x1, 0x80001200) = -1 EINVAL (Invalid argument)"#,
            r#"faccessat2(3, "/x", 0x1 /* X_OK */, 0x80001200 /* AT_EACCESS|AT_EMPTY_PATH|0x80000000 */) = -1 EINVAL (Invalid argument)"#,
        );
        check(
            &call(FACCESSAT2, &[3, 0, 8, 0], U, -14),
            "faccessat2(3, NULL, 0x8 /* ?_OK */, 0) = -1 EFAULT (Bad address)",
            "faccessat2(3, NULL, 0x8, 0) = -1 EFAULT (Bad address)",
            "faccessat2(3, NULL, 0x8 /* ?_OK */, 0) = -1 EFAULT (Bad address)",
        );
    }
}

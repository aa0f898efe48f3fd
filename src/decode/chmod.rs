//! chmod, fchmodat, fchmodat2, mkdir, mkdirat (strace's src/chmod.c): the
//! mode is generic (octal); what is theirs is fchmodat2's flags.

use super::xlat::Xlat;

/// fchmodat2(2) `flags`.
pub static FCHMODAT_FLAGS: Xlat = Xlat {
    entries: &[("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_EMPTY_PATH", 0x1000)],
    unknown: "AT_???",
};

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::super::xlat::Style;
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(
            f(0x1100, &FCHMODAT_FLAGS),
            "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH"
        );
        let m = [s(b"f"), Memory::Null];
        check(
            &call(FCHMODAT2, &[CWD, P, 0xdead_0001_0fed, 0x200], m, -22),
            r#"fchmodat2(AT_FDCWD, "f", 07755, 0x200 /* AT_??? */) = -1 EINVAL (Invalid argument)"#,
            r#"fchmodat2(-100, "f", 07755, 0x200) = -1 EINVAL (Invalid argument)"#,
            r#"fchmodat2(-100 /* AT_FDCWD */, "f", 07755, 0x200 /* AT_??? */) = -1 EINVAL (Invalid argument)"#,
        );
        assert_eq!(
            render(&call(FCHMODAT, &[3, P, 0o644], m, 0), Style::Abbrev),
            r#"fchmodat(3, "f", 0644) = 0"#
        );
        assert_eq!(
            render(&call(CHMOD, &[P, 0], m, 0), Style::Abbrev),
            r#"chmod("f", 000) = 0"#
        );
        assert_eq!(
            render(&call(MKDIR, &[P, 0o755], m, -17), Style::Abbrev),
            r#"mkdir("f", 0755) = -1 EEXIST (File exists)"#
        );
        assert_eq!(
            render(&call(MKDIRAT, &[CWD, P, 0o700], m, 0), Style::Raw),
            r#"mkdirat(-100, "f", 0700) = 0"#
        );
    }
}

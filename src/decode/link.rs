//! Names made, moved and removed (strace's src/link.c and src/renameat.c):
//! link, linkat, unlink, unlinkat, rename, renameat, renameat2, symlink,
//! symlinkat. Their paths and dirfds are generic, their `AT_*` flags are
//! strace's at_flags (stat.rs, shared with fstatat and fchownat); what is
//! theirs is renameat2's flags.

use super::xlat::Xlat;

/// renameat2(2) `flags`.
pub static RENAME_FLAGS: Xlat = Xlat {
    entries: &[
        ("RENAME_NOREPLACE", 1),
        ("RENAME_EXCHANGE", 2),
        ("RENAME_WHITEOUT", 4),
    ],
    unknown: "RENAME_???",
};

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::stat::AT_FLAGS;
    use super::super::testing::*;
    use super::super::xlat::Style;
    use super::*;

    #[test]
    fn tables() {
        assert_eq!(
            f(0x9f00, &AT_FLAGS),
            "AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE"
        );
        assert_eq!(f(0x1, &AT_FLAGS), "0x1 /* AT_??? */");
        assert_eq!(f(0, &AT_FLAGS), "0");
        assert_eq!(
            f(0xf, &RENAME_FLAGS),
            "RENAME_NOREPLACE|RENAME_EXCHANGE|RENAME_WHITEOUT|0x8"
        );
    }

    #[test]
    fn unlink_and_link() {
        let m = [s(b"d"), Memory::Null];
        check(
            &call(
                UNLINKAT,
                &[0xffff_ffff_0000_0005, P, 0xbad0_0000_0200],
                m,
                0,
            ),
            r#"unlinkat(5, "d", AT_REMOVEDIR) = 0"#,
            r#"unlinkat(5, "d", 0x200) = 0"#,
            r#"unlinkat(5, "d", 0x200 /* AT_REMOVEDIR */) = 0"#,
        );
        assert_eq!(
            render(&call(UNLINK, &[P], m, -21), Style::Abbrev),
            r#"unlink("d") = -1 EISDIR (Is a directory)"#
        );
        let m = [s(b"a"), s(b"/b")];
        check(
            &call(LINKAT, &[CWD, P, 4, P, 0x1400], m, -2),
            r#"linkat(AT_FDCWD, "a", 4, "/b", AT_SYMLINK_FOLLOW|AT_EMPTY_PATH) = -1 ENOENT (No such file or directory)"#,
            r#"linkat(-100, "a", 4, "/b", 0x1400) = -1 ENOENT (No such file or directory)"#,
            r#"linkat(-100 /* AT_FDCWD */, "a", 4, "/b", 0x1400 /* AT_SYMLINK_FOLLOW|AT_EMPTY_PATH */) = -1 ENOENT (No such file or directory)"#,
        );
        assert_eq!(
            render(&call(LINK, &[P, P], m, 0), Style::Verbose),
            r#"link("a", "/b") = 0"#
        );
    }

    #[test]
    fn renames() {
        let m = [s(b"a"), s(b"b")];
        assert_eq!(
            render(&call(RENAME, &[P, P], m, 0), Style::Abbrev),
            r#"rename("a", "b") = 0"#
        );
        assert_eq!(
            render(&call(RENAMEAT, &[CWD, P, 7, P], m, 0), Style::Abbrev),
            r#"renameat(AT_FDCWD, "a", 7, "b") = 0"#
        );
        check(
            &call(RENAMEAT2, &[CWD, P, CWD, P, 0xffff_0000_0000_0003], m, -22),
            r#"renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE|RENAME_EXCHANGE) = -1 EINVAL (Invalid argument)"#,
            r#"renameat2(-100, "a", -100, "b", 0x3) = -1 EINVAL (Invalid argument)"#,
            r#"renameat2(-100 /* AT_FDCWD */, "a", -100 /* AT_FDCWD */, "b", 0x3 /* RENAME_NOREPLACE|RENAME_EXCHANGE */) = -1 EINVAL (Invalid argument)"#,
        );
        assert_eq!(
            render(
                &call(RENAMEAT2, &[CWD, P, CWD, P, 0x10], m, -22),
                Style::Abbrev
            ),
            r#"renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0x10 /* RENAME_??? */) = -1 EINVAL (Invalid argument)"#
        );
    }
}

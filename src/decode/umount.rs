//! umount2 and ia32's umount (strace's src/umount.c): umount2's flags.

use super::xlat::Xlat;

/// umount2(2) `flags`.
pub static UMOUNT_FLAGS: Xlat = Xlat {
    entries: &[
        ("MNT_FORCE", 1),
        ("MNT_DETACH", 2),
        ("MNT_EXPIRE", 4),
        ("UMOUNT_NOFOLLOW", 8),
    ],
    unknown: "MNT_???",
};

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::super::xlat::Style;
    use super::*;

    #[test]
    fn umounts() {
        assert_eq!(
            f(0xf, &UMOUNT_FLAGS),
            "MNT_FORCE|MNT_DETACH|MNT_EXPIRE|UMOUNT_NOFOLLOW"
        );
        let m = [s(b"/mnt"), Memory::Null];
        check(
            &call(UMOUNT2, &[P, 0xdead_0000_000a], m, -22),
            r#"umount2("/mnt", MNT_DETACH|UMOUNT_NOFOLLOW) = -1 EINVAL (Invalid argument)"#,
            r#"umount2("/mnt", 0xa) = -1 EINVAL (Invalid argument)"#,
            r#"umount2("/mnt", 0xa /* MNT_DETACH|UMOUNT_NOFOLLOW */) = -1 EINVAL (Invalid argument)"#,
        );
        check(
            &call(UMOUNT2, &[P, 0x10], m, -22),
            r#"umount2("/mnt", 0x10 /* MNT_??? */) = -1 EINVAL (Invalid argument)"#,
            r#"umount2("/mnt", 0x10) = -1 EINVAL (Invalid argument)"#,
            r#"umount2("/mnt", 0x10 /* MNT_??? */) = -1 EINVAL (Invalid argument)"#,
        );
        assert_eq!(
            render(&call(UMOUNT2, &[P, 0], m, 0), Style::Abbrev),
            r#"umount2("/mnt", 0) = 0"#
        );
        let mut c = call(UMOUNT, &[P], m, 0);
        c.compat = true;
        assert_eq!(render(&c, Style::Abbrev), r#"umount("/mnt") = 0"#);
    }
}

//! fanotify (strace's src/fanotify.c): fanotify_init's classes and
//! flags, fanotify_mark's flags, event mask and dirfd.

use super::call::write_dirfd;
use super::xlat::{write_flags, write_value, write_value_fmt, NumFmt, Style, Xlat};

/// fanotify_mark(2) `dirfd` meaning "no fd" (printed as signed decimal).
pub static FAN_DIRFD: Xlat = Xlat {
    entries: &[("FAN_NOFD", -1i64 as u64)],
    unknown: "",
};

/// fanotify_init(2) notification class (`flags & FAN_ALL_CLASS_BITS`).
pub static FAN_CLASSES: Xlat = Xlat {
    entries: &[
        ("FAN_CLASS_NOTIF", 0x0),
        ("FAN_CLASS_CONTENT", 0x4),
        ("FAN_CLASS_PRE_CONTENT", 0x8),
    ],
    unknown: "FAN_CLASS_???",
};

/// `FAN_ALL_CLASS_BITS`.
pub const FAN_ALL_CLASS_BITS: u64 = 0xc;

/// fanotify_init(2) flags other than the class.
pub static FAN_INIT_FLAGS: Xlat = Xlat {
    entries: &[
        ("FAN_CLOEXEC", 0x00000001),
        ("FAN_NONBLOCK", 0x00000002),
        ("FAN_UNLIMITED_QUEUE", 0x00000010),
        ("FAN_UNLIMITED_MARKS", 0x00000020),
        ("FAN_ENABLE_AUDIT", 0x00000040),
        ("FAN_REPORT_PIDFD", 0x00000080),
        ("FAN_REPORT_TID", 0x00000100),
        ("FAN_REPORT_FID", 0x00000200),
        ("FAN_REPORT_DIR_FID", 0x00000400),
        ("FAN_REPORT_NAME", 0x00000800),
        ("FAN_REPORT_TARGET_FID", 0x00001000),
        ("FAN_REPORT_FD_ERROR", 0x00002000),
        ("FAN_REPORT_MNT", 0x00004000),
    ],
    unknown: "FAN_???",
};

/// fanotify_mark(2) flags.  strace has no name for the zero mark type
/// (`FAN_MARK_INODE`), so a bare inode mark prints as `0`;
/// `FAN_MARK_MNTNS` (MOUNT|FILESYSTEM) precedes its parts.
pub static FAN_MARK_FLAGS: Xlat = Xlat {
    entries: &[
        ("FAN_MARK_ADD", 0x00000001),
        ("FAN_MARK_REMOVE", 0x00000002),
        ("FAN_MARK_FLUSH", 0x00000080),
        ("FAN_MARK_DONT_FOLLOW", 0x00000004),
        ("FAN_MARK_ONLYDIR", 0x00000008),
        ("FAN_MARK_MNTNS", 0x00000110),
        ("FAN_MARK_MOUNT", 0x00000010),
        ("FAN_MARK_FILESYSTEM", 0x00000100),
        ("FAN_MARK_IGNORED_MASK", 0x00000020),
        ("FAN_MARK_IGNORED_SURV_MODIFY", 0x00000040),
        ("FAN_MARK_IGNORE", 0x00000400),
        ("FAN_MARK_EVICTABLE", 0x00000200),
    ],
    unknown: "FAN_MARK_???",
};

/// fanotify event mask bits (fanotify_mark(2) `mask`, 64-bit).  No event
/// bit above bit 31 exists (in the kernel or strace); higher bits print as
/// hex.
pub static FAN_EVENT_FLAGS: Xlat = Xlat {
    entries: &[
        ("FAN_ACCESS", 0x00000001),
        ("FAN_MODIFY", 0x00000002),
        ("FAN_ATTRIB", 0x00000004),
        ("FAN_CLOSE_WRITE", 0x00000008),
        ("FAN_CLOSE_NOWRITE", 0x00000010),
        ("FAN_OPEN", 0x00000020),
        ("FAN_MOVED_FROM", 0x00000040),
        ("FAN_MOVED_TO", 0x00000080),
        ("FAN_CREATE", 0x00000100),
        ("FAN_DELETE", 0x00000200),
        ("FAN_DELETE_SELF", 0x00000400),
        ("FAN_MOVE_SELF", 0x00000800),
        ("FAN_OPEN_EXEC", 0x00001000),
        ("FAN_Q_OVERFLOW", 0x00004000),
        ("FAN_FS_ERROR", 0x00008000),
        ("FAN_OPEN_PERM", 0x00010000),
        ("FAN_ACCESS_PERM", 0x00020000),
        ("FAN_OPEN_EXEC_PERM", 0x00040000),
        ("FAN_DIR_MODIFY", 0x00080000),
        ("FAN_PRE_ACCESS", 0x00100000),
        ("FAN_MNT_ATTACH", 0x01000000),
        ("FAN_MNT_DETACH", 0x02000000),
        ("FAN_EVENT_ON_CHILD", 0x08000000),
        ("FAN_RENAME", 0x10000000),
        ("FAN_ONDIR", 0x40000000),
    ],
    unknown: "FAN_???",
};

/// fanotify_init's flags: the notification class, then the other flags.
pub(crate) fn write_fan_init_flags(out: &mut String, flags: u64, style: Style) {
    write_value(out, flags & FAN_ALL_CLASS_BITS, &FAN_CLASSES, style);
    let rest = flags & !FAN_ALL_CLASS_BITS;
    if rest != 0 {
        out.push('|');
        write_flags(out, rest, &FAN_INIT_FLAGS, style);
    }
}

/// fanotify_mark's dirfd: `FAN_NOFD`, `AT_FDCWD` or a number.
pub(crate) fn write_fan_dirfd(out: &mut String, raw: u64, style: Style) {
    let dirfd = i64::from(raw as u32 as i32) as u64;
    if FAN_DIRFD.lookup(dirfd).is_some() {
        write_value_fmt(out, dirfd, &FAN_DIRFD, style, NumFmt::Signed);
    } else {
        write_dirfd(out, raw, style);
    }
}

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::*;

    #[test]
    fn fan_mark_flags() {
        // strace -e trace=fanotify_mark (6.1, before FAN_MARK_MNTNS existed):
        // "FAN_MARK_ADD|FAN_MARK_MOUNT|FAN_MARK_FILESYSTEM"; 7.2 table names 0x110.
        let cases: &[(u64, &str)] = &[
            (0, "0"),
            (0x11, "FAN_MARK_ADD|FAN_MARK_MOUNT"),
            (0x111, "FAN_MARK_ADD|FAN_MARK_MNTNS"),
            (0x102, "FAN_MARK_REMOVE|FAN_MARK_FILESYSTEM"),
            (0x80000000, "0x80000000 /* FAN_MARK_??? */"),
            (0x800, "0x800 /* FAN_MARK_??? */"),
            (0x81, "FAN_MARK_ADD|FAN_MARK_FLUSH"),
            (0x6ec, "FAN_MARK_FLUSH|FAN_MARK_DONT_FOLLOW|FAN_MARK_ONLYDIR|FAN_MARK_IGNORED_MASK|FAN_MARK_IGNORED_SURV_MODIFY|FAN_MARK_IGNORE|FAN_MARK_EVICTABLE"),
            (0x80000001, "FAN_MARK_ADD|0x80000000"),
        ];
        for &(v, want) in cases {
            assert_eq!(f(v, &FAN_MARK_FLAGS), want);
        }
    }

    #[test]
    fn fan_event_flags() {
        let cases: &[(u64, &str)] = &[
            (0, "0"),
            (0x38, "FAN_CLOSE_WRITE|FAN_CLOSE_NOWRITE|FAN_OPEN"),
            (0x100000020, "FAN_OPEN|0x100000000"),
            (0x4000000000000000, "0x4000000000000000 /* FAN_??? */"),
            (
                0x59000000,
                "FAN_MNT_ATTACH|FAN_EVENT_ON_CHILD|FAN_RENAME|FAN_ONDIR",
            ),
            (
                u64::MAX,
                "FAN_ACCESS|FAN_MODIFY|FAN_ATTRIB|FAN_CLOSE_WRITE|FAN_CLOSE_NOWRITE|FAN_OPEN|\
                 FAN_MOVED_FROM|FAN_MOVED_TO|FAN_CREATE|FAN_DELETE|FAN_DELETE_SELF|FAN_MOVE_SELF|\
                 FAN_OPEN_EXEC|FAN_Q_OVERFLOW|FAN_FS_ERROR|FAN_OPEN_PERM|FAN_ACCESS_PERM|\
                 FAN_OPEN_EXEC_PERM|FAN_DIR_MODIFY|FAN_PRE_ACCESS|FAN_MNT_ATTACH|FAN_MNT_DETACH|\
                 FAN_EVENT_ON_CHILD|FAN_RENAME|FAN_ONDIR|0xffffffffa4e02000",
            ),
        ];
        for &(v, want) in cases {
            assert_eq!(f(v, &FAN_EVENT_FLAGS), want);
        }
    }

    #[test]
    fn fan_init_and_classes() {
        assert_eq!(
            f(0x73, &FAN_INIT_FLAGS),
            "FAN_CLOEXEC|FAN_NONBLOCK|FAN_UNLIMITED_QUEUE|FAN_UNLIMITED_MARKS|FAN_ENABLE_AUDIT"
        );
        assert_eq!(
            f(0x80006000, &FAN_INIT_FLAGS),
            "FAN_REPORT_FD_ERROR|FAN_REPORT_MNT|0x80000000"
        );
        let mut o = String::new();
        write_value(&mut o, 0, &FAN_CLASSES, Style::Abbrev);
        o.push(' ');
        write_value(&mut o, 8, &FAN_CLASSES, Style::Abbrev);
        o.push(' ');
        write_value(&mut o, 0xc, &FAN_CLASSES, Style::Abbrev);
        assert_eq!(
            o,
            "FAN_CLASS_NOTIF FAN_CLASS_PRE_CONTENT 0xc /* FAN_CLASS_??? */"
        );
    }

    #[test]
    fn fanotify_init() {
        check(
            &call(FANOTIFY_INIT, &[0, 0], U, 21),
            "fanotify_init(FAN_CLASS_NOTIF, O_RDONLY) = 21",
            "fanotify_init(0, 0) = 21",
            "fanotify_init(0 /* FAN_CLASS_NOTIF */, 0 /* O_RDONLY */) = 21",
        );
        check(
            &call(FANOTIFY_INIT, &[0x77, 0x80002], U, 22),
            "fanotify_init(FAN_CLASS_CONTENT|FAN_CLOEXEC|FAN_NONBLOCK|FAN_UNLIMITED_QUEUE|FAN_UNLIMITED_MARKS|FAN_ENABLE_AUDIT, O_RDWR|O_CLOEXEC) = 22",
            "fanotify_init(0x4|0x73, 0x80002) = 22",
            "fanotify_init(0x4 /* FAN_CLASS_CONTENT */|0x73 /* FAN_CLOEXEC|FAN_NONBLOCK|FAN_UNLIMITED_QUEUE|FAN_UNLIMITED_MARKS|FAN_ENABLE_AUDIT */, 0x80002 /* O_RDWR|O_CLOEXEC */) = 22",
        );
        check(
            &call(FANOTIFY_INIT, &[0x1f88, 0x8000], U, -22),
            "fanotify_init(FAN_CLASS_PRE_CONTENT|FAN_REPORT_PIDFD|FAN_REPORT_TID|FAN_REPORT_FID|FAN_REPORT_DIR_FID|FAN_REPORT_NAME|FAN_REPORT_TARGET_FID, O_RDONLY|O_LARGEFILE) = -1 EINVAL (Invalid argument)",
            "fanotify_init(0x8|0x1f80, 0x8000) = -1 EINVAL (Invalid argument)",
            "fanotify_init(0x8 /* FAN_CLASS_PRE_CONTENT */|0x1f80 /* FAN_REPORT_PIDFD|FAN_REPORT_TID|FAN_REPORT_FID|FAN_REPORT_DIR_FID|FAN_REPORT_NAME|FAN_REPORT_TARGET_FID */, 0x8000 /* O_RDONLY|O_LARGEFILE */) = -1 EINVAL (Invalid argument)",
        );
        // 6.1 printed 0x80006000 /* FAN_??? */: 7.2 names two of those bits.
        check(
            &call(FANOTIFY_INIT, &[0x8000_600c, 0x8000_0000], U, -22),
            "fanotify_init(0xc /* FAN_CLASS_??? */|FAN_REPORT_FD_ERROR|FAN_REPORT_MNT|0x80000000, O_RDONLY|0x80000000) = -1 EINVAL (Invalid argument)",
            "fanotify_init(0xc|0x80006000, 0x80000000) = -1 EINVAL (Invalid argument)",
            "fanotify_init(0xc /* FAN_CLASS_??? */|0x80006000 /* FAN_REPORT_FD_ERROR|FAN_REPORT_MNT|0x80000000 */, 0x80000000 /* O_RDONLY|0x80000000 */) = -1 EINVAL (Invalid argument)",
        );
        check(
            &call(FANOTIFY_INIT, &[0x8000_0000, 0], U, -22),
            "fanotify_init(FAN_CLASS_NOTIF|0x80000000 /* FAN_??? */, O_RDONLY) = -1 EINVAL (Invalid argument)",
            "fanotify_init(0|0x80000000, 0) = -1 EINVAL (Invalid argument)",
            "fanotify_init(0 /* FAN_CLASS_NOTIF */|0x80000000 /* FAN_??? */, 0 /* O_RDONLY */) = -1 EINVAL (Invalid argument)",
        );
    }

    #[test]
    fn fanotify_mark() {
        check(
            &call(FANOTIFY_MARK, &[99, 0, 0x1_0000_0020, u64::MAX, 0], U, -22),
            "fanotify_mark(99, 0, FAN_OPEN|0x100000000, FAN_NOFD, NULL) = -1 EINVAL (Invalid argument)",
            "fanotify_mark(99, 0, 0x100000020, -1, NULL) = -1 EINVAL (Invalid argument)",
            "fanotify_mark(99, 0, 0x100000020 /* FAN_OPEN|0x100000000 */, -1 /* FAN_NOFD */, NULL) = -1 EINVAL (Invalid argument)",
        );
        let m = [s(b"/x"), Memory::Null];
        check(
            &call(FANOTIFY_MARK, &[99, 0x11, 0x38, CWD, P], m, -9),
            r#"fanotify_mark(99, FAN_MARK_ADD|FAN_MARK_MOUNT, FAN_CLOSE_WRITE|FAN_CLOSE_NOWRITE|FAN_OPEN, AT_FDCWD, "/x") = -1 EBADF (Bad file descriptor)"#,
            r#"fanotify_mark(99, 0x11, 0x38, -100, "/x") = -1 EBADF (Bad file descriptor)"#,
            r#"fanotify_mark(99, 0x11 /* FAN_MARK_ADD|FAN_MARK_MOUNT */, 0x38 /* FAN_CLOSE_WRITE|FAN_CLOSE_NOWRITE|FAN_OPEN */, -100 /* AT_FDCWD */, "/x") = -1 EBADF (Bad file descriptor)"#,
        );
        // 6.1: FAN_MARK_ADD|FAN_MARK_MOUNT|FAN_MARK_FILESYSTEM (no MNTNS yet).
        assert_eq!(
            render(
                &call(FANOTIFY_MARK, &[99, 0x111, 0, 5, P], m, -22),
                Style::Abbrev
            ),
            r#"fanotify_mark(99, FAN_MARK_ADD|FAN_MARK_MNTNS, 0, 5, "/x") = -1 EINVAL (Invalid argument)"#
        );
        check(
            &call(
                FANOTIFY_MARK,
                &[99, 0x8000_0000, 0x4000_0000_0000_0000, 5, P],
                m,
                -22,
            ),
            r#"fanotify_mark(99, 0x80000000 /* FAN_MARK_??? */, 0x4000000000000000 /* FAN_??? */, 5, "/x") = -1 EINVAL (Invalid argument)"#,
            r#"fanotify_mark(99, 0x80000000, 0x4000000000000000, 5, "/x") = -1 EINVAL (Invalid argument)"#,
            r#"fanotify_mark(99, 0x80000000 /* FAN_MARK_??? */, 0x4000000000000000 /* FAN_??? */, 5, "/x") = -1 EINVAL (Invalid argument)"#,
        );
        let m = [s(b""), Memory::Null];
        assert_eq!(
            render(
                &call(
                    FANOTIFY_MARK,
                    &[99, 0x800, 0x10_0000_0000, -2i64 as u64, P],
                    m,
                    -22
                ),
                Style::Abbrev
            ),
            r#"fanotify_mark(99, 0x800 /* FAN_MARK_??? */, 0x1000000000 /* FAN_??? */, -2, "") = -1 EINVAL (Invalid argument)"#
        );
        // ia32 caller: mask already merged to 64 bits, dirfd -1 zero-extended.
        let mut c = call(
            FANOTIFY_MARK,
            &[99, 0, 0x1_0000_0020, 0xffff_ffff, 0],
            U,
            0xffff_ffea,
        );
        c.compat = true;
        assert_eq!(
            render(&c, Style::Abbrev),
            "fanotify_mark(99, 0, FAN_OPEN|0x100000000, FAN_NOFD, NULL) = -1 EINVAL (Invalid argument)"
        );
        c.ret = 0;
        assert_eq!(
            render(&c, Style::Abbrev),
            "fanotify_mark(99, 0, FAN_OPEN|0x100000000, FAN_NOFD, NULL) = 0"
        );
    }
}

//! Flag and value tables for x86_64 Linux, in strace 7.2's table order
//! (strace `src/xlat/*.in`; values from the kernel UAPI headers).

use super::xlat::Xlat;

/// Open access modes (`flags & O_ACCMODE`); every value 0..=3 has a name.
pub static OPEN_ACCESS_MODES: Xlat = Xlat {
    entries: &[
        ("O_RDONLY", 0),
        ("O_WRONLY", 1),
        ("O_RDWR", 2),
        ("O_ACCMODE", 3),
    ],
    unknown: "O_???",
};

/// open(2) flags other than the access mode.  Composites first:
/// `O_SYNC` before `__O_SYNC`/`O_DSYNC`, `O_TMPFILE` before
/// `__O_TMPFILE`/`O_DIRECTORY`.
pub static OPEN_FLAGS: Xlat = Xlat {
    entries: &[
        ("O_CREAT", 0o100),
        ("O_EXCL", 0o200),
        ("O_NOCTTY", 0o400),
        ("O_TRUNC", 0o1000),
        ("O_APPEND", 0o2000),
        ("O_NONBLOCK", 0o4000),
        ("O_SYNC", 0o4010000),
        ("__O_SYNC", 0o4000000),
        ("O_DSYNC", 0o10000),
        ("O_DIRECT", 0o40000),
        ("O_LARGEFILE", 0o100000),
        ("O_NOFOLLOW", 0o400000),
        ("O_NOATIME", 0o1000000),
        ("O_CLOEXEC", 0o2000000),
        ("O_PATH", 0o10000000),
        ("O_TMPFILE", 0o20200000),
        ("__O_TMPFILE", 0o20000000),
        ("O_DIRECTORY", 0o200000),
        ("O_EMPTYPATH", 1 << 26),
        ("FASYNC", 0o20000),
    ],
    unknown: "O_???",
};

/// `O_CREAT`: open(2) takes a mode argument when this or `__O_TMPFILE` is set.
pub const O_CREAT: u64 = 0o100;
/// `__O_TMPFILE` (the bit of its own, without `O_DIRECTORY`).
pub const O_TMPFILE_BIT: u64 = 0o20000000;
/// `O_ACCMODE`.
pub const O_ACCMODE: u64 = 3;

/// `struct open_how.flags` bits that only openat2(2) accepts (upper 32 bits).
pub static OPENAT2_FLAGS: Xlat = Xlat {
    entries: &[("OPENAT2_REGULAR", 1 << 32)],
    unknown: "OPENAT2_???",
};

/// `struct open_how.resolve` (openat2(2)).
pub static RESOLVE_FLAGS: Xlat = Xlat {
    entries: &[
        ("RESOLVE_NO_XDEV", 0x01),
        ("RESOLVE_NO_MAGICLINKS", 0x02),
        ("RESOLVE_NO_SYMLINKS", 0x04),
        ("RESOLVE_BENEATH", 0x08),
        ("RESOLVE_IN_ROOT", 0x10),
        ("RESOLVE_CACHED", 0x20),
    ],
    unknown: "RESOLVE_???",
};

/// Special directory fd values of the `*at` calls (printed as signed decimal).
pub static DIRFD: Xlat = Xlat {
    entries: &[("AT_FDCWD", -100i64 as u64)],
    unknown: "",
};

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

#[cfg(test)]
mod tests {
    use super::super::xlat::{write_flags, write_value, Style};
    use super::*;

    fn f(v: u64, t: &Xlat) -> String {
        let mut o = String::new();
        write_flags(&mut o, v, t, Style::Abbrev);
        o
    }

    #[test]
    fn kernel_values() {
        // x86_64 values per include/uapi/asm-generic/fcntl.h.
        let v = |n: &str| OPEN_FLAGS.entries.iter().find(|e| e.0 == n).map(|e| e.1);
        assert_eq!(v("O_CREAT"), Some(0x40));
        assert_eq!(v("O_DSYNC"), Some(0x1000));
        assert_eq!(v("FASYNC"), Some(0x2000));
        assert_eq!(v("O_DIRECT"), Some(0x4000));
        assert_eq!(v("O_LARGEFILE"), Some(0x8000));
        assert_eq!(v("O_DIRECTORY"), Some(0x10000));
        assert_eq!(v("O_CLOEXEC"), Some(0x80000));
        assert_eq!(v("O_SYNC"), Some(0x101000));
        assert_eq!(v("O_PATH"), Some(0x200000));
        assert_eq!(v("O_TMPFILE"), Some(0x410000));
        assert_eq!(v("O_EMPTYPATH"), Some(0x4000000));
        assert_eq!(O_CREAT | O_TMPFILE_BIT, 0x400040);
    }

    #[test]
    fn open_flags_composites() {
        let cases: &[(u64, &str)] = &[
            (0x101000, "O_SYNC"),
            (0x100000, "__O_SYNC"),
            (0x1000, "O_DSYNC"),
            (0x410000, "O_TMPFILE"),
            (0x400000, "__O_TMPFILE"),
            (0x10000, "O_DIRECTORY"),
            (0x101800, "O_NONBLOCK|O_SYNC"),
            (0x80000020, "0x80000020 /* O_??? */"),
            (0x426e700, "O_NOCTTY|O_TRUNC|O_APPEND|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_PATH|O_EMPTYPATH|FASYNC"),
        ];
        for &(v, want) in cases {
            assert_eq!(f(v, &OPEN_FLAGS), want);
        }
    }

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
    fn resolve_flags() {
        assert_eq!(
            f(0x3f, &RESOLVE_FLAGS),
            "RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH|RESOLVE_IN_ROOT|RESOLVE_CACHED"
        );
        assert_eq!(f(0x40, &RESOLVE_FLAGS), "0x40 /* RESOLVE_??? */");
        assert_eq!(f(0x88, &RESOLVE_FLAGS), "RESOLVE_BENEATH|0x80");
        assert_eq!(f(0, &RESOLVE_FLAGS), "0");
    }

    #[test]
    fn tables_have_no_duplicate_names() {
        for t in [
            &OPEN_ACCESS_MODES,
            &OPEN_FLAGS,
            &OPENAT2_FLAGS,
            &RESOLVE_FLAGS,
            &FAN_CLASSES,
            &FAN_INIT_FLAGS,
            &FAN_MARK_FLAGS,
            &FAN_EVENT_FLAGS,
        ] {
            for (i, a) in t.entries.iter().enumerate() {
                for b in t.entries.iter().skip(i + 1) {
                    assert_ne!(a.0, b.0);
                    assert_ne!(a.1, b.1, "{} and {} share a value", a.0, b.0);
                }
            }
        }
    }
}

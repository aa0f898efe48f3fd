//! inotify_add_watch (strace's src/inotify.c): the event mask.

use super::xlat::Xlat;

/// inotify(7) event and watch bits, as inotify_add_watch's `mask`.
pub static INOTIFY_FLAGS: Xlat = Xlat {
    entries: &[
        ("IN_ACCESS", 0x00000001),
        ("IN_MODIFY", 0x00000002),
        ("IN_ATTRIB", 0x00000004),
        ("IN_CLOSE_WRITE", 0x00000008),
        ("IN_CLOSE_NOWRITE", 0x00000010),
        ("IN_OPEN", 0x00000020),
        ("IN_MOVED_FROM", 0x00000040),
        ("IN_MOVED_TO", 0x00000080),
        ("IN_CREATE", 0x00000100),
        ("IN_DELETE", 0x00000200),
        ("IN_DELETE_SELF", 0x00000400),
        ("IN_MOVE_SELF", 0x00000800),
        ("IN_UNMOUNT", 0x00002000),
        ("IN_Q_OVERFLOW", 0x00004000),
        ("IN_IGNORED", 0x00008000),
        ("IN_ONLYDIR", 0x01000000),
        ("IN_DONT_FOLLOW", 0x02000000),
        ("IN_EXCL_UNLINK", 0x04000000),
        ("IN_MASK_CREATE", 0x10000000),
        ("IN_MASK_ADD", 0x20000000),
        ("IN_ISDIR", 0x40000000),
        ("IN_ONESHOT", 0x80000000),
    ],
    unknown: "IN_???",
};

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::*;

    #[test]
    fn watches() {
        assert_eq!(
            f(u64::from(u32::MAX), &INOTIFY_FLAGS),
            "IN_ACCESS|IN_MODIFY|IN_ATTRIB|IN_CLOSE_WRITE|IN_CLOSE_NOWRITE|IN_OPEN|\
             IN_MOVED_FROM|IN_MOVED_TO|IN_CREATE|IN_DELETE|IN_DELETE_SELF|IN_MOVE_SELF|\
             IN_UNMOUNT|IN_Q_OVERFLOW|IN_IGNORED|IN_ONLYDIR|IN_DONT_FOLLOW|IN_EXCL_UNLINK|\
             IN_MASK_CREATE|IN_MASK_ADD|IN_ISDIR|IN_ONESHOT|0x8ff1000"
        );
        let m = [s(b"."), Memory::Null];
        check(
            &call(INOTIFY_ADD_WATCH, &[0xbad_0000_0003, P, 0x1000_0302], m, 1),
            r#"inotify_add_watch(3, ".", IN_MODIFY|IN_CREATE|IN_DELETE|IN_MASK_CREATE) = 1"#,
            r#"inotify_add_watch(3, ".", 0x10000302) = 1"#,
            r#"inotify_add_watch(3, ".", 0x10000302 /* IN_MODIFY|IN_CREATE|IN_DELETE|IN_MASK_CREATE */) = 1"#,
        );
        check(
            &call(INOTIFY_ADD_WATCH, &[3, P, 0x1000], m, -22),
            r#"inotify_add_watch(3, ".", 0x1000 /* IN_??? */) = -1 EINVAL (Invalid argument)"#,
            r#"inotify_add_watch(3, ".", 0x1000) = -1 EINVAL (Invalid argument)"#,
            r#"inotify_add_watch(3, ".", 0x1000 /* IN_??? */) = -1 EINVAL (Invalid argument)"#,
        );
    }
}

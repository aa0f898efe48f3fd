//! The mount API of descriptors (strace's src/mount_setattr.c, fspick.c,
//! move_mount.c): open_tree, fspick and move_mount's flags.

use super::xlat::Xlat;

/// open_tree(2) `flags`: its own, then the `AT_*` path flags it takes.
pub static OPEN_TREE_FLAGS: Xlat = Xlat {
    entries: &[
        ("OPEN_TREE_CLONE", 1),
        ("OPEN_TREE_NAMESPACE", 2),
        ("OPEN_TREE_CLOEXEC", 0o2000000),
        ("AT_SYMLINK_NOFOLLOW", 0x100),
        ("AT_NO_AUTOMOUNT", 0x800),
        ("AT_EMPTY_PATH", 0x1000),
        ("AT_RECURSIVE", 0x8000),
    ],
    unknown: "OPEN_TREE_???",
};

/// fspick(2) `flags`.
pub static FSPICK_FLAGS: Xlat = Xlat {
    entries: &[
        ("FSPICK_CLOEXEC", 1),
        ("FSPICK_SYMLINK_NOFOLLOW", 2),
        ("FSPICK_NO_AUTOMOUNT", 4),
        ("FSPICK_EMPTY_PATH", 8),
    ],
    unknown: "FSPICK_???",
};

/// move_mount(2) `flags`.
pub static MOVE_MOUNT_FLAGS: Xlat = Xlat {
    entries: &[
        ("MOVE_MOUNT_F_SYMLINKS", 0x1),
        ("MOVE_MOUNT_F_AUTOMOUNTS", 0x2),
        ("MOVE_MOUNT_F_EMPTY_PATH", 0x4),
        ("MOVE_MOUNT_T_SYMLINKS", 0x10),
        ("MOVE_MOUNT_T_AUTOMOUNTS", 0x20),
        ("MOVE_MOUNT_T_EMPTY_PATH", 0x40),
        ("MOVE_MOUNT_SET_GROUP", 0x100),
        ("MOVE_MOUNT_BENEATH", 0x200),
    ],
    unknown: "MOVE_MOUNT_???",
};

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::super::xlat::Style;
    use super::*;

    #[test]
    fn tables() {
        assert_eq!(
            f(0x89903, &OPEN_TREE_FLAGS),
            "OPEN_TREE_CLONE|OPEN_TREE_NAMESPACE|OPEN_TREE_CLOEXEC|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE"
        );
        assert_eq!(f(0x4, &OPEN_TREE_FLAGS), "0x4 /* OPEN_TREE_??? */");
        assert_eq!(
            f(0x1f, &FSPICK_FLAGS),
            "FSPICK_CLOEXEC|FSPICK_SYMLINK_NOFOLLOW|FSPICK_NO_AUTOMOUNT|FSPICK_EMPTY_PATH|0x10"
        );
        assert_eq!(
            f(0x377, &MOVE_MOUNT_FLAGS),
            "MOVE_MOUNT_F_SYMLINKS|MOVE_MOUNT_F_AUTOMOUNTS|MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_SYMLINKS|MOVE_MOUNT_T_AUTOMOUNTS|MOVE_MOUNT_T_EMPTY_PATH|MOVE_MOUNT_SET_GROUP|MOVE_MOUNT_BENEATH"
        );
        assert_eq!(f(0x400, &MOVE_MOUNT_FLAGS), "0x400 /* MOVE_MOUNT_??? */");
    }

    #[test]
    fn calls() {
        let m = [s(b"/mnt"), Memory::Null];
        check(
            &call(OPEN_TREE, &[CWD, P, 0x80001], m, 5),
            r#"open_tree(AT_FDCWD, "/mnt", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC) = 5"#,
            r#"open_tree(-100, "/mnt", 0x80001) = 5"#,
            r#"open_tree(-100 /* AT_FDCWD */, "/mnt", 0x80001 /* OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC */) = 5"#,
        );
        assert_eq!(
            render(
                &call(FSPICK, &[3, P, 0xffff_0000_0000_0009], m, -2),
                Style::Abbrev
            ),
            r#"fspick(3, "/mnt", FSPICK_CLOEXEC|FSPICK_EMPTY_PATH) = -1 ENOENT (No such file or directory)"#
        );
        let m = [s(b""), s(b"/mnt")];
        check(
            &call(MOVE_MOUNT, &[5, P, CWD, P, 4], m, 0),
            r#"move_mount(5, "", AT_FDCWD, "/mnt", MOVE_MOUNT_F_EMPTY_PATH) = 0"#,
            r#"move_mount(5, "", -100, "/mnt", 0x4) = 0"#,
            r#"move_mount(5, "", -100 /* AT_FDCWD */, "/mnt", 0x4 /* MOVE_MOUNT_F_EMPTY_PATH */) = 0"#,
        );
    }
}

//! The mount API of descriptors (strace's src/mount_setattr.c, fspick.c,
//! move_mount.c): open_tree, fspick and move_mount's flags, and the
//! `struct mount_attr` of mount_setattr and open_tree_attr.

use std::fmt::Write;

use super::call::{write_address, Memory};
use super::open::write_struct_tail;
use super::xlat::{write_flags, write_value, Style, Xlat};

/// `struct mount_attr` as of Linux 5.12 (MOUNT_ATTR_SIZE_VER0).
pub const MOUNT_ATTR_SIZE: usize = 32;
const MOUNT_ATTR_IDMAP: u64 = 0x0010_0000;

/// mount_setattr(2) `flags`.
pub static MOUNT_SETATTR_FLAGS: Xlat = Xlat {
    entries: &[
        ("AT_SYMLINK_NOFOLLOW", 0x100),
        ("AT_NO_AUTOMOUNT", 0x800),
        ("AT_EMPTY_PATH", 0x1000),
        ("AT_RECURSIVE", 0x8000),
    ],
    unknown: "AT_???",
};

/// `attr_set` and `attr_clr`: MOUNT_ATTR_RELATIME is 0, and the three
/// access time modes together are MOUNT_ATTR__ATIME.
static MOUNT_ATTR_ATTR: Xlat = Xlat {
    entries: &[
        ("MOUNT_ATTR_RDONLY", 0x1),
        ("MOUNT_ATTR_NOSUID", 0x2),
        ("MOUNT_ATTR_NODEV", 0x4),
        ("MOUNT_ATTR_NOEXEC", 0x8),
        ("MOUNT_ATTR__ATIME", 0x70),
        ("MOUNT_ATTR_NOATIME", 0x10),
        ("MOUNT_ATTR_STRICTATIME", 0x20),
        ("MOUNT_ATTR_NODIRATIME", 0x80),
        ("MOUNT_ATTR_IDMAP", MOUNT_ATTR_IDMAP),
        ("MOUNT_ATTR_NOSYMFOLLOW", 0x0020_0000),
    ],
    unknown: "MOUNT_ATTR_???",
};

/// `propagation`.
static MOUNT_ATTR_PROPAGATION: Xlat = Xlat {
    entries: &[
        ("MS_UNBINDABLE", 1 << 17),
        ("MS_PRIVATE", 1 << 18),
        ("MS_SLAVE", 1 << 19),
        ("MS_SHARED", 1 << 20),
    ],
    unknown: "MS_???",
};

/// `struct mount_attr *attr`, given the `size` argument; what lies past
/// the struct as strace shows it for openat2's struct open_how.
pub fn write_mount_attr(out: &mut String, addr: u64, size: u64, mem: &Memory, style: Style) {
    if size < MOUNT_ATTR_SIZE as u64 {
        write_address(out, addr);
        return;
    }
    let (data, complete) = match *mem {
        Memory::Bytes { data, complete } if data.len() >= MOUNT_ATTR_SIZE => (data, complete),
        _ => {
            write_address(out, addr);
            return;
        }
    };
    let field = |i: usize| {
        data.get(i * 8..i * 8 + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let (set, clr, propagation, userns_fd) = (field(0), field(1), field(2), field(3));
    out.push_str("{attr_set=");
    write_flags(out, set, &MOUNT_ATTR_ATTR, style);
    out.push_str(", attr_clr=");
    write_flags(out, clr, &MOUNT_ATTR_ATTR, style);
    out.push_str(", propagation=");
    write_value(out, propagation, &MOUNT_ATTR_PROPAGATION, style);
    // A descriptor only with MOUNT_ATTR_IDMAP: printed as a number either way.
    let _ = if userns_fd <= i32::MAX as u64 && (set | clr) & MOUNT_ATTR_IDMAP != 0 {
        write!(out, ", userns_fd={}", userns_fd as i32)
    } else {
        write!(out, ", userns_fd={userns_fd}")
    };
    if size > MOUNT_ATTR_SIZE as u64 {
        if complete {
            write_struct_tail(out, data, MOUNT_ATTR_SIZE, size);
        } else {
            out.push_str(", ???");
        }
    }
    out.push('}');
}

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

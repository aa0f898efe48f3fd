//! The mount API of descriptors (strace's src/mount_setattr.c, fspick.c,
//! move_mount.c, fsconfig.c): open_tree, fspick and move_mount's flags,
//! the `struct mount_attr` of mount_setattr and open_tree_attr, and
//! fsconfig's commands, whose key, value and aux print as the command says.

use std::fmt::Write;

use super::call::{write_address, Call, Le, Memory};
use super::escape::write_hex_quoted;
use super::open::write_struct_tail;
use super::table::Values;
use super::xlat::{write_flags, write_value, Style, Xlat};

/// fsconfig(2) `cmd`.
pub static FSCONFIG_CMDS: Xlat = Xlat {
    entries: &[
        ("FSCONFIG_SET_FLAG", 0),
        ("FSCONFIG_SET_STRING", 1),
        ("FSCONFIG_SET_BINARY", 2),
        ("FSCONFIG_SET_PATH", 3),
        ("FSCONFIG_SET_PATH_EMPTY", 4),
        ("FSCONFIG_SET_FD", 5),
        ("FSCONFIG_CMD_CREATE", 6),
        ("FSCONFIG_CMD_RECONFIGURE", 7),
        ("FSCONFIG_CMD_CREATE_EXCL", 8),
    ],
    unknown: "FSCONFIG_???",
};

/// The commands that take a key (the `FSCONFIG_SET_*` ones).
pub const FSCONFIG_KEYED: Values = Values::of(1, 0, &[0, 1, 2, 3, 4, 5]);
/// FSCONFIG_SET_STRING: the value is a string.
pub const FSCONFIG_STRING: Values = Values::of(1, 0, &[1]);
/// FSCONFIG_SET_BINARY: `aux` bytes.
pub const FSCONFIG_BINARY: Values = Values::of(1, 0, &[2]);
/// FSCONFIG_SET_PATH and FSCONFIG_SET_PATH_EMPTY: a path, relative to
/// the directory descriptor in `aux`.
pub const FSCONFIG_PATHS: Values = Values::of(1, 0, &[3, 4]);
/// Commands whose value is more than an address.
pub const FSCONFIG_VALUED: Values = Values::of(1, 0, &[1, 2, 3, 4]);
/// FSCONFIG_SET_FD: `aux` is a descriptor.
pub const FSCONFIG_FD: Values = Values::of(1, 0, &[5]);
/// Commands whose `aux` is a descriptor.
pub const FSCONFIG_AUX_FD: Values = Values::of(1, 0, &[3, 4, 5]);
/// The longest key or string value strace prints.
pub const FSCONFIG_STRING_MAX: u16 = 256;
/// The longest binary value strace reads (1 MiB): a longer (or negative)
/// `aux` prints the value's address.
const FSCONFIG_BINARY_MAX: i32 = 1 << 20;

/// FSCONFIG_SET_BINARY's value: `aux` bytes (an `int`), at most `-s` of
/// them, in hex; the address when `aux` is out of range or the bytes
/// could not be read.
pub fn write_fsconfig_binary(out: &mut String, call: &Call, addr: u64, mem: &Memory, len: u64) {
    let len = len as u32 as i32;
    if !(0..=FSCONFIG_BINARY_MAX).contains(&len) {
        write_address(out, addr);
        return;
    }
    let Some(data) = mem.data().filter(|_| addr != 0) else {
        write_address(out, addr);
        return;
    };
    let len = len as usize;
    let shown = data.get(..len.min(call.detail.strsize)).unwrap_or(data);
    write_hex_quoted(out, shown, len > call.detail.strsize);
}

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
    let field = |i: usize| Le(data).u64(i * 8).unwrap_or(0);
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
    write_struct_tail(out, data, complete, MOUNT_ATTR_SIZE, size);
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
    use super::super::table::Syscall;
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

    /// fsconfig with `key` and `value` captured as the kernel would.
    fn fsconfig<'a>(args: [u64; 5], key: Memory<'a>, value: Memory<'a>, ret: i64) -> Call<'a> {
        let mut c = call(Syscall::named("fsconfig"), &args, U, ret);
        c.captured[2] = key;
        c.captured[3] = value;
        c
    }

    #[test]
    fn fsconfig_prints_what_each_command_takes() {
        let abbrev = |c: &Call| render(c, Style::Abbrev);
        let c = fsconfig([3, 1, P, P, 0], s(b"size"), s(b"1m"), 0);
        check(
            &c,
            r#"fsconfig(3, FSCONFIG_SET_STRING, "size", "1m", 0) = 0"#,
            r#"fsconfig(3, 0x1, "size", "1m", 0) = 0"#,
            r#"fsconfig(3, 0x1 /* FSCONFIG_SET_STRING */, "size", "1m", 0) = 0"#,
        );
        // Flags: no value; commands: neither key nor value; unknown ones
        // alike, whatever the upper half of the registers holds.
        let c = fsconfig([3, 0, P, 0, 0], s(b"ro"), Memory::Null, 0);
        assert_eq!(
            abbrev(&c),
            r#"fsconfig(3, FSCONFIG_SET_FLAG, "ro", NULL, 0) = 0"#
        );
        let c = fsconfig([3, 6, 0, P, 0xdead_0000_0005], U[0], U[0], 0);
        assert_eq!(
            abbrev(&c),
            "fsconfig(3, FSCONFIG_CMD_CREATE, NULL, 0x555500001000, 5) = 0"
        );
        let c = fsconfig(
            [0xffff_ffff, 0xdead_0000_0009, P, P, 0xffff_ff9c],
            U[0],
            U[0],
            -95,
        );
        assert_eq!(
            abbrev(&c),
            "fsconfig(-1, 0x9 /* FSCONFIG_??? */, 0x555500001000, 0x555500001000, -100) = -1 EOPNOTSUPP (Operation not supported)"
        );
        // Paths against a directory descriptor, descriptors.
        let c = fsconfig([3, 3, P, P, CWD], s(b"source"), s(b"/dev/sda"), 0);
        check(
            &c,
            r#"fsconfig(3, FSCONFIG_SET_PATH, "source", "/dev/sda", AT_FDCWD) = 0"#,
            r#"fsconfig(3, 0x3, "source", "/dev/sda", -100) = 0"#,
            r#"fsconfig(3, 0x3 /* FSCONFIG_SET_PATH */, "source", "/dev/sda", -100 /* AT_FDCWD */) = 0"#,
        );
        let c = fsconfig([3, 5, P, 0, 7], s(b"source"), Memory::Null, 0);
        assert_eq!(
            abbrev(&c),
            r#"fsconfig(3, FSCONFIG_SET_FD, "source", NULL, 7) = 0"#
        );
        // Unreadable key, path.
        let c = fsconfig([3, 4, P, P, 7], Memory::Unreadable, Memory::Unreadable, -14);
        assert_eq!(
            abbrev(&c),
            "fsconfig(3, FSCONFIG_SET_PATH_EMPTY, 0x555500001000, 0x555500001000, 7) = -1 EFAULT (Bad address)"
        );
    }

    #[test]
    fn fsconfig_strings_and_binary_values() {
        let key = [b'k'; 300];
        let cut = |n: usize, complete: bool| Memory::Bytes {
            data: &key[..n],
            complete,
        };
        let with_s = |mut c: Call, strsize: usize| {
            c.detail.strsize = strsize;
            let mut o = String::new();
            write_args(&mut o, &c, Style::Abbrev);
            o
        };
        let k = |n: usize| "k".repeat(n);
        // -s 300: at most 256 bytes print, `...` after 256 whatever follows.
        let c = fsconfig([3, 1, P, P, 0], cut(256, false), cut(255, true), -22);
        assert_eq!(
            with_s(c, 300),
            format!(
                r#"3, FSCONFIG_SET_STRING, "{}"..., "{}", 0"#,
                k(256),
                k(255)
            )
        );
        // -s 32: 32 of them; a string of exactly 32 bytes is whole.
        let c = fsconfig([3, 1, P, P, 0], cut(33, false), cut(32, true), -22);
        assert_eq!(
            with_s(c, 32),
            format!(r#"3, FSCONFIG_SET_STRING, "{}"..., "{}", 0"#, k(32), k(32))
        );
        // Binary: `aux` bytes in hex, at most -s; the address when `aux`
        // is negative or over 1 MiB, or the bytes could not be read.
        let bytes = [0u8, 0x30, 0xff, 0x41];
        let value = Memory::Bytes {
            data: &bytes,
            complete: true,
        };
        let c = fsconfig([3, 2, P, P, 4], s(b"k"), value, -22);
        assert_eq!(
            with_s(c, 32),
            r#"3, FSCONFIG_SET_BINARY, "k", "\x00\x30\xff\x41", 4"#
        );
        let c = fsconfig([3, 2, P, P, 0xdead_0000_0004], s(b"k"), value, -22);
        assert_eq!(
            with_s(c, 3),
            r#"3, FSCONFIG_SET_BINARY, "k", "\x00\x30\xff"..., 4"#
        );
        let c = fsconfig([3, 2, P, P, 0], s(b"k"), s(b""), -22);
        assert_eq!(with_s(c, 32), r#"3, FSCONFIG_SET_BINARY, "k", "", 0"#);
        for aux in [0xffff_ffff, (1 << 20) + 1] {
            let c = fsconfig([3, 2, P, P, aux], s(b"k"), value, -22);
            let aux = aux as u32 as i32;
            assert_eq!(
                with_s(c, 32),
                format!(r#"3, FSCONFIG_SET_BINARY, "k", 0x555500001000, {aux}"#)
            );
        }
        let c = fsconfig([3, 2, P, P, 4], s(b"k"), Memory::Unreadable, -14);
        assert_eq!(
            with_s(c, 32),
            r#"3, FSCONFIG_SET_BINARY, "k", 0x555500001000, 4"#
        );
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

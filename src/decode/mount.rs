//! mount (strace's src/mount.c): its `MS_*` flags, and its filesystem type
//! and data, strings unless the flags make the kernel ignore them.

use super::call::{write_address, write_str, Call, Memory};
use super::xlat::{write_flags, write_value, Style, Xlat};

/// The old magic number in the flags' upper half, which the kernel drops.
const MS_MGC_VAL: u64 = 0xc0ed_0000;
const MS_MGC_MSK: u64 = 0xffff_0000;
const MS_REMOUNT: u64 = 1 << 5;
/// Flags that make the kernel ignore the type and the data.
const MS_IGNORES_TYPE_AND_DATA: u64 =
    (1 << 12) | (1 << 13) | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20);

/// mount(2) `mountflags`.
pub static MOUNT_FLAGS: Xlat = Xlat {
    entries: &[
        ("MS_RDONLY", 1 << 0),
        ("MS_NOSUID", 1 << 1),
        ("MS_NODEV", 1 << 2),
        ("MS_NOEXEC", 1 << 3),
        ("MS_SYNCHRONOUS", 1 << 4),
        ("MS_REMOUNT", MS_REMOUNT),
        ("MS_MANDLOCK", 1 << 6),
        ("MS_DIRSYNC", 1 << 7),
        ("MS_NOSYMFOLLOW", 1 << 8),
        ("MS_NOATIME", 1 << 10),
        ("MS_NODIRATIME", 1 << 11),
        ("MS_BIND", 1 << 12),
        ("MS_MOVE", 1 << 13),
        ("MS_REC", 1 << 14),
        ("MS_SILENT", 1 << 15),
        ("MS_POSIXACL", 1 << 16),
        ("MS_UNBINDABLE", 1 << 17),
        ("MS_PRIVATE", 1 << 18),
        ("MS_SLAVE", 1 << 19),
        ("MS_SHARED", 1 << 20),
        ("MS_RELATIME", 1 << 21),
        ("MS_KERNMOUNT", 1 << 22),
        ("MS_I_VERSION", 1 << 23),
        ("MS_STRICTATIME", 1 << 24),
        ("MS_LAZYTIME", 1 << 25),
        ("MS_SUBMOUNT", 1 << 26),
        ("MS_NOREMOTELOCK", 1 << 27),
        ("MS_NOSEC", 1 << 28),
        ("MS_BORN", 1 << 29),
        ("MS_ACTIVE", 1 << 30),
        ("MS_NOUSER", 1 << 31),
    ],
    unknown: "MS_???",
};

static MS_MGC: Xlat = Xlat {
    entries: &[("MS_MGC_VAL", MS_MGC_VAL)],
    unknown: "",
};

/// The flags without the old magic, and whether it was there.
fn split_magic(flags: u64) -> (u64, bool) {
    if flags & MS_MGC_MSK == MS_MGC_VAL {
        (flags & !MS_MGC_MSK, true)
    } else {
        (flags, false)
    }
}

/// `mountflags`: `MS_MGC_VAL|` first when the old magic is there.
pub fn write_mount_flags(out: &mut String, flags: u64, style: Style) {
    let (flags, magic) = split_magic(flags);
    if magic {
        write_value(out, MS_MGC_VAL, &MS_MGC, style);
        if flags == 0 {
            return;
        }
        out.push('|');
    }
    write_flags(out, flags, &MOUNT_FLAGS, style);
}

/// What the kernel makes of the type and the data, given the flags:
/// (type ignored, data ignored).
fn ignored(flags: u64) -> (bool, bool) {
    let (flags, _) = split_magic(flags);
    if flags & MS_REMOUNT != 0 {
        (true, false)
    } else if flags & MS_IGNORES_TYPE_AND_DATA != 0 {
        (true, true)
    } else {
        (false, false)
    }
}

/// `filesystemtype` (`data` with `data`): a string, or the address when
/// the flags in argument `flags` make the kernel ignore it.
pub fn write_mount_string(
    out: &mut String,
    call: &Call,
    addr: u64,
    mem: &Memory,
    flags: u8,
    data: bool,
) {
    let (no_type, no_data) = ignored(call.word(call.args[usize::from(flags)]));
    if (data && no_data) || (!data && no_type) {
        write_address(out, addr);
    } else {
        write_str(out, call, addr, mem);
    }
}

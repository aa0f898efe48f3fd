//! file_getattr and file_setattr (strace's src/file_attr.c): their
//! `struct file_attr` and the `AT_*` flags they take.

use std::fmt::Write;

use super::call::{write_address, Call, Le, Memory};
use super::open::write_struct_tail;
use super::xlat::{write_flags, write_hex, Style, Xlat};

/// `struct file_attr` as of Linux 6.17 (FILE_ATTR_SIZE_VER0).
pub const FILE_ATTR_SIZE: usize = 24;
/// Larger sizes are refused, and print as the address.
const PAGE_SIZE: u64 = 4096;

/// file_getattr(2) and file_setattr(2) `at_flags`.
pub static FILE_ATTR_FLAGS: Xlat = Xlat {
    entries: &[("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_EMPTY_PATH", 0x1000)],
    unknown: "AT_???",
};

/// `fa_xflags`.
static FS_XFLAGS: Xlat = Xlat {
    entries: &[
        ("FS_XFLAG_REALTIME", 0x1),
        ("FS_XFLAG_PREALLOC", 0x2),
        ("FS_XFLAG_IMMUTABLE", 0x8),
        ("FS_XFLAG_APPEND", 0x10),
        ("FS_XFLAG_SYNC", 0x20),
        ("FS_XFLAG_NOATIME", 0x40),
        ("FS_XFLAG_NODUMP", 0x80),
        ("FS_XFLAG_RTINHERIT", 0x100),
        ("FS_XFLAG_PROJINHERIT", 0x200),
        ("FS_XFLAG_NOSYMLINKS", 0x400),
        ("FS_XFLAG_EXTSIZE", 0x800),
        ("FS_XFLAG_EXTSZINHERIT", 0x1000),
        ("FS_XFLAG_NODEFRAG", 0x2000),
        ("FS_XFLAG_FILESTREAM", 0x4000),
        ("FS_XFLAG_DAX", 0x8000),
        ("FS_XFLAG_COWEXTSIZE", 0x10000),
        ("FS_XFLAG_VERITY", 0x20000),
        ("FS_XFLAG_HASATTR", 0x8000_0000),
        ("FS_XFLAG_CASEFOLD", 0x40000),
        ("FS_XFLAG_CASENONPRESERVING", 0x80000),
    ],
    unknown: "FS_XFLAG_???",
};

/// `struct file_attr *attr` of the size in argument `size`: what the call
/// filled (`get`, only if it succeeded, with `fa_nextents`) or read.
pub fn write_file_attr(
    out: &mut String,
    call: &Call,
    addr: u64,
    mem: &Memory,
    size: u64,
    get: bool,
    style: Style,
) {
    let readable = size >= FILE_ATTR_SIZE as u64 && size <= PAGE_SIZE && !(get && call.failed());
    let (data, complete) = match *mem {
        Memory::Bytes { data, complete } if readable && data.len() >= FILE_ATTR_SIZE => {
            (data, complete)
        }
        _ => {
            write_address(out, addr);
            return;
        }
    };
    // The fields all lie within the FILE_ATTR_SIZE bytes checked above.
    let le = Le(data);
    let u32_at = |off: usize| le.u32(off).unwrap_or(0);
    out.push_str("{fa_xflags=");
    write_flags(out, le.u64(0).unwrap_or(0), &FS_XFLAGS, style);
    let _ = write!(out, ", fa_extsize={}", u32_at(8));
    if get {
        let _ = write!(out, ", fa_nextents={}", u32_at(12));
    }
    out.push_str(", fa_projid=");
    write_hex(out, u32_at(16));
    let _ = write!(out, ", fa_cowextsize={}", u32_at(20));
    write_struct_tail(out, data, complete, FILE_ATTR_SIZE, size);
    out.push('}');
}

//! What the decoder tests share: calls built by hand and rendered in the
//! three `-X` styles.

use super::call::{write_arg, write_call, Call, Memory};
use super::table::{Render, Syscall};
use super::xlat::{write_flags, Style, Xlat};

pub const OPEN: Syscall = Syscall::named("open");
pub const CREAT: Syscall = Syscall::named("creat");
pub const OPENAT: Syscall = Syscall::named("openat");
pub const OPENAT2: Syscall = Syscall::named("openat2");
pub const SYMLINK: Syscall = Syscall::named("symlink");
pub const SYMLINKAT: Syscall = Syscall::named("symlinkat");
pub const LINK: Syscall = Syscall::named("link");
pub const LINKAT: Syscall = Syscall::named("linkat");
pub const UNLINK: Syscall = Syscall::named("unlink");
pub const UNLINKAT: Syscall = Syscall::named("unlinkat");
pub const RENAME: Syscall = Syscall::named("rename");
pub const RENAMEAT: Syscall = Syscall::named("renameat");
pub const RENAMEAT2: Syscall = Syscall::named("renameat2");
pub const ACCESS: Syscall = Syscall::named("access");
pub const FACCESSAT: Syscall = Syscall::named("faccessat");
pub const FACCESSAT2: Syscall = Syscall::named("faccessat2");
pub const CHMOD: Syscall = Syscall::named("chmod");
pub const FCHMODAT: Syscall = Syscall::named("fchmodat");
pub const FCHMODAT2: Syscall = Syscall::named("fchmodat2");
pub const MKDIR: Syscall = Syscall::named("mkdir");
pub const MKDIRAT: Syscall = Syscall::named("mkdirat");
pub const CHOWN: Syscall = Syscall::named("chown");
pub const LCHOWN32: Syscall = Syscall::named("lchown32");
pub const FCHOWNAT: Syscall = Syscall::named("fchownat");
pub const MKNOD: Syscall = Syscall::named("mknod");
pub const MKNODAT: Syscall = Syscall::named("mknodat");
pub const TRUNCATE64: Syscall = Syscall::named("truncate64");
pub const UMOUNT: Syscall = Syscall::named("umount");
pub const UMOUNT2: Syscall = Syscall::named("umount2");
pub const SWAPON: Syscall = Syscall::named("swapon");
pub const SWAPOFF: Syscall = Syscall::named("swapoff");
pub const INOTIFY_ADD_WATCH: Syscall = Syscall::named("inotify_add_watch");
pub const OPEN_TREE: Syscall = Syscall::named("open_tree");
pub const FSPICK: Syscall = Syscall::named("fspick");
pub const MOVE_MOUNT: Syscall = Syscall::named("move_mount");
pub const FANOTIFY_INIT: Syscall = Syscall::named("fanotify_init");
pub const FANOTIFY_MARK: Syscall = Syscall::named("fanotify_mark");

pub const CWD: u64 = -100i64 as u64;
/// Some non-NULL pointer.
pub const P: u64 = 0x5555_0000_1000;
/// No memory captured.
pub const U: [Memory<'static>; 2] = [Memory::Null, Memory::Null];

pub fn s(data: &[u8]) -> Memory<'_> {
    Memory::Bytes {
        data,
        complete: true,
    }
}

/// A call with `args`; `memory` is what was captured for its pointer
/// arguments (paths and structs), in argument order.
pub fn call<'a>(syscall: Syscall, args: &[u64], memory: [Memory<'a>; 2], ret: i64) -> Call<'a> {
    let mut a = [0u64; 6];
    for (d, v) in a.iter_mut().zip(args) {
        *d = *v;
    }
    let mut captured = [Memory::Null; 8];
    let pointers = syscall.params().iter().filter(|p| {
        matches!(
            p.render,
            Render::Path | Render::LinkTarget | Render::OpenHow { .. }
        )
    });
    for (param, memory) in pointers.zip(memory) {
        captured[param.arg] = memory;
    }
    Call {
        syscall,
        args: a,
        compat: false,
        captured,
        before: [Memory::Null; 6],
        pointee: [Memory::Null; 6],
        ret,
        unfinished: false,
        detail: Default::default(),
    }
}

/// Only the argument list, as strace prints it between the parentheses.
pub fn write_args(out: &mut String, call: &Call, style: Style) {
    for (i, param) in call.params().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_arg(out, call, param, style);
    }
}

pub fn render(c: &Call, style: Style) -> String {
    let mut o = String::new();
    write_call(&mut o, c, style);
    o
}

/// Checks abbrev, raw and verbose renderings of one call.
pub fn check(c: &Call, abbrev: &str, raw: &str, verbose: &str) {
    assert_eq!(render(c, Style::Abbrev), abbrev);
    assert_eq!(render(c, Style::Raw), raw);
    assert_eq!(render(c, Style::Verbose), verbose);
}

pub fn how(flags: u64, mode: u64, resolve: u64) -> Vec<u8> {
    let mut v = Vec::new();
    for x in [flags, mode, resolve] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v
}

/// A bit set against `table`, abbreviated; and checks the table has no
/// duplicate name or value.
pub fn f(v: u64, table: &Xlat) -> String {
    for (i, a) in table.entries.iter().enumerate() {
        for b in &table.entries[i + 1..] {
            assert_ne!(a.0, b.0);
            assert_ne!(a.1, b.1, "{} and {} share a value", a.0, b.0);
        }
    }
    let mut o = String::new();
    write_flags(&mut o, v, table, Style::Abbrev);
    o
}

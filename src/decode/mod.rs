//! Rendering traced calls exactly as strace (latest tables, default options)
//! prints them, so that ftrace-cli output can be diffed against strace.
//!
//! * [`table`]: the calls, one row each: numbers, parameters, classes;
//! * [`call`]: whole calls (`openat(AT_FDCWD, "/etc/hostname",
//!   O_RDONLY|O_CLOEXEC) = 3`), argument by argument;
//! * one file per family of calls, as strace's sources: its flag tables
//!   and what they do not cover: [`open`], [`link`], [`access`],
//!   [`chmod`], [`chown`], [`mknod`], [`umount`], [`swapon`], [`inotify`],
//!   [`fsmount`], [`fanotify`], [`stat`], [`statfs`], [`mount`], [`xattr`], [`file_attr`],
//!   [`file_handle`], [`utime`], [`exec`], [`quota`];
//! * [`xlat`]: strace-style symbolic tables and the generic flag/value
//!   printers for the three `-X` styles;
//! * [`escape`]: strace's string quoting;
//! * [`errno`]: errno names, messages and result printing.
//!
//! Nothing here panics on any input, and every writer appends to the
//! caller's `String` without clearing it.

pub mod access;
pub mod call;
pub mod chmod;
pub mod chown;
pub mod errno;
pub mod escape;
pub mod exec;
pub mod fanotify;
pub mod file_attr;
pub mod file_handle;
pub mod fsmount;
pub mod inotify;
pub mod link;
pub mod mknod;
pub mod mount;
pub mod open;
pub mod quota;
pub mod stat;
pub mod statfs;
pub mod swapon;
pub mod table;
#[cfg(test)]
pub(crate) mod testing;
pub mod umount;
pub mod utime;
pub mod xattr;
pub mod xlat;

pub use call::{
    write_call, write_call_entry, write_call_resumed, write_call_with_spans, ArgKind, ArgSpans,
    Call, Detail, Memory, Raw,
};
pub use errno::RetKind;
pub use errno::{errno_message, errno_name};
pub use escape::write_escaped;
pub use table::{class, Param, Render, Syscall};
pub use xlat::Style;

#[cfg(test)]
mod tests {
    use super::testing::{call, s, OPENAT};
    use super::*;

    #[test]
    fn reexports_render_a_call() {
        let mut out = String::from("prefix ");
        let call = call(
            OPENAT,
            &[-100i64 as u64, 0x7fff_0000, 0x80000],
            [s(b"/etc/hostname"), Memory::Null],
            3,
        );
        write_call(&mut out, &call, Style::default());
        assert_eq!(
            out,
            r#"prefix openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3"#
        );
        assert_eq!(errno_name(2), Some("ENOENT"));
        assert_eq!(Style::default(), Style::Abbrev);
    }
}

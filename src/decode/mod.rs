//! Rendering traced calls exactly as strace (7.2 tables, default options)
//! prints them, so that ftrace-cli output can be diffed against strace.
//!
//! * [`xlat`]: strace-style symbolic tables and the generic flag/value
//!   printers for the three `-X` styles;
//! * [`tables`]: the x86_64 tables the supported calls need;
//! * [`escape`]: strace's string quoting;
//! * [`errno`]: errno names, messages and result printing;
//! * [`calls`]: whole calls (`openat(AT_FDCWD, "/etc/hostname",
//!   O_RDONLY|O_CLOEXEC) = 3`).
//!
//! Nothing here panics on any input, and every writer appends to the
//! caller's `String` without clearing it.

pub mod calls;
pub mod errno;
pub mod escape;
pub mod tables;
pub mod xlat;

pub use calls::{
    write_arg, write_call, write_call_decorated, ArgKind, Call, FdPaths, Memory, Param, Raw,
    Syscall,
};
pub use errno::{errno_message, errno_name};
pub use escape::{write_escaped, write_escaped_also};
pub use xlat::Style;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reexports_render_a_call() {
        let mut out = String::from("prefix ");
        let call = Call {
            syscall: Syscall::Openat,
            args: [-100i64 as u64, 0x7fff_0000, 0x80000, 0, 0, 0],
            compat: false,
            memory: [
                Memory::Bytes {
                    data: b"/etc/hostname",
                    complete: true,
                },
                Memory::Null,
            ],
            ret: 3,
        };
        write_call(&mut out, &call, Style::default());
        assert_eq!(
            out,
            r#"prefix openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3"#
        );
        assert_eq!(errno_name(2), Some("ENOENT"));
        assert_eq!(Style::default(), Style::Abbrev);
    }
}

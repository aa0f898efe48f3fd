//! Which syscall numbers the kernel side traces, and what it copies for each.
//!
//! This is the one place that knows the numbers on both x86 ABIs and which
//! arguments are pointers; the BPF program only follows the plans written here.

use crate::bpf::types::{call_plan, limits};
use crate::decode::Syscall;

const NO_ARG: u8 = limits::NO_ARG.0 as u8;

/// A pointer argument to copy at syscall exit.
#[derive(Clone, Copy)]
enum Capture {
    None,
    /// A NUL-terminated string in argument `n`.
    Str(u8),
    /// A struct of `size` bytes pointed to by argument `n`.
    Struct(u8, u8),
}

struct Spec {
    syscall: Syscall,
    native_nr: usize,
    compat_nr: usize,
    captures: [Capture; 2],
    /// ia32 passes this 64-bit argument as two 32-bit registers.
    compat_split: Option<u8>,
    /// Success returns a new descriptor.
    returns_fd: bool,
}

/// `struct open_how` as of Linux 5.6 (OPEN_HOW_SIZE_VER0).
const OPEN_HOW_SIZE: u8 = 24;

const SPECS: [Spec; 8] = [
    Spec {
        syscall: Syscall::Open,
        native_nr: 2,
        compat_nr: 5,
        captures: [Capture::Str(0), Capture::None],
        returns_fd: true,
        compat_split: None,
    },
    Spec {
        syscall: Syscall::Creat,
        native_nr: 85,
        compat_nr: 8,
        captures: [Capture::Str(0), Capture::None],
        returns_fd: true,
        compat_split: None,
    },
    Spec {
        syscall: Syscall::Openat,
        native_nr: 257,
        compat_nr: 295,
        captures: [Capture::Str(1), Capture::None],
        returns_fd: true,
        compat_split: None,
    },
    Spec {
        syscall: Syscall::Openat2,
        native_nr: 437,
        compat_nr: 437,
        captures: [Capture::Str(1), Capture::Struct(2, OPEN_HOW_SIZE)],
        returns_fd: true,
        compat_split: None,
    },
    Spec {
        syscall: Syscall::Symlink,
        native_nr: 88,
        compat_nr: 83,
        captures: [Capture::Str(0), Capture::Str(1)],
        returns_fd: false,
        compat_split: None,
    },
    Spec {
        syscall: Syscall::Symlinkat,
        native_nr: 266,
        compat_nr: 304,
        captures: [Capture::Str(0), Capture::Str(2)],
        returns_fd: false,
        compat_split: None,
    },
    Spec {
        syscall: Syscall::FanotifyInit,
        native_nr: 300,
        compat_nr: 338,
        captures: [Capture::None, Capture::None],
        returns_fd: true,
        compat_split: None,
    },
    Spec {
        syscall: Syscall::FanotifyMark,
        native_nr: 301,
        compat_nr: 339,
        captures: [Capture::Str(4), Capture::None],
        returns_fd: false,
        compat_split: Some(2),
    },
];

/// The id a record carries for `syscall`; 0 means "not traced".
pub fn call_id(syscall: Syscall) -> u8 {
    let index = Syscall::ALL.iter().position(|s| *s == syscall).unwrap_or(0);
    index as u8 + 1
}

/// The syscall a record's id names.
pub fn from_call_id(id: u8) -> Option<Syscall> {
    Syscall::ALL.get(usize::from(id).checked_sub(1)?).copied()
}

/// Plans for the native (x86_64) and ia32 syscall tables, tracing `selected`.
pub fn plans(
    selected: &[Syscall],
    native: &mut [call_plan; limits::NR_SLOTS.0 as usize],
    compat: &mut [call_plan; limits::NR_SLOTS.0 as usize],
) {
    for spec in SPECS.iter().filter(|s| selected.contains(&s.syscall)) {
        let mut plan = call_plan {
            call: call_id(spec.syscall),
            capture_arg: [NO_ARG; 2],
            capture_size: [0; 2],
            split_arg: NO_ARG,
            returns_fd: u8::from(spec.returns_fd),
        };
        for (i, capture) in spec.captures.iter().enumerate() {
            match *capture {
                Capture::None => {}
                Capture::Str(arg) => plan.capture_arg[i] = arg,
                Capture::Struct(arg, size) => {
                    plan.capture_arg[i] = arg;
                    plan.capture_size[i] = size;
                }
            }
        }
        native[spec.native_nr] = plan;
        plan.split_arg = spec.compat_split.unwrap_or(NO_ARG);
        compat[spec.compat_nr] = plan;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_ids_round_trip() {
        for syscall in Syscall::ALL {
            assert_eq!(from_call_id(call_id(syscall)), Some(syscall));
        }
        assert_eq!(from_call_id(0), None);
        assert_eq!(from_call_id(200), None);
    }

    #[test]
    fn every_syscall_has_one_spec() {
        for syscall in Syscall::ALL {
            assert_eq!(SPECS.iter().filter(|s| s.syscall == syscall).count(), 1);
        }
    }

    #[test]
    fn plans_cover_only_the_selection() {
        let mut native = [call_plan::default(); limits::NR_SLOTS.0 as usize];
        let mut compat = native;
        plans(
            &[Syscall::Openat, Syscall::FanotifyMark],
            &mut native,
            &mut compat,
        );
        assert_eq!(native[257].call, call_id(Syscall::Openat));
        assert_eq!(compat[295].call, call_id(Syscall::Openat));
        assert_eq!(native[257].capture_arg, [1, NO_ARG]);
        assert_eq!(native[301].split_arg, NO_ARG);
        assert_eq!(compat[339].split_arg, 2);
        assert_eq!(native[2].call, 0, "open was not selected");
        assert_eq!(native.iter().filter(|p| p.call != 0).count(), 2);
    }
}

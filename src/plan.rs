//! The kernel's plan: for each syscall number of both x86 ABIs, whether it
//! is traced and what is copied at its exit. Derived from the rows of
//! `decode::table`, so the BPF program holds no per-call code.

use crate::bpf::types::{call_plan, capture_kind, capture_plan, limits};
use crate::decode::{Param, Render, RetKind, Syscall};

const NO_ARG: u8 = limits::NO_ARG.0 as u8;
const SLOTS: usize = limits::NR_SLOTS.0 as usize;
const BYTES_MAX: u16 = limits::BYTES_MAX.0 as u16;

/// `struct open_how` as of Linux 5.6 (OPEN_HOW_SIZE_VER0).
const OPEN_HOW_SIZE: u16 = crate::decode::open::OPEN_HOW_SIZE as u16;

/// The id a record carries for `syscall`; 0 means "not traced".
pub fn call_id(syscall: Syscall) -> u16 {
    syscall.index() as u16 + 1
}

/// The syscall a record's id names.
pub fn from_call_id(id: u16) -> Option<Syscall> {
    Syscall::from_index(usize::from(id).checked_sub(1)?)
}

/// What the kernel copies at exit for one parameter, if anything.
fn capture(param: &Param) -> Option<capture_plan> {
    let (kind, len_arg, size, head) = match param.render {
        Render::Path => (capture_kind::CAPTURE_STRING, NO_ARG, 0, 0),
        // The struct and what lies past it, up to a page as strace reads
        // it; the struct alone when that tail cannot be read.
        Render::OpenHow { size } => (capture_kind::CAPTURE_BYTES, size, BYTES_MAX, OPEN_HOW_SIZE),
        _ => return None,
    };
    Some(capture_plan {
        kind: kind.0 as u8,
        arg: param.arg as u8,
        len_arg,
        size,
        head,
        ..Default::default()
    })
}

/// With -y: the path of the file behind a descriptor parameter.
fn fd_path(param: &Param) -> Option<capture_plan> {
    let kind = match param.render {
        Render::Fd => capture_kind::CAPTURE_FD_PATH,
        Render::Dirfd | Render::FanDirfd => capture_kind::CAPTURE_DIRFD_PATH,
        _ => return None,
    };
    Some(capture_plan {
        kind: kind.0 as u8,
        arg: param.arg as u8,
        len_arg: NO_ARG,
        ..Default::default()
    })
}

/// With -y: the path of the file behind a returned descriptor.
fn returned_fd_path(syscall: Syscall) -> Option<capture_plan> {
    (syscall.ret_kind() == RetKind::Fd).then(|| capture_plan {
        kind: capture_kind::CAPTURE_FD_PATH.0 as u8,
        arg: limits::ARG_RESULT.0 as u8,
        len_arg: NO_ARG,
        ..Default::default()
    })
}

/// What the kernel copies at exit for a call: its parameters' captures,
/// and with `fd_paths` the files behind its descriptors.
fn captures(syscall: Syscall, fd_paths: bool) -> impl Iterator<Item = capture_plan> {
    let params = syscall.params();
    let paths = params
        .iter()
        .filter_map(fd_path)
        .chain(returned_fd_path(syscall));
    params
        .iter()
        .filter_map(capture)
        .chain(paths.filter(move |_| fd_paths))
}

/// The plan for one call, on one ABI.
fn plan(syscall: Syscall, compat: bool, fd_paths: bool) -> call_plan {
    let params = syscall.params();
    let mut plan = call_plan {
        call: call_id(syscall),
        split_arg: NO_ARG,
        ..Default::default()
    };
    for (slot, capture) in plan.captures.iter_mut().zip(captures(syscall, fd_paths)) {
        *slot = capture;
    }
    if compat {
        // ia32 passes a 64-bit argument in two registers, low half first.
        if let Some(wide) = params
            .iter()
            .find(|p| matches!(p.render, Render::Flags64(_)))
        {
            plan.split_arg = wide.arg as u8;
        }
    }
    plan
}

/// Plans for the native (x86_64) and ia32 syscall tables, tracing
/// `selected`; `fd_paths` (-y) names the files behind descriptors.
pub fn plans(
    selected: &[Syscall],
    fd_paths: bool,
    native: &mut [call_plan; SLOTS],
    compat: &mut [call_plan; SLOTS],
) {
    for &syscall in selected {
        let [native_nr, compat_nr] = syscall.def().numbers;
        if let Some(nr) = native_nr {
            native[usize::from(nr)] = plan(syscall, false, fd_paths);
        }
        if let Some(nr) = compat_nr {
            compat[usize::from(nr)] = plan(syscall, true, fd_paths);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRING: u8 = capture_kind::CAPTURE_STRING.0 as u8;

    #[test]
    fn call_ids_round_trip() {
        for syscall in Syscall::all() {
            assert_eq!(from_call_id(call_id(syscall)), Some(syscall));
        }
        assert_eq!(from_call_id(0), None);
        assert_eq!(from_call_id(u16::MAX), None);
    }

    #[test]
    fn every_capture_fits_the_plan() {
        for syscall in Syscall::all() {
            let captures = captures(syscall, true).count();
            assert!(
                captures <= limits::MAX_CAPTURES.0 as usize,
                "{}",
                syscall.name()
            );
        }
    }

    #[test]
    fn plans_cover_only_the_selection() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let openat = Syscall::named("openat");
        let mark = Syscall::named("fanotify_mark");
        plans(&[openat, mark], false, &mut native, &mut compat);
        assert_eq!(native[257].call, call_id(openat));
        assert_eq!(compat[295].call, call_id(openat));
        assert_eq!(native[257].captures[0].kind, STRING);
        assert_eq!(native[257].captures[0].arg, 1);
        assert_eq!(native[257].captures[1].kind, 0);
        assert_eq!(native[301].split_arg, NO_ARG);
        assert_eq!(compat[339].split_arg, 2);
        assert_eq!(
            compat[339].captures[0].arg, 4,
            "the path after the merged mask"
        );
        assert_eq!(native[2].call, 0, "open was not selected");
        assert_eq!(native.iter().filter(|p| p.call != 0).count(), 2);
        assert_eq!(compat.iter().filter(|p| p.call != 0).count(), 2);
    }

    #[test]
    fn open_how_is_read_with_its_tail() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        plans(
            &[Syscall::named("openat2")],
            false,
            &mut native,
            &mut compat,
        );
        let how = native[437].captures[1];
        assert_eq!(how.kind, capture_kind::CAPTURE_BYTES.0 as u8);
        assert_eq!((how.arg, how.len_arg), (2, 3), "up to `size` bytes");
        assert_eq!((how.size, how.head), (4096, 24));
    }

    #[test]
    fn symlink_captures_both_paths() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        plans(
            &[Syscall::named("symlinkat")],
            false,
            &mut native,
            &mut compat,
        );
        let args: Vec<_> = native[266].captures[..2].iter().map(|c| c.arg).collect();
        assert_eq!(args, [0, 2]);
    }

    #[test]
    fn fd_paths_capture_every_descriptor_and_the_result() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let calls = [Syscall::named("openat"), Syscall::named("fanotify_mark")];
        plans(&calls, true, &mut native, &mut compat);
        let kinds = |plan: &call_plan| -> Vec<(u8, u8)> {
            plan.captures
                .iter()
                .take_while(|c| c.kind != 0)
                .map(|c| (c.kind, c.arg))
                .collect()
        };
        let fd = capture_kind::CAPTURE_FD_PATH.0 as u8;
        let dirfd = capture_kind::CAPTURE_DIRFD_PATH.0 as u8;
        let result = limits::ARG_RESULT.0 as u8;
        assert_eq!(kinds(&native[257]), [(STRING, 1), (dirfd, 0), (fd, result)]);
        assert_eq!(kinds(&native[301]), [(STRING, 4), (fd, 0), (dirfd, 3)]);
        assert_eq!(kinds(&compat[339]), [(STRING, 4), (fd, 0), (dirfd, 3)]);
    }
}

//! The kernel's plan: for each syscall number of both x86 ABIs, whether it
//! is traced and what is copied at its exit. Derived from the rows of
//! `decode::table`, so the BPF program holds no per-call code.

use crate::bpf::types::{
    call_plan, capture_kind, capture_match, capture_plan, capture_when, limits,
};
use crate::decode::stat::STATX_SIZE;
use crate::decode::table::When;
use crate::decode::{Detail, Param, Render, RetKind, Syscall};

const NO_ARG: u8 = limits::NO_ARG.0 as u8;
const ARG_RESULT: u8 = limits::ARG_RESULT.0 as u8;
const IF_OK: u8 = capture_when::CAPTURE_IF_OK.0 as u8;
const AT_ENTRY: u8 = capture_when::CAPTURE_AT_ENTRY.0 as u8;
const BEFORE: u8 = capture_when::CAPTURE_BEFORE.0 as u8;
const LEN_FIELD: u8 = limits::LEN_FIELD.0 as u8;
const BYTES_MAX: usize = limits::BYTES_MAX.0 as usize;
const CAPTURE_MAX: usize = limits::CAPTURE_MAX.0 as usize;
const SLOTS: usize = limits::NR_SLOTS.0 as usize;

/// `struct file_attr` as of Linux 6.17 (FILE_ATTR_SIZE_VER0).
const FILE_ATTR_SIZE: u16 = crate::decode::file_attr::FILE_ATTR_SIZE as u16;
/// `struct mount_attr` as of Linux 5.12 (MOUNT_ATTR_SIZE_VER0).
const MOUNT_ATTR_SIZE: u16 = crate::decode::fsmount::MOUNT_ATTR_SIZE as u16;
/// `struct open_how` as of Linux 5.6 (OPEN_HOW_SIZE_VER0).
const OPEN_HOW_SIZE: u16 = crate::decode::open::OPEN_HOW_SIZE as u16;
/// `struct xattr_args` as of Linux 6.13 (XATTR_ARGS_SIZE_VER0).
const XATTR_ARGS_SIZE: u16 = crate::decode::xattr::XATTR_ARGS_SIZE as u16;
/// `struct file_handle`'s header, and the most of `f_handle` printed.
const FILE_HANDLE_HEADER: u16 = crate::decode::file_handle::FILE_HANDLE_HEADER as u16;
const MAX_HANDLE_SZ: u16 = crate::decode::file_handle::MAX_HANDLE_SZ as u16;

/// The id a record carries for `syscall`; 0 means "not traced".
pub fn call_id(syscall: Syscall) -> u16 {
    syscall.index() as u16 + 1
}

/// The syscall a record's id names.
pub fn from_call_id(id: u16) -> Option<Syscall> {
    Syscall::from_index(usize::from(id).checked_sub(1)?)
}

/// What the kernel copies for one parameter, if anything.
fn capture(param: &Param, compat: bool, detail: Detail) -> Option<capture_plan> {
    const CAPTURE_STRING: capture_kind = capture_kind::CAPTURE_STRING;
    const CAPTURE_BYTES: capture_kind = capture_kind::CAPTURE_BYTES;
    const CAPTURE_STRING_ARRAY: capture_kind = capture_kind::CAPTURE_STRING_ARRAY;
    // A string printed with -s: whole when it has at most -s bytes, so
    // with its NUL the kernel reads -s + 2 bytes, the last telling a
    // longer one.
    let strsize = detail.strsize.saturating_add(2).min(CAPTURE_MAX) as u16;
    // Bytes printed with -s: no more than that is needed.
    let strbytes = detail.strsize.min(BYTES_MAX) as u16;
    // The strings of an array: all under -v, else strace's -s of them.
    let items = if detail.verbose {
        u16::MAX
    } else {
        detail.strsize.min(usize::from(u16::MAX)) as u16
    };
    let (kind, len_arg, size, head, when, items) = match param.render {
        Render::Path | Render::LinkTarget => (CAPTURE_STRING, NO_ARG, 0, 0, 0, 0),
        // The struct and what lies past it, up to a page as strace reads
        // it; the struct alone when that tail cannot be read.
        Render::OpenHow { size } => (CAPTURE_BYTES, size, BYTES_MAX as u16, OPEN_HOW_SIZE, 0, 0),
        Render::MountAttr { size } => {
            (CAPTURE_BYTES, size, BYTES_MAX as u16, MOUNT_ATTR_SIZE, 0, 0)
        }
        Render::FileAttr { size, get } => {
            let when = if get { IF_OK } else { 0 };
            (
                CAPTURE_BYTES,
                size,
                BYTES_MAX as u16,
                FILE_ATTR_SIZE,
                when,
                0,
            )
        }
        Render::Stat(layout) => (CAPTURE_BYTES, NO_ARG, layout.size(compat), 0, IF_OK, 0),
        Render::Statx => (CAPTURE_BYTES, NO_ARG, STATX_SIZE, 0, IF_OK, 0),
        Render::OutString => (CAPTURE_BYTES, ARG_RESULT, strbytes, 0, IF_OK, 0),
        Render::OutPath => (CAPTURE_BYTES, ARG_RESULT, BYTES_MAX as u16, 0, IF_OK, 0),
        Render::Str | Render::MountString { .. } => (CAPTURE_STRING, NO_ARG, strsize, 0, 0, 0),
        // As strace reads it: -s + 1 bytes but at most `max`, and the NUL.
        Render::ShortStr { max } => (CAPTURE_STRING, NO_ARG, strsize.min(max + 1), 0, 0, 0),
        // -s bytes, and one more that tells a longer value.
        Render::FsconfigBinary { len } => (CAPTURE_BYTES, len, strbytes + 1, 0, 0, 0),
        Render::Quota { data, filled } => {
            let when = if filled { IF_OK } else { 0 };
            (CAPTURE_BYTES, NO_ARG, data.size(compat), 0, when, 0)
        }
        Render::Statfs(layout) => (CAPTURE_BYTES, NO_ARG, layout.size(compat), 0, IF_OK, 0),
        Render::Times(times) => (CAPTURE_BYTES, NO_ARG, times.size(compat), 0, 0, 0),
        Render::XattrValue { size } => (CAPTURE_BYTES, size, strbytes, 0, 0, 0),
        Render::XattrOut { .. } | Render::XattrList { .. } => {
            (CAPTURE_BYTES, ARG_RESULT, strbytes, 0, IF_OK, 0)
        }
        Render::Argv => (CAPTURE_STRING_ARRAY, NO_ARG, strsize, 0, AT_ENTRY, items),
        // Counted only, unless -v prints them.
        Render::Envp => {
            let items = if detail.verbose { items } else { 0 };
            (CAPTURE_STRING_ARRAY, NO_ARG, strsize, 0, AT_ENTRY, items)
        }
        // As the call left it (see `second_capture` for before): the
        // header, then as much of the handle as the header now counts.
        Render::FileHandle => {
            let size = FILE_HANDLE_HEADER + MAX_HANDLE_SZ;
            let capture = capture_plan {
                len_at: 0,
                ..bytes(param, LEN_FIELD, size, FILE_HANDLE_HEADER, 0)
            };
            return Some(capture);
        }
        Render::OutInt => (CAPTURE_BYTES, NO_ARG, 4, 0, IF_OK, 0),
        Render::XattrArgs { size, .. } => {
            (CAPTURE_BYTES, size, BYTES_MAX as u16, XATTR_ARGS_SIZE, 0, 0)
        }
        _ => return None,
    };
    Some(capture_plan {
        kind: kind.0 as u8,
        arg: param.arg as u8,
        len_arg,
        size,
        head,
        when,
        items,
        len_int: matches!(param.render, Render::FsconfigBinary { .. }).into(),
        ..Default::default()
    })
}

/// A CAPTURE_BYTES of `param`'s memory.
fn bytes(param: &Param, len_arg: u8, size: u16, head: u16, when: u8) -> capture_plan {
    capture_plan {
        kind: capture_kind::CAPTURE_BYTES.0 as u8,
        arg: param.arg as u8,
        len_arg,
        size,
        head,
        when,
        ..Default::default()
    }
}

/// What the kernel copies for one parameter besides `capture`'s: the
/// struct as it was before the call rewrote it, or what a pointer inside
/// it points to.
fn second_capture(param: &Param, detail: Detail) -> Option<capture_plan> {
    let strbytes = detail.strsize.min(BYTES_MAX) as u16;
    match param.render {
        // The size the caller asked for, which the call overwrites.
        Render::FileHandle => Some(bytes(param, NO_ARG, FILE_HANDLE_HEADER, 0, BEFORE)),
        // The value: of the struct's `size` bytes for setxattrat, of the
        // result's for getxattrat, at most -s of them.
        Render::XattrArgs { get, .. } => {
            let (len_arg, when) = if get {
                (ARG_RESULT, IF_OK)
            } else {
                (LEN_FIELD, 0)
            };
            Some(capture_plan {
                kind: capture_kind::CAPTURE_POINTEE.0 as u8,
                ptr_at: 0,
                len_at: 8,
                ..bytes(param, len_arg, strbytes, 0, when)
            })
        }
        _ => None,
    }
}

/// A capture taken only when its parameter prints: for the command values
/// its `when` names.
fn conditioned(mut capture: capture_plan, param: Option<&Param>) -> capture_plan {
    let (values, not) = match param.map(|p| p.when) {
        Some(When::Among(values)) => (values, false),
        // A capture of a parameter printed but for several sets of values
        // would need them all: the tables give those none (a test checks).
        Some(When::Except([values])) => (*values, true),
        Some(When::Except(_)) => return capture,
        Some(When::Always) | None => return capture,
    };
    capture.if_arg = values.arg;
    capture.if_shift = values.shift;
    capture.if_base = values.base;
    capture.if_values = values.bits;
    capture.if_not = not.into();
    capture
}

/// With -y: the path of the file behind a descriptor parameter.
fn fd_path(param: &Param) -> Option<capture_plan> {
    let kind = match param.render {
        Render::Fd | Render::ContextFd => capture_kind::CAPTURE_FD_PATH,
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

/// With -P, for a call with a path but no dirfd: the working directory,
/// which a relative path is resolved against.
fn cwd_path(syscall: Syscall) -> Option<capture_plan> {
    let params = syscall.params();
    let path = params.iter().any(|p| matches!(p.render, Render::Path));
    let dirfd = params
        .iter()
        .any(|p| matches!(p.render, Render::Dirfd | Render::FanDirfd));
    (path && !dirfd).then(|| capture_plan {
        kind: capture_kind::CAPTURE_DIRFD_PATH.0 as u8,
        arg: limits::ARG_CWD.0 as u8,
        len_arg: NO_ARG,
        ..Default::default()
    })
}

/// What the plans ask the kernel for beyond the arguments' own bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Naming {
    /// -y: the files behind descriptors.
    pub fd_paths: bool,
    /// -P: the files behind descriptors and the working directory, each
    /// path matched against the -P paths in the kernel.
    pub trace_paths: bool,
}

/// With -P, how a capture is matched against the -P paths.
fn with_match(mut capture: capture_plan, param: Option<&Param>) -> capture_plan {
    let kind = capture_kind(u32::from(capture.kind));
    let matched = match param.map(|p| p.render) {
        Some(Render::Path) => capture_match::MATCH_PATH,
        Some(Render::Fd | Render::Dirfd | Render::FanDirfd) => capture_match::MATCH_FD,
        None if capture.arg == limits::ARG_RESULT.0 as u8 => capture_match::MATCH_FD,
        _ => capture_match::MATCH_NONE,
    };
    if kind != capture_kind::CAPTURE_BYTES && kind != capture_kind::CAPTURE_POINTEE {
        capture.match_as = matched.0 as u8;
    }
    capture
}

/// What the kernel copies at exit for a call: its parameters' captures,
/// and with -y or -P the files behind its descriptors (and with -P the
/// working directory), matched against the -P paths with -P.
fn captures(
    syscall: Syscall,
    compat: bool,
    detail: Detail,
    naming: Naming,
) -> impl Iterator<Item = capture_plan> {
    let params = syscall.params();
    let named = naming.fd_paths || naming.trace_paths;
    let fd_paths = params
        .iter()
        .filter_map(|p| fd_path(p).map(|c| (c, Some(p))))
        .chain(returned_fd_path(syscall).map(|c| (c, None)))
        .filter(move |_| named);
    let cwd = cwd_path(syscall)
        .filter(|_| naming.trace_paths)
        .map(|c| (c, None));
    params
        .iter()
        .filter_map(move |p| capture(p, compat, detail).map(|c| (c, Some(p))))
        .chain(
            params
                .iter()
                .filter_map(move |p| second_capture(p, detail).map(|c| (c, Some(p)))),
        )
        .chain(fd_paths)
        .chain(cwd)
        .map(move |(c, param)| {
            let c = conditioned(c, param);
            match naming.trace_paths {
                true => with_match(c, param),
                false => c,
            }
        })
}

/// The plan for one call, on one ABI.
fn plan(syscall: Syscall, compat: bool, detail: Detail, naming: Naming) -> call_plan {
    let params = syscall.params();
    let mut plan = call_plan {
        call: call_id(syscall),
        split_arg: NO_ARG,
        ..Default::default()
    };
    for (slot, capture) in plan
        .captures
        .iter_mut()
        .zip(captures(syscall, compat, detail, naming))
    {
        *slot = capture;
    }
    // A call that replaces the memory (exec) has all it points to read at
    // entry, its path too; descriptors' files are named at exit.
    if plan.captures.iter().any(|c| c.when & AT_ENTRY != 0) {
        let user_memory = [
            capture_kind::CAPTURE_STRING,
            capture_kind::CAPTURE_BYTES,
            capture_kind::CAPTURE_STRING_ARRAY,
            capture_kind::CAPTURE_POINTEE,
        ];
        for capture in plan.captures.iter_mut() {
            if user_memory.iter().any(|k| k.0 as u8 == capture.kind) {
                capture.when |= AT_ENTRY;
            }
        }
    }
    plan.at_entry = plan
        .captures
        .iter()
        .fold(0, |bits, c| bits | (c.when & (AT_ENTRY | BEFORE)));
    if compat {
        // ia32 passes a 64-bit argument in two registers, low half first.
        if let Some(wide) = params.iter().find(|p| p.render.is_split_on_ia32()) {
            plan.split_arg = wide.arg as u8;
        }
    }
    plan
}

/// Plans for the native (x86_64) and ia32 syscall tables, tracing
/// `selected`, with what `naming` asks for.
pub fn plans(
    selected: &[Syscall],
    detail: Detail,
    naming: Naming,
    native: &mut [call_plan; SLOTS],
    compat: &mut [call_plan; SLOTS],
) {
    for &syscall in selected {
        let [native_nr, compat_nr] = syscall.def().numbers;
        if let Some(nr) = native_nr {
            native[usize::from(nr)] = plan(syscall, false, detail, naming);
        }
        if let Some(nr) = compat_nr {
            compat[usize::from(nr)] = plan(syscall, true, detail, naming);
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
            let naming = Naming {
                fd_paths: true,
                trace_paths: true,
            };
            let captures = captures(syscall, false, Detail::default(), naming).count();
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
        plans(
            &[openat, mark],
            Detail::default(),
            Naming::default(),
            &mut native,
            &mut compat,
        );
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
            Detail::default(),
            Naming::default(),
            &mut native,
            &mut compat,
        );
        let how = native[437].captures[1];
        assert_eq!(how.kind, capture_kind::CAPTURE_BYTES.0 as u8);
        assert_eq!((how.arg, how.len_arg), (2, 3), "up to `size` bytes");
        assert_eq!((how.size, how.head), (4096, 24));
    }

    #[test]
    fn ia32_only_calls_and_split_lengths() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let truncate64 = Syscall::named("truncate64");
        plans(
            &[
                truncate64,
                Syscall::named("chown32"),
                Syscall::named("truncate"),
            ],
            Detail::default(),
            Naming::default(),
            &mut native,
            &mut compat,
        );
        assert_eq!(native.iter().filter(|p| p.call != 0).count(), 1);
        assert_eq!(native[76].split_arg, NO_ARG, "truncate's length is a word");
        assert_eq!(compat[193].call, call_id(truncate64));
        assert_eq!(compat[193].split_arg, 1, "the length in two registers");
        assert_eq!(compat[212].split_arg, NO_ARG);
        assert_eq!(compat[92].split_arg, NO_ARG);
    }

    #[test]
    fn symlink_captures_both_paths() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        plans(
            &[Syscall::named("symlinkat")],
            Detail::default(),
            Naming::default(),
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
        let naming = Naming {
            fd_paths: true,
            ..Naming::default()
        };
        plans(&calls, Detail::default(), naming, &mut native, &mut compat);
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

    #[test]
    fn trace_paths_match_paths_descriptors_and_the_cwd() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let calls = [Syscall::named("open"), Syscall::named("symlinkat")];
        let naming = Naming {
            trace_paths: true,
            ..Naming::default()
        };
        plans(&calls, Detail::default(), naming, &mut native, &mut compat);
        let of = |plan: &call_plan| -> Vec<(u8, u8, u8)> {
            plan.captures
                .iter()
                .take_while(|c| c.kind != 0)
                .map(|c| (c.kind, c.arg, c.match_as))
                .collect()
        };
        let fd = capture_kind::CAPTURE_FD_PATH.0 as u8;
        let dirfd = capture_kind::CAPTURE_DIRFD_PATH.0 as u8;
        let (path, by_fd, none) = (1, 2, 0);
        assert_eq!(
            of(&native[2]),
            [(STRING, 0, path), (fd, 6, by_fd), (dirfd, 7, none)],
            "open: its path, the result, and the cwd a relative path is in"
        );
        assert_eq!(
            of(&native[266]),
            [(STRING, 0, none), (STRING, 2, path), (dirfd, 1, by_fd)],
            "symlinkat: the target is no file the call touches"
        );
    }

    #[test]
    fn a_command_selects_which_capture_runs() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let naming = Naming {
            fd_paths: true,
            trace_paths: true,
        };
        let detail = Detail {
            strsize: 300,
            verbose: false,
        };
        plans(
            &[Syscall::named("fsconfig")],
            detail,
            naming,
            &mut native,
            &mut compat,
        );
        let plan = native[431];
        assert_eq!(compat[431].call, plan.call, "the same number on ia32");
        let bytes = capture_kind::CAPTURE_BYTES.0 as u8;
        let fd = capture_kind::CAPTURE_FD_PATH.0 as u8;
        let dirfd = capture_kind::CAPTURE_DIRFD_PATH.0 as u8;
        // (kind, arg, size, match_as, if_arg, if_base, if_values, if_not).
        let of: Vec<_> = plan
            .captures
            .iter()
            .take_while(|c| c.kind != 0)
            .map(|c| {
                (
                    c.kind,
                    c.arg,
                    c.size,
                    c.match_as,
                    c.if_arg,
                    c.if_base,
                    c.if_values,
                    c.if_not,
                )
            })
            .collect();
        let (path, by_fd, none) = (1, 2, 0);
        assert_eq!(
            of,
            [
                // The key of the SET commands, of 256 bytes at most.
                (STRING, 2, 257, none, 1, 0, 0b11_1111, 0),
                // The value: a string, bytes, or a path.
                (STRING, 3, 257, none, 1, 1, 1, 0),
                (bytes, 3, 301, none, 1, 2, 1, 0),
                (STRING, 3, 0, path, 1, 3, 0b11, 0),
                // The context, named but never matched; aux as a directory
                // or a descriptor.
                (fd, 0, 0, none, 0, 0, 0, 0),
                (dirfd, 4, 0, by_fd, 1, 3, 0b11, 0),
                (fd, 4, 0, by_fd, 1, 5, 1, 0),
            ]
        );
        // The binary value's length is aux, an int.
        assert_eq!((plan.captures[2].len_arg, plan.captures[2].len_int), (4, 1));
    }

    #[test]
    fn a_capture_printed_but_for_some_commands_names_one_set() {
        for syscall in Syscall::all() {
            for param in syscall.params() {
                if let When::Except(sets) = param.when {
                    let captured = capture(param, false, Detail::default()).is_some()
                        || fd_path(param).is_some();
                    assert!(
                        !captured || sets.len() == 1,
                        "{}: {} would be captured for every command",
                        syscall.name(),
                        param.name
                    );
                }
            }
        }
    }

    #[test]
    fn quotactl_reads_the_struct_its_subcommand_takes() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        plans(
            &[Syscall::named("quotactl")],
            Detail::default(),
            Naming::default(),
            &mut native,
            &mut compat,
        );
        // (arg, size, when, if_base, if_values) of the addr captures.
        let of = |plan: &call_plan| -> Vec<(u8, u16, u8, u32, u64)> {
            plan.captures
                .iter()
                .filter(|c| c.kind == capture_kind::CAPTURE_BYTES.0 as u8)
                .map(|c| (c.arg, c.size, c.when, c.if_base, c.if_values))
                .collect()
        };
        let (new, xfs) = (0x80_0000, 0x5800);
        let getquota = (3, 68, IF_OK, new + 7, 1);
        assert_eq!(of(&native[179])[0], getquota);
        assert_eq!(of(&compat[131])[0], getquota);
        // Q_XGETQSTAT's struct is smaller on ia32.
        let qstat = |size| (3, size, IF_OK, xfs + 5, 1);
        assert!(of(&native[179]).contains(&qstat(80)));
        assert!(of(&compat[131]).contains(&qstat(68)));
        // Q_XGETQUOTA and Q_XGETNEXTQUOTA: one capture.
        assert!(of(&native[179]).contains(&(3, 112, IF_OK, xfs + 3, 0b100_0001)));
        assert!(native[179]
            .captures
            .iter()
            .all(|c| c.if_shift == 8 || c.if_values == 0));
    }

    #[test]
    fn outputs_are_read_if_ok_and_exec_at_entry() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let calls = [Syscall::named("stat"), Syscall::named("execve")];
        let detail = Detail {
            strsize: 10,
            verbose: false,
        };
        plans(&calls, detail, Naming::default(), &mut native, &mut compat);
        // stat: the path, then the buffer of the ABI's struct, if it succeeded.
        assert_eq!(native[4].captures[1].when, IF_OK);
        assert_eq!(native[4].captures[1].size, 144);
        assert_eq!(compat[106].captures[1].size, 64);
        assert_eq!(native[4].at_entry, 0);
        // execve: everything at entry; argv's -s strings of -s + 1 bytes,
        // envp only counted.
        let exec = native[59];
        assert_eq!(exec.at_entry, AT_ENTRY);
        assert!(exec.captures[..3].iter().all(|c| c.when & AT_ENTRY != 0));
        assert_eq!((exec.captures[1].items, exec.captures[1].size), (10, 12));
        assert_eq!(exec.captures[2].items, 0);
        let verbose = Detail {
            verbose: true,
            ..detail
        };
        plans(&calls, verbose, Naming::default(), &mut native, &mut compat);
        assert_eq!(native[59].captures[2].items, u16::MAX);
    }

    #[test]
    fn file_handles_are_read_before_and_after() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let naming = Naming {
            fd_paths: true,
            trace_paths: true,
        };
        let calls = [Syscall::named("name_to_handle_at")];
        plans(&calls, Detail::default(), naming, &mut native, &mut compat);
        for plan in [native[303], compat[341]] {
            assert_eq!(plan.at_entry, BEFORE, "kept whatever the result");
            let handle: Vec<_> = plan.captures.iter().filter(|c| c.arg == 2).collect();
            assert_eq!(handle.len(), 2);
            // After: the header and the handle it counts, at exit.
            assert_eq!((handle[0].when, handle[0].len_arg), (0, LEN_FIELD));
            assert_eq!(
                (handle[0].len_at, handle[0].head, handle[0].size),
                (0, 8, 136)
            );
            // Before: the header, at entry.
            assert_eq!((handle[1].when, handle[1].size), (BEFORE, 8));
            let mount_id = plan.captures.iter().find(|c| c.arg == 3).unwrap();
            assert_eq!((mount_id.when, mount_id.size), (IF_OK, 4));
        }
    }

    #[test]
    fn xattr_values_are_read_through_the_struct() {
        let mut native = [call_plan::default(); SLOTS];
        let mut compat = native;
        let calls = [Syscall::named("setxattrat"), Syscall::named("getxattrat")];
        plans(
            &calls,
            Detail::default(),
            Naming::default(),
            &mut native,
            &mut compat,
        );
        let pointee = capture_kind::CAPTURE_POINTEE.0 as u8;
        for (nr, len_arg, when) in [(463, LEN_FIELD, 0), (464, ARG_RESULT, IF_OK)] {
            let plan = native[nr];
            assert_eq!(plan.at_entry, 0);
            let args: Vec<_> = plan.captures.iter().filter(|c| c.arg == 4).collect();
            assert_eq!(
                (args[0].len_arg, args[0].head),
                (5, 16),
                "the struct, of `size`"
            );
            assert_eq!(args[1].kind, pointee);
            assert_eq!((args[1].ptr_at, args[1].len_at), (0, 8));
            assert_eq!(
                (args[1].len_arg, args[1].when, args[1].size),
                (len_arg, when, 32)
            );
        }
        assert_eq!(compat[464].captures[3].kind, pointee);
    }
}

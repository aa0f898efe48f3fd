//! Whole-call rendering, strace-compatible:
//! `openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3`.
//!
//! The generic part: a call's arguments are walked in its table row's
//! order and each is printed by its render kind; the family files (open,
//! fanotify, ...) hold the kinds that need more than a flag table.

use std::fmt::Write;

use super::chown::write_id;
use super::errno::{write_retval, RetKind};
use super::escape::{write_escaped_also, write_quoted};
use super::exec::{write_argv, write_envp};
use super::fanotify::{write_fan_dirfd, write_fan_init_flags};
use super::file_attr::write_file_attr;
use super::file_handle::write_file_handle;
use super::fsmount::{write_fsconfig_binary, write_mount_attr};
use super::mknod::{mknod_takes_dev, write_dev, write_file_mode};
use super::mount::{write_mount_flags, write_mount_string};
use super::open::{open_takes_mode, write_open_flags, write_open_how};
use super::quota::{write_quota, write_quota_cmd};
use super::stat::{write_stat, write_statx, write_statx_flags};
use super::statfs::write_statfs;
use super::swapon::write_swap_flags;
use super::table::{Param, Render, Syscall};
use super::utime::write_times;
use super::xattr::{write_list, write_value_in, write_value_out, write_xattr_args};
use super::xlat::{
    write_flags, write_hex, write_octal_mode, write_value, write_value_fmt, NumFmt, Style, Xlat,
};

/// strace's `PATH_MAX`: a path prints at most `PATH_MAX - 1` bytes; a
/// longer one is cut there and marked with `...`.
pub const PATH_MAX: usize = 4096;

/// Special directory fd values of the `*at` calls (printed as signed decimal).
pub static DIRFD: Xlat = Xlat {
    entries: &[("AT_FDCWD", -100i64 as u64)],
    unknown: "",
};

/// What the tracer could read of one pointer argument, at syscall exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memory<'a> {
    /// The pointer was NULL, or nothing was captured.
    Null,
    /// Reading failed (fault): the pointer value is printed in hex.
    Unreadable,
    /// String bytes without the NUL, or raw struct bytes; `complete ==
    /// false` when no NUL was found within the read limit.
    Bytes { data: &'a [u8], complete: bool },
    /// A string read at exit that differs from what the pointer held at
    /// entry: another thread changed it during the call, so the kernel may
    /// have used another string. Printed with a marker.
    Changed { data: &'a [u8], complete: bool },
    /// A descriptor's path (-y) whose file is deleted; /proc's ` (deleted)`
    /// suffix is not in `data`.
    Deleted { data: &'a [u8], complete: bool },
}

impl<'a> Memory<'a> {
    /// The bytes read, if any.
    pub fn data(&self) -> Option<&'a [u8]> {
        match *self {
            Memory::Bytes { data, .. }
            | Memory::Changed { data, .. }
            | Memory::Deleted { data, .. } => Some(data),
            Memory::Null | Memory::Unreadable => None,
        }
    }
}

/// Little-endian fields of a captured struct; a field past the end reads
/// as None.
pub struct Le<'a>(pub &'a [u8]);

impl Le<'_> {
    fn bytes<const N: usize>(&self, off: usize) -> Option<[u8; N]> {
        self.0.get(off..off + N)?.try_into().ok()
    }
    pub fn u16(&self, off: usize) -> Option<u64> {
        self.bytes::<2>(off)
            .map(|b| u64::from(u16::from_le_bytes(b)))
    }
    pub fn u32(&self, off: usize) -> Option<u64> {
        self.bytes::<4>(off)
            .map(|b| u64::from(u32::from_le_bytes(b)))
    }
    pub fn i32(&self, off: usize) -> Option<i64> {
        self.bytes::<4>(off)
            .map(|b| i64::from(i32::from_le_bytes(b)))
    }
    pub fn u64(&self, off: usize) -> Option<u64> {
        self.bytes::<8>(off).map(u64::from_le_bytes)
    }
    pub fn i64(&self, off: usize) -> Option<i64> {
        self.bytes::<8>(off).map(i64::from_le_bytes)
    }
}

/// The captured bytes of an output struct of at least `size` bytes, or
/// None when it prints as an address (failed call, unreadable, NULL).
pub fn output<'a>(call: &Call<'a>, mem: &Memory<'a>, size: usize) -> Option<&'a [u8]> {
    if call.failed() {
        return None;
    }
    mem.data().filter(|d| d.len() >= size)
}

/// strace's -s and -v: how much of the memory a call points to prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detail {
    /// -s: most bytes of a string that is not a path (xattr values, argv),
    /// and under abbreviation the most elements of an array.
    pub strsize: usize,
    /// -v: whole structures and environments instead of abbreviations.
    pub verbose: bool,
}

impl Default for Detail {
    fn default() -> Self {
        Detail {
            strsize: 32,
            verbose: false,
        }
    }
}

/// One traced call.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    pub syscall: Syscall,
    /// Raw register values in the syscall's argument order.  For ia32
    /// callers: zero-extended, with a 64-bit argument passed in two
    /// registers merged into one (fanotify_mark's mask is `args[2]`, so its
    /// dirfd is `args[3]` and pathname `args[4]`).
    pub args: [u64; 6],
    /// Made by an ia32 process: pointers and results are 32-bit.
    pub compat: bool,
    /// What the tracer copied for each argument at exit, by argument
    /// number, then (`ARG_RESULT`) for what the result refers to, and
    /// (`ARG_CWD`) the working directory.
    pub captured: [Memory<'a>; 8],
    /// By argument number, what its memory held at the call's entry, for
    /// a struct the call rewrites (name_to_handle_at's handle).
    pub before: [Memory<'a>; 6],
    /// By argument number, what a pointer inside the struct it points to
    /// points to (struct xattr_args' value).
    pub pointee: [Memory<'a>; 6],
    pub ret: i64,
    /// The task was dying when the call ended (a fatal signal, another
    /// thread's exit or exec): the call never returned, and `ret` is only
    /// what the kernel unwound with. Printed as strace does, `= ?`.
    pub unfinished: bool,
    /// How much of the captured memory prints (-s, -v).
    pub detail: Detail,
}

impl<'a> Call<'a> {
    /// A pointer or `unsigned long` argument: 32-bit for ia32 callers.
    pub(crate) fn word(&self, value: u64) -> u64 {
        if self.compat {
            value & 0xffff_ffff
        } else {
            value
        }
    }

    /// What was captured for `param`.
    pub fn memory(&self, param: &Param) -> &Memory<'a> {
        &self.captured[param.arg]
    }

    /// With -y: the path of the file a returned descriptor refers to.
    pub fn returned_fd_path(&self) -> &Memory<'a> {
        &self.captured[6]
    }

    /// With -P, for a call without a dirfd: the working directory.
    pub fn cwd_path(&self) -> &Memory<'a> {
        &self.captured[7]
    }

    /// The call failed: its output arguments print as addresses.
    pub fn failed(&self) -> bool {
        self.errno().is_some()
    }
}

/// Appends the whole call text, `name(args) = result`, to `out`, as strace
/// prints it but for its alignment: strace pads before the `=` to column 40,
/// ftrace-cli writes one space, so that lines stay compact for grep and
/// `diff -b` against strace shows no difference.
pub fn write_call(out: &mut String, call: &Call, style: Style) {
    write_call_decorated(out, call, style, false);
}

/// [`write_call`], with strace -y's `<path>` after each descriptor argument
/// and a returned descriptor when `fd_paths`, as the kernel named them at
/// the call's exit.
pub fn write_call_decorated(out: &mut String, call: &Call, style: Style, fd_paths: bool) {
    write_call_with_spans(out, call, style, fd_paths, &mut ArgSpans::default());
}

/// Where each printed argument's own text (without a `-y` decoration) lies
/// in `out`, by position among the printed arguments: JSON reuses it rather
/// than rendering every argument twice.
pub type ArgSpans = [std::ops::Range<usize>; 6];

/// [`write_call_decorated`], noting in `spans` where each argument went.
pub fn write_call_with_spans(
    out: &mut String,
    call: &Call,
    style: Style,
    fd_paths: bool,
    spans: &mut ArgSpans,
) {
    out.push_str(call.syscall.name());
    out.push('(');
    write_params(out, call, call.params(), style, fd_paths, spans);
    out.push_str(") ");
    write_result_decorated(out, call, fd_paths);
}

/// `name(args`: what strace prints of a call at its entry, before
/// ` <unfinished ...>` or ` <detached ...>`: the arguments before the
/// first one the call fills in.
pub fn write_call_entry(out: &mut String, call: &Call, style: Style, fd_paths: bool) {
    out.push_str(call.syscall.name());
    out.push('(');
    let inputs = call.params().take_while(|p| !p.render.is_output());
    write_params(out, call, inputs, style, fd_paths, &mut ArgSpans::default());
    if call.params().any(|p| p.render.is_output()) {
        out.push_str(", ");
    }
}

/// strace's `<... name resumed>ARGS) = result`: the end of a call whose
/// entry was printed as unfinished, with the arguments it filled in.
pub fn write_call_resumed(out: &mut String, call: &Call, style: Style, fd_paths: bool) {
    out.push_str("<... ");
    out.push_str(call.syscall.name());
    out.push_str(" resumed>");
    let outputs = call.params().skip_while(|p| !p.render.is_output());
    write_params(
        out,
        call,
        outputs,
        style,
        fd_paths,
        &mut ArgSpans::default(),
    );
    out.push_str(") ");
    write_result_decorated(out, call, fd_paths);
}

fn write_params<'p>(
    out: &mut String,
    call: &Call,
    params: impl Iterator<Item = &'p Param>,
    style: Style,
    fd_paths: bool,
    spans: &mut ArgSpans,
) {
    for (i, param) in params.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let start = out.len();
        write_arg(out, call, param, style);
        if let Some(span) = spans.get_mut(i) {
            *span = start..out.len();
        }
        if fd_paths && matches!(param.kind(), ArgKind::Fd | ArgKind::Dirfd) {
            write_fd_path(out, call.memory(param));
        }
    }
}

fn write_result_decorated(out: &mut String, call: &Call, fd_paths: bool) {
    write_result(out, call);
    if fd_paths && call.returned_fd().is_some() {
        write_fd_path(out, call.returned_fd_path());
    }
}

/// -y's `<path>` from the kernel's capture, as strace -y: nothing when no
/// file was open there, `<path>(deleted)` for a deleted file; `<...END>` for a path longer or deeper than the
/// kernel walks, END being its end, nearest the file; `<?>` for a file the
/// kernel names in a way ftrace-cli does not spell out.
pub fn write_fd_path(out: &mut String, path: &Memory) {
    match *path {
        Memory::Null => {}
        Memory::Bytes { data, complete }
        | Memory::Changed { data, complete }
        | Memory::Deleted { data, complete } => {
            out.push('<');
            if !complete {
                out.push_str(FD_PATH_CUT);
            }
            write_escaped_also(out, data, b"<>");
            out.push('>');
            if matches!(path, Memory::Deleted { .. }) {
                out.push_str("(deleted)");
            }
        }
        Memory::Unreadable => out.push_str("<?>"),
    }
}

/// What starts a descriptor's path the kernel could not give whole.
pub const FD_PATH_CUT: &str = "...";

/// Appends `= result` as strace prints it for this call.
pub fn write_result(out: &mut String, call: &Call) {
    if call.unfinished {
        out.push_str("= ?");
        return;
    }
    write_retval(out, call.ret, call.compat, call.syscall.ret_kind());
}

impl<'a> Call<'a> {
    /// The result as the caller sees it (32-bit for ia32 callers).
    pub fn result(&self) -> i64 {
        if self.compat {
            i64::from(self.ret as u32 as i32)
        } else {
            self.ret
        }
    }

    /// The errno of a failed call.
    pub fn errno(&self) -> Option<u32> {
        let ret = self.result();
        (-4095..=-1)
            .contains(&ret)
            .then(|| ret.unsigned_abs() as u32)
    }

    /// The new descriptor, for calls that return one and succeeded.
    pub fn returned_fd(&self) -> Option<i32> {
        let ret = self.result();
        (!self.unfinished
            && self.syscall.ret_kind() == RetKind::Fd
            && (0..=i64::from(i32::MAX)).contains(&ret))
        .then_some(ret as i32)
    }

    /// The path the call is about: its last path argument (the file opened
    /// or marked, the link created), if it has one.
    pub fn main_path(&self) -> Option<(&'static Param, &Memory<'a>)> {
        let param = self
            .syscall
            .params()
            .iter()
            .rfind(|p| p.kind() == ArgKind::Path)?;
        Some((param, self.memory(param)))
    }
}

/// What an argument is, for consumers that treat arguments one by one
/// (JSON output, fd decoration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A file descriptor (`int`).
    Fd,
    /// A directory fd of an `*at` call (`int`, may be `AT_FDCWD`).
    Dirfd,
    /// A pointer to a NUL-terminated path, captured.
    Path,
    /// A bit set or other integer printed symbolically.
    Flags,
    /// A file mode, in octal.
    Mode,
    /// A pointer to a struct (openat2's `struct open_how`).
    Struct,
    /// A plain size.
    Size,
    /// A user or group id.
    Id,
    /// A device number.
    Dev,
}

impl Param {
    pub fn kind(&self) -> ArgKind {
        match self.render {
            Render::Fd | Render::ContextFd => ArgKind::Fd,
            Render::Dirfd | Render::FanDirfd => ArgKind::Dirfd,
            Render::Path | Render::LinkTarget => ArgKind::Path,
            Render::OpenMode { .. } | Render::Mode | Render::FileMode => ArgKind::Mode,
            Render::OpenHow { .. }
            | Render::Stat(_)
            | Render::Statx
            | Render::OutString
            | Render::OutPath
            | Render::Argv
            | Render::Envp
            | Render::Str
            | Render::XattrValue { .. }
            | Render::XattrOut { .. }
            | Render::XattrList { .. }
            | Render::Times(_)
            | Render::Statfs(_)
            | Render::MountString { .. }
            | Render::MountAttr { .. }
            | Render::FileAttr { .. }
            | Render::FileHandle
            | Render::OutInt
            | Render::XattrArgs { .. }
            | Render::Addr
            | Render::ShortStr { .. }
            | Render::FsconfigBinary { .. }
            | Render::Quota { .. } => ArgKind::Struct,
            Render::Size | Render::Size64 | Render::Int => ArgKind::Size,
            Render::Id | Render::Id16 => ArgKind::Id,
            Render::Dev { .. } => ArgKind::Dev,
            Render::OpenFlags
            | Render::FanInitFlags
            | Render::Flags(_)
            | Render::Flags64(_)
            | Render::SwapFlags
            | Render::StatxFlags
            | Render::MountFlags
            | Render::Xval(_)
            | Render::QuotaCmd => ArgKind::Flags,
        }
    }
}

/// The value a parameter holds, as the kernel reads it: `int`s sign-extended
/// from their low 32 bits, pointers 32-bit for ia32 callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Raw {
    Signed(i64),
    Unsigned(u64),
}

impl Call<'_> {
    /// The parameters this call prints (open's mode only with O_CREAT,
    /// mknod's dev only for a device, those a command selects...).
    pub fn params(&self) -> impl Iterator<Item = &'static Param> + '_ {
        self.syscall
            .params()
            .iter()
            .filter(move |p| p.when.holds(&self.args))
            .filter(move |p| match p.render {
                Render::OpenMode { flags } => open_takes_mode(self.args[usize::from(flags)]),
                Render::Dev { mode } => mknod_takes_dev(self.args[usize::from(mode)]),
                _ => true,
            })
    }

    /// How many bits a uid argument has for this caller.
    fn id_bits(&self, render: Render) -> u32 {
        match render {
            Render::Id16 if self.compat => 16,
            _ => 32,
        }
    }

    pub fn raw(&self, param: &Param) -> Raw {
        let value = self.args[param.arg];
        // The C type follows from the kind; a few renders differ from
        // their kind's usual type.
        match (param.render, param.kind()) {
            (Render::Flags64(_) | Render::Size64, _) => Raw::Unsigned(value),
            // size_t and mount's unsigned long: a word.
            (Render::Size | Render::MountFlags, _) => Raw::Unsigned(self.word(value)),
            (Render::Int, _) => Raw::Signed(i64::from(value as u32 as i32)),
            (_, ArgKind::Fd | ArgKind::Dirfd) => Raw::Signed(i64::from(value as u32 as i32)),
            (_, ArgKind::Path | ArgKind::Struct | ArgKind::Size) => Raw::Unsigned(self.word(value)),
            (_, ArgKind::Mode) => Raw::Unsigned(u64::from(value as u16)),
            (_, ArgKind::Flags | ArgKind::Dev) => Raw::Unsigned(u64::from(value as u32)),
            (_, ArgKind::Id) => {
                Raw::Unsigned(value & (u64::MAX >> (64 - self.id_bits(param.render))))
            }
        }
    }
}

/// Appends one argument as strace prints it.
pub fn write_arg(out: &mut String, call: &Call, param: &Param, style: Style) {
    let value = call.args[param.arg];
    match param.render {
        Render::Fd | Render::ContextFd | Render::Int => {
            let _ = write!(out, "{}", value as u32 as i32);
        }
        Render::Addr => write_address(out, call.word(value)),
        Render::Xval(table) => write_value(out, u64::from(value as u32), table, style),
        Render::ShortStr { max } => {
            write_str_upto(out, call, call.word(value), call.memory(param), max.into())
        }
        Render::QuotaCmd => write_quota_cmd(out, value as u32, style),
        Render::Quota { data, filled } => {
            let mem = call.memory(param);
            write_quota(out, call, call.word(value), mem, data, filled, style)
        }
        Render::FsconfigBinary { len } => {
            let len = call.args[usize::from(len)];
            write_fsconfig_binary(out, call, call.word(value), call.memory(param), len)
        }
        Render::Dirfd => write_dirfd(out, value, style),
        Render::FanDirfd => write_fan_dirfd(out, value, style),
        Render::Path | Render::LinkTarget => write_path(out, call.word(value), call.memory(param)),
        Render::Mode | Render::OpenMode { .. } => write_octal_mode(out, u64::from(value as u16)),
        Render::Size => {
            let _ = write!(out, "{}", call.word(value));
        }
        Render::OpenFlags => write_open_flags(out, u64::from(value as u32), false, style),
        Render::OpenHow { size } => {
            let size = call.word(call.args[usize::from(size)]);
            write_open_how(out, call.word(value), size, call.memory(param), style);
        }
        Render::FanInitFlags => write_fan_init_flags(out, u64::from(value as u32), style),
        Render::Flags(table) => write_flags(out, u64::from(value as u32), table, style),
        Render::Flags64(table) => write_flags(out, value, table, style),
        Render::Size64 => {
            let _ = write!(out, "{value}");
        }
        Render::Id | Render::Id16 => write_id(out, value, call.id_bits(param.render)),
        Render::FileMode => write_file_mode(out, u64::from(value as u16), style),
        Render::Dev { .. } => write_dev(out, u64::from(value as u32), style),
        Render::SwapFlags => write_swap_flags(out, u64::from(value as u32), style),
        Render::Stat(layout) => write_stat(
            out,
            call,
            call.word(value),
            call.memory(param),
            layout,
            style,
        ),
        Render::StatxFlags => write_statx_flags(out, u64::from(value as u32), style),
        Render::Statx => write_statx(out, call, call.word(value), call.memory(param), style),
        Render::OutString => write_out_string(out, call, call.word(value), call.memory(param)),
        Render::OutPath => write_out_path(out, call, call.word(value), call.memory(param)),
        Render::Argv => write_argv(out, call, call.word(value), call.memory(param)),
        Render::Envp => write_envp(out, call, call.word(value), call.memory(param)),
        Render::Str => write_str(out, call, call.word(value), call.memory(param)),
        Render::Statfs(layout) => write_statfs(
            out,
            call,
            call.word(value),
            call.memory(param),
            layout,
            style,
        ),
        Render::MountFlags => write_mount_flags(out, call.word(value), style),
        Render::FileAttr { size, get } => {
            let size = call.word(call.args[usize::from(size)]);
            let mem = call.memory(param);
            write_file_attr(out, call, call.word(value), mem, size, get, style);
        }
        Render::MountAttr { size } => {
            let size = call.word(call.args[usize::from(size)]);
            write_mount_attr(out, call.word(value), size, call.memory(param), style);
        }
        Render::MountString { flags, data } => {
            write_mount_string(out, call, call.word(value), call.memory(param), flags, data)
        }
        Render::Times(times) => write_times(
            out,
            call,
            call.word(value),
            call.memory(param),
            times,
            style,
        ),
        Render::XattrValue { size } => {
            let size = call.word(call.args[usize::from(size)]);
            write_value_in(out, call, call.word(value), call.memory(param), size)
        }
        Render::XattrOut { size } => {
            let size = call.word(call.args[usize::from(size)]);
            write_value_out(out, call, call.word(value), call.memory(param), size)
        }
        Render::XattrList { size } => {
            let size = call.word(call.args[usize::from(size)]);
            write_list(out, call, call.word(value), call.memory(param), size)
        }
        Render::XattrArgs { size, get } => {
            let size = call.word(call.args[usize::from(size)]);
            write_xattr_args(out, call, call.word(value), param.arg, size, get, style)
        }
        Render::FileHandle => {
            let before = call.before.get(param.arg).unwrap_or(&Memory::Null);
            write_file_handle(out, call, call.word(value), before, call.memory(param))
        }
        Render::OutInt => write_out_int(out, call, call.word(value), call.memory(param)),
    }
}

/// strace's `printnum_int`: `[N]` when the call succeeded and N could be
/// read, else the address.
fn write_out_int(out: &mut String, call: &Call, addr: u64, mem: &Memory) {
    match mem.data().and_then(|d| d.get(..4)) {
        Some(bytes) if !call.failed() && addr != 0 => {
            let n = i32::from_le_bytes(bytes.try_into().unwrap_or_default());
            let _ = write!(out, "[{n}]");
        }
        _ => write_address(out, addr),
    }
}

/// The bytes of a string argument, or None once `NULL` or (unreadable)
/// its address is written in their place, as strace's printstr does.
fn string_bytes<'a>(out: &mut String, addr: u64, mem: &Memory<'a>) -> Option<&'a [u8]> {
    if addr == 0 {
        out.push_str("NULL");
        return None;
    }
    let data = mem.data();
    if data.is_none() {
        write_hex(out, addr);
    }
    data
}

/// strace's `printstr`: a NUL-terminated string that is not a path, of at
/// most `-s` bytes; `...` after when it is longer.
pub(crate) fn write_str(out: &mut String, call: &Call, addr: u64, mem: &Memory) {
    write_str_upto(out, call, addr, mem, usize::MAX);
}

/// [`write_str`] of a string of at most `max` bytes (strace's
/// `printstr_ex` of length `max`): at most `max` bytes print, and `...`
/// after `max` of them whatever follows, as strace reads no further.
pub(crate) fn write_str_upto(out: &mut String, call: &Call, addr: u64, mem: &Memory, max: usize) {
    let Some(data) = string_bytes(out, addr, mem) else {
        return;
    };
    let complete = !matches!(
        mem,
        Memory::Bytes {
            complete: false,
            ..
        } | Memory::Changed {
            complete: false,
            ..
        }
    );
    let strsize = call.detail.strsize.min(max);
    let text = data.split(|&b| b == 0).next().unwrap_or(data);
    let shown = text.get(..strsize).unwrap_or(text);
    write_quoted(out, shown, !complete || text.len() > strsize);
}

/// strace's `printstrn`: `len` bytes (NULs included), of which at most `-s`
/// print, `...` after when there were more.
pub(crate) fn write_strn(out: &mut String, call: &Call, addr: u64, mem: &Memory, len: u64) {
    write_strn_ex(out, call, addr, mem, len, false);
}

/// `printstr_ex` of `len` bytes that need not end in a NUL, as
/// `write_strn`; with `omit_trailing_nul` (strace's QUOTE_OMIT_TRAILING_0)
/// a NUL as the last byte shown is left out.
pub(crate) fn write_strn_ex(
    out: &mut String,
    call: &Call,
    addr: u64,
    mem: &Memory,
    len: u64,
    omit_trailing_nul: bool,
) {
    let Some(data) = string_bytes(out, addr, mem) else {
        return;
    };
    let want = usize::try_from(len)
        .unwrap_or(usize::MAX)
        .min(call.detail.strsize);
    let mut shown = data.get(..want).unwrap_or(data);
    let cut = len > shown.len() as u64;
    if omit_trailing_nul && shown.len() == want {
        if let Some((0, head)) = shown.split_last() {
            shown = head;
        }
    }
    write_quoted(out, shown, cut);
}

/// readlink's buffer: what the call wrote, its result's worth of bytes.
fn write_out_string(out: &mut String, call: &Call, addr: u64, mem: &Memory) {
    if call.failed() {
        write_address(out, addr);
        return;
    }
    write_strn(out, call, addr, mem, call.result() as u64);
}

/// getcwd's buffer: the path the call wrote, NUL included in its result.
fn write_out_path(out: &mut String, call: &Call, addr: u64, mem: &Memory) {
    match mem.data() {
        Some(data) if !call.failed() && addr != 0 => {
            let complete = data.contains(&0);
            write_path_bytes(out, data, complete)
        }
        _ => write_address(out, addr),
    }
}

/// A directory fd argument: an `int`, so only the low 32 bits count.
/// `AT_FDCWD` is named; any other value prints in decimal.
pub(crate) fn write_dirfd(out: &mut String, raw: u64, style: Style) {
    let fd = i64::from(raw as u32 as i32);
    write_value_fmt(out, fd as u64, &DIRFD, style, NumFmt::Signed);
}

/// A path argument as strace's `printpath`: `NULL`, the address in hex
/// when unreadable, else the quoted string, cut after `PATH_MAX - 1` bytes
/// (or where the tracer's read ended without a NUL) and marked `...`.
/// A NULL pointer prints `NULL` whatever `mem` says; a non-NULL one that
/// has no bytes prints as unreadable.
fn write_path(out: &mut String, addr: u64, mem: &Memory) {
    if addr == 0 {
        out.push_str("NULL");
        return;
    }
    match *mem {
        Memory::Bytes { data, complete } | Memory::Deleted { data, complete } => {
            write_path_bytes(out, data, complete)
        }
        Memory::Changed { data, complete } => {
            write_path_bytes(out, data, complete);
            out.push_str(" /* changed during the call */");
        }
        Memory::Null | Memory::Unreadable => write_hex(out, addr),
    }
}

fn write_path_bytes(out: &mut String, data: &[u8], complete: bool) {
    let (mut text, mut cut) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (data.get(..nul).unwrap_or(data), false),
        None => (data, !complete),
    };
    if text.len() > PATH_MAX - 1 {
        text = text.get(..PATH_MAX - 1).unwrap_or(text);
        cut = true;
    }
    write_quoted(out, text, cut);
}

/// strace's `printaddr`: `NULL` or the address in hex.
pub(crate) fn write_address(out: &mut String, addr: u64) {
    if addr == 0 {
        out.push_str("NULL");
    } else {
        write_hex(out, addr);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn a_call_that_never_returns_has_no_result() {
        let mut c = call(OPENAT, &[CWD, P, 0], [s(b"fifo"), Memory::Null], -512);
        c.unfinished = true;
        for style in [Style::Abbrev, Style::Raw] {
            assert!(render(&c, style).ends_with(") = ?"), "{style:?}");
        }
        c.ret = 3;
        assert_eq!(c.returned_fd(), None, "no descriptor reached the task");
        c.unfinished = false;
        assert_eq!(c.returned_fd(), Some(3));
    }

    #[test]
    fn pointers() {
        // NULL and unreadable paths.
        let c = call(OPENAT, &[7, 0, 0], U, -14);
        assert_eq!(
            render(&c, Style::Abbrev),
            "openat(7, NULL, O_RDONLY) = -1 EFAULT (Bad address)"
        );
        let c = call(
            OPENAT,
            &[7, 0x1000, 0],
            [Memory::Unreadable, Memory::Null],
            -14,
        );
        assert_eq!(
            render(&c, Style::Raw),
            "openat(7, 0x1000, 0) = -1 EFAULT (Bad address)"
        );
        // ia32: pointer is 32-bit (strace -m32 test: 0xf7f2dffa).
        let mut c = call(
            OPENAT,
            &[7, 0xffff_ffff_f7f2_dffa, 0],
            [Memory::Unreadable, Memory::Null],
            -14,
        );
        c.compat = true;
        assert_eq!(
            render(&c, Style::Abbrev),
            "openat(7, 0xf7f2dffa, O_RDONLY) = -1 EFAULT (Bad address)"
        );
        // A NUL inside the bytes ends the string.
        let c = call(OPENAT, &[7, P, 0], [s(b"ab\0cd"), Memory::Null], 3);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"openat(7, "ab", O_RDONLY) = 3"#
        );
    }

    #[test]
    fn long_paths() {
        let long = vec![b'a'; 5000];
        let with = |n: usize, complete: bool| {
            let m = [
                Memory::Bytes {
                    data: long.get(..n).unwrap_or(&[]),
                    complete,
                },
                Memory::Null,
            ];
            let c = call(OPENAT, &[7, P, 0], m, -36);
            render(&c, Style::Abbrev)
        };
        let a = |n: usize| "a".repeat(n);
        // strace 6.1: 4095-byte path prints whole, 4096+ prints 4095 + "...".
        assert_eq!(
            with(4095, true),
            format!(
                r#"openat(7, "{}", O_RDONLY) = -1 ENAMETOOLONG (File name too long)"#,
                a(4095)
            )
        );
        // (bytes read, NUL found, bytes shown before the marker); the last
        // is the tracer's own limit without a NUL: marker after what was read.
        for (len, complete, shown) in [
            (4096, true, 4095),
            (4096, false, 4095),
            (5000, false, 4095),
            (10, false, 10),
        ] {
            assert_eq!(
                with(len, complete),
                format!(
                    r#"openat(7, "{}"..., O_RDONLY) = -1 ENAMETOOLONG (File name too long)"#,
                    a(shown)
                ),
                "{len} bytes, complete: {complete}"
            );
        }
    }

    #[test]
    fn symlinks() {
        let m = [s(b"tgt"), s(b"/nonexist/lnk")];
        check(
            &call(SYMLINK, &[P, P], m, -2),
            r#"symlink("tgt", "/nonexist/lnk") = -1 ENOENT (No such file or directory)"#,
            r#"symlink("tgt", "/nonexist/lnk") = -1 ENOENT (No such file or directory)"#,
            r#"symlink("tgt", "/nonexist/lnk") = -1 ENOENT (No such file or directory)"#,
        );
        check(
            &call(SYMLINKAT, &[P, CWD, P], m, -2),
            r#"symlinkat("tgt", AT_FDCWD, "/nonexist/lnk") = -1 ENOENT (No such file or directory)"#,
            r#"symlinkat("tgt", -100, "/nonexist/lnk") = -1 ENOENT (No such file or directory)"#,
            r#"symlinkat("tgt", -100 /* AT_FDCWD */, "/nonexist/lnk") = -1 ENOENT (No such file or directory)"#,
        );
        let m = [s(b"tgt"), Memory::Null];
        assert_eq!(
            render(&call(SYMLINKAT, &[P, 9, 0], m, -14), Style::Abbrev),
            r#"symlinkat("tgt", 9, NULL) = -1 EFAULT (Bad address)"#
        );
        // Success value is unsigned (strace -e inject=symlinkat:retval=5000).
        let m = [s(b"t"), s(b"/nonexist/l")];
        assert_eq!(
            render(&call(SYMLINKAT, &[P, CWD, P], m, 5000), Style::Abbrev),
            r#"symlinkat("t", AT_FDCWD, "/nonexist/l") = 5000"#
        );
        assert_eq!(
            render(&call(SYMLINKAT, &[P, CWD, P], m, -512), Style::Raw),
            r#"symlinkat("t", -100, "/nonexist/l") = ? ERESTARTSYS (To be restarted if SA_RESTART is set)"#
        );
    }

    #[test]
    fn lengths() {
        let m = [s(b"f"), Memory::Null];
        // ia32's truncate64: both halves merged by the kernel side.
        let mut c = call(TRUNCATE64, &[P, 0xdead_beef_0000_1000], m, 0);
        c.compat = true;
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"truncate64("f", 16045690981097410560) = 0"#
        );
        let mut c = call(
            Syscall::named("truncate"),
            &[P, 0xffff_ffff_ffff_ffff],
            m,
            -22,
        );
        assert_eq!(
            render(&c, Style::Raw),
            r#"truncate("f", 18446744073709551615) = -1 EINVAL (Invalid argument)"#
        );
        c.compat = true;
        assert_eq!(
            render(&c, Style::Raw),
            r#"truncate("f", 4294967295) = -1 EINVAL (Invalid argument)"#
        );
    }

    /// Argument renderings expected by strace 7.2's own test suite
    /// (tests/fanotify_mark.c, tests/fanotify_init.c, tests/openat2.c).
    #[test]
    fn strace_72_test_suite_expectations() {
        let args = |c: &Call, style: Style| {
            let mut o = String::new();
            write_args(&mut o, c, style);
            o
        };
        let mark = |flags: u64, mask: u64, dirfd: u64| {
            call(
                FANOTIFY_MARK,
                &[0xdeadfeed_12345678, flags, mask, dirfd, 0],
                U,
                -9,
            )
        };
        let c = mark(
            0xbadc0ded_deadffff,
            0xdeadfeed_ffffffff,
            0xdec0ded0_ffffffff,
        );
        assert_eq!(
            args(&c, Style::Abbrev),
            "305419896, FAN_MARK_ADD|FAN_MARK_REMOVE|FAN_MARK_FLUSH|FAN_MARK_DONT_FOLLOW|\
             FAN_MARK_ONLYDIR|FAN_MARK_MNTNS|FAN_MARK_IGNORED_MASK|FAN_MARK_IGNORED_SURV_MODIFY|\
             FAN_MARK_IGNORE|FAN_MARK_EVICTABLE|0xdeadf800, FAN_ACCESS|FAN_MODIFY|FAN_ATTRIB|\
             FAN_CLOSE_WRITE|FAN_CLOSE_NOWRITE|FAN_OPEN|FAN_MOVED_FROM|FAN_MOVED_TO|FAN_CREATE|\
             FAN_DELETE|FAN_DELETE_SELF|FAN_MOVE_SELF|FAN_OPEN_EXEC|FAN_Q_OVERFLOW|FAN_FS_ERROR|\
             FAN_OPEN_PERM|FAN_ACCESS_PERM|FAN_OPEN_EXEC_PERM|FAN_DIR_MODIFY|FAN_PRE_ACCESS|\
             FAN_MNT_ATTACH|FAN_MNT_DETACH|FAN_EVENT_ON_CHILD|FAN_RENAME|FAN_ONDIR|\
             0xdeadfeeda4e02000, FAN_NOFD, NULL"
        );
        let c = mark(0xffffffff_00000182, 0xffffffffa4e02000, 0xbadfaced_ffffff9c);
        assert_eq!(
            args(&c, Style::Verbose),
            "305419896, 0x182 /* FAN_MARK_REMOVE|FAN_MARK_FLUSH|FAN_MARK_FILESYSTEM */, \
             0xffffffffa4e02000 /* FAN_??? */, -100 /* AT_FDCWD */, NULL"
        );
        let c = mark(0xdec0dedd_eface800, 0, 0xdefaced1_beeff00d);
        assert_eq!(
            args(&c, Style::Abbrev),
            "305419896, 0xeface800 /* FAN_MARK_??? */, 0, -1091571699, NULL"
        );
        assert_eq!(
            args(&c, Style::Raw),
            "305419896, 0xeface800, 0, -1091571699, NULL"
        );

        let init = |flags: u64, ev: u64| call(FANOTIFY_INIT, &[flags, ev], U, -22);
        assert_eq!(
            args(&init(0xffffffff_0000000c, 0), Style::Abbrev),
            "0xc /* FAN_CLASS_??? */, O_RDONLY"
        );
        assert_eq!(
            args(
                &init(0xdec0dedd_efac8004, 0xdeadbeef_80000001),
                Style::Abbrev
            ),
            "FAN_CLASS_CONTENT|0xefac8000 /* FAN_??? */, O_WRONLY|0x80000000"
        );
        assert_eq!(
            args(&init(u64::MAX, 0), Style::Abbrev),
            "0xc /* FAN_CLASS_??? */|FAN_CLOEXEC|FAN_NONBLOCK|FAN_UNLIMITED_QUEUE|\
             FAN_UNLIMITED_MARKS|FAN_ENABLE_AUDIT|FAN_REPORT_PIDFD|FAN_REPORT_TID|\
             FAN_REPORT_FID|FAN_REPORT_DIR_FID|FAN_REPORT_NAME|FAN_REPORT_TARGET_FID|\
             FAN_REPORT_FD_ERROR|FAN_REPORT_MNT|0xffff8000, O_RDONLY"
        );

        let how_call = |h: &[u8], size: u64| {
            let h = h.to_vec();
            let mut o = String::new();
            let m = [s(b"openat2.sample"), s(&h)];
            let c = call(OPENAT2, &[u64::MAX, P, P, size], m, -22);
            write_args(&mut o, &c, Style::Abbrev);
            o
        };
        assert_eq!(
            how_call(&how(0x1_0008_0000, 0, 0), 24),
            r#"-1, "openat2.sample", {flags=O_RDONLY|O_CLOEXEC|OPENAT2_REGULAR, resolve=0}, 24"#
        );
        assert_eq!(
            how_call(
                &how(
                    0xdeadface_80000000 | 0x1_0000_0000,
                    0xbadc0ded_facebeef,
                    0xdec0dedb_eeffffc0
                ),
                24
            ),
            r#"-1, "openat2.sample", {flags=O_RDONLY|OPENAT2_REGULAR|0xdeadface80000000, mode=01353340336677263537357, resolve=0xdec0dedbeeffffc0 /* RESOLVE_??? */}, 24"#
        );
        assert_eq!(
            how_call(&how(0x3 | 0x410000, 0, 0xfeedfacedcaffec0 | 0x31), 24),
            r#"-1, "openat2.sample", {flags=O_ACCMODE|O_TMPFILE, mode=000, resolve=RESOLVE_NO_XDEV|RESOLVE_IN_ROOT|RESOLVE_CACHED|0xfeedfacedcaffec0}, 24"#
        );
        let mut big = how(0, 0, 0);
        big.extend_from_slice(&[0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87]);
        assert_eq!(
            how_call(&big, 32),
            r#"-1, "openat2.sample", {flags=O_RDONLY, resolve=0, /* bytes 24..31 */ "\x80\x81\x82\x83\x84\x85\x86\x87"}, 32"#
        );
        // openat2(0, NULL, NULL, 0xdeadc0debadc0ded)
        let c = call(OPENAT2, &[0, 0, 0, 0xdeadc0de_badc0ded], U, -14);
        assert_eq!(
            args(&c, Style::Abbrev),
            "0, NULL, NULL, 16045693110241201645"
        );
    }

    #[test]
    fn descriptor_paths() {
        let path = |m: Memory| {
            let mut out = String::from("3");
            write_fd_path(&mut out, &m);
            out
        };
        let bytes = |data| Memory::Bytes {
            data,
            complete: true,
        };
        assert_eq!(path(bytes(b"/etc/a<b>")), r"3</etc/a\74b\76>");
        assert_eq!(path(bytes(b"pipe:[7]")), "3<pipe:[7]>");
        assert_eq!(
            path(Memory::Deleted {
                data: b"/memfd:m",
                complete: true
            }),
            "3</memfd:m>(deleted)"
        );
        assert_eq!(
            path(Memory::Bytes {
                data: b"/d/f",
                complete: false
            }),
            "3<.../d/f>"
        );
        assert_eq!(path(Memory::Unreadable), "3<?>");
        assert_eq!(path(Memory::Null), "3", "no file: bare, as strace");
    }

    #[test]
    fn never_panics() {
        // Deterministic pseudo-random arguments and memory contents.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let interesting = [
            0,
            1,
            3,
            23,
            24,
            25,
            4095,
            4096,
            u64::MAX,
            0xffff_ffff,
            0x8000_0000,
            -100i64 as u64,
        ];
        let mut buf = vec![0u8; 5000];
        let mut out = String::new();
        for i in 0..20_000u64 {
            for b in buf.iter_mut().take(64) {
                *b = next() as u8;
            }
            let mut args = [0u64; 6];
            for a in args.iter_mut() {
                let r = next();
                *a = if r % 3 == 0 {
                    interesting
                        .get((r >> 8) as usize % interesting.len())
                        .copied()
                        .unwrap_or(0)
                } else {
                    r
                };
            }
            let len = (next() % 5000) as usize;
            let mem = |k: u64| match k % 3 {
                0 => Memory::Null,
                1 => Memory::Unreadable,
                _ => Memory::Bytes {
                    data: buf.get(..len).unwrap_or(&[]),
                    complete: k % 2 == 0,
                },
            };
            let sc = Syscall::from_index(i as usize % Syscall::COUNT).unwrap_or(OPEN);
            let c = Call {
                syscall: sc,
                args,
                compat: next() % 2 == 0,
                captured: std::array::from_fn(|_| mem(next())),
                before: std::array::from_fn(|_| mem(next())),
                pointee: std::array::from_fn(|_| mem(next())),
                ret: next() as i64 >> (next() % 64),
                unfinished: next() % 7 == 0,
                detail: Detail {
                    strsize: (next() % 64) as usize,
                    verbose: next() % 2 == 0,
                },
            };
            for style in [Style::Raw, Style::Abbrev, Style::Verbose] {
                out.clear();
                write_call(&mut out, &c, style);
                assert!(out.is_ascii());
                assert!(out.starts_with(sc.name()));
            }
        }
    }
}

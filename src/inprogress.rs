//! Calls in progress when tracing begins or ends, shown as strace does.
//!
//! At attach, a -p target blocked in a traced call (a FIFO open, a slow
//! network path) is printed from /proc/TID/syscall as
//! `openat(AT_FDCWD, "fifo", O_RDONLY <unfinished ...>`, and its task
//! storage is written so that the kernel records the call's exit, printed
//! as `<... openat resumed>) = 3`. At the end, every thread still inside a
//! traced call is printed with ` <detached ...>` instead of being dropped.

use std::fs::{self, File};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::FileExt;

use libbpf_rs::{MapCore, MapFlags};

use crate::bpf::types::{call_plan, capture_kind, in_flight, limits};
use crate::decode::{self, Call, Memory, Style, Syscall};
use crate::filter::PidTarget;
use crate::plan;
use crate::tracer::Tracer;

/// What a note says of its call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// In progress when tracing began: `<unfinished ...>`.
    Unfinished,
    /// Still in progress when tracing ended: `<detached ...>`.
    Detached,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Unfinished => "unfinished",
            State::Detached => "detached",
        }
    }
}

/// One line about a call in progress; pids as ftrace-cli's /proc numbers them.
pub struct Note {
    pub pid: u32,
    pub tid: u32,
    pub comm: Vec<u8>,
    pub syscall: Syscall,
    pub state: State,
    /// The call text: `openat(AT_FDCWD, "fifo", O_RDONLY <unfinished ...>`.
    pub text: String,
}

// SAFETY: plain C data, every bit pattern valid.
unsafe impl plain::Plain for in_flight {}

/// linux/pidfd.h: a pidfd for one thread rather than its thread group.
const PIDFD_THREAD: libc::c_uint = libc::O_EXCL as libc::c_uint;

fn pidfd(tid: u32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, tid as libc::pid_t, PIDFD_THREAD) };
    // SAFETY: a descriptor pidfd_open just returned, ours alone.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// The traced calls the -p targets' threads are blocked in now: each is
/// returned as a note, and its exit will be recorded as resumed.
pub fn at_attach(tracer: &Tracer, targets: &[PidTarget], style: Style) -> Vec<Note> {
    let mut notes = Vec::new();
    for target in targets {
        let tids: Vec<u32> = if target.is_thread() {
            vec![target.pid as u32]
        } else {
            threads(target.pid as u32)
        };
        let pid = tgid(target.pid as u32).unwrap_or(target.pid as u32);
        for tid in tids {
            if let Some(note) = blocked(tracer, pid, tid, style) {
                notes.push(note);
            }
        }
    }
    notes
}

/// The process of thread `tid`, as /proc numbers it.
fn tgid(tid: u32) -> Option<u32> {
    let status = fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))?
        .trim()
        .parse()
        .ok()
}

fn threads(pid: u32) -> Vec<u32> {
    let Ok(dir) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// The call thread `tid` is blocked in, if traced: registers its exit.
fn blocked(tracer: &Tracer, pid: u32, tid: u32, style: Style) -> Option<Note> {
    let text = fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")).ok()?;
    let mut fields = text.split_whitespace();
    let nr: usize = fields.next()?.parse().ok()?;
    let mut args = [0u64; 6];
    for arg in &mut args {
        *arg = u64::from_str_radix(fields.next()?.trim_start_matches("0x"), 16).ok()?;
    }
    let compat = is_compat(pid);
    let plan = plan_of(tracer, nr, compat)?;
    let syscall = plan::from_call_id(plan.call)?;
    if compat && plan.split_arg < 5 {
        let split = usize::from(plan.split_arg);
        args[split] |= args[split + 1] << 32;
        args.copy_within(split + 2.., split + 1);
        args[5] = 0;
    }
    let mut entry = in_flight {
        args,
        enter_ns: monotonic_ns(),
        nr: nr as u32,
        compat: u8::from(compat),
        active: 1,
        resumed: 1,
        ..Default::default()
    };
    entry.fingerprint = [0; limits::MAX_CAPTURES.0 as usize];
    let fd = pidfd(tid)?;
    // SAFETY: in_flight is plain data.
    let value = unsafe { plain::as_bytes(&entry) };
    // NOEXIST: storage made meanwhile by a traced entry is a newer call.
    tracer
        .skel
        .maps
        .in_flight
        .update(&fd.as_raw_fd().to_ne_bytes(), value, MapFlags::NO_EXIST)
        .ok()?;
    let mut text = String::new();
    entry_text(&mut text, pid, tid, syscall, &entry, &plan, style);
    text.push_str(" <unfinished ...>");
    Some(Note {
        pid,
        tid,
        comm: comm(pid, tid),
        syscall,
        state: State::Unfinished,
        text,
    })
}

/// Every visible thread still inside a traced call, as ` <detached ...>` notes.
/// Only the targets are looked at when they are known: a scan of every
/// thread on the machine would delay the end of every run.
pub fn at_stop(tracer: &Tracer, style: Style) -> Vec<Note> {
    let mut notes = Vec::new();
    let pids = tracer.traced_processes().unwrap_or_else(|| {
        fs::read_dir("/proc")
            .map(|procs| {
                procs
                    .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
                    .collect()
            })
            .unwrap_or_default()
    });
    let own = std::process::id();
    for pid in pids {
        if pid == own {
            continue;
        }
        for tid in threads(pid) {
            let Some(fd) = pidfd(tid) else { continue };
            let Ok(Some(bytes)) = tracer
                .skel
                .maps
                .in_flight
                .lookup(&fd.as_raw_fd().to_ne_bytes(), MapFlags::ANY)
            else {
                continue;
            };
            let mut entry = in_flight::default();
            if plain::copy_from_bytes(&mut entry, &bytes).is_err() || entry.active == 0 {
                continue;
            }
            let Some(plan) = plan_of(tracer, entry.nr as usize, entry.compat != 0) else {
                continue;
            };
            let Some(syscall) = plan::from_call_id(plan.call) else {
                continue;
            };
            let mut text = String::new();
            if entry.resumed != 0 {
                text.push_str("<... ");
                text.push_str(syscall.name());
                text.push_str(" resumed>");
            } else {
                entry_text(&mut text, pid, tid, syscall, &entry, &plan, style);
            }
            text.push_str(" <detached ...>");
            notes.push(Note {
                pid,
                tid,
                comm: comm(pid, tid),
                syscall,
                state: State::Detached,
                text,
            });
        }
    }
    notes
}

/// `name(args` of a call in progress, its strings read from the thread's memory now.
fn entry_text(
    out: &mut String,
    pid: u32,
    tid: u32,
    syscall: Syscall,
    entry: &in_flight,
    plan: &call_plan,
    style: Style,
) {
    let mem = File::open(format!("/proc/{pid}/task/{tid}/mem")).ok();
    let mut copies: [Option<(Vec<u8>, bool)>; 7] = Default::default();
    for capture in &plan.captures {
        let arg = usize::from(capture.arg);
        if arg >= 6 {
            continue;
        }
        let addr = entry.args[arg];
        let copy = match capture_kind(u32::from(capture.kind)) {
            capture_kind::CAPTURE_STRING if addr != 0 => read_string(mem.as_ref(), addr),
            capture_kind::CAPTURE_BYTES if addr != 0 => {
                let len = match entry.args.get(usize::from(capture.len_arg)) {
                    Some(&len) => len.min(u64::from(capture.size)),
                    None => u64::from(capture.size),
                };
                read_bytes(mem.as_ref(), addr, len as usize)
            }
            _ => continue,
        };
        copies[arg] = Some(copy.unwrap_or_default());
    }
    let mut captured = [Memory::Null; 8];
    for (slot, copy) in captured.iter_mut().zip(&copies) {
        if let Some((data, complete)) = copy {
            *slot = if data.is_empty() && !complete {
                Memory::Unreadable
            } else {
                Memory::Bytes {
                    data,
                    complete: *complete,
                }
            };
        }
    }
    let call = Call {
        syscall,
        args: entry.args,
        compat: entry.compat != 0,
        captured,
        before: [Memory::Null; 6],
        pointee: [Memory::Null; 6],
        ret: 0,
        unfinished: true,
        detail: Default::default(),
    };
    decode::write_call_entry(out, &call, style, false);
}

/// A NUL-terminated string at `addr`: (bytes, found its end); reading
/// stops at a page that cannot be read.
fn read_string(mem: Option<&File>, addr: u64) -> Option<(Vec<u8>, bool)> {
    let mem = mem?;
    let max = limits::CAPTURE_MAX.0 as usize - 1;
    let mut bytes = Vec::new();
    let mut at = addr;
    while bytes.len() < max {
        let page_left = 4096 - (at % 4096) as usize;
        let mut chunk = vec![0u8; page_left.min(max - bytes.len())];
        let n = mem.read_at(&mut chunk, at).ok()?;
        if n == 0 {
            break;
        }
        if let Some(end) = chunk[..n].iter().position(|&b| b == 0) {
            bytes.extend_from_slice(&chunk[..end]);
            return Some((bytes, true));
        }
        bytes.extend_from_slice(&chunk[..n]);
        at += n as u64;
    }
    Some((bytes, false))
}

fn read_bytes(mem: Option<&File>, addr: u64, len: usize) -> Option<(Vec<u8>, bool)> {
    let mut bytes = vec![0u8; len];
    mem?.read_exact_at(&mut bytes, addr).ok()?;
    Some((bytes, true))
}

/// The plan the tracer follows for syscall `nr`, if it traces it.
fn plan_of(tracer: &Tracer, nr: usize, compat: bool) -> Option<call_plan> {
    let bss = tracer.skel.maps.bss_data.as_ref()?;
    let plans = if compat {
        &bss.compat_plans
    } else {
        &bss.native_plans
    };
    let plan = *plans.get(nr)?;
    (plan.call != 0).then_some(plan)
}

/// A 32-bit (ia32) program: /proc/TID/syscall then shows ia32 numbers.
fn is_compat(pid: u32) -> bool {
    let mut ident = [0u8; 5];
    File::open(format!("/proc/{pid}/exe"))
        .and_then(|f| f.read_exact_at(&mut ident, 0))
        .is_ok_and(|()| ident[4] == 1)
}

fn comm(pid: u32, tid: u32) -> Vec<u8> {
    let mut comm = fs::read(format!("/proc/{pid}/task/{tid}/comm")).unwrap_or_default();
    if comm.last() == Some(&b'\n') {
        comm.pop();
    }
    comm
}

fn monotonic_ns() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0)
}

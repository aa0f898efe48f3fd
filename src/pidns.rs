//! ftrace-cli's own pid namespace, and the kernel's ids of its pids.
//!
//! The kernel side filters on the kernel's (init namespace) ids, while `-p`,
//! the command's pid and /proc use the numbers of the namespace ftrace-cli
//! runs in. On the host the two are the same and /proc answers everything.
//! Inside a namespace (a container, `unshare -p`) /proc shows no kernel ids,
//! so a small BPF program (`bpf/pidns.bpf.c`), run in ftrace-cli's own
//! context, looks each pid up as the namespace numbers it and answers with
//! the kernel's ids: a pid outside the namespace is never found. The tracer
//! is then told the namespace's depth and inode, and numbers every record's
//! pids in that namespace itself.

use std::fs;
use std::mem::MaybeUninit;

use libbpf_rs::skel::{OpenSkel, SkelBuilder};
use libbpf_rs::{OpenObject, ProgramInput};

use crate::bpf::pidns::types::{pid_flags, pid_query};
use crate::bpf::pidns::{PidnsSkel, PidnsSkelBuilder};
use crate::error::{Error, Result};

/// The inode of the host's pid namespace (the kernel's PROC_PID_INIT_INO).
const HOST_PID_NS: u64 = 0xEFFF_FFFC;

/// include/linux/sched.h: the task is a kernel thread.
const PF_KTHREAD: u64 = 0x0020_0000;

/// One thread as the kernel knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task {
    /// The kernel's thread id.
    pub tid: u32,
    /// The kernel's thread group (process) id.
    pub tgid: u32,
    pub kthread: bool,
}

/// The pid namespace ftrace-cli runs in.
pub struct Namespace {
    /// Its depth: 0 for the host's.
    pub level: u32,
    pub inum: u32,
    /// The kernel's id of ftrace-cli itself.
    pub self_tgid: u32,
    /// Inside a namespace: the loaded lookup program.
    resolver: Option<PidnsSkel<'static>>,
}

impl Namespace {
    /// The namespace ftrace-cli runs in. Inside one, this loads the lookup
    /// program, so the caller must have checked privileges.
    pub fn current() -> Result<Namespace> {
        let own = std::process::id();
        let host = Namespace {
            level: 0,
            inum: HOST_PID_NS as u32,
            self_tgid: own,
            resolver: None,
        };
        // No /proc to tell: behave as on the host, as before.
        let Ok(meta) = fs::metadata("/proc/self/ns/pid") else {
            return Ok(host);
        };
        if std::os::unix::fs::MetadataExt::ino(&meta) == HOST_PID_NS {
            return Ok(host);
        }
        // /proc of another namespace (unshare -p without --mount-proc) would
        // name other processes than the pids the namespace gives.
        let proc_self = fs::read_link("/proc/self").ok();
        if proc_self.as_deref() != Some(std::path::Path::new(&own.to_string())) {
            return Err(Error::Usage(
                "/proc is not mounted for ftrace-cli's pid namespace, so its pids would name \
                 other processes: mount it there (mount -t proc proc /proc, or unshare \
                 --mount-proc)"
                    .into(),
            ));
        }
        crate::tracer::check_privileges()?;
        let storage = Box::leak(Box::new(MaybeUninit::<OpenObject>::uninit()));
        let skel = PidnsSkelBuilder::default()
            .open(storage)
            .and_then(|open| open.load())
            .map_err(|e| {
                Error::Unsupported(format!(
                    "inside a pid namespace, ftrace-cli needs the kernel's bpf_task_from_vpid \
                     (Linux 6.13 or later) to find the processes it names: {e}"
                ))
            })?;
        let mut ns = Namespace {
            resolver: Some(skel),
            ..host
        };
        let me = ns
            .query(own as i32)?
            .filter(|q| q.flags & pid_flags::PID_FOUND.0 != 0)
            .ok_or_else(|| {
                Error::Runtime("the kernel does not know ftrace-cli's own pid".into())
            })?;
        ns.level = me.level;
        ns.inum = me.inum;
        ns.self_tgid = me.tgid;
        Ok(ns)
    }

    /// True on the host, where the namespace's pids are the kernel's.
    pub fn is_host(&self) -> bool {
        self.resolver.is_none()
    }

    /// The thread `pid` names in this namespace, None when it has none.
    pub fn resolve(&self, pid: i32) -> Result<Option<Task>> {
        if self.is_host() {
            return Ok(task_from_proc(pid));
        }
        Ok(self
            .query(pid)?
            .filter(|q| q.flags & pid_flags::PID_FOUND.0 != 0)
            .map(|q| Task {
                tid: q.tid,
                tgid: q.tgid,
                kthread: q.flags & pid_flags::PID_KTHREAD.0 != 0,
            }))
    }

    fn query(&self, pid: i32) -> Result<Option<pid_query>> {
        let Some(skel) = &self.resolver else {
            return Ok(None);
        };
        let mut query = pid_query {
            vpid: pid,
            ..Default::default()
        };
        // SAFETY: pid_query is plain C data, every bit pattern valid.
        let bytes = unsafe {
            std::slice::from_raw_parts_mut(
                (&mut query as *mut pid_query).cast::<u8>(),
                std::mem::size_of::<pid_query>(),
            )
        };
        let input = ProgramInput {
            context_in: Some(bytes),
            ..Default::default()
        };
        skel.progs
            .resolve
            .test_run(input)
            .map_err(|e| Error::runtime("looking a pid up in the kernel", e))?;
        Ok(Some(query))
    }
}

/// On the host: the thread `pid` names, from /proc.
fn task_from_proc(pid: i32) -> Option<Task> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let tgid = status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))?
        .trim()
        .parse()
        .ok()?;
    Some(Task {
        tid: pid as u32,
        tgid,
        kthread: proc_flags(pid).is_some_and(|f| f & PF_KTHREAD != 0),
    })
}

/// The task flags of /proc/PID/stat (its 9th field).
fn proc_flags(pid: i32) -> Option<u64> {
    let stat = fs::read(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ...": comm may hold ')' itself, so take the last one.
    let close = stat.iter().rposition(|&b| b == b')')?;
    let rest = std::str::from_utf8(stat.get(close + 2..)?).ok()?;
    rest.split(' ').nth(6)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_lookups_come_from_proc() {
        let own = std::process::id();
        let task = task_from_proc(own as i32).unwrap();
        assert_eq!((task.tid, task.tgid, task.kthread), (own, own, false));
        assert!(task_from_proc(i32::MAX).is_none());
        if let Some(kthreadd) = task_from_proc(2) {
            assert!(kthreadd.kthread, "pid 2 is kthreadd on the host");
        }
    }
}

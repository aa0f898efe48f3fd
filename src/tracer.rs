//! Loading the BPF program: open, set its read-only configuration, load,
//! attach, and the maps user space keeps updating.

use std::fs;
use std::mem::MaybeUninit;
use std::path::Path;

use libbpf_rs::skel::{OpenSkel, Skel, SkelBuilder};
use libbpf_rs::{ErrorKind, MapCore, MapFlags, OpenObject};

use std::sync::atomic::{AtomicU64, Ordering};

use crate::bpf::types::{limits, target_kind};
use crate::bpf::{TracerSkel, TracerSkelBuilder};
use crate::cgroup::Cgroup;
use crate::decode::{Detail, Syscall};
use crate::error::{Error, Result};
use crate::pidns::Namespace;
use crate::plan;
use crate::tracepath::TracePaths;

/// Everything the kernel side is told before load.
pub struct Config<'a> {
    pub calls: &'a [Syscall],
    /// -s and -v: how much of strings and arrays the kernel copies.
    pub detail: Detail,
    pub comms: &'a [Vec<u8>],
    /// ftrace-cli's pid namespace: its own kernel id, and how records
    /// number pids.
    pub namespace: &'a Namespace,
    /// Some targets are single threads (-p TID).
    pub filter_threads: bool,
    /// --uid: only these real uids.
    pub uids: &'a [u32],
    /// --cgroup: only these cgroups and below.
    pub cgroups: &'a [Cgroup],
    /// Trace by pid: the -p targets, the command, and with -f their children.
    pub filter_targets: bool,
    pub follow_forks: bool,
    pub only_success: bool,
    pub only_failure: bool,
    /// -y: the kernel names the file behind each descriptor.
    pub fd_paths: bool,
    /// -P: only the calls that touch these paths.
    pub trace_paths: &'a TracePaths,
    /// --json: records carry the namespaces and the executable.
    pub task_details: bool,
    /// Records carry the times of the call's entry and exit.
    pub times: bool,
    pub buffer_size: u32,
}

/// Records and strings the kernel could not deliver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Losses {
    pub ring_full: u64,
    /// No kernel memory for a thread's in-flight call.
    pub in_flight: u64,
    pub faults: u64,
}

impl Losses {
    /// Calls the kernel saw but could not deliver.
    pub fn calls(&self) -> u64 {
        self.ring_full + self.in_flight
    }
}

pub struct Tracer<'obj> {
    pub skel: TracerSkel<'obj>,
}

const CAP_SYS_ADMIN: u32 = 21;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;

/// Fails early, in one line, when this process may not load BPF programs.
pub fn check_privileges() -> Result<()> {
    let caps = effective_capabilities().unwrap_or(0);
    let has = |cap: u32| caps & (1 << cap) != 0;
    if has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON)) {
        return Ok(());
    }
    Err(privilege_error())
}

fn privilege_error() -> Error {
    Error::Privilege(
        "not allowed to load the tracer: run as root, or with CAP_BPF and CAP_PERFMON".into(),
    )
}

fn effective_capabilities() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let hex = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
    u64::from_str_radix(hex.trim(), 16).ok()
}

fn check_kernel() -> Result<()> {
    if !Path::new("/sys/kernel/btf/vmlinux").exists() {
        return Err(Error::Unsupported(
            "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing); ftrace-cli needs a kernel built with CONFIG_DEBUG_INFO_BTF".into(),
        ));
    }
    Ok(())
}

fn load_error(stage: &str, err: libbpf_rs::Error) -> Error {
    match err.kind() {
        // With the capabilities checked already, EACCES at load is the
        // verifier refusing the program, not a missing privilege.
        ErrorKind::PermissionDenied if stage == "loading" && check_privileges().is_ok() => {
            Error::Runtime(format!(
                "the kernel's verifier refused the tracer, a bug in ftrace-cli: {err}"
            ))
        }
        ErrorKind::PermissionDenied => privilege_error(),
        ErrorKind::Unsupported | ErrorKind::InvalidInput => Error::Unsupported(format!(
            "{stage} the tracer failed; the kernel lacks BPF support it needs (ring buffers, raw tracepoints, BTF): {err}"
        )),
        _ => Error::runtime(&format!("{stage} the tracer"), err),
    }
}

/// The bit of the kernel's `comm_bits` for a -c name: `comm_bit()` of
/// bpf/tracer.bpf.c, on the name's first 8 bytes as the kernel holds them
/// (NUL-padded, little-endian).
fn comm_bit(name: &[u8]) -> u32 {
    let mut head = [0u8; 8];
    let n = name.len().min(8);
    head[..n].copy_from_slice(&name[..n]);
    (u64::from_le_bytes(head).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 52) as u32
}

impl<'obj> Tracer<'obj> {
    pub fn load(storage: &'obj mut MaybeUninit<OpenObject>, config: &Config) -> Result<Self> {
        check_kernel()?;
        let builder = TracerSkelBuilder::default();
        let mut open = builder
            .open(storage)
            .map_err(|e| load_error("opening", e))?;

        let rodata = open
            .maps
            .rodata_data
            .as_deref_mut()
            .ok_or_else(|| Error::Runtime("the tracer's rodata is not mapped".into()))?;
        let naming = plan::Naming {
            fd_paths: config.fd_paths,
            trace_paths: !config.trace_paths.is_empty(),
        };
        let table = config.trace_paths.kernel_table();
        rodata.trace_path_count = table.len() as u32;
        rodata.name_files = config.fd_paths || !table.is_empty();
        rodata.self_tgid = config.namespace.self_tgid;
        rodata.ns_level = config.namespace.level;
        rodata.ns_inum = config.namespace.inum;
        rodata.filter_targets = config.filter_targets;
        rodata.filter_threads = config.filter_threads;
        rodata.filter_uids = !config.uids.is_empty();
        let max_cgroups = limits::MAX_CGROUPS.0 as usize;
        if config.cgroups.len() > max_cgroups {
            return Err(Error::Usage(format!(
                "{} --cgroup options: at most {max_cgroups} are supported",
                config.cgroups.len()
            )));
        }
        rodata.nr_cgroups = config.cgroups.len() as u32;
        for (i, cgroup) in config.cgroups.iter().enumerate() {
            rodata.cgroup_ids[i] = cgroup.id;
            rodata.cgroup_levels[i] = cgroup.level;
        }
        rodata.filter_comms = !config.comms.is_empty();
        for comm in config.comms {
            let bit = comm_bit(comm) as usize;
            rodata.comm_bits[bit / 64] |= 1 << (bit % 64);
        }
        rodata.follow_forks = config.follow_forks;
        rodata.only_success = config.only_success;
        rodata.task_details = config.task_details;
        rodata.times = config.times;
        rodata.only_failure = config.only_failure;
        // Wake the reader once a quarter of the buffer is pending; below
        // that it reads on its own timer. Saves a wakeup per record in a storm.
        rodata.wakeup_bytes = u64::from(config.buffer_size / 4);

        let bss = open
            .maps
            .bss_data
            .as_deref_mut()
            .ok_or_else(|| Error::Runtime("the tracer's bss is not mapped".into()))?;
        plan::plans(
            config.calls,
            config.detail,
            naming,
            &mut bss.native_plans,
            &mut bss.compat_plans,
        );
        (bss.last_lengths, bss.prefix_last_lengths) = config.trace_paths.last_lengths();
        for (i, (form, bytes)) in table.into_iter().enumerate() {
            bss.trace_paths[i] = form;
            bss.trace_path_texts[i].bytes[..bytes.len()].copy_from_slice(bytes);
        }

        open.maps
            .events
            .set_max_entries(config.buffer_size)
            .map_err(|e| load_error("sizing the ring buffer of", e))?;

        let mut skel = open.load().map_err(|e| load_error("loading", e))?;
        skel.attach().map_err(|e| load_error("attaching", e))?;
        let tracer = Tracer { skel };
        for uid in config.uids {
            tracer
                .skel
                .maps
                .uids
                .update(&uid.to_ne_bytes(), &[1], MapFlags::ANY)
                .map_err(|e| Error::runtime("setting the uid filter", e))?;
        }
        for comm in config.comms {
            let mut key = [0u8; 16];
            key[..comm.len()].copy_from_slice(comm);
            tracer
                .skel
                .maps
                .comms
                .update(&key, &[1], MapFlags::ANY)
                .map_err(|e| Error::runtime("setting the name filter", e))?;
        }
        Ok(tracer)
    }

    /// Adds a process, by its kernel id, to the traced set.
    pub fn add_target(&mut self, tgid: u32) -> Result<()> {
        self.add(tgid, target_kind::TARGET_PROCESS)
    }

    /// Adds one thread, by the kernel's ids, to the traced set. A process
    /// also added whole stays traced whole.
    pub fn add_thread_target(&mut self, tgid: u32, tid: u32) -> Result<()> {
        self.skel
            .maps
            .thread_targets
            .update(&tid.to_ne_bytes(), &[1], MapFlags::ANY)
            .map_err(|e| Error::runtime("adding a target thread", e))?;
        let whole = self
            .skel
            .maps
            .targets
            .lookup(&tgid.to_ne_bytes(), MapFlags::ANY)
            .ok()
            .flatten()
            .is_some_and(|v| v.first() == Some(&(target_kind::TARGET_PROCESS.0 as u8)));
        if whole {
            return Ok(());
        }
        self.add(tgid, target_kind::TARGET_THREADS)
    }

    fn add(&mut self, tgid: u32, kind: target_kind) -> Result<()> {
        // Its bit first: the kernel looks at the map only where the bit is set.
        if let Some(bss) = self.skel.maps.bss_data.as_deref_mut() {
            let bit = tgid % limits::TARGET_BITS.0;
            let word = &mut bss.target_bits[(bit / 64) as usize];
            // SAFETY: the word is 8-aligned mmap'd memory the kernel updates
            // with atomic ORs; do the same.
            let word = unsafe { AtomicU64::from_ptr(word) };
            word.fetch_or(1 << (bit % 64), Ordering::SeqCst);
        }
        self.skel
            .maps
            .targets
            .update(&tgid.to_ne_bytes(), &[kind.0 as u8], MapFlags::ANY)
            .map_err(|e| Error::runtime("adding a target", e))
    }

    /// Drops a process, by its kernel id, from the traced set.
    pub fn remove_target(&self, tgid: u32) {
        // Absent already: the kernel saw it exit.
        let _ = self.skel.maps.targets.delete(&tgid.to_ne_bytes());
    }

    /// Drops one thread, by its kernel id, from the traced set.
    pub fn remove_thread_target(&self, tid: u32) {
        let _ = self.skel.maps.thread_targets.delete(&tid.to_ne_bytes());
    }

    /// The processes that may be inside a traced call, by /proc's numbers:
    /// the targets, when tracing by pid alone from the initial namespace
    /// (where /proc and the kernel number them alike); None for any.
    pub fn traced_processes(&self) -> Option<Vec<u32>> {
        let rodata = self.skel.maps.rodata_data?;
        if !rodata.filter_targets || rodata.filter_comms || rodata.ns_level != 0 {
            return None;
        }
        let key = |k: Vec<u8>| Some(u32::from_ne_bytes(k.try_into().ok()?));
        Some(self.skel.maps.targets.keys().filter_map(key).collect())
    }

    /// True once no traced process or thread is left.
    pub fn targets_gone(&self) -> bool {
        let maps = &self.skel.maps;
        if maps.thread_targets.keys().next().is_some() {
            return false;
        }
        // Processes traced for some threads only are gone with those threads.
        let process = [target_kind::TARGET_PROCESS.0 as u8];
        !maps.targets.keys().any(|key| {
            maps.targets
                .lookup(&key, MapFlags::ANY)
                .ok()
                .flatten()
                .is_some_and(|v| v == process)
        })
    }

    pub fn losses(&self) -> Losses {
        match self.skel.maps.bss_data.as_deref() {
            // SAFETY: plain integers the kernel updates; read them whole.
            Some(bss) => unsafe {
                Losses {
                    ring_full: std::ptr::read_volatile(&bss.lost_records),
                    in_flight: std::ptr::read_volatile(&bss.lost_in_flight),
                    faults: std::ptr::read_volatile(&bss.capture_faults),
                }
            },
            None => Losses::default(),
        }
    }
}

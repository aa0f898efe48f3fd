//! What the live view counts: per path, per syscall and per process, in
//! bounded tables, updated once per record without allocating for a key
//! already present.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::rc::Rc;

use crate::decode::{Call, Memory, Syscall};
use crate::record::Event;

/// At most this many distinct keys per table; later ones fold into "(other)".
pub const MAX_KEYS: usize = 10_000;
/// At most this many bytes of keys per table (a path can be 4 KiB long).
pub const MAX_KEY_BYTES: usize = 8 << 20;
/// How many of the newest failing calls are kept, as raw records.
pub const FAILURES: usize = 3;

/// Path keys for calls without a readable path. Real paths are C strings:
/// they never hold a NUL, so these never collide with one.
pub const NO_PATH: &[u8] = b"\0(no path)";
pub const NULL_PATH: &[u8] = b"\0(NULL)";
pub const UNREADABLE_PATH: &[u8] = b"\0(unreadable)";

/// One row: how often a key was seen, and how its latest calls went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub count: u64,
    pub errors: u64,
    /// The result of the latest call, as its caller saw it.
    pub last_result: i64,
    /// Whether the latest call failed.
    pub last_failed: bool,
    /// The errno of the latest failed call (0: none failed).
    pub last_errno: u32,
    /// CLOCK_MONOTONIC at the exit of the latest call, and of the latest failure.
    pub last_seen_ns: u64,
    pub last_error_ns: u64,
    /// The latest call: its index in the call table, and whether it was 32-bit.
    pub syscall: u16,
    pub compat: bool,
    /// The name of the thread that made the latest call.
    pub comm: [u8; 16],
}

/// One call, as the tables see it.
pub struct Hit<'a> {
    pub syscall: u16,
    pub compat: bool,
    pub result: i64,
    pub errno: Option<u32>,
    pub seen_ns: u64,
    pub comm: &'a [u8],
}

impl Row {
    fn add(&mut self, hit: &Hit) {
        self.count += 1;
        self.last_result = hit.result;
        self.last_failed = hit.errno.is_some();
        // Records come in exit order per CPU, not quite globally.
        self.last_seen_ns = self.last_seen_ns.max(hit.seen_ns);
        if let Some(errno) = hit.errno {
            self.errors += 1;
            self.last_errno = errno;
            self.last_error_ns = self.last_error_ns.max(hit.seen_ns);
        }
        self.syscall = hit.syscall;
        self.compat = hit.compat;
        let n = hit.comm.len().min(self.comm.len());
        self.comm = [0; 16];
        self.comm[..n].copy_from_slice(&hit.comm[..n]);
    }

    pub fn syscall(&self) -> Syscall {
        Syscall::from_index(usize::from(self.syscall)).unwrap_or(Syscall::named("openat"))
    }

    pub fn comm(&self) -> &[u8] {
        let end = self.comm.iter().position(|&b| b == 0).unwrap_or(16);
        &self.comm[..end]
    }
}

/// Rows by key, at most [`MAX_KEYS`] of them; the rest add up in `other`.
pub struct Table<K> {
    pub rows: HashMap<K, Row>,
    pub other: Row,
    key_bytes: usize,
}

impl<K> Default for Table<K> {
    fn default() -> Self {
        Table {
            rows: HashMap::new(),
            other: Row::default(),
            key_bytes: 0,
        }
    }
}

impl<K: Hash + Eq> Table<K> {
    /// Counts `hit` under `key`; `owned` makes the stored key, only for a
    /// new one that fits, whose size is `size` bytes.
    pub fn add<Q>(&mut self, key: &Q, size: usize, hit: &Hit, owned: impl FnOnce() -> K)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(row) = self.rows.get_mut(key) {
            row.add(hit);
            return;
        }
        let row = if self.rows.len() < MAX_KEYS && self.key_bytes + size <= MAX_KEY_BYTES {
            self.key_bytes += size;
            self.rows.entry(owned()).or_default()
        } else {
            &mut self.other
        };
        row.add(hit);
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.rows.shrink_to(64);
        self.other = Row::default();
        self.key_bytes = 0;
    }
}

/// Everything the live view counts.
#[derive(Default)]
pub struct Stats {
    pub paths: Table<Rc<[u8]>>,
    /// Keyed by [`syscall_code`].
    pub syscalls: Table<u16>,
    /// Keyed by process (thread group) id.
    pub procs: Table<u32>,
    /// Calls and failed calls since start or the last clear.
    pub events: u64,
    pub errors: u64,
    /// Calls since start, never cleared: the rate is computed from it.
    pub seen: u64,
    /// The newest failing calls as raw records, `next` the slot to overwrite.
    failures: [Vec<u8>; FAILURES],
    next: usize,
    failed: usize,
}

/// The path a call is about: the file opened or marked, the link created.
pub fn path_of<'a>(call: &Call<'a>) -> &'a [u8] {
    let Some((_, memory)) = call.main_path() else {
        return NO_PATH;
    };
    match *memory {
        Memory::Null => NULL_PATH,
        Memory::Unreadable => UNREADABLE_PATH,
        read => read.data().unwrap_or_default(),
    }
}

pub fn syscall_index(syscall: Syscall) -> u16 {
    syscall.index() as u16
}

/// The key of the syscalls table: a call and whether it was 32-bit.
pub fn syscall_code(syscall: u16, compat: bool) -> u16 {
    syscall * 2 + u16::from(compat)
}

/// The call and ABI a [`syscall_code`] stands for.
pub fn from_syscall_code(code: u16) -> (Syscall, bool) {
    let syscall = Syscall::from_index(usize::from(code / 2)).unwrap_or(Syscall::named("openat"));
    (syscall, code % 2 == 1)
}

impl Stats {
    /// Counts one parsed call; `raw` is its record, kept if the call failed.
    pub fn add(&mut self, event: &Event, call: &Call, raw: &[u8]) {
        let errno = call.errno();
        let hit = Hit {
            syscall: syscall_index(call.syscall),
            compat: call.compat,
            result: call.result(),
            errno,
            seen_ns: event.header.exit_ns,
            comm: event.comm,
        };
        self.events += 1;
        self.seen += 1;
        let path = path_of(call);
        self.paths.add(path, path.len(), &hit, || Rc::from(path));
        let code = syscall_code(hit.syscall, hit.compat);
        self.syscalls.add(&code, 0, &hit, || code);
        let pid = event.header.pid;
        self.procs.add(&pid, 0, &hit, || pid);
        if errno.is_some() {
            self.errors += 1;
            let slot = &mut self.failures[self.next];
            slot.clear();
            slot.extend_from_slice(raw);
            self.next = (self.next + 1) % FAILURES;
            self.failed = (self.failed + 1).min(FAILURES);
        }
    }

    /// The newest failing calls' records, newest first.
    pub fn failures(&self) -> impl Iterator<Item = &[u8]> {
        (1..=self.failed)
            .map(move |back| self.failures[(self.next + FAILURES - back) % FAILURES].as_slice())
    }

    /// Forgets every count but `seen`.
    pub fn clear(&mut self) {
        self.paths.clear();
        self.syscalls.clear();
        self.procs.clear();
        self.events = 0;
        self.errors = 0;
        self.failed = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(errno: Option<u32>, seen_ns: u64) -> Hit<'static> {
        Hit {
            syscall: syscall_index(Syscall::named("openat")),
            compat: false,
            result: if errno.is_some() { -1 } else { 3 },
            errno,
            seen_ns,
            comm: b"cat",
        }
    }

    #[test]
    fn rows_count_and_remember_the_latest_failure() {
        let mut table: Table<Rc<[u8]>> = Table::default();
        let key: &[u8] = b"/etc/hostname";
        table.add(key, key.len(), &hit(Some(2), 10), || Rc::from(key));
        table.add(key, key.len(), &hit(None, 20), || unreachable!());
        let row = table.rows[key];
        assert_eq!((row.count, row.errors), (2, 1));
        assert_eq!((row.last_result, row.last_failed), (3, false));
        assert_eq!(
            (row.last_errno, row.last_error_ns, row.last_seen_ns),
            (2, 10, 20)
        );
        assert_eq!(row.comm(), b"cat");
        assert_eq!(row.syscall(), Syscall::named("openat"));
    }

    #[test]
    fn tables_are_bounded() {
        let mut table: Table<u32> = Table::default();
        for key in 0..MAX_KEYS as u32 + 5 {
            table.add(&key, 0, &hit(None, 1), || key);
        }
        assert_eq!(table.rows.len(), MAX_KEYS);
        assert_eq!(table.other.count, 5);
        // A key already present still counts as itself.
        table.add(&0, 0, &hit(None, 1), || unreachable!());
        assert_eq!(table.rows[&0].count, 2);

        let mut paths: Table<Rc<[u8]>> = Table::default();
        let long = vec![b'a'; 4096];
        for i in 0..(MAX_KEY_BYTES / 4096 + 3) {
            let mut key = long.clone();
            key[..8].copy_from_slice(&(i as u64).to_le_bytes());
            paths.add(&key[..], key.len(), &hit(None, 1), || Rc::from(&key[..]));
        }
        assert_eq!(paths.rows.len(), MAX_KEY_BYTES / 4096);
        assert_eq!(paths.other.count, 3);
        paths.clear();
        assert!(paths.rows.is_empty());
        assert_eq!(paths.other, Row::default());
    }
}

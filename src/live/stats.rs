//! What the live view counts: per path, per syscall and per process, in
//! bounded tables, updated once per record without allocating for a key
//! already present.
//!
//! A full table makes room for a new key by folding the tenth of its keys
//! seen least recently into its "(other)" row: a new key always gets a row
//! of its own, so a new hot spot shows at once, and a key in use keeps its
//! row. The totals stay exact; only the split of the evicted counts is lost.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::rc::Rc;

use crate::decode::{Call, Memory, Syscall};
use crate::record::Event;

/// At most this many distinct keys per table.
pub const MAX_KEYS: usize = 10_000;
/// At most this many bytes of keys per table (a path can be 4 KiB long).
pub const MAX_KEY_BYTES: usize = 8 << 20;
/// A full table evicts this fraction (1/N) of its keys at once, so that
/// the cost of finding the least recently seen ones is shared by many.
const EVICT_FRACTION: usize = 10;
/// How many of the newest failing calls are kept, as raw records.
pub const FAILURES: usize = 3;

/// Path keys for calls without a readable path. Real paths are C strings:
/// they never hold a NUL, so these never collide with one.
pub const NO_PATH: &[u8] = b"\0(no path)";
pub const NULL_PATH: &[u8] = b"\0(NULL)";
pub const UNREADABLE_PATH: &[u8] = b"\0(unreadable)";

/// A thread name as the kernel keeps it: at most 15 bytes, NUL-padded.
pub type Comm = [u8; 16];

pub fn comm_key(comm: &[u8]) -> Comm {
    let mut key = [0; 16];
    let n = comm.len().min(15);
    key[..n].copy_from_slice(&comm[..n]);
    key
}

/// The name in a [`Comm`], without its padding.
pub fn comm_bytes(comm: &Comm) -> &[u8] {
    let end = comm.iter().position(|&b| b == 0).unwrap_or(16);
    &comm[..end]
}

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

    /// Adds the counts of `other` (an evicted row) to this one; the
    /// latest call and the latest failure are the later of the two.
    pub fn merge(&mut self, other: &Row) {
        self.count += other.count;
        self.errors += other.errors;
        if other.last_seen_ns >= self.last_seen_ns {
            self.last_result = other.last_result;
            self.last_failed = other.last_failed;
            self.last_seen_ns = other.last_seen_ns;
            self.syscall = other.syscall;
            self.compat = other.compat;
            self.comm = other.comm;
        }
        if other.errors > 0 && other.last_error_ns >= self.last_error_ns {
            self.last_errno = other.last_errno;
            self.last_error_ns = other.last_error_ns;
        }
    }

    pub fn syscall(&self) -> Syscall {
        Syscall::from_index(usize::from(self.syscall)).unwrap_or(Syscall::named("openat"))
    }
}

/// A table key, and what it costs to keep.
pub trait TableKey: Hash + Eq + Clone {
    /// Bytes held by the key beyond its own size.
    fn bytes(&self) -> usize {
        0
    }
}

impl TableKey for Rc<[u8]> {
    fn bytes(&self) -> usize {
        self.len()
    }
}

impl TableKey for u16 {}

impl TableKey for (Comm, u32) {}

/// Rows by key, at most [`MAX_KEYS`] of them (see the module's eviction
/// rule); `other` sums the rows evicted.
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

impl<K: TableKey> Table<K> {
    /// Counts `hit` under `key`; `owned` makes the stored key, only for a
    /// new one.
    pub fn add<Q>(&mut self, key: &Q, hit: &Hit, owned: impl FnOnce() -> K)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(row) = self.rows.get_mut(key) {
            row.add(hit);
            return;
        }
        let key = owned();
        let size = key.bytes();
        if size > MAX_KEY_BYTES {
            self.other.add(hit);
            return;
        }
        while self.rows.len() >= MAX_KEYS || self.key_bytes + size > MAX_KEY_BYTES {
            self.evict();
        }
        self.key_bytes += size;
        self.rows.entry(key).or_default().add(hit);
    }

    /// Folds the least recently seen tenth of the rows into `other`.
    fn evict(&mut self) {
        let mut ages: Vec<(u64, K)> = self
            .rows
            .iter()
            .map(|(key, row)| (row.last_seen_ns, key.clone()))
            .collect();
        let n = (ages.len() / EVICT_FRACTION).max(1).min(ages.len());
        if n < ages.len() {
            ages.select_nth_unstable_by_key(n, |(seen, _)| *seen);
        }
        for (_, key) in &ages[..n] {
            if let Some(row) = self.rows.remove(key) {
                self.other.merge(&row);
                self.key_bytes -= key.bytes();
            }
        }
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
    /// Keyed by name and process (thread group) id: the processes view
    /// groups them by name.
    pub procs: Table<(Comm, u32)>,
    /// Calls and failed calls since start or the last clear.
    pub calls: u64,
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
        self.calls += 1;
        self.seen += 1;
        let path = path_of(call);
        self.paths.add(path, &hit, || Rc::from(path));
        let code = syscall_code(hit.syscall, hit.compat);
        self.syscalls.add(&code, &hit, || code);
        let proc = (comm_key(event.comm), event.header.pid);
        self.procs.add(&proc, &hit, || proc);
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
        self.calls = 0;
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
        table.add(key, &hit(Some(2), 10), || Rc::from(key));
        table.add(key, &hit(None, 20), || unreachable!());
        let row = table.rows[key];
        assert_eq!((row.count, row.errors), (2, 1));
        assert_eq!((row.last_result, row.last_failed), (3, false));
        assert_eq!(
            (row.last_errno, row.last_error_ns, row.last_seen_ns),
            (2, 10, 20)
        );
        assert_eq!(comm_bytes(&row.comm), b"cat");
        assert_eq!(row.syscall(), Syscall::named("openat"));
    }

    #[test]
    fn a_full_table_evicts_the_least_recently_seen_keys() {
        let mut table: Table<u16> = Table::default();
        // Key k last seen at time k; key 0 is the busiest but oldest.
        for _ in 0..100 {
            table.add(&0, &hit(None, 0), || 0);
        }
        for key in 1..MAX_KEYS as u16 {
            table.add(&key, &hit(Some(2), u64::from(key)), || key);
        }
        assert_eq!(table.rows.len(), MAX_KEYS);
        assert_eq!(table.other, Row::default());
        // Key 1 is seen again: it is not cold any more.
        table.add(&1, &hit(None, 20_000), || unreachable!());
        // A new key gets a row of its own, and so does a later busy one.
        table.add(&30_000, &hit(None, 30_000), || 30_000);
        for _ in 0..50 {
            table.add(&30_001, &hit(None, 30_001), || 30_001);
        }
        assert_eq!(table.rows.len(), MAX_KEYS - MAX_KEYS / EVICT_FRACTION + 2);
        assert_eq!(table.rows[&30_001].count, 50);
        assert_eq!(table.rows[&30_000].count, 1);
        assert_eq!(table.rows[&1].count, 2);
        // The tenth seen least recently went to "(other)": keys 0, 2, 3, ...
        assert!(!table.rows.contains_key(&0) && !table.rows.contains_key(&2));
        let evicted = MAX_KEYS / EVICT_FRACTION;
        assert!(!table.rows.contains_key(&(evicted as u16)));
        assert!(table.rows.contains_key(&(evicted as u16 + 1)));
        assert_eq!(table.other.count, 100 + evicted as u64 - 1);
        assert_eq!(table.other.errors, evicted as u64 - 1);
        assert_eq!(
            (table.other.last_seen_ns, table.other.last_errno),
            (evicted as u64, 2)
        );
        // Nothing is lost: the rows and "(other)" add up to every call.
        let total: u64 = table.rows.values().map(|r| r.count).sum::<u64>() + table.other.count;
        assert_eq!(total, 100 + (MAX_KEYS as u64 - 1) + 1 + 1 + 50);
    }

    #[test]
    fn key_bytes_are_bounded_too() {
        let mut paths: Table<Rc<[u8]>> = Table::default();
        let long = vec![b'a'; 4096];
        let fit = MAX_KEY_BYTES / 4096;
        for i in 0..fit + 3 {
            let mut key = long.clone();
            key[..8].copy_from_slice(&(i as u64).to_le_bytes());
            paths.add(&key[..], &hit(None, i as u64), || Rc::from(&key[..]));
        }
        assert!(paths.rows.len() <= fit);
        assert_eq!(paths.rows.len() as u64 + paths.other.count, fit as u64 + 3);
        // The newest key is always kept.
        let mut newest = long.clone();
        newest[..8].copy_from_slice(&((fit + 2) as u64).to_le_bytes());
        assert!(paths.rows.contains_key(&newest[..]));
        paths.clear();
        assert!(paths.rows.is_empty());
        assert_eq!(paths.other, Row::default());
    }
}

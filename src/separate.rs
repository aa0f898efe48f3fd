//! -ff (--output-separately) with -o FILE: each process's calls go to
//! FILE.PID, as strace writes them.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::output::{Format, Printer};
use crate::record::Event;
use crate::session::Sink;
use crate::tracepath::TracePaths;
use crate::tracer::Losses;

/// Files kept open at once; past this, all are flushed and closed, and a
/// process that makes another call has its file reopened for appending.
const OPEN_MAX: usize = 256;

pub struct Separate {
    base: PathBuf,
    append: bool,
    format: Format,
    /// -P: each file's printer checks the kernel's choice of calls.
    trace_paths: TracePaths,
    open: HashMap<u32, Printer>,
    /// Processes whose file was written and closed: reopened to append.
    closed: HashSet<u32>,
    malformed: u64,
    error: Option<Error>,
}

impl Separate {
    /// FILE.PID for each process under `base`; `append` as -A.
    pub fn new(base: PathBuf, append: bool, format: Format, trace_paths: TracePaths) -> Self {
        Separate {
            base,
            append,
            format,
            trace_paths,
            open: HashMap::new(),
            closed: HashSet::new(),
            malformed: 0,
            error: None,
        }
    }

    fn path(&self, pid: u32) -> PathBuf {
        let mut name = self.base.clone().into_os_string();
        name.push(format!(".{pid}"));
        PathBuf::from(name)
    }

    fn open(&self, pid: u32) -> Result<File> {
        let path = self.path(pid);
        let append = self.append || self.closed.contains(&pid);
        OpenOptions::new()
            .write(true)
            .create(true)
            .append(append)
            .truncate(!append)
            .open(&path)
            .map_err(|e| {
                Error::runtime(&format!("writing {}", path.display()), Error::describe(&e))
            })
    }

    /// Flushes and closes every file, remembering them for appending.
    fn close_all(&mut self, losses: Losses) {
        for (pid, mut printer) in self.open.drain() {
            if let Err(e) = printer.finish(losses) {
                self.error.get_or_insert(e);
            }
            self.closed.insert(pid);
        }
    }
}

impl Sink for Separate {
    fn record(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let pid = match Event::parse(bytes) {
            Ok(event) => event.header.pid,
            Err(_) => {
                self.malformed += 1;
                return;
            }
        };
        if !self.open.contains_key(&pid) {
            if self.open.len() >= OPEN_MAX {
                self.close_all(Losses::default());
            }
            match self.open(pid) {
                Ok(file) => {
                    self.open.insert(
                        pid,
                        Printer::new(file, self.format).selecting(self.trace_paths.clone()),
                    );
                }
                Err(e) => {
                    self.error = Some(e);
                    return;
                }
            }
        }
        if let Some(printer) = self.open.get_mut(&pid) {
            printer.record(bytes);
        }
    }

    fn tick(&mut self, losses: Losses) -> bool {
        for printer in self.open.values_mut() {
            if !printer.tick(losses) {
                return false;
            }
        }
        self.error.is_none()
    }

    fn finish(&mut self, losses: Losses) -> Result<()> {
        self.close_all(losses);
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn malformed(&self) -> u64 {
        // Printers get only records already parsed here.
        self.malformed
    }
}

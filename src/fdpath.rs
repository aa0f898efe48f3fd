//! strace -y: the file behind a descriptor, read from /proc as the line is
//! printed. A descriptor closed (or a process gone) by then prints bare. A
//! returned descriptor is named only if /proc shows the very file the kernel
//! saw when the call returned: a number closed and reused meanwhile would
//! name another file.

use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

use crate::decode::{write_escaped_also, FdPaths};

const AT_FDCWD: i32 = -100;

/// Names descriptors of one thread through /proc/TID.
pub struct ProcFdPaths {
    pub tid: u32,
    /// (device, inode) of the file the returned descriptor referred to
    /// when the call returned, as the kernel saw it; None: unknown.
    pub returned: Option<(u64, u64)>,
    /// Reused for the /proc path, so that decorating allocates nothing.
    link: String,
}

impl ProcFdPaths {
    pub fn new() -> Self {
        ProcFdPaths {
            tid: 0,
            returned: None,
            link: String::with_capacity(32),
        }
    }
}

impl FdPaths for ProcFdPaths {
    fn decorate(&mut self, out: &mut String, fd: i32) {
        self.link.clear();
        let _ = match fd {
            AT_FDCWD => write!(self.link, "/proc/{}/cwd", self.tid),
            fd if fd >= 0 => write!(self.link, "/proc/{}/fd/{fd}", self.tid),
            _ => return,
        };
        if let Ok(target) = std::fs::read_link(&self.link) {
            out.push('<');
            write_escaped_also(out, target.as_os_str().as_bytes(), b"<>");
            out.push('>');
        }
    }

    fn decorate_returned(&mut self, out: &mut String, fd: i32) {
        let Some((dev, ino)) = self.returned else {
            return;
        };
        self.link.clear();
        let _ = write!(self.link, "/proc/{}/fd/{fd}", self.tid);
        // stat follows the link to the file itself.
        match std::fs::metadata(&self.link) {
            Ok(meta) if meta.dev() == dev && meta.ino() == ino => self.decorate(out, fd),
            _ => {}
        }
    }
}

/// The kernel's dev_t (12-bit major, 20-bit minor) as stat(2) reports it.
pub fn user_dev(kernel_dev: u64) -> u64 {
    libc::makedev((kernel_dev >> 20) as u32, (kernel_dev & 0xfffff) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_own_descriptors_and_cwd() {
        let mut fds = ProcFdPaths::new();
        fds.tid = std::process::id();
        let file = std::fs::File::open("/proc/self/status").unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
        let mut out = String::from("3");
        fds.decorate(&mut out, fd);
        assert!(
            out.starts_with("3</proc/") && out.ends_with("/status>"),
            "{out}"
        );
        let mut out = String::new();
        fds.decorate(&mut out, AT_FDCWD);
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(out, format!("<{}>", cwd.display()));
        let mut out = String::new();
        fds.decorate(&mut out, 9999);
        fds.decorate(&mut out, -1);
        assert_eq!(out, "", "unknown descriptors print bare");
    }
}

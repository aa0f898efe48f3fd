//! Waiting for whatever feeds or ends a trace, all in one epoll set: the
//! ring buffer, a stop signal (through a pipe the handler writes), and a
//! pidfd for each process whose exit ends the trace. A command's exit is
//! seen the moment it happens, not at the next timer tick.

use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use nix::fcntl::OFlag;
use nix::unistd::pipe2;

use crate::error::{Error, Result};

/// The write end of the signal pipe, for the signal handler; -1 before.
static SIGNAL_PIPE: AtomicI32 = AtomicI32::new(-1);

/// Wakes the waiter from a signal handler (async-signal-safe: one write to
/// a non-blocking pipe; errno is kept as it was).
pub fn wake_from_signal() {
    let fd = SIGNAL_PIPE.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: errno is thread-local; write(2) is async-signal-safe and
        // the byte is a local.
        unsafe {
            let errno = *libc::__errno_location();
            libc::write(fd, [1u8].as_ptr().cast(), 1);
            *libc::__errno_location() = errno;
        }
    }
}

/// pidfd_open's flag for a pidfd of one thread (Linux 6.9; O_EXCL).
const PIDFD_THREAD: libc::c_int = libc::O_EXCL;

const RING: u64 = 0;
const SIGNAL: u64 = 1;
/// Tokens from here on are indexes into `pids` (plus this).
const PID_BASE: u64 = 2;

pub struct Waiter {
    epoll: OwnedFd,
    signal_read: OwnedFd,
    _signal_write: OwnedFd,
    /// Watched processes: (pid, its pidfd), None once it has exited.
    pids: Vec<(i32, Option<OwnedFd>)>,
}

/// What a wait saw.
#[derive(Default)]
pub struct Woken {
    /// Watched processes that exited.
    pub exited: Vec<i32>,
    /// A stop signal came.
    pub signal: bool,
}

impl Waiter {
    pub fn new() -> Result<Waiter> {
        // SAFETY: epoll_create1 returns a new descriptor or -1.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(Error::runtime("epoll", std::io::Error::last_os_error()));
        }
        // SAFETY: just created, owned by nobody else.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        let (signal_read, signal_write) =
            pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).map_err(|e| Error::runtime("pipe", e))?;
        let waiter = Waiter {
            epoll,
            signal_read,
            _signal_write: signal_write,
            pids: Vec::new(),
        };
        waiter.add(waiter.signal_read.as_raw_fd(), SIGNAL)?;
        SIGNAL_PIPE.store(waiter._signal_write.as_raw_fd(), Ordering::Relaxed);
        Ok(waiter)
    }

    /// The ring buffer's own epoll descriptor (libbpf's), nested in ours.
    pub fn add_ring(&self, fd: RawFd) -> Result<()> {
        self.add(fd, RING)
    }

    /// Watches `pid` (as ftrace-cli's namespace numbers it) for its exit,
    /// or for a `thread`, that one thread's; false when no pidfd could be
    /// had (gone already, or a kernel without pidfd_open): the caller
    /// then looks on each timer tick.
    pub fn watch(&mut self, pid: i32, thread: bool) -> bool {
        let flags = if thread { PIDFD_THREAD } else { 0 };
        // SAFETY: pidfd_open returns a new descriptor or -1.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, flags) } as i32;
        if fd < 0 {
            return false;
        }
        // SAFETY: just created, owned by nobody else.
        let pidfd = unsafe { OwnedFd::from_raw_fd(fd) };
        let token = PID_BASE + self.pids.len() as u64;
        if self.add(pidfd.as_raw_fd(), token).is_err() {
            return false;
        }
        self.pids.push((pid, Some(pidfd)));
        true
    }

    fn add(&self, fd: RawFd, token: u64) -> Result<()> {
        let mut event = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: token,
        };
        // SAFETY: both descriptors are open; the event is a local.
        let rc =
            unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event) };
        if rc < 0 {
            return Err(Error::runtime("epoll", std::io::Error::last_os_error()));
        }
        Ok(())
    }

    /// Waits until something is ready or `timeout` passes.
    pub fn wait(&mut self, timeout: Duration) -> Woken {
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; 8];
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: the buffer holds `events.len()` entries.
        let n = unsafe {
            libc::epoll_wait(
                self.epoll.as_raw_fd(),
                events.as_mut_ptr(),
                events.len() as i32,
                ms,
            )
        };
        let mut woken = Woken::default();
        // EINTR: a signal, which the pipe reports too.
        for event in events.iter().take(usize::try_from(n).unwrap_or(0)) {
            match event.u64 {
                RING => {}
                SIGNAL => {
                    woken.signal = true;
                    let mut bytes = [0u8; 64];
                    while nix::unistd::read(self.signal_read.as_fd(), &mut bytes)
                        .is_ok_and(|n| n > 0)
                    {}
                }
                token => {
                    let index = (token - PID_BASE) as usize;
                    if let Some((pid, fd)) = self.pids.get_mut(index) {
                        if let Some(fd) = fd.take() {
                            // SAFETY: removing a descriptor we own from our set.
                            unsafe {
                                libc::epoll_ctl(
                                    self.epoll.as_raw_fd(),
                                    libc::EPOLL_CTL_DEL,
                                    fd.as_raw_fd(),
                                    std::ptr::null_mut(),
                                )
                            };
                            woken.exited.push(*pid);
                        }
                    }
                }
            }
        }
        woken
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        SIGNAL_PIPE.store(-1, Ordering::Relaxed);
    }
}

//! Running the command after `--` so that not one of its calls is missed:
//! the child is forked at once but waits on a pipe until the tracer is
//! attached and knows its pid, and only then execs.

use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::signal::{signal, SigHandler, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{execv, fork, pipe2, ForkResult, Pid};

use crate::error::{Error, Result};

/// A forked child that has not exec'd yet.
pub struct Gated {
    pub pid: Pid,
    go: File,
    exec_error: File,
    program: String,
}

/// Forks a child that will exec `command` once released. With `output`,
/// the command writes its stdout and stderr there, reads /dev/null, and
/// runs in a session of its own, away from the terminal (which the live
/// view holds).
pub fn spawn_gated(command: &[OsString], output: Option<&File>) -> Result<Gated> {
    let name = command
        .first()
        .ok_or_else(|| Error::Usage("no command after `--`".into()))?;
    let program = resolve(name)?;
    let shown = name.to_string_lossy().into_owned();
    let path = cstring(program.as_os_str())?;
    let argv = command
        .iter()
        .map(|a| cstring(a))
        .collect::<Result<Vec<_>>>()?;

    let stdio = match output {
        Some(file) => {
            let null = File::open("/dev/null").map_err(|e| Error::runtime("/dev/null", e))?;
            Some((null, file))
        }
        None => None,
    };
    let (go_read, go_write) = pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::runtime("pipe", e))?;
    let (err_read, err_write) = pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::runtime("pipe", e))?;

    // SAFETY: the process is single-threaded here (nothing has been loaded
    // yet), and the child only reads, execs or exits.
    match unsafe { fork() }.map_err(|e| Error::runtime("fork", e))? {
        ForkResult::Child => {
            drop(go_write);
            drop(err_read);
            child(go_read, err_write, stdio, &path, &argv)
        }
        ForkResult::Parent { child } => Ok(Gated {
            pid: child,
            go: File::from(go_write),
            exec_error: File::from(err_read),
            program: shown,
        }),
    }
}

fn child(
    go: OwnedFd,
    exec_error: OwnedFd,
    stdio: Option<(File, &File)>,
    path: &CString,
    argv: &[CString],
) -> ! {
    let mut go = File::from(go);
    let mut byte = [0u8; 1];
    // EOF without the byte: the tracer gave up; do not run untraced.
    if !matches!(go.read(&mut byte), Ok(1)) {
        // SAFETY: _exit is always safe to call.
        unsafe { libc::_exit(1) };
    }
    if let Some((input, output)) = stdio {
        // dup2 leaves the copies open across exec; no terminal is left.
        let _ = nix::unistd::setsid();
        for (from, to) in [
            (input.as_raw_fd(), 0),
            (output.as_raw_fd(), 1),
            (output.as_raw_fd(), 2),
        ] {
            // SAFETY: dup2 on descriptors this process holds.
            if unsafe { libc::dup2(from, to) } < 0 {
                // SAFETY: _exit is always safe to call.
                unsafe { libc::_exit(1) };
            }
        }
    }
    // Rust ignores SIGPIPE; an ignored signal stays ignored across exec.
    // SAFETY: restoring the default disposition.
    let _ = unsafe { signal(Signal::SIGPIPE, SigHandler::SigDfl) };
    let errno = match execv(path, argv) {
        Err(e) => e as i32,
        Ok(never) => match never {},
    };
    let mut report = File::from(exec_error);
    let _ = report.write_all(&errno.to_ne_bytes());
    // SAFETY: _exit is always safe to call.
    unsafe { libc::_exit(127) }
}

impl Gated {
    /// Lets the child exec, and reports whether the exec succeeded.
    pub fn release(mut self) -> Result<Pid> {
        self.go
            .write_all(b"g")
            .map_err(|e| Error::runtime("starting the command", e))?;
        drop(self.go);
        let mut errno = [0u8; 4];
        match self.exec_error.read_exact(&mut errno) {
            // The pipe closed on exec: the command runs.
            Err(_) => Ok(self.pid),
            Ok(()) => {
                let _ = waitpid(self.pid, None);
                let errno = Errno::from_raw(i32::from_ne_bytes(errno));
                Err(exec_error(&self.program, errno))
            }
        }
    }
}

fn exec_error(program: &str, errno: Errno) -> Error {
    match errno {
        Errno::ENOENT => Error::CommandNotFound(format!("{program}: command not found")),
        _ => Error::CommandNotExecutable(format!("{program}: {}", errno.desc())),
    }
}

/// Finds the file `name` runs, as a shell would, so that a typo is reported
/// before anything is traced.
fn resolve(name: &OsStr) -> Result<PathBuf> {
    let shown = name.to_string_lossy();
    if name.is_empty() {
        return Err(Error::CommandNotFound("'': command not found".into()));
    }
    if name.as_bytes().contains(&b'/') {
        let path = PathBuf::from(name);
        return check_executable(&path, &shown).map(|()| path);
    }
    let search = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    let mut denied = None;
    for dir in std::env::split_paths(&search) {
        let path = dir.join(name);
        match check_executable(&path, &shown) {
            Ok(()) => return Ok(path),
            Err(err @ Error::CommandNotExecutable(_)) => {
                denied.get_or_insert(err);
            }
            Err(_) => {}
        }
    }
    Err(denied.unwrap_or_else(|| Error::CommandNotFound(format!("{shown}: command not found"))))
}

fn check_executable(path: &Path, shown: &str) -> Result<()> {
    let meta = match path.metadata() {
        Ok(meta) => meta,
        Err(_) => {
            return Err(Error::CommandNotFound(format!(
                "{shown}: command not found"
            )))
        }
    };
    if meta.is_dir() {
        return Err(Error::CommandNotExecutable(format!(
            "{shown}: is a directory"
        )));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(Error::CommandNotExecutable(format!(
            "{shown}: permission denied"
        )));
    }
    Ok(())
}

fn cstring(s: &OsStr) -> Result<CString> {
    CString::new(s.as_bytes())
        .map_err(|_| Error::Usage(format!("{}: contains a NUL byte", s.to_string_lossy())))
}

/// The child's exit status once it has ended, as a shell reports it:
/// its own code, or 128 + the signal that killed it.
pub fn try_reap(pid: Pid) -> Option<i32> {
    status(waitpid(pid, Some(WaitPidFlag::WNOHANG)))
}

/// Waits for the child to end and returns [`try_reap`]'s status.
pub fn reap(pid: Pid) -> Option<i32> {
    status(waitpid(pid, None))
}

fn status(waited: nix::Result<WaitStatus>) -> Option<i32> {
    match waited {
        Ok(WaitStatus::Exited(_, code)) => Some(code),
        Ok(WaitStatus::Signaled(_, sig, _)) => Some(128 + sig as i32),
        Ok(_) => None,
        // ECHILD: reaped already, which only happens after it was reported.
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_a_shell() {
        assert!(resolve(OsStr::new("sh")).is_ok());
        assert!(matches!(
            resolve(OsStr::new("no-such-command-ftrace")),
            Err(Error::CommandNotFound(_))
        ));
        let plain = std::env::temp_dir().join(format!("ftrace-cli-plain-{}", std::process::id()));
        std::fs::write(&plain, "").unwrap();
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
        let result = resolve(plain.as_os_str());
        std::fs::remove_file(&plain).unwrap();
        assert!(matches!(result, Err(Error::CommandNotExecutable(_))));
        assert!(matches!(
            resolve(OsStr::new("/tmp")),
            Err(Error::CommandNotExecutable(_))
        ));
        assert!(matches!(
            resolve(OsStr::new("./no/such")),
            Err(Error::CommandNotFound(_))
        ));
    }
}

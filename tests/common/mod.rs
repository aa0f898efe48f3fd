//! Shared by the end-to-end tests: they load the real BPF program and trace
//! real processes, so they need root (or CAP_BPF with CAP_PERFMON).
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_ftrace-cli");

/// True when the end-to-end tests can run. Without privilege they fail,
/// loudly, unless FTRACE_CLI_SKIP_E2E=1 asks to skip them knowingly.
pub fn privileged() -> bool {
    static CHECK: OnceLock<bool> = OnceLock::new();
    *CHECK.get_or_init(|| {
        let root = nix::unistd::geteuid().is_root();
        if root {
            return true;
        }
        if std::env::var_os("FTRACE_CLI_SKIP_E2E").is_some_and(|v| v == "1") {
            eprintln!("\n!!! SKIPPING END-TO-END TESTS: not root and FTRACE_CLI_SKIP_E2E=1 !!!\n");
            return false;
        }
        panic!(
            "end-to-end tests load BPF programs and need root; run them as root, \
             or set FTRACE_CLI_SKIP_E2E=1 to skip them knowingly"
        );
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Arch {
    X86_64,
    Ia32,
}

/// The workload binary of tests/workload/files.c, built once per arch.
pub fn workload(arch: Arch) -> PathBuf {
    static BUILT: [OnceLock<PathBuf>; 2] = [OnceLock::new(), OnceLock::new()];
    BUILT[arch as usize]
        .get_or_init(|| {
            let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/workload/files.c");
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
            let (name, flags): (&str, &[&str]) = match arch {
                Arch::X86_64 => ("files", &[]),
                Arch::Ia32 => ("files32", &["-m32"]),
            };
            let out = dir.join(name);
            // Each test binary builds its own copy then renames it in place,
            // so that concurrent test binaries never run a half-written file.
            let tmp = dir.join(format!("{name}.{}", std::process::id()));
            let status = Command::new("cc")
                .args(["-O1", "-Wall", "-Werror", "-o"])
                .arg(&tmp)
                .arg(&src)
                .args(flags)
                .status()
                .expect("running cc");
            assert!(status.success(), "building the {arch:?} workload failed");
            fs::rename(&tmp, &out).unwrap();
            out
        })
        .clone()
}

/// A fresh, empty directory for one test.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("e2e-{test}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn ftrace() -> Command {
    Command::new(BIN)
}

/// Runs `cmd` to its end, at most `limit`, reading its output as it comes
/// (a full pipe must never stall it).
pub fn run_with_limit(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning");
    let stdout = collect_bytes(child.stdout.take().unwrap());
    let stderr = collect_bytes(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} did not end within {limit:?}; stdout:\n{}",
                String::from_utf8_lossy(&stdout.join().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn collect_bytes(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

pub fn run(cmd: &mut Command) -> Output {
    run_with_limit(cmd, Duration::from_secs(60))
}

/// Splits a trace line into (pid, tid, comm, call).
pub fn fields(line: &str) -> (u32, u32, &str, &str) {
    try_fields(line).unwrap_or_else(|| panic!("not a trace line: {line:?}"))
}

/// [`fields`], or None for a line that is not a trace line.
pub fn try_fields(line: &str) -> Option<(u32, u32, &str, &str)> {
    let (ids, rest) = line.split_once(' ')?;
    let (comm, call) = rest.split_once(' ')?;
    let (pid, tid) = match ids.split_once('/') {
        Some((pid, tid)) => (pid.parse().ok()?, tid.parse().ok()?),
        None => (ids.parse().ok()?, ids.parse().ok()?),
    };
    Some((pid, tid, comm, call))
}

/// The call text of the lines between the workload's markers, markers
/// excluded, for the first process that printed a begin marker.
pub fn body(trace: &str) -> Vec<String> {
    let begin = |call: &str| {
        call.starts_with("openat(AT_FDCWD")
            && call.contains(", \"--begin--\", O_RDONLY) = -1 ENOENT")
    };
    let end = |call: &str| {
        call.starts_with("openat(AT_FDCWD") && call.contains(", \"--end--\", O_RDONLY) = -1 ENOENT")
    };
    let mut pid = None;
    let mut calls = Vec::new();
    for line in trace.lines() {
        let (p, _, _, call) = fields(line);
        match pid {
            None if begin(call) => pid = Some(p),
            Some(q) if q == p && end(call) => return calls,
            Some(q) if q == p => calls.push(call.to_string()),
            _ => {}
        }
    }
    panic!("no complete begin/end markers in the trace:\n{trace}");
}

/// A call as strace prints it, without its padding before ` = `: strace
/// pads there to column 40, ftrace-cli does not.
pub fn unpad(call: &str) -> String {
    match call.rsplit_once(") ") {
        Some((head, rest)) if rest.trim_start().starts_with("= ") => {
            format!("{head}) {}", rest.trim_start())
        }
        _ => call.to_string(),
    }
}

/// The calls after the workload's `--begin--` marker and before its
/// `--end--` one (to the last when there is none), in any -X style.
pub fn between_markers<S: AsRef<str>>(calls: &[S]) -> Vec<String> {
    let marker = |c: &S, name: &str| c.as_ref().contains(&format!("\"--{name}--\""));
    let Some(begin) = calls.iter().position(|c| marker(c, "begin")) else {
        panic!(
            "no begin marker in {:#?}",
            calls.iter().map(AsRef::as_ref).collect::<Vec<_>>()
        );
    };
    calls[begin + 1..]
        .iter()
        .take_while(|c| !marker(c, "end"))
        .map(|c| c.as_ref().to_string())
        .collect()
}

/// strace's calls (`-f -qq`, then `args`) of a workload scenario run in
/// `dir`, unpadded; a warning strace writes in the middle of a line (a
/// short read) is dropped.
pub fn strace_calls(arch: Arch, scenario: &str, dir: &Path, args: &[&str]) -> Vec<String> {
    let out = run(Command::new("strace")
        .args(["-f", "-qq"])
        .args(args)
        .arg(workload(arch))
        .arg(scenario)
        .current_dir(dir));
    let text = stderr(&out);
    let mut joined = String::new();
    for line in text.split_inclusive('\n') {
        match line.find("strace: umoven: ") {
            Some(at) => joined.push_str(&line[..at]),
            None => joined.push_str(line),
        }
    }
    joined.lines().map(unpad).collect()
}

/// The call text the `basic` scenario must produce, in order.
pub const BASIC: &[&str] = &[
    "openat(AT_FDCWD, \"exists\", O_RDONLY|O_CLOEXEC) = 3",
    "openat(AT_FDCWD, \"missing\", O_RDONLY) = -1 ENOENT (No such file or directory)",
    "openat(AT_FDCWD, \"created\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3",
    "symlinkat(\"target\", AT_FDCWD, \"link\") = 0",
    "symlinkat(\"target\", AT_FDCWD, \"link\") = -1 EEXIST (File exists)",
    "fanotify_mark(3, FAN_MARK_ADD|FAN_MARK_ONLYDIR, FAN_OPEN|FAN_ONDIR, AT_FDCWD, \".\") = 0",
    "fanotify_mark(3, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, \"missing\") = -1 ENOENT (No such file or directory)",
];

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A long-running process, killed when dropped.
pub struct Background(pub Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Background {
    pub fn pid(&self) -> u32 {
        self.0.id()
    }
}

/// Starts `cmd` in the background.
pub fn background(cmd: &mut Command) -> Background {
    Background(cmd.spawn().expect("spawning a background process"))
}

/// A running ftrace-cli whose output is collected as it comes.
pub struct Tracing {
    child: Background,
    stdout: std::thread::JoinHandle<String>,
    stderr: std::thread::JoinHandle<String>,
}

fn collect(pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    let bytes = collect_bytes(pipe);
    std::thread::spawn(move || String::from_utf8_lossy(&bytes.join().unwrap()).into_owned())
}

/// Starts `ftrace-cli --ready-fd N ARGS...` and returns once it is attached.
pub fn start_tracing(args: &[&str]) -> Tracing {
    start_tracing_in(args, None)
}

/// A pipe whose write end `cmd`'s child inherits, for --ready-fd. It stays
/// close-on-exec in this process, so that no process another test thread
/// spawns meanwhile inherits it too; only `cmd`'s child clears the flag.
pub fn ready_pipe(cmd: &mut Command) -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    use std::os::unix::process::CommandExt;
    let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    let fd = write.as_raw_fd();
    // SAFETY: fcntl is async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    (read, write)
}

pub fn start_tracing_in(args: &[&str], dir: Option<&Path>) -> Tracing {
    let mut cmd = ftrace();
    let (read, write) = ready_pipe(&mut cmd);
    cmd.arg("--ready-fd")
        .arg(write.as_raw_fd().to_string())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut child = background(&mut cmd);
    drop(write);
    let stdout = collect(child.0.stdout.take().unwrap());
    let stderr = collect(child.0.stderr.take().unwrap());
    let mut ready = BufReader::new(fs::File::from(read));
    let mut line = String::new();
    ready.read_line(&mut line).unwrap();
    assert_eq!(line, "\n", "ftrace-cli never said it was ready");
    Tracing {
        child,
        stdout,
        stderr,
    }
}

impl Tracing {
    /// Starts `cmd`, whose stdout and stderr must be piped, and collects them.
    pub fn spawn(mut cmd: Command) -> Tracing {
        let mut child = background(&mut cmd);
        let stdout = collect(child.0.stdout.take().unwrap());
        let stderr = collect(child.0.stderr.take().unwrap());
        Tracing {
            child,
            stdout,
            stderr,
        }
    }

    /// Its stdin, when it was piped.
    pub fn take_stdin(&mut self) -> std::process::ChildStdin {
        self.child.0.stdin.take().expect("stdin was piped")
    }

    pub fn pid(&self) -> u32 {
        self.child.pid()
    }

    /// Sends `signal` to ftrace-cli.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid() as i32), signal).unwrap();
    }

    /// Waits, at most `limit`, for ftrace-cli to end: (stdout, stderr, status).
    pub fn finish(mut self, limit: Duration) -> (String, String, Option<i32>) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.0.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > limit {
                self.signal(nix::sys::signal::Signal::SIGKILL);
                let out = self.stdout.join().unwrap();
                panic!("ftrace-cli did not end within {limit:?}; stdout so far:\n{out}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        (
            self.stdout.join().unwrap(),
            self.stderr.join().unwrap(),
            status.code(),
        )
    }
}

/// Asserts that the traced calls are the expected ones, line by line, so
/// that a failure names the first call that differs.
pub fn assert_same_calls(got: &[impl AsRef<str>], want: &[impl AsRef<str>]) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.as_ref(), w.as_ref(), "call {i} differs");
    }
    assert_eq!(got.len(), want.len());
}

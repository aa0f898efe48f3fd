//! One tracing session, from checked options to exit status: start the
//! command, load and attach, stream records, stop, drain, report.

use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::mem::MaybeUninit;
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use libbpf_rs::RingBufferBuilder;
use nix::fcntl::{fcntl, FcntlArg};
use nix::sys::signal::{kill, sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::Pid;

use crate::cli::{Cli, ColorWhen};
use crate::error::{Error, Result};
use crate::filter::{self, selected_calls, PidTarget};
use crate::inprogress::{self, Note};
use crate::launch;
use crate::live::Live;
use crate::output::{Format, Printer, SummaryMode};
use crate::pidns::Namespace;
use crate::separate::Separate;
use crate::tracepath::TracePaths;
use crate::tracer::{self, Config, Losses, Tracer};
use crate::wait::{self, Waiter, Woken};

/// How long the reader sleeps between drains when nothing wakes it: the
/// longest a line waits before it is written. Exits and signals wake it
/// at once (see [`Waiter`]).
const POLL: Duration = Duration::from_millis(50);

/// The last signal that asked us to stop, or 0, and how many came.
static STOP_SIGNAL: AtomicI32 = AtomicI32::new(0);
static STOP_COUNT: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_stop_signal(signo: i32) {
    STOP_SIGNAL.store(signo, Ordering::Relaxed);
    STOP_COUNT.fetch_add(1, Ordering::Relaxed);
    wait::wake_from_signal();
}

/// Two stop signals came: stop at once, even in the middle of a write a
/// stalled reader blocks.
pub fn asked_twice() -> bool {
    STOP_COUNT.load(Ordering::Relaxed) >= 2
}

fn install_signal_handlers() -> Result<()> {
    let action = SigAction::new(
        SigHandler::Handler(on_stop_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: the handler stores to atomics and writes one byte to a pipe.
        unsafe { sigaction(signal, &action) }.map_err(|e| Error::runtime("sigaction", e))?;
    }
    Ok(())
}

/// When the session ends by itself.
enum Ending {
    /// At a signal only (system-wide, or by name).
    Signal,
    /// Once every pid target has exited.
    TargetsGone(Vec<PidTarget>),
    /// Once the command and its traced descendants have exited.
    Command(Pid),
}

pub fn run(cli: Cli) -> Result<i32> {
    if cli.live && !std::io::stdout().is_terminal() {
        return Err(Error::Usage("--live needs a terminal on stdout".into()));
    }
    check_proc()?;
    let namespace = Namespace::current()?;
    let targets = cli
        .pids
        .iter()
        .map(|&pid| filter::check_pid_target(pid, &namespace))
        .collect::<Result<Vec<_>>>()?;
    filter::check_comms(&cli.comms)?;
    let calls = selected_calls(&cli.trace_sets());
    let (only_success, only_failure) = cli.status_filter();
    let out = if cli.separate_outputs() {
        check_separate_output(&cli)?;
        None
    } else {
        Some(open_output(&cli)?)
    };
    if let Some(fd) = cli.ready_fd {
        check_ready_fd(fd, out.as_ref(), &cli)?;
    }
    let trace_paths = TracePaths::new(&cli.trace_paths)?;
    tracer::check_privileges()?;

    // Under --live the command writes to a file of its own, not over the view.
    let command_output = if cli.live && !cli.command.is_empty() {
        Some(CommandOutput::create()?)
    } else {
        None
    };
    let gated = if cli.command.is_empty() {
        None
    } else {
        let output = command_output.as_ref().map(|o| &o.file);
        Some(launch::spawn_gated(&cli.command, output)?)
    };
    // The command, as the kernel numbers it.
    let command_tgid = match &gated {
        Some(gated) => Some(
            namespace
                .resolve(gated.pid.as_raw())?
                .ok_or_else(|| Error::Runtime("the command vanished before it started".into()))?
                .tgid,
        ),
        None => None,
    };
    let follow_forks = cli.follow_forks > 0 || gated.is_some();
    // -f -c NAME: the children of processes matched by name become targets.
    let filter_targets =
        !targets.is_empty() || gated.is_some() || (follow_forks && !cli.comms.is_empty());
    let config = Config {
        calls: &calls,
        detail: cli.detail(),
        comms: &cli.comms,
        namespace: &namespace,
        filter_threads: targets.iter().any(|t| t.is_thread()),
        uids: &cli.uids,
        cgroups: &cli.cgroups,
        filter_targets,
        follow_forks,
        only_success,
        only_failure,
        fd_paths: cli.fd_paths,
        trace_paths: &trace_paths,
        task_details: cli.json,
        times: cli.shows_times(),
        buffer_size: cli.buffer_size,
    };

    let mut storage = MaybeUninit::uninit();
    // Dropping `gated` on error closes its pipe: the child exits unexec'd.
    let mut tracer = Tracer::load(&mut storage, &config)?;
    for target in &targets {
        if target.is_thread() {
            tracer.add_thread_target(target.task.tgid, target.task.tid)?;
        } else {
            tracer.add_target(target.task.tgid)?;
        }
    }
    // A target that exited before the exit hook was attached left no trace
    // of its exit: drop it by hand.
    for target in &targets {
        if !target.is_alive() {
            if target.is_thread() {
                tracer.remove_thread_target(target.task.tid);
            } else {
                tracer.remove_target(target.task.tgid);
            }
        }
    }
    install_signal_handlers()?;

    let ending = match gated {
        Some(gated) => {
            if let Some(tgid) = command_tgid {
                tracer.add_target(tgid)?;
            }
            Ending::Command(gated.release()?)
        }
        None if !cli.pids.is_empty() && cli.comms.is_empty() => {
            Ending::TargetsGone(targets.clone())
        }
        None => Ending::Signal,
    };
    // Before saying ready: a call still blocked now is found blocked.
    let unfinished = inprogress::at_attach(&tracer, &targets, cli.style);
    // Started: only now may an existing -o FILE lose what it held.
    if let (Some(out), Some(_), false) = (&out, &cli.output, cli.append) {
        truncate_output(out)?;
    }
    // The command has run: its output file stays, whatever happens next.
    let output_path = command_output.map(CommandOutput::keep);
    if let Some(fd) = cli.ready_fd {
        signal_ready(fd);
    }
    crate::notice::announce(&cli, &calls);

    let sink: Box<dyn Sink> = match out {
        None => Box::new(Separate::new(
            cli.output.clone().unwrap_or_default(),
            cli.append,
            output_format(&cli),
            trace_paths.clone(),
        )),
        Some(out) if cli.live => Box::new(Live::start(out, &cli, output_path)?),
        Some(out) => {
            Box::new(Printer::new(out, output_format(&cli)).selecting(trace_paths.clone()))
        }
    };
    let sink = RefCell::new(sink);
    for note in &unfinished {
        sink.borrow_mut().note(note);
    }
    let status = stream(&tracer, &sink, &ending)?;
    for note in inprogress::at_stop(&tracer, cli.style) {
        sink.borrow_mut().note(&note);
    }

    let mut sink = sink.into_inner();
    let finished = sink.finish(tracer.losses());
    report_losses(tracer.losses(), sink.malformed());
    match (finished, &ending) {
        // The trace stopped being written, but the command ran to its end
        // and its status is what counts, as with strace.
        (Err(err), Ending::Command(_)) => {
            eprintln!("ftrace-cli: {err}; the command ran on to its end");
            Ok(status)
        }
        (finished, _) => finished.map(|()| status),
    }
}

/// Where records go: the printer, or a live view.
pub trait Sink {
    /// One raw record from the ring buffer.
    fn record(&mut self, bytes: &[u8]);
    /// A call in progress when tracing began or ended; the live view
    /// has no line for it.
    fn note(&mut self, _note: &Note) {}
    /// After each drain of the ring buffer, at least every 50 ms: write out
    /// what is pending, redraw. False: nothing more can be written (a
    /// closed pipe, a write error); the trace ends, or with a command,
    /// goes on unwritten until the command ends.
    fn tick(&mut self, losses: Losses) -> bool;
    /// The trace is over: write what is left (summaries) and restore
    /// whatever was changed. An error here ends ftrace-cli with status 1,
    /// or the command's status when there is one.
    fn finish(&mut self, losses: Losses) -> Result<()>;
    /// Records that could not be parsed.
    fn malformed(&self) -> u64;
    /// The targets have ended by themselves (`command_status`: the
    /// command's): true to go on ticking until [`Sink::tick`] returns
    /// false or a stop signal comes, as the live view does.
    fn linger(&mut self, _command_status: Option<i32>) -> bool {
        false
    }
}

/// The file a command's output goes to under --live, named on the view's
/// status line: created afresh (mkstemp) in TMPDIR, and removed again if the
/// command never ran.
struct CommandOutput {
    path: PathBuf,
    file: File,
}

impl CommandOutput {
    fn create() -> Result<CommandOutput> {
        let template = std::env::temp_dir().join("ftrace-cli-output.XXXXXX");
        let (fd, path) = nix::unistd::mkstemp(&template).map_err(|e| {
            Error::runtime(
                &format!("creating {} for the command's output", template.display()),
                e,
            )
        })?;
        Ok(CommandOutput {
            path,
            file: File::from(fd),
        })
    }

    /// The command ran: its output is kept.
    fn keep(self) -> PathBuf {
        let path = self.path.clone();
        std::mem::forget(self);
        path
    }
}

impl Drop for CommandOutput {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Streams records until the session ends; returns the exit status.
///
/// The loop sleeps in one epoll set (see [`Waiter`]): it wakes when the
/// kernel has a quarter of the ring buffer pending, at a stop signal, the
/// moment the command or a -p target exits (a pidfd), and at least every
/// [`POLL`] to write what is pending and to see followed children, which
/// have no pidfd, leave. When writing fails (a full disk, a closed pipe),
/// nothing more is written, but a command is still waited for: never left
/// behind, and its status is the exit status.
fn stream(tracer: &Tracer, sink: &RefCell<Box<dyn Sink>>, ending: &Ending) -> Result<i32> {
    let mut builder = RingBufferBuilder::new();
    builder
        .add(&tracer.skel.maps.events, |bytes: &[u8]| {
            sink.borrow_mut().record(bytes);
            0
        })
        .map_err(|e| Error::runtime("reading the ring buffer", e))?;
    let ring = builder
        .build()
        .map_err(|e| Error::runtime("reading the ring buffer", e))?;
    let mut waiter = Waiter::new()?;
    waiter.add_ring(ring.epoll_fd())?;
    let command_watched = match ending {
        Ending::Command(pid) => waiter.watch(pid.as_raw(), false),
        Ending::TargetsGone(targets) => {
            for target in targets {
                waiter.watch(target.pid, target.is_thread());
            }
            false
        }
        Ending::Signal => false,
    };

    let mut command_status = None;
    // Without a pidfd, waitpid on every pass.
    let mut command_ended = !command_watched;
    let mut forwarded = false;
    let mut lingering = false;
    let mut writing = true;
    let mut woken = Woken::default();
    let mut first = true;
    loop {
        // Exits and signals end the wait at once; the first pass does not wait.
        if !first {
            woken = waiter.wait(POLL);
        }
        first = false;
        let _ = ring.consume();
        if writing && !sink.borrow_mut().tick(tracer.losses()) {
            // Nothing more can be written (or the lingering view quit): the
            // end, but a command still running is waited for.
            writing = false;
            if lingering || !matches!(ending, Ending::Command(_)) || command_status.is_some() {
                break;
            }
        }

        let signal = STOP_SIGNAL.load(Ordering::Relaxed);
        if lingering {
            if signal != 0 {
                break;
            }
            continue;
        }
        // Whether the targets have ended by themselves.
        let ended = match ending {
            Ending::Command(pid) => {
                command_ended |= !woken.exited.is_empty();
                if command_status.is_none() && command_ended {
                    command_status = launch::try_reap(*pid);
                }
                // The command got a terminal's SIGINT itself; pass on the others
                // and keep tracing until it is gone. A second signal stops
                // the trace at once, for a command that will not end.
                if signal != 0 && signal != libc::SIGINT && !forwarded {
                    if let Ok(sig) = Signal::try_from(signal) {
                        let _ = kill(*pid, sig);
                    }
                    forwarded = true;
                }
                if command_status.is_some() && tracer.targets_gone() {
                    true
                } else if asked_twice() {
                    // Asked twice: the command goes too, as it came with us.
                    if command_status.is_none() {
                        let _ = kill(*pid, Signal::SIGKILL);
                        command_status = launch::reap(*pid);
                    }
                    break;
                } else {
                    false
                }
            }
            Ending::TargetsGone(_) if signal != 0 => break,
            Ending::TargetsGone(_) => tracer.targets_gone(),
            Ending::Signal if signal != 0 => break,
            Ending::Signal => false,
        };
        if ended {
            // Stopped on request (a signal) rather than by themselves: done.
            if signal != 0 || !sink.borrow_mut().linger(command_status) {
                break;
            }
            let _ = ring.consume();
            lingering = true;
        }
    }
    // Every record of an ended process is in the ring by now: take them all.
    let _ = ring.consume();
    Ok(command_status.unwrap_or(0))
}

fn output_format(cli: &Cli) -> Format {
    let color = match cli.color {
        _ if cli.output.is_some() || cli.json => false,
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => crate::color::auto(std::io::stdout().is_terminal()),
    };
    Format {
        style: cli.style,
        detail: cli.detail(),
        json: cli.json,
        timestamps: cli.absolute_timestamps(),
        relative: cli.relative,
        durations: cli.durations,
        fd_paths: cli.fd_paths,
        color,
        summary: if cli.summary_only {
            SummaryMode::Only
        } else if cli.summary {
            SummaryMode::Also
        } else {
            SummaryMode::Off
        },
    }
}

/// ftrace-cli reads processes' state in /proc: without it every check
/// would fail in a misleading way (no such process, no privilege).
fn check_proc() -> Result<()> {
    if Path::new("/proc/self/stat").exists() {
        return Ok(());
    }
    Err(Error::Runtime(
        "/proc is not mounted; ftrace-cli reads process state there (mount it with `mount -t proc proc /proc`)".into(),
    ))
}

/// Opens -o FILE for writing (appending with -A) without truncating it: a
/// start that fails later (privileges, a command not found) leaves it as
/// it was. See [`truncate_output`].
fn open_output(cli: &Cli) -> Result<File> {
    match &cli.output {
        Some(path) => OpenOptions::new()
            .write(true)
            .create(true)
            .append(cli.append)
            .truncate(false)
            .open(path)
            .map_err(|e| {
                Error::Usage(format!(
                    "cannot write {}: {}",
                    path.display(),
                    Error::describe(&e)
                ))
            }),
        None => {
            // Our own handle on stdout, outside std's line-buffered Stdout,
            // and close-on-exec so that the command does not inherit it.
            let fd = fcntl(std::io::stdout(), FcntlArg::F_DUPFD_CLOEXEC(3))
                .map_err(|e| Error::runtime("stdout", e))?;
            // SAFETY: fcntl just returned this new descriptor.
            Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
        }
    }
}

/// -ff -o FILE writes FILE.PID files only: check that their directory is
/// there, so that a typo fails before tracing starts.
fn check_separate_output(cli: &Cli) -> Result<()> {
    let Some(path) = &cli.output else {
        return Ok(());
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "cannot write {}.PID: {} is not a directory",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Empties -o FILE once the trace has started (a regular file only: a
/// FIFO or a device has nothing to lose).
fn truncate_output(out: &File) -> Result<()> {
    match out.metadata() {
        Ok(meta) if meta.is_file() => out
            .set_len(0)
            .map_err(|e| Error::runtime("emptying the output file", Error::describe(&e))),
        _ => Ok(()),
    }
}

/// --ready-fd must name a descriptor we were given, open for writing, and
/// not the trace itself: the newline would land among its lines (stdout
/// without -o, or the same file or pipe as -o FILE). Above 2 it is made
/// close-on-exec, so that the command after `--` does not hold it open (a
/// reader waiting for EOF would wait for the command); 0 to 2 are the
/// command's own stdio and stay as they are.
fn check_ready_fd(fd: i32, out: Option<&File>, cli: &Cli) -> Result<()> {
    // SAFETY: F_GETFL only queries the descriptor table.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if fd < 0 || flags < 0 || flags & libc::O_ACCMODE == libc::O_RDONLY {
        return Err(Error::Usage(format!(
            "--ready-fd {fd}: not a descriptor open for writing (such as 3>FILE, or 2)"
        )));
    }
    if (fd == 1 && cli.output.is_none()) || out.is_some_and(|out| is_trace_output(fd, out)) {
        return Err(Error::Usage(format!(
            "--ready-fd {fd}: that is where the trace goes; give another descriptor (such as 3>FILE), or -o FILE"
        )));
    }
    if fd > 2 {
        // SAFETY: F_SETFD on a descriptor just checked to be open.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    Ok(())
}

/// True when `fd` is the same regular file or pipe as the trace output (a
/// terminal shared with it is fine: a newline there corrupts nothing).
fn is_trace_output(fd: i32, out: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: the descriptor was checked to be open.
    let Ok(theirs) = nix::sys::stat::fstat(unsafe { BorrowedFd::borrow_raw(fd) }) else {
        return false;
    };
    let Ok(ours) = out.metadata() else {
        return false;
    };
    let kind = theirs.st_mode & libc::S_IFMT;
    (kind == libc::S_IFREG || kind == libc::S_IFIFO)
        && theirs.st_dev == ours.dev()
        && theirs.st_ino == ours.ino()
}

fn signal_ready(fd: i32) {
    if fd <= 2 {
        // A standard stream stays open: it is the command's too.
        // SAFETY: the descriptor was checked to be open for writing.
        let _ = nix::unistd::write(unsafe { BorrowedFd::borrow_raw(fd) }, b"\n");
        return;
    }
    // SAFETY: the caller handed us this descriptor to write and close.
    let mut file = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    let _ = file.write_all(b"\n");
}

fn report_losses(losses: Losses, malformed: u64) {
    let lost = losses.calls() + malformed;
    if lost == 0 && losses.faults == 0 {
        return;
    }
    let mut parts = Vec::new();
    if lost > 0 {
        parts.push(format!(
            "{lost} calls lost (ring buffer full: {}, no memory for the call in flight: {}, malformed: {malformed}); try a larger --buffer-size",
            losses.ring_full, losses.in_flight
        ));
    }
    if losses.faults > 0 {
        parts.push(format!(
            "{} arguments could not be read from the traced memory",
            losses.faults
        ));
    }
    eprintln!("ftrace-cli: {}", parts.join("; "));
}

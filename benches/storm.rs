//! What it costs a syscall storm to have every event captured, as a user
//! measures it: against an untraced run, a filtered-out run and strace.
//!
//!     cargo bench --bench storm [-- --count N --rounds R --strace-count M --buffer-size B]
//!
//! The workload (tests/workload/files.c, scenario `storm N`) does N
//! openat+close pairs of /dev/null and reports the loop's own time. Each
//! case is timed twice: the loop alone, and the whole run from spawn to
//! exit (start-up, loop, drain and end), which is what `time` shows a user.
//! Every case runs once per round, cases interleaved; the table shows
//! medians over rounds, how far the rounds spread around them, and ratios
//! to the untraced run of the same kind. After the rounds, one more storm
//! runs with the kernel's BPF statistics on, for the cost of each hook.
//! It measures and prints; it asserts nothing about speed. It fails
//! (status 1) only when a run fails or ftrace-cli's events written + lost
//! do not add up to the calls made.
//!
//! Run as root: ftrace-cli loads a BPF program.

#[path = "../tests/common/mod.rs"]
mod common;

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use common::Arch;

const USAGE: &str = "\
usage: cargo bench --bench storm [-- OPTIONS]
  --count N          openat+close pairs per storm (default 1000000)
  --rounds R         rounds, every case once per round (default 5)
  --strace-count M   pairs under strace and for its untraced baseline (default N/10)
  --buffer-size B    ftrace-cli's --buffer-size (default: its own, 8M)
  --hooks-only       only the cost of each hook (bpf_stats), no timed cases";

struct Options {
    count: u64,
    rounds: usize,
    /// Pairs under strace, which is slow, and for their untraced baseline.
    strace_count: u64,
    buffer_size: Option<String>,
    /// Skip the timed cases: for quick work on the BPF program.
    hooks_only: bool,
}

/// The options, and whether cargo bench (rather than cargo test) runs us.
fn parse_options() -> Result<(Options, bool), String> {
    let mut args = std::env::args().skip(1);
    // cargo bench passes --bench; without it (cargo test --benches) the
    // benchmark only checks that it runs, on a tiny storm.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let mut count = if bench_mode { 1_000_000 } else { 2000 };
    let mut rounds = if bench_mode { 5 } else { 1 };
    let mut strace_count = None;
    let mut buffer_size = None;
    let mut hooks_only = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--count" => count = number(&value("--count")?)?,
            "--rounds" => rounds = number(&value("--rounds")?)? as usize,
            "--strace-count" => strace_count = Some(number(&value("--strace-count")?)?),
            "--buffer-size" => buffer_size = Some(value("--buffer-size")?),
            "--hooks-only" => hooks_only = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if count == 0 || rounds == 0 {
        return Err("--count and --rounds must be at least 1".into());
    }
    let strace_count = strace_count.unwrap_or((count / 10).max(1));
    let opts = Options {
        count,
        rounds,
        strace_count,
        buffer_size,
        hooks_only,
    };
    Ok((opts, bench_mode))
}

fn number(s: &str) -> Result<u64, String> {
    s.replace('_', "")
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))
}

fn main() -> ExitCode {
    let (opts, bench_mode) = match parse_options() {
        Ok(opts) => opts,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("storm: {e}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    // Under cargo test --benches, as the end-to-end tests: a tiny storm, and
    // no root is fine with FTRACE_CLI_SKIP_E2E=1.
    if !bench_mode && !common::privileged() {
        return ExitCode::SUCCESS;
    }
    if !nix::unistd::geteuid().is_root() {
        eprintln!("storm: ftrace-cli loads a BPF program: run the benchmark as root");
        return ExitCode::FAILURE;
    }
    match run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("storm: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The measurements of one case, one entry per round.
#[derive(Default)]
struct Samples {
    /// The storm loop's own time, as the workload reports it.
    loop_ns: Vec<u64>,
    /// The whole run, from spawn to exit, as `time` measures it.
    whole_ns: Vec<u64>,
    /// Events in the output file, when there is one.
    written: Vec<u64>,
    /// Events ftrace-cli reported lost.
    lost: Vec<u64>,
    /// ftrace-cli: nanoseconds from spawn to its --ready-fd newline.
    ready: Vec<u64>,
    /// ftrace-cli: peak RSS in bytes.
    peak_rss: Vec<u64>,
    /// ftrace-cli -o: what it said on stderr, and the trace lines that are
    /// not storm events; shown when written + lost != N.
    diagnosis: Vec<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Case {
    Untraced,
    FtraceFile,
    /// The same capture, every descriptor named by the kernel.
    FtraceFileFdPaths,
    /// -P on a path the storm never touches: every call dropped in the kernel.
    FtraceTracePath,
    /// The same storm captured with --json.
    FtraceJson,
    FtraceFiltered,
    FtraceNameFiltered,
    /// Two storms at once, one per core.
    UntracedPair,
    FtracePair,
    /// A short command, for the cost of starting and ending a trace.
    UntracedSleep,
    FtraceSleep,
    StraceSeccomp,
    UntracedSmall,
    StracePlain,
    /// A stat-heavy command: `find /usr -xdev`, every %file call traced.
    UntracedFind,
    FtraceFind,
    StraceFind,
}

impl Case {
    fn label(self) -> &'static str {
        match self {
            Case::Untraced | Case::UntracedSmall => "untraced",
            Case::FtraceFile => "ftrace-cli -o FILE -- files storm",
            Case::FtraceFileFdPaths => "ftrace-cli -y -o FILE -- files storm",
            Case::FtraceTracePath => "ftrace-cli -P /nonexistent/ -- files storm",
            Case::FtraceJson => "ftrace-cli --json -o FILE -- files storm",
            Case::FtraceFiltered => "ftrace-cli -p IDLE, storm filtered out",
            Case::FtraceNameFiltered => "ftrace-cli -c OTHER, storm filtered out",
            Case::UntracedPair => "untraced, two storms at once",
            Case::FtracePair => "ftrace-cli -o FILE, two storms at once",
            Case::UntracedSleep => "sleep 0.01",
            Case::FtraceSleep => "ftrace-cli -o /dev/null -- sleep 0.01",
            Case::StraceSeccomp => "strace -f --seccomp-bpf -e trace=openat",
            Case::StracePlain => "strace -f -e trace=openat",
            Case::UntracedFind => "find /usr -xdev",
            Case::FtraceFind => "ftrace-cli -e trace=%file -o FILE -- find",
            Case::StraceFind => "strace -f -e trace=%file -o FILE find",
        }
    }

    /// The untraced case its ratio is taken against.
    fn baseline(self) -> Case {
        match self {
            Case::UntracedSmall | Case::StraceSeccomp | Case::StracePlain => Case::UntracedSmall,
            Case::UntracedPair | Case::FtracePair => Case::UntracedPair,
            Case::UntracedSleep | Case::FtraceSleep => Case::UntracedSleep,
            Case::UntracedFind | Case::FtraceFind | Case::StraceFind => Case::UntracedFind,
            _ => Case::Untraced,
        }
    }

    /// How many pairs its storm makes, in all its processes.
    fn count(self, opts: &Options) -> u64 {
        match self.baseline() {
            Case::UntracedSmall => opts.strace_count,
            Case::UntracedPair => 2 * opts.count,
            Case::UntracedSleep | Case::UntracedFind => 0,
            _ => opts.count,
        }
    }

    /// Whether ftrace-cli writes this case's events to the trace file.
    fn captures(self) -> bool {
        matches!(
            self,
            Case::FtraceFile | Case::FtraceFileFdPaths | Case::FtraceJson | Case::FtracePair
        )
    }

    /// How its trace file shows a storm event.
    fn format(self) -> Format {
        match self {
            Case::FtraceJson => Format::Json,
            _ if self.is_strace() => Format::Strace,
            _ => Format::Text,
        }
    }

    fn is_strace(self) -> bool {
        matches!(self, Case::StraceSeccomp | Case::StracePlain)
    }
}

struct Bench<'a> {
    opts: &'a Options,
    workload: PathBuf,
    dir: PathBuf,
    idle: common::Background,
}

fn run(opts: &Options) -> Result<bool, String> {
    let workload = common::workload(Arch::X86_64);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("storm");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    // A name of its own (see workload_name).
    let workload = {
        let copy = dir.join(workload_name());
        fs::copy(&workload, &copy).map_err(|e| format!("copying the workload: {e}"))?;
        copy
    };
    let idle = common::background(Command::new("sleep").arg("1000000"));
    let bench = Bench {
        opts,
        workload,
        dir,
        idle,
    };

    let strace = strace_version();
    let mut cases = vec![
        Case::Untraced,
        Case::FtraceFile,
        Case::FtraceFileFdPaths,
        Case::FtraceTracePath,
        Case::FtraceJson,
        Case::FtraceFiltered,
        Case::FtraceNameFiltered,
        Case::UntracedPair,
        Case::FtracePair,
        Case::UntracedSleep,
        Case::FtraceSleep,
        Case::UntracedFind,
        Case::FtraceFind,
    ];
    if opts.hooks_only {
        cases.clear();
    } else if strace.is_some() {
        cases.extend([
            Case::UntracedSmall,
            Case::StraceSeccomp,
            Case::StracePlain,
            Case::StraceFind,
        ]);
    }

    println!("machine: {}", machine());
    println!(
        "storm: {} openat+close pairs ({} under strace), {} round{}, medians \
         (spread: slowest - fastest, over the median)",
        opts.count,
        opts.strace_count,
        opts.rounds,
        if opts.rounds == 1 { "" } else { "s" }
    );
    let mut samples: Vec<Samples> = cases.iter().map(|_| Samples::default()).collect();
    let mut intruders = other_tracers();
    for round in 1..=opts.rounds {
        eprint!("round {round}/{}:", opts.rounds);
        for (case, samples) in cases.iter().zip(&mut samples) {
            eprint!(" {}", short_name(*case));
            bench.measure(*case, samples)?;
            intruders.extend(other_tracers());
        }
        eprintln!();
    }
    let hooks = bench.hook_costs();
    let _ = fs::remove_dir_all(&bench.dir);

    let ok = opts.hooks_only || report(opts, &cases, &samples, strace.as_deref());
    match hooks {
        Ok(lines) => lines.iter().for_each(|l| println!("{l}")),
        Err(e) => println!("hook costs: not measured: {e}"),
    }
    if !intruders.is_empty() {
        intruders.sort_unstable();
        intruders.dedup();
        println!(
            "!!! WARNING: other tracers were running during the benchmark ({}): \
             the timings may be disturbed !!!",
            intruders.join(", ")
        );
    }
    Ok(ok)
}

fn short_name(case: Case) -> &'static str {
    match case {
        Case::Untraced => "untraced",
        Case::FtraceFile => "ftrace-o",
        Case::FtraceFileFdPaths => "ftrace-y",
        Case::FtraceTracePath => "ftrace-P",
        Case::FtraceJson => "ftrace-json",
        Case::FtraceFiltered => "ftrace-p",
        Case::FtraceNameFiltered => "ftrace-c",
        Case::UntracedPair => "untraced-pair",
        Case::FtracePair => "ftrace-pair",
        Case::UntracedSleep => "sleep",
        Case::FtraceSleep => "ftrace-sleep",
        Case::StraceSeccomp => "strace-seccomp",
        Case::UntracedSmall => "untraced-small",
        Case::StracePlain => "strace",
        Case::UntracedFind => "find",
        Case::FtraceFind => "ftrace-find",
        Case::StraceFind => "strace-find",
    }
}

impl Bench<'_> {
    /// The command line of the case's workload: `files storm COUNT`, two of
    /// them at once, or `sleep 0.01`.
    fn storm_args(&self, case: Case) -> Vec<OsString> {
        let workload = OsString::from(&self.workload);
        match case.baseline() {
            Case::UntracedSleep => vec!["sleep".into(), "0.01".into()],
            Case::UntracedFind => vec!["find".into(), "/usr".into(), "-xdev".into()],
            Case::UntracedPair => {
                let each = (case.count(self.opts) / 2).to_string();
                let script = format!("\"$0\" storm {each} & \"$0\" storm {each}; wait");
                vec!["sh".into(), "-c".into(), script.into(), workload]
            }
            _ => vec![
                workload,
                "storm".into(),
                case.count(self.opts).to_string().into(),
            ],
        }
    }

    /// The loop time of the case's storm(s): the slowest of them.
    fn loop_time(&self, case: Case, stderr: &str) -> Result<Option<u64>, String> {
        match case.baseline() {
            Case::UntracedSleep | Case::UntracedFind => Ok(None),
            Case::UntracedPair => storm_time(stderr, case.count(self.opts) / 2).map(Some),
            _ => storm_time(stderr, case.count(self.opts)).map(Some),
        }
    }

    /// Runs the workload untraced; returns it and its whole run time.
    fn storm(&self, case: Case) -> Result<(Finished, u64), String> {
        let args = self.storm_args(case);
        let start = Instant::now();
        let out = Run::start(Command::new(&args[0]).args(&args[1..]))?.finish()?;
        Ok((out, start.elapsed().as_nanos() as u64))
    }

    fn start_ftrace(&self, args: &[OsString]) -> Result<(Run, Instant, Duration), String> {
        Run::start_ready(self.opts.buffer_size.as_deref(), args)
    }

    fn measure(&self, case: Case, samples: &mut Samples) -> Result<(), String> {
        let trace = self.dir.join("trace");
        match case {
            Case::Untraced
            | Case::UntracedSmall
            | Case::UntracedPair
            | Case::UntracedSleep
            | Case::UntracedFind => {
                let (out, whole) = self.storm(case)?;
                out.check_success("the workload")?;
                samples.loop_ns.extend(self.loop_time(case, &out.stderr)?);
                samples.whole_ns.push(whole);
            }
            Case::FtraceFile
            | Case::FtraceFileFdPaths
            | Case::FtraceTracePath
            | Case::FtraceJson
            | Case::FtracePair
            | Case::FtraceSleep
            | Case::FtraceFind => {
                let output = if case.captures() || case == Case::FtraceFind {
                    trace.clone().into()
                } else {
                    OsString::from("/dev/null")
                };
                let mut args: Vec<OsString> = vec!["-o".into(), output, "--".into()];
                match case {
                    Case::FtraceFileFdPaths => args.insert(0, "-y".into()),
                    Case::FtraceTracePath => {
                        args.splice(0..0, ["-P".into(), "/nonexistent/".into()]);
                    }
                    Case::FtraceJson => args.insert(0, "--json".into()),
                    _ => {}
                }
                if case == Case::FtraceFind {
                    args.splice(0..0, ["-e".into(), "trace=%file".into()]);
                }
                args.extend(self.storm_args(case));
                let (run, start, ready) = self.start_ftrace(&args)?;
                let out = run.finish()?;
                samples.whole_ns.push(start.elapsed().as_nanos() as u64);
                out.check_success("ftrace-cli")?;
                samples.loop_ns.extend(self.loop_time(case, &out.stderr)?);
                if case.captures() {
                    let (written, other) = count_events(&trace, case.format())?;
                    samples.lost.push(lost(&out.stderr)?);
                    samples.written.push(written);
                    let said: Vec<_> = out
                        .stderr
                        .lines()
                        .filter(|l| !l.starts_with("storm "))
                        .collect();
                    samples.diagnosis.push(format!(
                        "ftrace-cli said: {said:?}; {} other trace lines: {:?}",
                        other.len(),
                        &other[..other.len().min(8)]
                    ));
                }
                samples.ready.push(ready.as_nanos() as u64);
                samples.peak_rss.push(out.peak_rss);
            }
            Case::FtraceFiltered | Case::FtraceNameFiltered => {
                let pid = self.idle.pid().to_string();
                let args = match case {
                    Case::FtraceFiltered => ["-p", &pid, "-o", "/dev/null"],
                    _ => ["-c", "no-such-name", "-o", "/dev/null"],
                }
                .map(OsString::from);
                let (tracer, _, ready) = self.start_ftrace(&args)?;
                let storm = self.storm(case);
                stop(&tracer)?;
                let out = tracer.finish()?;
                out.check_success("ftrace-cli")?;
                let (storm, whole) = storm?;
                storm.check_success("the workload")?;
                samples.loop_ns.extend(self.loop_time(case, &storm.stderr)?);
                samples.whole_ns.push(whole);
                samples.ready.push(ready.as_nanos() as u64);
                samples.peak_rss.push(out.peak_rss);
            }
            Case::StraceFind => {
                let start = Instant::now();
                let out = Run::start(
                    Command::new("strace")
                        .args(["-f", "-e", "trace=%file", "-o"])
                        .arg(&trace)
                        .args(self.storm_args(case)),
                )?
                .finish()?;
                samples.whole_ns.push(start.elapsed().as_nanos() as u64);
                out.check_success("strace")?;
            }
            Case::StraceSeccomp | Case::StracePlain => {
                let mut cmd = Command::new("strace");
                cmd.arg("-f");
                if case == Case::StraceSeccomp {
                    cmd.arg("--seccomp-bpf");
                }
                cmd.args(["-e", "trace=openat", "-o"])
                    .arg(&trace)
                    .args(self.storm_args(case));
                let start = Instant::now();
                let out = Run::start(&mut cmd)?.finish()?;
                samples.whole_ns.push(start.elapsed().as_nanos() as u64);
                out.check_success("strace")?;
                samples.loop_ns.extend(self.loop_time(case, &out.stderr)?);
                samples.written.push(count_events(&trace, case.format())?.0);
            }
        }
        let _ = fs::remove_file(&trace);
        Ok(())
    }

    /// What each hook costs per run, from the kernel's BPF statistics: one
    /// storm captured (ftrace-cli -c on the workload's name) and one
    /// filtered out (-p IDLE). Statistics cost time themselves, so they are
    /// on only here, never while the cases above are timed.
    fn hook_costs(&self) -> Result<Vec<String>, String> {
        let _stats = BpfStats::enable()?;
        let name = self
            .workload
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pid = self.idle.pid().to_string();
        let trace = self.dir.join("hooks");
        let mut lines = Vec::new();
        for (what, args) in [
            ("captured", &["-c", name.as_str()][..]),
            ("captured with -y", &["-c", name.as_str(), "-y"]),
            (
                "filtered out by -P /nonexistent/",
                &["-c", name.as_str(), "-P", "/nonexistent/"],
            ),
            ("filtered out", &["-p", pid.as_str()]),
        ] {
            let mut args: Vec<OsString> = args.iter().map(OsString::from).collect();
            args.extend(["-o".into(), trace.clone().into()]);
            let (tracer, _, _) = self.start_ftrace(&args)?;
            let programs = bpf_programs(tracer.child.id());
            let before = hook_stats(&programs);
            let (storm, _) = self.storm(Case::Untraced)?;
            let after = hook_stats(&programs);
            stop(&tracer)?;
            tracer.finish()?.check_success("ftrace-cli")?;
            storm.check_success("the workload")?;
            let mut total = 0;
            let costs: Vec<_> = after
                .iter()
                .filter_map(|(name, time, runs)| {
                    let (_, time0, runs0) = before.iter().find(|(n, ..)| n == name)?;
                    let (time, runs) = (time - time0, runs - runs0);
                    total += time;
                    (runs > 0).then(|| format!("{name} {} ns x {runs}", time / runs))
                })
                .collect();
            lines.push(format!(
                "hook cost, storm {what} (bpf_stats): {} ns of hooks per openat+close pair; \
                 mean per run, any process: {}",
                total / self.opts.count,
                costs.join(", ")
            ));
        }
        let _ = fs::remove_file(&trace);
        Ok(lines)
    }
}

/// Asks a tracer to stop, as Ctrl-C would.
fn stop(tracer: &Run) -> Result<(), String> {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(tracer.child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .map_err(|e| format!("signalling ftrace-cli: {e}"))
}

/// The kernel's BPF statistics on while this lives (closing it turns them off).
struct BpfStats {
    _enabled: std::os::fd::OwnedFd,
}

impl BpfStats {
    fn enable() -> Result<BpfStats, String> {
        // SAFETY: a plain syscall; the returned descriptor is ours.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_bpf,
                32, /* BPF_ENABLE_STATS */
                &[0u32; 4],
                16,
            )
        };
        if fd < 0 {
            return Err(format!(
                "BPF_ENABLE_STATS: {}",
                std::io::Error::last_os_error()
            ));
        }
        // SAFETY: bpf(2) just returned this descriptor.
        Ok(BpfStats {
            _enabled: unsafe { std::os::fd::FromRawFd::from_raw_fd(fd as i32) },
        })
    }
}

/// The ids of the BPF programs process `pid` holds open.
fn bpf_programs(pid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let info = fs::read_to_string(e.path()).ok()?;
            info.lines()
                .find_map(|l| l.strip_prefix("prog_id:"))?
                .trim()
                .parse()
                .ok()
        })
        .collect()
}

/// (name, run time in ns, runs) of each of `programs`.
fn hook_stats(programs: &[u32]) -> Vec<(String, u64, u64)> {
    libbpf_rs::query::ProgInfoIter::default()
        .filter(|info| programs.contains(&info.id))
        .map(|info| {
            (
                info.name.to_string_lossy().into_owned(),
                info.run_time_ns,
                info.run_cnt,
            )
        })
        .collect()
}

/// A child whose stderr is collected and whose rusage is taken at its end.
struct Run {
    child: Child,
    what: String,
}

struct Finished {
    what: String,
    status: i32,
    stderr: String,
    peak_rss: u64,
}

impl Run {
    fn start(cmd: &mut Command) -> Result<Run, String> {
        let what = format!("{:?}", cmd.get_program());
        // cargo sets LD_LIBRARY_PATH to its build directories: the workload's
        // loader would try dozens of paths there, calls that are not storm
        // events yet could be lost with them.
        let child = cmd
            .env_remove("LD_LIBRARY_PATH")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("running {what}: {e}"))?;
        Ok(Run { child, what })
    }

    /// Starts ftrace-cli, with `--ready-fd` first and then `args`, and waits
    /// until it is attached; returns the time that took from spawn.
    fn start_ready(
        buffer_size: Option<&str>,
        args: &[OsString],
    ) -> Result<(Run, Instant, Duration), String> {
        let (read, write) =
            nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))?;
        let fd = write.as_raw_fd();
        let mut cmd = Command::new(common::BIN);
        cmd.arg("--ready-fd").arg(fd.to_string());
        if let Some(size) = buffer_size {
            cmd.args(["--buffer-size", size]);
        }
        cmd.args(args);
        // Only ftrace-cli gets the write end: clear close-on-exec in the child.
        // SAFETY: fcntl is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let start = Instant::now();
        let mut run = Run::start(&mut cmd)?;
        drop(write);
        let mut line = String::new();
        let _ = BufReader::new(File::from(read)).read_line(&mut line);
        let ready = start.elapsed();
        if line != "\n" {
            let out = run.finish_now()?;
            return Err(format!(
                "{} never said it was ready; status {}, stderr:\n{}",
                out.what, out.status, out.stderr
            ));
        }
        run.what = "ftrace-cli".into();
        Ok((run, start, ready))
    }

    fn finish_now(mut self) -> Result<Finished, String> {
        let _ = self.child.kill();
        self.finish()
    }

    /// Reads stderr to its end, then reaps the child with wait4 for its rusage.
    fn finish(mut self) -> Result<Finished, String> {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: plain syscall on our own child, with valid pointers. std's
        // Child is not waited on afterwards.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped != pid {
            return Err(format!(
                "waiting for {}: {}",
                self.what,
                std::io::Error::last_os_error()
            ));
        }
        let status = if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            128 + libc::WTERMSIG(status)
        };
        Ok(Finished {
            what: self.what,
            status,
            stderr: String::from_utf8_lossy(&bytes).into_owned(),
            // Linux counts ru_maxrss in KiB.
            peak_rss: usage.ru_maxrss as u64 * 1024,
        })
    }
}

impl Finished {
    fn check_success(&self, what: &str) -> Result<(), String> {
        if self.status == 0 {
            return Ok(());
        }
        Err(format!(
            "{what} ({}) exited with status {}; stderr:\n{}",
            self.what, self.status, self.stderr
        ))
    }
}

/// The loop time from the workload's lines `storm COUNT NANOSECONDS`: the
/// slowest, when several storms ran.
fn storm_time(stderr: &str, count: u64) -> Result<u64, String> {
    let prefix = format!("storm {count} ");
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix)?.trim().parse().ok())
        .max()
        .ok_or_else(|| {
            format!("no \"{prefix}NANOSECONDS\" line from the workload; stderr:\n{stderr}")
        })
}

/// N from ftrace-cli's exit line `ftrace-cli: N calls lost (...)`, or 0.
fn lost(stderr: &str) -> Result<u64, String> {
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix("ftrace-cli: ") else {
            continue;
        };
        if let Some((n, _)) = rest.split_once(" calls lost") {
            return n
                .parse()
                .map_err(|_| format!("cannot read the loss count in {line:?}"));
        }
    }
    Ok(0)
}

/// How a trace file is written.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Text,
    Json,
    Strace,
}

/// The workload's name while it is timed: its own, so that a test or
/// another benchmark running meanwhile is not taken for the storm.
fn workload_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| format!("storm-{}", std::process::id()))
}

/// The lines of a trace file that are calls on "/dev/null", and the
/// others. In ftrace-cli's traces, only the workload's calls count (a shell
/// opens it too, for a command it runs in the background); strace's lines
/// have no comm.
fn count_events(path: &Path, format: Format) -> Result<(u64, Vec<String>), String> {
    let file = File::open(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let (mut events, mut other) = (0, Vec::new());
    let name = workload_name();
    let json_comm = format!("\"comm\":\"{name}\",");
    let json_comm = json_comm.as_bytes();
    for line in BufReader::with_capacity(1 << 20, file).split(b'\n') {
        let line = line.map_err(|e| format!("reading {}: {e}", path.display()))?;
        let ours = match format {
            Format::Strace => true,
            Format::Text => line.split(|&b| b == b' ').nth(1) == Some(name.as_bytes()),
            Format::Json => line.windows(json_comm.len()).any(|w| w == json_comm),
        };
        if ours && line.windows(11).any(|w| w == b"\"/dev/null\"") {
            events += 1;
        } else {
            other.push(String::from_utf8_lossy(&line).into_owned());
        }
    }
    Ok((events, other))
}

/// Tracers that are not ours, running now: "ftrace-cli 1234". Ours have all
/// been reaped between cases.
fn other_tracers() -> Vec<String> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = fs::read_to_string(entry.path().join("comm")).ok()?;
            let comm = comm.trim_end();
            matches!(comm, "ftrace-cli" | "strace" | "bpftrace" | "perf")
                .then(|| format!("{comm} {pid}"))
        })
        .collect()
}

fn strace_version() -> Option<String> {
    let out = Command::new("strace").arg("-V").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.lines().next().unwrap_or("strace").to_string())
}

/// "Linux 6.18.44, AMD EPYC, 2 cores".
fn machine() -> String {
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into());
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            let (key, value) = l.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("Linux {kernel}, {model}, {cores} cores")
}

/// The middle value, or the mean of the two middle ones.
fn median(values: &[u64]) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

fn seconds(ns: u64) -> String {
    let s = ns as f64 / 1e9;
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.01 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{:.2} ms", s * 1e3)
    }
}

fn per_pair(ns: u64, count: u64) -> String {
    let each = ns as f64 / count as f64;
    if each >= 1000.0 {
        format!("{:.2} µs", each / 1000.0)
    } else {
        format!("{each:.0} ns")
    }
}

/// "8M" as bytes, rounded up to a power of two as ftrace-cli does.
fn size_bytes(size: &str) -> u64 {
    let digits: String = size.chars().take_while(|c| c.is_ascii_digit()).collect();
    let shift = match size[digits.len()..].chars().next() {
        Some('K' | 'k') => 10,
        Some('M' | 'm') => 20,
        Some('G' | 'g') => 30,
        _ => 0,
    };
    (digits.parse::<u64>().unwrap_or(0) << shift).next_power_of_two()
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

/// (slowest - fastest) / median, in percent: how much the rounds disagree.
fn spread_percent(values: &[u64]) -> String {
    let (Some(min), Some(max), Some(med)) =
        (values.iter().min(), values.iter().max(), median(values))
    else {
        return "-".into();
    };
    if med == 0 {
        return "-".into();
    }
    format!("{:.0}%", (max - min) as f64 * 100.0 / med as f64)
}

/// The median, marked with a * when the rounds do not all agree.
fn spread(values: &[u64]) -> String {
    let varies = values.iter().any(|v| Some(v) != values.first());
    match median(values) {
        Some(med) if varies => format!("{med}*"),
        Some(med) => med.to_string(),
        None => "-".into(),
    }
}

/// `time / base` as `1.23x`, or `-`.
fn ratio(time: Option<u64>, base: Option<u64>) -> String {
    match (time, base) {
        (Some(t), Some(b)) if b > 0 => format!("{:.2}x", t as f64 / b as f64),
        _ => "-".into(),
    }
}

/// Prints the table; false when events written + lost != N in some round.
fn report(opts: &Options, cases: &[Case], samples: &[Samples], strace: Option<&str>) -> bool {
    let mut ok = true;
    let mut mismatches = Vec::new();
    let mut notes = Vec::new();
    println!(
        "{:<41}{:>8}{:>9}{:>10}{:>7}{:>9}{:>7}{:>8}{:>9}{:>7}  check",
        "case", "pairs", "loop", "per pair", "ratio", "whole", "ratio", "spread", "written", "lost"
    );
    for (&case, s) in cases.iter().zip(samples) {
        let count = case.count(opts);
        let base = cases
            .iter()
            .position(|&c| c == case.baseline())
            .map(|i| &samples[i]);
        let loop_time = median(&s.loop_ns);
        let whole = median(&s.whole_ns);
        let written = if s.written.is_empty() {
            "-".into()
        } else {
            spread(&s.written)
        };
        let (lost, check) = match case {
            _ if case.captures() => {
                let bad: Vec<_> = s
                    .written
                    .iter()
                    .zip(&s.lost)
                    .enumerate()
                    .filter(|(_, (w, l))| *w + *l != count)
                    .collect();
                for (round, (w, l)) in &bad {
                    mismatches.push(format!(
                        "!!! MISMATCH in round {}: {w} written + {l} lost != {count} !!!\n    {}",
                        round + 1,
                        s.diagnosis[*round]
                    ));
                }
                ok &= bad.is_empty();
                let check = if bad.is_empty() { "OK" } else { "MISMATCH" };
                if spread(&s.written).ends_with('*') || spread(&s.lost).ends_with('*') {
                    let rounds: Vec<_> = s
                        .written
                        .iter()
                        .zip(&s.lost)
                        .map(|(w, l)| format!("{w} + {l}"))
                        .collect();
                    notes.push(format!(
                        "* rounds differ; {}, written + lost: {}",
                        case.label(),
                        rounds.join(", ")
                    ));
                }
                (spread(&s.lost), check)
            }
            _ if case.is_strace() => {
                let all = s.written.iter().all(|&w| w == count);
                ("-".to_string(), if all { "OK" } else { "MISMATCH" })
            }
            _ => ("-".to_string(), ""),
        };
        let row = format!(
            "{:<41}{:>8}{:>9}{:>10}{:>7}{:>9}{:>7}{:>8}{:>9}{:>7}  {check}",
            case.label(),
            if count > 0 {
                count.to_string()
            } else {
                "-".into()
            },
            loop_time.map_or("-".into(), seconds),
            loop_time
                .filter(|_| count > 0)
                .map_or("-".into(), |t| per_pair(t, count)),
            ratio(loop_time, base.and_then(|b| median(&b.loop_ns))),
            whole.map_or("-".into(), seconds),
            ratio(whole, base.and_then(|b| median(&b.whole_ns))),
            spread_percent(&s.whole_ns),
            written,
            lost
        );
        println!("{}", row.trim_end());
    }
    for line in notes.iter().chain(&mismatches) {
        println!("{line}");
    }
    let of = |case: Case| cases.iter().position(|&c| c == case).map(|i| &samples[i]);
    if let (Some(ours), Some(theirs)) = (of(Case::FtraceFind), of(Case::StraceFind)) {
        println!(
            "find /usr -xdev, every %file call traced, ftrace-cli against strace: whole {}",
            ratio(median(&ours.whole_ns), median(&theirs.whole_ns))
        );
    }
    if let (Some(plain), Some(named)) = (of(Case::FtraceFile), of(Case::FtraceFileFdPaths)) {
        println!(
            "-y against the same capture without it: loop {}, whole {}",
            ratio(median(&named.loop_ns), median(&plain.loop_ns)),
            ratio(median(&named.whole_ns), median(&plain.whole_ns))
        );
    }
    if let (Some(json), Some(text)) = (of(Case::FtraceJson), of(Case::FtraceFile)) {
        println!(
            "--json against text -o FILE: whole run {} (round by round: {}), loop {}",
            ratio(median(&json.whole_ns), median(&text.whole_ns)),
            json.whole_ns
                .iter()
                .zip(&text.whole_ns)
                .map(|(&j, &t)| ratio(Some(j), Some(t)))
                .collect::<Vec<_>>()
                .join(" "),
            ratio(median(&json.loop_ns), median(&text.loop_ns)),
        );
    }
    let ring = opts.buffer_size.as_deref().unwrap_or("8M (default)");
    let ring_bytes = size_bytes(opts.buffer_size.as_deref().unwrap_or("8M"));
    for (&case, s) in cases.iter().zip(samples) {
        if s.ready.is_empty() {
            continue;
        }
        let ready = median(&s.ready).unwrap_or(0);
        let rss = median(&s.peak_rss).unwrap_or(0);
        // The ring's data pages are mapped twice, back to back, so that a
        // record that wraps reads as one: they count twice in RSS.
        let beyond = rss.saturating_sub(2 * ring_bytes);
        println!(
            "{}: ready in {} ms, peak RSS {}, {} beyond the ring buffer (medians; ring buffer {ring})",
            case.label(),
            ready / 1_000_000,
            mib(rss),
            mib(beyond)
        );
    }
    match strace {
        Some(version) => println!(
            "{version}: its storms have {} pairs, its ratios are against an untraced run of as many",
            opts.strace_count
        ),
        None => println!("strace is not installed: its rows are skipped"),
    }
    ok
}

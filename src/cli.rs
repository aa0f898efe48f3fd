//! The command line: one clap struct whose doc comments are `--help` and the man page.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Parser};

use crate::cgroup::{parse_cgroup, Cgroup};
use crate::decode::{class, Detail, Style, Syscall};
use crate::filter::{
    parse_comm, parse_expr, parse_pid, parse_trace_set, parse_uid, Expr, Status, TraceSet,
};
use crate::output::{Precision, Timestamps};

/// strace for files, on eBPF.
///
/// Traces the file calls of the processes you pick (openat, symlinkat and
/// fanotify_mark unless -e chooses others among the calls it lists), and
/// prints each call as strace does, one line per call:
///
///   PID[/TID] COMM CALL = RESULT
///
/// Targets are chosen with -p, -c and a command (after the options, as with
/// strace; -- before it is optional); several combine (a process matching
/// any of them is traced). With none, every process but ftrace-cli itself is
/// traced until Ctrl-C.
#[derive(Debug, Parser)]
#[command(name = "ftrace-cli", version, max_term_width = 100)]
#[command(after_help = AFTER_HELP)]
pub struct Cli {
    /// Trace process PID and all its threads; repeat or give a comma list.
    ///
    /// ftrace-cli ends by itself once every traced process has exited. The
    /// id of a thread that is not its process's leader traces that thread
    /// alone, until it exits. Inside a pid namespace (a container), PID is
    /// as that namespace numbers it, and so are the pids printed.
    #[arg(help_heading = TARGETS)]
    #[arg(short = 'p', long = "pid", value_name = "PID", value_delimiter = ',',
          value_parser = parse_pid, allow_hyphen_values = true, action = ArgAction::Append)]
    pub pids: Vec<i32>,

    /// Trace processes whose name (comm) is NAME; repeatable.
    ///
    /// The kernel keeps at most 15 bytes of a name: a longer NAME is refused,
    /// with the 15-byte form to use instead (cut before a UTF-8 character the
    /// 15 bytes would split; that form matches too). At most 64 names.
    #[arg(help_heading = TARGETS)]
    #[arg(short = 'c', long = "comm", value_name = "NAME", value_parser = parse_comm,
          action = ArgAction::Append)]
    pub comms: Vec<Vec<u8>>,

    /// Only calls made by user UID (a name or a number; the real uid, as
    /// ps shows it); repeatable. Filtered in the kernel. With no -p, -c or
    /// command, that user's processes system-wide.
    #[arg(help_heading = FILTERS)]
    #[arg(long = "uid", value_name = "UID", value_parser = parse_uid, action = ArgAction::Append)]
    pub uids: Vec<u32>,

    /// Only processes in the cgroup v2 directory PATH or below it;
    /// repeatable. Filtered in the kernel. PATH is a directory of the cgroup
    /// v2 hierarchy, or a path as /proc/PID/cgroup shows it: for a
    /// container, a systemd service or a pod, the 0:: line of
    /// /proc/PID/cgroup of one of its processes.
    #[arg(help_heading = FILTERS)]
    #[arg(long = "cgroup", value_name = "PATH", value_parser = parse_cgroup,
          action = ArgAction::Append)]
    pub cgroups: Vec<Cgroup>,

    /// Also trace the children (and their threads) that traced processes
    /// create from now on, as strace -f; with -c, the children of the
    /// processes so named. Implied for a command. -ff with -o FILE: one
    /// file per process, as --output-separately.
    #[arg(help_heading = TARGETS)]
    #[arg(short = 'f', long = "follow-forks", action = ArgAction::Count)]
    pub follow_forks: u8,

    /// Which calls to trace, in strace's syntax; repeatable. Default:
    /// openat, symlinkat and fanotify_mark.
    ///
    /// LIST is all, none, or items separated by commas, each a call name, a
    /// class (%file: the calls that take a file name; %desc: those that take
    /// or return a descriptor; %stat, %lstat, %fstat: the stat, lstat and
    /// fstatat variants; %%stat: every stat variant; %statfs, %%statfs:
    /// statfs and statfs64) or /REGEX (POSIX extended, matched
    /// anywhere in call names). An item that selects nothing is an error
    /// unless it starts with ?; a LIST that starts with ! is negated.
    ///
    /// The calls: open, creat, openat, openat2; symlink, symlinkat, link,
    /// linkat, unlink, unlinkat; rename, renameat, renameat2; access,
    /// faccessat, faccessat2; chmod, fchmodat, fchmodat2, mkdir, mkdirat,
    /// rmdir; chown, lchown, chown32, lchown32, fchownat; mknod, mknodat;
    /// truncate, truncate64; chdir, chroot, pivot_root, acct, uselib;
    /// umount, umount2; swapon, swapoff; inotify_add_watch; open_tree,
    /// fspick, move_mount; fanotify_init, fanotify_mark; stat, lstat,
    /// newfstatat, oldstat, oldlstat, stat64, lstat64, fstatat64, statx;
    /// readlink, readlinkat, getcwd; setxattr, lsetxattr, getxattr,
    /// lgetxattr, listxattr, llistxattr, removexattr, lremovexattr,
    /// setxattrat, getxattrat, listxattrat, removexattrat; utime, utimes,
    /// futimesat, utimensat; statfs, statfs64; mount, mount_setattr,
    /// open_tree_attr, fsconfig; quotactl; file_getattr, file_setattr;
    /// name_to_handle_at; execve, execveat. chown32, lchown32,
    /// truncate64, umount, oldstat, oldlstat, stat64, lstat64, fstatat64 and statfs64
    /// exist only for 32-bit (ia32) processes, where chown and lchown take
    /// 16-bit ids.
    ///
    /// Also status=successful or status=failed, as -z or -Z.
    #[arg(help_heading = FILTERS)]
    #[arg(short = 'e', long = "expr", value_name = "trace=LIST", value_parser = parse_expr,
          action = ArgAction::Append)]
    pub expr: Vec<Expr>,

    /// The same as -e trace=LIST (strace's spelling).
    #[arg(help_heading = FILTERS)]
    #[arg(long = "trace", value_name = "LIST", value_parser = parse_trace_set,
          action = ArgAction::Append)]
    pub trace: Vec<TraceSet>,

    /// How constants print, as strace -X: raw (numbers), abbrev (names),
    /// verbose (numbers with names in a comment).
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'X', long = "const-print-style", value_name = "STYLE",
          value_parser = parse_style, default_value = "abbrev")]
    pub style: Style,

    /// The most bytes of a string that is not a path (xattr values, argv
    /// strings, mount data) to print, as strace -s; longer ones end in
    /// "...". Paths always print whole. Without -v, also the most strings
    /// of argv.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 's', long = "string-limit", value_name = "STRSIZE", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(0..=4096))]
    pub strsize: u32,

    /// Print structures (struct stat, statx) and exec's environment whole,
    /// as strace -v, instead of abbreviated.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'v', long = "no-abbrev")]
    pub verbose: bool,

    /// Write the trace to FILE (created or truncated) instead of stdout.
    /// Never coloured.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With -o: append to FILE instead of truncating it (strace -A).
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'A', long = "output-append-mode", requires = "output")]
    pub append: bool,

    /// With -o FILE: write each process's calls to FILE.PID (strace -ff);
    /// without -o it has no effect, as in strace.
    #[arg(help_heading = OUTPUT)]
    #[arg(long = "output-separately", conflicts_with_all = ["summary_only", "summary"])]
    pub output_separately: bool,

    /// Write one JSON object per call (JSON Lines) instead of text; the
    /// fields are listed in the man page, under JSON.
    #[arg(help_heading = OUTPUT)]
    #[arg(long = "json", conflicts_with_all = ["summary_only", "summary", "timestamps", "relative", "durations"])]
    pub json: bool,

    /// Prefix each line with the time of day (-t), with microseconds
    /// (-tt), or as seconds since the epoch (-ttt), taken at the call's entry.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 't', action = ArgAction::Count)]
    pub timestamps: u8,

    /// The time as strace's --absolute-timestamps=[format:]FORMAT,[precision:]PRECISION
    /// gives it: FORMAT time (of day, the default) or unix (seconds since
    /// the epoch) or none; PRECISION s (the default), ms, us or ns. -t is
    /// format:time, -tt adds precision:us, -ttt is format:unix,precision:us.
    #[arg(help_heading = OUTPUT)]
    #[arg(long = "absolute-timestamps", alias = "timestamps", value_name = "SPEC",
          num_args = 0..=1, require_equals = true, default_missing_value = "",
          value_parser = parse_absolute, conflicts_with_all = ["timestamps", "json"])]
    pub absolute: Option<Absolute>,

    /// Prefix each line with the time since the previous line's call
    /// began (lines come in the order calls end, so it can be negative).
    /// --relative-timestamps=PRECISION: s, ms, us (the default) or ns.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'r', long = "relative-timestamps", value_name = "PRECISION",
          num_args = 0..=1, require_equals = true, default_missing_value = "us",
          value_parser = parse_precision)]
    pub relative: Option<Precision>,

    /// Show the time spent in each call, as <seconds> at the end of the line.
    /// --syscall-times=PRECISION: s, ms, us (the default) or ns.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'T', long = "syscall-times", value_name = "PRECISION",
          num_args = 0..=1, require_equals = true, default_missing_value = "us",
          value_parser = parse_precision)]
    pub durations: Option<Precision>,

    /// Print only the calls that succeeded (filtered in the kernel).
    #[arg(help_heading = FILTERS)]
    #[arg(short = 'z', long = "successful-only", conflicts_with = "failed_only")]
    pub successful_only: bool,

    /// Print only the calls that failed (filtered in the kernel).
    #[arg(help_heading = FILTERS)]
    #[arg(short = 'Z', long = "failed-only")]
    pub failed_only: bool,

    /// Show the file behind each descriptor argument, AT_FDCWD and returned
    /// descriptor, as 3</etc/passwd>, named by the kernel as the call returns
    /// (what readlink /proc/PID/fd/N gives then, as strace -y). A path longer
    /// than 4095 bytes or deeper than 1024 components shows its end after
    /// "...": 3<.../dir/file>; namespace descriptors and dma-bufs print 3<?>.
    /// -yy is accepted and does the same: none of the calls traced takes or
    /// returns a socket, whose details strace -yy would add.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'y', long = "decode-fds", overrides_with = "fd_paths")]
    pub fd_paths: bool,

    /// Trace only the calls that touch PATH; repeatable (filtered in the kernel).
    ///
    /// A call touches PATH when a path argument names it (as given when
    /// absolute; appended to its dirfd's or the working directory's path
    /// when relative, after a leading ./, without resolving .. or symlinks),
    /// or a descriptor argument or the returned descriptor refers to it. A
    /// PATH ending in / selects that directory and every path beneath it.
    /// PATH also matches as its realpath, when it exists. A symlink's target
    /// and AT_FDCWD itself are not matched.
    #[arg(help_heading = FILTERS)]
    #[arg(short = 'P', long = "trace-path", value_name = "PATH", action = ArgAction::Append)]
    pub trace_paths: Vec<PathBuf>,

    /// Colour the output: auto (a terminal whose TERM is not dumb, NO_COLOR
    /// unset; CLICOLOR_FORCE set forces it), always, never.
    #[arg(help_heading = OUTPUT)]
    #[arg(long = "color", value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Print only a table of calls, errors and time per syscall at the end
    /// (strace -c; here -c is --comm).
    #[arg(help_heading = STATISTICS)]
    #[arg(long = "summary-only", conflicts_with = "summary")]
    pub summary_only: bool,

    /// Print the trace and, at the end, the table of --summary-only.
    #[arg(help_heading = STATISTICS)]
    #[arg(short = 'C', long = "summary")]
    pub summary: bool,

    /// A full-screen live view instead of lines; needs a terminal on stdout.
    ///
    /// Shows calls per second, totals, errors and records lost, a table of
    /// paths (or syscalls, or processes by name) with counts, errors, last
    /// result, last errno and when last seen, and the newest failing calls;
    /// redrawn 4 times a second. A command's output goes to a file in TMPDIR
    /// named on the status line. When the targets end, the view stays until
    /// q; then the table of --summary-only is printed. Keys: q or Ctrl-C quit
    /// (before the end, as SIGTERM would: a command gets it and is waited
    /// for; again to kill it), p or Space pause the display (counting goes
    /// on), / filters by substring (Enter applies, Esc cancels), s cycles the
    /// sort (count, last seen, errors, name), v or Tab switch paths, syscalls
    /// and processes, x lists each process under its name, c clears the
    /// counters, arrows, j/k and PgUp/PgDn scroll, g/G or Home/End go to the
    /// first/last row.
    #[arg(help_heading = LIVE)]
    #[arg(long = "live", conflicts_with_all = ["json", "output", "summary_only", "summary"])]
    pub live: bool,

    /// Ring buffer size in bytes, such as 256K or 64M; rounded up to a power
    /// of two, at most 256M. A larger buffer absorbs longer bursts without
    /// loss, but the kernel allocates it whole at start (about 2 ms per MiB)
    /// and it counts twice in ftrace-cli's RSS (it is mapped twice).
    #[arg(help_heading = ADVANCED)]
    #[arg(long = "buffer-size", value_name = "BYTES", value_parser = parse_size,
          default_value = "8M")]
    pub buffer_size: u32,

    /// Once tracing is attached, write one newline to file descriptor FD and
    /// close it: a script can start the workload after reading it. Any
    /// descriptor open for writing but the trace's own (stdout without -o,
    /// or the file or pipe of -o); 0, 1 and 2 are written but left open.
    #[arg(help_heading = ADVANCED)]
    #[arg(long = "ready-fd", value_name = "FD")]
    pub ready_fd: Option<i32>,

    /// Quieter: -q drops the line saying what is traced (printed on a
    /// terminal only); -qq also the notice that -c waits for a name that no
    /// process has yet.
    #[arg(help_heading = OUTPUT)]
    #[arg(short = 'q', long = "quiet", action = ArgAction::Count)]
    pub quiet: u8,

    /// Print a completion script for SHELL and exit (for packagers; see make install).
    #[arg(long, value_name = "SHELL", hide = true, exclusive = true)]
    pub completions: Option<clap_complete::Shell>,

    /// Print the man page (roff) and exit (for packagers; see make install).
    #[arg(long, hide = true, exclusive = true)]
    pub generate_man: bool,

    /// The command to run and trace, with its arguments; ftrace-cli exits
    /// with its status. Options go before it; -- before it is optional.
    #[arg(trailing_var_arg = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

impl Cli {
    /// The trace sets of -e trace= and --trace.
    pub fn trace_sets(&self) -> Vec<TraceSet> {
        let from_expr = self.expr.iter().filter_map(|e| match e {
            Expr::Trace(set) => Some(set.clone()),
            Expr::Status(_) => None,
        });
        from_expr.chain(self.trace.iter().cloned()).collect()
    }

    /// Which results to show, from -z, -Z and -e status=: (only
    /// successful, only failed).
    pub fn status_filter(&self) -> (bool, bool) {
        let mut success = self.successful_only;
        let mut failure = self.failed_only;
        for expr in &self.expr {
            match expr {
                Expr::Status(Status::Successful) => success = true,
                Expr::Status(Status::Failed) => failure = true,
                Expr::Status(Status::Any) | Expr::Trace(_) => {}
            }
        }
        // Both asked for: every call, as strace's status=successful,failed.
        if success && failure {
            (false, false)
        } else {
            (success, failure)
        }
    }

    /// The timestamps of -t, -tt, -ttt or --absolute-timestamps.
    pub fn absolute_timestamps(&self) -> Timestamps {
        let (format, precision) = match self.absolute {
            Some(spec) => (
                spec.format.unwrap_or(Some(AbsoluteFormat::Time)),
                spec.precision.unwrap_or(Precision::SECONDS),
            ),
            None => match self.timestamps {
                0 => (None, Precision::SECONDS),
                1 => (Some(AbsoluteFormat::Time), Precision::SECONDS),
                2 => (Some(AbsoluteFormat::Time), Precision::MICROS),
                _ => (Some(AbsoluteFormat::Unix), Precision::MICROS),
            },
        };
        match format {
            None => Timestamps::None,
            Some(AbsoluteFormat::Time) => Timestamps::TimeOfDay(precision),
            Some(AbsoluteFormat::Unix) => Timestamps::Epoch(precision),
        }
    }

    /// Whether the output shows when calls began or how long they took:
    /// only then does the kernel read the clock for each call.
    pub fn shows_times(&self) -> bool {
        self.json
            || self.live
            || self.summary
            || self.summary_only
            || self.relative.is_some()
            || self.durations.is_some()
            || self.absolute_timestamps() != Timestamps::None
    }

    /// One file per process: -ff or --output-separately, with -o.
    pub fn separate_outputs(&self) -> bool {
        self.output.is_some() && (self.follow_forks >= 2 || self.output_separately)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

const AFTER_HELP: &str = "\
Exit status: 0 on success, or the traced command's own status; 1 runtime error;
2 bad usage; 3 missing privileges; 4 kernel lacks BPF support; 126/127 the
command could not be run (not executable / not found).";

/// --absolute-timestamps: the format (None: no timestamps) and precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Absolute {
    format: Option<Option<AbsoluteFormat>>,
    precision: Option<Precision>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AbsoluteFormat {
    Time,
    Unix,
}

/// strace's `[format:]FORMAT,[precision:]PRECISION`, either part optional.
fn parse_absolute(s: &str) -> Result<Absolute, String> {
    let mut spec = Absolute {
        format: None,
        precision: None,
    };
    for token in s.split(',').filter(|t| !t.is_empty()) {
        let (kind, value) = match token.split_once(':') {
            Some((kind @ ("format" | "precision"), value)) => (Some(kind), value),
            _ => (None, token),
        };
        let format = match value {
            "none" => Some(None),
            "time" => Some(Some(AbsoluteFormat::Time)),
            "unix" => Some(Some(AbsoluteFormat::Unix)),
            _ => None,
        };
        match (kind, format, Precision::parse(value)) {
            (Some("format") | None, Some(format), _) => spec.format = Some(format),
            (Some("precision") | None, _, Some(precision)) => spec.precision = Some(precision),
            _ => {
                return Err(format!(
                    "'{token}' is not a format (none, time, unix) or precision (s, ms, us, ns)"
                ))
            }
        }
    }
    Ok(spec)
}

fn parse_precision(s: &str) -> Result<Precision, String> {
    Precision::parse(s).ok_or_else(|| format!("'{s}' is not one of s, ms, us, ns"))
}

impl Cli {
    /// -s and -v.
    pub fn detail(&self) -> Detail {
        Detail {
            strsize: self.strsize as usize,
            verbose: self.verbose,
        }
    }
}

fn parse_style(s: &str) -> Result<Style, String> {
    match s {
        "raw" => Ok(Style::Raw),
        "abbrev" => Ok(Style::Abbrev),
        "verbose" => Ok(Style::Verbose),
        _ => Err(format!("'{s}' is not one of raw, abbrev, verbose")),
    }
}

/// The largest --buffer-size: 256M already takes half a second to start.
const MAX_BUFFER_MIB: u64 = 256;

/// Sizes like 65536, 64K, 8M; the kernel wants a power of two, so round up.
fn parse_size(s: &str) -> Result<u32, String> {
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let shift = match unit {
        "" => 0,
        "K" | "k" | "KiB" => 10,
        "M" | "m" | "MiB" => 20,
        "G" | "g" | "GiB" => 30,
        _ => return Err(format!("'{s}' is not a size like 65536, 256K or 8M")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size like 65536, 256K or 8M"))?;
    let bytes = n
        .checked_shl(shift)
        .filter(|&b| b >> shift == n && b >= 4096)
        .ok_or_else(|| format!("'{s}' is out of range: 4K to {MAX_BUFFER_MIB}M"))?;
    if bytes > MAX_BUFFER_MIB << 20 {
        return Err(format!(
            "'{s}' is too large: the kernel allocates the whole ring buffer at start and it is \
             mapped twice, so it would pin that much kernel memory and show as twice that in \
             RSS; the largest is {MAX_BUFFER_MIB}M"
        ));
    }
    Ok(bytes.next_power_of_two() as u32)
}

/// `ftrace-cli --` with nothing after it: clap sees no command at all, which
/// would start a system-wide trace nobody asked for. Refused, as strace does.
pub fn check_command_given(
    cli: &Cli,
    args: impl IntoIterator<Item = OsString>,
) -> Result<(), String> {
    if cli.command.is_empty() && args.into_iter().skip(1).last().is_some_and(|a| a == "--") {
        return Err(
            "no command after `--` (to trace by -p, -c or system-wide, leave out `--`)".into(),
        );
    }
    Ok(())
}

/// Parses the command line, with a --version that also names the libbpf
/// the binary carries (it is linked in statically).
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let version: &'static str = Box::leak(version().into_boxed_str());
    let matches = command().version(version).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// The headings of --help, and of the man page's OPTIONS.
const TARGETS: &str = "Targets";
const FILTERS: &str = "Filters";
const OUTPUT: &str = "Output";
const STATISTICS: &str = "Statistics";
const LIVE: &str = "Live";
const ADVANCED: &str = "Advanced";

/// The command line as --help, the man page and the completions show it:
/// the derived definition, with the call names and classes under -e taken
/// from the call table.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    // mut_args, not mut_arg, which would move -e (and its heading) last.
    Cli::command().mut_args(|arg| {
        if arg.get_id() != "expr" {
            return arg;
        }
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        arg.long_help(format!("{help}.\n\n{}", calls_help()))
    })
}

/// "Calls: ... Classes: ...", from the call table.
fn calls_help() -> String {
    let default = crate::filter::selected_calls(&[]);
    let calls: Vec<String> = Syscall::all()
        .map(|call| {
            let name = call.name();
            if default.contains(&call) {
                format!("{name} (default)")
            } else {
                name.to_string()
            }
        })
        .collect();
    let classes: Vec<String> = class::NAMES
        .iter()
        .map(|&(name, bits)| {
            let members: Vec<&str> = Syscall::all()
                .filter(|call| call.in_class(bits))
                .map(Syscall::name)
                .collect();
            format!("%{name} ({})", members.join(", "))
        })
        .collect();
    format!(
        "Calls: {}. Classes: {}.",
        calls.join(", "),
        classes.join(", ")
    )
}

/// `0.1.0 (libbpf 1.7)`.
pub fn version() -> String {
    use libbpf_rs::libbpf_sys::{libbpf_major_version, libbpf_minor_version};
    // SAFETY: both only return constants compiled into libbpf.
    let (major, minor) = unsafe { (libbpf_major_version(), libbpf_minor_version()) };
    format!("{} (libbpf {major}.{minor})", env!("CARGO_PKG_VERSION"))
}

/// strace options ftrace-cli does not take, and the closest it has.
const STRACE_OPTIONS: &[(&[&str], &str)] = &[
    (
        &["-a", "--columns"],
        "results are not aligned: one space before '='",
    ),
    (
        &["-b", "--detach-on"],
        "ftrace-cli never attaches to a process (it needs no ptrace)",
    ),
    (
        &["-D", "-DD", "-DDD", "--daemonize"],
        "ftrace-cli never attaches to a process (it needs no ptrace)",
    ),
    (
        &["-d", "--debug"],
        "there is no debug output; the loss line on stderr counts what was not delivered",
    ),
    (
        &["-E", "--env"],
        "give the command its environment with env(1): ftrace-cli env VAR=VALUE CMD",
    ),
    (&["-F"], "use -f"),
    (
        &["-i", "--instruction-pointer"],
        "instruction pointers are not recorded",
    ),
    (
        &["-I", "--interruptible"],
        "Ctrl-C always stops the trace (see --help, Stopping)",
    ),
    (&["-k", "--stack-trace"], "stack traces are not recorded"),
    (
        &["-n", "--syscall-number"],
        "use -X raw for numbers instead of names",
    ),
    (
        &["-O", "--summary-syscall-overhead"],
        "--summary-only times are measured in the kernel",
    ),
    (
        &["-S", "--summary-sort-by"],
        "the --summary-only table is sorted by time",
    ),
    (
        &["-U", "--summary-columns"],
        "the --summary-only table has strace's default columns",
    ),
    (
        &["-w", "--summary-wall-clock"],
        "--summary-only times are wall-clock time already",
    ),
    (
        &["-u", "--user"],
        "run the command as another user yourself: ftrace-cli runuser -u USER -- CMD",
    ),
    (
        &["-x", "-xx", "--strings-in-hex"],
        "strings print as strace prints them by default",
    ),
    (
        &["-Y", "--decode-pids"],
        "the process name is on every line already",
    ),
    (
        &["--seccomp-bpf"],
        "not needed: ftrace-cli filters in the kernel already",
    ),
];

/// A usage error as ftrace-cli prints it: clap's message on one line (the
/// arguments it lists joined onto it), then clap's tips and possible values,
/// each on a line of its own.
pub fn usage_error(err: &clap::Error) -> String {
    if let Some(text) = strace_option_error(err) {
        return text;
    }
    let text = err.render().to_string();
    let body = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let mut first = String::new();
    let mut notes = Vec::new();
    for line in body {
        if first.is_empty() {
            first = line.strip_prefix("error: ").unwrap_or(line).to_string();
        } else if line.starts_with("tip: to pass") {
            // The command is a free argument: that tip would run it as one.
        } else if first.ends_with(':') || first.ends_with(',') {
            first.push(' ');
            first.push_str(line);
            first.push(',');
        } else {
            notes.push(line.to_string());
        }
    }
    let first = first.trim_end_matches(',');
    let first = if first.is_empty() {
        "invalid arguments"
    } else {
        first
    };
    let mut out = format!("ftrace-cli: {first} (see --help)");
    for note in notes {
        out.push_str("\n  ");
        out.push_str(&note);
    }
    out
}

/// strace's options ftrace-cli lacks: say so, with the closest it has.
fn strace_option_error(err: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    if err.kind() != clap::error::ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = err.get(ContextKind::InvalidArg) else {
        return None;
    };
    let name = arg.split('=').next().unwrap_or(arg);
    let (_, hint) = STRACE_OPTIONS
        .iter()
        .find(|(names, _)| names.contains(&name))?;
    Some(format!(
        "ftrace-cli: strace's {name} is not supported: {hint} (see --help)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn every_option_has_a_heading() {
        for arg in command().get_arguments() {
            let builtin = ["help", "version"].contains(&arg.get_id().as_str());
            if arg.is_hide_set() || arg.is_positional() || builtin {
                continue;
            }
            assert!(
                arg.get_help_heading().is_some(),
                "--{}: give it a help_heading (Targets, Filters, Output, ...)",
                arg.get_id()
            );
        }
    }

    #[test]
    fn the_calls_under_e_come_from_the_table() {
        let help = command()
            .get_arguments()
            .find(|a| a.get_id() == "expr")
            .and_then(|a| a.get_long_help())
            .unwrap()
            .to_string();
        for call in Syscall::all() {
            assert!(help.contains(call.name()), "{help}");
        }
        assert!(help.contains("openat (default)"), "{help}");
        assert!(help.contains("%file ("), "{help}");
        assert!(help.contains("%desc ("), "{help}");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("8M"), Ok(8 << 20));
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("100K"), Ok(128 << 10));
        assert!(parse_size("1").is_err());
        assert!(parse_size("2G").is_err());
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert!(parse_size("257M").unwrap_err().contains("too large"));
        assert!(parse_size("1G")
            .unwrap_err()
            .contains("the largest is 256M"));
        assert!(parse_size("99999999999999999999K").is_err());
        assert!(parse_size("x").is_err());
        assert!(parse_size("").is_err());
    }

    #[test]
    fn strace_habits() {
        let cli = Cli::try_parse_from(["ftrace-cli", "-f", "ls", "-l", "--", "x"]).unwrap();
        assert_eq!(cli.command, ["ls", "-l", "--", "x"]);
        assert_eq!(cli.follow_forks, 1);
        let cli = Cli::try_parse_from(["ftrace-cli", "-ffyy", "-o", "t", "ls"]).unwrap();
        assert!(cli.separate_outputs() && cli.fd_paths);
        let cli = Cli::try_parse_from(["ftrace-cli", "-ff", "ls"]).unwrap();
        assert!(!cli.separate_outputs(), "no effect without -o");
        let cli = Cli::try_parse_from(["ftrace-cli", "-e", "status=failed", "-Z"]).unwrap();
        assert_eq!(cli.status_filter(), (false, true));
        let cli = Cli::try_parse_from(["ftrace-cli", "-z", "-e", "status=failed", "--trace=open"])
            .unwrap();
        assert_eq!(cli.status_filter(), (false, false));
        assert_eq!(cli.trace_sets().len(), 1);
    }

    #[test]
    fn help_lists_every_call() {
        let cmd = Cli::command();
        let expr = cmd.get_arguments().find(|a| a.get_id() == "expr").unwrap();
        let help = expr.get_long_help().unwrap().to_string();
        let calls = help.split_once("The calls: ").unwrap().1;
        let calls = &calls[..calls.find(". ").unwrap()];
        let listed: Vec<&str> = calls
            .split([',', ';', ' ', '\n'])
            .filter(|w| !w.is_empty())
            .collect();
        for call in crate::decode::Syscall::all() {
            assert!(
                listed.contains(&call.name()),
                "--help lacks {}",
                call.name()
            );
        }
        for (class, _) in crate::decode::class::NAMES {
            assert!(help.contains(&format!("%{class}")), "--help lacks %{class}");
        }
    }

    #[test]
    fn pid_lists_and_command() {
        let cli =
            Cli::try_parse_from(["ftrace-cli", "-p", "1,2", "-p", "3", "--", "ls", "-l"]).unwrap();
        assert_eq!(cli.pids, [1, 2, 3]);
        assert_eq!(cli.command, ["ls", "-l"]);
    }

    #[test]
    fn bare_terminator_is_refused() {
        let args = |words: &[&str]| words.iter().map(OsString::from).collect::<Vec<_>>();
        let given = |words: &[&str]| {
            let cli = Cli::try_parse_from(args(words)).unwrap();
            check_command_given(&cli, args(words))
        };
        assert!(given(&["ftrace-cli", "--"]).is_err());
        assert!(given(&["ftrace-cli", "-f", "--"]).is_err());
        assert!(given(&["ftrace-cli", "--", "--"]).is_ok());
        assert!(given(&["ftrace-cli", "-p", "1"]).is_ok());
        assert!(given(&["ftrace-cli", "--", "true"]).is_ok());
    }
}

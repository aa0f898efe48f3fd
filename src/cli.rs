//! The command line: one clap struct whose doc comments are `--help` and the man page.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Parser};

use crate::decode::Style;
use crate::filter::{parse_comm, parse_pid, parse_trace_set, TraceSet};

/// strace for files, on eBPF.
///
/// Traces the openat, symlinkat and fanotify_mark calls (and, with -e, open,
/// creat, openat2, symlink and fanotify_init) of the processes you pick, and
/// prints each call as strace does, one line per call:
///
///   PID[/TID] COMM CALL = RESULT
///
/// Targets are chosen with -p, -c and a command after `--`; several combine
/// (a process matching any of them is traced). With none, every process but
/// ftrace-cli itself is traced until Ctrl-C.
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
    #[arg(short = 'p', long = "pid", value_name = "PID", value_delimiter = ',',
          value_parser = parse_pid, allow_hyphen_values = true, action = ArgAction::Append)]
    pub pids: Vec<i32>,

    /// Trace processes whose name (comm) is NAME; repeatable.
    ///
    /// The kernel keeps at most 15 bytes of a name: a longer NAME is refused,
    /// with the 15-byte form to use instead.
    #[arg(short = 'c', long = "comm", value_name = "NAME", value_parser = parse_comm,
          action = ArgAction::Append)]
    pub comms: Vec<Vec<u8>>,

    /// Also trace the children (and their threads) that traced processes
    /// create from now on, as strace -f; with -c, the children of the
    /// processes so named. Implied for a command after `--`.
    #[arg(short = 'f', long = "follow-forks")]
    pub follow_forks: bool,

    /// Which calls to trace, in strace's syntax: trace=NAME[,NAME...],
    /// trace=!NAME, trace=all. Default: openat, symlinkat and fanotify_mark.
    #[arg(short = 'e', long = "expr", value_name = "trace=LIST", value_parser = parse_trace_set,
          action = ArgAction::Append)]
    pub expr: Vec<TraceSet>,

    /// How constants print, as strace -X: raw (numbers), abbrev (names),
    /// verbose (numbers with names in a comment).
    #[arg(short = 'X', long = "const-print-style", value_name = "STYLE",
          value_parser = parse_style, default_value = "abbrev")]
    pub style: Style,

    /// Write the trace to FILE (created or truncated) instead of stdout.
    /// Never coloured.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write one JSON object per call (JSON Lines) instead of text; the
    /// fields are listed in the README and the man page.
    #[arg(long = "json", conflicts_with_all = ["summary_only", "summary", "timestamps", "relative", "durations"])]
    pub json: bool,

    /// Prefix each line with the time of day (-t), with microseconds
    /// (-tt), or as seconds since the epoch (-ttt), taken at the call's entry.
    #[arg(short = 't', action = ArgAction::Count)]
    pub timestamps: u8,

    /// Prefix each line with the time since the previous line's call
    /// began (lines come in the order calls end, so it can be negative).
    #[arg(short = 'r', long = "relative-timestamps")]
    pub relative: bool,

    /// Show the time spent in each call, as <seconds> at the end of the line.
    #[arg(short = 'T', long = "syscall-times")]
    pub durations: bool,

    /// Print only the calls that succeeded (filtered in the kernel).
    #[arg(short = 'z', long = "successful-only", conflicts_with = "failed_only")]
    pub successful_only: bool,

    /// Print only the calls that failed (filtered in the kernel).
    #[arg(short = 'Z', long = "failed-only")]
    pub failed_only: bool,

    /// Show the file behind each descriptor argument, AT_FDCWD and returned
    /// descriptor, as 3</etc/passwd>, named by the kernel as the call returns
    /// (what readlink /proc/PID/fd/N gives then, as strace -y). A path longer
    /// than 4095 bytes or deeper than 1024 components shows its end after
    /// "...": 3<.../dir/file>; namespace descriptors and dma-bufs print 3<?>.
    #[arg(short = 'y', long = "decode-fds")]
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
    #[arg(short = 'P', long = "trace-path", value_name = "PATH", action = ArgAction::Append)]
    pub trace_paths: Vec<PathBuf>,

    /// Colour the output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long = "color", value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Print only a table of calls, errors and time per syscall at the end
    /// (strace -c; here -c is --comm).
    #[arg(long = "summary-only", conflicts_with = "summary")]
    pub summary_only: bool,

    /// Print the trace and, at the end, the table of --summary-only.
    #[arg(short = 'C', long = "summary")]
    pub summary: bool,

    /// A full-screen live view instead of lines; needs a terminal on stdout.
    ///
    /// Shows calls per second, totals, errors and records lost, a table of
    /// paths (or syscalls, or processes) with counts, errors, last result,
    /// last errno and when last seen, and the newest failing calls; redrawn
    /// 4 times a second. On exit, prints the table of --summary-only. Keys:
    /// q or Ctrl-C quit (as SIGTERM would: a command gets it and is waited
    /// for; again to kill it), p pauses the display (counting goes on), /
    /// filters by substring (Enter applies, Esc cancels), s cycles the sort
    /// (count, last seen, errors, name), v switches paths, syscalls and
    /// processes, c clears the counters, arrows or j/k scroll.
    #[arg(long = "live", conflicts_with_all = ["json", "output", "summary_only", "summary"])]
    pub live: bool,

    /// Ring buffer size in bytes, such as 256K or 64M; rounded up to a power
    /// of two, at most 256M. A larger buffer absorbs longer bursts without
    /// loss, but the kernel allocates it whole at start (about 2 ms per MiB)
    /// and it counts twice in ftrace-cli's RSS (it is mapped twice).
    #[arg(long = "buffer-size", value_name = "BYTES", value_parser = parse_size,
          default_value = "8M")]
    pub buffer_size: u32,

    /// Once tracing is attached, write one newline to file descriptor FD and
    /// close it: a script can start the workload after reading it.
    #[arg(long = "ready-fd", value_name = "FD")]
    pub ready_fd: Option<i32>,

    /// Print a completion script for SHELL and exit (for packagers; see `make install`).
    #[arg(long, value_name = "SHELL", hide = true, exclusive = true)]
    pub completions: Option<clap_complete::Shell>,

    /// Print the man page (roff) and exit (for packagers; see `make install`).
    #[arg(long, hide = true, exclusive = true)]
    pub generate_man: bool,

    /// The command to run and trace; ftrace-cli exits with its status.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
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

/// clap's error as one line: its first line, without the "error: " tag.
pub fn one_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let first = text.lines().next().unwrap_or("invalid arguments");
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
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
    fn pid_lists_and_command() {
        let cli =
            Cli::try_parse_from(["ftrace-cli", "-p", "1,2", "-p", "3", "--", "ls", "-l"]).unwrap();
        assert_eq!(cli.pids, [1, 2, 3]);
        assert_eq!(cli.command, ["ls", "-l"]);
    }
}

//! What ftrace-cli says on stderr as it starts, when stderr is a terminal:
//! what it traces and how it stops (strace says "Process N attached"), and
//! that -c is waiting for a name no process has (a strace user's -c).

use std::io::IsTerminal;

use crate::cli::Cli;
use crate::decode::Syscall;

/// Prints the start line (unless -q) and the -c notices (unless -qq).
pub fn announce(cli: &Cli, calls: &[Syscall]) {
    if cli.live || !std::io::stderr().is_terminal() {
        return;
    }
    if cli.quiet == 0 {
        eprintln!("ftrace-cli: {}", start_line(cli, calls));
    }
    if cli.quiet < 2 {
        for comm in &cli.comms {
            if !any_process_named(comm) {
                eprintln!(
                    "ftrace-cli: waiting for processes named '{}' (strace's -c is --summary-only)",
                    String::from_utf8_lossy(comm)
                );
            }
        }
    }
}

/// `tracing openat, symlinkat, fanotify_mark calls of pid 42; it stops when it exits or at Ctrl-C`.
fn start_line(cli: &Cli, calls: &[Syscall]) -> String {
    let names: Vec<_> = calls.iter().map(|c| c.name()).collect();
    let mut targets = Vec::new();
    if !cli.command.is_empty() {
        let name = cli.command[0].to_string_lossy();
        targets.push(format!("'{name}' and its children"));
    }
    match cli.pids.as_slice() {
        [] => {}
        [pid] => targets.push(format!("pid {pid}")),
        pids => {
            let pids: Vec<_> = pids.iter().map(i32::to_string).collect();
            targets.push(format!("pids {}", pids.join(", ")));
        }
    }
    if !cli.pids.is_empty() && cli.follow_forks > 0 {
        targets.push("their new children".to_string());
    }
    for comm in &cli.comms {
        targets.push(format!(
            "processes named '{}'",
            String::from_utf8_lossy(comm)
        ));
    }
    let stop = if !cli.command.is_empty() {
        "stops when the command has exited (Ctrl-C goes to the command)"
    } else if !cli.pids.is_empty() && cli.comms.is_empty() {
        "stops when they have exited, or at Ctrl-C"
    } else {
        "Ctrl-C to stop"
    };
    let targets = if targets.is_empty() {
        "every process".to_string()
    } else {
        targets.join(" and ")
    };
    format!("tracing {} calls of {targets}; {stop}", names.join(", "))
}

/// Whether a running process has this name (comm) now.
fn any_process_named(comm: &[u8]) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true; // cannot tell: say nothing
    };
    entries.flatten().any(|entry| {
        std::fs::read(entry.path().join("comm"))
            .is_ok_and(|name| name.strip_suffix(b"\n").unwrap_or(&name) == comm)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn line(args: &[&str]) -> String {
        let cli =
            Cli::try_parse_from(std::iter::once("ftrace-cli").chain(args.iter().copied())).unwrap();
        start_line(&cli, &crate::filter::DEFAULT_CALLS)
    }

    #[test]
    fn says_what_is_traced_and_how_it_stops() {
        let calls = "tracing openat, symlinkat, fanotify_mark calls of";
        assert_eq!(line(&[]), format!("{calls} every process; Ctrl-C to stop"));
        assert_eq!(
            line(&["-p", "1,2", "-f"]),
            format!(
                "{calls} pids 1, 2 and their new children; stops when they have exited, or at Ctrl-C"
            )
        );
        assert_eq!(
            line(&["-c", "make", "-p", "7"]),
            format!("{calls} pid 7 and processes named 'make'; Ctrl-C to stop")
        );
        assert_eq!(
            line(&["cat", "/etc/hostname"]),
            format!(
                "{calls} 'cat' and its children; stops when the command has exited (Ctrl-C goes to the command)"
            )
        );
    }

    #[test]
    fn finds_running_processes_by_name() {
        let own = std::fs::read("/proc/self/comm").unwrap();
        assert!(any_process_named(own.strip_suffix(b"\n").unwrap()));
        assert!(!any_process_named(b"no-such-name-x"));
    }
}

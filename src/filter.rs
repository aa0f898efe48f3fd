//! What to trace: which processes and which calls, parsed and checked before
//! anything is loaded into the kernel.

use std::fs;

use crate::bpf::types::limits;
use crate::decode::{class, Syscall};
use crate::error::Error;
use crate::pidns::{Namespace, Task};
use crate::posix_regex::Regex;

/// The calls traced when no -e is given.
pub const DEFAULT_CALLS: [Syscall; 3] = [
    Syscall::named("openat"),
    Syscall::named("symlinkat"),
    Syscall::named("fanotify_mark"),
];

/// The kernel's TASK_COMM_LEN less the NUL.
pub const COMM_MAX: usize = 15;

/// How many names the kernel's `comms` map holds.
pub const MAX_COMMS: usize = limits::MAX_COMMS.0 as usize;

pub fn parse_pid(s: &str) -> Result<i32, String> {
    match s.trim().parse::<i64>() {
        Ok(pid) if pid > 0 && pid <= i64::from(i32::MAX) => Ok(pid as i32),
        Ok(_) => Err(format!(
            "'{s}' is not a process id: it must be a positive number"
        )),
        Err(_) => Err(format!("'{s}' is not a process id: it must be a number")),
    }
}

/// A --uid: a number, or a user name looked up in the user database.
pub fn parse_uid(s: &str) -> Result<u32, String> {
    if let Ok(uid) = s.parse::<u32>() {
        return Ok(uid);
    }
    match nix::unistd::User::from_name(s) {
        Ok(Some(user)) => Ok(user.uid.as_raw()),
        Ok(None) => Err(format!("'{s}' is neither a user id nor a known user name")),
        Err(e) => Err(format!("'{s}': looking the user up failed: {}", e.desc())),
    }
}

pub fn parse_comm(s: &str) -> Result<Vec<u8>, String> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err("a process name cannot be empty".into());
    }
    if bytes.len() > COMM_MAX {
        let len = bytes.len();
        if s.is_char_boundary(COMM_MAX) {
            let cut = &s[..COMM_MAX];
            return Err(format!(
                "'{s}' is {len} bytes but the kernel keeps only the first {COMM_MAX} of a process name: use '{cut}'"
            ));
        }
        // The kernel's 15 bytes end inside a character, which no one can
        // type: the kernel side matches such a name without that partial
        // character, so suggest the cut at the character before.
        let boundary = (0..COMM_MAX)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        let (cut, split) = (&s[..boundary], s[boundary..].chars().next().unwrap_or(' '));
        return Err(format!(
            "'{s}' is {len} bytes but the kernel keeps only the first {COMM_MAX} of a process name, \
             which end inside the character '{split}': use '{cut}' (cut on a character boundary, \
             {boundary} bytes; it matches the process)"
        ));
    }
    Ok(bytes.to_vec())
}

/// The -c names, checked as a whole: no more than the kernel's name filter holds.
pub fn check_comms(comms: &[Vec<u8>]) -> Result<(), Error> {
    let mut unique: Vec<&Vec<u8>> = comms.iter().collect();
    unique.sort();
    unique.dedup();
    if unique.len() > MAX_COMMS {
        return Err(Error::Usage(format!(
            "{} process names given with -c; the kernel's name filter holds at most {MAX_COMMS}",
            unique.len()
        )));
    }
    Ok(())
}

/// One `-e trace=...` expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceSet {
    negated: bool,
    calls: Vec<Syscall>,
}

/// One `-e` expression: which calls, or which results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Trace(TraceSet),
    Status(Status),
}

/// `-e status=`: the results strace's -z and -Z select.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Successful,
    Failed,
    /// Both: every call.
    Any,
}

/// strace's `-e` qualifiers that ftrace-cli has no use for, and what to
/// use instead.
const QUALIFIER_HINTS: &[(&str, &str)] = &[
    ("abbrev", "constants print as -X abbrev|raw|verbose says"),
    ("verbose", "constants print as -X abbrev|raw|verbose says"),
    ("raw", "constants print as -X abbrev|raw|verbose says"),
    ("signal", "ftrace-cli traces file calls, not signals"),
    ("signals", "ftrace-cli traces file calls, not signals"),
    (
        "read",
        "ftrace-cli traces file calls, not the data read or written",
    ),
    (
        "write",
        "ftrace-cli traces file calls, not the data read or written",
    ),
    ("quiet", "use -q or -qq"),
    ("silent", "use -q or -qq"),
    ("silence", "use -q or -qq"),
    ("decode-fds", "use -y"),
    ("inject", "ftrace-cli never changes a traced call"),
    ("fault", "ftrace-cli never changes a traced call"),
];

/// One `-e` expression: `trace=LIST` (or a bare LIST), or `status=LIST`.
pub fn parse_expr(s: &str) -> Result<Expr, String> {
    match s.split_once('=') {
        Some(("status", list)) => parse_status(list).map(Expr::Status),
        Some(("trace", _)) | None => parse_trace_set(s).map(Expr::Trace),
        Some((qualifier, _)) => {
            let hint = QUALIFIER_HINTS
                .iter()
                .find(|(q, _)| *q == qualifier)
                .map_or(
                    "ftrace-cli takes -e trace=LIST and -e status=LIST",
                    |(_, h)| h,
                );
            Err(format!("'{qualifier}=' is not supported: {hint}"))
        }
    }
}

fn parse_status(list: &str) -> Result<Status, String> {
    let (mut successful, mut failed) = (false, false);
    for name in list.split(',') {
        match name {
            "successful" => successful = true,
            "failed" => failed = true,
            "all" => (successful, failed) = (true, true),
            _ => {
                return Err(format!(
                    "status '{name}' is not supported: ftrace-cli takes status=successful (-z) \
                     and status=failed (-Z)"
                ))
            }
        }
    }
    Ok(match (successful, failed) {
        (true, false) => Status::Successful,
        (false, true) => Status::Failed,
        _ => Status::Any,
    })
}

/// strace's classes that hold no call ftrace-cli traces: named so that
/// the error says so rather than "unknown".
const OTHER_STRACE_CLASSES: &[&str] = &[
    "memory", "process", "creds", "signal", "ipc", "net", "network", "pure", "clock",
];

/// Parses `trace=LIST` (or a bare LIST) as strace does: each leading `!`
/// inverts; LIST is `all`, `none`, or comma-separated names, `%class`es
/// (or strace's old bare class names), `/regex`es (POSIX extended, as
/// strace), each optionally after `?`, which makes one that selects
/// nothing no error.
pub fn parse_trace_set(s: &str) -> Result<TraceSet, String> {
    let list = match s.split_once('=') {
        Some(("trace", list)) => list,
        Some((qualifier, _)) => {
            return Err(format!(
                "'{qualifier}=' is not supported: ftrace-cli only takes -e trace=LIST"
            ))
        }
        None => s,
    };
    let bangs = list.len() - list.trim_start_matches('!').len();
    let (negated, list) = (bangs % 2 == 1, &list[bangs..]);
    let mut calls = Vec::new();
    if list == "none" {
        return Ok(TraceSet { negated, calls });
    }
    for token in list.split(',') {
        let name = token.trim_start_matches('?');
        let optional = name.len() != token.len();
        let found = select(name)?;
        if found.is_empty() && !optional {
            return Err(nothing_selected(name));
        }
        calls.extend(found);
    }
    calls.sort();
    calls.dedup();
    Ok(TraceSet { negated, calls })
}

/// The calls one token of a list names (`?` already taken off).
fn select(token: &str) -> Result<Vec<Syscall>, String> {
    if let Some(pattern) = token.strip_prefix('/') {
        let regex = Regex::new(pattern).map_err(|e| format!("'/{pattern}' is not a regex: {e}"))?;
        return Ok(Syscall::all()
            .filter(|s| regex.is_match(s.name()))
            .collect());
    }
    if token.eq_ignore_ascii_case("all") {
        return Ok(Syscall::all().collect());
    }
    if let Some(class) = class_name(token) {
        if let Some(&(_, bits)) = class::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(class))
        {
            return Ok(Syscall::all().filter(|s| s.in_class(bits)).collect());
        }
    }
    Ok(Syscall::from_name(token).into_iter().collect())
}

/// strace's classes that it also takes without `%` (their old names).
const BARE_CLASSES: &[&str] = &[
    "desc", "file", "memory", "process", "signal", "ipc", "network",
];

/// The class a token names, in any case: `%NAME`, or one of strace's old
/// bare names; None for a call name (`stat` is the call, `%stat` the class).
fn class_name(token: &str) -> Option<&str> {
    match token.strip_prefix('%') {
        Some(class) => Some(class),
        None => BARE_CLASSES
            .iter()
            .any(|c| c.eq_ignore_ascii_case(token))
            .then_some(token),
    }
}

/// The error for a token that selects no call.
fn nothing_selected(token: &str) -> String {
    let classes: Vec<_> = class::NAMES.iter().map(|(n, _)| format!("%{n}")).collect();
    if token.starts_with('/') {
        return format!("'{token}' matches no call ftrace-cli traces (see --help for the list)");
    }
    let class = class_name(token).unwrap_or("");
    if OTHER_STRACE_CLASSES
        .iter()
        .any(|c| c.eq_ignore_ascii_case(class))
    {
        return format!(
            "'{token}' is a strace class with no call ftrace-cli traces (it knows {})",
            classes.join(", ")
        );
    }
    if token.starts_with('%') {
        return format!(
            "'{token}' is not a class ftrace-cli knows (it knows {})",
            classes.join(", ")
        );
    }
    format!(
        "'{token}' is not a call ftrace-cli traces (see --help for the calls and classes; \
         ?{token} ignores it)"
    )
}

/// The calls the expressions select: the union of the positive lists less
/// every negated one; negations alone start from all calls.
pub fn selected_calls(sets: &[TraceSet]) -> Vec<Syscall> {
    if sets.is_empty() {
        return DEFAULT_CALLS.to_vec();
    }
    let only_negations = sets.iter().all(|s| s.negated);
    Syscall::all()
        .filter(|call| {
            let included =
                only_negations || sets.iter().any(|s| !s.negated && s.calls.contains(call));
            let excluded = sets.iter().any(|s| s.negated && s.calls.contains(call));
            included && !excluded
        })
        .collect()
}

/// A -p target: the pid as given (as ftrace-cli's namespace numbers it),
/// and the kernel's ids of what it names.
#[derive(Clone, Copy, Debug)]
pub struct PidTarget {
    pub pid: i32,
    pub task: Task,
}

impl PidTarget {
    /// A thread other than its process's leader: only it is traced, as strace -p TID.
    pub fn is_thread(&self) -> bool {
        self.task.tid != self.task.tgid
    }

    /// True while what it names can still make calls.
    pub fn is_alive(&self) -> bool {
        if self.is_thread() {
            !matches!(process_state(self.pid), None | Some(b'Z') | Some(b'X'))
        } else {
            is_alive(self.pid)
        }
    }
}

/// Checks that `pid` names a live process or thread in ftrace-cli's pid
/// namespace that can be traced, so that a typo is an error before
/// anything is attached rather than an empty trace, or the wrong process.
pub fn check_pid_target(pid: i32, ns: &Namespace) -> Result<PidTarget, Error> {
    if pid as u32 == std::process::id() {
        return Err(Error::Usage(format!(
            "process {pid} is ftrace-cli itself: it cannot trace itself"
        )));
    }
    let task = ns
        .resolve(pid)?
        .ok_or_else(|| Error::Usage(format!("no process with pid {pid}")))?;
    if task.tgid == ns.self_tgid {
        return Err(Error::Usage(format!(
            "thread {pid} is one of ftrace-cli's own: it cannot trace itself"
        )));
    }
    if task.kthread {
        return Err(Error::Usage(format!(
            "process {pid} is a kernel thread: it makes no system calls to trace"
        )));
    }
    let target = PidTarget { pid, task };
    if !target.is_alive() {
        return Err(Error::Usage(format!("process {pid} has already exited")));
    }
    Ok(target)
}

/// True while process `pid` has not exited: a zombie leader whose other
/// threads still run (it called pthread_exit) has not.
pub fn is_alive(pid: i32) -> bool {
    match process_state(pid) {
        None | Some(b'X') => false,
        Some(b'Z') => live_threads(pid),
        Some(_) => true,
    }
}

/// True if a thread of process `pid` has not exited.
fn live_threads(pid: i32) -> bool {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.filter_map(|t| t.ok()).any(|t| {
        let tid = t.file_name().to_str().and_then(|s| s.parse().ok());
        tid.is_some_and(|tid| !matches!(process_state(tid), None | Some(b'Z') | Some(b'X')))
    })
}

/// The state letter of /proc/PID/stat, or None when there is no such process.
fn process_state(pid: i32) -> Option<u8> {
    let stat = fs::read(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ...": comm may hold ')' itself, so take the last one.
    let close = stat.iter().rposition(|&b| b == b')')?;
    stat.get(close + 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        assert_eq!(
            parse_expr("status=failed"),
            Ok(Expr::Status(Status::Failed))
        );
        assert_eq!(
            parse_expr("status=successful"),
            Ok(Expr::Status(Status::Successful))
        );
        assert_eq!(
            parse_expr("status=successful,failed"),
            Ok(Expr::Status(Status::Any))
        );
        assert!(parse_expr("status=detached").unwrap_err().contains("-Z"));
        assert!(parse_expr("raw=all").unwrap_err().contains("-X"));
        assert!(parse_expr("kvm=vcpu").unwrap_err().contains("trace=LIST"));
        assert_eq!(
            parse_expr("trace=openat"),
            parse_trace_set("openat").map(Expr::Trace)
        );
    }

    #[test]
    fn pids() {
        assert_eq!(parse_pid("42"), Ok(42));
        assert!(parse_pid("0").is_err());
        assert!(parse_pid("-5").unwrap_err().contains("positive"));
        assert!(parse_pid("abc").unwrap_err().contains("number"));
        assert!(parse_pid("99999999999").is_err());
    }

    #[test]
    fn uids() {
        assert_eq!(parse_uid("0"), Ok(0));
        assert_eq!(parse_uid("root"), Ok(0));
        assert!(parse_uid("no-such-user-ftrace")
            .unwrap_err()
            .contains("neither"));
    }

    #[test]
    fn comms() {
        assert_eq!(parse_comm("cat"), Ok(b"cat".to_vec()));
        assert_eq!(parse_comm("exactly15bytes!").map(|c| c.len()), Ok(15));
        let err = parse_comm("systemd-journald").unwrap_err();
        assert!(err.contains("'systemd-journal'"), "{err}");
        assert!(parse_comm("").is_err());
        // 16 bytes of 2-byte characters: the kernel keeps 7 and a half.
        let err = parse_comm("ĉĉĉĉĉĉĉĉ").unwrap_err();
        assert!(err.contains("use 'ĉĉĉĉĉĉĉ'"), "{err}");
        assert!(err.contains("character boundary"), "{err}");
        let names: Vec<Vec<u8>> = (0..=MAX_COMMS)
            .map(|i| format!("n{i}").into_bytes())
            .collect();
        assert!(check_comms(&names).is_err());
        assert!(check_comms(&names[1..]).is_ok());
    }

    fn sets(exprs: &[&str]) -> Vec<Syscall> {
        let sets: Vec<_> = exprs.iter().map(|e| parse_trace_set(e).unwrap()).collect();
        selected_calls(&sets)
    }

    #[test]
    fn trace_expressions() {
        assert_eq!(sets(&[]), DEFAULT_CALLS);
        let (open, openat) = (Syscall::named("open"), Syscall::named("openat"));
        assert_eq!(sets(&["trace=open"]), [open]);
        assert_eq!(sets(&["openat,open"]), [open, openat]);
        assert_eq!(sets(&["trace=all"]), Syscall::all().collect::<Vec<_>>());
        assert_eq!(
            sets(&["trace=all", "trace=!open"]).len(),
            Syscall::COUNT - 1
        );
        assert_eq!(sets(&["trace=!open,creat"]).len(), Syscall::COUNT - 2);
        assert_eq!(sets(&["trace=!!open"]), [open], "each ! inverts");
        assert_eq!(sets(&["trace=open", "trace=creat"]).len(), 2);
        assert!(sets(&["trace=none"]).is_empty());
        assert!(sets(&["trace=!none"]).len() == Syscall::COUNT);
        assert!(parse_trace_set("trace=read")
            .unwrap_err()
            .contains("'read'"));
        assert!(parse_trace_set("signal=all").is_err());
        assert!(parse_trace_set("trace=").is_err());
    }

    #[test]
    fn classes() {
        let file = sets(&["trace=%file"]);
        let in_file = |name: &str| file.contains(&Syscall::named(name));
        assert!(in_file("openat") && in_file("unlinkat") && in_file("chdir"));
        assert!(!in_file("fanotify_init"));
        let desc = sets(&["trace=%desc"]);
        assert!(desc.contains(&Syscall::named("renameat2")));
        assert!(!desc.contains(&Syscall::named("rename")));
        assert!(!desc.contains(&Syscall::named("symlink")));
        // strace's old bare names, and any case.
        assert_eq!(sets(&["trace=file"]), file);
        assert_eq!(sets(&["trace=%FILE"]), file);
        assert_eq!(sets(&["trace=%file,%desc"]).len(), Syscall::COUNT);
        assert_eq!(
            sets(&["trace=stat"]),
            [Syscall::named("stat")],
            "a call, not %stat"
        );
        let names = |list: &str| -> Vec<&str> { sets(&[list]).iter().map(|s| s.name()).collect() };
        assert_eq!(names("trace=%stat"), ["stat", "oldstat", "stat64"]);
        assert_eq!(names("trace=%lstat"), ["lstat", "oldlstat", "lstat64"]);
        assert_eq!(
            names("trace=%%stat"),
            [
                "stat",
                "lstat",
                "newfstatat",
                "oldstat",
                "oldlstat",
                "stat64",
                "lstat64",
                "fstatat64",
                "statx"
            ]
        );
        assert!(names("trace=%file").contains(&"execve"));
        assert_eq!(names("trace=%statfs"), ["statfs", "statfs64"]);
        assert_eq!(names("trace=%%statfs"), ["statfs", "statfs64"]);
        assert!(names("trace=%file").contains(&"mount"));
        assert!(parse_trace_set("trace=%nosuch")
            .unwrap_err()
            .contains("%file"));
        let err = parse_trace_set("trace=%net").unwrap_err();
        assert!(err.contains("strace class with no call"), "{err}");
        assert!(sets(&["trace=?%net"]).is_empty());
    }

    #[test]
    fn optional_names_and_regexes() {
        let open = Syscall::named("open");
        assert_eq!(sets(&["trace=?nosuch,open"]), [open]);
        assert_eq!(sets(&["trace=??nosuch,open"]), [open]);
        assert!(parse_trace_set("trace=nosuch")
            .unwrap_err()
            .contains("?nosuch"));
        let names = |expr: &str| -> Vec<&str> { sets(&[expr]).iter().map(|s| s.name()).collect() };
        assert_eq!(names("trace=/^rename"), ["rename", "renameat", "renameat2"]);
        assert_eq!(
            names("trace=/^(sym)?link(at)?$"),
            ["symlink", "symlinkat", "link", "linkat"]
        );
        assert_eq!(names("trace=/chown32"), ["chown32", "lchown32"]);
        assert_eq!(names("trace=/^umount,open"), ["open", "umount", "umount2"]);
        assert_eq!(
            sets(&["trace=!/^(open|creat)"]).len(),
            Syscall::COUNT - 6,
            "open, creat, openat, openat2, open_tree, open_tree_attr"
        );
        assert!(parse_trace_set("trace=/^read$")
            .unwrap_err()
            .contains("matches no call"));
        assert!(sets(&["trace=?/^read$"]).is_empty());
        assert!(parse_trace_set("trace=/(")
            .unwrap_err()
            .contains("is not a regex"));
    }

    #[test]
    fn own_process_is_alive_but_no_target() {
        assert!(is_alive(std::process::id() as i32));
        assert!(!is_alive(i32::MAX));
    }
}

//! End to end: results exactly as strace prints them where a call has no
//! ordinary result, and the command-line habits of strace users.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

const LIMIT: Duration = Duration::from_secs(30);

fn mkfifo(path: &Path) {
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
}

/// Waits until `check` holds, failing the test after LIMIT.
fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(start.elapsed() < LIMIT, "never saw {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A task killed while blocked in a traced call. SIGKILL: strace prints
/// `= ?`, as it never sees the call return. SIGTERM without a handler: the
/// call is unwound with ERESTARTSYS, and strace prints that, then the death.
#[test]
fn a_call_cut_short_by_a_fatal_signal_ends_as_strace_shows() {
    if !privileged() {
        return;
    }
    for (signal, result) in [
        (Signal::SIGKILL, "?"),
        (
            Signal::SIGTERM,
            "? ERESTARTSYS (To be restarted if SA_RESTART is set)",
        ),
    ] {
        let dir = scratch_dir(&format!("{signal}-in-call"));
        let fifo = dir.join("fifo");
        mkfifo(&fifo);
        let tracing = start_tracing(&["--", "cat", fifo.to_str().unwrap()]);
        let children = format!("/proc/{0}/task/{0}/children", tracing.pid());
        let cat: i32 = wait_for("the command's pid", || {
            fs::read_to_string(&children).ok()?.trim().parse().ok()
        });
        // Blocked in openat (257), asleep: opening the FIFO, which no one writes.
        wait_for("cat blocked opening the FIFO", || {
            let syscall = fs::read_to_string(format!("/proc/{cat}/syscall")).ok()?;
            let stat = fs::read_to_string(format!("/proc/{cat}/stat")).ok()?;
            let state = stat.rsplit_once(") ")?.1.chars().next()?;
            (syscall.starts_with("257 ") && state == 'S').then_some(())
        });
        kill(Pid::from_raw(cat), signal).unwrap();
        let (trace, _, status) = tracing.finish(LIMIT);
        assert_eq!(
            status,
            Some(128 + signal as i32),
            "the command's own status"
        );
        let want = format!(
            "openat(AT_FDCWD, \"{}\", O_RDONLY) = {result}",
            fifo.display()
        );
        let calls: Vec<_> = trace.lines().map(|l| fields(l).3).collect();
        assert!(calls.contains(&want.as_str()), "{signal}: {trace}");
    }
}

/// A thread blocked in a traced call while another thread ends the
/// process: that call never returns either.
#[test]
fn a_call_cut_short_by_another_threads_exit_has_no_result() {
    if !privileged() {
        return;
    }
    for arch in [Arch::X86_64, Arch::Ia32] {
        let dir = scratch_dir(&format!("exit-in-call-{arch:?}"));
        mkfifo(&dir.join("fifo"));
        let out = run_with_limit(
            ftrace()
                .arg("--")
                .arg(workload(arch))
                .args(["exit-in-call", "fifo"])
                .current_dir(&dir),
            LIMIT,
        );
        assert_eq!(out.status.code(), Some(0));
        let trace = stdout(&out);
        let line = trace
            .lines()
            .find(|l| l.contains("\"fifo\""))
            .unwrap_or_else(|| panic!("{arch:?}: no openat of the FIFO:\n{trace}"));
        let (pid, tid, _, call) = fields(line);
        assert_ne!(pid, tid, "made by the second thread");
        assert_eq!(call, "openat(AT_FDCWD, \"fifo\", O_RDONLY) = ?", "{arch:?}");
    }
}

/// openat2 with a struct open_how of 32 and 64 bytes: what lies past the
/// kernel's 24 is shown as strace shows it.
const OPEN_HOW_TAILS: &[&str] = &[
    r#"openat2(AT_FDCWD, "f", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH, /* bytes 24..31 */ "\x80\x00\x00\x00\x00\x00\x00\x00"}, 32) = -1 E2BIG (Argument list too long)"#,
    r#"openat2(AT_FDCWD, "f", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH}, 32) = 3"#,
    r#"openat2(AT_FDCWD, "f", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH, ???}, 32) = -1 EFAULT (Bad address)"#,
];

#[test]
fn open_how_tails_read_as_strace_prints_them() {
    if !privileged() {
        return;
    }
    let strace = Command::new("strace").arg("-V").output().is_ok();
    if !strace {
        eprintln!("\n!!! strace is not installed: comparing with the expected lines only (scripts/deps installs it) !!!\n");
    }
    for arch in [Arch::X86_64, Arch::Ia32] {
        let dir = scratch_dir(&format!("open-how-tails-{arch:?}"));
        let out = run(ftrace()
            .args(["-e", "trace=openat,openat2", "--"])
            .arg(workload(arch))
            .arg("open-how-tails")
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let ours = body(&stdout(&out));
        assert_eq!(ours[..3], *OPEN_HOW_TAILS, "{arch:?}");
        let long = format!(
            r#"/* bytes 24..63 */ "{}"...}}, 64) = -1 E2BIG (Argument list too long)"#,
            r"\x00".repeat(32)
        );
        assert!(ours[3].ends_with(&long), "{arch:?}: {}", ours[3]);
        assert_eq!(ours.len(), 4);
        // The unreadable tail is counted as memory that could not be read.
        assert!(stderr(&out).contains("1 arguments could not be read"));

        if strace {
            let dir = scratch_dir(&format!("open-how-tails-strace-{arch:?}"));
            let log = dir.join("strace.log");
            let out = run(Command::new("strace")
                .args(["-qq", "-e", "trace=openat,openat2", "-o"])
                .arg(&log)
                .arg(workload(arch))
                .arg("open-how-tails")
                .current_dir(&dir));
            assert!(out.status.success());
            let text = fs::read_to_string(&log).unwrap();
            let theirs: Vec<String> = text
                .lines()
                .map(|l| {
                    l.split_once(") ")
                        .map_or(l.to_string(), |(h, t)| format!("{h}) {}", t.trim_start()))
                })
                .skip_while(|l| !l.contains("--begin--"))
                .skip(1)
                .take_while(|l| !l.contains("--end--"))
                .collect();
            assert_eq!(theirs, ours, "{arch:?}: strace, then ours");
        }
    }
}

/// strace's habit: the command is the first free argument, no `--` needed.
#[test]
fn the_command_needs_no_double_dash() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("no-double-dash");
    let out = run(ftrace()
        .arg("-f")
        .arg(workload(Arch::X86_64))
        .arg("basic")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(body(&stdout(&out)), BASIC);
    // Options after the command are the command's.
    let out = run(ftrace().args(["sh", "-c", "exit 3"]));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// Runs `command` (a shell line) with a terminal on its stdout and stderr,
/// through script(1); returns what the terminal showed.
fn on_a_terminal(command: &str, env: &[(&str, &str)]) -> String {
    let mut script = Command::new("script");
    script.args(["-q", "-e", "-c", command, "/dev/null"]);
    for (k, v) in env {
        script.env(k, v);
    }
    let out = run_with_limit(&mut script, LIMIT);
    assert!(out.status.success(), "{command}: {}", stderr(&out));
    stdout(&out).replace("\r\n", "\n")
}

#[test]
fn a_terminal_is_told_what_is_traced_unless_quiet() {
    if !privileged() {
        return;
    }
    let shown = on_a_terminal(&format!("{BIN} true >/dev/null"), &[]);
    assert_eq!(
        shown,
        "ftrace-cli: tracing openat, symlinkat, fanotify_mark calls of 'true' and its children; \
         stops when the command has exited (Ctrl-C goes to the command)\n"
    );
    for quiet in ["-q", "-qq"] {
        let shown = on_a_terminal(&format!("{BIN} {quiet} true >/dev/null"), &[]);
        assert_eq!(shown, "", "{quiet}");
    }
    // Not a terminal: nothing.
    let out = run(ftrace().args(["true"]));
    assert_eq!(stderr(&out), "");
}

/// A strace user's `-c NAME` waits for processes named NAME: say so.
#[test]
fn comm_waiting_for_a_name_says_so() {
    if !privileged() {
        return;
    }
    let notice =
        "ftrace-cli: waiting for processes named 'no-such-name1' (strace's -c is --summary-only)\n";
    let shown = on_a_terminal(&format!("{BIN} -q -c no-such-name1 true >/dev/null"), &[]);
    assert_eq!(shown, notice);
    let shown = on_a_terminal(&format!("{BIN} -qq -c no-such-name1 true >/dev/null"), &[]);
    assert_eq!(shown, "");
    // A name some process has (this test's own): no notice.
    let own = fs::read_to_string("/proc/self/comm").unwrap();
    let shown = on_a_terminal(
        &format!("{BIN} -q -c '{}' true >/dev/null", own.trim_end()),
        &[],
    );
    assert_eq!(shown, "");
}

/// Bad usage: clap's message compact on the first line, its tips and
/// possible values kept below it; strace's options name what to use instead.
#[test]
fn usage_errors_keep_their_tips() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--jsno"],
            "ftrace-cli: unexpected argument '--jsno' found (see --help)\n  \
             tip: a similar argument exists: '--json'\n",
        ),
        (
            &["--color", "sometimes"],
            "ftrace-cli: invalid value 'sometimes' for '--color <WHEN>' (see --help)\n  \
             [possible values: auto, always, never]\n",
        ),
        (
            &["-A", "true"],
            "ftrace-cli: the following required arguments were not provided: --output <FILE> \
             (see --help)\n",
        ),
        (
            &["-i", "true"],
            "ftrace-cli: strace's -i is not supported: instruction pointers are not recorded \
             (see --help)\n",
        ),
        (
            &["-fxx", "true"],
            "ftrace-cli: strace's -x is not supported: strings print as strace prints them by \
             default (see --help)\n",
        ),
        (
            &["-e", "signal=none", "true"],
            "ftrace-cli: invalid value 'signal=none' for '--expr <trace=LIST>': 'signal=' is not \
             supported: ftrace-cli traces file calls, not signals (see --help)\n",
        ),
        (
            &["-e", "status=unfinished", "true"],
            "ftrace-cli: invalid value 'status=unfinished' for '--expr <trace=LIST>': status \
             'unfinished' is not supported: ftrace-cli takes status=successful (-z) and \
             status=failed (-Z) (see --help)\n",
        ),
    ];
    for (args, want) in cases {
        let out = run(ftrace().args(*args));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&out), *want, "{args:?}");
        assert_eq!(stdout(&out), "");
    }
}

/// The calls of `args` (a command included), as (pid, call) pairs.
fn calls_of(args: &[&str], dir: &Path) -> Vec<(u32, String)> {
    let out = run(ftrace().args(args).current_dir(dir));
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
        .lines()
        .filter_map(try_fields) // cat's own output shares stdout
        .map(|(pid, _, _, call)| (pid, call.to_string()))
        .collect()
}

#[test]
fn strace_spellings_are_accepted() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("strace-spellings");
    // -yy: as -y.
    fs::write(dir.join("exists"), "").unwrap();
    let workload = workload(Arch::X86_64);
    let calls = calls_of(&["-yy", workload.to_str().unwrap(), "hold"], &dir);
    let opened = calls
        .iter()
        .find(|(_, c)| c.contains("\"exists\""))
        .unwrap();
    let want = format!("= 3<{}>", dir.join("exists").display());
    assert!(opened.1.ends_with(&want), "{}", opened.1);
    // --trace=LIST: as -e trace=LIST.
    let calls = calls_of(&["--trace=openat2,creat", "sh", "-c", ": > created"], &dir);
    assert!(calls.is_empty(), "{calls:?}");
    let calls = calls_of(&["--trace=openat", "sh", "-c", ": > created"], &dir);
    assert!(calls
        .iter()
        .any(|(_, c)| c.contains("\"created\", O_WRONLY|O_CREAT|O_TRUNC")));
    // -e status=failed: as -Z; status=successful: as -z.
    let cat = ["sh", "-c", "cat /etc/hostname missing 2>/dev/null; true"];
    let failed = calls_of(&[&["-e", "status=failed"][..], &cat].concat(), &dir);
    assert!(failed.iter().any(|(_, c)| c.contains("\"missing\"")));
    assert!(
        failed.iter().all(|(_, c)| c.contains(" = -1 ")),
        "{failed:?}"
    );
    let succeeded = calls_of(&[&["-e", "status=successful"][..], &cat].concat(), &dir);
    assert!(succeeded
        .iter()
        .any(|(_, c)| c.contains("\"/etc/hostname\"")));
    assert!(
        succeeded.iter().all(|(_, c)| !c.contains(" = -1 ")),
        "{succeeded:?}"
    );
}

#[test]
fn append_and_one_file_per_process() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("output-files");
    let trace = dir.join("trace");
    fs::write(&trace, "kept\n").unwrap();
    let out = run(ftrace().args(["-A", "-o"]).arg(&trace).arg("true"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = fs::read_to_string(&trace).unwrap();
    assert!(
        text.starts_with("kept\n") && text.lines().count() > 1,
        "{text}"
    );

    // -ff -o FILE: FILE.PID for each process, holding only its calls.
    let base = dir.join("each");
    let out = run(ftrace().args(["-ff", "-o"]).arg(&base).args([
        "sh",
        "-c",
        "cat /etc/hostname >/dev/null; true",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(!base.exists(), "no FILE itself, as strace");
    let mut comms = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let Some(pid) = name.strip_prefix("each.") else {
            continue;
        };
        let pid: u32 = pid.parse().unwrap();
        let text = fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            assert_eq!(fields(line).0, pid, "{name}: {line}");
        }
        comms.push(fields(text.lines().next().unwrap()).2.to_string());
    }
    comms.sort();
    assert_eq!(comms, ["cat", "sh"]);
}

#[test]
fn colour_follows_term_and_clicolor_force() {
    if !privileged() {
        return;
    }
    let escape = "\x1b[";
    // A pipe, forced.
    let out = run(ftrace().env("CLICOLOR_FORCE", "1").arg("true"));
    assert!(stdout(&out).contains(escape), "{}", stdout(&out));
    let out = run(ftrace().arg("true"));
    assert!(!stdout(&out).contains(escape));
    // A terminal: coloured, unless TERM is dumb.
    let shown = on_a_terminal(&format!("{BIN} -q true"), &[("TERM", "xterm")]);
    assert!(shown.contains(escape), "{shown}");
    let shown = on_a_terminal(&format!("{BIN} -q true"), &[("TERM", "dumb")]);
    assert!(!shown.contains(escape), "{shown}");
}

/// The digits after the point of `stamp`, if it is `SECONDS[.DIGITS]`.
fn fraction_digits(stamp: &str) -> Option<usize> {
    let (secs, fraction) = stamp.split_once('.').unwrap_or((stamp, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!secs.is_empty() && digits(secs) && digits(fraction)).then_some(fraction.len())
}

#[test]
fn timestamp_precisions() {
    if !privileged() {
        return;
    }
    let first_line = |args: &[&str]| -> String {
        let out = run(ftrace().args(args).arg("true"));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out).lines().next().unwrap().to_string()
    };
    // The stamp is the word after PID and COMM.
    let stamp = |args: &[&str]| {
        fields(&first_line(args))
            .3
            .split(' ')
            .next()
            .unwrap()
            .to_string()
    };
    for (args, digits) in [
        (&["--absolute-timestamps=format:unix,precision:ms"][..], 3),
        (&["--absolute-timestamps=unix,ns"], 9),
        (&["--absolute-timestamps=unix"], 0),
        (&["-ttt"], 6),
    ] {
        let stamp = stamp(args);
        assert_eq!(fraction_digits(&stamp), Some(digits), "{args:?}: {stamp}");
    }
    // Time of day: HH:MM:SS then the fraction.
    let time = stamp(&["--absolute-timestamps=precision:ms"]);
    assert_eq!(
        (time.len(), &time[2..3], &time[8..9]),
        (12, ":", "."),
        "{time}"
    );
    let time = stamp(&["-t"]);
    assert_eq!(time.len(), 8, "{time}");
    assert!(!first_line(&["--absolute-timestamps=none"]).contains(':'));
    // -T and -r.
    for (args, digits) in [
        (&["--syscall-times=ns"][..], 9),
        (&["--syscall-times=s"], 0),
        (&["-T"], 6),
    ] {
        let line = first_line(args);
        let took = line.rsplit_once(" <").unwrap().1.strip_suffix('>').unwrap();
        assert_eq!(fraction_digits(took), Some(digits), "{args:?}: {line}");
    }
    for (args, digits) in [(&["--relative-timestamps=ms"][..], 3), (&["-r"], 6)] {
        let line = first_line(args);
        let delta = line.split_whitespace().nth(2).unwrap();
        assert_eq!(fraction_digits(delta), Some(digits), "{args:?}: {line}");
    }
    // Measured, not only shaped: a call takes some time, and the calls
    // after the first begin later.
    let line = first_line(&["--syscall-times=ns"]);
    let took = line.rsplit_once(" <").unwrap().1.strip_suffix('>').unwrap();
    assert!(took.parse::<f64>().unwrap() > 0.0, "{line}");
    let out = run(ftrace().args(["--relative-timestamps=ns", "true"]));
    let later: f64 = stdout(&out)
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(2).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(later > 0.0, "{}", stdout(&out));
}

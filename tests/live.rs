//! `--live` end to end: the view runs in a tmux pane (a real terminal),
//! is driven with keys and read back with capture-pane. Every wait polls
//! the screen until what is expected shows up, within a limit.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// How long a screen may take to show what a test waits for.
const LIMIT: Duration = Duration::from_secs(10);

/// A tmux server of its own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `script` with sh in a fresh 120x40 pane, in `dir`.
    fn start(test: &str, dir: &Path, script: &str) -> Tmux {
        Tmux::start_sized(test, dir, script, (120, 40))
    }

    /// Runs `script` with sh in a fresh pane of (columns, lines), in `dir`.
    fn start_sized(test: &str, dir: &Path, script: &str, size: (u16, u16)) -> Tmux {
        let path = dir.join("run.sh");
        fs::write(&path, script).unwrap();
        let tmux = Tmux {
            socket: format!("ftrace-live-{test}-{}", std::process::id()),
        };
        let status = tmux
            .command()
            .args([
                "new-session",
                "-d",
                "-s",
                "live",
                "-x",
                &size.0.to_string(),
                "-y",
                &size.1.to_string(),
                "-c",
            ])
            .arg(dir)
            .arg(format!("sh {}", path.display()))
            .status()
            .expect("running tmux (scripts/deps installs it)");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket, "-f", "/dev/null"])
            .env_remove("TMUX")
            .stdin(Stdio::null());
        cmd
    }

    fn output(&self, args: &[&str]) -> String {
        let out = self.command().args(args).output().unwrap();
        assert!(out.status.success(), "tmux {args:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn screen(&self) -> String {
        self.output(&["capture-pane", "-p", "-t", "live"])
    }

    /// Types keys, as tmux send-keys names them (`q`, `Enter`, `C-c`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "live"];
        args.extend_from_slice(keys);
        self.output(&args);
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        self.output(&["send-keys", "-t", "live", "-l", text]);
    }

    /// A pane attribute: `alternate_on` is 1 on the alternate screen,
    /// `cursor_flag` is 1 while the cursor shows.
    fn pane(&self, format: &str) -> String {
        let format = format!("#{{{format}}}");
        self.output(&["display-message", "-p", "-t", "live", &format])
            .trim()
            .to_string()
    }

    /// Polls the screen until `ok` accepts it; returns it.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > LIMIT {
                panic!("the screen never showed {what} within {LIMIT:?}:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait(&format!("{text:?}"), |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}

/// The fields of the table rows: the lines after the column names, up to
/// the first empty one.
fn rows(screen: &str) -> Vec<Vec<String>> {
    screen
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("COUNT"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect()
}

/// The row whose last field is `name`, without its SEEN column (an age).
fn row(screen: &str, name: &str) -> Option<Vec<String>> {
    rows(screen)
        .into_iter()
        .find(|r| r.last().is_some_and(|l| l == name))
        .map(|mut r| {
            r.remove(4);
            r
        })
}

fn names(screen: &str) -> Vec<String> {
    rows(screen)
        .into_iter()
        .map(|r| r.last().unwrap().clone())
        .collect()
}

fn fields(words: &[&str]) -> Option<Vec<String>> {
    Some(words.iter().map(|w| w.to_string()).collect())
}

/// A shell script that runs ftrace-cli in the pane, then reports its exit
/// status and whether the terminal is back in its normal (cooked) mode.
fn script(args: &str) -> String {
    // cargo's LD_LIBRARY_PATH would make every program look in a dozen
    // directories for libc: calls that no user would see. A command's output
    // file goes to the test's own directory (the pane's), not to /tmp.
    format!(
        "unset LD_LIBRARY_PATH\n\
         export TMPDIR=\"$PWD\"\n\
         echo before-live-marker\n\
         {args}\n\
         echo ftrace-exit=$?\n\
         stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '\n\
         echo\n\
         exec sleep 600\n"
    )
}

/// After the view is gone: the normal screen, cooked mode, a cursor, the
/// status `code`; returns the screen.
fn assert_restored(tmux: &Tmux, code: i32) -> String {
    let screen = tmux.wait_text("ftrace-exit=");
    assert!(
        screen.contains(&format!("ftrace-exit={code}\n")),
        "exit status {code} expected:\n{screen}"
    );
    let screen = tmux.wait_text("icanon echo");
    assert!(screen.starts_with("before-live-marker\n"), "{screen}");
    assert!(
        !screen.contains("ftrace-cli --live"),
        "view left over:\n{screen}"
    );
    assert_eq!(
        tmux.pane("alternate_on"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(tmux.pane("cursor_flag"), "1", "cursor still hidden");
    screen
}

/// The summary table's row for `syscall`: (calls, errors).
fn summary_row(screen: &str, syscall: &str) -> Option<(u64, u64)> {
    screen.lines().find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        match f.as_slice() {
            [_, _, _, calls, errors, name] if *name == syscall => {
                Some((calls.parse().ok()?, errors.parse().ok()?))
            }
            [_, _, _, calls, name] if *name == syscall => Some((calls.parse().ok()?, 0)),
            _ => None,
        }
    })
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display())
}

/// The `live` workload, loaded and waiting for its first round.
struct Workload {
    process: Background,
    input: std::process::ChildStdin,
}

impl Workload {
    fn start(dir: &Path) -> Workload {
        fs::write(dir.join("live-a"), "").unwrap();
        fs::write(dir.join("live-b"), "").unwrap();
        let mut process = background(
            Command::new(workload(Arch::X86_64))
                .arg("live")
                .current_dir(dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped()),
        );
        let input = process.0.stdin.take().unwrap();
        let mut ready = String::new();
        BufReader::new(process.0.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready, "ready\n");
        Workload { process, input }
    }

    /// One round of calls (made as soon as the workload reads the line).
    fn round(&mut self) {
        self.input.write_all(b"go\n").unwrap();
        self.input.flush().unwrap();
    }
}

fn setup(test: &str) -> Option<PathBuf> {
    if !privileged() {
        return None;
    }
    Some(scratch_dir(&format!("live-{test}")))
}

#[test]
fn counts_keys_and_restore_on_q() {
    let Some(dir) = setup("keys") else { return };
    let mut work = Workload::start(&dir);
    let pid = work.process.pid();
    let tmux = Tmux::start(
        "keys",
        &dir,
        &script(&format!("{} --live -p {pid}", quoted(Path::new(BIN)))),
    );
    tmux.wait(&format!("the view of -p {pid}"), |s| {
        s.contains(&format!("ftrace-cli --live  -p {pid}")) && s.contains("view paths (0 keys)")
    });

    // One round: the counts of files.c's live().
    work.round();
    let screen = tmux.wait("the first round", |s| {
        s.contains("total 12   errors 6") && row(s, "live-link").is_some()
    });
    assert_eq!(
        names(&screen),
        ["live-missing", "live-a", "live-b", "live-link"],
        "sorted by count, then name:\n{screen}"
    );
    let expect = [
        ("live-missing", ["5", "5", "-1", "ENOENT", "openat"]),
        ("live-a", ["3", "0", "3", "-", "openat"]),
        ("live-b", ["2", "0", "3", "-", "openat"]),
        ("live-link", ["2", "1", "-1", "EEXIST", "symlinkat"]),
    ];
    for (name, cols) in expect {
        let mut want: Vec<&str> = cols.to_vec();
        want.push(name);
        assert_eq!(row(&screen, name), fields(&want), "{screen}");
    }
    assert!(screen.contains("newest failures"), "{screen}");
    assert!(
        screen.contains(&format!(
            " {pid} files symlinkat(\"live-a\", AT_FDCWD, \"live-link\") = -1 EEXIST (File exists)"
        )),
        "{screen}"
    );

    // s: last seen, errors, name, and back to count.
    tmux.keys(&["s"]);
    tmux.wait_text("sort last seen");
    tmux.keys(&["s"]);
    let screen = tmux.wait_text("sort errors");
    assert_eq!(
        names(&screen),
        ["live-missing", "live-link", "live-a", "live-b"]
    );
    tmux.keys(&["s"]);
    let screen = tmux.wait_text("sort name");
    assert_eq!(
        names(&screen),
        ["live-a", "live-b", "live-link", "live-missing"]
    );
    tmux.keys(&["s"]);
    tmux.wait_text("sort count");

    // /: typed at a prompt, applied by Enter; Esc leaves it as it was; an
    // empty one removes it.
    tmux.keys(&["/"]);
    tmux.type_text("missing");
    tmux.wait_text("filter: missing_");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_text("filter \"missing\"");
    assert_eq!(names(&screen), ["live-missing"]);
    tmux.keys(&["/"]);
    tmux.type_text("link");
    tmux.wait_text("filter: link_");
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_text("q quit");
    assert!(screen.contains("filter \"missing\""), "{screen}");
    assert_eq!(names(&screen), ["live-missing"]);
    tmux.keys(&["/", "Enter"]);
    tmux.wait("all rows again", |s| {
        names(s).len() == 4 && s.contains("q quit")
    });

    // v: syscalls, processes, paths.
    tmux.keys(&["v"]);
    let screen = tmux.wait_text("view syscalls (2 keys)");
    assert_eq!(
        row(&screen, "openat"),
        fields(&["10", "5", "3", "ENOENT", "openat"])
    );
    assert_eq!(
        row(&screen, "symlinkat"),
        fields(&["2", "1", "-1", "EEXIST", "symlinkat"])
    );
    tmux.keys(&["v"]);
    let screen = tmux.wait_text("view processes (1 key)");
    assert_eq!(
        row(&screen, "process)"),
        fields(&[
            "12",
            "6",
            "-1",
            "EEXIST",
            "symlinkat",
            "files",
            "(1",
            "process)"
        ])
    );
    // x: each process under its name.
    tmux.keys(&["x"]);
    let screen = tmux.wait_text("sort count   each process");
    assert_eq!(
        row(&screen, "files"),
        fields(&[
            "12",
            "6",
            "-1",
            "EEXIST",
            "symlinkat",
            &pid.to_string(),
            "files"
        ])
    );
    tmux.keys(&["x"]);
    tmux.keys(&["v"]);
    tmux.wait_text("view paths (4 keys)");

    // p: the display stands still while the calls go on being counted.
    tmux.keys(&["p"]);
    tmux.wait_text("PAUSED");
    work.round();
    // Nothing to poll for: the screen must not change. A round takes far
    // less than this; four redraws would have shown it.
    std::thread::sleep(Duration::from_millis(1000));
    let screen = tmux.screen();
    assert!(screen.contains("total 12   errors 6"), "paused:\n{screen}");
    assert_eq!(row(&screen, "live-missing").unwrap()[0], "5");
    tmux.keys(&["p"]);
    let screen = tmux.wait("the second round, resumed", |s| {
        !s.contains("PAUSED") && s.contains("total 24   errors 12")
    });
    assert_eq!(
        row(&screen, "live-missing"),
        fields(&["10", "10", "-1", "ENOENT", "openat", "live-missing"])
    );

    // c: counters from zero.
    tmux.keys(&["c"]);
    tmux.wait("cleared counters", |s| {
        s.contains("total 0   errors 0") && s.contains("view paths (0 keys)") && rows(s).is_empty()
    });
    work.round();
    let screen = tmux.wait("a round after clearing", |s| {
        s.contains("total 12   errors 6") && row(s, "live-link").is_some()
    });
    assert_eq!(row(&screen, "live-a").unwrap()[0], "3");

    // q: the normal screen again, with the summary of the whole trace.
    tmux.keys(&["q"]);
    let screen = assert_restored(&tmux, 0);
    assert!(
        screen.contains("% time     seconds  usecs/call     calls    errors syscall"),
        "{screen}"
    );
    assert_eq!(summary_row(&screen, "openat"), Some((30, 15)), "{screen}");
    assert_eq!(summary_row(&screen, "symlinkat"), Some((6, 3)), "{screen}");
    assert_eq!(summary_row(&screen, "total"), Some((36, 18)), "{screen}");
}

#[test]
fn ctrl_c_stops_the_command_and_restores() {
    let Some(dir) = setup("ctrl-c") else { return };
    let tmux = Tmux::start(
        "ctrl-c",
        &dir,
        &script(&format!(
            "{} --live -- {} spin",
            quoted(Path::new(BIN)),
            quoted(&workload(Arch::X86_64))
        )),
    );
    tmux.wait("the spin workload's calls", |s| {
        row(s, "spin").is_some_and(|r| r[0] != "0")
    });
    assert_eq!(tmux.pane("alternate_on"), "1");
    // Raw mode: Ctrl-C is a key to the view, which stops as SIGTERM does:
    // passed on to the command, which dies of it.
    tmux.keys(&["C-c"]);
    let screen = assert_restored(&tmux, 128 + 15);
    let (calls, _) = summary_row(&screen, "openat").expect("an openat row");
    assert!(calls > 0, "{screen}");
}

#[test]
fn command_exit_keeps_the_view_until_q() {
    let Some(dir) = setup("command-exit") else {
        return;
    };
    let tmux = Tmux::start(
        "command-exit",
        &dir,
        &script(&format!(
            "{} --live -- {} basic",
            quoted(Path::new(BIN)),
            quoted(&workload(Arch::X86_64))
        )),
    );
    // The final counts stay on screen, with the command's status.
    let screen = tmux.wait_text("command exited with status 0, q to quit");
    assert!(
        screen.lines().next().unwrap().ends_with(" ENDED"),
        "{screen}"
    );
    tmux.keys(&["v"]);
    let screen = tmux.wait_text("view syscalls");
    assert_eq!(
        row(&screen, "symlinkat"),
        fields(&["2", "1", "-1", "EEXIST", "symlinkat"]),
        "{screen}"
    );
    assert_eq!(tmux.pane("alternate_on"), "1", "the view closed by itself");
    tmux.keys(&["q"]);
    let screen = assert_restored(&tmux, 0);
    assert_eq!(summary_row(&screen, "symlinkat"), Some((2, 1)), "{screen}");
    assert_eq!(
        summary_row(&screen, "fanotify_mark"),
        Some((2, 1)),
        "{screen}"
    );
}

/// The command's output file: its name from the status line (whole, even
/// when its directory is cut), in `dir`, the pane's TMPDIR.
fn output_file(screen: &str, dir: &Path) -> PathBuf {
    let (_, rest) = screen
        .split_once("command output: ")
        .unwrap_or_else(|| panic!("no command output on the status line:\n{screen}"));
    let shown = rest.split_whitespace().next().unwrap();
    let name = shown.rsplit('/').next().unwrap();
    assert!(name.starts_with("ftrace-cli-output."), "{screen}");
    dir.join(name)
}

const LONG_DIR: &str = "/nonexistent-ftrace-live/a-directory-with-a-rather-long-name-for-this-test";

/// At 80x24 and 200x50: the path column, cuts, the command's output kept
/// off the screen, the view after the command ends, the processes grouped.
fn sizes(test: &str, size: (u16, u16)) {
    let Some(dir) = setup(test) else { return };
    let utf = format!("{LONG_DIR}/one/locale/C.UTF-8/LC_ADDRESS");
    let utf8 = format!("{LONG_DIR}/one/locale/C.utf8/LC_ADDRESS");
    let command = format!(
        "echo hello-from-the-command; for i in 1 2 3; do cat {utf} {utf} {utf8} {utf8}; done; \
         echo to-stderr >&2; exit 3"
    );
    let tmux = Tmux::start_sized(
        test,
        &dir,
        &script(&format!(
            "{} --live -e trace=openat -- sh -c '{command}'",
            quoted(Path::new(BIN))
        )),
        size,
    );
    let screen = tmux.wait_text("command exited with status 3, q to quit");
    let lines: Vec<&str> = screen.lines().collect();
    let cols = usize::from(size.0);
    // The view is whole: the title, the totals and the keys.
    assert!(
        lines[0].starts_with(" ftrace-cli --live  -- sh -c echo hello-from"),
        "{screen}"
    );
    assert!(lines[1].starts_with(" calls/s "), "{screen}");
    let footer = lines.iter().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(footer.starts_with(" q quit"), "{screen}");
    assert!(lines.iter().all(|l| l.chars().count() <= cols), "{screen}");
    // The command's own output is in the file named on the status line.
    assert!(!screen.contains("hello-from-the-command\n"), "{screen}");
    assert!(!screen.contains("to-stderr"), "{screen}");
    let output = output_file(&screen, &dir);
    let text = fs::read_to_string(&output).unwrap();
    assert!(text.starts_with("hello-from-the-command\n"), "{text}");
    assert!(text.contains("No such file or directory"), "{text}");
    assert!(text.ends_with("to-stderr\n"), "{text}");

    let paths = names(&screen);
    let (a, b) = (&paths[0], &paths[1]);
    if cols >= 200 {
        // Room for every column, and the whole paths.
        assert!(
            screen.contains("COUNT ERRORS LAST ERRNO  SEEN CALL   PATH"),
            "{screen}"
        );
        assert_eq!([a, b], [&utf, &utf8], "{screen}");
        assert!(
            rows(&screen).iter().flatten().all(|f| !f.contains('…')),
            "{screen}"
        );
    } else {
        // The other columns make room; the paths are cut in the middle,
        // keep their start and file name, and still differ.
        assert!(screen.contains(" COUNT ERRORS ERRNO  PATH"), "{screen}");
        for name in [a, b] {
            assert!(name.starts_with("/nonexistent-f"), "{screen}");
            assert!(name.ends_with("/LC_ADDRESS"), "{screen}");
            assert!(name.contains('…'), "{screen}");
        }
        assert_ne!(a, b, "{screen}");
        assert!(a.contains("C.UTF") && b.contains("C.utf"), "{screen}");
        // A failing call too long for the line ends with the mark.
        let failure = lines
            .iter()
            .find(|l| l.contains(" cat openat(AT_FDCWD, "))
            .unwrap_or_else(|| panic!("no failure shown:\n{screen}"));
        assert!(failure.ends_with('…'), "{screen}");
    }
    // Each path was opened 6 times, in vain.
    let counts: Vec<Vec<String>> = rows(&screen)
        .into_iter()
        .filter(|r| r.last().is_some_and(|l| l.starts_with("/nonexistent")))
        .map(|r| r[..2].to_vec())
        .collect();
    assert_eq!(counts, [["6", "6"], ["6", "6"]], "{screen}");

    // The processes, by name: three cats and a sh; x lists each one.
    tmux.keys(&["v", "v"]);
    let screen = tmux.wait_text("view processes (2 keys)");
    assert_eq!(names(&screen).len(), 2, "{screen}");
    assert!(screen.contains(" cat (3 processes)"), "{screen}");
    assert!(screen.contains(" sh (1 process)"), "{screen}");
    tmux.keys(&["x"]);
    let screen = tmux.wait_text("sort count   each process");
    let cats = rows(&screen)
        .into_iter()
        .filter(|r| r.last().is_some_and(|l| l == "cat"))
        .count();
    assert_eq!(cats, 3, "{screen}");
    // Space pauses too.
    tmux.keys(&["Space"]);
    tmux.wait_text("ENDED, PAUSED");

    tmux.keys(&["q"]);
    let screen = assert_restored(&tmux, 3);
    // The line may wrap on a narrow terminal.
    assert!(
        screen.replace('\n', "").contains(&format!(
            "ftrace-cli: the command's output is in {}",
            output.display()
        )),
        "{screen}"
    );
    let (calls, errors) = summary_row(&screen, "openat").expect("an openat row");
    assert!(calls > errors && errors >= 12, "{screen}");
    let _ = fs::remove_file(&output);
}

#[test]
fn terminal_80x24() {
    sizes("80x24", (80, 24));
}

#[test]
fn terminal_200x50() {
    sizes("200x50", (200, 50));
}

/// Once the table is full, a new busy path still gets a row of its own.
#[test]
fn a_new_hot_path_shows_after_ten_thousand_keys() {
    let Some(dir) = setup("hot-path") else { return };
    // `true <FILE` opens FILE in the shell itself: no process per call.
    let command =
        "i=0; while [ $i -lt 10100 ]; do true < /nonexistent-ftrace-$i; i=$((i+1)); done; \
                   i=0; while [ $i -lt 3000 ]; do true < hot-path-ftrace; i=$((i+1)); done";
    let tmux = Tmux::start(
        "hot-path",
        &dir,
        &script(&format!(
            "{} --live -- sh -c '{command}'",
            quoted(Path::new(BIN))
        )),
    );
    let screen = tmux.wait_text("command exited with status 0, q to quit");
    assert_eq!(
        row(&screen, "hot-path-ftrace").map(|r| r[..2].to_vec()),
        fields(&["3000", "3000"]),
        "{screen}"
    );
    assert_eq!(names(&screen)[0], "hot-path-ftrace", "{screen}");
    // "(other)" is always the last row: G shows it.
    tmux.keys(&["G"]);
    let screen = tmux.wait("the last rows", |s| row(s, "(other)").is_some());
    let other = row(&screen, "(other)").unwrap();
    assert!(other[0].parse::<u64>().unwrap() >= 100, "{screen}");
    assert!(screen.contains("total 131"), "{screen}");
    let output = output_file(&screen, &dir);
    assert!(output.exists(), "{}", output.display());
    tmux.keys(&["q"]);
    assert_restored(&tmux, 0);
    let _ = fs::remove_file(output);
}

#[test]
fn sigterm_from_outside_restores() {
    let Some(dir) = setup("sigterm") else { return };
    let target = background(Command::new("sleep").arg("60"));
    let pid_file = dir.join("ftrace.pid");
    // The inner shell becomes ftrace-cli, having written its pid.
    let inner = dir.join("inner.sh");
    fs::write(
        &inner,
        format!(
            "echo $$ > {}\nexec {} --live -p {}\n",
            quoted(&pid_file),
            quoted(Path::new(BIN)),
            target.pid()
        ),
    )
    .unwrap();
    let tmux = Tmux::start("sigterm", &dir, &script(&format!("sh {}", quoted(&inner))));
    tmux.wait_text("ftrace-cli --live  -p");
    let pid: i32 = fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let screen = assert_restored(&tmux, 0);
    // Nothing was traced: no table.
    assert!(!screen.contains("% time"), "{screen}");
}

#[test]
fn not_a_terminal_is_refused() {
    // Stdout is a pipe here: one line, status 2, before anything is loaded
    // (so this needs no privilege).
    let out = run(ftrace().args(["--live", "-p", "1"]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err, "ftrace-cli: --live needs a terminal on stdout\n");
    assert_eq!(stdout(&out), "");

    for other in [
        &["--json"][..],
        &["-o", "trace"],
        &["--summary-only"],
        &["-C"],
    ] {
        let out = run(ftrace().arg("--live").args(other));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{other:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("cannot be used with"), "{other:?}: {err}");
    }
}

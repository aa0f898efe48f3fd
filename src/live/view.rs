//! The live view's state and its screen, as plain lines of text with a
//! style each: what the terminal shows, testable without a terminal.

use std::cmp::{Ordering, Reverse};
use std::fmt::Write as _;
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::stats::{from_syscall_code, Row, Stats};
use crate::decode::{self, errno_name, Style, Syscall};
use crate::output;
use crate::record::Event;
use crate::tracer::Losses;

/// What the table lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Paths,
    Syscalls,
    Procs,
}

impl Mode {
    fn next(self) -> Self {
        match self {
            Mode::Paths => Mode::Syscalls,
            Mode::Syscalls => Mode::Procs,
            Mode::Procs => Mode::Paths,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Mode::Paths => "paths",
            Mode::Syscalls => "syscalls",
            Mode::Procs => "processes",
        }
    }
}

/// How the table is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Count,
    LastSeen,
    Errors,
    Name,
}

impl Sort {
    fn next(self) -> Self {
        match self {
            Sort::Count => Sort::LastSeen,
            Sort::LastSeen => Sort::Errors,
            Sort::Errors => Sort::Name,
            Sort::Name => Sort::Count,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Sort::Count => "count",
            Sort::LastSeen => "last seen",
            Sort::Errors => "errors",
            Sort::Name => "name",
        }
    }
}

/// What a key press asks of the view.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    Nothing,
    /// Show the same data differently.
    Redraw,
    /// Take the data afresh (another view, cleared counters), even when paused.
    Refresh,
    Clear,
    Quit,
}

/// The user's choices.
pub struct Ui {
    pub mode: Mode,
    pub sort: Sort,
    pub filter: String,
    /// The filter being typed after `/`.
    pub prompt: Option<String>,
    /// The first table row shown.
    pub scroll: usize,
    /// Table rows on the screen at the last draw: a page.
    pub page: usize,
    pub paused: bool,
    /// q was pressed: the trace is ending.
    pub stopping: bool,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            mode: Mode::Paths,
            sort: Sort::Count,
            filter: String::new(),
            prompt: None,
            scroll: 0,
            page: 10,
            paused: false,
            stopping: false,
        }
    }
}

impl Ui {
    pub fn key(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::Nothing;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        // In raw mode Ctrl-C is a key, not a signal: it quits, as q does.
        if ctrl && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        if let Some(prompt) = &mut self.prompt {
            match key.code {
                KeyCode::Enter => {
                    self.filter = self.prompt.take().unwrap_or_default();
                    self.scroll = 0;
                }
                KeyCode::Esc => self.prompt = None,
                KeyCode::Backspace => {
                    prompt.pop();
                }
                KeyCode::Char('u') if ctrl => prompt.clear(),
                KeyCode::Char(c) if !ctrl && !c.is_control() && prompt.len() < 200 => {
                    prompt.push(c)
                }
                _ => return Action::Nothing,
            }
            return Action::Redraw;
        }
        let page = self.page.max(1);
        match key.code {
            KeyCode::Char('q') | KeyCode::Char('Q') => return Action::Quit,
            KeyCode::Char('p') | KeyCode::Char(' ') => {
                self.paused = !self.paused;
                return Action::Refresh;
            }
            KeyCode::Char('/') => self.prompt = Some(String::new()),
            KeyCode::Char('s') => self.sort = self.sort.next(),
            KeyCode::Char('v') | KeyCode::Tab => {
                self.mode = self.mode.next();
                self.scroll = 0;
                return Action::Refresh;
            }
            KeyCode::Char('c') => {
                self.scroll = 0;
                return Action::Clear;
            }
            KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown => self.scroll += page,
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => self.scroll = 0,
            KeyCode::End | KeyCode::Char('G') => self.scroll = usize::MAX,
            _ => return Action::Nothing,
        }
        Action::Redraw
    }
}

/// A row's key, as shown.
#[derive(Clone, Debug)]
pub enum Key {
    Path(Rc<[u8]>),
    Syscall(u16),
    Proc(u32),
    Other,
}

#[derive(Clone, Debug)]
pub struct Line {
    pub key: Key,
    pub row: Row,
}

/// The data one screen shows: taken a few times a second, or kept while paused.
#[derive(Default)]
pub struct Snapshot {
    pub lines: Vec<Line>,
    pub mode: Option<Mode>,
    pub events: u64,
    pub errors: u64,
    pub rate: f64,
    pub losses: Losses,
    pub malformed: u64,
    /// CLOCK_MONOTONIC when taken.
    pub now_ns: u64,
    /// The newest failing calls, as trace lines, newest first.
    pub failures: Vec<String>,
}

impl Snapshot {
    /// Takes the rows of `mode` and the totals out of `stats`.
    pub fn take(&mut self, stats: &Stats, mode: Mode, style: Style) {
        self.lines.clear();
        self.mode = Some(mode);
        let other = match mode {
            Mode::Paths => {
                let rows = stats.paths.rows.iter();
                self.lines.extend(rows.map(|(k, r)| Line {
                    key: Key::Path(k.clone()),
                    row: *r,
                }));
                stats.paths.other
            }
            Mode::Syscalls => {
                let rows = stats.syscalls.rows.iter();
                self.lines.extend(rows.map(|(k, r)| Line {
                    key: Key::Syscall(*k),
                    row: *r,
                }));
                stats.syscalls.other
            }
            Mode::Procs => {
                let rows = stats.procs.rows.iter();
                self.lines.extend(rows.map(|(k, r)| Line {
                    key: Key::Proc(*k),
                    row: *r,
                }));
                stats.procs.other
            }
        };
        if other.count > 0 {
            self.lines.push(Line {
                key: Key::Other,
                row: other,
            });
        }
        self.events = stats.events;
        self.errors = stats.errors;
        self.failures.clear();
        for raw in stats.failures() {
            let mut text = String::new();
            write_failure(&mut text, raw, style);
            self.failures.push(text);
        }
    }
}

/// A failed call as the text output prints it.
fn write_failure(out: &mut String, raw: &[u8], style: Style) {
    let Ok(event) = Event::parse(raw) else {
        return;
    };
    output::write_prefix(out, &event);
    decode::write_call(out, &event.call(), style);
}

/// How a screen line looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Plain,
    /// The title bar.
    Title,
    /// Column names.
    Heading,
    /// A row whose latest call failed, or failed lately.
    Failing,
    /// The row of the newest failure.
    Newest,
    Footer,
}

/// Rows whose last failure is this recent are highlighted.
const RECENT_NS: u64 = 2_000_000_000;

/// Lays out the whole screen: exactly `height` lines, none wider than
/// `width` (the last one narrower by one, so the terminal never scrolls).
pub fn render(
    snap: &mut Snapshot,
    ui: &mut Ui,
    target: &str,
    width: usize,
    height: usize,
) -> Vec<(Look, String)> {
    let mut screen = Vec::with_capacity(height);
    let mode = snap.mode.unwrap_or(ui.mode);

    let status = match (ui.stopping, ui.paused) {
        (true, _) => "STOPPING (q again: at once)",
        (false, true) => "PAUSED",
        _ => "",
    };
    let mut title = format!(" ftrace-cli --live  {target}");
    // The status stays in view however long the target is.
    truncate(&mut title, width.saturating_sub(status.len() + 2));
    let room = width.saturating_sub(title.chars().count() + status.len() + 1);
    title.extend(std::iter::repeat_n(' ', room));
    title.push_str(status);
    title.push(' ');
    screen.push((Look::Title, title));

    let lost = snap.losses.calls() + snap.malformed;
    let mut totals = format!(
        " events/s {:.0}   total {}   errors {}   lost {}",
        snap.rate, snap.events, snap.errors, lost
    );
    if snap.losses.faults > 0 {
        let _ = write!(totals, "   unreadable args {}", snap.losses.faults);
    }
    screen.push((Look::Plain, totals));

    // Order, then filter.
    sort_lines(&mut snap.lines, ui.sort);
    let mut label = String::new();
    let filter = ui.filter.as_bytes();
    let shown: Vec<usize> = (0..snap.lines.len())
        .filter(|&i| {
            let line = &snap.lines[i];
            if filter.is_empty() {
                return true;
            }
            label.clear();
            write_label(&mut label, line);
            contains(label.as_bytes(), filter)
                || matches!(&line.key, Key::Path(p) if contains(p, filter))
        })
        .collect();

    let failures = if height >= 16 {
        snap.failures.len().max(1) + 1
    } else {
        0
    };
    let fixed = 4 + failures + 1;
    let page = height.saturating_sub(fixed);
    ui.page = page;
    ui.scroll = ui.scroll.min(shown.len().saturating_sub(page));

    let mut state = format!(
        " view {} ({} {})   sort {}",
        mode.name(),
        snap.lines.len(),
        if snap.lines.len() == 1 { "key" } else { "keys" },
        ui.sort.name()
    );
    if !ui.filter.is_empty() {
        let _ = write!(state, "   filter \"{}\"", ui.filter);
    }
    if !shown.is_empty() {
        let last = (ui.scroll + page).min(shown.len());
        let _ = write!(
            state,
            "   rows {}-{} of {}",
            ui.scroll + 1,
            last,
            shown.len()
        );
    }
    screen.push((Look::Plain, state));

    let name = match mode {
        Mode::Paths => "CALL           PATH",
        Mode::Syscalls => "SYSCALL",
        Mode::Procs => "CALL           PID COMM",
    };
    screen.push((
        Look::Heading,
        format!(
            "{:>9} {:>7} {:>6}  {:<15} {:>6}  {name}",
            "COUNT", "ERRORS", "LAST", "ERRNO", "SEEN"
        ),
    ));

    let newest = snap
        .lines
        .iter()
        .map(|l| l.row.last_error_ns)
        .max()
        .unwrap_or(0);
    for &i in shown.iter().skip(ui.scroll).take(page) {
        let line = &snap.lines[i];
        let row = &line.row;
        let look = if row.errors > 0 && row.last_error_ns == newest {
            Look::Newest
        } else if row.last_failed
            || (row.errors > 0 && snap.now_ns.saturating_sub(row.last_error_ns) < RECENT_NS)
        {
            Look::Failing
        } else {
            Look::Plain
        };
        let last = if row.last_failed {
            "-1".to_string()
        } else {
            row.last_result.to_string()
        };
        let errno = match row.last_errno {
            0 => "-".to_string(),
            e => errno_name(e).map_or_else(|| format!("errno {e}"), str::to_string),
        };
        let mut text = format!(
            "{:>9} {:>7} {:>6}  {:<15} {:>6}  ",
            row.count,
            row.errors,
            last,
            errno,
            age(snap.now_ns.saturating_sub(row.last_seen_ns))
        );
        if mode != Mode::Syscalls {
            let _ = write!(text, "{:<14} ", call_name(row.syscall(), row.compat));
        }
        label.clear();
        write_label(&mut label, line);
        let room = width.saturating_sub(text.len());
        if label.len() > room && room > 3 && matches!(line.key, Key::Path(_)) {
            // The end of a long path says the most: keep it.
            text.push_str("...");
            text.push_str(&label[label.len() - (room - 3)..]);
        } else {
            text.push_str(&label);
        }
        screen.push((look, text));
    }
    while screen.len() < 4 + page {
        screen.push((Look::Plain, String::new()));
    }

    if failures > 0 {
        screen.push((Look::Heading, " newest failures".to_string()));
        if snap.failures.is_empty() {
            screen.push((Look::Plain, " (none)".to_string()));
        }
        for failure in &snap.failures {
            screen.push((Look::Failing, format!(" {failure}")));
        }
    }

    let footer = match &ui.prompt {
        Some(text) => format!(" filter: {text}_   (Enter: apply, Esc: cancel, empty: none)"),
        None => " q quit  p pause  / filter  s sort  v view  c clear  j/k arrows PgUp/PgDn scroll"
            .to_string(),
    };
    screen.truncate(height.saturating_sub(1));
    while screen.len() < height.saturating_sub(1) {
        screen.push((Look::Plain, String::new()));
    }
    if height > 0 {
        screen.push((Look::Footer, footer));
    }
    for (i, (_, text)) in screen.iter_mut().enumerate() {
        let max = if i + 1 == height {
            width.saturating_sub(1)
        } else {
            width
        };
        truncate(text, max);
    }
    screen
}

fn sort_lines(lines: &mut [Line], sort: Sort) {
    lines.sort_by(|a, b| {
        // "(other)" is always last.
        let other = matches!(a.key, Key::Other).cmp(&matches!(b.key, Key::Other));
        let (ra, rb) = (&a.row, &b.row);
        let by = match sort {
            Sort::Count => Reverse(ra.count).cmp(&Reverse(rb.count)),
            Sort::LastSeen => Reverse(ra.last_seen_ns).cmp(&Reverse(rb.last_seen_ns)),
            Sort::Errors => Reverse(ra.errors).cmp(&Reverse(rb.errors)),
            Sort::Name => Ordering::Equal,
        };
        other.then(by).then_with(|| compare_keys(&a.key, &b.key))
    });
}

fn compare_keys(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        (Key::Path(a), Key::Path(b)) => a.cmp(b),
        (Key::Syscall(a), Key::Syscall(b)) => {
            let name = |code: &u16| {
                let (s, compat) = from_syscall_code(*code);
                (s.name(), compat)
            };
            name(a).cmp(&name(b))
        }
        (Key::Proc(a), Key::Proc(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

/// The key column: a path escaped as strace escapes strings, a syscall
/// name, or `PID COMM`.
fn write_label(out: &mut String, line: &Line) {
    match &line.key {
        Key::Path(path) => match path.split_first() {
            // The markers of super::stats: calls without a path.
            Some((0, marker)) => out.push_str(std::str::from_utf8(marker).unwrap_or("?")),
            None => out.push_str("\"\""),
            Some(_) => decode::write_escaped(out, path),
        },
        Key::Syscall(code) => {
            let (syscall, compat) = from_syscall_code(*code);
            out.push_str(&call_name(syscall, compat));
        }
        Key::Proc(pid) => {
            let _ = write!(out, "{pid} ");
            decode::write_escaped(out, line.row.comm());
        }
        Key::Other => out.push_str("(other)"),
    }
}

fn call_name(syscall: Syscall, compat: bool) -> String {
    if compat {
        format!("{}/32", syscall.name())
    } else {
        syscall.name().to_string()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// How long ago: `0.4s`, `12s`, `3m04s`, `2h05m`.
fn age(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    match secs {
        0..=9 => format!("{}.{}s", secs, ns / 100_000_000 % 10),
        10..=59 => format!("{secs}s"),
        60..=3599 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, secs / 60 % 60),
    }
}

/// Cuts `text` to at most `max` characters.
fn truncate(text: &mut String, max: usize) {
    if let Some((i, _)) = text.char_indices().nth(max) {
        text.truncate(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::stats::{syscall_code, syscall_index, Hit, NULL_PATH};

    fn hit(call: Syscall, errno: Option<u32>, seen_ns: u64) -> Hit<'static> {
        Hit {
            syscall: syscall_index(call),
            compat: false,
            result: if errno.is_some() { -1 } else { 3 },
            errno,
            seen_ns,
            comm: b"cat",
        }
    }

    fn stats() -> Stats {
        let mut stats = Stats::default();
        let mut add = |path: &[u8], n: usize, errno: Option<u32>, seen: u64| {
            for _ in 0..n {
                let h = hit(Syscall::named("openat"), errno, seen);
                stats.paths.add(path, path.len(), &h, || Rc::from(path));
                let code = syscall_code(h.syscall, false);
                stats.syscalls.add(&code, 0, &h, || code);
                stats.procs.add(&0, 0, &h, || 0);
            }
        };
        add(b"/etc/passwd", 3, None, 3_000_000_000);
        add(b"missing", 5, Some(2), 1_000_000_000);
        add(b"new\nline", 1, None, 4_000_000_000);
        add(NULL_PATH, 1, Some(14), 2_000_000_000);
        stats
    }

    fn screen(ui: &mut Ui, width: usize, height: usize) -> Vec<(Look, String)> {
        let mut snap = Snapshot::default();
        snap.take(&stats(), ui.mode, Style::Abbrev);
        snap.now_ns = 5_000_000_000;
        render(&mut snap, ui, "-p 42", width, height)
    }

    /// The key column of each table row.
    fn names(screen: &[(Look, String)]) -> Vec<String> {
        screen[4..]
            .iter()
            .take_while(|(_, t)| !t.is_empty())
            .map(|(_, t)| t.split_whitespace().last().unwrap().to_string())
            .collect()
    }

    fn press(ui: &mut Ui, code: KeyCode) -> Action {
        ui.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn table_sorts_and_escapes() {
        let mut ui = Ui::default();
        let s = screen(&mut ui, 100, 20);
        assert_eq!(s.len(), 20);
        assert!(s.iter().all(|(_, t)| t.len() <= 100));
        assert!(s[0].1.contains("ftrace-cli --live  -p 42"));
        assert_eq!(
            names(&s),
            ["missing", "/etc/passwd", "(NULL)", "new\\nline"]
        );
        let row = s.iter().find(|(_, t)| t.ends_with(" missing")).unwrap();
        let fields: Vec<&str> = row.1.split_whitespace().collect();
        assert_eq!(
            fields,
            ["5", "5", "-1", "ENOENT", "4.0s", "openat", "missing"]
        );
        assert_eq!(row.0, Look::Failing);
        // The newest failure (EFAULT, at 2 s) is marked apart.
        let null = s.iter().find(|(_, t)| t.ends_with("(NULL)")).unwrap();
        assert_eq!(null.0, Look::Newest);

        assert_eq!(press(&mut ui, KeyCode::Char('s')), Action::Redraw);
        let s = screen(&mut ui, 100, 20);
        assert!(s[2].1.contains("sort last seen"), "{}", s[2].1);
        assert_eq!(
            names(&s),
            ["new\\nline", "/etc/passwd", "(NULL)", "missing"]
        );
        press(&mut ui, KeyCode::Char('s'));
        assert_eq!(names(&screen(&mut ui, 100, 20))[..2], ["missing", "(NULL)"]);
        press(&mut ui, KeyCode::Char('s'));
        assert_eq!(
            names(&screen(&mut ui, 100, 20)),
            ["(NULL)", "/etc/passwd", "missing", "new\\nline"]
        );
        press(&mut ui, KeyCode::Char('s'));
        assert_eq!(ui.sort, Sort::Count);
    }

    #[test]
    fn filter_prompt_applies_on_enter_and_cancels_on_esc() {
        let mut ui = Ui::default();
        press(&mut ui, KeyCode::Char('/'));
        for c in "pass".chars() {
            press(&mut ui, KeyCode::Char(c));
        }
        let s = screen(&mut ui, 100, 20);
        assert!(s[19].1.starts_with(" filter: pass_"), "{}", s[19].1);
        assert_eq!(names(&s).len(), 4, "not applied before Enter");
        press(&mut ui, KeyCode::Enter);
        let s = screen(&mut ui, 100, 20);
        assert_eq!(names(&s), ["/etc/passwd"]);
        assert!(s[2].1.contains("filter \"pass\""));
        press(&mut ui, KeyCode::Char('/'));
        press(&mut ui, KeyCode::Char('x'));
        press(&mut ui, KeyCode::Esc);
        assert_eq!(ui.filter, "pass");
        // Raw bytes match too: a newline typed cannot be, but "new" can.
        press(&mut ui, KeyCode::Char('/'));
        press(&mut ui, KeyCode::Enter);
        assert_eq!(names(&screen(&mut ui, 100, 20)).len(), 4);
        // Ctrl-C quits, even at the prompt.
        press(&mut ui, KeyCode::Char('/'));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(ui.key(ctrl_c), Action::Quit);
    }

    #[test]
    fn modes_scroll_and_small_screens() {
        let mut ui = Ui::default();
        assert_eq!(press(&mut ui, KeyCode::Char('v')), Action::Refresh);
        let s = screen(&mut ui, 80, 20);
        assert!(s[3].1.ends_with("SYSCALL"));
        let fields: Vec<&str> = s[4].1.split_whitespace().collect();
        assert_eq!(fields, ["10", "6", "-1", "EFAULT", "1.0s", "openat"]);
        press(&mut ui, KeyCode::Char('v'));
        let s = screen(&mut ui, 80, 20);
        assert!(s[4].1.ends_with("openat         0 cat"), "{}", s[4].1);

        press(&mut ui, KeyCode::Char('v'));
        assert_eq!(ui.mode, Mode::Paths);
        for _ in 0..10 {
            press(&mut ui, KeyCode::Down);
        }
        // Scrolled as far as the rows go; a screen too small for the
        // failures panel, and a very narrow one.
        let s = screen(&mut ui, 30, 6);
        assert_eq!(s.len(), 6);
        assert!(s.iter().all(|(_, t)| t.len() <= 30));
        assert_eq!(ui.scroll, 3);
        assert!(screen(&mut ui, 0, 0).is_empty());
        press(&mut ui, KeyCode::Home);
        assert_eq!(ui.scroll, 0);
        assert_eq!(press(&mut ui, KeyCode::Char('c')), Action::Clear);
        assert_eq!(press(&mut ui, KeyCode::Char('p')), Action::Refresh);
        assert!(ui.paused);
        assert_eq!(press(&mut ui, KeyCode::Char('q')), Action::Quit);
    }

    #[test]
    fn status_stays_on_the_title_bar() {
        let mut ui = Ui {
            stopping: true,
            ..Ui::default()
        };
        let mut snap = Snapshot::default();
        let target = format!("-- sh -c {}", "x".repeat(200));
        let s = render(&mut snap, &mut ui, &target, 80, 24);
        assert_eq!(s[0].1.len(), 80);
        assert!(
            s[0].1.ends_with(" STOPPING (q again: at once) "),
            "{}",
            s[0].1
        );
        ui.stopping = false;
        ui.paused = true;
        let s = render(&mut snap, &mut ui, "-p 1", 80, 24);
        assert!(s[0].1.starts_with(" ftrace-cli --live  -p 1 "));
        assert!(s[0].1.ends_with(" PAUSED "));
    }

    #[test]
    fn ages() {
        assert_eq!(age(400_000_000), "0.4s");
        assert_eq!(age(12_000_000_000), "12s");
        assert_eq!(age(184_000_000_000), "3m04s");
        assert_eq!(age(7_500_000_000_000), "2h05m");
    }
}

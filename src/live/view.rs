//! The live view's state and its screen, as plain lines of text with a
//! style each: what the terminal shows, testable without a terminal.

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::stats::{comm_bytes, from_syscall_code, Comm, Row, Stats};
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
    /// The processes view shows each process under its name.
    pub pids: bool,
    /// q was pressed: the trace is ending.
    pub stopping: bool,
    /// The trace has ended by itself; the view stays until q.
    pub ended: Option<String>,
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
            pids: false,
            stopping: false,
            ended: None,
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
            KeyCode::Char('x') => {
                self.pids = !self.pids;
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
    /// A process name, and how many processes had it.
    Comm(Comm, u32),
    /// One process, shown under its name on request.
    Proc(Comm, u32),
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
    pub calls: u64,
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
    /// Takes the rows of `mode` and the totals out of `stats`; `pids` adds
    /// a row per process to the processes view.
    pub fn take(&mut self, stats: &Stats, mode: Mode, pids: bool, style: Style) {
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
                let mut names: HashMap<Comm, (Row, u32)> = HashMap::new();
                for (&(comm, pid), row) in &stats.procs.rows {
                    let (sum, processes) = names.entry(comm).or_default();
                    sum.merge(row);
                    *processes += 1;
                    if pids {
                        self.lines.push(Line {
                            key: Key::Proc(comm, pid),
                            row: *row,
                        });
                    }
                }
                self.lines
                    .extend(names.into_iter().map(|(comm, (row, n))| Line {
                        key: Key::Comm(comm, n),
                        row,
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
        self.calls = stats.calls;
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

/// Marks every cut in the text on screen. Labels are escaped to printable
/// ASCII, so this character never stands for itself there.
pub const CUT: char = '…';

/// The table's columns before the name, in the order they drop out when
/// the longest name on the page does not fit (COUNT, ERRORS and ERRNO stay).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Count,
    Errors,
    Last,
    Errno,
    Seen,
    Call,
}

const COLUMNS: [Column; 6] = [
    Column::Count,
    Column::Errors,
    Column::Last,
    Column::Errno,
    Column::Seen,
    Column::Call,
];
const DROP_ORDER: [Column; 3] = [Column::Call, Column::Last, Column::Seen];

impl Column {
    fn heading(self) -> &'static str {
        match self {
            Column::Count => "COUNT",
            Column::Errors => "ERRORS",
            Column::Last => "LAST",
            Column::Errno => "ERRNO",
            Column::Seen => "SEEN",
            Column::Call => "CALL",
        }
    }

    fn right_aligned(self) -> bool {
        matches!(self, Column::Count | Column::Errors | Column::Last)
    }

    fn cell(self, row: &Row, now_ns: u64) -> String {
        match self {
            Column::Count => row.count.to_string(),
            Column::Errors => row.errors.to_string(),
            Column::Last if row.last_failed => "-1".to_string(),
            Column::Last => row.last_result.to_string(),
            Column::Errno => match row.last_errno {
                0 => "-".to_string(),
                e => errno_name(e).map_or_else(|| format!("errno {e}"), str::to_string),
            },
            Column::Seen => age(now_ns.saturating_sub(row.last_seen_ns)),
            Column::Call => call_name(row.syscall(), row.compat),
        }
    }
}

/// Lays out the whole screen: exactly `height` lines, none wider than
/// `width` (the last one narrower by one, so the terminal never scrolls).
/// `status` is the status line's text, if there is one: parts separated by
/// newlines, on one line when they fit, else one line each.
pub fn render(
    snap: &mut Snapshot,
    ui: &mut Ui,
    target: &str,
    status: Option<&str>,
    width: usize,
    height: usize,
) -> Vec<(Look, String)> {
    let mut screen = Vec::with_capacity(height);
    let mode = snap.mode.unwrap_or(ui.mode);

    let flag = match (&ui.ended, ui.stopping, ui.paused) {
        (Some(_), _, true) => "ENDED, PAUSED",
        (Some(_), _, false) => "ENDED",
        (None, true, _) => "STOPPING (q again: at once)",
        (None, false, true) => "PAUSED",
        _ => "",
    };
    let mut title = format!(" ftrace-cli --live  {target}");
    // The flag stays in view however long the target is.
    cut_end(&mut title, width.saturating_sub(flag.len() + 2));
    let room = width.saturating_sub(title.chars().count() + flag.len() + 1);
    title.extend(std::iter::repeat_n(' ', room));
    title.push_str(flag);
    title.push(' ');
    screen.push((Look::Title, title));

    let lost = snap.losses.calls() + snap.malformed;
    let mut totals = format!(
        " calls/s {:.0}   total {}   errors {}   lost {}",
        snap.rate, snap.calls, snap.errors, lost
    );
    if snap.losses.faults > 0 {
        let _ = write!(totals, "   unreadable args {}", snap.losses.faults);
    }
    screen.push((Look::Plain, totals));
    let mut fixed = 4;
    if let Some(status) = status {
        let line = format!(" {}", status.replace('\n', "   "));
        if line.chars().count() <= width {
            screen.push((Look::Plain, line));
            fixed += 1;
        } else {
            // A part still too long (a deep TMPDIR) keeps its file name.
            for part in status.split('\n') {
                let part = cut_middle(part, width.saturating_sub(1), None);
                screen.push((Look::Plain, format!(" {part}")));
                fixed += 1;
            }
        }
    }

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
    let page = height.saturating_sub(fixed + failures + 1);
    ui.page = page;
    ui.scroll = ui.scroll.min(shown.len().saturating_sub(page));

    let keys = snap
        .lines
        .iter()
        .filter(|l| !matches!(l.key, Key::Proc(..) | Key::Other))
        .count();
    let mut state = format!(
        " view {} ({} {})   sort {}",
        mode.name(),
        keys,
        if keys == 1 { "key" } else { "keys" },
        ui.sort.name()
    );
    if mode == Mode::Procs && ui.pids {
        state.push_str("   each process");
    }
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

    // The cells of the rows on this page, and the columns that fit.
    let page_rows: Vec<usize> = shown.iter().skip(ui.scroll).take(page).copied().collect();
    let mut columns: Vec<Column> = COLUMNS
        .into_iter()
        .filter(|&c| !(c == Column::Call && mode == Mode::Syscalls))
        .collect();
    let cells: Vec<Vec<String>> = page_rows
        .iter()
        .map(|&i| {
            let row = &snap.lines[i].row;
            columns.iter().map(|c| c.cell(row, snap.now_ns)).collect()
        })
        .collect();
    let mut widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(j, c)| {
            cells
                .iter()
                .map(|r| r[j].len())
                .chain([c.heading().len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let labels: Vec<String> = page_rows
        .iter()
        .map(|&i| {
            let mut text = String::new();
            write_label(&mut text, &snap.lines[i]);
            text
        })
        .collect();
    let longest = labels.iter().map(String::len).max().unwrap_or(0);
    let used = |widths: &[usize]| widths.iter().map(|w| w + 1).sum::<usize>() + 1;
    for drop in DROP_ORDER {
        if used(&widths) + longest <= width {
            break;
        }
        if let Some(j) = columns.iter().position(|&c| c == drop) {
            columns.remove(j);
            widths.remove(j);
        }
    }
    let kept: Vec<usize> = COLUMNS
        .iter()
        .filter(|c| !(**c == Column::Call && mode == Mode::Syscalls))
        .enumerate()
        .filter(|(_, c)| columns.contains(c))
        .map(|(j, _)| j)
        .collect();
    let room = width.saturating_sub(used(&widths));

    let name = match mode {
        Mode::Paths => "PATH",
        Mode::Syscalls => "SYSCALL",
        Mode::Procs => "PROCESS",
    };
    let mut heading = String::from(" ");
    for (c, w) in columns.iter().zip(&widths) {
        pad(&mut heading, c.heading(), *w, c.right_aligned());
        heading.push(' ');
    }
    heading.push_str(name);
    screen.push((Look::Heading, heading));

    let newest = snap
        .lines
        .iter()
        .map(|l| l.row.last_error_ns)
        .max()
        .unwrap_or(0);
    let shown_labels = distinct_cuts(&snap.lines, &shown, room);
    for (n, &i) in page_rows.iter().enumerate() {
        let row = &snap.lines[i].row;
        let look = if row.errors > 0 && row.last_error_ns == newest {
            Look::Newest
        } else if row.last_failed
            || (row.errors > 0 && snap.now_ns.saturating_sub(row.last_error_ns) < RECENT_NS)
        {
            Look::Failing
        } else {
            Look::Plain
        };
        let mut text = String::from(" ");
        for ((c, w), &j) in columns.iter().zip(&widths).zip(&kept) {
            pad(&mut text, &cells[n][j], *w, c.right_aligned());
            text.push(' ');
        }
        match shown_labels.get(&i) {
            Some(cut) => text.push_str(cut),
            None => text.push_str(&labels[n]),
        }
        screen.push((look, text));
    }
    while screen.len() < fixed + page {
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
        None => FOOTERS
            .iter()
            .find(|f| f.len() < width)
            .unwrap_or(&FOOTERS[FOOTERS.len() - 1])
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
        cut_end(text, max);
    }
    screen
}

/// The keys, from the fullest to the shortest: the widest that fits is shown.
const FOOTERS: [&str; 3] = [
    " q quit  p/Space pause  / filter  s sort  v view  x each process  c clear  \
     arrows j/k PgUp/PgDn scroll  g/G top/bottom",
    " q quit  p pause  / filter  s sort  v view  x each process  c clear  j/k g/G scroll",
    " q quit  p pause  / filter  s sort  v view  x procs  c clear  j/k g/G",
];

fn pad(out: &mut String, cell: &str, width: usize, right: bool) {
    let _ = if right {
        write!(out, "{cell:>width$}")
    } else {
        write!(out, "{cell:<width$}")
    };
}

/// The labels of `shown` that are longer than `room`, cut to it, by line
/// index: in the middle, keeping the start and the last path component,
/// and so that no two cut labels read the same (two different keys never
/// look alike on screen).
fn distinct_cuts(lines: &[Line], shown: &[usize], room: usize) -> HashMap<usize, String> {
    let mut full: HashMap<usize, String> = HashMap::new();
    let mut label = String::new();
    for &i in shown {
        label.clear();
        write_label(&mut label, &lines[i]);
        if label.len() > room {
            full.insert(i, label.clone());
        }
    }
    // Labels are printable ASCII: byte offsets are character offsets.
    let mut cuts: HashMap<usize, String> = full
        .iter()
        .map(|(&i, l)| (i, cut_middle(l, room, None)))
        .collect();
    // Cuts that read alike show more of their start: up to where their
    // labels first differ. (A label shown whole holds no CUT: only cuts
    // can read alike.)
    for _ in 0..4 {
        let mut alike: HashMap<&str, Vec<usize>> = HashMap::new();
        for (&i, cut) in &cuts {
            alike.entry(cut.as_str()).or_default().push(i);
        }
        let groups: Vec<Vec<usize>> = alike.into_values().filter(|g| g.len() > 1).collect();
        if groups.is_empty() {
            break;
        }
        for group in groups {
            let mut texts: Vec<&str> = group.iter().map(|i| full[i].as_str()).collect();
            texts.sort_unstable();
            let differ = texts
                .windows(2)
                .map(|w| common_prefix(w[0], w[1]))
                .max()
                .unwrap_or(0);
            for i in group {
                let recut = cut_middle(&full[&i], room, Some(differ + 1));
                cuts.insert(i, recut);
            }
        }
    }
    cuts
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Cuts an ASCII `label` to `room` characters, marking the cut with [`CUT`].
/// Keeps the start and the last path component, cut in the middle if need
/// be; `head` asks to keep at least that many leading characters, shown
/// through a second cut when they do not fit before the name.
fn cut_middle(label: &str, room: usize, head: Option<usize>) -> String {
    if label.len() <= room {
        return label.to_string();
    }
    if room < 5 || !label.is_ascii() {
        let mut text = label.to_string();
        cut_end(&mut text, room);
        return text;
    }
    let n = label.len();
    let name = match label.trim_end_matches('/').rfind('/') {
        Some(slash) => n - slash,
        None => n.div_ceil(2),
    };
    let min_head = (room - 1) / 3;
    let mut tail = name.min(room - 1 - min_head);
    let mut keep = room - 1 - tail;
    if let Some(need) = head {
        if need <= room - 2 {
            keep = keep.max(need);
            tail = room - 1 - keep;
        } else {
            // The start, a window around where the labels first differ,
            // and the name.
            let end = name.min((room - 2) / 3);
            let start = (room - 2 - end) / 3;
            let window = room - 2 - start - end;
            let from = need.saturating_sub(window * 2 / 3).max(start);
            if from + window >= n - end {
                // The window reaches the name: one cut.
                return format!(
                    "{}{CUT}{}",
                    &label[..start],
                    &label[n - (room - 1 - start)..]
                );
            }
            return format!(
                "{}{CUT}{}{CUT}{}",
                &label[..start],
                &label[from..from + window],
                &label[n - end..]
            );
        }
    }
    format!("{}{CUT}{}", &label[..keep], &label[n - tail..])
}

fn sort_lines(lines: &mut Vec<Line>, sort: Sort) {
    let order = |a: &Line, b: &Line| {
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
    };
    // Each process comes right under its name, in the same order.
    let (mut procs, mut rest): (Vec<Line>, Vec<Line>) = std::mem::take(lines)
        .into_iter()
        .partition(|l| matches!(l.key, Key::Proc(..)));
    rest.sort_by(order);
    if procs.is_empty() {
        *lines = rest;
        return;
    }
    procs.sort_by(order);
    let mut by_name: HashMap<Comm, Vec<Line>> = HashMap::new();
    for line in procs {
        if let Key::Proc(comm, _) = line.key {
            by_name.entry(comm).or_default().push(line);
        }
    }
    for line in rest {
        let under = match line.key {
            Key::Comm(comm, _) => by_name.remove(&comm),
            _ => None,
        };
        lines.push(line);
        lines.extend(under.into_iter().flatten());
    }
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
        (Key::Comm(a, _), Key::Comm(b, _)) => a.cmp(b),
        (Key::Proc(_, a), Key::Proc(_, b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

/// The key column: a path escaped as strace escapes strings, a syscall
/// name, a process name with its number of processes, or `PID NAME`.
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
        Key::Comm(comm, processes) => {
            output::write_comm(out, comm_bytes(comm));
            let s = if *processes == 1 { "" } else { "es" };
            let _ = write!(out, " ({processes} process{s})");
        }
        Key::Proc(comm, pid) => {
            let _ = write!(out, "  {pid} ");
            output::write_comm(out, comm_bytes(comm));
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

/// Cuts `text` to at most `max` characters, the last one [`CUT`] when
/// anything was cut.
pub fn cut_end(text: &mut String, max: usize) {
    if text.chars().nth(max).is_none() {
        return;
    }
    match max.checked_sub(1) {
        Some(keep) => {
            let (i, _) = text.char_indices().nth(keep).unwrap_or((text.len(), ' '));
            text.truncate(i);
            text.push(CUT);
        }
        None => text.clear(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::stats::{comm_key, syscall_code, syscall_index, Hit, NULL_PATH};

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

    fn add(stats: &mut Stats, path: &[u8], n: usize, errno: Option<u32>, seen: u64) {
        for _ in 0..n {
            let h = hit(Syscall::named("openat"), errno, seen);
            stats.paths.add(path, &h, || Rc::from(path));
            let code = syscall_code(h.syscall, false);
            stats.syscalls.add(&code, &h, || code);
            let proc = (comm_key(b"cat"), 7);
            stats.procs.add(&proc, &h, || proc);
        }
    }

    fn stats() -> Stats {
        let mut stats = Stats::default();
        add(&mut stats, b"/etc/passwd", 3, None, 3_000_000_000);
        add(&mut stats, b"missing", 5, Some(2), 1_000_000_000);
        add(&mut stats, b"new\nline", 1, None, 4_000_000_000);
        add(&mut stats, NULL_PATH, 1, Some(14), 2_000_000_000);
        stats
    }

    fn render_stats(
        stats: &Stats,
        ui: &mut Ui,
        width: usize,
        height: usize,
    ) -> Vec<(Look, String)> {
        let mut snap = Snapshot::default();
        snap.take(stats, ui.mode, ui.pids, Style::Abbrev);
        snap.now_ns = 5_000_000_000;
        render(&mut snap, ui, "-p 42", None, width, height)
    }

    fn screen(ui: &mut Ui, width: usize, height: usize) -> Vec<(Look, String)> {
        render_stats(&stats(), ui, width, height)
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

    fn width(text: &str) -> usize {
        text.chars().count()
    }

    #[test]
    fn table_sorts_and_escapes() {
        let mut ui = Ui::default();
        let s = screen(&mut ui, 100, 20);
        assert_eq!(s.len(), 20);
        assert!(s.iter().all(|(_, t)| width(t) <= 100));
        assert!(s[0].1.contains("ftrace-cli --live  -p 42"));
        assert!(
            s[1].1.starts_with(" calls/s 0   total 0   errors 0"),
            "{}",
            s[1].1
        );
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
        assert!(s[4].1.ends_with("openat cat (1 process)"), "{}", s[4].1);

        press(&mut ui, KeyCode::Char('v'));
        assert_eq!(ui.mode, Mode::Paths);
        for _ in 0..10 {
            press(&mut ui, KeyCode::Down);
        }
        // Scrolled as far as the rows go; a screen too small for the
        // failures panel, and a very narrow one.
        let s = screen(&mut ui, 30, 6);
        assert_eq!(s.len(), 6);
        assert!(s.iter().all(|(_, t)| width(t) <= 30));
        assert_eq!(ui.scroll, 3);
        assert!(screen(&mut ui, 0, 0).is_empty());
        for w in 1..40 {
            assert!(screen(&mut ui, w, 3).iter().all(|(_, t)| width(t) <= w));
        }
        // g and G: top and bottom, as Home and End.
        press(&mut ui, KeyCode::Char('g'));
        assert_eq!(ui.scroll, 0);
        press(&mut ui, KeyCode::Char('G'));
        screen(&mut ui, 30, 6);
        assert_eq!(ui.scroll, 3);
        press(&mut ui, KeyCode::Home);
        assert_eq!(ui.scroll, 0);
        assert_eq!(press(&mut ui, KeyCode::Char('c')), Action::Clear);
        assert_eq!(press(&mut ui, KeyCode::Char('p')), Action::Refresh);
        assert!(ui.paused);
        assert_eq!(press(&mut ui, KeyCode::Char(' ')), Action::Refresh);
        assert!(!ui.paused);
        assert_eq!(press(&mut ui, KeyCode::Char('q')), Action::Quit);
    }

    #[test]
    fn processes_are_grouped_by_name_and_listed_on_request() {
        let mut stats = Stats::default();
        let mut call = |comm: &[u8], pid: u32, errno: Option<u32>| {
            let h = Hit {
                comm: b"",
                ..hit(Syscall::named("openat"), errno, u64::from(pid))
            };
            let proc = (comm_key(comm), pid);
            stats.procs.add(&proc, &h, || proc);
        };
        for pid in 100..130 {
            call(b"cc1", pid, None);
        }
        call(b"cc1", 100, Some(2));
        call(b"make", 99, None);
        let mut ui = Ui {
            mode: Mode::Procs,
            ..Ui::default()
        };
        let s = render_stats(&stats, &mut ui, 80, 24);
        assert!(s[2].1.contains("view processes (2 keys)"), "{}", s[2].1);
        assert!(s[3].1.ends_with("PROCESS"), "{}", s[3].1);
        let rows: Vec<&str> = s[4..6].iter().map(|(_, t)| t.as_str()).collect();
        assert!(rows[0].ends_with("openat cc1 (30 processes)"), "{rows:?}");
        let fields: Vec<&str> = rows[0].split_whitespace().collect();
        assert_eq!(fields[..4], ["31", "1", "3", "ENOENT"], "{rows:?}");
        assert!(rows[1].ends_with("openat make (1 process)"), "{rows:?}");

        assert_eq!(press(&mut ui, KeyCode::Char('x')), Action::Refresh);
        let s = render_stats(&stats, &mut ui, 80, 40);
        assert!(s[2]
            .1
            .contains("view processes (2 keys)   sort count   each process"));
        let rows: Vec<&str> = s[4..].iter().map(|(_, t)| t.as_str()).collect();
        assert!(rows[0].ends_with("cc1 (30 processes)"), "{rows:?}");
        // The busiest process first, under its name, then by pid.
        assert!(rows[1].ends_with("openat   100 cc1"), "{rows:?}");
        assert!(rows[1].trim_start().starts_with("2 "), "{rows:?}");
        assert!(rows[2].ends_with("openat   101 cc1"), "{rows:?}");
        assert!(rows[30].ends_with("openat   129 cc1"), "{rows:?}");
        assert!(rows[31].ends_with("make (1 process)"), "{rows:?}");
        assert!(rows[32].ends_with("openat   99 make"), "{rows:?}");
        // A filter keeps what matches: a name and its processes, or one pid.
        ui.filter = "make".into();
        let s = render_stats(&stats, &mut ui, 80, 40);
        assert_eq!(names(&s).len(), 2);
        ui.filter = "129".into();
        let s = render_stats(&stats, &mut ui, 80, 40);
        assert_eq!(names(&s), ["cc1"]);
    }

    /// Paths that differ only in the middle, or only at the end.
    fn long_paths() -> Stats {
        let mut stats = Stats::default();
        let dir = "/usr/lib/x86_64-linux-gnu/a-rather-long-directory-name";
        for (i, path) in [
            format!("{dir}/one/locale/C.UTF-8/LC_ADDRESS"),
            format!("{dir}/one/locale/C.utf8/LC_ADDRESS"),
            format!("{dir}/two/locale/C.utf8/LC_ADDRESS"),
            format!("{dir}/two/locale/C.utf8/LC_ADDRESS-and-a-very-long-file-name-too"),
            format!("{dir}/two/locale/C.utf8/LC_ADDRESS-and-a-very-long-file-name-thr"),
            "short".to_string(),
        ]
        .iter()
        .enumerate()
        {
            add(&mut stats, path.as_bytes(), 6 - i, Some(2), 1);
        }
        stats
    }

    #[test]
    fn the_path_gets_the_room_and_cuts_are_marked_and_distinct() {
        let stats = long_paths();
        let mut ui = Ui::default();
        // Wide: every column, and the whole path.
        let s = render_stats(&stats, &mut ui, 200, 50);
        assert!(
            s[3].1
                .starts_with(" COUNT ERRORS LAST ERRNO  SEEN CALL   PATH"),
            "{:?}",
            s[3].1
        );
        assert!(
            s[4].1.ends_with("/one/locale/C.UTF-8/LC_ADDRESS"),
            "{}",
            s[4].1
        );
        assert!(s.iter().all(|(_, t)| !t.contains(CUT)), "{s:#?}");

        for cols in [80, 70, 60, 50, 40] {
            let s = render_stats(&stats, &mut ui, cols, 24);
            let rows: Vec<&str> = s[4..10].iter().map(|(_, t)| t.as_str()).collect();
            assert!(s.iter().all(|(_, t)| width(t) <= cols), "{cols}: {s:#?}");
            // Columns drop out before the path is cut: CALL first.
            assert!(!s[3].1.contains("CALL"), "{cols}: {}", s[3].1);
            assert!(
                s[3].1.trim_start().starts_with("COUNT ERRORS"),
                "{cols}: {}",
                s[3].1
            );
            let labels: Vec<&str> = rows
                .iter()
                .map(|r| r.split(' ').next_back().unwrap())
                .collect();
            for label in &labels[..5] {
                assert!(
                    label.starts_with("/usr"),
                    "{cols}: the start is kept: {rows:#?}"
                );
                assert!(label.contains(CUT), "{cols}: the cut is marked: {rows:#?}");
            }
            assert_eq!(labels[5], "short");
            // The file name is kept when it fits beside the start.
            if cols >= 60 {
                assert!(labels[0].ends_with("/LC_ADDRESS"), "{cols}: {rows:#?}");
            }
            let mut distinct = labels.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(
                distinct.len(),
                labels.len(),
                "{cols}: two paths look alike: {rows:#?}"
            );
        }
        let s = render_stats(&stats, &mut ui, 80, 24);
        assert_eq!(s[3].1, " COUNT ERRORS ERRNO  PATH");
    }

    #[test]
    fn cuts() {
        assert_eq!(cut_middle("/a/b/c/d/file", 20, None), "/a/b/c/d/file");
        assert_eq!(
            cut_middle("/abcdefghij/klmnop/file", 12, None),
            "/abcde…/file"
        );
        // A file name longer than the room: a third is kept for the start.
        assert_eq!(
            cut_middle("/ab/cdefghijklmnopqrstuvwxyz", 10, None),
            "/ab…uvwxyz"
        );
        // The labels first differ at byte 9: kept whole, then the name.
        assert_eq!(
            cut_middle("/abcdefgh1xxxxx/file", 16, Some(10)),
            "/abcdefgh1…/file"
        );
        // Beyond the room: start, the window where they differ, end.
        assert_eq!(
            cut_middle("/abcdefghijklmnopqrstu1vwxyz0123456789/file", 16, Some(23)),
            "/ab…stu1vwx…file"
        );
        assert_eq!(
            cut_middle("/abcdefghijklmnopqrstu1vw/file", 16, Some(23)),
            "/ab…rstu1vw/file"
        );
        let mut s = "abcdef".to_string();
        cut_end(&mut s, 4);
        assert_eq!(s, "abc…");
        let mut s = "abc".to_string();
        cut_end(&mut s, 3);
        assert_eq!(s, "abc");
    }

    #[test]
    fn status_stays_on_the_title_bar() {
        let mut ui = Ui {
            stopping: true,
            ..Ui::default()
        };
        let mut snap = Snapshot::default();
        let target = format!("-- sh -c {}", "x".repeat(200));
        let s = render(&mut snap, &mut ui, &target, None, 80, 24);
        assert_eq!(width(&s[0].1), 80);
        assert!(
            s[0].1
                .ends_with(&format!("x{CUT} STOPPING (q again: at once) ")),
            "{}",
            s[0].1
        );
        ui.stopping = false;
        ui.paused = true;
        let s = render(&mut snap, &mut ui, "-p 1", None, 80, 24);
        assert!(s[0].1.starts_with(" ftrace-cli --live  -p 1 "));
        assert!(s[0].1.ends_with(" PAUSED "));
        // The status line comes under the totals; the rows move down one.
        ui.paused = false;
        ui.ended = Some("command exited with status 3, q to quit".into());
        let status = "command exited with status 3, q to quit\ncommand output: /tmp/x";
        let s = render(&mut snap, &mut ui, "-- true", Some(status), 80, 24);
        assert!(s[0].1.ends_with(" ENDED "), "{}", s[0].1);
        assert_eq!(
            s[2].1,
            " command exited with status 3, q to quit   command output: /tmp/x"
        );
        assert!(s[4].1.contains("COUNT"));
        // Too long for one line: one part a line.
        let status = "command exited with status 3, q to quit\ncommand output: /tmp/ftrace-cli-output.abcdef";
        let s = render(&mut snap, &mut ui, "-- true", Some(status), 80, 24);
        assert_eq!(s[2].1, " command exited with status 3, q to quit");
        assert_eq!(s[3].1, " command output: /tmp/ftrace-cli-output.abcdef");
        assert!(s[5].1.contains("COUNT"));
        // A deep TMPDIR: the file name stays whole.
        let status = format!(
            "ended\ncommand output: /{}/ftrace-cli-output.abcdef",
            "d".repeat(80)
        );
        let s = render(&mut snap, &mut ui, "-- true", Some(&status), 80, 24);
        assert!(s[3].1.starts_with(" command output: /ddd"), "{}", s[3].1);
        assert!(
            s[3].1.ends_with(&format!("{CUT}/ftrace-cli-output.abcdef")),
            "{}",
            s[3].1
        );
        assert_eq!(width(&s[3].1), 80);
        // The footer says every key that fits.
        assert!(s[23].1.contains("g/G"), "{}", s[23].1);
        let s = render(&mut snap, &mut ui, "-- true", None, 200, 50);
        assert!(s[49].1.contains("p/Space pause"), "{}", s[49].1);
    }

    #[test]
    fn failures_are_cut_with_a_mark() {
        let mut ui = Ui::default();
        let mut snap = Snapshot {
            failures: vec![format!(
                "1 cat openat(AT_FDCWD, \"{}\", O_RDONLY) = -1 ENOENT (No such file or directory)",
                "d".repeat(40)
            )],
            ..Snapshot::default()
        };
        let s = render(&mut snap, &mut ui, "-p 1", None, 80, 24);
        let failure = s.iter().find(|(_, t)| t.starts_with(" 1 cat")).unwrap();
        assert_eq!(width(&failure.1), 80);
        assert!(failure.1.ends_with(CUT), "{}", failure.1);
    }

    #[test]
    fn ages() {
        assert_eq!(age(400_000_000), "0.4s");
        assert_eq!(age(12_000_000_000), "12s");
        assert_eq!(age(184_000_000_000), "3m04s");
        assert_eq!(age(7_500_000_000_000), "2h05m");
    }
}

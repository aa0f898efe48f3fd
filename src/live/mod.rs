//! `--live`: a full-screen view of the trace, for a person debugging a
//! running process. Records are only counted as they come (see
//! [`stats`]); the screen is redrawn a few times a second from
//! [`Sink::tick`], and at once after a key press.
//!
//! When the targets end by themselves the view stays, saying so on its
//! status line, until q. A command's own output goes to a file named on
//! the status line (see the session), never over the view.
//!
//! The terminal is put back as it was whatever ends the view: q or Ctrl-C,
//! a stop signal (through [`Sink::finish`]), an error (the view is
//! dropped) or a panic (a panic hook).

mod stats;
mod view;

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event as TermEvent};
use crossterm::style::{Attribute, Color, ResetColor, SetAttribute, SetForegroundColor};
use crossterm::{cursor, queue, terminal};
use nix::sys::signal::{raise, Signal};

use crate::cli::{Cli, ColorWhen};
use crate::decode::Style;
use crate::error::{Error, Result};
use crate::record::Event;
use crate::session::Sink;
use crate::summary::Summary;
use crate::tracer::Losses;
use view::{Action, Look, Snapshot, Ui};

/// How often the screen is redrawn.
const FRAME: Duration = Duration::from_millis(250);
/// The rate is taken over about this many frames.
const RATE_FRAMES: usize = 4;

/// Whether the terminal is in raw mode on the alternate screen now.
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub struct Live {
    out: File,
    stats: stats::Stats,
    summary: Summary,
    malformed: u64,
    losses: Losses,
    ui: Ui,
    snap: Snapshot,
    target: String,
    /// Where the command's output goes, if there is a command.
    command_output: Option<PathBuf>,
    style: Style,
    color: bool,
    last_frame: Option<Instant>,
    /// (when, calls seen) at the last frames, oldest first.
    samples: Vec<(Instant, u64)>,
    error: Option<Error>,
    /// q was pressed after the trace ended.
    quit: bool,
}

impl Live {
    /// Takes over the terminal `out` (stdout, a terminal: see the session);
    /// `command_output` is the file the command writes to.
    pub fn start(out: File, cli: &Cli, command_output: Option<PathBuf>) -> Result<Live> {
        install_panic_hook();
        let mut live = Live {
            out,
            stats: stats::Stats::default(),
            summary: Summary::default(),
            malformed: 0,
            losses: Losses::default(),
            ui: Ui::default(),
            snap: Snapshot::default(),
            target: describe_target(cli),
            command_output,
            style: cli.style,
            color: match cli.color {
                ColorWhen::Never => false,
                ColorWhen::Always => true,
                ColorWhen::Auto => crate::color::auto(true),
            },
            last_frame: None,
            samples: Vec::with_capacity(RATE_FRAMES + 1),
            error: None,
            quit: false,
        };
        ACTIVE.store(true, Ordering::SeqCst);
        terminal::enable_raw_mode()
            .and_then(|()| {
                queue!(
                    live.out,
                    terminal::EnterAlternateScreen,
                    cursor::Hide,
                    terminal::Clear(terminal::ClearType::All)
                )
            })
            .and_then(|()| live.out.flush())
            .map_err(|e| {
                restore_terminal();
                Error::runtime("setting up the terminal", Error::describe(&e))
            })?;
        live.take_snapshot();
        live.draw();
        Ok(live)
    }

    fn take_snapshot(&mut self) {
        let now = Instant::now();
        let seen = self.stats.seen;
        self.samples.push((now, seen));
        if self.samples.len() > RATE_FRAMES + 1 {
            self.samples.remove(0);
        }
        let (then, before) = self.samples[0];
        let secs = now.duration_since(then).as_secs_f64();
        self.snap
            .take(&self.stats, self.ui.mode, self.ui.pids, self.style);
        self.snap.rate = if secs > 0.0 {
            (seen - before) as f64 / secs
        } else {
            0.0
        };
        self.snap.losses = self.losses;
        self.snap.malformed = self.malformed;
        self.snap.now_ns = monotonic_ns();
    }

    fn draw(&mut self) {
        if self.error.is_some() {
            return;
        }
        let (width, height) = terminal::size().unwrap_or((80, 24));
        let status = self.status_line();
        let screen = view::render(
            &mut self.snap,
            &mut self.ui,
            &self.target,
            status.as_deref(),
            usize::from(width),
            usize::from(height),
        );
        // One write per frame: the terminal never shows half of one.
        let mut frame = Vec::with_capacity(16 * 1024);
        let _ = queue!(frame, terminal::BeginSynchronizedUpdate);
        for (y, (look, text)) in screen.iter().enumerate() {
            let _ = queue!(frame, cursor::MoveTo(0, y as u16));
            let _ = self.set_look(&mut frame, *look);
            frame.extend_from_slice(text.as_bytes());
            let _ = queue!(
                frame,
                SetAttribute(Attribute::Reset),
                ResetColor,
                terminal::Clear(terminal::ClearType::UntilNewLine)
            );
        }
        let _ = queue!(frame, terminal::EndSynchronizedUpdate);
        if let Err(e) = self.out.write_all(&frame).and_then(|()| self.out.flush()) {
            self.error = Some(Error::runtime("writing the screen", Error::describe(&e)));
        }
        self.last_frame = Some(Instant::now());
    }

    /// How the trace stands, when there is something to say: where the
    /// command's output goes, and that the trace has ended.
    fn status_line(&self) -> Option<String> {
        let output = self
            .command_output
            .as_ref()
            .map(|path| format!("command output: {}", path.display()));
        // Two parts go on two lines when they do not fit on one.
        let mut line = match (&self.ui.ended, output) {
            (Some(ended), Some(output)) => format!("{ended}\n{output}"),
            (Some(ended), None) => ended.clone(),
            (None, Some(output)) => output,
            (None, None) => return None,
        };
        line.retain(|c| c == '\n' || !c.is_control());
        Some(line)
    }

    fn set_look(&self, frame: &mut Vec<u8>, look: Look) -> io::Result<()> {
        match look {
            Look::Plain => Ok(()),
            Look::Title | Look::Footer => queue!(frame, SetAttribute(Attribute::Reverse)),
            Look::Heading => queue!(frame, SetAttribute(Attribute::Bold)),
            Look::Failing if self.color => queue!(frame, SetForegroundColor(Color::Red)),
            Look::Failing => Ok(()),
            Look::Newest if self.color => queue!(
                frame,
                SetForegroundColor(Color::Red),
                SetAttribute(Attribute::Bold)
            ),
            Look::Newest => queue!(frame, SetAttribute(Attribute::Bold)),
        }
    }

    /// Handles the keys typed since the last tick: whether to redraw, and
    /// whether to take the data afresh.
    fn read_keys(&mut self) -> (bool, bool) {
        let (mut redraw, mut refresh) = (false, false);
        loop {
            match event::poll(Duration::ZERO) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.error = Some(Error::runtime("reading the terminal", e));
                    break;
                }
            }
            match event::read() {
                Ok(TermEvent::Key(key)) => match self.ui.key(key) {
                    Action::Nothing => {}
                    Action::Redraw => redraw = true,
                    Action::Refresh => refresh = true,
                    Action::Clear => {
                        self.stats.clear();
                        self.samples.clear();
                        refresh = true;
                    }
                    Action::Quit if self.ui.ended.is_some() => self.quit = true,
                    Action::Quit => {
                        // Stop as SIGTERM does: at once when tracing by pid
                        // or name; a command gets it passed on and is waited
                        // for, a second q kills it (see the session loop).
                        self.ui.stopping = true;
                        let _ = raise(Signal::SIGTERM);
                        redraw = true;
                    }
                },
                Ok(TermEvent::Resize(..)) => redraw = true,
                Ok(_) => {}
                Err(e) => {
                    self.error = Some(Error::runtime("reading the terminal", e));
                    break;
                }
            }
        }
        (redraw || refresh, refresh)
    }
}

impl Sink for Live {
    fn record(&mut self, bytes: &[u8]) {
        let Ok(event) = Event::parse(bytes) else {
            self.malformed += 1;
            return;
        };
        let call = event.call();
        let duration = event.duration_ns();
        self.summary
            .add(call.syscall, call.compat, call.errno().is_some(), duration);
        self.stats.add(&event, &call, bytes);
    }

    fn tick(&mut self, losses: Losses) -> bool {
        self.losses = losses;
        let (redraw, refresh) = self.read_keys();
        let due = self.last_frame.is_none_or(|t| t.elapsed() >= FRAME);
        if refresh || (due && !self.ui.paused) {
            self.take_snapshot();
        }
        if redraw || refresh || (due && !self.ui.paused) {
            self.draw();
        }
        self.error.is_none() && !self.quit
    }

    fn linger(&mut self, command_status: Option<i32>) -> bool {
        if self.ui.stopping || self.error.is_some() {
            return false;
        }
        self.ui.ended = Some(match command_status {
            Some(status) => format!("command exited with status {status}, q to quit"),
            None => "every traced process has exited, q to quit".to_string(),
        });
        // The final counts, even when paused.
        self.take_snapshot();
        self.draw();
        true
    }

    fn finish(&mut self, _: Losses) -> Result<()> {
        restore_terminal();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        // The usual summary, on the normal screen: what --summary-only prints.
        self.summary
            .write(&mut self.out)
            .and_then(|()| self.out.flush())
            .map_err(|e| Error::runtime("writing the summary", Error::describe(&e)))?;
        if let Some(path) = &self.command_output {
            eprintln!("ftrace-cli: the command's output is in {}", path.display());
        }
        Ok(())
    }

    fn malformed(&self) -> u64 {
        self.malformed
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Leaves raw mode and the alternate screen, shows the cursor; once.
fn restore_terminal() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = crossterm::execute!(
            out,
            terminal::EndSynchronizedUpdate,
            SetAttribute(Attribute::Reset),
            ResetColor,
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// A panic restores the terminal before the default hook prints the message.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
    });
}

fn monotonic_ns() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0)
}

/// The targets, as given on the command line.
fn describe_target(cli: &Cli) -> String {
    let mut parts = Vec::new();
    if !cli.pids.is_empty() {
        let pids: Vec<String> = cli.pids.iter().map(i32::to_string).collect();
        parts.push(format!("-p {}", pids.join(",")));
    }
    for comm in &cli.comms {
        parts.push(format!("-c {}", String::from_utf8_lossy(comm)));
    }
    if !cli.command.is_empty() {
        let words: Vec<_> = cli.command.iter().map(|w| w.to_string_lossy()).collect();
        parts.push(format!("-- {}", words.join(" ")));
    }
    if parts.is_empty() {
        return "all processes".to_string();
    }
    let mut text = parts.join(" ");
    if cli.follow_forks > 0 && cli.command.is_empty() {
        text.push_str(" -f");
    }
    // Shown on the title bar: printable text only.
    text.retain(|c| !c.is_control());
    text
}

//! Turning records into lines and writing them out.
//!
//! A text line is `PID[/TID] COMM [TIME] CALL = RESULT [<DURATION>]`: the
//! prefix fields hold no unescaped space, so `cut -d' '` and awk see the same
//! fields on every line. With --json each line is one JSON object instead.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Seek, Write};
use std::os::fd::AsRawFd;

use crate::cgroup::Containers;
use crate::color;
use crate::decode::{self, ArgSpans, Call, Detail, Style};
use crate::error::Error;
use crate::inprogress::Note;
use crate::json;
use crate::record::Event;
use crate::session::Sink;
use crate::summary::Summary;
use crate::tracepath::TracePaths;
use crate::tracer::Losses;

/// Output is written in batches: one write per ring buffer drain, not per line.
const BUFFER: usize = 1 << 18;

/// strace's -t, -tt, -ttt and --absolute-timestamps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Timestamps {
    #[default]
    None,
    /// `HH:MM:SS[.fraction]`, local time (-t: seconds, -tt: microseconds).
    TimeOfDay(Precision),
    /// Seconds since the epoch (-ttt: `.uuuuuu`).
    Epoch(Precision),
}

/// Digits a time shows after the point: strace's precisions s, ms, us, ns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Precision(u8);

impl Precision {
    pub const SECONDS: Precision = Precision(0);
    pub const MICROS: Precision = Precision(6);

    /// strace's names: s, ms, us, ns.
    pub fn parse(s: &str) -> Option<Precision> {
        Some(Precision(match s {
            "s" => 0,
            "ms" => 3,
            "us" => 6,
            "ns" => 9,
            _ => return None,
        }))
    }

    /// `.fff` for the nanoseconds `ns` (below a second); nothing for s.
    fn write_fraction(self, line: &mut String, ns: u64) {
        if self.0 > 0 {
            let scale = 10u64.pow(9 - u32::from(self.0));
            let _ = write!(line, ".{:0width$}", ns / scale, width = usize::from(self.0));
        }
    }
}

/// strace's -c (--summary-only) and -C (--summary).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SummaryMode {
    #[default]
    Off,
    Only,
    Also,
}

/// How each call is written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Format {
    pub style: Style,
    /// -s and -v.
    pub detail: Detail,
    pub json: bool,
    pub timestamps: Timestamps,
    /// -r: time since the previous line's call began.
    pub relative: Option<Precision>,
    /// -T: time spent in the call.
    pub durations: Option<Precision>,
    /// -y: the file behind each descriptor.
    pub fd_paths: bool,
    pub color: bool,
    pub summary: SummaryMode,
}

pub struct Printer {
    out: LineOutput,
    format: Format,
    line: String,
    call: String,
    /// Where each argument lies in `call` (in `entry` for a resumed
    /// call), for JSON.
    spans: ArgSpans,
    entry: String,
    json: json::Writer,
    /// Losses already told in the JSON stream.
    lost: json::Lost,
    clock: Clock,
    last_enter_ns: Option<u64>,
    summary: Summary,
    containers: Containers,
    /// --json: each thread's executable, as the kernel last sent it.
    exes: json::Executables,
    /// -P: the kernel's choice of calls, checked byte for byte.
    trace_paths: TracePaths,
    /// Lines written.
    pub lines: u64,
    /// Records that could not be parsed; each is reported, none is printed.
    pub malformed: u64,
    /// Set once writing failed; nothing more is written.
    pub write_error: Option<io::Error>,
}

impl Printer {
    pub fn new(out: File, format: Format) -> Self {
        Printer {
            out: LineOutput::new(out),
            format,
            line: String::with_capacity(512),
            call: String::with_capacity(512),
            spans: ArgSpans::default(),
            entry: String::new(),
            json: if format.json {
                json::Writer::new()
            } else {
                json::Writer::default()
            },
            lost: json::Lost::default(),
            clock: Clock::now(),
            last_enter_ns: None,
            summary: Summary::default(),
            containers: Containers::default(),
            exes: json::Executables::default(),
            trace_paths: TracePaths::default(),
            lines: 0,
            malformed: 0,
            write_error: None,
        }
    }

    /// Prints only the calls that touch `paths` (-P).
    pub fn selecting(mut self, paths: TracePaths) -> Self {
        self.trace_paths = paths;
        self
    }

    /// Prints one raw record from the ring buffer.
    pub fn record(&mut self, bytes: &[u8]) {
        if self.write_error.is_some() {
            return;
        }
        let event = match Event::parse(bytes) {
            Ok(event) => event,
            Err(_) => {
                self.malformed += 1;
                return;
            }
        };
        if let Some(exe) = &event.exe {
            let header = &event.header;
            self.exes
                .set(header.host_tid, header.tid, json::exe_text(exe));
            self.json.forget_caller();
        }
        let call = event.call_with(self.format.detail);
        if !self.trace_paths.is_empty() && !self.trace_paths.selects(&call) {
            return; // a hash collision in the kernel's filter
        }
        let duration = event.duration_ns();
        if self.format.summary != SummaryMode::Off {
            self.summary
                .add(call.syscall, call.compat, call.errno().is_some(), duration);
            if self.format.summary == SummaryMode::Only {
                return;
            }
        }

        self.call.clear();
        if event.resumed() {
            decode::write_call_resumed(
                &mut self.call,
                &call,
                self.format.style,
                self.format.fd_paths,
            );
        } else {
            decode::write_call_with_spans(
                &mut self.call,
                &call,
                self.format.style,
                self.format.fd_paths,
                &mut self.spans,
            );
        }

        let written = if self.format.json {
            self.write_json(&event, &call, duration)
        } else {
            self.write_text(&event, duration)
        };
        match written {
            Ok(()) => self.lines += 1,
            Err(e) => self.write_error = Some(e),
        }
        if self.out.buf.len() >= BUFFER {
            self.flush();
        }
    }

    fn write_text(&mut self, event: &Event, duration: u64) -> io::Result<()> {
        let line = &mut self.line;
        line.clear();
        write_prefix(line, event);

        let enter = event.header.enter_ns;
        match self.format.timestamps {
            Timestamps::None => {}
            Timestamps::TimeOfDay(precision) => {
                let wall = self.clock.wall_ns(enter);
                write_local_time(line, wall, precision);
                line.push(' ');
            }
            Timestamps::Epoch(precision) => {
                let wall = self.clock.wall_ns(enter);
                let _ = write!(line, "{}", wall / 1_000_000_000);
                precision.write_fraction(line, wall % 1_000_000_000);
                line.push(' ');
            }
        }
        if let Some(precision) = self.format.relative {
            // Lines come in exit order: a call that began before the
            // previous line's call gives a negative interval.
            let delta = i128::from(enter) - i128::from(self.last_enter_ns.unwrap_or(enter));
            let sign = if delta < 0 { "-" } else { "" };
            let delta = delta.unsigned_abs();
            let secs = delta / 1_000_000_000;
            // strace's "%6ld.%06ld ", without formatting into a temporary.
            let width = sign.len() + secs.checked_ilog10().unwrap_or(0) as usize + 1;
            line.extend(std::iter::repeat_n(' ', 6usize.saturating_sub(width)));
            let _ = write!(line, "{sign}{secs}");
            precision.write_fraction(line, (delta % 1_000_000_000) as u64);
            line.push(' ');
            self.last_enter_ns = Some(enter);
        }

        if self.format.color {
            color::write_colored(line, &self.call);
        } else {
            line.push_str(&self.call);
        }
        if let Some(precision) = self.format.durations {
            let _ = write!(line, " <{}", duration / 1_000_000_000);
            precision.write_fraction(line, duration % 1_000_000_000);
            line.push('>');
        }
        line.push('\n');
        self.out.write_all(line.as_bytes())
    }

    /// Writes the record straight into the output buffer.
    fn write_json(&mut self, event: &Event, call: &Call, duration: u64) -> io::Result<()> {
        let args_text = if event.resumed() {
            // The call text holds no arguments: render them apart.
            self.entry.clear();
            decode::write_call_with_spans(
                &mut self.entry,
                call,
                self.format.style,
                self.format.fd_paths,
                &mut self.spans,
            );
            &self.entry
        } else {
            &self.call
        };
        let header = &event.header;
        if !self.json.knows_caller(event) {
            let exe = self.exes.get(header.host_tid);
            let container_id = self.containers.of(header.cgroup_id, header.tid);
            self.json.set_caller(event, container_id, exe);
        }
        let out = &mut self.out.buf;
        self.json.call(
            out,
            &json::Fields {
                event,
                call,
                text: &self.call,
                args_text,
                spans: &self.spans,
                wall_ns: self.clock.wall_ns(header.enter_ns),
                duration_ns: duration,
            },
        );
        out.push(b'\n');
        Ok(())
    }

    /// With --json, a loss record for the calls lost since the last one.
    fn write_losses(&mut self, losses: Losses) {
        if !self.format.json || self.write_error.is_some() {
            return;
        }
        let now = json::Lost {
            ring_full: losses.ring_full,
            in_flight: losses.in_flight,
            malformed: self.malformed,
        };
        if now == self.lost {
            return;
        }
        let new = json::Lost {
            ring_full: now.ring_full.saturating_sub(self.lost.ring_full),
            in_flight: now.in_flight.saturating_sub(self.lost.in_flight),
            malformed: now.malformed.saturating_sub(self.lost.malformed),
        };
        self.lost = now;
        let out = &mut self.out.buf;
        self.json
            .lost(out, self.clock.wall_ns(self.clock.mono_ns()), new);
        out.push(b'\n');
    }

    pub fn flush(&mut self) {
        if self.write_error.is_none() {
            if let Err(e) = self.out.flush() {
                self.write_error = Some(e);
            }
        }
    }

    /// Writes the -c/-C summary, if asked for, and flushes.
    fn write_summary(&mut self) {
        if self.format.summary != SummaryMode::Off && self.write_error.is_none() {
            if let Err(e) = self.summary.write(&mut self.out) {
                self.write_error = Some(e);
            }
        }
        self.flush();
    }
}

impl Sink for Printer {
    fn record(&mut self, bytes: &[u8]) {
        Printer::record(self, bytes);
    }

    fn note(&mut self, note: &Note) {
        if self.write_error.is_some() || self.format.summary == SummaryMode::Only {
            return;
        }
        if self.format.json {
            let now = self.clock.wall_ns(self.clock.mono_ns());
            self.json.note(&mut self.out.buf, now, note);
            self.out.buf.push(b'\n');
            self.lines += 1;
            return;
        }
        let line = &mut self.line;
        line.clear();
        write_ids(line, note.pid, note.tid, &note.comm);
        line.push_str(&note.text);
        line.push('\n');
        match self.out.write_all(line.as_bytes()) {
            Ok(()) => self.lines += 1,
            Err(e) => self.write_error = Some(e),
        }
    }

    fn tick(&mut self, losses: Losses) -> bool {
        self.write_losses(losses);
        if self.format.json {
            self.exes.tick();
        }
        self.flush();
        self.write_error.is_none()
    }

    fn finish(&mut self, losses: Losses) -> crate::error::Result<()> {
        self.write_losses(losses);
        self.write_summary();
        match &self.write_error {
            // The reader went away (a closed pipe), or a second signal
            // stopped a write a stalled reader blocked: stop quietly.
            Some(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(())
            }
            Some(e) => Err(Error::runtime("writing the trace", Error::describe(e))),
            None => Ok(()),
        }
    }

    fn malformed(&self) -> u64 {
        self.malformed
    }
}

/// Where the lines go: they gather in a buffer, whole, and are written out
/// at the end of each drain (or when the buffer is full), never by a
/// `write` of their own, so that only whole lines are ever handed to the
/// kernel. A write that fails part way leaves a regular file cut back to
/// its last whole line; one that a stalled reader blocks gives up at a
/// second stop signal (the handlers do not restart system calls). Nothing
/// is written when it is dropped.
struct LineOutput {
    file: File,
    buf: Vec<u8>,
}

impl LineOutput {
    fn new(file: File) -> Self {
        LineOutput {
            file,
            buf: Vec::with_capacity(BUFFER),
        }
    }

    fn write_out(&mut self) -> io::Result<()> {
        let mut done = 0;
        let result = loop {
            if done == self.buf.len() {
                break Ok(());
            }
            // SAFETY: writing from our own buffer to our own descriptor.
            let n = unsafe {
                libc::write(
                    self.file.as_raw_fd(),
                    self.buf[done..].as_ptr().cast(),
                    self.buf.len() - done,
                )
            };
            if n > 0 {
                done += n as usize;
                continue;
            }
            let err = if n == 0 {
                io::Error::from(io::ErrorKind::WriteZero)
            } else {
                io::Error::last_os_error()
            };
            match err.raw_os_error() {
                Some(libc::EINTR) | Some(libc::EAGAIN) if crate::session::asked_twice() => {
                    break Err(io::Error::new(io::ErrorKind::Interrupted, "stopped"));
                }
                Some(libc::EINTR) => {}
                // Someone made the descriptor non-blocking: wait until it
                // takes more (a signal interrupts the wait, as a write).
                Some(libc::EAGAIN) => wait_writable(&self.file),
                _ => break Err(err),
            }
        };
        if result.is_err() {
            self.cut_partial_line(done);
        }
        self.buf.clear();
        result
    }

    /// After a failed write of `written` bytes of the buffer: a regular
    /// file that got part of a line loses that part.
    fn cut_partial_line(&mut self, written: usize) {
        let whole = self.buf[..written]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        if whole == written || !self.file.metadata().is_ok_and(|m| m.is_file()) {
            return;
        }
        if let Ok(end) = self.file.stream_position() {
            let _ = self.file.set_len(end - (written - whole) as u64);
        }
    }
}

impl Write for LineOutput {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_out()
    }
}

fn wait_writable(file: &File) {
    let mut pollfd = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one pollfd of our own. Its result is seen by the next write.
    unsafe { libc::poll(&mut pollfd, 1, -1) };
}

/// `PID[/TID] COMM `: who made the call, as two space-free fields.
pub fn write_prefix(line: &mut String, event: &Event) {
    write_ids(line, event.header.pid, event.header.tid, event.comm);
}

fn write_ids(line: &mut String, pid: u32, tid: u32, comm: &[u8]) {
    let _ = write!(line, "{pid}");
    if tid != pid {
        let _ = write!(line, "/{tid}");
    }
    line.push(' ');
    write_comm(line, comm);
    line.push(' ');
}

/// A process name as one field: printable ASCII as is, anything else
/// (space, backslash, control and non-ASCII bytes) as a 3-digit octal escape.
pub fn write_comm(line: &mut String, comm: &[u8]) {
    if comm.is_empty() {
        line.push_str("\\000");
    }
    for &b in comm {
        if b.is_ascii_graphic() && b != b'\\' {
            line.push(char::from(b));
        } else {
            let _ = write!(line, "\\{b:03o}");
        }
    }
}

/// Kernel timestamps are CLOCK_MONOTONIC; wall time is that plus the
/// offset between the clocks, taken once at start.
struct Clock {
    offset_ns: i128,
}

fn clock_ns(id: nix::time::ClockId) -> i128 {
    nix::time::clock_gettime(id)
        .map(|t| i128::from(t.tv_sec()) * 1_000_000_000 + i128::from(t.tv_nsec()))
        .unwrap_or(0)
}

impl Clock {
    fn now() -> Self {
        let mono = clock_ns(nix::time::ClockId::CLOCK_MONOTONIC);
        let real = clock_ns(nix::time::ClockId::CLOCK_REALTIME);
        Clock {
            offset_ns: real - mono,
        }
    }

    /// CLOCK_MONOTONIC now, as the kernel stamps records.
    fn mono_ns(&self) -> u64 {
        u64::try_from(clock_ns(nix::time::ClockId::CLOCK_MONOTONIC)).unwrap_or(0)
    }

    fn wall_ns(&self, mono_ns: u64) -> u64 {
        u64::try_from(i128::from(mono_ns) + self.offset_ns).unwrap_or(0)
    }
}

/// `HH:MM:SS[.fraction]` in local time, as strace -t/-tt.
fn write_local_time(line: &mut String, wall_ns: u64, precision: Precision) {
    let secs = (wall_ns / 1_000_000_000) as libc::time_t;
    // SAFETY: localtime_r only writes the tm we own.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = !unsafe { libc::localtime_r(&secs, &mut tm) }.is_null();
    let (h, m, s) = if ok {
        (tm.tm_hour, tm.tm_min, tm.tm_sec)
    } else {
        (0, 0, 0)
    };
    let _ = write!(line, "{h:02}:{m:02}:{s:02}");
    precision.write_fraction(line, wall_ns % 1_000_000_000);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comm(bytes: &[u8]) -> String {
        let mut s = String::new();
        write_comm(&mut s, bytes);
        s
    }

    #[test]
    fn comm_is_one_field() {
        assert_eq!(comm(b"cat"), "cat");
        assert_eq!(comm(b"Web Content"), "Web\\040Content");
        assert_eq!(comm(b"a\\b\n\xff"), "a\\134b\\012\\377");
        assert_eq!(comm(b""), "\\000");
    }

    #[test]
    fn local_time_shape() {
        let mut s = String::new();
        write_local_time(&mut s, 1_795_328_478_123_456_789, Precision::MICROS);
        assert_eq!(s.len(), "HH:MM:SS.uuuuuu".len());
        assert!(s.ends_with(":18.123456"), "{s}");
        for (precision, end) in [("s", ":18"), ("ms", ":18.123"), ("ns", ":18.123456789")] {
            let mut s = String::new();
            write_local_time(
                &mut s,
                1_795_328_478_123_456_789,
                Precision::parse(precision).unwrap(),
            );
            assert!(s.ends_with(end) && s.len() == 5 + end.len(), "{s}");
        }
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::bpf::types::{capture_status, record};
    use crate::record::tests::encode;
    use proptest::prelude::*;

    fn arbitrary_record() -> impl Strategy<Value = Vec<u8>> {
        (
            (0u16..12, any::<[u64; 6]>(), any::<i64>(), any::<u8>()),
            (any::<[u8; 16]>(), any::<(u64, u64)>()),
            proptest::collection::vec(
                (
                    0u8..8,
                    0u32..7,
                    proptest::collection::vec(any::<u8>(), 0..80),
                ),
                0..4,
            ),
        )
            .prop_map(|((call, args, ret, flags), (comm, (enter, exit)), caps)| {
                let header = record {
                    call,
                    args,
                    ret,
                    flags,
                    comm: comm.map(|b| b as i8),
                    enter_ns: enter,
                    exit_ns: exit,
                    ..Default::default()
                };
                let caps: Vec<_> = caps
                    .iter()
                    .map(|(arg, status, data)| (*arg, capture_status(*status), &data[..]))
                    .collect();
                encode(&header, &caps)
            })
    }

    fn printed(format: Format, records: &[Vec<u8>]) -> (String, u64, u64) {
        let path = std::env::temp_dir().join(format!(
            "ftrace-fuzz-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let mut printer = Printer::new(File::create(&path).unwrap(), format);
        for r in records {
            printer.record(r);
        }
        let _ = Sink::finish(&mut printer, Losses::default());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        (text, printer.lines, printer.malformed)
    }

    /// Each JSON record names its own caller, however the callers
    /// alternate, and the executable from the thread's latest record that
    /// carried one.
    #[test]
    fn each_json_record_names_its_own_caller() {
        let exe = crate::bpf::types::limits::ARG_EXE.0 as u8;
        let ok = capture_status::CAPTURE_OK;
        let caller = |tid: u32, comm: &[u8]| {
            let mut header = record {
                call: crate::plan::call_id(crate::decode::Syscall::named("openat")),
                pid: tid,
                tid,
                host_tid: tid,
                ..Default::default()
            };
            for (to, &b) in header.comm.iter_mut().zip(comm) {
                *to = b as i8;
            }
            header
        };
        let (a, b) = (caller(10, b"alpha"), caller(20, b"beta"));
        let records = [
            encode(&a, &[(exe, ok, b"/bin/a")]),
            encode(&b, &[]),
            encode(&a, &[]),
            encode(&a, &[(exe, ok, b"/bin/a2")]),
            encode(&b, &[(exe, ok, b"/bin/b")]),
            encode(&b, &[]),
        ];
        let format = Format {
            json: true,
            ..Format::default()
        };
        let (text, lines, _) = printed(format, &records);
        assert_eq!(lines, 6, "{text}");
        let seen: Vec<(u64, String, serde_json::Value)> = text
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let comm = v["comm"].as_str().unwrap().to_string();
                (v["tid"].as_u64().unwrap(), comm, v["exe"].clone())
            })
            .collect();
        let expect = |tid, comm: &str, exe: Option<&str>| (tid, comm.to_string(), exe.into());
        assert_eq!(
            seen,
            [
                expect(10, "alpha", Some("/bin/a")),
                expect(20, "beta", None),
                expect(10, "alpha", Some("/bin/a")),
                expect(10, "alpha", Some("/bin/a2")),
                expect(20, "beta", Some("/bin/b")),
                expect(20, "beta", Some("/bin/b")),
            ]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        /// Whatever a record holds: one line per parsed record, no raw
        /// control byte, and in JSON mode every line parses.
        #[test]
        fn any_record_is_one_clean_line(records in proptest::collection::vec(arbitrary_record(), 1..8),
                                        json in any::<bool>(), fd_paths in any::<bool>()) {
            let format = Format { json, fd_paths, timestamps: Timestamps::TimeOfDay(Precision::MICROS), durations: (!json).then_some(Precision::MICROS), ..Format::default() };
            let (text, lines, malformed) = printed(format, &records);
            prop_assert_eq!(lines + malformed, records.len() as u64);
            // In JSON, malformed records are told by one loss record at the end.
            let told = u64::from(json && malformed > 0);
            prop_assert_eq!(text.lines().count() as u64, lines + told);
            prop_assert!(!text.bytes().any(|b| b < 0x20 && b != b'\n'), "control byte in {:?}", text);
            if json {
                for line in text.lines() {
                    prop_assert!(serde_json::from_str::<serde_json::Value>(line).is_ok(), "bad JSON {}", line);
                }
                if told > 0 {
                    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
                    prop_assert_eq!(&last["type"], "lost");
                    prop_assert_eq!(&last["malformed"], malformed);
                }
            }
        }

        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Event::parse(&bytes);
        }
    }
}

//! --json: one JSON object per call (JSON Lines), and one per loss. The
//! fields are described once, in [`schema`]; the writer follows its order.
//!
//! Records are written straight into the printer's line buffer by the small
//! writer below: no per-record allocation, each argument's `decoded` text
//! taken from the call text already rendered, and strings escaped by one
//! scan that copies runs of plain bytes whole.
//!
//! Paths are bytes, not text: a path that is valid UTF-8 is given as
//! `"str"`, any other as `"hex"` (its bytes in hexadecimal), so every path
//! round-trips exactly while the common case stays readable.

pub mod schema;

use std::fmt::Write as _;

use crate::decode::{errno_message, errno_name, ArgKind, ArgSpans, Call, Memory, Raw};
use crate::inprogress::Note;
use crate::record::Event;

/// What one call's line is made of.
pub struct Fields<'a> {
    pub event: &'a Event<'a>,
    pub call: &'a Call<'a>,
    /// The call as the text output prints it.
    pub text: &'a str,
    /// The text `spans` point into: `text`, or for a resumed call (whose
    /// text holds no arguments) the call rendered whole.
    pub args_text: &'a str,
    /// Where each printed argument lies in `args_text`.
    pub spans: &'a ArgSpans,
    pub wall_ns: u64,
    pub duration_ns: u64,
    /// The container id the caller's cgroup path shows.
    pub container_id: Option<&'a str>,
    /// The caller's executable, as its latest record from the kernel named it.
    pub exe: Option<&'a str>,
}

/// Calls lost since the previous loss record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lost {
    pub ring_full: u64,
    pub in_flight: u64,
    pub malformed: u64,
}

/// Writes records. What is the same in every record is rendered once: the
/// host, and the date of the last second seen, so that `time` costs a
/// copy, not a calendar computation, per record.
#[derive(Default)]
pub struct Writer {
    /// `,"host":"NAME"`.
    host: String,
    /// `(seconds since the epoch, "YYYY-MM-DDTHH:MM:SS.")` of the last record.
    second: Option<(u64, String)>,
}

impl Writer {
    pub fn new() -> Self {
        let name = nix::unistd::gethostname().unwrap_or_default();
        let mut host = String::from(",\"host\":");
        write_lossy(&mut host, name.as_encoded_bytes());
        Writer { host, second: None }
    }

    /// `{"schema":N,"type":"TYPE","time":...,"time_ns":N`: how every record begins.
    fn begin(&mut self, out: &mut String, kind: &str, wall_ns: u64) {
        out.push_str("{\"schema\":");
        write_u64(out, schema::VERSION);
        out.push_str(",\"type\":\"");
        out.push_str(kind);
        out.push_str("\",\"time\":\"");
        self.write_time(out, wall_ns);
        out.push_str("\",\"time_ns\":");
        write_u64(out, wall_ns);
    }

    /// Appends a loss record, without the newline.
    pub fn lost(&mut self, out: &mut String, wall_ns: u64, lost: Lost) {
        self.begin(out, "lost", wall_ns);
        out.push_str(&self.host);
        out.push_str(",\"calls\":");
        write_u64(out, lost.ring_full + lost.in_flight + lost.malformed);
        out.push_str(",\"ring_full\":");
        write_u64(out, lost.ring_full);
        out.push_str(",\"in_flight\":");
        write_u64(out, lost.in_flight);
        out.push_str(",\"malformed\":");
        write_u64(out, lost.malformed);
        out.push('}');
    }

    /// Appends one call as a JSON object, without the newline.
    pub fn call(&mut self, out: &mut String, f: &Fields) {
        let header = &f.event.header;
        let call = f.call;
        self.begin(out, "call", f.wall_ns);
        out.push_str(",\"mono_ns\":");
        write_u64(out, header.enter_ns);
        out.push_str(",\"duration_ns\":");
        write_u64(out, f.duration_ns);
        out.push_str(&self.host);
        out.push_str(",\"pid\":");
        write_u64(out, header.pid.into());
        out.push_str(",\"tid\":");
        write_u64(out, header.tid.into());
        out.push_str(",\"ppid\":");
        write_u64(out, header.ppid.into());
        out.push_str(",\"host_pid\":");
        write_u64(out, header.host_pid.into());
        out.push_str(",\"host_tid\":");
        write_u64(out, header.host_tid.into());
        out.push_str(",\"host_ppid\":");
        write_u64(out, header.host_ppid.into());
        out.push_str(",\"uid\":");
        write_u64(out, header.uid.into());
        out.push_str(",\"cgroup_id\":");
        write_u64(out, header.cgroup_id);
        out.push_str(",\"container_id\":");
        write_opt_str(out, f.container_id);
        out.push_str(",\"pid_ns\":");
        write_u64(out, header.pid_ns.into());
        out.push_str(",\"mnt_ns\":");
        write_u64(out, header.mnt_ns.into());
        out.push_str(",\"exe\":");
        write_opt_str(out, f.exe);
        out.push_str(",\"comm\":");
        write_lossy(out, f.event.comm);
        out.push_str(",\"syscall\":");
        write_str(out, call.syscall.name());
        out.push_str(if call.compat {
            ",\"compat\":true,\"path\":"
        } else {
            ",\"compat\":false,\"path\":"
        });
        write_first_path(out, call);
        out.push_str(",\"args\":[");
        for (i, (param, span)) in call.params().zip(f.spans).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"name\":");
            write_str(out, param.name);
            out.push_str(",\"raw\":");
            match call.raw(param) {
                Raw::Signed(v) => write_i64(out, v),
                Raw::Unsigned(v) => write_u64(out, v),
            }
            out.push_str(",\"decoded\":");
            write_str(out, f.args_text.get(span.clone()).unwrap_or_default());
            match param.kind() {
                ArgKind::Path if call.raw(param) != Raw::Unsigned(0) => {
                    write_path(out, call.memory(param));
                }
                ArgKind::Fd | ArgKind::Dirfd => write_fd_path(out, "", call.memory(param)),
                _ => {}
            }
            out.push('}');
        }
        out.push_str("],\"ret\":");
        match call.errno() {
            Some(errno) => {
                out.push_str("-1,\"errno\":");
                write_opt_str(out, errno_name(errno));
                out.push_str(",\"errno_num\":");
                write_u64(out, errno.into());
                out.push_str(",\"error\":");
                write_opt_str(out, errno_message(errno));
            }
            None => {
                write_i64(out, call.result());
                if call.returned_fd().is_some() {
                    write_fd_path(out, "ret_", call.returned_fd_path());
                }
                out.push_str(",\"errno\":null,\"errno_num\":null,\"error\":null");
            }
        }
        out.push_str(",\"call\":");
        write_str(out, f.text);
        out.push('}');
    }

    /// Appends a call in progress (at attach or at detach), without the
    /// newline.
    pub fn note(&mut self, out: &mut String, wall_ns: u64, note: &Note) {
        self.begin(out, "in_progress", wall_ns);
        out.push_str(&self.host);
        out.push_str(",\"pid\":");
        write_u64(out, note.pid.into());
        out.push_str(",\"tid\":");
        write_u64(out, note.tid.into());
        out.push_str(",\"comm\":");
        write_lossy(out, &note.comm);
        out.push_str(",\"syscall\":");
        write_str(out, note.syscall.name());
        out.push_str(",\"state\":");
        write_str(out, note.state.name());
        out.push_str(",\"call\":");
        write_str(out, &note.text);
        out.push('}');
    }

    /// RFC 3339 UTC with nanoseconds.
    fn write_time(&mut self, out: &mut String, wall_ns: u64) {
        let secs = wall_ns / 1_000_000_000;
        let prefix = match &mut self.second {
            Some((s, prefix)) if *s == secs => prefix,
            slot => {
                let mut prefix = String::with_capacity(24);
                write_date_time(&mut prefix, secs);
                &mut slot.insert((secs, prefix)).1
            }
        };
        out.push_str(prefix);
        write_fixed(out, wall_ns % 1_000_000_000, 9);
        out.push('Z');
    }
}

/// With -y, what the kernel named the file behind a descriptor, as the
/// fields `{prefix}path` (or `{prefix}path_hex` when not UTF-8),
/// `{prefix}path_truncated` when only its end could be read,
/// `{prefix}path_deleted` when the file is deleted (the path is the one it
/// had), `{prefix}path_unknown` when the kernel names it in a way not
/// spelled out; none when no file was open there.
fn write_fd_path(out: &mut String, prefix: &str, memory: &Memory) {
    let field = |out: &mut String, name: &str| {
        out.push_str(",\"");
        out.push_str(prefix);
        out.push_str(name);
        out.push_str("\":");
    };
    match *memory {
        Memory::Null => {}
        Memory::Unreadable => {
            field(out, "path_unknown");
            out.push_str("true");
        }
        Memory::Bytes { data, complete }
        | Memory::Changed { data, complete }
        | Memory::Deleted { data, complete } => {
            match std::str::from_utf8(data) {
                Ok(s) => {
                    field(out, "path");
                    write_str(out, s);
                }
                Err(_) => {
                    field(out, "path_hex");
                    out.push('"');
                    write_hex(out, data);
                    out.push('"');
                }
            }
            if !complete {
                field(out, "path_truncated");
                out.push_str("true");
            }
            if matches!(memory, Memory::Deleted { .. }) {
                field(out, "path_deleted");
                out.push_str("true");
            }
        }
    }
}

/// What `exe` says of the executable's path the kernel sent: as readlink
/// of /proc/PID/exe reads, lossy; `None` when it has none or is unknown.
pub fn exe_text(memory: &Memory) -> Option<String> {
    match *memory {
        Memory::Null | Memory::Unreadable => None,
        Memory::Bytes { data, complete }
        | Memory::Changed { data, complete }
        | Memory::Deleted { data, complete } => {
            let mut text = String::new();
            if !complete {
                text.push_str(crate::decode::call::FD_PATH_CUT);
            }
            text.push_str(&String::from_utf8_lossy(data));
            if matches!(memory, Memory::Deleted { .. }) {
                text.push_str(" (deleted)");
            }
            Some(text)
        }
    }
}

/// The first path argument's string, lossy; null when there is none.
fn write_first_path(out: &mut String, call: &Call) {
    let path = call
        .params()
        .find(|p| p.kind() == ArgKind::Path)
        .filter(|p| call.raw(p) != Raw::Unsigned(0))
        .and_then(|p| call.memory(p).data());
    match path {
        Some(bytes) => write_lossy(out, bytes),
        None => out.push_str("null"),
    }
}

/// The path fields of a path argument.
fn write_path(out: &mut String, memory: &Memory) {
    match *memory {
        Memory::Bytes { data, complete }
        | Memory::Changed { data, complete }
        | Memory::Deleted { data, complete } => {
            match std::str::from_utf8(data) {
                Ok(s) => {
                    out.push_str(",\"str\":");
                    write_str(out, s);
                }
                Err(_) => {
                    out.push_str(",\"hex\":\"");
                    write_hex(out, data);
                    out.push('"');
                }
            }
            if !complete {
                out.push_str(",\"truncated\":true");
            }
            if matches!(memory, Memory::Changed { .. }) {
                out.push_str(",\"changed\":true");
            }
        }
        Memory::Null | Memory::Unreadable => out.push_str(",\"unreadable\":true"),
    }
}

/// Bytes that make [`write_str`] look closer: the ones JSON requires escaped
/// (`"`, `\`, U+0000..U+001F), DEL, and the first bytes of the UTF-8 forms
/// of the C1 controls (0xC2) and of the bidirectional controls (0xE2).
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xe2] = true;
    table
};

/// A character escaped as `\uXXXX` beyond what JSON requires: DEL, the C1
/// controls and the bidirectional overrides and isolates, which a terminal
/// showing the file would act on.
fn escaped_for_terminals(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Appends `s` as a JSON string: `"`, `\` and the controls escaped as
/// serde_json escapes them (`\n`, `\t`, ... or `\u00XX`), and DEL, C1 and
/// bidirectional controls as `\uXXXX` too.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !SPECIAL[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        // `i` is at an ASCII byte or a lead byte: a character boundary.
        let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            _ if c < ' ' || escaped_for_terminals(c) => "",
            _ => {
                i += c.len_utf8();
                continue;
            }
        };
        out.push_str(s.get(plain..i).unwrap_or_default());
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        i += c.len_utf8();
        plain = i;
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

fn write_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.push_str("null"),
    }
}

/// Bytes that are usually text, as a string: lossy when not UTF-8 (comm,
/// whose bytes the README says may be replaced).
fn write_lossy(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => write_str(out, s),
        Err(_) => write_str(out, &String::from_utf8_lossy(bytes)),
    }
}

fn write_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
}

pub fn write_u64(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}

pub fn write_i64(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// `n` in decimal, zero-padded to `width` digits.
fn write_fixed(out: &mut String, n: u64, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits.len())));
    out.push_str(digits);
}

/// `YYYY-MM-DDTHH:MM:SS.` for seconds since the epoch, UTC.
fn write_date_time(out: &mut String, secs: u64) {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    );
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{self, write_call_with_spans, Style};

    fn time(writer: &mut Writer, ns: u64) -> String {
        let mut s = String::new();
        writer.write_time(&mut s, ns);
        s
    }

    #[test]
    fn rfc3339() {
        let mut w = Writer::default();
        assert_eq!(time(&mut w, 0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            time(&mut w, 1_795_328_478_123_456_789),
            "2026-11-22T06:21:18.123456789Z"
        );
        // The same second, from the cache; then the next one.
        assert_eq!(
            time(&mut w, 1_795_328_478_000_000_042),
            "2026-11-22T06:21:18.000000042Z"
        );
        assert_eq!(
            time(&mut w, 1_795_328_479_000_000_000),
            "2026-11-22T06:21:19.000000000Z"
        );
        assert_eq!(
            time(&mut w, 951_782_400_000_000_001),
            "2000-02-29T00:00:00.000000001Z"
        );
    }

    fn json_str(s: &str) -> String {
        let mut out = String::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        for s in [
            "plain",
            "",
            "quote \" backslash \\ slash /",
            "\n\r\t\u{8}\u{c}\u{0}\u{1}\u{1f} end",
            "é ü 日本 🦀 \u{a0} \u{2028} \u{2065}",
        ] {
            assert_eq!(json_str(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(json_str("a\u{7f}b"), r#""a\u007fb""#);
        assert_eq!(
            json_str("\u{80}\u{9b}[31m\u{9f}"),
            r#""\u0080\u009b[31m\u009f""#
        );
        assert_eq!(
            json_str("x\u{202a}\u{202e}\u{2066}\u{2069}y"),
            r#""x\u202a\u202e\u2066\u2069y""#
        );
        // Neighbours of those ranges stay as they are.
        assert_eq!(
            json_str("\u{a0}\u{2029}\u{202f}\u{206a}"),
            "\"\u{a0}\u{2029}\u{202f}\u{206a}\""
        );
        let parsed: String = serde_json::from_str(&json_str("\u{9b}\u{202e}")).unwrap();
        assert_eq!(parsed, "\u{9b}\u{202e}");
    }

    #[test]
    fn paths_round_trip() {
        let call = decode::testing::call(
            decode::testing::SYMLINK,
            &[0x1000, 0x2000],
            [
                Memory::Bytes {
                    data: b"ok\n\"",
                    complete: true,
                },
                Memory::Bytes {
                    data: b"bad\xff",
                    complete: false,
                },
            ],
            0,
        );
        let mut text = String::new();
        let mut spans = ArgSpans::default();
        write_call_with_spans(&mut text, &call, Style::Abbrev, false, &mut spans);
        let header = crate::bpf::types::record {
            call: crate::plan::call_id(decode::testing::SYMLINK),
            ..Default::default()
        };
        let bytes = crate::record::tests::encode(&header, &[]);
        let event = Event::parse(&bytes).unwrap();
        let mut line = String::new();
        Writer::default().call(
            &mut line,
            &Fields {
                event: &event,
                call: &call,
                text: &text,
                args_text: &text,
                spans: &spans,
                wall_ns: 0,
                duration_ns: 0,
                container_id: None,
                exe: None,
            },
        );
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        let args = &value["args"];
        assert_eq!(args[0]["str"], "ok\n\"");
        assert_eq!(args[0]["decoded"], "\"ok\\n\\\"\"");
        assert_eq!(args[1]["hex"], "626164ff");
        assert_eq!(args[1]["truncated"], true);
        assert_eq!(args[1]["raw"], 0x2000);
        assert_eq!(value["call"], text.as_str());
    }
}

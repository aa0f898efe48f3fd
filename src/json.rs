//! --json: one JSON object per call (JSON Lines), and one per loss. The
//! fields are described once, in [`schema`]; the writer follows its order.
//!
//! Records are written straight into the output buffer by the small writer
//! below: no per-record allocation, each argument's `decoded` text taken
//! from the call text already rendered, what stays the same from one call
//! of a thread to the next (host, ids, namespaces, exe, comm) rendered once
//! and copied, and strings escaped by a scan that passes over plain bytes
//! eight at a time.
//!
//! Paths are bytes, not text: a path that is valid UTF-8 is given as
//! `"str"`, any other as `"hex"` (its bytes in hexadecimal), so every path
//! round-trips exactly while the common case stays readable.

pub mod schema;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;

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
}

/// What names the caller in a record, from `host` to `comm`: the same in
/// every call of a thread until it changes its name, ids or executable.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Who {
    ids: [u32; 9],
    cgroup_id: u64,
    comm: [u8; 16],
}

impl Who {
    fn of(event: &Event) -> Self {
        let h = &event.header;
        let mut comm = [0; 16];
        let n = event.comm.len().min(16);
        comm[..n].copy_from_slice(&event.comm[..n]);
        Who {
            ids: [
                h.pid,
                h.tid,
                h.ppid,
                h.host_pid,
                h.host_tid,
                h.host_ppid,
                h.uid,
                h.pid_ns,
                h.mnt_ns,
            ],
            cgroup_id: h.cgroup_id,
            comm,
        }
    }
}

/// Calls lost since the previous loss record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lost {
    pub ring_full: u64,
    pub in_flight: u64,
    pub malformed: u64,
}

/// Writes records. What is the same from one record to the next is
/// rendered once: the host, the caller of the last call, and the date of
/// the last second seen, so that `time` costs a copy, not a calendar
/// computation, per record.
#[derive(Default)]
pub struct Writer {
    /// `,"host":"NAME"`.
    host: Vec<u8>,
    /// The caller of the last call, and its fields from `host` to `comm`.
    who: Option<Who>,
    who_json: Vec<u8>,
    /// `(seconds since the epoch, "YYYY-MM-DDTHH:MM:SS.")` of the last record.
    second: Option<(u64, Vec<u8>)>,
}

impl Writer {
    pub fn new() -> Self {
        let name = nix::unistd::gethostname().unwrap_or_default();
        let mut host = b",\"host\":".to_vec();
        write_lossy(&mut host, name.as_encoded_bytes());
        Writer {
            host,
            ..Writer::default()
        }
    }

    /// Whether `event` comes from the caller of the last call, as it was then.
    pub fn knows_caller(&self, event: &Event) -> bool {
        self.who == Some(Who::of(event))
    }

    /// Renders the caller's fields for this call and those that follow from
    /// it: its container, and its executable as the kernel last sent it.
    pub fn set_caller(&mut self, event: &Event, container_id: Option<&str>, exe: Option<&str>) {
        let h = &event.header;
        let out = &mut self.who_json;
        out.clear();
        out.extend_from_slice(&self.host);
        for (name, id) in [
            (",\"pid\":", h.pid),
            (",\"tid\":", h.tid),
            (",\"ppid\":", h.ppid),
            (",\"host_pid\":", h.host_pid),
            (",\"host_tid\":", h.host_tid),
            (",\"host_ppid\":", h.host_ppid),
            (",\"uid\":", h.uid),
        ] {
            push(out, name);
            write_u64(out, id.into());
        }
        push(out, ",\"cgroup_id\":");
        write_u64(out, h.cgroup_id);
        push(out, ",\"container_id\":");
        write_opt_str(out, container_id);
        push(out, ",\"pid_ns\":");
        write_u64(out, h.pid_ns.into());
        push(out, ",\"mnt_ns\":");
        write_u64(out, h.mnt_ns.into());
        push(out, ",\"exe\":");
        write_opt_str(out, exe);
        push(out, ",\"comm\":");
        write_lossy(out, event.comm);
        self.who = Some(Who::of(event));
    }

    /// Forgets the caller's fields: an executable changed.
    pub fn forget_caller(&mut self) {
        self.who = None;
    }

    /// `{"schema":N,"type":"TYPE","time":...,"time_ns":N`: how every record begins.
    fn begin(&mut self, out: &mut Vec<u8>, kind: &str, wall_ns: u64) {
        push(out, "{\"schema\":");
        write_u64(out, schema::VERSION);
        push(out, ",\"type\":\"");
        push(out, kind);
        push(out, "\",\"time\":\"");
        self.write_time(out, wall_ns);
        push(out, "\",\"time_ns\":");
        write_u64(out, wall_ns);
    }

    /// Appends a loss record, without the newline.
    pub fn lost(&mut self, out: &mut Vec<u8>, wall_ns: u64, lost: Lost) {
        self.begin(out, "lost", wall_ns);
        out.extend_from_slice(&self.host);
        push(out, ",\"calls\":");
        write_u64(out, lost.ring_full + lost.in_flight + lost.malformed);
        push(out, ",\"ring_full\":");
        write_u64(out, lost.ring_full);
        push(out, ",\"in_flight\":");
        write_u64(out, lost.in_flight);
        push(out, ",\"malformed\":");
        write_u64(out, lost.malformed);
        out.push(b'}');
    }

    /// Appends one call as a JSON object, without the newline.
    pub fn call(&mut self, out: &mut Vec<u8>, f: &Fields) {
        let header = &f.event.header;
        let call = f.call;
        self.begin(out, "call", f.wall_ns);
        push(out, ",\"mono_ns\":");
        write_u64(out, header.enter_ns);
        push(out, ",\"duration_ns\":");
        write_u64(out, f.duration_ns);
        debug_assert!(self.knows_caller(f.event), "set_caller first");
        out.extend_from_slice(&self.who_json);
        push(out, ",\"syscall\":");
        write_str(out, call.syscall.name());
        push(
            out,
            if call.compat {
                ",\"compat\":true,\"path\":"
            } else {
                ",\"compat\":false,\"path\":"
            },
        );
        write_first_path(out, call);
        push(out, ",\"args\":[");
        for (i, (param, span)) in call.params().zip(f.spans).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push(out, "{\"name\":");
            write_str(out, param.name);
            push(out, ",\"raw\":");
            match call.raw(param) {
                Raw::Signed(v) => write_i64(out, v),
                Raw::Unsigned(v) => write_u64(out, v),
            }
            push(out, ",\"decoded\":");
            write_str(out, f.args_text.get(span.clone()).unwrap_or_default());
            match param.kind() {
                ArgKind::Path if call.raw(param) != Raw::Unsigned(0) => {
                    write_path(out, call.memory(param));
                }
                ArgKind::Fd | ArgKind::Dirfd => write_fd_path(out, "", call.memory(param)),
                _ => {}
            }
            out.push(b'}');
        }
        push(out, "],\"ret\":");
        match call.errno() {
            Some(errno) => {
                push(out, "-1,\"errno\":");
                write_opt_str(out, errno_name(errno));
                push(out, ",\"errno_num\":");
                write_u64(out, errno.into());
                push(out, ",\"error\":");
                write_opt_str(out, errno_message(errno));
            }
            None => {
                write_i64(out, call.result());
                if call.returned_fd().is_some() {
                    write_fd_path(out, "ret_", call.returned_fd_path());
                }
                push(out, ",\"errno\":null,\"errno_num\":null,\"error\":null");
            }
        }
        push(out, ",\"call\":");
        write_str(out, f.text);
        out.push(b'}');
    }

    /// Appends a call in progress (at attach or at detach), without the
    /// newline.
    pub fn note(&mut self, out: &mut Vec<u8>, wall_ns: u64, note: &Note) {
        self.begin(out, "in_progress", wall_ns);
        out.extend_from_slice(&self.host);
        push(out, ",\"pid\":");
        write_u64(out, note.pid.into());
        push(out, ",\"tid\":");
        write_u64(out, note.tid.into());
        push(out, ",\"comm\":");
        write_lossy(out, &note.comm);
        push(out, ",\"syscall\":");
        write_str(out, note.syscall.name());
        push(out, ",\"state\":");
        write_str(out, note.state.name());
        push(out, ",\"call\":");
        write_str(out, &note.text);
        out.push(b'}');
    }

    /// RFC 3339 UTC with nanoseconds.
    fn write_time(&mut self, out: &mut Vec<u8>, wall_ns: u64) {
        let secs = wall_ns / 1_000_000_000;
        let prefix = match &mut self.second {
            Some((s, prefix)) if *s == secs => prefix,
            slot => {
                let mut prefix = Vec::with_capacity(24);
                write_date_time(&mut prefix, secs);
                &mut slot.insert((secs, prefix)).1
            }
        };
        out.extend_from_slice(prefix);
        write_fixed(out, wall_ns % 1_000_000_000, 9);
        out.push(b'Z');
    }
}

/// With -y, what the kernel named the file behind a descriptor, as the
/// fields `{prefix}path` (or `{prefix}path_hex` when not UTF-8),
/// `{prefix}path_truncated` when only its end could be read,
/// `{prefix}path_deleted` when the file is deleted (the path is the one it
/// had), `{prefix}path_unknown` when the kernel names it in a way not
/// spelled out; none when no file was open there.
fn write_fd_path(out: &mut Vec<u8>, prefix: &str, memory: &Memory) {
    let field = |out: &mut Vec<u8>, name: &str| {
        push(out, ",\"");
        push(out, prefix);
        push(out, name);
        push(out, "\":");
    };
    match *memory {
        Memory::Null => {}
        Memory::Unreadable => {
            field(out, "path_unknown");
            push(out, "true");
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
                    out.push(b'"');
                    write_hex(out, data);
                    out.push(b'"');
                }
            }
            if !complete {
                field(out, "path_truncated");
                push(out, "true");
            }
            if matches!(memory, Memory::Deleted { .. }) {
                field(out, "path_deleted");
                push(out, "true");
            }
        }
    }
}

/// Each thread's executable, as the kernel last sent it, by host tid. The
/// kernel sends a thread's with its first record and after an exec, so an
/// entry may go only once its thread is gone and every record it made has
/// been read: an entry whose thread /proc no longer shows is marked at one
/// tick and dropped at the next (a drain of the ring buffer comes between),
/// unless a new thread with the same tid sent its own meanwhile.
pub struct Executables {
    known: HashMap<u32, Known>,
    /// Entries marked at the last tick, with the stamp they had then.
    gone: Vec<(u32, u64)>,
    stamp: u64,
    /// Past this many entries, a tick looks for threads that are gone.
    limit: usize,
}

struct Known {
    exe: Option<String>,
    /// The thread as /proc numbers it; 0 when ftrace-cli cannot see it.
    tid: u32,
    stamp: u64,
}

impl Default for Executables {
    fn default() -> Self {
        Executables {
            known: HashMap::new(),
            gone: Vec::new(),
            stamp: 0,
            limit: 4096,
        }
    }
}

impl Executables {
    pub fn set(&mut self, host_tid: u32, tid: u32, exe: Option<String>) {
        self.stamp += 1;
        let stamp = self.stamp;
        self.known.insert(host_tid, Known { exe, tid, stamp });
    }

    pub fn get(&self, host_tid: u32) -> Option<&str> {
        self.known.get(&host_tid)?.exe.as_deref()
    }

    /// After each drain of the ring buffer: drops the entries marked at the
    /// last tick, and marks those of threads gone once there are many.
    pub fn tick(&mut self) {
        for (host_tid, stamp) in self.gone.drain(..) {
            if self.known.get(&host_tid).is_some_and(|k| k.stamp == stamp) {
                self.known.remove(&host_tid);
            }
        }
        if self.known.len() <= self.limit {
            return;
        }
        self.gone = self
            .known
            .iter()
            .filter(|(_, k)| k.tid != 0 && !Path::new(&format!("/proc/{}", k.tid)).exists())
            .map(|(&host_tid, k)| (host_tid, k.stamp))
            .collect();
        // Looked at again once the live ones have doubled.
        self.limit = self.limit.max(2 * (self.known.len() - self.gone.len()));
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
fn write_first_path(out: &mut Vec<u8>, call: &Call) {
    let path = call
        .params()
        .find(|p| p.kind() == ArgKind::Path)
        .filter(|p| call.raw(p) != Raw::Unsigned(0))
        .and_then(|p| call.memory(p).data());
    match path {
        Some(bytes) => write_lossy(out, bytes),
        None => push(out, "null"),
    }
}

/// The path fields of a path argument.
fn write_path(out: &mut Vec<u8>, memory: &Memory) {
    match *memory {
        Memory::Bytes { data, complete }
        | Memory::Changed { data, complete }
        | Memory::Deleted { data, complete } => {
            match std::str::from_utf8(data) {
                Ok(s) => {
                    push(out, ",\"str\":");
                    write_str(out, s);
                }
                Err(_) => {
                    push(out, ",\"hex\":\"");
                    write_hex(out, data);
                    out.push(b'"');
                }
            }
            if !complete {
                push(out, ",\"truncated\":true");
            }
            if matches!(memory, Memory::Changed { .. }) {
                push(out, ",\"changed\":true");
            }
        }
        Memory::Null | Memory::Unreadable => push(out, ",\"unreadable\":true"),
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

/// Whether any of the 8 bytes of `w` may be special: below 0x20, `"`,
/// `\\`, or 0x7F and above. It may say yes for a plain byte that follows
/// a special one (the borrow of the subtractions), never no for a
/// special one.
fn maybe_special(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_in = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let quote = zero_in(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(w ^ (ONES * u64::from(b'\\')));
    let del_or_above = w | w.wrapping_add(ONES);
    (control | quote | backslash | del_or_above) & HIGH != 0
}

/// Appends `s` as a JSON string: `"`, `\` and the controls escaped as
/// serde_json escapes them (`\n`, `\t`, ... or `\u00XX`), and DEL, C1 and
/// bidirectional controls as `\uXXXX` too.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight plain bytes at a time: most strings have no special byte.
        if let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            if !maybe_special(word) {
                i += 8;
                continue;
            }
        }
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
        out.extend_from_slice(&bytes[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            push(out, escape);
        }
        i += c.len_utf8();
        plain = i;
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

fn push(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

fn write_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => push(out, "null"),
    }
}

/// Bytes that are usually text, as a string: lossy when not UTF-8 (comm,
/// whose bytes the README says may be replaced).
fn write_lossy(out: &mut Vec<u8>, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => write_str(out, s),
        Err(_) => write_str(out, &String::from_utf8_lossy(bytes)),
    }
}

fn write_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)]);
        out.push(DIGITS[usize::from(b & 0xf)]);
    }
}

pub fn write_u64(out: &mut Vec<u8>, n: u64) {
    push(out, itoa::Buffer::new().format(n));
}

pub fn write_i64(out: &mut Vec<u8>, n: i64) {
    push(out, itoa::Buffer::new().format(n));
}

/// `n` in decimal, zero-padded to `width` digits.
fn write_fixed(out: &mut Vec<u8>, n: u64, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n);
    out.extend(std::iter::repeat_n(
        b'0',
        width.saturating_sub(digits.len()),
    ));
    push(out, digits);
}

/// `YYYY-MM-DDTHH:MM:SS.` for seconds since the epoch, UTC.
fn write_date_time(out: &mut Vec<u8>, secs: u64) {
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
        let mut s = Vec::new();
        writer.write_time(&mut s, ns);
        String::from_utf8(s).unwrap()
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
        let mut out = Vec::new();
        write_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    /// serde_json's text for `s`, with the characters a terminal acts on
    /// as \u escapes.
    fn serde_json_terminal_safe(s: &str) -> String {
        let mut expected = String::new();
        for c in serde_json::to_string(s).unwrap().chars() {
            if escaped_for_terminals(c) {
                expected.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                expected.push(c);
            }
        }
        expected
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time scan misses nothing, wherever the
        /// special characters fall.
        #[test]
        fn any_string_escapes_as_serde_json_does(
            s in "([a-z/. ]{0,9}[\"\\\\\u{0}-\u{1f}\u{7f}-\u{a0}é日🦀\u{2028}-\u{206a}]?){0,12}"
        ) {
            proptest::prop_assert_eq!(json_str(&s), serde_json_terminal_safe(&s));
        }
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

    /// A gone thread's executable is forgotten two ticks after many are
    /// known; a live thread's, and one sent again in between, are kept.
    #[test]
    fn executables_of_gone_threads_are_forgotten() {
        let mut exes = Executables {
            limit: 3,
            ..Executables::default()
        };
        // tids no thread has (above the kernel's limit), and this one.
        let (gone, again, me) = (4_194_400, 4_194_401, std::process::id());
        exes.set(1, gone, Some("/bin/gone".into()));
        exes.set(2, again, Some("/bin/old".into()));
        exes.set(3, me, Some("/bin/me".into()));
        exes.set(4, 0, Some("/bin/unseen".into()));
        exes.tick();
        assert_eq!(exes.get(1), Some("/bin/gone"), "only marked");
        exes.set(2, again, Some("/bin/new".into()));
        exes.tick();
        assert_eq!(exes.get(1), None);
        assert_eq!(exes.get(2), Some("/bin/new"));
        assert_eq!(exes.get(3), Some("/bin/me"));
        assert_eq!(exes.get(4), Some("/bin/unseen"));
        assert_eq!(exes.known.len(), 3);
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
        let mut line = Vec::new();
        let mut writer = Writer::default();
        writer.set_caller(&event, None, None);
        writer.call(
            &mut line,
            &Fields {
                event: &event,
                call: &call,
                text: &text,
                args_text: &text,
                spans: &spans,
                wall_ns: 0,
                duration_ns: 0,
            },
        );
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        let args = &value["args"];
        assert_eq!(args[0]["str"], "ok\n\"");
        assert_eq!(args[0]["decoded"], "\"ok\\n\\\"\"");
        assert_eq!(args[1]["hex"], "626164ff");
        assert_eq!(args[1]["truncated"], true);
        assert_eq!(args[1]["raw"], 0x2000);
        assert_eq!(value["call"], text.as_str());
    }
}

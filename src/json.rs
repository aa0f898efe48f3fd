//! --json: one JSON object per call (JSON Lines). The fields are documented
//! in the README and the man page; keep the three in step.
//!
//! Paths are bytes, not text: a path that is valid UTF-8 is given as
//! `"str"`, any other as `"hex"` (its bytes in hexadecimal), so every path
//! round-trips exactly while the common case stays readable.

use std::cell::RefCell;
use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::decode::{self, errno_message, errno_name, ArgKind, Call, Memory, Param, Raw, Style};

/// One call, ready to serialize.
#[derive(Serialize)]
pub struct JsonCall<'a> {
    pub time: Rfc3339,
    pub time_ns: u64,
    pub mono_ns: u64,
    pub duration_ns: u64,
    pub pid: u32,
    pub tid: u32,
    pub ppid: u32,
    /// The kernel's ids: the same as pid, tid and ppid on the host.
    pub host_pid: u32,
    pub host_tid: u32,
    pub host_ppid: u32,
    pub uid: u32,
    /// The caller's cgroup v2 id, and the container id its path shows.
    pub cgroup_id: u64,
    pub container_id: Option<&'a str>,
    pub comm: Bytes<'a>,
    pub syscall: &'static str,
    pub compat: bool,
    pub args: Args<'a>,
    pub ret: i64,
    /// With -y: the file the returned descriptor refers to (see [`FdPath`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_path_hex: Option<Hex<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_path_truncated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_path_deleted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ret_path_unknown: Option<bool>,
    pub errno: Option<&'static str>,
    pub errno_num: Option<u32>,
    pub error: Option<&'static str>,
    /// The call as the text output prints it.
    pub call: &'a str,
}

impl<'a> JsonCall<'a> {
    /// The result fields: -1 and the errno for a failed call, as strace shows it.
    pub fn result(call: &Call) -> (i64, Option<u32>) {
        match call.errno() {
            Some(errno) => (-1, Some(errno)),
            None => (call.result(), None),
        }
    }

    pub fn errno_fields(errno: Option<u32>) -> (Option<&'static str>, Option<&'static str>) {
        match errno {
            Some(e) => (errno_name(e), errno_message(e)),
            None => (None, None),
        }
    }
}

/// With -y: what the kernel named the file behind a descriptor, as JSON
/// fields: `path` (or `path_hex` when not UTF-8), `path_truncated` when
/// only its end could be read, `path_deleted` when the file is deleted (the
/// path is the one it had), `path_unknown` when the kernel names it in a
/// way not spelled out; no field when no file was open there.
#[derive(Default)]
pub struct FdPath<'a> {
    pub text: Option<&'a str>,
    pub hex: Option<Hex<'a>>,
    pub truncated: Option<bool>,
    pub deleted: Option<bool>,
    pub unknown: Option<bool>,
}

impl<'a> FdPath<'a> {
    pub fn new(memory: &Memory<'a>) -> Self {
        match *memory {
            Memory::Null => FdPath::default(),
            Memory::Unreadable => FdPath {
                unknown: Some(true),
                ..FdPath::default()
            },
            Memory::Bytes { data, complete }
            | Memory::Changed { data, complete }
            | Memory::Deleted { data, complete } => {
                let text = std::str::from_utf8(data).ok();
                FdPath {
                    text,
                    hex: text.is_none().then_some(Hex(data)),
                    truncated: (!complete).then_some(true),
                    deleted: matches!(memory, Memory::Deleted { .. }).then_some(true),
                    unknown: None,
                }
            }
        }
    }

    fn serialize_into<M: SerializeMap>(&self, map: &mut M, prefix: &str) -> Result<(), M::Error> {
        if let Some(text) = self.text {
            map.serialize_entry(&format_args!("{prefix}path"), text)?;
        }
        if let Some(hex) = &self.hex {
            map.serialize_entry(&format_args!("{prefix}path_hex"), hex)?;
        }
        if let Some(t) = self.truncated {
            map.serialize_entry(&format_args!("{prefix}path_truncated"), &t)?;
        }
        if let Some(d) = self.deleted {
            map.serialize_entry(&format_args!("{prefix}path_deleted"), &d)?;
        }
        if let Some(u) = self.unknown {
            map.serialize_entry(&format_args!("{prefix}path_unknown"), &u)?;
        }
        Ok(())
    }
}

/// The arguments, rendered one at a time into a reused buffer.
pub struct Args<'a> {
    pub call: &'a Call<'a>,
    pub style: Style,
    pub scratch: &'a RefCell<String>,
}

impl Serialize for Args<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for param in self.call.params() {
            seq.serialize_element(&Arg {
                call: self.call,
                param,
                style: self.style,
                scratch: self.scratch,
            })?;
        }
        seq.end()
    }
}

struct Arg<'a> {
    call: &'a Call<'a>,
    param: &'a Param,
    style: Style,
    scratch: &'a RefCell<String>,
}

impl Serialize for Arg<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", self.param.name)?;
        match self.call.raw(self.param) {
            Raw::Signed(v) => map.serialize_entry("raw", &v)?,
            Raw::Unsigned(v) => map.serialize_entry("raw", &v)?,
        }
        {
            let mut text = self.scratch.borrow_mut();
            text.clear();
            decode::write_arg(&mut text, self.call, self.param, self.style);
            map.serialize_entry("decoded", text.as_str())?;
        }
        if matches!(self.param.kind(), ArgKind::Fd | ArgKind::Dirfd) {
            FdPath::new(self.call.memory(self.param)).serialize_into(&mut map, "")?;
        }
        if self.param.kind() == ArgKind::Path {
            let is_null = matches!(self.call.raw(self.param), Raw::Unsigned(0));
            match self.call.memory(self.param) {
                _ if is_null => {}
                memory @ (Memory::Bytes { data, complete }
                | Memory::Changed { data, complete }
                | Memory::Deleted { data, complete }) => {
                    match std::str::from_utf8(data) {
                        Ok(s) => map.serialize_entry("str", s)?,
                        Err(_) => map.serialize_entry("hex", &Hex(data))?,
                    }
                    if !complete {
                        map.serialize_entry("truncated", &true)?;
                    }
                    if matches!(memory, Memory::Changed { .. }) {
                        map.serialize_entry("changed", &true)?;
                    }
                }
                _ => map.serialize_entry("unreadable", &true)?,
            }
        }
        map.end()
    }
}

/// Writes `value` as one JSON object, with serde_json's escaping plus
/// `\u` escapes for what a terminal would act on when the file is shown:
/// DEL, the C1 controls and the bidirectional overrides. The text and live
/// outputs escape them too.
pub fn write_terminal_safe<W: std::io::Write, T: Serialize + ?Sized>(
    out: W,
    value: &T,
) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, TerminalSafe);
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::from)
}

struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if acted_on_by_terminals(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
fn acted_on_by_terminals(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Bytes that are usually text: a string when valid UTF-8, else lossy
/// (used for comm, whose bytes the README says may be replaced).
pub struct Bytes<'a>(pub &'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(self.0) {
            Ok(s) => serializer.serialize_str(s),
            Err(_) => serializer.serialize_str(&String::from_utf8_lossy(self.0)),
        }
    }
}

pub struct Hex<'a>(&'a [u8]);

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Nanoseconds since the epoch, as RFC 3339 UTC with nanoseconds.
pub struct Rfc3339(pub u64);

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0 / 1_000_000_000;
        let nanos = self.0 % 1_000_000_000;
        let (days, rem) = (secs / 86_400, secs % 86_400);
        let (year, month, day) = civil_from_days(days as i64);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
            rem / 3600,
            rem / 60 % 60,
            rem % 60
        )
    }
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

    #[test]
    fn terminal_controls_are_escaped() {
        let mut out = Vec::new();
        write_terminal_safe(
            &mut out,
            "a\u{7f}b\u{85}c\u{9b}d\u{202e}e\u{2069}f\u{a0}\n\"",
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\"a\\u007fb\\u0085c\\u009bd\\u202ee\\u2069f\u{a0}\\n\\\"\""
        );
        let back: String = serde_json::from_str(&text).unwrap();
        assert_eq!(back, "a\u{7f}b\u{85}c\u{9b}d\u{202e}e\u{2069}f\u{a0}\n\"");
    }

    #[test]
    fn rfc3339() {
        assert_eq!(Rfc3339(0).to_string(), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            Rfc3339(1_795_328_478_123_456_789).to_string(),
            "2026-11-22T06:21:18.123456789Z"
        );
        assert_eq!(
            Rfc3339(951_782_400_000_000_001).to_string(),
            "2000-02-29T00:00:00.000000001Z"
        );
    }

    #[test]
    fn paths_round_trip() {
        let scratch = RefCell::new(String::new());
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
        let args = Args {
            call: &call,
            style: Style::Abbrev,
            scratch: &scratch,
        };
        let value: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&args).unwrap()).unwrap();
        assert_eq!(value[0]["str"], "ok\n\"");
        assert_eq!(value[0]["decoded"], "\"ok\\n\\\"\"");
        assert_eq!(value[1]["hex"], "626164ff");
        assert_eq!(value[1]["truncated"], true);
        assert_eq!(value[1]["raw"], 0x2000);
    }
}

//! Parsing the kernel's records out of the ring buffer.
//!
//! The layout is `struct record` of `bpf/record.h`, reached through the
//! skeleton's generated type. Records come from the kernel, but the parser
//! still trusts nothing in them: a short or inconsistent record is an error,
//! never a panic.

use crate::bpf::types::{
    array_end, capture, capture_array, capture_flags, capture_status, limits, record, record_flags,
};
use crate::decode::{Call, Detail, Memory, Syscall};
use crate::plan;

const HEADER: usize = std::mem::size_of::<record>();
const CAPTURE_HEADER: usize = std::mem::size_of::<capture>();
const ALIGN: usize = limits::CAPTURE_ALIGN.0 as usize;
const COMM: usize = std::mem::offset_of!(record, comm);

/// One traced call, borrowing its captured bytes from the ring buffer.
pub struct Event<'a> {
    pub header: record,
    pub syscall: Syscall,
    /// What was copied for each argument, by argument number, and for the
    /// result (`ARG_RESULT`) and the working directory (`ARG_CWD`).
    pub captured: [Memory<'a>; 8],
    /// By argument number: its memory at entry (`CAPTURE_BEFORE_CALL`),
    /// and what a pointer in its struct points to (`CAPTURE_POINTED_TO`).
    pub before: [Memory<'a>; 6],
    pub pointee: [Memory<'a>; 6],
    /// --json: the thread's executable, when the kernel sent it (only when
    /// it is not the one the thread's records last carried).
    pub exe: Option<Memory<'a>>,
    /// The thread's name, without the NUL padding.
    pub comm: &'a [u8],
}

/// Why a record was refused; counted as malformed, never printed.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    Short(usize),
    UnknownCall(u16),
    CaptureOverrun,
    BadCapture(u8),
    BadStatus(u8),
}

impl<'a> Event<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let mut header = record::default();
        plain::copy_from_bytes(&mut header, bytes).map_err(|_| ParseError::Short(bytes.len()))?;
        let syscall =
            plan::from_call_id(header.call).ok_or(ParseError::UnknownCall(header.call))?;

        let comm = bytes
            .get(COMM..COMM + header.comm.len())
            .unwrap_or_default();
        let comm = &comm[..comm.iter().position(|&b| b == 0).unwrap_or(comm.len())];

        let mut captured = [Memory::Null; 8];
        let mut before = [Memory::Null; 6];
        let mut pointee = [Memory::Null; 6];
        let mut exe = None;
        let mut offset = HEADER;
        for _ in 0..header.captures {
            offset = offset.next_multiple_of(ALIGN);
            let mut hdr = capture::default();
            let rest = bytes.get(offset..).ok_or(ParseError::CaptureOverrun)?;
            plain::copy_from_bytes(&mut hdr, rest).map_err(|_| ParseError::CaptureOverrun)?;
            offset += CAPTURE_HEADER;
            let len = hdr.len as usize;
            let data = bytes
                .get(offset..offset.saturating_add(len))
                .ok_or(ParseError::CaptureOverrun)?;
            offset += len;
            let flags = u32::from(hdr.flags);
            let slots: &mut [Memory] = if flags & capture_flags::CAPTURE_BEFORE_CALL.0 != 0 {
                &mut before
            } else if flags & capture_flags::CAPTURE_POINTED_TO.0 != 0 {
                &mut pointee
            } else {
                &mut captured
            };
            let slot = if u32::from(hdr.arg) == limits::ARG_EXE.0 {
                exe.insert(Memory::Null)
            } else {
                slots
                    .get_mut(usize::from(hdr.arg))
                    .ok_or(ParseError::BadCapture(hdr.arg))?
            };
            *slot = match capture_status(u32::from(hdr.status)) {
                capture_status::CAPTURE_NULL => Memory::Null,
                capture_status::CAPTURE_FAULT | capture_status::CAPTURE_NO_ROOM => {
                    Memory::Unreadable
                }
                status @ (capture_status::CAPTURE_OK | capture_status::CAPTURE_CUT) => {
                    let complete = status == capture_status::CAPTURE_OK;
                    if flags & capture_flags::CAPTURE_CHANGED.0 != 0 {
                        Memory::Changed { data, complete }
                    } else if flags & capture_flags::CAPTURE_FD_DELETED.0 != 0 {
                        Memory::Deleted { data, complete }
                    } else {
                        Memory::Bytes { data, complete }
                    }
                }
                _ => return Err(ParseError::BadStatus(hdr.status)),
            };
        }
        Ok(Event {
            header,
            syscall,
            captured,
            before,
            pointee,
            exe,
            comm,
        })
    }

    /// The call, ready for the decoder, printed with the default -s and -v.
    pub fn call(&self) -> Call<'a> {
        self.call_with(Detail::default())
    }

    /// The call, to be printed with `detail` (-s, -v).
    pub fn call_with(&self, detail: Detail) -> Call<'a> {
        Call {
            syscall: self.syscall,
            args: self.header.args,
            compat: self.compat(),
            captured: self.captured,
            before: self.before,
            pointee: self.pointee,
            ret: self.header.ret,
            unfinished: u32::from(self.header.flags) & record_flags::RECORD_DYING.0 != 0,
            detail,
        }
    }

    /// Time from entry to exit.
    pub fn duration_ns(&self) -> u64 {
        self.header.exit_ns.saturating_sub(self.header.enter_ns)
    }

    pub fn compat(&self) -> bool {
        u32::from(self.header.flags) & record_flags::RECORD_COMPAT.0 != 0
    }

    /// A call already in progress when tracing began, printed as resumed.
    pub fn resumed(&self) -> bool {
        u32::from(self.header.flags) & record_flags::RECORD_RESUMED.0 != 0
    }
}

/// How the pointers of an array capture ended (`enum array_end`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrayEnd {
    /// At the NULL pointer.
    Null,
    /// Reading the next pointer failed.
    Fault,
    /// The kernel stopped counting (`ARRAY_COUNT_MAX`).
    Limit,
}

/// One string of an array capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrayString<'a> {
    /// Its bytes; `complete == false` when cut at the size asked for.
    Bytes { data: &'a [u8], complete: bool },
    /// The string at this pointer could not be read.
    Fault(u64),
}

/// A `CAPTURE_STRING_ARRAY` capture: the pointers counted and the first
/// strings, as many as asked for or as the record had room for.
#[derive(Debug, PartialEq, Eq)]
pub struct StringArray<'a> {
    pub count: u32,
    pub end: ArrayEnd,
    pub strings: Vec<ArrayString<'a>>,
}

/// Parses the bytes of an array capture; None when they are inconsistent.
pub fn string_array(data: &[u8]) -> Option<StringArray<'_>> {
    let mut head = capture_array::default();
    plain::copy_from_bytes(&mut head, data).ok()?;
    let end = match array_end(u32::from(head.end)) {
        array_end::ARRAY_NULL => ArrayEnd::Null,
        array_end::ARRAY_FAULT => ArrayEnd::Fault,
        array_end::ARRAY_LIMIT => ArrayEnd::Limit,
        _ => return None,
    };
    let mut strings = Vec::new();
    let mut offset = std::mem::size_of::<capture_array>();
    for _ in 0..head.strings.min(head.count) {
        offset = offset.next_multiple_of(ALIGN);
        let mut hdr = capture::default();
        plain::copy_from_bytes(&mut hdr, data.get(offset..)?).ok()?;
        offset += CAPTURE_HEADER;
        let bytes = data.get(offset..offset.checked_add(hdr.len as usize)?)?;
        offset += bytes.len();
        strings.push(match capture_status(u32::from(hdr.status)) {
            capture_status::CAPTURE_OK => ArrayString::Bytes {
                data: bytes,
                complete: true,
            },
            capture_status::CAPTURE_CUT => ArrayString::Bytes {
                data: bytes,
                complete: false,
            },
            // A string that could not be read carries its pointer.
            capture_status::CAPTURE_FAULT => {
                ArrayString::Fault(u64::from_le_bytes(bytes.try_into().ok()?))
            }
            _ => return None,
        });
    }
    Some(StringArray {
        count: head.count,
        end,
        strings,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A record as the kernel would send it: `captures` are (argument,
    /// status, bytes).
    pub fn encode(header: &record, captures: &[(u8, capture_status, &[u8])]) -> Vec<u8> {
        let mut header = *header;
        header.captures = captures.len() as u8;
        let mut bytes = unsafe { plain::as_bytes(&header) }.to_vec();
        for &(arg, status, data) in captures {
            bytes.resize(bytes.len().next_multiple_of(ALIGN), 0);
            let hdr = capture {
                arg,
                status: status.0 as u8,
                len: data.len() as u32,
                ..Default::default()
            };
            bytes.extend_from_slice(unsafe { plain::as_bytes(&hdr) });
            bytes.extend_from_slice(data);
        }
        bytes
    }

    const OK: capture_status = capture_status::CAPTURE_OK;

    fn openat_header() -> record {
        record {
            call: plan::call_id(Syscall::named("openat")),
            pid: 42,
            tid: 43,
            comm: [
                b'c' as i8, b'a' as i8, b't' as i8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
            ..Default::default()
        }
    }

    #[test]
    fn parses_a_record_with_its_path() {
        let bytes = encode(&openat_header(), &[(1, OK, b"/etc")]);
        let event = Event::parse(&bytes).unwrap();
        assert_eq!(event.syscall, Syscall::named("openat"));
        assert_eq!(event.comm, b"cat");
        assert!(matches!(
            event.captured[1],
            Memory::Bytes {
                data: b"/etc",
                complete: true
            }
        ));
        assert_eq!(event.captured[0], Memory::Null);
    }

    #[test]
    fn captures_are_aligned_and_in_order() {
        let header = record {
            call: plan::call_id(Syscall::named("symlinkat")),
            ..Default::default()
        };
        let bytes = encode(&header, &[(0, OK, b"abc"), (2, OK, b"linkname")]);
        let event = Event::parse(&bytes).unwrap();
        assert_eq!(event.captured[0].data(), Some(&b"abc"[..]));
        assert_eq!(event.captured[2].data(), Some(&b"linkname"[..]));
    }

    #[test]
    fn rejects_short_and_inconsistent_records() {
        let mut bytes = encode(&openat_header(), &[(1, OK, b"/etc")]);
        bytes.truncate(bytes.len() - 1);
        assert_eq!(Event::parse(&bytes).err(), Some(ParseError::CaptureOverrun));
        assert!(matches!(
            Event::parse(&bytes[..HEADER - 1]),
            Err(ParseError::Short(_))
        ));
        let mut header = openat_header();
        header.call = 999;
        assert_eq!(
            Event::parse(&encode(&header, &[])).err(),
            Some(ParseError::UnknownCall(999))
        );
        let bad = capture_status(9);
        assert_eq!(
            Event::parse(&encode(&openat_header(), &[(1, bad, b"")])).err(),
            Some(ParseError::BadStatus(9))
        );
        assert_eq!(
            Event::parse(&encode(&openat_header(), &[(9, OK, b"")])).err(),
            Some(ParseError::BadCapture(9))
        );
    }

    #[test]
    fn entry_values_and_pointees_have_their_own_slots() {
        let header = record {
            call: plan::call_id(Syscall::named("name_to_handle_at")),
            ..Default::default()
        };
        let mut bytes = encode(&header, &[(2, OK, b"before"), (2, OK, b"after")]);
        // The first capture's flags: right after the record's header.
        bytes[HEADER + std::mem::offset_of!(capture, flags)] =
            capture_flags::CAPTURE_BEFORE_CALL.0 as u8;
        let event = Event::parse(&bytes).unwrap();
        assert_eq!(event.before[2].data(), Some(&b"before"[..]));
        assert_eq!(event.captured[2].data(), Some(&b"after"[..]));
        let mut bytes = encode(&header, &[(4, OK, b"value")]);
        bytes[HEADER + std::mem::offset_of!(capture, flags)] =
            capture_flags::CAPTURE_POINTED_TO.0 as u8;
        let event = Event::parse(&bytes).unwrap();
        assert_eq!(event.pointee[4].data(), Some(&b"value"[..]));
        assert_eq!(event.captured[4], Memory::Null);
        bytes[HEADER + std::mem::offset_of!(capture, arg)] = 6;
        assert_eq!(Event::parse(&bytes).err(), Some(ParseError::BadCapture(6)));
    }

    #[test]
    fn the_executable_is_apart_from_the_arguments() {
        let exe = limits::ARG_EXE.0 as u8;
        let bytes = encode(
            &openat_header(),
            &[(1, OK, b"/etc"), (exe, OK, b"/bin/cat")],
        );
        let event = Event::parse(&bytes).unwrap();
        assert_eq!(event.exe.and_then(|m| m.data()), Some(&b"/bin/cat"[..]));
        assert_eq!(event.captured[1].data(), Some(&b"/etc"[..]));
        let bytes = encode(&openat_header(), &[]);
        assert!(Event::parse(&bytes).unwrap().exe.is_none());
    }

    #[test]
    fn any_prefix_of_a_record_parses_or_errs() {
        let bytes = encode(&openat_header(), &[(1, OK, b"/etc"), (6, OK, b"x")]);
        for n in 0..=bytes.len() {
            let _ = Event::parse(&bytes[..n]);
        }
    }

    #[test]
    fn string_arrays_parse_or_are_refused() {
        let mut data = Vec::new();
        data.extend_from_slice(&2u32.to_le_bytes());
        data.extend_from_slice(&[array_end::ARRAY_NULL.0 as u8, 0, 0, 0]);
        data.extend_from_slice(&2u32.to_le_bytes());
        data.extend_from_slice(&[0; 4]);
        for (status, bytes) in [
            (OK, &b"ls"[..]),
            (capture_status::CAPTURE_FAULT, &[7, 0, 0, 0, 0, 0, 0, 0][..]),
        ] {
            data.resize(data.len().next_multiple_of(ALIGN), 0);
            let hdr = capture {
                status: status.0 as u8,
                len: bytes.len() as u32,
                ..Default::default()
            };
            data.extend_from_slice(unsafe { plain::as_bytes(&hdr) });
            data.extend_from_slice(bytes);
        }
        let array = string_array(&data).unwrap();
        assert_eq!(array.count, 2);
        assert_eq!(array.end, ArrayEnd::Null);
        assert_eq!(
            array.strings,
            [
                ArrayString::Bytes {
                    data: b"ls",
                    complete: true
                },
                ArrayString::Fault(7)
            ]
        );
        for n in 0..data.len() {
            assert!(string_array(&data[..n]).is_none(), "{n} bytes");
        }
    }
}

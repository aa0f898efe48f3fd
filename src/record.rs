//! Parsing the kernel's records out of the ring buffer.
//!
//! The layout is `struct record` of `bpf/record.h`, reached through the
//! skeleton's generated type. Records come from the kernel, but the parser
//! still trusts nothing in them: a short or inconsistent record is an error,
//! never a panic.

use crate::bpf::types::{capture_status, record, record_flags};
use crate::decode::{Call, Memory, Syscall};
use crate::syscalls;

const HEADER: usize = std::mem::size_of::<record>();
const COMM: usize = std::mem::offset_of!(record, comm);
const CHANGED: [u32; 2] = [
    record_flags::RECORD_CHANGED_0.0,
    record_flags::RECORD_CHANGED_1.0,
];

/// One traced call, borrowing its captured bytes from the ring buffer.
pub struct Event<'a> {
    pub header: record,
    pub syscall: Syscall,
    pub memory: [Memory<'a>; 2],
    /// The thread's name, without the NUL padding.
    pub comm: &'a [u8],
}

/// Why a record was refused; counted as malformed, never printed.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    Short(usize),
    UnknownCall(u8),
    CaptureOverrun,
    BadStatus(u8),
}

impl<'a> Event<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let mut header = record::default();
        plain::copy_from_bytes(&mut header, bytes).map_err(|_| ParseError::Short(bytes.len()))?;
        let syscall =
            syscalls::from_call_id(header.call).ok_or(ParseError::UnknownCall(header.call))?;

        let comm = bytes
            .get(COMM..COMM + header.comm.len())
            .unwrap_or_default();
        let comm = &comm[..comm.iter().position(|&b| b == 0).unwrap_or(comm.len())];

        let mut rest = bytes.get(HEADER..).unwrap_or_default();
        let mut memory = [Memory::Null, Memory::Null];
        for (i, slot) in memory.iter_mut().enumerate() {
            let len = usize::from(header.capture_len[i]);
            if len > rest.len() {
                return Err(ParseError::CaptureOverrun);
            }
            let (data, tail) = rest.split_at(len);
            rest = tail;
            *slot = match capture_status(u32::from(header.capture_status[i])) {
                // The decoder never looks at captures a call does not have.
                capture_status::CAPTURE_NONE | capture_status::CAPTURE_NULL => Memory::Null,
                capture_status::CAPTURE_FAULT => Memory::Unreadable,
                status @ (capture_status::CAPTURE_OK | capture_status::CAPTURE_CUT) => {
                    let complete = status == capture_status::CAPTURE_OK;
                    if u32::from(header.flags) & CHANGED[i] != 0 {
                        Memory::Changed { data, complete }
                    } else {
                        Memory::Bytes { data, complete }
                    }
                }
                _ => return Err(ParseError::BadStatus(header.capture_status[i])),
            };
        }
        Ok(Event {
            header,
            syscall,
            memory,
            comm,
        })
    }

    /// The call, ready for the decoder.
    pub fn call(&self) -> Call<'a> {
        Call {
            syscall: self.syscall,
            args: self.header.args,
            compat: self.compat(),
            memory: self.memory,
            ret: self.header.ret,
        }
    }

    /// Time from entry to exit.
    pub fn duration_ns(&self) -> u64 {
        self.header.exit_ns.saturating_sub(self.header.enter_ns)
    }

    pub fn compat(&self) -> bool {
        u32::from(self.header.flags) & record_flags::RECORD_COMPAT.0 != 0
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A record as the kernel would send it.
    pub fn encode(header: &record, captures: &[&[u8]]) -> Vec<u8> {
        let mut bytes = unsafe { plain::as_bytes(header) }.to_vec();
        for c in captures {
            bytes.extend_from_slice(c);
        }
        bytes
    }

    fn openat_header(path_len: u16) -> record {
        record {
            call: syscalls::call_id(Syscall::Openat),
            capture_len: [path_len, 0],
            capture_status: [capture_status::CAPTURE_OK.0 as u8, 0],
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
        let bytes = encode(&openat_header(4), &[b"/etc"]);
        let event = Event::parse(&bytes).unwrap();
        assert_eq!(event.syscall, Syscall::Openat);
        assert_eq!(event.comm, b"cat");
        assert!(matches!(
            event.memory[0],
            Memory::Bytes {
                data: b"/etc",
                complete: true
            }
        ));
    }

    #[test]
    fn rejects_short_and_inconsistent_records() {
        let bytes = encode(&openat_header(10), &[b"/etc"]);
        assert_eq!(Event::parse(&bytes).err(), Some(ParseError::CaptureOverrun));
        assert!(matches!(
            Event::parse(&bytes[..HEADER - 1]),
            Err(ParseError::Short(_))
        ));
        let mut header = openat_header(0);
        header.call = 99;
        assert_eq!(
            Event::parse(&encode(&header, &[])).err(),
            Some(ParseError::UnknownCall(99))
        );
        header = openat_header(0);
        header.capture_status[0] = 9;
        assert_eq!(
            Event::parse(&encode(&header, &[])).err(),
            Some(ParseError::BadStatus(9))
        );
    }

    #[test]
    fn any_prefix_of_a_record_parses_or_errs() {
        let bytes = encode(&openat_header(4), &[b"/etc"]);
        for n in 0..=bytes.len() {
            let _ = Event::parse(&bytes[..n]);
        }
    }
}

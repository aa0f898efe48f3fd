//! Turning records into lines and writing them out.
//!
//! A line is `PID[/TID] COMM CALL = RESULT`: the prefix fields hold no
//! unescaped space, so `cut -d' '` and awk see the same fields on every line.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};

use crate::decode::{self, Call, Style};
use crate::record::Event;

/// Output is written in batches: one write per ring buffer drain, not per line.
const BUFFER: usize = 1 << 18;

pub struct Printer {
    out: BufWriter<File>,
    line: String,
    style: Style,
    /// Lines written.
    pub lines: u64,
    /// Records that could not be parsed; each is reported, none is printed.
    pub malformed: u64,
    /// Set once writing failed; nothing more is written.
    pub write_error: Option<io::Error>,
}

impl Printer {
    pub fn new(out: File, style: Style) -> Self {
        Printer {
            out: BufWriter::with_capacity(BUFFER, out),
            line: String::with_capacity(512),
            style,
            lines: 0,
            malformed: 0,
            write_error: None,
        }
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
        self.line.clear();
        write_prefix(&mut self.line, &event);
        let call = Call {
            syscall: event.syscall,
            args: event.header.args,
            compat: event.compat(),
            memory: event.memory,
            ret: event.header.ret,
        };
        decode::write_call(&mut self.line, &call, self.style);
        self.line.push('\n');
        self.write_line();
    }

    fn write_line(&mut self) {
        match self.out.write_all(self.line.as_bytes()) {
            Ok(()) => self.lines += 1,
            Err(e) => self.write_error = Some(e),
        }
    }

    pub fn flush(&mut self) {
        if self.write_error.is_none() {
            if let Err(e) = self.out.flush() {
                self.write_error = Some(e);
            }
        }
    }

    /// True when the reader went away (a closed pipe): stop quietly.
    pub fn reader_gone(&self) -> bool {
        matches!(&self.write_error, Some(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

fn write_prefix(line: &mut String, event: &Event) {
    let (pid, tid) = (event.header.pid, event.header.tid);
    let _ = write!(line, "{pid}");
    if tid != pid {
        let _ = write!(line, "/{tid}");
    }
    line.push(' ');
    write_comm(line, event.comm);
    line.push(' ');
}

/// A process name as one field: printable ASCII as is, anything else
/// (space, backslash, control and non-ASCII bytes) as a 3-digit octal escape.
fn write_comm(line: &mut String, comm: &[u8]) {
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
}

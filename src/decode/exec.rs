//! execve and execveat: the argument and environment arrays, as strace
//! prints them: `["ls", "-l"]`, and the environment as its address and
//! size, `0x7ffd... /* 23 vars */`, or whole under -v.
//!
//! A successful exec replaces the memory these point to: the kernel copies
//! them at entry (see `CAPTURE_AT_ENTRY` in bpf/record.h).

use std::fmt::Write;

use super::call::{write_address, Call, Memory};
use super::escape::write_quoted;
use super::xlat::{write_hex, Xlat};
use crate::record::{string_array, ArrayEnd, ArrayString, StringArray};

pub static EXECVEAT_FLAGS: Xlat = Xlat {
    entries: &[
        ("AT_SYMLINK_NOFOLLOW", 0x100),
        ("AT_EMPTY_PATH", 0x1000),
        ("AT_EXECVE_CHECK", 0x10000),
    ],
    unknown: "AT_???",
};

/// The array a capture holds, or None when it prints as an address.
fn array<'a>(addr: u64, mem: &Memory<'a>) -> Option<StringArray<'a>> {
    if addr == 0 {
        return None;
    }
    let array = string_array(mem.data()?)?;
    // The first pointer could not be read: strace prints the address.
    (array.end != ArrayEnd::Fault || array.count > 0).then_some(array)
}

/// strace's `printargv`: the strings, `...` after `-s` of them unless -v.
pub fn write_argv(out: &mut String, call: &Call, addr: u64, mem: &Memory) {
    let Some(array) = array(addr, mem) else {
        write_address(out, addr);
        if addr != 0 && matches!(mem, Memory::Unreadable) {
            out.push_str(" /* not captured */");
        }
        return;
    };
    let detail = call.detail;
    let word = if call.compat { 4 } else { 8 };
    out.push('[');
    let mut n = 0usize;
    while n < array.count as usize {
        if n != 0 {
            out.push_str(", ");
        }
        if !detail.verbose && n + 1 > detail.strsize {
            out.push_str("...");
            out.push(']');
            return;
        }
        match array.strings.get(n) {
            Some(&ArrayString::Bytes { data, complete }) => {
                // A string of more than -s bytes is cut.
                let shown = data.get(..detail.strsize).unwrap_or(data);
                write_quoted(out, shown, !complete || data.len() > detail.strsize);
            }
            Some(&ArrayString::Fault(ptr)) => write_hex(out, call.word(ptr)),
            None => {
                // The record had no room for the rest.
                out.push_str("... /* not captured: no room in the record */]");
                return;
            }
        }
        n += 1;
    }
    match array.end {
        ArrayEnd::Null => {}
        ArrayEnd::Fault => {
            out.push_str(", ...");
            let at = call.word(addr.wrapping_add(u64::from(array.count) * word));
            out.push_str(" /* ");
            write_hex(out, at);
            out.push_str(" */");
        }
        ArrayEnd::Limit => out.push_str(", ... /* not captured: too many */"),
    }
    out.push(']');
}

/// exec's envp: strace's `printargc` (the address and how many strings)
/// by default, `printargv` under -v.
pub fn write_envp(out: &mut String, call: &Call, addr: u64, mem: &Memory) {
    if call.detail.verbose {
        write_argv(out, call, addr, mem);
        return;
    }
    write_address(out, addr);
    let Some(array) = array(addr, mem) else {
        if addr != 0 && matches!(mem, Memory::Unreadable) {
            out.push_str(" /* not captured */");
        }
        return;
    };
    let n = array.count;
    let _ = write!(out, " /* {n} var{}", if n == 1 { "" } else { "s" });
    match array.end {
        ArrayEnd::Null => {}
        ArrayEnd::Fault => out.push_str(", unterminated"),
        ArrayEnd::Limit => out.push_str(" or more"),
    }
    out.push_str(" */");
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::decode::{Detail, Style, Syscall};

    /// The bytes of an array capture: `count` pointers ending as `end`,
    /// with these strings (None: unreadable, at pointer 0xbad).
    fn blob(count: u32, end: u8, strings: &[Option<&[u8]>]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&count.to_le_bytes());
        b.extend_from_slice(&[end, 0, 0, 0]);
        b.extend_from_slice(&(strings.len() as u32).to_le_bytes());
        b.extend_from_slice(&[0; 4]);
        for s in strings {
            b.resize(b.len().next_multiple_of(8), 0);
            let (status, data): (u8, Vec<u8>) = match s {
                Some(d) => (3, d.to_vec()),
                None => (2, 0xbadu64.to_le_bytes().to_vec()),
            };
            b.extend_from_slice(&[0, status, 0, 0]);
            b.extend_from_slice(&(data.len() as u32).to_le_bytes());
            b.extend_from_slice(&data);
        }
        b
    }

    fn exec<'a>(argv: &'a [u8], envp: &'a [u8], detail: Detail) -> Call<'a> {
        let mut c = call(Syscall::named("execve"), &[P, 0x1000, 0x2000], U, -2);
        c.captured[0] = s(b"/bin/x");
        c.captured[1] = s(argv);
        c.captured[2] = s(envp);
        c.detail = detail;
        c
    }

    #[test]
    fn arrays() {
        let argv = blob(3, 1, &[Some(b"ls"), Some(b"-l"), None]);
        let envp = blob(23, 1, &[]);
        assert_eq!(
            render(&exec(&argv, &envp, Detail::default()), Style::Abbrev),
            "execve(\"/bin/x\", [\"ls\", \"-l\", 0xbad], 0x2000 /* 23 vars */) = -1 ENOENT (No such file or directory)"
        );
        // Cut by -s: strings and their number.
        let d = Detail {
            strsize: 2,
            verbose: false,
        };
        // A string of -s bytes prints whole, as strace; a longer one cut.
        let argv = blob(3, 1, &[Some(b"lsx"), Some(b"-l")]);
        let envp = blob(1, 2, &[]);
        assert_eq!(
            render(&exec(&argv, &envp, d), Style::Abbrev),
            "execve(\"/bin/x\", [\"ls\"..., \"-l\", ...], 0x2000 /* 1 var, unterminated */) = -1 ENOENT (No such file or directory)"
        );
        // -v: the environment too; a fault after the first pointer.
        let v = Detail {
            verbose: true,
            ..Default::default()
        };
        let argv = blob(1, 2, &[Some(b"a")]);
        let envp = blob(2, 1, &[Some(b"A=1"), Some(b"B=2")]);
        assert_eq!(
            render(&exec(&argv, &envp, v), Style::Abbrev),
            "execve(\"/bin/x\", [\"a\", ... /* 0x1008 */], [\"A=1\", \"B=2\"]) = -1 ENOENT (No such file or directory)"
        );
        // The first pointer unreadable: the address.
        let argv = blob(0, 2, &[]);
        assert_eq!(
            render(&exec(&argv, &argv, Detail::default()), Style::Abbrev),
            "execve(\"/bin/x\", 0x1000, 0x2000) = -1 ENOENT (No such file or directory)"
        );
        // Strings the record had no room for, and arrays not captured.
        let argv = blob(3, 1, &[Some(b"a")]);
        let text = render(&exec(&argv, &[], Detail::default()), Style::Abbrev);
        assert!(
            text.contains("[\"a\", ... /* not captured: no room in the record */]"),
            "{text}"
        );
        let mut c = exec(&argv, &argv, Detail::default());
        c.captured[1] = Memory::Unreadable;
        c.captured[2] = Memory::Unreadable;
        assert_eq!(
            render(&c, Style::Abbrev),
            "execve(\"/bin/x\", 0x1000 /* not captured */, 0x2000 /* not captured */) = -1 ENOENT (No such file or directory)"
        );
    }
}

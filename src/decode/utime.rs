//! utime, utimes, futimesat and utimensat: the times they set, as strace
//! prints them, each with its date in a comment.

use std::fmt::Write;

use super::call::{write_address, Call, Le, Memory};
use super::stat::write_time_comment;
use super::xlat::Style;

/// Which times structure a call takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Times {
    /// utime's `struct utimbuf`: two `time_t`.
    Utimbuf,
    /// `struct timeval[2]` (utimes, futimesat).
    Timevals,
    /// `struct timespec[2]` (utimensat), with UTIME_NOW and UTIME_OMIT.
    Timespecs,
}

impl Times {
    /// Bytes the structure takes on the caller's ABI: two pairs of `long`s,
    /// but for utime's two `time_t`.
    pub fn size(self, compat: bool) -> u16 {
        let long = if compat { 4 } else { 8 };
        match self {
            Times::Utimbuf => 2 * long,
            Times::Timevals | Times::Timespecs => 4 * long,
        }
    }
}

const UTIME_NOW: u64 = (1 << 30) - 1;
const UTIME_OMIT: u64 = (1 << 30) - 2;

/// The times argument of the call.
pub fn write_times(
    out: &mut String,
    call: &Call,
    addr: u64,
    mem: &Memory,
    times: Times,
    style: Style,
) {
    let size = usize::from(times.size(call.compat));
    let Some(data) = mem.data().filter(|d| d.len() >= size && addr != 0) else {
        write_address(out, addr);
        return;
    };
    let d = Le(data);
    // Signed seconds and unsigned fractions, 32-bit for ia32 callers.
    let long = |i: usize| -> (i64, u64) {
        if call.compat {
            let v = d.i32(i * 4).unwrap_or(0);
            (v, v as u32 as u64)
        } else {
            let v = d.i64(i * 8).unwrap_or(0);
            (v, v as u64)
        }
    };
    match times {
        Times::Utimbuf => {
            let (actime, _) = long(0);
            let (modtime, _) = long(1);
            let _ = write!(out, "{{actime={actime}");
            write_time_comment(out, actime, 0, 0, 0);
            let _ = write!(out, ", modtime={modtime}");
            write_time_comment(out, modtime, 0, 0, 0);
            out.push('}');
        }
        Times::Timevals | Times::Timespecs => {
            out.push('[');
            for i in 0..2 {
                if i > 0 {
                    out.push_str(", ");
                }
                let (sec, _) = long(2 * i);
                let (_, frac) = long(2 * i + 1);
                let special = match frac {
                    UTIME_NOW if times == Times::Timespecs => Some("UTIME_NOW"),
                    UTIME_OMIT if times == Times::Timespecs => Some("UTIME_OMIT"),
                    _ => None,
                };
                let field = if times == Times::Timevals {
                    "tv_usec"
                } else {
                    "tv_nsec"
                };
                match special {
                    Some(name) if style == Style::Abbrev => out.push_str(name),
                    Some(name) => {
                        let _ = write!(out, "{{tv_sec={sec}, {field}={frac}}}");
                        if style == Style::Verbose {
                            let _ = write!(out, " /* {name} */");
                        }
                    }
                    None => {
                        let _ = write!(out, "{{tv_sec={sec}, {field}={frac}}}");
                        if times == Times::Timevals {
                            write_time_comment(out, sec, frac, 999_999, 6);
                        } else {
                            write_time_comment(out, sec, frac, 999_999_999, 9);
                        }
                    }
                }
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::decode::Syscall;

    fn longs(v: &[i64]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn times_as_strace_prints_them() {
        // TZ is whatever the test runs in: only the epoch has no comment.
        let t = longs(&[0, 0x3fff_ffff, 0, 0x3fff_fffe]);
        let mut c = call(Syscall::named("utimensat"), &[CWD, P, P, 0x100], U, 0);
        c.captured[1] = s(b"f");
        c.captured[2] = s(&t);
        check(
            &c,
            r#"utimensat(AT_FDCWD, "f", [UTIME_NOW, UTIME_OMIT], AT_SYMLINK_NOFOLLOW) = 0"#,
            r#"utimensat(-100, "f", [{tv_sec=0, tv_nsec=1073741823}, {tv_sec=0, tv_nsec=1073741822}], 0x100) = 0"#,
            r#"utimensat(-100 /* AT_FDCWD */, "f", [{tv_sec=0, tv_nsec=1073741823} /* UTIME_NOW */, {tv_sec=0, tv_nsec=1073741822} /* UTIME_OMIT */], 0x100 /* AT_SYMLINK_NOFOLLOW */) = 0"#,
        );
        let t = longs(&[0, 0, 0, 1_000_000_000]);
        c.captured[2] = s(&t);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"utimensat(AT_FDCWD, "f", [{tv_sec=0, tv_nsec=0}, {tv_sec=0, tv_nsec=1000000000}], AT_SYMLINK_NOFOLLOW) = 0"#
        );
        c.captured[2] = s(&t[..16]);
        assert!(render(&c, Style::Abbrev).contains(", 0x555500001000, "));
        let mut c = call(Syscall::named("utime"), &[P, 0], U, -2);
        c.captured[0] = s(b"f");
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"utime("f", NULL) = -1 ENOENT (No such file or directory)"#
        );
        let u = [0u8; 8];
        c.args[1] = P;
        c.compat = true;
        c.captured[1] = s(&u);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"utime("f", {actime=0, modtime=0}) = -1 ENOENT (No such file or directory)"#
        );
        let tv = longs(&[0, 0, 0, 7]);
        let mut c = call(Syscall::named("utimes"), &[P, P], U, 0);
        c.captured[0] = s(b"f");
        c.captured[1] = s(&tv);
        let text = render(&c, Style::Abbrev);
        assert!(
            text.starts_with(r#"utimes("f", [{tv_sec=0, tv_usec=0}, {tv_sec=0, tv_usec=7} /* "#),
            "{text}"
        );
    }
}

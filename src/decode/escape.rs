//! strace's string quoting (default `-x` off, i.e. no hex forcing).
//!
//! * `"` and `\` are backslash-escaped;
//! * `\t \n \v \f \r` use their C escapes;
//! * bytes 0x20..=0x7e are printed as is;
//! * every other byte (controls, 0x7f, 0x80..=0xff) is an octal escape with
//!   as few digits as needed (`\1`, `\33`, `\377`), except that it is
//!   written with all three digits when the next byte printed is an octal
//!   digit `0`-`7` (`\0017`), so the escape stays unambiguous.  A following
//!   `8`/`9` does not force three digits (`\339`).
//! * a cut string gets `...` after the closing quote.

/// Appends `"<escaped bytes>"`, followed by `...` when `truncated`.
pub fn write_quoted(out: &mut String, bytes: &[u8], truncated: bool) {
    out.reserve(bytes.len() + 2);
    out.push('"');
    write_escaped(out, bytes);
    out.push('"');
    if truncated {
        out.push_str("...");
    }
}

/// Appends the escaped bytes without the surrounding quotes.
pub fn write_escaped(out: &mut String, bytes: &[u8]) {
    write_escaped_also(out, bytes, b"");
}

/// [`write_escaped`], with the bytes in `extra` escaped in octal too (strace
/// -y escapes `<` and `>` in the paths it prints between them).
pub fn write_escaped_also(out: &mut String, bytes: &[u8], extra: &[u8]) {
    let mut rest = bytes;
    while let Some((&c, tail)) = rest.split_first() {
        rest = tail;
        match c {
            _ if extra.contains(&c) => {
                let next_is_octal = matches!(rest.first(), Some(b'0'..=b'7'));
                out.push('\\');
                write_octal_byte(out, c, next_is_octal);
            }
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x0b => out.push_str("\\v"),
            0x20..=0x7e => out.push(char::from(c)),
            _ => {
                let next_is_octal = matches!(rest.first(), Some(b'0'..=b'7'));
                out.push('\\');
                write_octal_byte(out, c, next_is_octal);
            }
        }
    }
}

fn octal_digit(d: u8) -> char {
    char::from(b'0' + (d & 7))
}

fn write_octal_byte(out: &mut String, c: u8, all_three: bool) {
    if all_three || c >> 6 != 0 {
        out.push(octal_digit(c >> 6));
    }
    if all_three || c >> 3 != 0 {
        out.push(octal_digit(c >> 3));
    }
    out.push(octal_digit(c));
}

/// Appends `"\xNN\xNN..."` (strace's forced-hex quoting, used for the
/// non-zero tail of an oversized struct), followed by `...` when `truncated`.
pub fn write_hex_quoted(out: &mut String, bytes: &[u8], truncated: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 4 + 2);
    out.push('"');
    for &b in bytes {
        out.push_str("\\x");
        for nibble in [b >> 4, b & 0xf] {
            if let Some(&h) = HEX.get(usize::from(nibble)) {
                out.push(char::from(h));
            }
        }
    }
    out.push('"');
    if truncated {
        out.push_str("...");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(b: &[u8], t: bool) -> String {
        let mut o = String::new();
        write_quoted(&mut o, b, t);
        o
    }

    #[test]
    fn escapes() {
        let cases: &[(&[u8], &str)] = &[
            (b"", r#""""#),
            (b"/etc/hostname", r#""/etc/hostname""#),
            (b"a\"b\\c", r#""a\"b\\c""#),
            (b"\t\n\x0b\x0c\r", r#""\t\n\v\f\r""#),
            // ESC then a non-digit, then ESC then '9' (not octal): short form.
            (b"\x1bx\x1b9", r#""\33x\339""#),
            // ESC then an octal digit: three digits.
            (b"\x1b7", r#""\0337""#),
            (b"\x1b0", r#""\0330""#),
            (b"\x03", r#""\3""#),
            (b"\x038", r#""\38""#),
            (b"\x037", r#""\0037""#),
            (b"\x01\x017", r#""\1\0017""#),
            (b"\x00", r#""\0""#),
            (b"\x00\x00", r#""\0\0""#),
            (b"\x7f", r#""\177""#),
            (b"\xff", r#""\377""#),
            (b"\x80end", r#""\200end""#),
            (b"\x08", r#""\10""#),
            (b"\x087", r#""\0107""#),
            // Invalid UTF-8 and valid non-ASCII UTF-8 are both octal.
            (b"\xc3\xa9t\xc3\xa9", r#""\303\251t\303\251""#),
            (b"\xc3(", r#""\303(""#),
            (b" ~", r#"" ~""#),
            (b"'", r#""'""#),
        ];
        for &(input, want) in cases {
            assert_eq!(q(input, false), want, "input {input:?}");
        }
    }

    #[test]
    fn real_strace_line() {
        // strace -e trace=openat ./t (C: syscall(SYS_openat, 7,
        //   "a\"b\\c\t\n\v\f\r\033x\0339\1\0017\377\177\200end", 0)):
        // openat(7, "a\"b\\c\t\n\v\f\r\33x\339\1\0017\377\177\200end", O_RDONLY)
        assert_eq!(
            q(
                b"a\"b\\c\t\n\x0b\x0c\r\x1bx\x1b9\x01\x017\xff\x7f\x80end",
                false
            ),
            r#""a\"b\\c\t\n\v\f\r\33x\339\1\0017\377\177\200end""#
        );
    }

    #[test]
    fn truncated_marker() {
        assert_eq!(q(b"aaaa", true), r#""aaaa"..."#);
        // The escape look-ahead only sees bytes that are printed.
        assert_eq!(q(b"a\x01", true), r#""a\1"..."#);
    }

    #[test]
    fn hex_quoted() {
        let mut o = String::new();
        write_hex_quoted(&mut o, &[0x34, 0x12, 0, 0xff], false);
        assert_eq!(o, r#""\x34\x12\x00\xff""#);
        o.clear();
        write_hex_quoted(&mut o, &[], true);
        assert_eq!(o, r#"""..."#);
    }

    #[test]
    fn every_byte_is_ascii_output() {
        let all: Vec<u8> = (0..=255u8).collect();
        let s = q(&all, false);
        assert!(s.is_ascii());
        assert!(s.contains(r#"\177\200"#));
    }
}

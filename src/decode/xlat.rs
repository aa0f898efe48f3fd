//! strace-style symbolic tables (`xlat`) and the generic decoders that
//! render a number against such a table in one of strace's `-X` styles.
//!
//! Output conventions reproduced here (from strace's xlat printing):
//! * numbers are hex with a `0x` prefix, except that zero is a bare `0`
//!   (C's `%#llx`);
//! * an unknown value carries the table's fallback name in a comment:
//!   `0x80000000 /* FAN_MARK_??? */`;
//! * `-X verbose` prints the number followed by the names in a comment.

use std::fmt::Write;

/// A table of `(name, value)` pairs, in strace's table order.
///
/// For bit sets the order matters: entries are tried first to last and a
/// matching entry removes its bits, so composite names (e.g. `O_SYNC`) must
/// come before their components (`O_DSYNC`).
#[derive(Debug)]
pub struct Xlat {
    pub entries: &'static [(&'static str, u64)],
    /// Fallback name shown in a comment for unknown values, e.g. `"O_???"`.
    /// An empty string means "no fallback".
    pub unknown: &'static str,
}

/// strace's `-X` option: how named constants are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Style {
    /// `-X raw`: numbers only.
    Raw,
    /// `-X abbrev` (the default): names only, numbers for what is unknown.
    #[default]
    Abbrev,
    /// `-X verbose`: numbers followed by the names in a comment.
    Verbose,
}

/// How the numeric form of a value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumFmt {
    /// `%#llx`: `0x1f`, and `0` for zero.
    Hex,
    /// `%lld` of the value reinterpreted as signed 64-bit.
    Signed,
}

impl Xlat {
    /// Name of the entry whose value equals `value` exactly.
    pub fn lookup(&self, value: u64) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|&&(_, v)| v == value)
            .map(|&(name, _)| name)
    }
}

/// Writes `value` in the given numeric format.
pub fn write_num(out: &mut String, value: u64, fmt: NumFmt) {
    match fmt {
        NumFmt::Hex => write_hex(out, value),
        NumFmt::Signed => {
            let _ = write!(out, "{}", value as i64);
        }
    }
}

/// C's `%#llx`: `0x` prefix, except that zero is printed as `0`.
pub fn write_hex(out: &mut String, value: u64) {
    if value == 0 {
        out.push('0');
    } else {
        let _ = write!(out, "{value:#x}");
    }
}

/// C's `%#03llo` as strace uses it for file modes: `000`, `005`, `0644`,
/// `0100644`.
pub fn write_octal_mode(out: &mut String, value: u64) {
    if value == 0 {
        out.push_str("000");
        return;
    }
    // Number of octal digits of a non-zero value.
    let bits = 64 - value.leading_zeros();
    let digits = bits.div_ceil(3);
    // "%#o" adds one leading '0'; width 3 pads with more zeros.
    for _ in (digits + 1)..3 {
        out.push('0');
    }
    let _ = write!(out, "0{value:o}");
}

/// Writes ` /* text */` unless `text` is empty (strace's `tprints_comment`).
pub fn write_comment(out: &mut String, text: &str) {
    if !text.is_empty() {
        out.push_str(" /* ");
        out.push_str(text);
        out.push_str(" */");
    }
}

/// Appends the names of the bits of `value` found in `tables` (tried in
/// order, each match clearing its bits), separated by `|`.  `written` is the
/// number of items already written in this bit set (a `|` is placed before
/// every item but the first).  Returns the bits no entry matched and the new
/// item count.  As in strace, scanning a table stops once no bits are
/// left, so a zero-valued entry only matches a zero `value` when it is the
/// first entry of a table and nothing was written before.
pub(crate) fn write_flag_names(
    out: &mut String,
    mut value: u64,
    tables: &[&Xlat],
    mut written: usize,
) -> (u64, usize) {
    for table in tables {
        for &(name, bits) in table.entries {
            if value == 0 && written != 0 {
                return (0, written);
            }
            let hit = if bits == 0 {
                value == 0
            } else {
                value & bits == bits
            };
            if hit {
                if written != 0 {
                    out.push('|');
                }
                out.push_str(name);
                written += 1;
                value &= !bits;
            }
            if value == 0 {
                // Like strace: once nothing is left, stop scanning this
                // table (so a zero-valued entry only counts when first).
                break;
            }
        }
    }
    (value, written)
}

/// Prints a bit set as strace's `printflags64` does.
///
/// * abbrev: `A|B|0x80`, unknown only: `0x80000000 /* FAN_MARK_??? */`,
///   zero: the name of a zero-valued entry if the table has one, else `0`;
/// * raw: the number (`0` for zero);
/// * verbose: `0x83 /* A|B|0x80 */`, unknown only as in abbrev,
///   zero with a zero-valued entry: `0 /* NAME */`.
///
/// With an empty `table.unknown` a zero value that has no name prints
/// nothing at all, as strace does when it has no fallback.
pub fn write_flags(out: &mut String, value: u64, table: &Xlat, style: Style) {
    write_flags_multi(out, value, &[table], table.unknown, style);
}

/// [`write_flags`] over several tables tried in order.
pub(crate) fn write_flags_multi(
    out: &mut String,
    value: u64,
    tables: &[&Xlat],
    unknown: &str,
    style: Style,
) {
    if style == Style::Raw {
        if value != 0 || !unknown.is_empty() {
            write_hex(out, value);
        }
        return;
    }
    let verbose = style == Style::Verbose;
    let mark = out.len();
    if verbose {
        write_hex(out, value);
    }
    let names_at = out.len();
    if verbose {
        out.push_str(" /* ");
    }
    let (rest, written) = write_flag_names(out, value, tables, 0);
    if written != 0 {
        if rest != 0 {
            out.push('|');
            write_hex(out, rest);
        }
        if verbose {
            out.push_str(" */");
        }
        return;
    }
    // Nothing matched: drop the comment opener written speculatively.
    out.truncate(names_at);
    if value != 0 {
        if !verbose {
            write_hex(out, value);
        }
        write_comment(out, unknown);
    } else {
        out.truncate(mark);
        if !unknown.is_empty() {
            out.push('0');
        }
    }
}

/// Prints a single (enum-like) value as strace's `printxval` does, in hex:
/// abbrev `NAME`, raw `0x4`, verbose `0x4 /* NAME */`, unknown
/// `0xc /* FAN_CLASS_??? */` (abbrev and verbose).
pub fn write_value(out: &mut String, value: u64, table: &Xlat, style: Style) {
    write_value_fmt(out, value, table, style, NumFmt::Hex);
}

/// [`write_value`] with a chosen numeric format (strace's `printxval_d`,
/// `printxval_u`, ...).
pub fn write_value_fmt(out: &mut String, value: u64, table: &Xlat, style: Style, fmt: NumFmt) {
    if style == Style::Raw {
        write_num(out, value, fmt);
        return;
    }
    match table.lookup(value) {
        Some(name) if style == Style::Abbrev => out.push_str(name),
        Some(name) => {
            write_num(out, value, fmt);
            write_comment(out, name);
        }
        None => {
            write_num(out, value, fmt);
            write_comment(out, table.unknown);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static T: Xlat = Xlat {
        entries: &[("A", 0x1), ("AB", 0x6), ("B", 0x2), ("C", 0x4)],
        unknown: "T_???",
    };
    static Z: Xlat = Xlat {
        entries: &[("ZERO", 0), ("ONE", 1)],
        unknown: "Z_???",
    };
    static NOFALLBACK: Xlat = Xlat {
        entries: &[("ONE", 1)],
        unknown: "",
    };

    fn flags(v: u64, t: &Xlat, s: Style) -> String {
        let mut o = String::new();
        write_flags(&mut o, v, t, s);
        o
    }

    fn value(v: u64, t: &Xlat, s: Style) -> String {
        let mut o = String::new();
        write_value(&mut o, v, t, s);
        o
    }

    #[test]
    fn flags_table() {
        use Style::*;
        let cases: &[(u64, &Xlat, Style, &str)] = &[
            (0x7, &T, Abbrev, "A|AB"),
            (0x3, &T, Abbrev, "A|B"),
            (0x83, &T, Abbrev, "A|B|0x80"),
            (0x80, &T, Abbrev, "0x80 /* T_??? */"),
            (0, &T, Abbrev, "0"),
            (0, &T, Raw, "0"),
            (0x83, &T, Raw, "0x83"),
            (0, &T, Verbose, "0"),
            (0x83, &T, Verbose, "0x83 /* A|B|0x80 */"),
            (0x80, &T, Verbose, "0x80 /* T_??? */"),
            (0, &Z, Abbrev, "ZERO"),
            (0, &Z, Verbose, "0 /* ZERO */"),
            (0, &Z, Raw, "0"),
            (1, &Z, Abbrev, "ONE"),
            (0, &NOFALLBACK, Abbrev, ""),
            (0, &NOFALLBACK, Raw, ""),
            (0, &NOFALLBACK, Verbose, ""),
            (2, &NOFALLBACK, Abbrev, "0x2"),
            (2, &NOFALLBACK, Verbose, "0x2"),
            (3, &NOFALLBACK, Abbrev, "ONE|0x2"),
            (u64::MAX, &T, Abbrev, "A|AB|0xfffffffffffffff8"),
        ];
        for &(v, t, s, want) in cases {
            assert_eq!(flags(v, t, s), want, "value {v:#x} style {s:?}");
        }
    }

    #[test]
    fn zero_entry_only_when_first() {
        static LATE_ZERO: Xlat = Xlat {
            entries: &[("ONE", 1), ("ZERO", 0)],
            unknown: "L_???",
        };
        assert_eq!(flags(0, &LATE_ZERO, Style::Abbrev), "0");
        assert_eq!(flags(1, &LATE_ZERO, Style::Abbrev), "ONE");
        assert_eq!(flags(2, &LATE_ZERO, Style::Abbrev), "0x2 /* L_??? */");
    }

    #[test]
    fn flags_append_to_existing_buffer() {
        let mut o = String::from("x(");
        write_flags(&mut o, 0x80, &T, Style::Verbose);
        write_flags(&mut o, 0, &NOFALLBACK, Style::Verbose);
        assert_eq!(o, "x(0x80 /* T_??? */");
    }

    #[test]
    fn value_table() {
        use Style::*;
        let cases: &[(u64, Style, &str)] = &[
            (0, Abbrev, "ZERO"),
            (0, Raw, "0"),
            (0, Verbose, "0 /* ZERO */"),
            (1, Verbose, "0x1 /* ONE */"),
            (0xc, Abbrev, "0xc /* Z_??? */"),
            (0xc, Verbose, "0xc /* Z_??? */"),
            (0xc, Raw, "0xc"),
        ];
        for &(v, s, want) in cases {
            assert_eq!(value(v, &Z, s), want);
        }
        assert_eq!(value(5, &NOFALLBACK, Style::Abbrev), "0x5");
    }

    #[test]
    fn value_signed() {
        static D: Xlat = Xlat {
            entries: &[("AT_FDCWD", -100i64 as u64)],
            unknown: "",
        };
        let mut o = String::new();
        write_value_fmt(&mut o, -100i64 as u64, &D, Style::Verbose, NumFmt::Signed);
        assert_eq!(o, "-100 /* AT_FDCWD */");
        o.clear();
        write_value_fmt(&mut o, 7, &D, Style::Verbose, NumFmt::Signed);
        assert_eq!(o, "7");
    }

    #[test]
    fn numbers() {
        let mut o = String::new();
        for (v, want) in [
            (0u64, "000"),
            (5, "005"),
            (0o10, "010"),
            (0o77, "077"),
            (0o644, "0644"),
            (0o7777, "07777"),
            (0o100644, "0100644"),
            (u64::MAX, "01777777777777777777777"),
        ] {
            o.clear();
            write_octal_mode(&mut o, v);
            assert_eq!(o, want);
        }
        o.clear();
        write_num(&mut o, 0, NumFmt::Hex);
        write_num(&mut o, 255, NumFmt::Hex);
        write_num(&mut o, u64::MAX, NumFmt::Signed);
        assert_eq!(o, "00xff-1");
    }
}

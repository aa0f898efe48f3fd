//! mknod, mknodat (strace's src/mknod.c, printmode.c, print_dev_t.c): the
//! mode with its file type named, and the device number of a device node.

use super::xlat::{write_hex, write_octal_mode, Style, Xlat};

/// File types (`mode & S_IFMT`).
pub static MODE_TYPES: Xlat = Xlat {
    entries: &[
        ("S_IFREG", 0o100000),
        ("S_IFSOCK", 0o140000),
        ("S_IFIFO", 0o010000),
        ("S_IFLNK", 0o120000),
        ("S_IFDIR", 0o040000),
        ("S_IFBLK", 0o060000),
        ("S_IFCHR", 0o020000),
    ],
    unknown: "",
};

const S_IFMT: u64 = 0o170000;
const S_IFCHR: u64 = 0o020000;
const S_IFBLK: u64 = 0o060000;
/// The set-id and sticky bits, named after the type.
const SPECIAL_BITS: [(&str, u64); 3] = [
    ("S_ISUID|", 0o4000),
    ("S_ISGID|", 0o2000),
    ("S_ISVTX|", 0o1000),
];

/// mknod's `dev` is there only for a character or block device.
pub fn mknod_takes_dev(mode: u64) -> bool {
    matches!(mode & S_IFMT, S_IFCHR | S_IFBLK)
}

/// A `mode_t` with its type, as strace's `print_symbolic_mode_t`:
/// `S_IFIFO|0644`; raw `010644`; verbose `010644 /* S_IFIFO|0644 */`. A
/// type strace does not know prints as the octal number in every style.
pub(crate) fn write_file_mode(out: &mut String, mode: u64, style: Style) {
    let kind = mode & S_IFMT;
    let name = if kind == 0 {
        Some("")
    } else {
        MODE_TYPES.lookup(kind)
    };
    let Some(name) = name.filter(|_| style != Style::Raw) else {
        write_octal_mode(out, mode);
        return;
    };
    if style == Style::Verbose {
        write_octal_mode(out, mode);
        out.push_str(" /* ");
    }
    out.push_str(name);
    if !name.is_empty() {
        out.push('|');
    }
    for (flag, bit) in SPECIAL_BITS {
        if mode & bit != 0 {
            out.push_str(flag);
        }
    }
    write_octal_mode(out, mode & 0o777);
    if style == Style::Verbose {
        out.push_str(" */");
    }
}

/// A device number as strace's `print_dev_t`: `makedev(0x1, 0x3)`; raw
/// `0x103`; verbose `0x103 /* makedev(0x1, 0x3) */`. Split as glibc splits
/// a dev_t, each half an `unsigned int`; mknod's 32-bit `dev` splits the
/// same way as the kernel's `new_decode_dev`.
pub(crate) fn write_dev(out: &mut String, dev: u64, style: Style) {
    if style != Style::Abbrev {
        write_hex(out, dev);
    }
    if style == Style::Raw {
        return;
    }
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    if style == Style::Verbose {
        out.push_str(" /* ");
    }
    out.push_str("makedev(");
    write_hex(out, major & 0xffff_ffff);
    out.push_str(", ");
    write_hex(out, minor & 0xffff_ffff);
    out.push(')');
    if style == Style::Verbose {
        out.push_str(" */");
    }
}

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::*;

    fn mode(v: u64, style: Style) -> String {
        let mut o = String::new();
        write_file_mode(&mut o, v, style);
        o
    }

    #[test]
    fn modes() {
        use Style::*;
        let cases: &[(u64, Style, &str)] = &[
            (0o010644, Abbrev, "S_IFIFO|0644"),
            (0o010644, Raw, "010644"),
            (0o010644, Verbose, "010644 /* S_IFIFO|0644 */"),
            (0o644, Abbrev, "0644"),
            (0o644, Verbose, "0644 /* 0644 */"),
            (0, Abbrev, "000"),
            (0o107755, Abbrev, "S_IFREG|S_ISUID|S_ISGID|S_ISVTX|0755"),
            (0o6000, Abbrev, "S_ISUID|S_ISGID|000"),
            (0o170644, Abbrev, "0170644"),
            (0o170644, Verbose, "0170644"),
            (0o020600, Abbrev, "S_IFCHR|0600"),
        ];
        for &(v, style, want) in cases {
            assert_eq!(mode(v, style), want, "{v:o} {style:?}");
        }
    }

    #[test]
    fn devices() {
        let m = [s(b"null"), Memory::Null];
        check(
            &call(MKNOD, &[P, 0o020666, 0x103], m, 0),
            r#"mknod("null", S_IFCHR|0666, makedev(0x1, 0x3)) = 0"#,
            r#"mknod("null", 020666, 0x103) = 0"#,
            r#"mknod("null", 020666 /* S_IFCHR|0666 */, 0x103 /* makedev(0x1, 0x3) */) = 0"#,
        );
        // dev is an unsigned int; the new encoding's high minor bits.
        check(
            &call(MKNODAT, &[CWD, P, 0o060600, 0xdead_beef_fff1_2345], m, -1),
            r#"mknodat(AT_FDCWD, "null", S_IFBLK|0600, makedev(0x123, 0xfff45)) = -1 EPERM (Operation not permitted)"#,
            r#"mknodat(-100, "null", 060600, 0xfff12345) = -1 EPERM (Operation not permitted)"#,
            r#"mknodat(-100 /* AT_FDCWD */, "null", 060600 /* S_IFBLK|0600 */, 0xfff12345 /* makedev(0x123, 0xfff45) */) = -1 EPERM (Operation not permitted)"#,
        );
        check(
            &call(MKNODAT, &[3, P, 0xffff_0001_1180, 0x103], m, 0),
            r#"mknodat(3, "null", S_IFIFO|0600) = 0"#,
            r#"mknodat(3, "null", 010600) = 0"#,
            r#"mknodat(3, "null", 010600 /* S_IFIFO|0600 */) = 0"#,
        );
        assert_eq!(
            render(&call(MKNOD, &[P, 0o020000, 0], m, 0), Style::Verbose),
            r#"mknod("null", 020000 /* S_IFCHR|000 */, 0 /* makedev(0, 0) */) = 0"#
        );
    }
}

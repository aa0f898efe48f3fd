//! The open family (strace's src/open.c): open, creat, openat and
//! openat2's flags, modes and `struct open_how`.

use std::fmt::Write;

use super::call::{write_address, Le, Memory, PATH_MAX};
use super::escape::write_hex_quoted;
use super::xlat::{write_flag_names, write_flags, write_hex, write_octal_mode, Style, Xlat};

/// `sizeof(struct open_how)` (the size strace decodes).
pub const OPEN_HOW_SIZE: usize = 24;

/// How many bytes of an oversized struct tail strace shows (default `-s 32`).
const MAX_STRLEN: usize = 32;

/// Page size bounding how much of an oversized open_how strace inspects.
const PAGE_SIZE: u64 = 4096;

/// Open access modes (`flags & O_ACCMODE`); every value 0..=3 has a name.
pub static OPEN_ACCESS_MODES: Xlat = Xlat {
    entries: &[
        ("O_RDONLY", 0),
        ("O_WRONLY", 1),
        ("O_RDWR", 2),
        ("O_ACCMODE", 3),
    ],
    unknown: "O_???",
};

/// open(2) flags other than the access mode.  Composites first:
/// `O_SYNC` before `__O_SYNC`/`O_DSYNC`, `O_TMPFILE` before
/// `__O_TMPFILE`/`O_DIRECTORY`.
pub static OPEN_FLAGS: Xlat = Xlat {
    entries: &[
        ("O_CREAT", 0o100),
        ("O_EXCL", 0o200),
        ("O_NOCTTY", 0o400),
        ("O_TRUNC", 0o1000),
        ("O_APPEND", 0o2000),
        ("O_NONBLOCK", 0o4000),
        ("O_SYNC", 0o4010000),
        ("__O_SYNC", 0o4000000),
        ("O_DSYNC", 0o10000),
        ("O_DIRECT", 0o40000),
        ("O_LARGEFILE", 0o100000),
        ("O_NOFOLLOW", 0o400000),
        ("O_NOATIME", 0o1000000),
        ("O_CLOEXEC", 0o2000000),
        ("O_PATH", 0o10000000),
        ("O_TMPFILE", 0o20200000),
        ("__O_TMPFILE", 0o20000000),
        ("O_DIRECTORY", 0o200000),
        ("O_EMPTYPATH", 1 << 26),
        ("FASYNC", 0o20000),
    ],
    unknown: "O_???",
};

/// `O_CREAT`: open(2) takes a mode argument when this or `__O_TMPFILE` is set.
pub const O_CREAT: u64 = 0o100;
/// `__O_TMPFILE` (the bit of its own, without `O_DIRECTORY`).
pub const O_TMPFILE_BIT: u64 = 0o20000000;
/// `O_ACCMODE`.
pub const O_ACCMODE: u64 = 3;

/// `struct open_how.flags` bits that only openat2(2) accepts (upper 32 bits).
pub static OPENAT2_FLAGS: Xlat = Xlat {
    entries: &[("OPENAT2_REGULAR", 1 << 32)],
    unknown: "OPENAT2_???",
};

/// `struct open_how.resolve` (openat2(2)).
pub static RESOLVE_FLAGS: Xlat = Xlat {
    entries: &[
        ("RESOLVE_NO_XDEV", 0x01),
        ("RESOLVE_NO_MAGICLINKS", 0x02),
        ("RESOLVE_NO_SYMLINKS", 0x04),
        ("RESOLVE_BENEATH", 0x08),
        ("RESOLVE_IN_ROOT", 0x10),
        ("RESOLVE_CACHED", 0x20),
    ],
    unknown: "RESOLVE_???",
};

/// open's and openat's mode argument is there only with O_CREAT or __O_TMPFILE.
pub fn open_takes_mode(flags: u64) -> bool {
    flags & (O_CREAT | O_TMPFILE_BIT) != 0
}

/// open(2)-style flags: always the access mode first (`O_RDONLY` for 0,
/// `O_ACCMODE` for 3), then known flags, then leftover bits in hex:
/// `O_WRONLY|O_CREAT|0x80000000`.  Raw: `0x80041`; verbose:
/// `0x41 /* O_WRONLY|O_CREAT */` (zero: `0 /* O_RDONLY */`).
/// `openat2` adds the openat2-only flags (`OPENAT2_REGULAR`).
pub fn write_open_flags(out: &mut String, flags: u64, openat2: bool, style: Style) {
    match style {
        Style::Raw => write_hex(out, flags),
        Style::Abbrev => write_open_flag_names(out, flags, openat2),
        Style::Verbose => {
            write_hex(out, flags);
            out.push_str(" /* ");
            write_open_flag_names(out, flags, openat2);
            out.push_str(" */");
        }
    }
}

fn write_open_flag_names(out: &mut String, flags: u64, openat2: bool) {
    let mut written = 0;
    let mut rest = flags;
    if let Some(name) = OPEN_ACCESS_MODES.lookup(flags & O_ACCMODE) {
        out.push_str(name);
        written = 1;
        rest &= !O_ACCMODE;
    }
    let tables: &[&Xlat] = if openat2 {
        &[&OPEN_FLAGS, &OPENAT2_FLAGS]
    } else {
        &[&OPEN_FLAGS]
    };
    let (rest, written) = write_flag_names(out, rest, tables, written);
    if rest != 0 {
        if written != 0 {
            out.push('|');
        }
        write_hex(out, rest);
    }
}

/// openat2's `struct open_how *how` argument, given the `size` argument.
pub(crate) fn write_open_how(out: &mut String, addr: u64, size: u64, mem: &Memory, style: Style) {
    if size < OPEN_HOW_SIZE as u64 || addr == 0 {
        write_address(out, addr);
        return;
    }
    let (data, complete) = match *mem {
        Memory::Bytes { data, complete } if data.len() >= OPEN_HOW_SIZE => (data, complete),
        _ => {
            write_hex(out, addr);
            return;
        }
    };
    let field = |i: usize| Le(data).u64(i * 8).unwrap_or(0);
    let (flags, mode, resolve) = (field(0), field(1), field(2));

    out.push_str("{flags=");
    write_open_flags(out, flags, true, style);
    if flags & (O_CREAT | O_TMPFILE_BIT) != 0 || mode != 0 {
        out.push_str(", mode=");
        write_octal_mode(out, mode);
    }
    out.push_str(", resolve=");
    write_flags(out, resolve, &RESOLVE_FLAGS, style);
    write_struct_tail(out, data, complete, OPEN_HOW_SIZE, size);
    out.push('}');
}

/// For a `size` larger than the struct's (`struct_size`), strace shows the
/// non-zero bytes past the struct (up to a page): `, /* bytes 24..39 */
/// "\x34\x12..."`, at most 32 bytes then `...`, or `, ???` when they could
/// not be read (`complete` false: the struct was, what lies past it was
/// not). Bytes past the end of `data` are taken as zero.
pub(crate) fn write_struct_tail(
    out: &mut String,
    data: &[u8],
    complete: bool,
    struct_size: usize,
    size: u64,
) {
    if size <= struct_size as u64 {
        return;
    }
    if !complete {
        out.push_str(", ???");
        return;
    }
    let total = usize::try_from(size.min(PAGE_SIZE)).unwrap_or(PATH_MAX);
    let tail = data.get(struct_size..total.min(data.len())).unwrap_or(&[]);
    if tail.iter().all(|&b| b == 0) {
        return;
    }
    let tail_len = total.saturating_sub(struct_size);
    let shown = tail_len.min(MAX_STRLEN);
    let mut bytes = [0u8; MAX_STRLEN];
    for (dst, src) in bytes.iter_mut().zip(tail) {
        *dst = *src;
    }
    let _ = write!(
        out,
        ", /* bytes {}..{} */ ",
        struct_size,
        total.saturating_sub(1)
    );
    write_hex_quoted(out, bytes.get(..shown).unwrap_or(&[]), shown < tail_len);
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn kernel_values() {
        // x86_64 values per include/uapi/asm-generic/fcntl.h.
        let v = |n: &str| OPEN_FLAGS.entries.iter().find(|e| e.0 == n).map(|e| e.1);
        assert_eq!(v("O_CREAT"), Some(0x40));
        assert_eq!(v("O_DSYNC"), Some(0x1000));
        assert_eq!(v("FASYNC"), Some(0x2000));
        assert_eq!(v("O_DIRECT"), Some(0x4000));
        assert_eq!(v("O_LARGEFILE"), Some(0x8000));
        assert_eq!(v("O_DIRECTORY"), Some(0x10000));
        assert_eq!(v("O_CLOEXEC"), Some(0x80000));
        assert_eq!(v("O_SYNC"), Some(0x101000));
        assert_eq!(v("O_PATH"), Some(0x200000));
        assert_eq!(v("O_TMPFILE"), Some(0x410000));
        assert_eq!(v("O_EMPTYPATH"), Some(0x4000000));
        assert_eq!(O_CREAT | O_TMPFILE_BIT, 0x400040);
    }

    #[test]
    fn open_flags_composites() {
        let cases: &[(u64, &str)] = &[
            (0x101000, "O_SYNC"),
            (0x100000, "__O_SYNC"),
            (0x1000, "O_DSYNC"),
            (0x410000, "O_TMPFILE"),
            (0x400000, "__O_TMPFILE"),
            (0x10000, "O_DIRECTORY"),
            (0x101800, "O_NONBLOCK|O_SYNC"),
            (0x80000020, "0x80000020 /* O_??? */"),
            (0x426e700, "O_NOCTTY|O_TRUNC|O_APPEND|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_PATH|O_EMPTYPATH|FASYNC"),
        ];
        for &(v, want) in cases {
            assert_eq!(f(v, &OPEN_FLAGS), want);
        }
    }

    #[test]
    fn resolve_flags() {
        assert_eq!(
            f(0x3f, &RESOLVE_FLAGS),
            "RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH|RESOLVE_IN_ROOT|RESOLVE_CACHED"
        );
        assert_eq!(f(0x40, &RESOLVE_FLAGS), "0x40 /* RESOLVE_??? */");
        assert_eq!(f(0x88, &RESOLVE_FLAGS), "RESOLVE_BENEATH|0x80");
        assert_eq!(f(0, &RESOLVE_FLAGS), "0");
    }

    #[test]
    fn openat() {
        let m = [s(b"/etc/hostname"), Memory::Null];
        check(
            &call(OPENAT, &[CWD, P, 0x80000], m, 3),
            r#"openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3"#,
            r#"openat(-100, "/etc/hostname", 0x80000) = 3"#,
            r#"openat(-100 /* AT_FDCWD */, "/etc/hostname", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 3"#,
        );
        let m = [s(b"/nonexist"), Memory::Null];
        check(
            &call(OPENAT, &[CWD, P, 0], m, -2),
            r#"openat(AT_FDCWD, "/nonexist", O_RDONLY) = -1 ENOENT (No such file or directory)"#,
            r#"openat(-100, "/nonexist", 0) = -1 ENOENT (No such file or directory)"#,
            r#"openat(-100 /* AT_FDCWD */, "/nonexist", 0 /* O_RDONLY */) = -1 ENOENT (No such file or directory)"#,
        );
        let m = [s(b"/x"), Memory::Null];
        // dirfd: only the low 32 bits, as int.
        check(
            &call(OPENAT, &[0xdeadbeef_00000003, P, 1], m, -2),
            r#"openat(3, "/x", O_WRONLY) = -1 ENOENT (No such file or directory)"#,
            r#"openat(3, "/x", 0x1) = -1 ENOENT (No such file or directory)"#,
            r#"openat(3, "/x", 0x1 /* O_WRONLY */) = -1 ENOENT (No such file or directory)"#,
        );
        check(
            &call(OPENAT, &[0xffff_ff9c, P, 3], m, 5),
            r#"openat(AT_FDCWD, "/x", O_ACCMODE) = 5"#,
            r#"openat(-100, "/x", 0x3) = 5"#,
            r#"openat(-100 /* AT_FDCWD */, "/x", 0x3 /* O_ACCMODE */) = 5"#,
        );
        // Flags are an int (upper half ignored); O_CREAT => mode.
        check(
            &call(OPENAT, &[CWD, P, 0x1_0000_0040, 0o644], m, 6),
            r#"openat(AT_FDCWD, "/x", O_RDONLY|O_CREAT, 0644) = 6"#,
            r#"openat(-100, "/x", 0x40, 0644) = 6"#,
            r#"openat(-100 /* AT_FDCWD */, "/x", 0x40 /* O_RDONLY|O_CREAT */, 0644) = 6"#,
        );
        check(
            &call(OPENAT, &[-5i64 as u64, P, 0x43, 0], m, 7),
            r#"openat(-5, "/x", O_ACCMODE|O_CREAT, 000) = 7"#,
            r#"openat(-5, "/x", 0x43, 000) = 7"#,
            r#"openat(-5, "/x", 0x43 /* O_ACCMODE|O_CREAT */, 000) = 7"#,
        );
        let cases: &[(u64, u64, &str)] = &[
            (
                0xc1,
                0o100644,
                r#"openat(7, "/x", O_WRONLY|O_CREAT|O_EXCL, 0100644) = 3"#,
            ),
            // umode_t is 16 bits: 0x12345 prints as 021505.
            (
                0x41,
                0x12345,
                r#"openat(7, "/x", O_WRONLY|O_CREAT, 021505) = 3"#,
            ),
            (
                0x41,
                0o7777,
                r#"openat(7, "/x", O_WRONLY|O_CREAT, 07777) = 3"#,
            ),
            (0x41, 5, r#"openat(7, "/x", O_WRONLY|O_CREAT, 005) = 3"#),
            (
                0x410002,
                0o600,
                r#"openat(7, "/x", O_RDWR|O_TMPFILE, 0600) = 3"#,
            ),
            (
                0x400002,
                0o600,
                r#"openat(7, "/x", O_RDWR|__O_TMPFILE, 0600) = 3"#,
            ),
            (
                0x10000,
                0o600,
                r#"openat(7, "/x", O_RDONLY|O_DIRECTORY) = 3"#,
            ),
            (
                0x101800,
                0o600,
                r#"openat(7, "/x", O_RDONLY|O_NONBLOCK|O_SYNC) = 3"#,
            ),
            (0x100000, 0o600, r#"openat(7, "/x", O_RDONLY|__O_SYNC) = 3"#),
            (0x1000, 0o600, r#"openat(7, "/x", O_RDONLY|O_DSYNC) = 3"#),
            (
                0x80000020,
                0o600,
                r#"openat(7, "/x", O_RDONLY|0x80000020) = 3"#,
            ),
            (
                0x80000001,
                0o600,
                r#"openat(7, "/x", O_WRONLY|0x80000000) = 3"#,
            ),
            // 6.1 printed "...|FASYNC|0x4000000": 7.2 knows O_EMPTYPATH.
            (
                0x426e700,
                0,
                r#"openat(7, "/x", O_RDONLY|O_NOCTTY|O_TRUNC|O_APPEND|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_PATH|O_EMPTYPATH|FASYNC) = 3"#,
            ),
        ];
        for &(flags, mode, want) in cases {
            let c = call(OPENAT, &[7, P, flags, mode], m, 3);
            assert_eq!(render(&c, Style::Abbrev), want);
        }
        let c = call(OPENAT, &[7, P, 0x80000020], m, 3);
        assert_eq!(
            render(&c, Style::Verbose),
            r#"openat(7, "/x", 0x80000020 /* O_RDONLY|0x80000020 */) = 3"#
        );
    }

    #[test]
    fn open_and_creat() {
        let m = [s(b"/x"), Memory::Null];
        check(
            &call(OPEN, &[P, 0x80000], m, 15),
            r#"open("/x", O_RDONLY|O_CLOEXEC) = 15"#,
            r#"open("/x", 0x80000) = 15"#,
            r#"open("/x", 0x80000 /* O_RDONLY|O_CLOEXEC */) = 15"#,
        );
        check(
            &call(OPEN, &[P, 0x241, 0o666], m, 16),
            r#"open("/x", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 16"#,
            r#"open("/x", 0x241, 0666) = 16"#,
            r#"open("/x", 0x241 /* O_WRONLY|O_CREAT|O_TRUNC */, 0666) = 16"#,
        );
        let c = call(CREAT, &[P, 0o644], m, 17);
        check(
            &c,
            r#"creat("/x", 0644) = 17"#,
            r#"creat("/x", 0644) = 17"#,
            r#"creat("/x", 0644) = 17"#,
        );
        let c = call(CREAT, &[P, 0x12345], m, 18);
        assert_eq!(render(&c, Style::Abbrev), r#"creat("/x", 021505) = 18"#);
        let c = call(CREAT, &[0, 0], U, -14);
        assert_eq!(
            render(&c, Style::Abbrev),
            "creat(NULL, 000) = -1 EFAULT (Bad address)"
        );
    }

    #[test]
    fn openat2() {
        let h = how(0x80000, 0, 0);
        let m = [s(b"/x"), s(&h)];
        check(
            &call(OPENAT2, &[CWD, P, P, 24], m, 19),
            r#"openat2(AT_FDCWD, "/x", {flags=O_RDONLY|O_CLOEXEC, resolve=0}, 24) = 19"#,
            r#"openat2(-100, "/x", {flags=0x80000, resolve=0}, 24) = 19"#,
            r#"openat2(-100 /* AT_FDCWD */, "/x", {flags=0x80000 /* O_RDONLY|O_CLOEXEC */, resolve=0}, 24) = 19"#,
        );
        let h = how(0x41, 0o644, 0x3f);
        let m = [s(b"/x"), s(&h)];
        check(
            &call(OPENAT2, &[3, P, P, 24], m, -22),
            r#"openat2(3, "/x", {flags=O_WRONLY|O_CREAT, mode=0644, resolve=RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH|RESOLVE_IN_ROOT|RESOLVE_CACHED}, 24) = -1 EINVAL (Invalid argument)"#,
            r#"openat2(3, "/x", {flags=0x41, mode=0644, resolve=0x3f}, 24) = -1 EINVAL (Invalid argument)"#,
            r#"openat2(3, "/x", {flags=0x41 /* O_WRONLY|O_CREAT */, mode=0644, resolve=0x3f /* RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH|RESOLVE_IN_ROOT|RESOLVE_CACHED */}, 24) = -1 EINVAL (Invalid argument)"#,
        );
        // mode printed when non-zero even without O_CREAT; unknown resolve bits.
        let h = how(2, 0o755, 0x40);
        let m = [s(b"/x"), s(&h)];
        check(
            &call(OPENAT2, &[3, P, P, 24], m, -22),
            r#"openat2(3, "/x", {flags=O_RDWR, mode=0755, resolve=0x40 /* RESOLVE_??? */}, 24) = -1 EINVAL (Invalid argument)"#,
            r#"openat2(3, "/x", {flags=0x2, mode=0755, resolve=0x40}, 24) = -1 EINVAL (Invalid argument)"#,
            r#"openat2(3, "/x", {flags=0x2 /* O_RDWR */, mode=0755, resolve=0x40 /* RESOLVE_??? */}, 24) = -1 EINVAL (Invalid argument)"#,
        );
        // 64-bit flags: OPENAT2_REGULAR (7.2; 6.1 printed O_RDWR|0x100000000).
        let h = how(0x1_0000_0002, 0, 0x88);
        let m = [s(b"/x"), s(&h)];
        check(
            &call(OPENAT2, &[3, P, P, 24], m, -22),
            r#"openat2(3, "/x", {flags=O_RDWR|OPENAT2_REGULAR, resolve=RESOLVE_BENEATH|0x80}, 24) = -1 EINVAL (Invalid argument)"#,
            r#"openat2(3, "/x", {flags=0x100000002, resolve=0x88}, 24) = -1 EINVAL (Invalid argument)"#,
            r#"openat2(3, "/x", {flags=0x100000002 /* O_RDWR|OPENAT2_REGULAR */, resolve=0x88 /* RESOLVE_BENEATH|0x80 */}, 24) = -1 EINVAL (Invalid argument)"#,
        );
        let h = how(0x8000_0000_0041_0000, 0o1000000, 0);
        let m = [s(b"/x"), s(&h)];
        assert_eq!(
            render(&call(OPENAT2, &[3, P, P, 24], m, -22), Style::Abbrev),
            r#"openat2(3, "/x", {flags=O_RDONLY|O_TMPFILE|0x8000000000000000, mode=01000000, resolve=0}, 24) = -1 EINVAL (Invalid argument)"#
        );
        // size < 24: address only; NULL; unreadable.
        let h = how(0, 0, 0);
        let m = [s(b"/x"), s(&h)];
        assert_eq!(
            render(
                &call(OPENAT2, &[3, P, 0x7ffc73c2acf0, 16], m, -22),
                Style::Abbrev
            ),
            r#"openat2(3, "/x", 0x7ffc73c2acf0, 16) = -1 EINVAL (Invalid argument)"#
        );
        let m = [s(b"/x"), Memory::Null];
        assert_eq!(
            render(&call(OPENAT2, &[3, P, 0, 24], m, -14), Style::Verbose),
            r#"openat2(3, "/x", NULL, 24) = -1 EFAULT (Bad address)"#
        );
        let m = [s(b"/x"), Memory::Unreadable];
        assert_eq!(
            render(&call(OPENAT2, &[3, P, 0x1000, 24], m, -14), Style::Abbrev),
            r#"openat2(3, "/x", 0x1000, 24) = -1 EFAULT (Bad address)"#
        );
        // Too few bytes read counts as unreadable.
        let m = [s(b"/x"), s(&h[..10])];
        assert_eq!(
            render(&call(OPENAT2, &[3, P, 0x1000, 24], m, -14), Style::Abbrev),
            r#"openat2(3, "/x", 0x1000, 24) = -1 EFAULT (Bad address)"#
        );
    }

    #[test]
    fn openat2_oversized() {
        let mut big = how(0, 0, 0);
        big.extend_from_slice(&[0; 16]);
        let m = [s(b"/x"), s(&big)];
        assert_eq!(
            render(&call(OPENAT2, &[3, P, P, 40], m, 20), Style::Abbrev),
            r#"openat2(3, "/x", {flags=O_RDONLY, resolve=0}, 40) = 20"#
        );
        big[24] = 0x34;
        big[25] = 0x12;
        let m = [s(b"/x"), s(&big)];
        check(
            &call(OPENAT2, &[3, P, P, 40], m, -7),
            r#"openat2(3, "/x", {flags=O_RDONLY, resolve=0, /* bytes 24..39 */ "\x34\x12\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}, 40) = -1 E2BIG (Argument list too long)"#,
            r#"openat2(3, "/x", {flags=0, resolve=0, /* bytes 24..39 */ "\x34\x12\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}, 40) = -1 E2BIG (Argument list too long)"#,
            r#"openat2(3, "/x", {flags=0 /* O_RDONLY */, resolve=0, /* bytes 24..39 */ "\x34\x12\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}, 40) = -1 E2BIG (Argument list too long)"#,
        );
        // size 28: only the first 28 bytes count.
        assert_eq!(
            render(&call(OPENAT2, &[3, P, P, 28], m, -7), Style::Abbrev),
            r#"openat2(3, "/x", {flags=O_RDONLY, resolve=0, /* bytes 24..27 */ "\x34\x12\x00\x00"}, 28) = -1 E2BIG (Argument list too long)"#
        );
        // The tail could not be read.
        let m = [
            s(b"/x"),
            Memory::Bytes {
                data: &big[..24],
                complete: false,
            },
        ];
        assert_eq!(
            render(&call(OPENAT2, &[3, P, P, 32], m, -14), Style::Abbrev),
            r#"openat2(3, "/x", {flags=O_RDONLY, resolve=0, ???}, 32) = -1 EFAULT (Bad address)"#
        );
        // More than 32 tail bytes: 32 shown, then "...", range capped at a page.
        let mut huge = how(0, 0, 0);
        huge.extend_from_slice(&[1; 100]);
        let m = [s(b"/x"), s(&huge)];
        let want = format!(
            r#"openat2(3, "/x", {{flags=O_RDONLY, resolve=0, /* bytes 24..4095 */ "{}"...}}, 100000) = -1 E2BIG (Argument list too long)"#,
            r"\x01".repeat(32)
        );
        assert_eq!(
            render(&call(OPENAT2, &[3, P, P, 100000], m, -7), Style::Abbrev),
            want
        );
    }
}

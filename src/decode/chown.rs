//! chown, lchown, fchownat and ia32's chown32, lchown32 (strace's
//! src/uid.c and src/fchownat.c): owner and group ids.

use std::fmt::Write;

/// A uid or gid as strace's `printuid`: `-1` (the "unchanged" id) as
/// such, any other value unsigned. `bits` is the id's width: 16 for
/// ia32's original chown and lchown, 32 otherwise.
pub(crate) fn write_id(out: &mut String, raw: u64, bits: u32) {
    let id = raw & (u64::MAX >> (64 - bits));
    if id == u64::MAX >> (64 - bits) {
        out.push_str("-1");
    } else {
        let _ = write!(out, "{id}");
    }
}

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::stat::AT_FLAGS;
    use super::super::testing::*;
    use super::super::xlat::Style;
    use super::*;

    #[test]
    fn ids() {
        let id = |raw: u64, bits: u32| {
            let mut o = String::new();
            write_id(&mut o, raw, bits);
            o
        };
        assert_eq!(id(u64::MAX, 32), "-1");
        assert_eq!(id(0xdead_beef_ffff_ffff, 32), "-1");
        assert_eq!(id(0xffff_fffe, 32), "4294967294");
        assert_eq!(id(0xdead_0000_0000_0007, 32), "7");
        assert_eq!(id(0xffff, 16), "-1");
        assert_eq!(id(0xffff, 32), "65535");
        assert_eq!(id(0x1_0005, 16), "5");
    }

    #[test]
    fn chown_calls() {
        let m = [s(b"f"), Memory::Null];
        check(
            &call(FCHOWNAT, &[CWD, P, u64::MAX, 0xffff_ffff, 0x1100], m, 0),
            r#"fchownat(AT_FDCWD, "f", -1, -1, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH) = 0"#,
            r#"fchownat(-100, "f", -1, -1, 0x1100) = 0"#,
            r#"fchownat(-100 /* AT_FDCWD */, "f", -1, -1, 0x1100 /* AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH */) = 0"#,
        );
        assert_eq!(AT_FLAGS.unknown, "AT_???");
        assert_eq!(
            render(&call(CHOWN, &[P, 0xffff, 1000], m, 0), Style::Abbrev),
            r#"chown("f", 65535, 1000) = 0"#
        );
        // ia32's chown takes 16-bit ids: 0xffff is -1 there.
        let mut c = call(CHOWN, &[P, 0xffff, 0x1_0005], m, 0);
        c.compat = true;
        assert_eq!(render(&c, Style::Abbrev), r#"chown("f", -1, 5) = 0"#);
        let mut c = call(LCHOWN32, &[P, 0xffff, 0xffff_ffff], m, 0);
        c.compat = true;
        assert_eq!(render(&c, Style::Abbrev), r#"lchown32("f", 65535, -1) = 0"#);
    }
}

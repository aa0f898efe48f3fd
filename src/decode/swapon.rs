//! swapon, swapoff (strace's src/swapon.c): swapon's flags, which carry
//! the swap priority in their low bits.

use std::fmt::Write;

use super::xlat::{write_flags, Style, Xlat};

/// swapon(2) flags above the priority.
pub static SWAP_FLAGS: Xlat = Xlat {
    entries: &[
        ("SWAP_FLAG_PREFER", 0x8000),
        ("SWAP_FLAG_DISCARD", 0x10000),
        ("SWAP_FLAG_DISCARD_ONCE", 0x20000),
        ("SWAP_FLAG_DISCARD_PAGES", 0x40000),
    ],
    unknown: "SWAP_FLAG_???",
};

/// `SWAP_FLAG_PRIO_MASK`: the priority, printed as a number.
const PRIO_MASK: u64 = 0x7fff;

/// swapon's flags: the flags if any, `|`, then the priority in decimal:
/// `SWAP_FLAG_PREFER|10`, `0`.
pub(crate) fn write_swap_flags(out: &mut String, flags: u64, style: Style) {
    let rest = flags & !PRIO_MASK;
    if rest != 0 {
        write_flags(out, rest, &SWAP_FLAGS, style);
        out.push('|');
    }
    let _ = write!(out, "{}", flags & PRIO_MASK);
}

#[cfg(test)]
mod tests {
    use super::super::call::Memory;
    use super::super::testing::*;
    use super::*;

    #[test]
    fn swaps() {
        let m = [s(b"swap"), Memory::Null];
        check(
            &call(SWAPON, &[P, 0xdead_0000_800a], m, 0),
            r#"swapon("swap", SWAP_FLAG_PREFER|10) = 0"#,
            r#"swapon("swap", 0x8000|10) = 0"#,
            r#"swapon("swap", 0x8000 /* SWAP_FLAG_PREFER */|10) = 0"#,
        );
        check(
            &call(SWAPON, &[P, 0x8007_0000], m, -22),
            r#"swapon("swap", SWAP_FLAG_DISCARD|SWAP_FLAG_DISCARD_ONCE|SWAP_FLAG_DISCARD_PAGES|0x80000000|0) = -1 EINVAL (Invalid argument)"#,
            r#"swapon("swap", 0x80070000|0) = -1 EINVAL (Invalid argument)"#,
            r#"swapon("swap", 0x80070000 /* SWAP_FLAG_DISCARD|SWAP_FLAG_DISCARD_ONCE|SWAP_FLAG_DISCARD_PAGES|0x80000000 */|0) = -1 EINVAL (Invalid argument)"#,
        );
        check(
            &call(SWAPON, &[P, 0x8000_0000], m, -22),
            r#"swapon("swap", 0x80000000 /* SWAP_FLAG_??? */|0) = -1 EINVAL (Invalid argument)"#,
            r#"swapon("swap", 0x80000000|0) = -1 EINVAL (Invalid argument)"#,
            r#"swapon("swap", 0x80000000 /* SWAP_FLAG_??? */|0) = -1 EINVAL (Invalid argument)"#,
        );
        check(
            &call(SWAPOFF, &[P], m, -1),
            r#"swapoff("swap") = -1 EPERM (Operation not permitted)"#,
            r#"swapoff("swap") = -1 EPERM (Operation not permitted)"#,
            r#"swapoff("swap") = -1 EPERM (Operation not permitted)"#,
        );
        assert_eq!(
            render(&call(SWAPON, &[P, 0], m, 0), Style::Verbose),
            r#"swapon("swap", 0) = 0"#
        );
    }
}

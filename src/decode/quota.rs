//! quotactl (strace's src/quota.c): its command, `QCMD(Q_GETQUOTA,
//! USRQUOTA)`, and what `id` and `addr` are for each subcommand: a quota
//! format, a uid, the quota file's path, or one of the quota structures,
//! read as the call's input or filled by it.

use std::fmt::Write;

use super::call::{output, write_address, Call, Le, Memory};
use super::table::Values;
use super::xlat::{write_flags, write_value, Style, Xlat};

/// The subcommand is the command's upper bits, the quota type its low byte.
const SUBCMDSHIFT: u8 = 8;

const fn old_cmd(cmd: u32) -> u32 {
    cmd << SUBCMDSHIFT
}
const fn new_cmd(cmd: u32) -> u32 {
    cmd | 0x80_0000
}
const fn xqm_cmd(cmd: u32) -> u32 {
    (b'X' as u32) << 8 | cmd
}

const Q_SYNC: u32 = new_cmd(1);
const Q_QUOTAON: u32 = new_cmd(2);
const Q_QUOTAOFF: u32 = new_cmd(3);
const Q_GETFMT: u32 = new_cmd(4);
const Q_GETINFO: u32 = new_cmd(5);
const Q_SETINFO: u32 = new_cmd(6);
const Q_GETQUOTA: u32 = new_cmd(7);
const Q_SETQUOTA: u32 = new_cmd(8);
const Q_GETNEXTQUOTA: u32 = new_cmd(9);
const Q_XQUOTAON: u32 = xqm_cmd(1);
const Q_XQUOTAOFF: u32 = xqm_cmd(2);
const Q_XGETQUOTA: u32 = xqm_cmd(3);
const Q_XSETQLIM: u32 = xqm_cmd(4);
const Q_XGETQSTAT: u32 = xqm_cmd(5);
const Q_XQUOTARM: u32 = xqm_cmd(6);
const Q_XQUOTASYNC: u32 = xqm_cmd(7);
const Q_XGETQSTATV: u32 = xqm_cmd(8);
const Q_XGETNEXTQUOTA: u32 = xqm_cmd(9);

/// The subcommands, as strace's quotacmds table.
static QUOTA_CMDS: Xlat = Xlat {
    entries: &[
        ("Q_V1_QUOTAON", old_cmd(0x1) as u64),
        ("Q_V1_QUOTAOFF", old_cmd(0x2) as u64),
        ("Q_V1_GETQUOTA", old_cmd(0x3) as u64),
        ("Q_V1_SETQUOTA", old_cmd(0x4) as u64),
        ("Q_V1_SETUSE", old_cmd(0x5) as u64),
        ("Q_V1_SYNC", old_cmd(0x6) as u64),
        ("Q_SETQLIM", old_cmd(0x7) as u64),
        ("Q_V1_GETSTATS", old_cmd(0x8) as u64),
        ("Q_V1_RSQUASH", old_cmd(0x10) as u64),
        ("Q_V2_GETQUOTA", old_cmd(0xD) as u64),
        ("Q_V2_SETQUOTA", old_cmd(0xE) as u64),
        ("Q_V2_SETUSE", old_cmd(0xF) as u64),
        ("Q_V2_GETINFO", old_cmd(0x9) as u64),
        ("Q_V2_SETINFO", old_cmd(0xA) as u64),
        ("Q_V2_SETGRACE", old_cmd(0xB) as u64),
        ("Q_V2_SETFLAGS", old_cmd(0xC) as u64),
        ("Q_V2_GETSTATS", old_cmd(0x11) as u64),
        ("Q_SYNC", Q_SYNC as u64),
        ("Q_QUOTAON", Q_QUOTAON as u64),
        ("Q_QUOTAOFF", Q_QUOTAOFF as u64),
        ("Q_GETFMT", Q_GETFMT as u64),
        ("Q_GETINFO", Q_GETINFO as u64),
        ("Q_SETINFO", Q_SETINFO as u64),
        ("Q_GETQUOTA", Q_GETQUOTA as u64),
        ("Q_SETQUOTA", Q_SETQUOTA as u64),
        ("Q_GETNEXTQUOTA", Q_GETNEXTQUOTA as u64),
        ("Q_XQUOTAON", Q_XQUOTAON as u64),
        ("Q_XQUOTAOFF", Q_XQUOTAOFF as u64),
        ("Q_XGETQUOTA", Q_XGETQUOTA as u64),
        ("Q_XSETQLIM", Q_XSETQLIM as u64),
        ("Q_XGETQSTAT", Q_XGETQSTAT as u64),
        ("Q_XQUOTARM", Q_XQUOTARM as u64),
        ("Q_XQUOTASYNC", Q_XQUOTASYNC as u64),
        ("Q_XGETQSTATV", Q_XGETQSTATV as u64),
        ("Q_XGETNEXTQUOTA", Q_XGETNEXTQUOTA as u64),
    ],
    unknown: "Q_???",
};

static QUOTA_TYPES: Xlat = Xlat {
    entries: &[("USRQUOTA", 0), ("GRPQUOTA", 1), ("PRJQUOTA", 2)],
    unknown: "???QUOTA",
};

/// Q_QUOTAON's `id` and what Q_GETFMT returns.
pub static QUOTA_FORMATS: Xlat = Xlat {
    entries: &[
        ("QFMT_VFS_OLD", 1),
        ("QFMT_VFS_V0", 2),
        ("QFMT_OCFS2", 3),
        ("QFMT_VFS_V1", 4),
        ("QFMT_SHMEM", 5),
    ],
    unknown: "QFMT_???",
};

static XFS_QUOTA_FLAGS: Xlat = Xlat {
    entries: &[
        ("FS_QUOTA_UDQ_ACCT", 1),
        ("FS_QUOTA_UDQ_ENFD", 2),
        ("FS_QUOTA_GDQ_ACCT", 4),
        ("FS_QUOTA_GDQ_ENFD", 8),
        ("FS_QUOTA_PDQ_ACCT", 0x10),
        ("FS_QUOTA_PDQ_ENFD", 0x20),
    ],
    unknown: "FS_QUOTA_???",
};

static XFS_DQBLK_FLAGS: Xlat = Xlat {
    entries: &[
        ("FS_USER_QUOTA", 1),
        ("FS_PROJ_QUOTA", 2),
        ("FS_GROUP_QUOTA", 4),
    ],
    unknown: "FS_???_QUOTA",
};

static IF_DQBLK_VALID: Xlat = Xlat {
    entries: &[
        ("QIF_BLIMITS", 1 << 0),
        ("QIF_SPACE", 1 << 1),
        ("QIF_ILIMITS", 1 << 2),
        ("QIF_INODES", 1 << 3),
        ("QIF_BTIME", 1 << 4),
        ("QIF_ITIME", 1 << 5),
    ],
    unknown: "QIF_???",
};

static IF_DQINFO_FLAGS: Xlat = Xlat {
    entries: &[("DQF_ROOT_SQUASH", 1 << 0), ("DQF_SYS_FILE", 1 << 16)],
    unknown: "DQF_???",
};

static IF_DQINFO_VALID: Xlat = Xlat {
    entries: &[
        ("IIF_BGRACE", 1 << 0),
        ("IIF_IGRACE", 1 << 1),
        ("IIF_FLAGS", 1 << 2),
    ],
    unknown: "IIF_???",
};

/// The subcommands among `cmds`, of quotactl's command (argument 0).
const fn subcmds(cmds: &[u32]) -> Values {
    Values::of(0, SUBCMDSHIFT, cmds)
}

pub const QUOTAON: Values = subcmds(&[Q_QUOTAON]);
pub const GETQUOTA: Values = subcmds(&[Q_GETQUOTA]);
pub const SETQUOTA: Values = subcmds(&[Q_SETQUOTA]);
pub const GETNEXTQUOTA: Values = subcmds(&[Q_GETNEXTQUOTA]);
pub const GETFMT: Values = subcmds(&[Q_GETFMT]);
pub const GETINFO: Values = subcmds(&[Q_GETINFO]);
pub const SETINFO: Values = subcmds(&[Q_SETINFO]);
pub const XGETQUOTA: Values = subcmds(&[Q_XGETQUOTA, Q_XGETNEXTQUOTA]);
pub const XSETQLIM: Values = subcmds(&[Q_XSETQLIM]);
pub const XGETQSTAT: Values = subcmds(&[Q_XGETQSTAT]);
pub const XGETQSTATV: Values = subcmds(&[Q_XGETQSTATV]);
pub const XQUOTAONOFF: Values = subcmds(&[Q_XQUOTAON, Q_XQUOTAOFF]);
pub const XQUOTARM: Values = subcmds(&[Q_XQUOTARM]);
/// The subcommands whose `id` is no uid (Q_QUOTAON's is a format).
pub const NO_UID: &[Values] = &[
    subcmds(&[
        Q_SYNC, Q_QUOTAON, Q_QUOTAOFF, Q_GETFMT, Q_GETINFO, Q_SETINFO,
    ]),
    subcmds(&[
        Q_XQUOTAON,
        Q_XQUOTAOFF,
        Q_XGETQSTAT,
        Q_XQUOTARM,
        Q_XQUOTASYNC,
        Q_XGETQSTATV,
    ]),
];
/// The subcommands whose `addr` is more than an address, or nothing.
pub const KNOWN: &[Values] = &[
    subcmds(&[
        Q_SYNC,
        Q_QUOTAON,
        Q_QUOTAOFF,
        Q_GETFMT,
        Q_GETINFO,
        Q_SETINFO,
        Q_GETQUOTA,
        Q_SETQUOTA,
        Q_GETNEXTQUOTA,
    ]),
    subcmds(&[
        Q_XQUOTAON,
        Q_XQUOTAOFF,
        Q_XGETQUOTA,
        Q_XSETQLIM,
        Q_XGETQSTAT,
        Q_XQUOTARM,
        Q_XQUOTASYNC,
        Q_XGETQSTATV,
        Q_XGETNEXTQUOTA,
    ]),
];

/// quotactl's command: `QCMD(Q_GETQUOTA, USRQUOTA)`, its number in
/// decimal under -X raw, both under -X verbose.
pub fn write_quota_cmd(out: &mut String, qcmd: u32, style: Style) {
    if style != Style::Abbrev {
        let _ = write!(out, "{qcmd}");
    }
    if style == Style::Raw {
        return;
    }
    if style == Style::Verbose {
        out.push_str(" /* ");
    }
    out.push_str("QCMD(");
    write_value(
        out,
        u64::from(qcmd >> SUBCMDSHIFT),
        &QUOTA_CMDS,
        Style::Abbrev,
    );
    out.push_str(", ");
    write_value(out, u64::from(qcmd & 0xff), &QUOTA_TYPES, Style::Abbrev);
    out.push(')');
    if style == Style::Verbose {
        out.push_str(" */");
    }
}

/// What `addr` points to, by subcommand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaData {
    /// `struct if_dqblk` (Q_GETQUOTA, Q_SETQUOTA), packed as strace reads it.
    Dqblk,
    /// `struct if_nextdqblk` (Q_GETNEXTQUOTA).
    NextDqblk,
    /// `struct if_dqinfo` (Q_GETINFO, Q_SETINFO).
    Dqinfo,
    /// The quota format, a `__u32` (Q_GETFMT).
    Format,
    /// XFS's `struct fs_disk_quota` (Q_XGETQUOTA, Q_XSETQLIM, ...).
    DiskQuota,
    /// XFS's `struct fs_quota_stat` (Q_XGETQSTAT), smaller on ia32.
    QuotaStat,
    /// XFS's `struct fs_quota_statv` (Q_XGETQSTATV).
    QuotaStatv,
    /// XFS's quota flags, a `__u32` (Q_XQUOTAON, Q_XQUOTAOFF).
    XfsFlags,
    /// XFS's quota types, a `__u32` (Q_XQUOTARM).
    XfsTypes,
}

impl QuotaData {
    /// Its size for the caller's ABI: what the kernel copies.
    pub fn size(self, compat: bool) -> u16 {
        match self {
            QuotaData::Dqblk => 68,
            QuotaData::NextDqblk => 72,
            QuotaData::Dqinfo => 24,
            QuotaData::Format | QuotaData::XfsFlags | QuotaData::XfsTypes => 4,
            QuotaData::DiskQuota => 112,
            QuotaData::QuotaStat if compat => 68,
            QuotaData::QuotaStat => 80,
            QuotaData::QuotaStatv => 160,
        }
    }
}

/// `addr` as strace's quota.c prints it for `data`: the structure, or its
/// address when it is an output of a failed call or could not be read.
/// Under abbreviation (no -v) the XFS ones and the limits print in part.
pub fn write_quota(
    out: &mut String,
    call: &Call,
    addr: u64,
    mem: &Memory,
    data: QuotaData,
    filled: bool,
    style: Style,
) {
    let size = usize::from(data.size(call.compat));
    let bytes = if filled {
        output(call, mem, size)
    } else {
        mem.data().filter(|d| d.len() >= size)
    };
    let Some(bytes) = bytes.filter(|_| addr != 0) else {
        write_address(out, addr);
        return;
    };
    let le = Le(bytes);
    let u64_at = |off: usize| le.u64(off).unwrap_or(0);
    let u32_at = |off: usize| le.u32(off).unwrap_or(0);
    let u16_at = |off: usize| le.u16(off).unwrap_or(0);
    let i32_at = |off: usize| le.i32(off).unwrap_or(0);
    let abbrev = !call.detail.verbose;
    let fields = |out: &mut String, names: &[&str], base: usize| {
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{name}={}", u64_at(base + 8 * i));
        }
    };
    match data {
        QuotaData::Dqblk | QuotaData::NextDqblk => {
            out.push('{');
            fields(
                out,
                &[
                    "dqb_bhardlimit",
                    "dqb_bsoftlimit",
                    "dqb_curspace",
                    "dqb_ihardlimit",
                    "dqb_isoftlimit",
                    "dqb_curinodes",
                ],
                0,
            );
            let next = data == QuotaData::NextDqblk;
            if abbrev {
                if next {
                    let _ = write!(out, ", dqb_id={}", u32_at(68));
                }
                out.push_str(", ...");
            } else {
                let _ = write!(
                    out,
                    ", dqb_btime={}, dqb_itime={}, dqb_valid=",
                    u64_at(48),
                    u64_at(56)
                );
                write_flags(out, u32_at(64), &IF_DQBLK_VALID, style);
                if next {
                    let _ = write!(out, ", dqb_id={}", u32_at(68));
                }
            }
            out.push('}');
        }
        QuotaData::Dqinfo => {
            let _ = write!(
                out,
                "{{dqi_bgrace={}, dqi_igrace={}, dqi_flags=",
                u64_at(0),
                u64_at(8)
            );
            write_flags(out, u32_at(16), &IF_DQINFO_FLAGS, style);
            out.push_str(", dqi_valid=");
            write_flags(out, u32_at(20), &IF_DQINFO_VALID, style);
            out.push('}');
        }
        QuotaData::Format => {
            out.push('[');
            write_value(out, u32_at(0), &QUOTA_FORMATS, style);
            out.push(']');
        }
        QuotaData::XfsFlags | QuotaData::XfsTypes => {
            let table = match data {
                QuotaData::XfsFlags => &XFS_QUOTA_FLAGS,
                _ => &XFS_DQBLK_FLAGS,
            };
            out.push('[');
            write_flags(out, u32_at(0), table, style);
            out.push(']');
        }
        QuotaData::DiskQuota => {
            let _ = write!(out, "{{d_version={}, d_flags=", bytes[0] as i8);
            write_flags(out, u64::from(bytes[1]), &XFS_DQBLK_FLAGS, style);
            out.push_str(", d_fieldmask=");
            super::xlat::write_hex(out, u16_at(2));
            let _ = write!(out, ", d_id={}, ", u32_at(4));
            fields(
                out,
                &[
                    "d_blk_hardlimit",
                    "d_blk_softlimit",
                    "d_ino_hardlimit",
                    "d_ino_softlimit",
                    "d_bcount",
                    "d_icount",
                ],
                8,
            );
            if abbrev {
                out.push_str(", ...}");
                return;
            }
            let _ = write!(
                out,
                ", d_itimer={}, d_btimer={}, d_iwarns={}, d_bwarns={}, ",
                i32_at(56),
                i32_at(60),
                u16_at(64),
                u16_at(66)
            );
            fields(
                out,
                &["d_rtb_hardlimit", "d_rtb_softlimit", "d_rtbcount"],
                72,
            );
            let _ = write!(
                out,
                ", d_rtbtimer={}, d_rtbwarns={}}}",
                i32_at(96),
                u16_at(100)
            );
        }
        QuotaData::QuotaStat | QuotaData::QuotaStatv => {
            let _ = write!(out, "{{qs_version={}", bytes[0] as i8);
            if abbrev {
                out.push_str(", ...}");
                return;
            }
            out.push_str(", qs_flags=");
            write_flags(out, u16_at(2), &XFS_QUOTA_FLAGS, style);
            let file = |out: &mut String, name: &str, at: usize| {
                let _ = write!(
                    out,
                    ", {name}={{qfs_ino={}, qfs_nblks={}, qfs_nextents={}}}",
                    u64_at(at),
                    u64_at(at + 8),
                    u32_at(at + 16)
                );
            };
            // Where the quota files end and the limits start.
            let limits = if data == QuotaData::QuotaStatv {
                let _ = write!(out, ", qs_incoredqs={}", u32_at(4));
                file(out, "qs_uquota", 8);
                file(out, "qs_gquota", 32);
                file(out, "qs_pquota", 56);
                80
            } else {
                // ia32 aligns the files' __u64 to 4 bytes.
                let step = if call.compat { 20 } else { 24 };
                file(out, "qs_uquota", 8);
                file(out, "qs_gquota", 8 + step);
                let at = 8 + 2 * step;
                let _ = write!(out, ", qs_incoredqs={}", u32_at(at));
                at + 4
            };
            let _ = write!(
                out,
                ", qs_btimelimit={}, qs_itimelimit={}, qs_rtbtimelimit={}, qs_bwarnlimit={}, qs_iwarnlimit={}}}",
                i32_at(limits),
                i32_at(limits + 4),
                i32_at(limits + 8),
                u16_at(limits + 12),
                u16_at(limits + 14)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::Syscall;
    use super::super::testing::*;
    use super::*;

    const QUOTACTL: Syscall = Syscall::named("quotactl");

    /// quotactl(cmd, "/dev/sda1", id, addr) with `addr` captured as `data`.
    fn quotactl(cmd: u32, id: u64, data: &[u8], ret: i64) -> Call<'_> {
        let mut c = call(QUOTACTL, &[u64::from(cmd), P, id, P], U, ret);
        c.captured[1] = s(b"/dev/sda1");
        c.captured[3] = s(data);
        c
    }

    fn words(values: &[u64]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    #[test]
    fn commands() {
        let c = quotactl(Q_QUOTAOFF << 8 | 1, 0, &[], 0);
        check(
            &c,
            r#"quotactl(QCMD(Q_QUOTAOFF, GRPQUOTA), "/dev/sda1") = 0"#,
            r#"quotactl(2147484417, "/dev/sda1") = 0"#,
            r#"quotactl(2147484417 /* QCMD(Q_QUOTAOFF, GRPQUOTA) */, "/dev/sda1") = 0"#,
        );
        // Old commands: the id and the address; the upper half of the
        // register is not the command's.
        let mut c = quotactl(old_cmd(0x3) << 8 | 0x42, 0xffff_ffff, &[], -22);
        c.args[0] |= 0xdead_0000_0000_0000;
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"quotactl(QCMD(Q_V1_GETQUOTA, 0x42 /* ???QUOTA */), "/dev/sda1", -1, 0x555500001000) = -1 EINVAL (Invalid argument)"#
        );
    }

    #[test]
    fn filled_structures_print_if_the_call_succeeded() {
        let mut dq = words(&[1, 2, 3, 4, 5, 6, 7, 8]);
        dq.extend_from_slice(&0x41u32.to_le_bytes());
        dq.extend_from_slice(&77u32.to_le_bytes());
        let c = quotactl(Q_GETNEXTQUOTA << 8, 5, &dq, 0);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"quotactl(QCMD(Q_GETNEXTQUOTA, USRQUOTA), "/dev/sda1", 5, {dqb_bhardlimit=1, dqb_bsoftlimit=2, dqb_curspace=3, dqb_ihardlimit=4, dqb_isoftlimit=5, dqb_curinodes=6, dqb_id=77, ...}) = 0"#
        );
        let mut c = quotactl(Q_GETNEXTQUOTA << 8, 5, &dq, 0);
        c.detail.verbose = true;
        assert_eq!(
            render(&c, Style::Raw),
            r#"quotactl(2147485952, "/dev/sda1", 5, {dqb_bhardlimit=1, dqb_bsoftlimit=2, dqb_curspace=3, dqb_ihardlimit=4, dqb_isoftlimit=5, dqb_curinodes=6, dqb_btime=7, dqb_itime=8, dqb_valid=0x41, dqb_id=77}) = 0"#
        );
        let c = quotactl(Q_GETQUOTA << 8, 5, &dq, -3);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"quotactl(QCMD(Q_GETQUOTA, USRQUOTA), "/dev/sda1", 5, 0x555500001000) = -1 ESRCH (No such process)"#
        );
        let c = quotactl(Q_GETFMT << 8, 0, &[2, 0, 0, 0], 0);
        check(
            &c,
            r#"quotactl(QCMD(Q_GETFMT, USRQUOTA), "/dev/sda1", [QFMT_VFS_V0]) = 0"#,
            r#"quotactl(2147484672, "/dev/sda1", [0x2]) = 0"#,
            r#"quotactl(2147484672 /* QCMD(Q_GETFMT, USRQUOTA) */, "/dev/sda1", [0x2 /* QFMT_VFS_V0 */]) = 0"#,
        );
        let mut info = words(&[60, 70]);
        info.extend_from_slice(&[1, 0, 0, 0, 8, 0, 0, 0]);
        let c = quotactl(Q_GETINFO << 8 | 2, 0, &info, 0);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"quotactl(QCMD(Q_GETINFO, PRJQUOTA), "/dev/sda1", {dqi_bgrace=60, dqi_igrace=70, dqi_flags=DQF_ROOT_SQUASH, dqi_valid=0x8 /* IIF_??? */}) = 0"#
        );
    }

    #[test]
    fn xfs_statistics_on_both_abis() {
        // fs_quota_stat: version, flags, the user and group files, counts.
        let mut native = vec![0u8; 80];
        native[0] = 0xff;
        native[2] = 0x5;
        native[8] = 11; // qs_uquota.qfs_ino
        native[32 + 16] = 3; // qs_gquota.qfs_nextents
        native[56] = 9; // qs_incoredqs
        native[60] = 30; // qs_btimelimit
        native[72] = 4; // qs_bwarnlimit
        let mut c = quotactl(Q_XGETQSTAT << 8, 0, &native, 0);
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"quotactl(QCMD(Q_XGETQSTAT, USRQUOTA), "/dev/sda1", {qs_version=-1, ...}) = 0"#
        );
        c.detail.verbose = true;
        let want = r#"quotactl(QCMD(Q_XGETQSTAT, USRQUOTA), "/dev/sda1", {qs_version=-1, qs_flags=FS_QUOTA_UDQ_ACCT|FS_QUOTA_GDQ_ACCT, qs_uquota={qfs_ino=11, qfs_nblks=0, qfs_nextents=0}, qs_gquota={qfs_ino=0, qfs_nblks=0, qfs_nextents=3}, qs_incoredqs=9, qs_btimelimit=30, qs_itimelimit=0, qs_rtbtimelimit=0, qs_bwarnlimit=4, qs_iwarnlimit=0}) = 0"#;
        assert_eq!(render(&c, Style::Abbrev), want);
        // ia32: the files' __u64 aligned to 4, so everything after moves.
        let mut compat = vec![0u8; 68];
        compat[0] = 0xff;
        compat[2] = 0x5;
        compat[8] = 11;
        compat[28 + 16] = 3;
        compat[48] = 9;
        compat[52] = 30;
        compat[64] = 4;
        let mut c = quotactl(Q_XGETQSTAT << 8, 0, &compat, 0);
        c.compat = true;
        c.detail.verbose = true;
        assert_eq!(render(&c, Style::Abbrev), want);
        // 68 bytes are not a native struct.
        c.compat = false;
        assert!(render(&c, Style::Abbrev).contains(", 0x555500001000) = 0"));

        let mut v = vec![0u8; 160];
        v[0] = 1;
        v[4] = 2; // qs_incoredqs
        v[56] = 5; // qs_pquota.qfs_ino
        v[94] = 6; // qs_iwarnlimit
        let mut c = quotactl(Q_XGETQSTATV << 8, 0, &v, 0);
        c.detail.verbose = true;
        assert_eq!(
            render(&c, Style::Abbrev),
            r#"quotactl(QCMD(Q_XGETQSTATV, USRQUOTA), "/dev/sda1", {qs_version=1, qs_flags=0, qs_incoredqs=2, qs_uquota={qfs_ino=0, qfs_nblks=0, qfs_nextents=0}, qs_gquota={qfs_ino=0, qfs_nblks=0, qfs_nextents=0}, qs_pquota={qfs_ino=5, qfs_nblks=0, qfs_nextents=0}, qs_btimelimit=0, qs_itimelimit=0, qs_rtbtimelimit=0, qs_bwarnlimit=0, qs_iwarnlimit=6}) = 0"#
        );
    }
}

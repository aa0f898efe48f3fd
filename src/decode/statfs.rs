//! statfs and ia32's statfs64 (strace's src/statfs.c, print_statfs.c):
//! `struct statfs` in its x86 flavours, printed whole (strace has no
//! abbreviated form of it), its `f_type` named from the filesystem magics.

use std::fmt::Write;

use super::call::{output, write_address, Call, Le, Memory};
use super::xlat::{write_flags, write_hex, write_value, Style, Xlat};

/// Which `struct statfs` a call fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatfsLayout {
    /// The ABI's own `struct statfs`: 120 bytes on x86_64, 64 on ia32.
    Statfs,
    /// ia32's `struct statfs64` (packed, 84 bytes), of the size in argument
    /// `size`, as the caller passes it.
    Statfs64 { size: u8 },
}

/// ia32's `struct statfs64`; strace also takes it padded to 88 bytes.
const STATFS64_SIZE: u64 = 84;

impl StatfsLayout {
    /// Bytes the kernel writes.
    pub fn size(self, compat: bool) -> u16 {
        match self {
            StatfsLayout::Statfs if compat => 64,
            StatfsLayout::Statfs => 120,
            StatfsLayout::Statfs64 { .. } => STATFS64_SIZE as u16,
        }
    }
}

/// strace's `struct strace_statfs`: every flavour widened to one.
struct StatfsFields {
    kind: u64,
    /// f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree.
    counts: [u64; 6],
    fsid: [u64; 2],
    namelen: u64,
    frsize: u64,
    flags: u64,
}

fn parse(d: &[u8], layout: StatfsLayout, compat: bool) -> Option<StatfsFields> {
    let d = Le(d);
    // Bytes of f_type and f_bsize, of the five counts after them, and of
    // the fields after f_fsid; where f_fsid is.
    let (head, count, tail, fsid) = match (layout, compat) {
        (StatfsLayout::Statfs, false) => (8, 8, 8, 56),
        (StatfsLayout::Statfs, true) => (4, 4, 4, 28),
        (StatfsLayout::Statfs64 { .. }, _) => (4, 8, 4, 48),
    };
    let at = |off: usize, width: usize| if width == 8 { d.u64(off) } else { d.u32(off) };
    let mut counts = [at(head, head)?, 0, 0, 0, 0, 0];
    for (i, slot) in counts.iter_mut().enumerate().skip(1) {
        *slot = at(2 * head + (i - 1) * count, count)?;
    }
    Some(StatfsFields {
        kind: at(0, head)?,
        counts,
        fsid: [d.u32(fsid)?, d.u32(fsid + 4)?],
        namelen: at(fsid + 8, tail)?,
        frsize: at(fsid + 8 + tail, tail)?,
        flags: at(fsid + 8 + 2 * tail, tail)?,
    })
}

/// A statfs buffer argument.
pub fn write_statfs(
    out: &mut String,
    call: &Call,
    addr: u64,
    mem: &Memory,
    layout: StatfsLayout,
    style: Style,
) {
    if let StatfsLayout::Statfs64 { size } = layout {
        let size = call.word(call.args[usize::from(size)]);
        if size != STATFS64_SIZE && size != STATFS64_SIZE + 4 {
            write_address(out, addr);
            return;
        }
    }
    let size = usize::from(layout.size(call.compat));
    let Some(st) = output(call, mem, size).and_then(|d| parse(d, layout, call.compat)) else {
        write_address(out, addr);
        return;
    };
    out.push_str("{f_type=");
    write_value(out, st.kind, &FS_MAGIC, style);
    let names = [
        "f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree",
    ];
    for (name, value) in names.iter().zip(st.counts) {
        let _ = write!(out, ", {name}={value}");
    }
    out.push_str(", f_fsid={val=[");
    for (i, val) in st.fsid.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_hex(out, *val);
    }
    let _ = write!(out, "]}}, f_namelen={}, f_frsize={}", st.namelen, st.frsize);
    if st.flags & ST_VALID != 0 {
        out.push_str(", f_flags=");
        write_flags(out, st.flags, &STATFS_FLAGS, style);
    }
    out.push('}');
}

const ST_VALID: u64 = 0x20;

/// `f_flags`, as strace's statfs_flags (only printed when ST_VALID is set).
static STATFS_FLAGS: Xlat = Xlat {
    entries: &[
        ("ST_VALID", ST_VALID),
        ("ST_RDONLY", 0x1),
        ("ST_NOSUID", 0x2),
        ("ST_NODEV", 0x4),
        ("ST_NOEXEC", 0x8),
        ("ST_SYNCHRONOUS", 0x10),
        ("ST_MANDLOCK", 0x40),
        ("ST_NOATIME", 0x400),
        ("ST_NODIRATIME", 0x800),
        ("ST_RELATIME", 0x1000),
        ("ST_NOSYMFOLLOW", 0x2000),
    ],
    unknown: "ST_???",
};

/// `f_type`: the filesystems' magic numbers (strace's fsmagic, whose names
/// come from the kernel's include/uapi/linux/magic.h and filesystems'
/// headers); an unknown one prints as a number alone.
pub static FS_MAGIC: Xlat = Xlat {
    entries: &[
        ("QNX4_SUPER_MAGIC", 0x0000002f),
        ("Z3FOLD_MAGIC", 0x00000033),
        ("AUTOFS_SUPER_MAGIC", 0x00000187),
        ("DEVFS_SUPER_MAGIC", 0x00001373),
        ("EXT_SUPER_MAGIC", 0x0000137d),
        ("MINIX_SUPER_MAGIC", 0x0000137f),
        ("MINIX_SUPER_MAGIC2", 0x0000138f),
        ("DEVPTS_SUPER_MAGIC", 0x00001cd1),
        ("MINIX2_SUPER_MAGIC", 0x00002468),
        ("MINIX2_SUPER_MAGIC2", 0x00002478),
        ("NILFS_SUPER_MAGIC", 0x00003434),
        ("HFS_SUPER_MAGIC", 0x00004244),
        ("HFSPLUS_SUPER_MAGIC", 0x0000482b),
        ("MSDOS_SUPER_MAGIC", 0x00004d44),
        ("MINIX3_SUPER_MAGIC", 0x00004d5a),
        ("SMB_SUPER_MAGIC", 0x0000517b),
        ("NCP_SUPER_MAGIC", 0x0000564c),
        ("EXOFS_SUPER_MAGIC", 0x00005df5),
        ("NFS_SUPER_MAGIC", 0x00006969),
        ("ROMFS_MAGIC", 0x00007275),
        ("JFFS2_SUPER_MAGIC", 0x000072b6),
        ("ISOFS_SUPER_MAGIC", 0x00009660),
        ("PROC_SUPER_MAGIC", 0x00009fa0),
        ("OPENPROM_SUPER_MAGIC", 0x00009fa1),
        ("USBDEVICE_SUPER_MAGIC", 0x00009fa2),
        ("ADFS_SUPER_MAGIC", 0x0000adf5),
        ("AFFS_SUPER_MAGIC", 0x0000adff),
        ("EXT2_OLD_SUPER_MAGIC", 0x0000ef51),
        ("EXT2_SUPER_MAGIC", 0x0000ef53),
        ("ECRYPTFS_SUPER_MAGIC", 0x0000f15f),
        ("UFS_MAGIC", 0x00011954),
        ("CGROUP_SUPER_MAGIC", 0x0027e0eb),
        ("EFS_SUPER_MAGIC", 0x00414a53),
        ("HOSTFS_SUPER_MAGIC", 0x00c0ffee),
        ("CEPH_SUPER_MAGIC", 0x00c36400),
        ("TMPFS_MAGIC", 0x01021994),
        ("V9FS_MAGIC", 0x01021997),
        ("GFS2_MAGIC", 0x01161970),
        ("XIAFS_SUPER_MAGIC", 0x012fd16d),
        ("XENIX_SUPER_MAGIC", 0x012ff7b4),
        ("SYSV4_SUPER_MAGIC", 0x012ff7b5),
        ("SYSV2_SUPER_MAGIC", 0x012ff7b6),
        ("COH_SUPER_MAGIC", 0x012ff7b7),
        ("SHMFS_SUPER_MAGIC", 0x02011994),
        ("ANON_INODE_FS_MAGIC", 0x09041934),
        ("FUTEXFS_SUPER_MAGIC", 0x0bad1dea),
        ("LL_SUPER_MAGIC", 0x0bd00bd0),
        ("LUSTRE_SUPER_MAGIC", 0x0bd00bd1),
        ("MTD_INODE_FS_MAGIC", 0x11307854),
        ("BALLOON_KVM_MAGIC", 0x13661366),
        ("UDF_SUPER_MAGIC", 0x15013346),
        ("BFS_MAGIC", 0x1badface),
        ("EXFAT_SUPER_MAGIC", 0x2011bab0),
        ("UBIFS_SUPER_MAGIC", 0x24051905),
        ("CRAMFS_MAGIC", 0x28cd3d45),
        ("ZFS_SUPER_MAGIC", 0x2fc12fc1),
        ("JFS_SUPER_MAGIC", 0x3153464a),
        ("BEFS_SUPER_MAGIC", 0x42465331),
        ("BINFMTFS_MAGIC", 0x42494e4d),
        ("SMACK_MAGIC", 0x43415d53),
        ("DMA_BUF_MAGIC", 0x444d4142),
        ("CRAMFS_MAGIC_WEND", 0x453dcd28),
        ("DEVMEM_MAGIC", 0x454d444d),
        ("GUEST_MEMFD_MAGIC", 0x474d454d),
        ("GPFS_SUPER_MAGIC", 0x47504653),
        ("NULL_FS_MAGIC", 0x4e554c4c),
        ("PID_FS_MAGIC", 0x50494446),
        ("PIPEFS_MAGIC", 0x50495045),
        ("REISERFS_SUPER_MAGIC", 0x52654973),
        ("SECRETMEM_MAGIC", 0x5345434d),
        ("AFS_SUPER_MAGIC", 0x5346414f),
        ("NTFS_SB_MAGIC", 0x5346544e),
        ("SOCKFS_MAGIC", 0x534f434b),
        ("UFS_CIGAM", 0x54190100),
        ("VZFS_SUPER_MAGIC", 0x565a4653),
        ("STACK_END_MAGIC", 0x57ac6e9d),
        ("ZSMALLOC_MAGIC", 0x58295829),
        ("XFS_SUPER_MAGIC", 0x58465342),
        ("AAFS_MAGIC", 0x5a3c69f0),
        ("ZONEFS_MAGIC", 0x5a4f4653),
        ("PSTOREFS_MAGIC", 0x6165676c),
        ("AUFS_SUPER_MAGIC", 0x61756673),
        ("BDEVFS_MAGIC", 0x62646576),
        ("CONFIGFS_MAGIC", 0x62656570),
        ("SYSFS_MAGIC", 0x62656572),
        ("CGROUP2_SUPER_MAGIC", 0x63677270),
        ("DEBUGFS_MAGIC", 0x64626720),
        ("DAXFS_MAGIC", 0x64646178),
        ("FUSE_CTL_SUPER_MAGIC", 0x65735543),
        ("FUSE_SUPER_MAGIC", 0x65735546),
        ("QNX6_SUPER_MAGIC", 0x68191122),
        ("AFS_FS_MAGIC", 0x6b414653),
        ("BINDERFS_SUPER_MAGIC", 0x6c6f6f70),
        ("NSFS_MAGIC", 0x6e736673),
        ("SECURITYFS_MAGIC", 0x73636673),
        ("SQUASHFS_MAGIC", 0x73717368),
        ("BTRFS_TEST_MAGIC", 0x73727279),
        ("CODA_SUPER_MAGIC", 0x73757245),
        ("OCFS2_SUPER_MAGIC", 0x7461636f),
        ("TRACEFS_MAGIC", 0x74726163),
        ("OVERLAYFS_SUPER_MAGIC", 0x794c7630),
        ("RAMFS_MAGIC", 0x858458f6),
        ("BTRFS_SUPER_MAGIC", 0x9123683e),
        ("HUGETLBFS_MAGIC", 0x958458f6),
        ("VXFS_SUPER_MAGIC", 0xa501fcf5),
        ("XENFS_SUPER_MAGIC", 0xabba1974),
        ("PPC_CMM_MAGIC", 0xc7571590),
        ("LOGFS_MAGIC", 0xc97e8168),
        ("BCACHEFS_SUPER_MAGIC", 0xca451a4e),
        ("BPF_FS_MAGIC", 0xcafe4a11),
        ("EFIVARFS_MAGIC", 0xde5e81e4),
        ("EROFS_SUPER_MAGIC_V1", 0xe0f5e1e2),
        ("F2FS_SUPER_MAGIC", 0xf2f52010),
        ("SELINUX_MAGIC", 0xf97cff8c),
        ("HPFS_SUPER_MAGIC", 0xf995e849),
        ("SMB2_SUPER_MAGIC", 0xfe534d42),
        ("CIFS_SUPER_MAGIC", 0xff534d42),
    ],
    unknown: "",
};

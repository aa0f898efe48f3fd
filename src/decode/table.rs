//! The calls ftrace-cli knows, one row each, as strace's syscallent tables:
//! name, numbers on both x86 ABIs, parameters with how each prints, how the
//! result prints, and strace's classes. Everything else is derived from
//! the rows: the kernel plan (which arguments to copy, see `crate::plan`),
//! `-e trace=` names and classes, the decoders' argument lists.
//!
//! Adding a call is adding a row here, plus a flag table (and a render
//! kind) in its family's file when it needs a new one.

use super::errno::RetKind;
use super::xlat::Xlat;

/// strace's syscall classes (`-e trace=%file` ...), as bits.
pub mod class {
    /// `%file`: takes a file name.
    pub const FILE: u16 = 1 << 0;
    /// `%desc`: takes or returns a file descriptor.
    pub const DESC: u16 = 1 << 1;
    /// `%stat`: stat variants taking a path.
    pub const STAT: u16 = 1 << 2;
    /// `%lstat`: stat variants not following symlinks.
    pub const LSTAT: u16 = 1 << 3;
    /// `%fstat`: stat variants taking a descriptor (and a path with it).
    pub const FSTAT: u16 = 1 << 4;
    /// `%%stat`: every stat variant.
    pub const STAT_LIKE: u16 = 1 << 5;
    /// `%statfs`: statfs variants taking a path.
    pub const STATFS: u16 = 1 << 6;
    /// `%%statfs`: every statfs variant.
    pub const STATFS_LIKE: u16 = 1 << 7;

    /// Class names as `-e trace=%NAME` takes them.
    pub const NAMES: &[(&str, u16)] = &[
        ("file", FILE),
        ("desc", DESC),
        ("stat", STAT),
        ("lstat", LSTAT),
        ("fstat", FSTAT),
        ("%stat", STAT_LIKE),
        ("statfs", STATFS),
        ("%statfs", STATFS_LIKE),
    ];
}

/// How one argument prints, and so what the kernel copies for it.
#[derive(Clone, Copy, Debug)]
pub enum Render {
    /// A descriptor (`int`).
    Fd,
    /// The directory descriptor of an `*at` call: `AT_FDCWD` is named.
    Dirfd,
    /// A NUL-terminated path, copied at exit.
    Path,
    /// A symlink's target: printed as a path, but not a file the call
    /// touches (-P does not match it, as strace; nor quotactl's quota file).
    LinkTarget,
    /// A mode in octal, always printed.
    Mode,
    /// An `unsigned long` in decimal.
    Size,
    /// open(2)'s flags: the access mode first.
    OpenFlags,
    /// open's mode, printed only with O_CREAT or __O_TMPFILE in argument `flags`.
    OpenMode { flags: u8 },
    /// openat2's `struct open_how`, of the size in argument `size`.
    OpenHow { size: u8 },
    /// fanotify_init's class and flags.
    FanInitFlags,
    /// fanotify_mark's dirfd: `FAN_NOFD` too.
    FanDirfd,
    /// A bit set (`int`) decoded against a table.
    Flags(&'static Xlat),
    /// A 64-bit bit set; ia32 passes it in two registers.
    Flags64(&'static Xlat),
    /// A 64-bit length in decimal; ia32 passes it in two registers.
    Size64,
    /// A uid or gid (`uid_t`): `-1` named as such.
    Id,
    /// A uid or gid of the original 16-bit chown calls on ia32 (32-bit on
    /// x86_64, where the same names take full ids).
    Id16,
    /// mknod's `mode_t`, its file type named: `S_IFIFO|0644`.
    FileMode,
    /// mknod's device number, printed only for a device type in argument `mode`.
    Dev { mode: u8 },
    /// swapon's flags and priority.
    SwapFlags,
    /// A `struct stat` the call fills (stat.rs).
    Stat(StatLayout),
    /// statx's flags: the sync type, then `AT_*` flags.
    StatxFlags,
    /// The `struct statx` statx fills.
    Statx,
    /// Bytes the call wrote, as many as it returned, printed as a string
    /// of `-s` bytes at most (readlink's buffer).
    OutString,
    /// getcwd's buffer: the path the call wrote, as many bytes as it returned.
    OutPath,
    /// A NUL-terminated string that is not a path: `-s` bytes print.
    Str,
    /// setxattr's value, of argument `size` bytes (xattr.rs).
    XattrValue { size: u8 },
    /// getxattr's value: the bytes the call returned; the address alone
    /// when argument `size` is 0.
    XattrOut { size: u8 },
    /// listxattr's list of names, as many bytes as the call returned.
    XattrList { size: u8 },
    /// The times of utime, utimes, futimesat, utimensat (utime.rs).
    Times(Times),
    /// A `struct statfs` the call fills (statfs.rs).
    Statfs(StatfsLayout),
    /// mount's flags (mount.rs).
    MountFlags,
    /// mount_setattr's `struct mount_attr`, of the size in argument `size`.
    MountAttr { size: u8 },
    /// file_getattr's (`get`, filled) or file_setattr's `struct file_attr`,
    /// of the size in argument `size`.
    FileAttr { size: u8, get: bool },
    /// mount's filesystem type (or `data`): a string, unless the flags in
    /// argument `flags` make the kernel ignore it.
    MountString { flags: u8, data: bool },
    /// exec's argv: the strings (exec.rs).
    Argv,
    /// exec's envp: how many strings, or the strings under -v.
    Envp,
    /// name_to_handle_at's `struct file_handle`: its size as the caller
    /// gave it, and what the call filled in (file_handle.rs).
    FileHandle,
    /// An `int` the call stores: `[N]` if it succeeded.
    OutInt,
    /// setxattrat's (`get` false) or getxattrat's `struct xattr_args`, of
    /// the size in argument `size`, with the value it points to (xattr.rs).
    XattrArgs { size: u8, get: bool },
    /// A descriptor -y names but -P does not match, as strace: fsconfig's
    /// filesystem context.
    ContextFd,
    /// An `int` in decimal.
    Int,
    /// A pointer printed as its address alone (strace's `printaddr`).
    Addr,
    /// A value (`unsigned int`) named from a table, strace's `printxval`.
    Xval(&'static Xlat),
    /// A NUL-terminated string of which at most `max` bytes print, fewer
    /// with `-s` (strace's `printstr_ex` of a length).
    ShortStr { max: u16 },
    /// fsconfig's binary value: bytes in hex, as many as argument `len`
    /// (an `int`) says, at most `-s` (fsmount.rs).
    FsconfigBinary { len: u8 },
    /// quotactl's command: `QCMD(Q_GETQUOTA, USRQUOTA)` (quota.rs).
    QuotaCmd,
    /// What quotactl's `addr` points to for a subcommand (quota.rs);
    /// `filled`: the call fills it, and it prints only if it succeeded.
    Quota { data: QuotaData, filled: bool },
}

impl Render {
    /// A 64-bit value that ia32 passes as two registers, low half first.
    pub fn is_split_on_ia32(self) -> bool {
        matches!(self, Render::Flags64(_) | Render::Size64)
    }

    /// Memory the call fills in: printed at its exit, as strace does.
    pub fn is_output(self) -> bool {
        matches!(
            self,
            Render::Stat(_)
                | Render::Statfs(_)
                | Render::Statx
                | Render::OutString
                | Render::OutPath
                | Render::XattrOut { .. }
                | Render::XattrList { .. }
                | Render::FileAttr { get: true, .. }
                | Render::Quota { filled: true, .. }
                | Render::OutInt
        )
    }
}

/// When a parameter prints, and so when the kernel copies what it points
/// to: always, or as another argument (a command) selects it. A call may
/// have several parameters in one register, each printed (and copied, in
/// its own way) for its own commands.
#[derive(Clone, Copy, Debug)]
pub enum When {
    Always,
    /// When the other argument's value is among these.
    Among(Values),
    /// When it is none of these.
    Except(&'static [Values]),
}

/// Values of argument `arg`: `(args[arg] as u32) >> shift` is one of them
/// when bit `that - base` of `bits` is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Values {
    pub arg: u8,
    pub shift: u8,
    pub base: u32,
    pub bits: u64,
}

impl Values {
    /// The set of `values` of argument `arg` shifted right by `shift`;
    /// they must lie within 64 of each other (checked at compile time).
    pub const fn of(arg: u8, shift: u8, values: &[u32]) -> Values {
        let mut base = u32::MAX;
        let mut i = 0;
        while i < values.len() {
            if values[i] < base {
                base = values[i];
            }
            i += 1;
        }
        let mut bits = 0u64;
        i = 0;
        while i < values.len() {
            assert!(values[i] - base < 64, "values too far apart for one set");
            bits |= 1 << (values[i] - base);
            i += 1;
        }
        assert!(bits != 0, "an empty set");
        Values {
            arg,
            shift,
            base,
            bits,
        }
    }

    pub fn contains(&self, args: &[u64; 6]) -> bool {
        let value = args.get(usize::from(self.arg)).copied().unwrap_or(0) as u32;
        let v = (value >> (self.shift & 31)).wrapping_sub(self.base);
        v < 64 && self.bits >> v & 1 != 0
    }
}

impl When {
    /// Whether the parameter prints for these arguments.
    pub fn holds(&self, args: &[u64; 6]) -> bool {
        match self {
            When::Always => true,
            When::Among(values) => values.contains(args),
            When::Except(sets) => !sets.iter().any(|values| values.contains(args)),
        }
    }
}

const fn quota(data: QuotaData, filled: bool) -> Render {
    Render::Quota { data, filled }
}

/// One parameter: its name (as in the man page), the argument register it
/// is in (after an ia32 split argument is merged), and how it prints.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub arg: usize,
    pub render: Render,
    pub when: When,
}

const fn p(name: &'static str, arg: usize, render: Render) -> Param {
    Param {
        name,
        arg,
        render,
        when: When::Always,
    }
}

impl Param {
    /// The parameter, printed only as `when` says.
    const fn when(self, when: When) -> Param {
        Param { when, ..self }
    }
}

/// One row: a call as strace describes it.
#[derive(Debug)]
pub struct SyscallDef {
    pub name: &'static str,
    /// Its number on x86_64 and on ia32; None where the ABI has no such call.
    pub numbers: [Option<u16>; 2],
    pub params: &'static [Param],
    pub ret: RetKind,
    /// strace's classes, `class::*` bits.
    pub classes: u16,
}

const fn row(
    name: &'static str,
    x86_64: u16,
    ia32: u16,
    params: &'static [Param],
    ret: RetKind,
    classes: u16,
) -> SyscallDef {
    SyscallDef {
        name,
        numbers: [Some(x86_64), Some(ia32)],
        params,
        ret,
        classes,
    }
}

/// A row for a call only x86_64 has.
const fn row_x86_64(
    name: &'static str,
    x86_64: u16,
    params: &'static [Param],
    ret: RetKind,
    classes: u16,
) -> SyscallDef {
    SyscallDef {
        name,
        numbers: [Some(x86_64), None],
        params,
        ret,
        classes,
    }
}

/// A row for a call only ia32 has.
const fn ia32_row(
    name: &'static str,
    ia32: u16,
    params: &'static [Param],
    ret: RetKind,
    classes: u16,
) -> SyscallDef {
    SyscallDef {
        name,
        numbers: [None, Some(ia32)],
        params,
        ret,
        classes,
    }
}

use super::access::{ACCESS_MODES, FACCESSAT_FLAGS};
use super::chmod::FCHMODAT_FLAGS;
use super::exec::EXECVEAT_FLAGS;
use super::fanotify::{FAN_EVENT_FLAGS, FAN_MARK_FLAGS};
use super::file_attr::FILE_ATTR_FLAGS;
use super::file_handle::NAME_TO_HANDLE_AT_FLAGS;
use super::fsmount::{
    FSCONFIG_AUX_FD, FSCONFIG_BINARY, FSCONFIG_CMDS, FSCONFIG_FD, FSCONFIG_KEYED, FSCONFIG_PATHS,
    FSCONFIG_STRING, FSCONFIG_STRING_MAX, FSCONFIG_VALUED, FSPICK_FLAGS, MOUNT_SETATTR_FLAGS,
    MOVE_MOUNT_FLAGS, OPEN_TREE_FLAGS,
};
use super::inotify::INOTIFY_FLAGS;
use super::link::{AT_FLAGS, RENAME_FLAGS};
use super::quota::{
    QuotaData, GETFMT, GETINFO, GETNEXTQUOTA, GETQUOTA, KNOWN, NO_UID, QUOTAON, QUOTA_FORMATS,
    SETINFO, SETQUOTA, XGETQSTAT, XGETQSTATV, XGETQUOTA, XQUOTAONOFF, XQUOTARM, XSETQLIM,
};
use super::stat::{StatLayout, STATX_MASK};
use super::statfs::StatfsLayout;
use super::umount::UMOUNT_FLAGS;
use super::utime::Times;
use super::xattr::{XATTRAT_FLAGS, XATTR_FLAGS};
use class::{DESC, FILE, FSTAT, LSTAT, STAT, STATFS, STATFS_LIKE, STAT_LIKE};
use Render::*;
use RetKind as Ret;
use When::{Among, Except};

/// Every call ftrace-cli decodes, in strace's order of families.
pub static SYSCALLS: &[SyscallDef] = &[
    // open family (strace src/open.c)
    row(
        "open",
        2,
        5,
        &[
            p("pathname", 0, Path),
            p("flags", 1, OpenFlags),
            p("mode", 2, OpenMode { flags: 1 }),
        ],
        Ret::Fd,
        FILE | DESC,
    ),
    row(
        "creat",
        85,
        8,
        &[p("pathname", 0, Path), p("mode", 1, Mode)],
        Ret::Fd,
        FILE | DESC,
    ),
    row(
        "openat",
        257,
        295,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("flags", 2, OpenFlags),
            p("mode", 3, OpenMode { flags: 2 }),
        ],
        Ret::Fd,
        FILE | DESC,
    ),
    row(
        "openat2",
        437,
        437,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("how", 2, OpenHow { size: 3 }),
            p("size", 3, Size),
        ],
        Ret::Fd,
        FILE | DESC,
    ),
    // link family (strace src/link.c)
    row(
        "symlink",
        88,
        83,
        &[p("target", 0, LinkTarget), p("linkpath", 1, Path)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "symlinkat",
        266,
        304,
        &[
            p("target", 0, LinkTarget),
            p("newdirfd", 1, Dirfd),
            p("linkpath", 2, Path),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "link",
        86,
        9,
        &[p("oldpath", 0, Path), p("newpath", 1, Path)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "linkat",
        265,
        303,
        &[
            p("olddirfd", 0, Dirfd),
            p("oldpath", 1, Path),
            p("newdirfd", 2, Dirfd),
            p("newpath", 3, Path),
            p("flags", 4, Flags(&AT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "unlink",
        87,
        10,
        &[p("pathname", 0, Path)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "unlinkat",
        263,
        301,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("flags", 2, Flags(&AT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // rename family (strace src/renameat.c)
    row(
        "rename",
        82,
        38,
        &[p("oldpath", 0, Path), p("newpath", 1, Path)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "renameat",
        264,
        302,
        &[
            p("olddirfd", 0, Dirfd),
            p("oldpath", 1, Path),
            p("newdirfd", 2, Dirfd),
            p("newpath", 3, Path),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "renameat2",
        316,
        353,
        &[
            p("olddirfd", 0, Dirfd),
            p("oldpath", 1, Path),
            p("newdirfd", 2, Dirfd),
            p("newpath", 3, Path),
            p("flags", 4, Flags(&RENAME_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // access family (strace src/access.c)
    row(
        "access",
        21,
        33,
        &[p("pathname", 0, Path), p("mode", 1, Flags(&ACCESS_MODES))],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "faccessat",
        269,
        307,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("mode", 2, Flags(&ACCESS_MODES)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "faccessat2",
        439,
        439,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("mode", 2, Flags(&ACCESS_MODES)),
            p("flags", 3, Flags(&FACCESSAT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // chmod family, with mkdir that takes a mode too (strace src/chmod.c)
    row(
        "chmod",
        90,
        15,
        &[p("pathname", 0, Path), p("mode", 1, Mode)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "fchmodat",
        268,
        306,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("mode", 2, Mode),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "fchmodat2",
        452,
        452,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("mode", 2, Mode),
            p("flags", 3, Flags(&FCHMODAT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "mkdir",
        83,
        39,
        &[p("pathname", 0, Path), p("mode", 1, Mode)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "mkdirat",
        258,
        296,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("mode", 2, Mode),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "rmdir",
        84,
        40,
        &[p("pathname", 0, Path)],
        Ret::Unsigned,
        FILE,
    ),
    // chown family (strace src/uid.c, src/fchownat.c)
    row(
        "chown",
        92,
        182,
        &[
            p("pathname", 0, Path),
            p("owner", 1, Id16),
            p("group", 2, Id16),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "lchown",
        94,
        16,
        &[
            p("pathname", 0, Path),
            p("owner", 1, Id16),
            p("group", 2, Id16),
        ],
        Ret::Unsigned,
        FILE,
    ),
    ia32_row(
        "chown32",
        212,
        &[p("pathname", 0, Path), p("owner", 1, Id), p("group", 2, Id)],
        Ret::Unsigned,
        FILE,
    ),
    ia32_row(
        "lchown32",
        198,
        &[p("pathname", 0, Path), p("owner", 1, Id), p("group", 2, Id)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "fchownat",
        260,
        298,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("owner", 2, Id),
            p("group", 3, Id),
            p("flags", 4, Flags(&AT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // mknod family (strace src/mknod.c)
    row(
        "mknod",
        133,
        14,
        &[
            p("pathname", 0, Path),
            p("mode", 1, FileMode),
            p("dev", 2, Dev { mode: 1 }),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "mknodat",
        259,
        297,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("mode", 2, FileMode),
            p("dev", 3, Dev { mode: 2 }),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // truncate family (strace src/truncate.c)
    row(
        "truncate",
        76,
        92,
        &[p("path", 0, Path), p("length", 1, Size)],
        Ret::Unsigned,
        FILE,
    ),
    ia32_row(
        "truncate64",
        193,
        &[p("path", 0, Path), p("length", 1, Size64)],
        Ret::Unsigned,
        FILE,
    ),
    // calls of one path (strace src/chdir.c and the calls it decodes)
    row("chdir", 80, 12, &[p("path", 0, Path)], Ret::Unsigned, FILE),
    row(
        "chroot",
        161,
        61,
        &[p("path", 0, Path)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "pivot_root",
        155,
        217,
        &[p("new_root", 0, Path), p("put_old", 1, Path)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "acct",
        163,
        51,
        &[p("filename", 0, Path)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "uselib",
        134,
        86,
        &[p("library", 0, Path)],
        Ret::Unsigned,
        FILE,
    ),
    // umount family (strace src/umount.c)
    ia32_row("umount", 22, &[p("target", 0, Path)], Ret::Unsigned, FILE),
    row(
        "umount2",
        166,
        52,
        &[p("target", 0, Path), p("flags", 1, Flags(&UMOUNT_FLAGS))],
        Ret::Unsigned,
        FILE,
    ),
    // swap family (strace src/swapon.c)
    row(
        "swapon",
        167,
        87,
        &[p("path", 0, Path), p("swapflags", 1, SwapFlags)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "swapoff",
        168,
        115,
        &[p("path", 0, Path)],
        Ret::Unsigned,
        FILE,
    ),
    // inotify (strace src/inotify.c)
    row(
        "inotify_add_watch",
        254,
        292,
        &[
            p("fd", 0, Fd),
            p("pathname", 1, Path),
            p("mask", 2, Flags(&INOTIFY_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // the mount API of descriptors (strace src/mount_setattr.c, fspick.c, move_mount.c)
    row(
        "open_tree",
        428,
        428,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("flags", 2, Flags(&OPEN_TREE_FLAGS)),
        ],
        Ret::Fd,
        FILE | DESC,
    ),
    row(
        "fspick",
        433,
        433,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("flags", 2, Flags(&FSPICK_FLAGS)),
        ],
        Ret::Fd,
        FILE | DESC,
    ),
    row(
        "move_mount",
        429,
        429,
        &[
            p("from_dirfd", 0, Dirfd),
            p("from_pathname", 1, Path),
            p("to_dirfd", 2, Dirfd),
            p("to_pathname", 3, Path),
            p("flags", 4, Flags(&MOVE_MOUNT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // fsconfig (strace src/fsconfig.c): key, value and aux as cmd says.
    row(
        "fsconfig",
        431,
        431,
        &[
            p("fd", 0, ContextFd),
            p("cmd", 1, Xval(&FSCONFIG_CMDS)),
            p(
                "key",
                2,
                ShortStr {
                    max: FSCONFIG_STRING_MAX,
                },
            )
            .when(Among(FSCONFIG_KEYED)),
            p("key", 2, Addr).when(Except(&[FSCONFIG_KEYED])),
            p(
                "value",
                3,
                ShortStr {
                    max: FSCONFIG_STRING_MAX,
                },
            )
            .when(Among(FSCONFIG_STRING)),
            p("value", 3, FsconfigBinary { len: 4 }).when(Among(FSCONFIG_BINARY)),
            p("value", 3, Path).when(Among(FSCONFIG_PATHS)),
            p("value", 3, Addr).when(Except(&[FSCONFIG_VALUED])),
            p("aux", 4, Dirfd).when(Among(FSCONFIG_PATHS)),
            p("aux", 4, Fd).when(Among(FSCONFIG_FD)),
            p("aux", 4, Int).when(Except(&[FSCONFIG_AUX_FD])),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // quotactl (strace src/quota.c): id and addr as the subcommand says.
    row(
        "quotactl",
        179,
        131,
        &[
            p("op", 0, QuotaCmd),
            p("special", 1, Path),
            p("id", 2, Xval(&QUOTA_FORMATS)).when(Among(QUOTAON)),
            p("id", 2, Id).when(Except(NO_UID)),
            p("addr", 3, LinkTarget).when(Among(QUOTAON)),
            p("addr", 3, quota(QuotaData::Dqblk, true)).when(Among(GETQUOTA)),
            p("addr", 3, quota(QuotaData::Dqblk, false)).when(Among(SETQUOTA)),
            p("addr", 3, quota(QuotaData::NextDqblk, true)).when(Among(GETNEXTQUOTA)),
            p("addr", 3, quota(QuotaData::Format, true)).when(Among(GETFMT)),
            p("addr", 3, quota(QuotaData::Dqinfo, true)).when(Among(GETINFO)),
            p("addr", 3, quota(QuotaData::Dqinfo, false)).when(Among(SETINFO)),
            p("addr", 3, quota(QuotaData::DiskQuota, true)).when(Among(XGETQUOTA)),
            p("addr", 3, quota(QuotaData::DiskQuota, false)).when(Among(XSETQLIM)),
            p("addr", 3, quota(QuotaData::QuotaStat, true)).when(Among(XGETQSTAT)),
            p("addr", 3, quota(QuotaData::QuotaStatv, true)).when(Among(XGETQSTATV)),
            p("addr", 3, quota(QuotaData::XfsFlags, false)).when(Among(XQUOTAONOFF)),
            p("addr", 3, quota(QuotaData::XfsTypes, false)).when(Among(XQUOTARM)),
            p("addr", 3, Addr).when(Except(KNOWN)),
        ],
        Ret::Unsigned,
        FILE,
    ),
    // stat family (strace src/stat.c, stat64.c, oldstat.c, statx.c)
    row(
        "stat",
        4,
        106,
        &[
            p("pathname", 0, Path),
            p("statbuf", 1, Stat(StatLayout::Stat)),
        ],
        Ret::Unsigned,
        FILE | STAT | STAT_LIKE,
    ),
    row(
        "lstat",
        6,
        107,
        &[
            p("pathname", 0, Path),
            p("statbuf", 1, Stat(StatLayout::Stat)),
        ],
        Ret::Unsigned,
        FILE | LSTAT | STAT_LIKE,
    ),
    row_x86_64(
        "newfstatat",
        262,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("statbuf", 2, Stat(StatLayout::Stat)),
            p("flags", 3, Flags(&AT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC | FSTAT | STAT_LIKE,
    ),
    ia32_row(
        "oldstat",
        18,
        &[
            p("pathname", 0, Path),
            p("statbuf", 1, Stat(StatLayout::Old)),
        ],
        Ret::Unsigned,
        FILE | STAT | STAT_LIKE,
    ),
    ia32_row(
        "oldlstat",
        84,
        &[
            p("pathname", 0, Path),
            p("statbuf", 1, Stat(StatLayout::Old)),
        ],
        Ret::Unsigned,
        FILE | LSTAT | STAT_LIKE,
    ),
    ia32_row(
        "stat64",
        195,
        &[
            p("pathname", 0, Path),
            p("statbuf", 1, Stat(StatLayout::Stat64)),
        ],
        Ret::Unsigned,
        FILE | STAT | STAT_LIKE,
    ),
    ia32_row(
        "lstat64",
        196,
        &[
            p("pathname", 0, Path),
            p("statbuf", 1, Stat(StatLayout::Stat64)),
        ],
        Ret::Unsigned,
        FILE | LSTAT | STAT_LIKE,
    ),
    ia32_row(
        "fstatat64",
        300,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("statbuf", 2, Stat(StatLayout::Stat64)),
            p("flags", 3, Flags(&AT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC | FSTAT | STAT_LIKE,
    ),
    row(
        "statx",
        332,
        383,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("flags", 2, StatxFlags),
            p("mask", 3, Flags(&STATX_MASK)),
            p("statxbuf", 4, Statx),
        ],
        Ret::Unsigned,
        FILE | DESC | FSTAT | STAT_LIKE,
    ),
    // readlink and getcwd (strace src/readlink.c, getcwd.c)
    row(
        "readlink",
        89,
        85,
        &[
            p("pathname", 0, Path),
            p("buf", 1, OutString),
            p("bufsiz", 2, Size),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "readlinkat",
        267,
        305,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("buf", 2, OutString),
            p("bufsiz", 3, Size),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "getcwd",
        79,
        183,
        &[p("buf", 0, OutPath), p("size", 1, Size)],
        Ret::Unsigned,
        FILE,
    ),
    // file times (strace src/utime.c, utimes.c)
    row(
        "utime",
        132,
        30,
        &[p("filename", 0, Path), p("times", 1, Times(Times::Utimbuf))],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "utimes",
        235,
        271,
        &[
            p("pathname", 0, Path),
            p("times", 1, Times(Times::Timevals)),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "futimesat",
        261,
        299,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("times", 2, Times(Times::Timevals)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "utimensat",
        280,
        320,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("times", 2, Times(Times::Timespecs)),
            p("flags", 3, Flags(&AT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // exec (strace src/execve.c)
    row(
        "execve",
        59,
        11,
        &[
            p("pathname", 0, Path),
            p("argv", 1, Argv),
            p("envp", 2, Envp),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "execveat",
        322,
        358,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("argv", 2, Argv),
            p("envp", 3, Envp),
            p("flags", 4, Flags(&EXECVEAT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // extended attributes (strace src/xattr.c)
    row(
        "setxattr",
        188,
        226,
        &[
            p("pathname", 0, Path),
            p("name", 1, Str),
            p("value", 2, XattrValue { size: 3 }),
            p("size", 3, Size),
            p("flags", 4, Flags(&XATTR_FLAGS)),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "lsetxattr",
        189,
        227,
        &[
            p("pathname", 0, Path),
            p("name", 1, Str),
            p("value", 2, XattrValue { size: 3 }),
            p("size", 3, Size),
            p("flags", 4, Flags(&XATTR_FLAGS)),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "getxattr",
        191,
        229,
        &[
            p("pathname", 0, Path),
            p("name", 1, Str),
            p("value", 2, XattrOut { size: 3 }),
            p("size", 3, Size),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "lgetxattr",
        192,
        230,
        &[
            p("pathname", 0, Path),
            p("name", 1, Str),
            p("value", 2, XattrOut { size: 3 }),
            p("size", 3, Size),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "listxattr",
        194,
        232,
        &[
            p("pathname", 0, Path),
            p("list", 1, XattrList { size: 2 }),
            p("size", 2, Size),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "llistxattr",
        195,
        233,
        &[
            p("pathname", 0, Path),
            p("list", 1, XattrList { size: 2 }),
            p("size", 2, Size),
        ],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "removexattr",
        197,
        235,
        &[p("pathname", 0, Path), p("name", 1, Str)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "lremovexattr",
        198,
        236,
        &[p("pathname", 0, Path), p("name", 1, Str)],
        Ret::Unsigned,
        FILE,
    ),
    row(
        "setxattrat",
        463,
        463,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("at_flags", 2, Flags(&XATTRAT_FLAGS)),
            p("name", 3, Str),
            p(
                "args",
                4,
                XattrArgs {
                    size: 5,
                    get: false,
                },
            ),
            p("size", 5, Size),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "getxattrat",
        464,
        464,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("at_flags", 2, Flags(&XATTRAT_FLAGS)),
            p("name", 3, Str),
            p("args", 4, XattrArgs { size: 5, get: true }),
            p("size", 5, Size),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "listxattrat",
        465,
        465,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("at_flags", 2, Flags(&XATTRAT_FLAGS)),
            p("list", 3, XattrList { size: 4 }),
            p("size", 4, Size),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "removexattrat",
        466,
        466,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("at_flags", 2, Flags(&XATTRAT_FLAGS)),
            p("name", 3, Str),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "mount_setattr",
        442,
        442,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("flags", 2, Flags(&MOUNT_SETATTR_FLAGS)),
            p("attr", 3, MountAttr { size: 4 }),
            p("size", 4, Size),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "open_tree_attr",
        467,
        467,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("flags", 2, Flags(&OPEN_TREE_FLAGS)),
            p("attr", 3, MountAttr { size: 4 }),
            p("size", 4, Size),
        ],
        Ret::Fd,
        FILE | DESC,
    ),
    // file attributes (strace src/file_attr.c)
    row(
        "file_getattr",
        468,
        468,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("attr", 2, FileAttr { size: 3, get: true }),
            p("size", 3, Size),
            p("at_flags", 4, Flags(&FILE_ATTR_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    row(
        "file_setattr",
        469,
        469,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p(
                "attr",
                2,
                FileAttr {
                    size: 3,
                    get: false,
                },
            ),
            p("size", 3, Size),
            p("at_flags", 4, Flags(&FILE_ATTR_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // statfs (strace src/statfs.c, statfs64.c)
    row(
        "statfs",
        137,
        99,
        &[
            p("path", 0, Path),
            p("buf", 1, Statfs(StatfsLayout::Statfs)),
        ],
        Ret::Unsigned,
        FILE | STATFS | STATFS_LIKE,
    ),
    ia32_row(
        "statfs64",
        268,
        &[
            p("path", 0, Path),
            p("sz", 1, Size),
            p("buf", 2, Statfs(StatfsLayout::Statfs64 { size: 1 })),
        ],
        Ret::Unsigned,
        FILE | STATFS | STATFS_LIKE,
    ),
    // mount (strace src/mount.c)
    row(
        "mount",
        165,
        21,
        &[
            p("source", 0, Path),
            p("target", 1, Path),
            p(
                "filesystemtype",
                2,
                MountString {
                    flags: 3,
                    data: false,
                },
            ),
            p("mountflags", 3, MountFlags),
            p(
                "data",
                4,
                MountString {
                    flags: 3,
                    data: true,
                },
            ),
        ],
        Ret::Unsigned,
        FILE,
    ),
    // file handles (strace src/file_handle.c)
    row(
        "name_to_handle_at",
        303,
        341,
        &[
            p("dirfd", 0, Dirfd),
            p("pathname", 1, Path),
            p("handle", 2, FileHandle),
            p("mount_id", 3, OutInt),
            p("flags", 4, Flags(&NAME_TO_HANDLE_AT_FLAGS)),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
    // fanotify (strace src/fanotify.c)
    row(
        "fanotify_init",
        300,
        338,
        &[
            p("flags", 0, FanInitFlags),
            p("event_f_flags", 1, OpenFlags),
        ],
        Ret::Fd,
        DESC,
    ),
    row(
        "fanotify_mark",
        301,
        339,
        &[
            p("fanotify_fd", 0, Fd),
            p("flags", 1, Flags(&FAN_MARK_FLAGS)),
            p("mask", 2, Flags64(&FAN_EVENT_FLAGS)),
            p("dirfd", 3, FanDirfd),
            p("pathname", 4, Path),
        ],
        Ret::Unsigned,
        FILE | DESC,
    ),
];

/// A call ftrace-cli knows: an index into [`SYSCALLS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Syscall(u16);

impl Syscall {
    /// The call named `name`, at compile time: an unknown name does not build.
    pub const fn named(name: &str) -> Syscall {
        let mut i = 0;
        while i < SYSCALLS.len() {
            if str_eq(SYSCALLS[i].name, name) {
                return Syscall(i as u16);
            }
            i += 1;
        }
        panic!("no such call in SYSCALLS")
    }

    pub fn from_name(name: &str) -> Option<Syscall> {
        Syscall::all().find(|s| s.name() == name)
    }

    /// Every call, in table order.
    pub fn all() -> impl DoubleEndedIterator<Item = Syscall> + ExactSizeIterator + Clone {
        (0..SYSCALLS.len() as u16).map(Syscall)
    }

    /// How many calls there are.
    pub const COUNT: usize = SYSCALLS.len();

    pub fn from_index(index: usize) -> Option<Syscall> {
        (index < SYSCALLS.len()).then_some(Syscall(index as u16))
    }

    /// Its position in [`SYSCALLS`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    pub fn def(self) -> &'static SyscallDef {
        &SYSCALLS[self.index()]
    }

    /// The name strace prints (and accepts in `-e trace=`).
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// The parameters strace prints, in order.
    pub fn params(self) -> &'static [Param] {
        self.def().params
    }

    /// How strace prints a successful result of this call.
    pub fn ret_kind(self) -> RetKind {
        self.def().ret
    }

    pub fn in_class(self, classes: u16) -> bool {
        self.def().classes & classes != 0
    }
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bpf::types::limits;

    #[test]
    fn names_are_unique_and_found() {
        for sc in Syscall::all() {
            assert_eq!(Syscall::from_name(sc.name()), Some(sc));
        }
        assert_eq!(Syscall::named("openat2").name(), "openat2");
        assert_eq!(Syscall::from_name("close"), None);
    }

    #[test]
    fn rows_are_consistent() {
        for def in SYSCALLS {
            for abi in 0..2 {
                let Some(nr) = def.numbers[abi] else { continue };
                assert!(u32::from(nr) < limits::NR_SLOTS.0, "{} number", def.name);
                let twins = SYSCALLS
                    .iter()
                    .filter(|d| d.numbers[abi] == Some(nr))
                    .count();
                assert_eq!(twins, 1, "{} shares its number", def.name);
            }
            for param in def.params {
                assert!(param.arg < 6, "{}: {}", def.name, param.name);
            }
            // One register, one parameter printed, whatever the command.
            let values = def.params.iter().filter_map(|p| match &p.when {
                When::Always => None,
                When::Among(v) => Some(std::slice::from_ref(v)),
                When::Except(sets) => Some(*sets),
            });
            let mut samples = vec![[0u64; 6], [u64::MAX; 6]];
            for v in values.flatten() {
                for bit in 0..64u32 {
                    let mut args = [0u64; 6];
                    args[usize::from(v.arg)] = u64::from(v.base.wrapping_add(bit) << v.shift);
                    samples.push(args);
                }
            }
            for args in samples {
                for (i, param) in def.params.iter().enumerate() {
                    let twice = def.params[..i].iter().any(|q| {
                        q.arg == param.arg && q.when.holds(&args) && param.when.holds(&args)
                    });
                    assert!(!twice, "{}: two parameters in one register", def.name);
                }
            }
            assert!(def.classes != 0, "{} has no class", def.name);
        }
        // Record ids are u16, 0 meaning "not traced".
        assert!(SYSCALLS.len() < usize::from(u16::MAX));
    }
}

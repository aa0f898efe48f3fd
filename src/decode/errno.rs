//! errno names (strace's x86_64 table) and the messages strace prints.
//!
//! strace prints a failed call as `= -1 ENAME (message)` where the message
//! is glibc's `strerror()` text (glibc 2.36 wording; glibc has no text for
//! the kernel-internal codes >= 512, hence "Unknown error 517"), except for
//! the four ERESTART* codes, which strace prints as `= ? ERESTARTSYS (...)`
//! with texts of its own.  An errno strace has no name for (e.g. 41, 58,
//! 600) prints as `= -1 (errno 41)`.

use std::fmt::Write;

/// Largest value the kernel returns as `-errno` (`MAX_ERRNO`).
pub const MAX_ERRNO: u64 = 4095;

fn lookup(errno: u32) -> Option<(&'static str, &'static str)> {
    Some(match errno {
        1 => ("EPERM", "Operation not permitted"),
        2 => ("ENOENT", "No such file or directory"),
        3 => ("ESRCH", "No such process"),
        4 => ("EINTR", "Interrupted system call"),
        5 => ("EIO", "Input/output error"),
        6 => ("ENXIO", "No such device or address"),
        7 => ("E2BIG", "Argument list too long"),
        8 => ("ENOEXEC", "Exec format error"),
        9 => ("EBADF", "Bad file descriptor"),
        10 => ("ECHILD", "No child processes"),
        11 => ("EAGAIN", "Resource temporarily unavailable"),
        12 => ("ENOMEM", "Cannot allocate memory"),
        13 => ("EACCES", "Permission denied"),
        14 => ("EFAULT", "Bad address"),
        15 => ("ENOTBLK", "Block device required"),
        16 => ("EBUSY", "Device or resource busy"),
        17 => ("EEXIST", "File exists"),
        18 => ("EXDEV", "Invalid cross-device link"),
        19 => ("ENODEV", "No such device"),
        20 => ("ENOTDIR", "Not a directory"),
        21 => ("EISDIR", "Is a directory"),
        22 => ("EINVAL", "Invalid argument"),
        23 => ("ENFILE", "Too many open files in system"),
        24 => ("EMFILE", "Too many open files"),
        25 => ("ENOTTY", "Inappropriate ioctl for device"),
        26 => ("ETXTBSY", "Text file busy"),
        27 => ("EFBIG", "File too large"),
        28 => ("ENOSPC", "No space left on device"),
        29 => ("ESPIPE", "Illegal seek"),
        30 => ("EROFS", "Read-only file system"),
        31 => ("EMLINK", "Too many links"),
        32 => ("EPIPE", "Broken pipe"),
        33 => ("EDOM", "Numerical argument out of domain"),
        34 => ("ERANGE", "Numerical result out of range"),
        35 => ("EDEADLK", "Resource deadlock avoided"),
        36 => ("ENAMETOOLONG", "File name too long"),
        37 => ("ENOLCK", "No locks available"),
        38 => ("ENOSYS", "Function not implemented"),
        39 => ("ENOTEMPTY", "Directory not empty"),
        40 => ("ELOOP", "Too many levels of symbolic links"),
        42 => ("ENOMSG", "No message of desired type"),
        43 => ("EIDRM", "Identifier removed"),
        44 => ("ECHRNG", "Channel number out of range"),
        45 => ("EL2NSYNC", "Level 2 not synchronized"),
        46 => ("EL3HLT", "Level 3 halted"),
        47 => ("EL3RST", "Level 3 reset"),
        48 => ("ELNRNG", "Link number out of range"),
        49 => ("EUNATCH", "Protocol driver not attached"),
        50 => ("ENOCSI", "No CSI structure available"),
        51 => ("EL2HLT", "Level 2 halted"),
        52 => ("EBADE", "Invalid exchange"),
        53 => ("EBADR", "Invalid request descriptor"),
        54 => ("EXFULL", "Exchange full"),
        55 => ("ENOANO", "No anode"),
        56 => ("EBADRQC", "Invalid request code"),
        57 => ("EBADSLT", "Invalid slot"),
        59 => ("EBFONT", "Bad font file format"),
        60 => ("ENOSTR", "Device not a stream"),
        61 => ("ENODATA", "No data available"),
        62 => ("ETIME", "Timer expired"),
        63 => ("ENOSR", "Out of streams resources"),
        64 => ("ENONET", "Machine is not on the network"),
        65 => ("ENOPKG", "Package not installed"),
        66 => ("EREMOTE", "Object is remote"),
        67 => ("ENOLINK", "Link has been severed"),
        68 => ("EADV", "Advertise error"),
        69 => ("ESRMNT", "Srmount error"),
        70 => ("ECOMM", "Communication error on send"),
        71 => ("EPROTO", "Protocol error"),
        72 => ("EMULTIHOP", "Multihop attempted"),
        73 => ("EDOTDOT", "RFS specific error"),
        74 => ("EBADMSG", "Bad message"),
        75 => ("EOVERFLOW", "Value too large for defined data type"),
        76 => ("ENOTUNIQ", "Name not unique on network"),
        77 => ("EBADFD", "File descriptor in bad state"),
        78 => ("EREMCHG", "Remote address changed"),
        79 => ("ELIBACC", "Can not access a needed shared library"),
        80 => ("ELIBBAD", "Accessing a corrupted shared library"),
        81 => ("ELIBSCN", ".lib section in a.out corrupted"),
        82 => ("ELIBMAX", "Attempting to link in too many shared libraries"),
        83 => ("ELIBEXEC", "Cannot exec a shared library directly"),
        84 => (
            "EILSEQ",
            "Invalid or incomplete multibyte or wide character",
        ),
        85 => ("ERESTART", "Interrupted system call should be restarted"),
        86 => ("ESTRPIPE", "Streams pipe error"),
        87 => ("EUSERS", "Too many users"),
        88 => ("ENOTSOCK", "Socket operation on non-socket"),
        89 => ("EDESTADDRREQ", "Destination address required"),
        90 => ("EMSGSIZE", "Message too long"),
        91 => ("EPROTOTYPE", "Protocol wrong type for socket"),
        92 => ("ENOPROTOOPT", "Protocol not available"),
        93 => ("EPROTONOSUPPORT", "Protocol not supported"),
        94 => ("ESOCKTNOSUPPORT", "Socket type not supported"),
        95 => ("EOPNOTSUPP", "Operation not supported"),
        96 => ("EPFNOSUPPORT", "Protocol family not supported"),
        97 => ("EAFNOSUPPORT", "Address family not supported by protocol"),
        98 => ("EADDRINUSE", "Address already in use"),
        99 => ("EADDRNOTAVAIL", "Cannot assign requested address"),
        100 => ("ENETDOWN", "Network is down"),
        101 => ("ENETUNREACH", "Network is unreachable"),
        102 => ("ENETRESET", "Network dropped connection on reset"),
        103 => ("ECONNABORTED", "Software caused connection abort"),
        104 => ("ECONNRESET", "Connection reset by peer"),
        105 => ("ENOBUFS", "No buffer space available"),
        106 => ("EISCONN", "Transport endpoint is already connected"),
        107 => ("ENOTCONN", "Transport endpoint is not connected"),
        108 => ("ESHUTDOWN", "Cannot send after transport endpoint shutdown"),
        109 => ("ETOOMANYREFS", "Too many references: cannot splice"),
        110 => ("ETIMEDOUT", "Connection timed out"),
        111 => ("ECONNREFUSED", "Connection refused"),
        112 => ("EHOSTDOWN", "Host is down"),
        113 => ("EHOSTUNREACH", "No route to host"),
        114 => ("EALREADY", "Operation already in progress"),
        115 => ("EINPROGRESS", "Operation now in progress"),
        116 => ("ESTALE", "Stale file handle"),
        117 => ("EUCLEAN", "Structure needs cleaning"),
        118 => ("ENOTNAM", "Not a XENIX named type file"),
        119 => ("ENAVAIL", "No XENIX semaphores available"),
        120 => ("EISNAM", "Is a named type file"),
        121 => ("EREMOTEIO", "Remote I/O error"),
        122 => ("EDQUOT", "Disk quota exceeded"),
        123 => ("ENOMEDIUM", "No medium found"),
        124 => ("EMEDIUMTYPE", "Wrong medium type"),
        125 => ("ECANCELED", "Operation canceled"),
        126 => ("ENOKEY", "Required key not available"),
        127 => ("EKEYEXPIRED", "Key has expired"),
        128 => ("EKEYREVOKED", "Key has been revoked"),
        129 => ("EKEYREJECTED", "Key was rejected by service"),
        130 => ("EOWNERDEAD", "Owner died"),
        131 => ("ENOTRECOVERABLE", "State not recoverable"),
        132 => ("ERFKILL", "Operation not possible due to RF-kill"),
        133 => ("EHWPOISON", "Memory page has hardware error"),
        512 => ("ERESTARTSYS", "To be restarted if SA_RESTART is set"),
        513 => ("ERESTARTNOINTR", "To be restarted"),
        514 => ("ERESTARTNOHAND", "To be restarted if no handler"),
        515 => ("ENOIOCTLCMD", "Unknown error 515"),
        516 => ("ERESTART_RESTARTBLOCK", "Interrupted by signal"),
        517 => ("EPROBE_DEFER", "Unknown error 517"),
        518 => ("EOPENSTALE", "Unknown error 518"),
        521 => ("EBADHANDLE", "Unknown error 521"),
        522 => ("ENOTSYNC", "Unknown error 522"),
        523 => ("EBADCOOKIE", "Unknown error 523"),
        524 => ("ENOTSUPP", "Unknown error 524"),
        525 => ("ETOOSMALL", "Unknown error 525"),
        526 => ("ESERVERFAULT", "Unknown error 526"),
        527 => ("EBADTYPE", "Unknown error 527"),
        528 => ("EJUKEBOX", "Unknown error 528"),
        529 => ("EIOCBQUEUED", "Unknown error 529"),
        530 => ("ERECALLCONFLICT", "Unknown error 530"),
        _ => return None,
    })
}

/// strace's name for `errno`, e.g. `ENOENT`, `ERESTARTSYS`, `EPROBE_DEFER`.
pub fn errno_name(errno: u32) -> Option<&'static str> {
    lookup(errno).map(|(name, _)| name)
}

/// The text strace prints in parentheses after the errno name.  `None`
/// when strace has no name for `errno` (it then prints `(errno N)` instead).
pub fn errno_message(errno: u32) -> Option<&'static str> {
    lookup(errno).map(|(_, msg)| msg)
}

/// Whether strace prints this error with a `?` return value: the
/// restart codes, which never reach user space.
fn is_restart(errno: u64) -> bool {
    matches!(errno, 512 | 513 | 514 | 516)
}

/// How a successful return value is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetKind {
    /// A file descriptor / int: signed decimal (strace's `RVAL_FD`).
    Fd,
    /// strace's default `RVAL_UDECIMAL`: unsigned decimal.
    Unsigned,
}

/// Writes `= value...` (no leading space) for a syscall result `ret`.
///
/// For a 32-bit (`compat`) caller only the low 32 bits of `ret` count.
pub(crate) fn write_retval(out: &mut String, ret: i64, compat: bool, kind: RetKind) {
    let ret = if compat {
        i64::from(ret as u32 as i32)
    } else {
        ret
    };
    out.push_str("= ");
    if (-(MAX_ERRNO as i64)..=-1).contains(&ret) {
        let errno = ret.unsigned_abs();
        let named = u32::try_from(errno).ok().and_then(lookup);
        match named {
            Some((name, msg)) if is_restart(errno) => {
                out.push_str("? ");
                out.push_str(name);
                out.push_str(" (");
                out.push_str(msg);
                out.push(')');
            }
            Some((name, msg)) => {
                out.push_str("-1 ");
                out.push_str(name);
                out.push_str(" (");
                out.push_str(msg);
                out.push(')');
            }
            None => {
                let _ = write!(out, "-1 (errno {errno})");
            }
        }
        return;
    }
    match (kind, compat) {
        (RetKind::Fd, _) => {
            let _ = write!(out, "{ret}");
        }
        (RetKind::Unsigned, false) => {
            let _ = write!(out, "{}", ret as u64);
        }
        (RetKind::Unsigned, true) => {
            let _ = write!(out, "{}", ret as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ` = result` for a call returning an fd or int.
    fn ret(r: i64) -> String {
        let mut o = String::from(" ");
        write_retval(&mut o, r, false, RetKind::Fd);
        o
    }

    #[test]
    fn names_and_messages() {
        assert_eq!(errno_name(2), Some("ENOENT"));
        assert_eq!(errno_message(2), Some("No such file or directory"));
        assert_eq!(errno_name(133), Some("EHWPOISON"));
        assert_eq!(errno_name(41), None);
        assert_eq!(errno_name(58), None);
        assert_eq!(errno_name(0), None);
        assert_eq!(errno_name(512), Some("ERESTARTSYS"));
        assert_eq!(
            errno_message(512),
            Some("To be restarted if SA_RESTART is set")
        );
        assert_eq!(errno_message(517), Some("Unknown error 517"));
        assert_eq!(errno_name(519), None);
        assert_eq!(errno_name(530), Some("ERECALLCONFLICT"));
        assert_eq!(errno_name(531), None);
        assert_eq!(errno_name(u32::MAX), None);
    }

    #[test]
    fn returns() {
        // Verified with strace 6.1 -e inject=symlinkat:error=N:when=1.
        let cases: &[(i64, &str)] = &[
            (3, " = 3"),
            (0, " = 0"),
            (-2, " = -1 ENOENT (No such file or directory)"),
            (-4, " = -1 EINTR (Interrupted system call)"),
            (
                -85,
                " = -1 ERESTART (Interrupted system call should be restarted)",
            ),
            (-41, " = -1 (errno 41)"),
            (-58, " = -1 (errno 58)"),
            (-600, " = -1 (errno 600)"),
            (-4095, " = -1 (errno 4095)"),
            (
                -512,
                " = ? ERESTARTSYS (To be restarted if SA_RESTART is set)",
            ),
            (-513, " = ? ERESTARTNOINTR (To be restarted)"),
            (-514, " = ? ERESTARTNOHAND (To be restarted if no handler)"),
            (-516, " = ? ERESTART_RESTARTBLOCK (Interrupted by signal)"),
            (-515, " = -1 ENOIOCTLCMD (Unknown error 515)"),
            (-517, " = -1 EPROBE_DEFER (Unknown error 517)"),
            (-530, " = -1 ERECALLCONFLICT (Unknown error 530)"),
            (-4096, " = -4096"),
            (i64::MIN, " = -9223372036854775808"),
            (2147483648, " = 2147483648"),
        ];
        for &(r, want) in cases {
            assert_eq!(ret(r), want);
        }
    }

    #[test]
    fn kinds_and_compat() {
        let w = |r: i64, compat: bool, kind: RetKind| {
            let mut o = String::new();
            write_retval(&mut o, r, compat, kind);
            o
        };
        // strace -e inject=openat:retval=2147483648 (64-bit and -m32 tracee).
        assert_eq!(w(2147483648, false, RetKind::Fd), "= 2147483648");
        assert_eq!(w(2147483648, true, RetKind::Fd), "= -2147483648");
        assert_eq!(w(2147483648, true, RetKind::Unsigned), "= 2147483648");
        assert_eq!(w(-5000, false, RetKind::Unsigned), "= 18446744073709546616");
        assert_eq!(w(-5000, true, RetKind::Unsigned), "= 4294962296");
        assert_eq!(
            w(0xffff_fffe, true, RetKind::Unsigned),
            "= -1 ENOENT (No such file or directory)"
        );
        assert_eq!(w(0xffff_fffe, false, RetKind::Unsigned), "= 4294967294");
        assert_eq!(w(5000, true, RetKind::Unsigned), "= 5000");
    }
}

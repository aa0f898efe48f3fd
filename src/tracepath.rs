//! -P PATH: only the calls that touch PATH. The kernel drops the others in
//! two passes: before capturing anything, from the ends of each path
//! argument and the names along each descriptor's dentries
//! (`may_touch_trace_path` in the BPF program); then, for what is left, by
//! a hash of the whole paths (`touches_trace_path`). The few a hash
//! collision lets through are dropped here, where the bytes are compared.
//!
//! A call touches PATH when one of these names PATH, or, for a PATH that
//! ends with '/', lies beneath it (or is that directory):
//! - a path argument (not a symlink's target): as it is, or, when relative,
//!   appended to its dirfd's path (the working directory for AT_FDCWD and
//!   calls without a dirfd) after any leading "./"; a path with a ".."
//!   component matches only as it is, whole (".." and symlinks are not
//!   resolved);
//! - a descriptor argument's file, or the returned descriptor's file, as
//!   the kernel names it at the call's exit (AT_FDCWD itself is not one).
//!
//! PATH matches as given, and as its realpath when it exists.

use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::bpf::types::{limits, trace_path};
use crate::decode::{Call, Memory, Raw, Render};
use crate::error::Error;

const AT_FDCWD: i64 = -100;
const MAX: usize = limits::MAX_TRACE_PATHS.0 as usize;

/// The -P paths, as the forms they match.
#[derive(Clone, Debug, Default)]
pub struct TracePaths {
    /// Paths that match whole.
    whole: Vec<Vec<u8>>,
    /// Directories, with their trailing '/', that every path in them matches.
    prefixes: Vec<Vec<u8>>,
}

impl TracePaths {
    pub fn new(paths: &[PathBuf]) -> Result<Self, Error> {
        let mut set = TracePaths::default();
        for path in paths {
            let bytes = path.as_os_str().as_bytes();
            if bytes.is_empty() {
                return Err(Error::Usage("-P: the path is empty".into()));
            }
            let real = std::fs::canonicalize(path).ok();
            let real = real.as_deref().map(|p| p.as_os_str().as_bytes());
            if bytes.ends_with(b"/") {
                for dir in [Some(bytes), real].into_iter().flatten() {
                    let dir = trim_slashes(dir);
                    set.add_whole(dir);
                    let mut prefix = dir.to_vec();
                    if prefix != b"/" {
                        prefix.push(b'/');
                    }
                    if !set.prefixes.contains(&prefix) {
                        set.prefixes.push(prefix);
                    }
                }
            } else {
                set.add_whole(bytes);
                if let Some(real) = real {
                    set.add_whole(real);
                }
            }
        }
        if set.whole.len() + set.prefixes.len() > MAX {
            return Err(Error::Usage(format!(
                "-P: too many paths; the kernel compares at most {MAX} forms of them \
                 (each path counts once, twice with its realpath, twice more with a trailing /)"
            )));
        }
        Ok(set)
    }

    fn add_whole(&mut self, path: &[u8]) {
        if !self.whole.iter().any(|p| p == path) {
            self.whole.push(path.to_vec());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.whole.is_empty() && self.prefixes.is_empty()
    }

    /// The kernel's table: each form's hash, length and last component,
    /// with its bytes.
    pub fn kernel_table(&self) -> Vec<(trace_path, &[u8])> {
        fn entry(bytes: &[u8], prefix: bool) -> (trace_path, &[u8]) {
            let body = if prefix {
                &bytes[..bytes.len() - 1]
            } else {
                bytes
            };
            let last_start = body.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
            let form = trace_path {
                hash: fnv1a(bytes),
                len: bytes.len() as u16,
                last_start: last_start as u16,
                last_len: (body.len() - last_start) as u16,
                prefix: u8::from(prefix),
                ..Default::default()
            };
            (form, bytes)
        }
        self.whole
            .iter()
            .map(|p| entry(p, false))
            .chain(self.prefixes.iter().map(|p| entry(p, true)))
            .collect()
    }

    /// The lengths of the kernel table's last components, as bit sets
    /// (bit n: some component has n bytes): of every form, and of the
    /// prefix forms alone.
    pub fn last_lengths(&self) -> ([u64; 4], [u64; 4]) {
        let mut every = [0u64; 4];
        let mut prefixes = [0u64; 4];
        for (form, _) in self.kernel_table() {
            let n = usize::from(form.last_len);
            if n >= 256 {
                continue; // longer than any name: no dentry bears it
            }
            every[n / 64] |= 1 << (n % 64);
            if form.prefix != 0 {
                prefixes[n / 64] |= 1 << (n % 64);
            }
        }
        (every, prefixes)
    }

    fn names(&self, path: &[u8]) -> bool {
        self.whole.iter().any(|p| p == path) || self.prefixes.iter().any(|p| path.starts_with(p))
    }

    /// Whether `call` touches one of the paths, by the rules above.
    pub fn selects(&self, call: &Call) -> bool {
        let base = call
            .params()
            .find(|p| matches!(p.render, Render::Dirfd | Render::FanDirfd))
            .map_or(call.cwd_path(), |p| call.memory(p));
        let by_params = call.params().any(|param| {
            let text = whole_text(call.memory(param));
            match (param.render, text) {
                (_, None) => false,
                (Render::Path, Some(path)) => {
                    self.whole.iter().any(|p| p == path)
                        || (!has_dotdot(path)
                            && (self.names(path)
                                || (!path.starts_with(b"/")
                                    && whole_text(base)
                                        .is_some_and(|dir| self.names(&joined(dir, path))))))
                }
                // Not a filesystem context's descriptor, as strace.
                (Render::Fd | Render::Dirfd | Render::FanDirfd, Some(path)) => {
                    call.raw(param) != Raw::Signed(AT_FDCWD) && self.names(path)
                }
                _ => false,
            }
        });
        by_params
            || (call.returned_fd().is_some()
                && whole_text(call.returned_fd_path()).is_some_and(|p| self.names(p)))
    }
}

/// A captured path read whole, as the kernel compares it.
fn whole_text<'a>(memory: &Memory<'a>) -> Option<&'a [u8]> {
    match *memory {
        Memory::Bytes {
            data,
            complete: true,
        }
        | Memory::Changed {
            data,
            complete: true,
        }
        | Memory::Deleted {
            data,
            complete: true,
        } if !data.is_empty() && data.len() <= limits::FD_PATH_MAX.0 as usize => Some(data),
        _ => None,
    }
}

/// Whether a ".." component may lead a path out of a directory it names.
fn has_dotdot(path: &[u8]) -> bool {
    path.split(|&b| b == b'/').any(|c| c == b"..")
}

/// `dir/path`, without `path`'s leading "./" (as the kernel joins them).
fn joined(dir: &[u8], mut path: &[u8]) -> Vec<u8> {
    for _ in 0..8 {
        if path.len() >= 2 && path.starts_with(b"./") {
            path = &path[2..];
        }
    }
    let mut out = dir.to_vec();
    if dir != b"/" {
        out.push(b'/');
    }
    out.extend_from_slice(path);
    out
}

fn trim_slashes(path: &[u8]) -> &[u8] {
    let end = path.iter().rposition(|&b| b != b'/').map_or(1, |i| i + 1);
    &path[..end]
}

/// 64-bit FNV-1a, as the kernel side hashes.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::testing::{call, s, OPEN, OPENAT};

    fn set(paths: &[&str]) -> TracePaths {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        TracePaths::new(&paths).unwrap()
    }

    #[test]
    fn forms() {
        let p = set(&["/nonexistent/dir/", "/nonexistent/f", "/"]);
        assert_eq!(p.whole, [&b"/nonexistent/dir"[..], b"/nonexistent/f", b"/"]);
        assert_eq!(p.prefixes, [&b"/nonexistent/dir/"[..], b"/"]);
        assert!(p.names(b"/nonexistent/dir"));
        assert!(p.names(b"/nonexistent/dir/x/y"));
        assert!(!p.names(b"/nonexistent/dirt") || p.prefixes.contains(&b"/".to_vec()));
        let q = set(&["/nonexistent/dir/"]);
        assert!(!q.names(b"/nonexistent/dirt"));
        assert!(!q.names(b"/nonexistent"));
        assert!(TracePaths::new(&[PathBuf::new()]).is_err());
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    /// The kernel's first pass compares last components: "f" of "/d/f",
    /// "dir" of the prefix "/d/dir/", nothing of "/".
    #[test]
    fn kernel_table_knows_last_components() {
        let p = set(&["/d/dir/", "/d/f", "/"]);
        let last: Vec<_> = p
            .kernel_table()
            .iter()
            .map(|(form, bytes)| {
                let start = form.last_start as usize;
                let text = &bytes[start..start + form.last_len as usize];
                (
                    String::from_utf8_lossy(bytes).into_owned(),
                    text.to_vec(),
                    form.prefix,
                )
            })
            .collect();
        let want = |path: &str, last: &str, prefix: u8| {
            (path.to_string(), last.as_bytes().to_vec(), prefix)
        };
        assert_eq!(
            last,
            [
                want("/d/dir", "dir", 0),
                want("/d/f", "f", 0),
                want("/", "", 0),
                want("/d/dir/", "dir", 1),
                want("/", "", 1),
            ]
        );
    }

    /// An openat with dirfd `dirfd` (captured as `dir`) and path `path`.
    fn openat<'a>(dirfd: i64, dir: &'a [u8], path: &'a [u8], ret: i64) -> Call<'a> {
        let mut c = call(OPENAT, &[dirfd as u64, 1, 0], [s(path), Memory::Null], ret);
        c.captured[0] = s(dir);
        c
    }

    #[test]
    fn relative_paths_join_their_directory() {
        let p = set(&["/d/a/f"]);
        assert!(p.selects(&openat(5, b"/d", b"./a/f", -2)));
        assert!(
            p.selects(&openat(-100, b"/d", b"a/f", -2)),
            "AT_FDCWD's path is the base"
        );
        assert!(
            !p.selects(&openat(5, b"/d", b"../d/a/f", -2)),
            "no .. resolution"
        );
        let under = set(&["/d/"]);
        assert!(
            !under.selects(&openat(5, b"/e", b"/d/../e", -2)),
            "a .. may lead out of /d"
        );
        assert!(!under.selects(&openat(5, b"/e", b"../d/y", -2)));
        assert!(
            under.selects(&openat(5, b"/d", b"x/..y", -2)),
            "..y is a name"
        );
        let mut o = call(OPEN, &[1, 0], [s(b"a/f"), Memory::Null], 3);
        assert!(!p.selects(&o));
        o.captured[7] = s(b"/d");
        assert!(p.selects(&o), "open: relative to the cwd");
        let root = set(&["/f"]);
        o.captured[7] = s(b"/");
        o.captured[0] = s(b"f");
        assert!(root.selects(&o), "no // after the root");
    }

    #[test]
    fn descriptors_and_results() {
        let p = set(&["/d"]);
        assert!(
            !p.selects(&openat(-100, b"/d", b"x", 3)),
            "AT_FDCWD is not a descriptor of /d"
        );
        assert!(p.selects(&openat(4, b"/d", b"x", 3)), "dirfd 4 is /d");
        let mut c = openat(4, b"/e", b"x", 3);
        c.captured[6] = Memory::Deleted {
            data: b"/d",
            complete: true,
        };
        assert!(p.selects(&c), "the returned descriptor");
        c.ret = -2;
        assert!(!p.selects(&c), "a failed call returns none");
        c.ret = 3;
        c.captured[6] = Memory::Null;
        c.captured[0] = Memory::Bytes {
            data: b"/d",
            complete: false,
        };
        assert!(!p.selects(&c), "a cut path matches nothing");
    }
}

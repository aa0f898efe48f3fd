//! --cgroup: selecting processes by cgroup v2 directory, and naming the
//! container a record's cgroup belongs to.
//!
//! The kernel side compares the caller's cgroup ancestor at the selected
//! directory's depth with that directory's id (its inode number on the
//! cgroup2 filesystem), so a directory selects everything below it too.

use std::collections::hash_map::{Entry, HashMap};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// A --cgroup directory: its cgroup id and depth below the hierarchy's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cgroup {
    pub path: PathBuf,
    pub id: u64,
    pub level: u32,
}

/// The cgroup2 mounts: (mount point, root of the mount within the hierarchy).
fn cgroup2_mounts() -> Vec<(PathBuf, PathBuf)> {
    let info = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    info.lines()
        .filter_map(|line| {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE ...
            let (left, right) = line.split_once(" - ")?;
            if right.split(' ').next()? != "cgroup2" {
                return None;
            }
            let fields: Vec<_> = left.split(' ').collect();
            let unescape = |s: &str| PathBuf::from(s.replace("\\040", " "));
            Some((unescape(fields.get(4)?), unescape(fields.get(3)?)))
        })
        .collect()
}

fn depth(path: &Path) -> u32 {
    path.components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count() as u32
}

/// Parses a --cgroup PATH: a directory of a cgroup v2 hierarchy, given as
/// a filesystem path (/sys/fs/cgroup/system.slice/x.service) or as
/// /proc/PID/cgroup shows it (/system.slice/x.service).
pub fn parse_cgroup(s: &str) -> Result<Cgroup, String> {
    let mounts = cgroup2_mounts();
    if mounts.is_empty() {
        return Err(format!(
            "'{s}': no cgroup v2 hierarchy is mounted (see /proc/self/mountinfo)"
        ));
    }
    let given = Path::new(s);
    let mut candidates = vec![given.to_path_buf()];
    for (point, _) in &mounts {
        candidates.push(point.join(given.strip_prefix("/").unwrap_or(given)));
    }
    for candidate in candidates {
        let Ok(path) = candidate.canonicalize() else {
            continue;
        };
        let Some((point, root)) = mounts
            .iter()
            .filter(|(point, _)| path.starts_with(point))
            .max_by_key(|(point, _)| depth(point))
        else {
            continue;
        };
        let meta = fs::metadata(&path).map_err(|e| format!("'{s}': {e}"))?;
        if !meta.is_dir() {
            return Err(format!("'{s}' is not a cgroup directory"));
        }
        let below = path.strip_prefix(point).unwrap_or(Path::new(""));
        return Ok(Cgroup {
            id: meta.ino(),
            level: depth(root) + depth(below),
            path,
        });
    }
    let shown: Vec<_> = mounts
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    Err(format!(
        "'{s}' is not a cgroup v2 directory (cgroup v2 is mounted at {})",
        shown.join(", ")
    ))
}

/// The id of the container a cgroup path shows, if any: a 64-hex-digit
/// component, bare (docker's and Kubernetes' cgroupfs layout) or in a
/// systemd scope name (docker-ID.scope, cri-containerd-ID.scope,
/// crio-ID.scope, libpod-ID.scope), the deepest one winning.
pub fn container_id(path: &str) -> Option<&str> {
    const PREFIXES: [&str; 5] = [
        "docker-",
        "cri-containerd-",
        "crio-",
        "libpod-",
        "containerd-",
    ];
    path.rsplit('/').find_map(|part| {
        let part = part.strip_suffix(".scope").unwrap_or(part);
        let id = PREFIXES
            .iter()
            .find_map(|p| part.strip_prefix(p))
            .unwrap_or(part);
        (id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
    })
}

/// Container ids by cgroup id, found the first time a cgroup is seen.
#[derive(Default)]
pub struct Containers {
    known: HashMap<u64, Option<String>>,
}

impl Containers {
    /// The container of cgroup `id`, where thread `tid` (as ftrace-cli's
    /// /proc numbers it) made a call.
    pub fn of(&mut self, id: u64, tid: u32) -> Option<&str> {
        if let Entry::Vacant(slot) = self.known.entry(id) {
            let path = path_of(id, tid)?;
            slot.insert(container_id(&path.to_string_lossy()).map(str::to_string));
        }
        self.known.get(&id)?.as_deref()
    }
}

/// The directory of cgroup `id`: the one /proc/TID/cgroup names if it is
/// still that cgroup (the thread may be gone, its tid reused), else found
/// by walking the cgroup v2 mounts.
fn path_of(id: u64, tid: u32) -> Option<PathBuf> {
    let mounts = cgroup2_mounts();
    let text = fs::read_to_string(format!("/proc/{tid}/cgroup")).unwrap_or_default();
    if let Some(path) = text.lines().find_map(|l| l.strip_prefix("0::")) {
        let relative = path.trim_start_matches('/');
        for (point, _) in &mounts {
            let dir = point.join(relative);
            if fs::metadata(&dir).is_ok_and(|m| m.ino() == id) {
                return Some(dir);
            }
        }
    }
    mounts.iter().find_map(|(point, _)| find_dir(point, id, 0))
}

fn find_dir(dir: &Path, id: u64, depth: u32) -> Option<PathBuf> {
    if fs::metadata(dir).is_ok_and(|m| m.ino() == id) {
        return Some(dir.to_path_buf());
    }
    // The kernel allows deeper hierarchies, but no runtime nests this far.
    if depth > 32 {
        return None;
    }
    fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .find_map(|e| find_dir(&e.path(), id, depth + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f1c2b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b";

    #[test]
    fn container_ids_from_paths() {
        for path in [
            format!("/system.slice/docker-{ID}.scope"),
            format!("/docker/{ID}"),
            format!("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-{ID}.scope"),
            format!("/kubepods/besteffort/pod1234/{ID}"),
            format!("/machine.slice/libpod-{ID}.scope/container"),
            format!("/kubepods.slice/crio-{ID}.scope"),
        ] {
            assert_eq!(container_id(&path), Some(ID), "{path}");
        }
        assert_eq!(
            container_id("/user.slice/user-0.slice/session-3.scope"),
            None
        );
        assert_eq!(
            container_id(&format!("/machine.slice/libpod-conmon-{ID}.scope")),
            None
        );
        assert_eq!(container_id("/"), None);
    }

    #[test]
    fn bad_cgroup_paths_are_refused() {
        assert!(parse_cgroup("/no/such/cgroup/dir").is_err());
        assert!(parse_cgroup("/etc").is_err());
    }
}

//! -y end to end: the kernel names each descriptor at the call's exit, as
//! readlink(/proc/PID/fd/N) would then, for processes that end at once.

mod common;

use std::process::Command;

use common::*;

/// strace and ftrace-cli run the workload one after the other, so pipes,
/// sockets and O_TMPFILE files get other inode numbers: blank them.
fn without_inodes(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(|c: char| c.is_ascii_digit()) {
        let (head, tail) = rest.split_at(i);
        let digits = tail
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(tail.len());
        out.push_str(head);
        let inode = head.ends_with("pipe:[") || head.ends_with("socket:[") || head.ends_with("/#");
        out.push_str(if inode { "N" } else { &tail[..digits] });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// strace's line without its pid and its padding before ` = `.
fn without_pid(line: &str) -> String {
    unpad(line.split_once(' ').unwrap().1.trim_start())
}

fn strace_installed() -> bool {
    let there = Command::new("strace").arg("-V").output().is_ok();
    if !there {
        eprintln!("\n!!! strace is not installed: skipping the comparison (scripts/deps installs it) !!!\n");
    }
    there
}

#[test]
fn y_matches_strace_for_a_process_that_ends_at_once() {
    if !privileged() || !strace_installed() {
        return;
    }
    for arch in [Arch::X86_64, Arch::Ia32] {
        let name = format!("fdpaths-{arch:?}");
        let dir = scratch_dir(&name);
        let log = dir.join("strace.log");
        let out = run(Command::new("strace")
            .args(["-f", "-qq", "-y", "-o"])
            .arg(&log)
            .args([
                "-e",
                "trace=openat,openat2,symlinkat,fanotify_init,fanotify_mark",
            ])
            .arg(workload(arch))
            .arg("paths")
            .current_dir(&dir));
        assert!(out.status.success(), "{}", stderr(&out));
        let theirs: Vec<String> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(without_pid)
            .skip_while(|l| !l.contains("--begin--"))
            .skip(1)
            .take_while(|l| !l.contains("--end--"))
            .map(|l| without_inodes(&l))
            .collect();

        let dir = scratch_dir(&name);
        // The calls strace traced: `all` now holds chdir and more.
        let out = run(ftrace()
            .args([
                "-y",
                "-e",
                "trace=openat,openat2,symlinkat,fanotify_init,fanotify_mark",
                "--",
            ])
            .arg(workload(arch))
            .arg("paths")
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let ours = body(&stdout(&out));
        let blank: Vec<String> = ours.iter().map(|l| without_inodes(l)).collect();
        assert_eq!(theirs.len(), 24, "{arch:?}: {theirs:#?}");
        assert_eq!(blank, theirs, "{arch:?}");

        // The blanked numbers are the right ones.
        let inode = |what: &str| {
            let err = stderr(&out);
            let line = err.lines().find_map(|l| l.strip_prefix(what)).unwrap();
            line.trim().to_string()
        };
        let pipe = format!("openat(3<pipe:[{}]>, \"x\"", inode("pipe "));
        assert!(
            ours.iter().any(|l| l.starts_with(&pipe)),
            "{pipe}: {ours:#?}"
        );
        let socket = format!("openat(5<socket:[{}]>, \"x\"", inode("socket "));
        assert!(ours.iter().any(|l| l.starts_with(&socket)), "{ours:#?}");
        // What the comparison covers, so that it cannot pass on bare lines.
        let d = dir.display();
        for expected in [
            format!("openat(AT_FDCWD<{d}/a>, \"f\", O_RDONLY) = 8<{d}/a/f>"),
            format!("openat(9<{d}/b/gone>(deleted), \"x\", O_RDONLY) = -1 ENOTDIR (Not a directory)"),
            "openat(6</memfd:mem>(deleted), \"x\", O_RDONLY) = -1 ENOTDIR (Not a directory)".into(),
            "openat(7<anon_inode:[eventfd]>, \"x\", O_RDONLY) = -1 ENOTDIR (Not a directory)".into(),
            format!("openat(AT_FDCWD<{d}/b>, \"/\", O_RDONLY|O_DIRECTORY) = 9</>"),
            format!("fanotify_mark(9<anon_inode:[fanotify]>, FAN_MARK_ADD, FAN_OPEN, 8<{d}>, \"a\") = 0"),
            format!("openat(AT_FDCWD<{d}/b>, \"../dst/f\", O_WRONLY|O_CREAT, 0600) = 9<{d}/dst/f>"),
        ] {
            assert!(ours.contains(&expected), "{arch:?}: {expected}\n{ours:#?}");
        }
    }
}

#[test]
fn a_chrooted_process_sees_paths_from_its_own_root() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("fdpaths-chroot");
    let out = run(ftrace()
        .args(["-y", "--"])
        .arg(workload(Arch::X86_64))
        .arg("jail")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A descriptor of a directory outside the new root keeps its full path,
    // as the kernel's d_path gives it.
    assert_eq!(
        body(&stdout(&out)),
        [
            "openat(AT_FDCWD</>, \"f\", O_WRONLY|O_CREAT, 0600) = 4</f>".to_string(),
            "openat(AT_FDCWD</>, \"/\", O_RDONLY|O_DIRECTORY) = 4</>".to_string(),
            format!(
                "openat(3<{}>, \"x\", O_RDONLY) = -1 ENOENT (No such file or directory)",
                dir.display()
            ),
        ]
    );
}

/// A path with more components than the kernel walks, or longer than
/// /proc gives, shows its end after a `...` marker.
#[test]
fn paths_past_the_walk_are_marked() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("fdpaths-deep");
    for (arch, depth, length, shown) in [(Arch::X86_64, 1100, 1, 1024), (Arch::Ia32, 17, 255, 16)] {
        let out = run(ftrace()
            .args(["-y", "--"])
            .arg(workload(arch))
            .args(["deep", &depth.to_string(), &length.to_string()])
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let end = format!("/{}", "x".repeat(length)).repeat(shown);
        assert_eq!(
            body(&stdout(&out)),
            [format!(
                "openat(AT_FDCWD<...{end}>, \".\", O_RDONLY|O_DIRECTORY) = 3<...{end}>"
            )],
            "{depth} x {length}"
        );
    }
}

/// Names of every length around the 8-byte words the kernel side copies
/// them by, and past the longest it copies so: each byte in its place.
#[test]
fn names_of_every_length_are_copied_whole() {
    if !privileged() {
        return;
    }
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let name = |len: usize| -> String {
        (0..len)
            .map(|i| alphabet[(len + i) % alphabet.len()] as char)
            .collect()
    };
    let names: Vec<String> = [1, 7, 8, 9, 15, 16, 17, 39, 40, 41, 64, 255]
        .into_iter()
        .map(name)
        .collect();
    for arch in [Arch::X86_64, Arch::Ia32] {
        let dir = scratch_dir(&format!("fdpaths-names-{arch:?}"));
        let out = run(ftrace()
            .args(["-y", "--"])
            .arg(workload(arch))
            .arg("enter")
            .args(&names)
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let path = format!("{}/{}", dir.display(), names.join("/"));
        assert_eq!(
            body(&stdout(&out)),
            [
                format!("openat(AT_FDCWD<{path}>, \".\", O_RDONLY|O_DIRECTORY) = 3<{path}>"),
                format!(
                    "openat(AT_FDCWD<{path}>, \"/proc/self/cwd\", O_RDONLY|O_DIRECTORY) = 3<{path}>"
                ),
            ],
            "{arch:?}"
        );
    }
}

#[test]
fn json_carries_each_descriptors_path() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("fdpaths-json");
    let out = run(ftrace()
        .args(["-y", "--json", "--"])
        .arg(workload(Arch::X86_64))
        .arg("paths")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d = dir.display().to_string();
    let calls: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |text: &str| {
        calls
            .iter()
            .find(|c| c["call"].as_str().unwrap().starts_with(text))
            .unwrap_or_else(|| panic!("no {text}"))
    };
    let open = find(&format!("openat(AT_FDCWD<{d}/a>, \"f\""));
    assert_eq!(open["args"][0]["path"], format!("{d}/a"));
    assert_eq!(open["ret_path"], format!("{d}/a/f"));
    let gone = find(&format!("openat(9<{d}/b/gone>(deleted)"));
    assert_eq!(gone["args"][0]["path"], format!("{d}/b/gone"));
    assert_eq!(gone["args"][0]["path_deleted"], true);
    assert!(
        gone["ret_path"].is_null(),
        "a failed call returns no descriptor"
    );
    let bad = find("openat(9999, ");
    assert!(bad["args"][0]["path"].is_null(), "no file behind 9999");
}

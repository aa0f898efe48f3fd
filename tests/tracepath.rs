//! -P PATH end to end: only the calls that touch PATH reach the trace.

mod common;

use common::*;

/// The calls ftrace-cli -P prints for the workload's `paths` scenario.
fn selected(arch: Arch, test: &str, path: impl Fn(&str) -> String) -> (String, Vec<String>) {
    let dir = scratch_dir(test);
    let d = dir.display().to_string();
    let out = run(ftrace()
        .args(["-P", &path(&d), "-e", "trace=all", "--"])
        .arg(workload(arch))
        .arg("paths")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let calls = stdout(&out)
        .lines()
        .map(|l| fields(l).3.to_string())
        .collect();
    (d, calls)
}

#[test]
fn an_absolute_path_matches_relative_arguments_and_descriptors() {
    if !privileged() {
        return;
    }
    for arch in [Arch::X86_64, Arch::Ia32] {
        let (_, calls) = selected(arch, &format!("tracepath-file-{arch:?}"), |d| {
            format!("{d}/a/f")
        });
        assert_eq!(
            calls,
            [
                // The workload's own open of "a/f" in its directory.
                "openat(AT_FDCWD, \"a/f\", O_WRONLY|O_CREAT, 0600) = 3",
                // Relative to the working directory, then to a dirfd.
                "openat(AT_FDCWD, \"f\", O_RDONLY) = 8",
                // By the descriptor it returns: .. is not resolved.
                "openat(AT_FDCWD, \"../a/f\", O_RDONLY) = 8",
                "openat(8, \"a/f\", O_RDONLY) = 9",
            ],
            "{arch:?}"
        );
    }
}

#[test]
fn a_directory_matches_the_descriptors_that_refer_to_it() {
    if !privileged() {
        return;
    }
    let (_, calls) = selected(Arch::X86_64, "tracepath-dir", |d| d.to_string());
    assert_eq!(
        calls,
        [
            "openat(AT_FDCWD, \"..\", O_RDONLY|O_DIRECTORY) = 8",
            "openat(8, \"a/f\", O_RDONLY) = 9",
            "openat2(8, \"a\", {flags=O_RDONLY|O_DIRECTORY, resolve=0}, 24) = 9",
            "symlinkat(\"f\", 8, \"a/link\") = 0",
            "fanotify_mark(9, FAN_MARK_ADD, FAN_OPEN, 8, \"a\") = 0",
            "openat(8, \"dst\", O_RDONLY|O_DIRECTORY) = 9",
        ]
    );
}

#[test]
fn a_trailing_slash_selects_everything_beneath() {
    if !privileged() {
        return;
    }
    let (_, calls) = selected(Arch::X86_64, "tracepath-prefix", |d| format!("{d}/b/"));
    assert_eq!(
        calls,
        [
            "mkdir(\"b\", 0755) = 0",
            "mkdir(\"b/in\", 0755) = 0",
            "openat(AT_FDCWD, \"b/in/f\", O_WRONLY|O_CREAT, 0600) = 3",
            // Beneath, by the descriptor returned alone.
            "openat(AT_FDCWD, \"/proc/self/cwd/in/f\", O_RDONLY) = 8",
            "openat(AT_FDCWD, \".\", O_RDWR|O_TMPFILE, 0600) = 9",
            "openat(9, \"x\", O_RDONLY) = -1 ENOTDIR (Not a directory)",
            "openat(AT_FDCWD, \"gone\", O_WRONLY|O_CREAT, 0600) = 9",
            "unlink(\"gone\") = 0",
            "openat(9, \"x\", O_RDONLY) = -1 ENOTDIR (Not a directory)",
            "fanotify_mark(9, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, \".\") = 0",
            // Its source is a path too, as strace -P takes it: "none",
            // relative, beneath the directory.
            "mount(\"none\", \"/\", NULL, MS_REC|MS_PRIVATE, NULL) = 0",
            "openat(AT_FDCWD, \"--end--\", O_RDONLY) = -1 ENOENT (No such file or directory)",
        ]
    );
    let (_, none) = selected(Arch::X86_64, "tracepath-none", |_| "/nonexistent/".into());
    assert_eq!(none, Vec::<String>::new());
}

#[test]
fn an_empty_path_is_refused() {
    let out = run(ftrace().args(["-P", "", "--", "true"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'--trace-path <PATH>'"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
}

/// A prefix matches a descriptor however deep beneath it the file is: the
/// kernel's first look at the names goes only so many steps up, then
/// hands the rest to the full walk.
#[test]
fn a_prefix_matches_a_descriptor_deep_beneath_it() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("tracepath-deep");
    // "top" holds 12 levels whose names are all longer than its own.
    let names: Vec<String> = std::iter::once("top".to_string())
        .chain((0..12).map(|i| format!("level{i:02}")))
        .collect();
    let trace = |prefix: &str| {
        let out = run(ftrace()
            .args(["-P", prefix, "--"])
            .arg(workload(Arch::X86_64))
            .arg("enter")
            .args(&names)
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .map(|l| fields(l).3.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        trace(&format!("{}/{}/", dir.display(), names[0])),
        [
            // Relative to the working directory: the markers too.
            "openat(AT_FDCWD, \"--begin--\", O_RDONLY) = -1 ENOENT (No such file or directory)",
            "openat(AT_FDCWD, \".\", O_RDONLY|O_DIRECTORY) = 3",
            // By the descriptor it returns alone.
            "openat(AT_FDCWD, \"/proc/self/cwd\", O_RDONLY|O_DIRECTORY) = 3",
            "openat(AT_FDCWD, \"--end--\", O_RDONLY) = -1 ENOENT (No such file or directory)",
        ]
    );
    assert_eq!(
        trace(&format!("{}/other/", dir.display())),
        Vec::<String>::new()
    );
}

/// An argument that ends its mapping is read as a string, whole, when its
/// first bytes cannot be read on their own.
#[test]
fn a_path_at_the_end_of_its_mapping_is_matched() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("tracepath-page-end");
    for arch in [Arch::X86_64, Arch::Ia32] {
        let out = run(ftrace()
            .args(["-P", "/ftnone", "--"])
            .arg(workload(arch))
            .args(["page-end", "/ftnone"])
            .current_dir(&dir));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let calls: Vec<String> = stdout(&out)
            .lines()
            .map(|l| fields(l).3.to_string())
            .collect();
        // Absent: only the argument can match.
        assert_eq!(
            calls,
            ["openat(AT_FDCWD, \"/ftnone\", O_RDONLY) = -1 ENOENT (No such file or directory)"],
            "{arch:?}"
        );
    }
}

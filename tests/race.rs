//! End to end: a path another thread rewrites during the call. In a test
//! binary of its own, so that no storm of another test starves the racing
//! thread of a CPU (cargo runs test binaries one at a time).

mod common;

use common::*;

#[test]
fn a_string_changed_during_the_call_is_marked() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("race");
    let mut marked = 0;
    // The flipping thread must run while the calls are in flight; on a busy
    // machine (two cores, builds running) whole runs may not overlap, so
    // runs are allowed until one does. A quiet machine needs one.
    for _ in 0..20 {
        marked += marked_calls(&dir);
        if marked > 0 {
            break;
        }
    }
    assert!(marked > 0, "400000 racing calls and not one change seen");
}

/// Runs the race scenario, checks every line, and counts the marked ones.
fn marked_calls(dir: &std::path::Path) -> usize {
    let out = run(ftrace()
        .arg("--")
        .arg(workload(Arch::X86_64))
        .args(["race", "20000"])
        .current_dir(dir));
    let calls = body(&stdout(&out));
    assert_eq!(calls.len(), 20000);
    let mut marked = 0;
    for call in &calls {
        let rest = call
            .strip_prefix("openat(AT_FDCWD, \"race-")
            .unwrap_or_else(|| panic!("{call}"));
        let (name, rest) = rest.split_once('"').unwrap();
        assert!(
            !name.is_empty() && name.bytes().all(|b| b == b'a' || b == b'b'),
            "{call}"
        );
        let rest = match rest.strip_prefix(" /* changed during the call */") {
            Some(rest) => {
                marked += 1;
                rest
            }
            None => rest,
        };
        assert_eq!(rest, ", O_RDONLY) = -1 ENOENT (No such file or directory)");
    }
    marked
}

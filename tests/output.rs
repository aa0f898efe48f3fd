//! End to end: the output options for capture, scripting and reading.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn trace_basic(args: &[&str], test: &str) -> (String, String, Option<i32>) {
    let dir = scratch_dir(test);
    let out = run(ftrace()
        .args(args)
        .arg("--")
        .arg(workload(Arch::X86_64))
        .arg("basic")
        .current_dir(&dir));
    (stdout(&out), stderr(&out), out.status.code())
}

#[test]
fn output_file_is_truncated_and_gets_the_trace() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("output-file");
    let file = dir.join("trace.txt");
    std::fs::write(&file, "old content that must go\n".repeat(1000)).unwrap();
    let out = run(ftrace()
        .arg("-o")
        .arg(&file)
        .args(["--color", "always", "--"])
        .arg(workload(Arch::X86_64))
        .arg("basic")
        .current_dir(&dir));
    assert_eq!((stdout(&out).as_str(), stderr(&out).as_str()), ("", ""));
    let trace = std::fs::read_to_string(&file).unwrap();
    assert!(!trace.contains("old content"));
    assert!(!trace.contains('\x1b'), "a file never gets colours");
    assert_eq!(body(&trace), BASIC);
}

#[test]
fn json_lines_parse_and_paths_round_trip() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("json");
    let out = run(ftrace()
        .args(["--json", "-e", "trace=all", "--"])
        .arg(workload(Arch::X86_64))
        .arg("decode")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0));
    let mut paths = Vec::new();
    let mut calls = 0;
    for line in stdout(&out).lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        calls += 1;
        for key in [
            "time",
            "time_ns",
            "mono_ns",
            "duration_ns",
            "pid",
            "tid",
            "ppid",
            "uid",
        ] {
            assert!(!v[key].is_null(), "{key} missing: {line}");
        }
        assert_eq!(v["comm"], "files");
        let text = v["call"].as_str().unwrap();
        assert!(text.starts_with(v["syscall"].as_str().unwrap()));
        if v["ret"] == -1 {
            assert!(v["errno"].as_str().unwrap().starts_with('E'), "{line}");
            assert!(text.contains(v["error"].as_str().unwrap()));
        } else {
            assert!(v["errno"].is_null());
        }
        for arg in v["args"].as_array().unwrap() {
            assert!(
                arg["name"].is_string() && arg["decoded"].is_string(),
                "{line}"
            );
            assert!(arg["raw"].is_number(), "{line}");
            if let Some(s) = arg["str"].as_str() {
                paths.push(s.as_bytes().to_vec());
            } else if let Some(h) = arg["hex"].as_str() {
                let bytes = (0..h.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                    .collect();
                paths.push(bytes);
            }
        }
    }
    assert!(calls > 50);
    for hostile in [
        &b"new\nline"[..],
        b"\x1b[31mred\x1b[0m\x1b7",
        b"bad\xff\xfeutf8\x7f",
        b"quote\"back\\slash\ttab\x0b\x0c\r",
    ] {
        assert!(
            paths.iter().any(|p| p == hostile),
            "{hostile:?} did not round-trip"
        );
    }
    let unreadable = stdout(&out)
        .lines()
        .filter(|l| l.contains("\"unreadable\":true"))
        .count();
    assert_eq!(unreadable, 3, "the three unmapped path pointers");
}

#[test]
fn timestamps_and_durations() {
    if !privileged() {
        return;
    }
    type Shape = fn(&str) -> bool;
    let shapes: [(&[&str], Shape); 5] = [
        (&["-t"], |f| f.len() == 8 && f.as_bytes()[2] == b':'),
        (&["-tt"], |f| f.len() == 15 && f.as_bytes()[8] == b'.'),
        (&["-ttt"], |f| {
            let (s, us) = f.split_once('.').unwrap();
            s.len() >= 10 && us.len() == 6 && s.parse::<u64>().is_ok()
        }),
        (&["-r"], |f| {
            f.contains('.') && f.split_once('.').unwrap().1.len() == 6
        }),
        (&["-T"], |f| f.starts_with('<') && f.ends_with('>')),
    ];
    for (args, shape) in shapes {
        let (trace, err, status) = trace_basic(args, "timestamps");
        assert_eq!((status, err.as_str()), (Some(0), ""));
        for line in trace.lines() {
            let (_, _, _, rest) = fields(line);
            let field = if args == ["-T"] {
                rest.rsplit(' ').next().unwrap()
            } else {
                rest.trim_start().split(' ').next().unwrap()
            };
            assert!(shape(field), "{args:?}: {field:?} in {line}");
        }
    }
    // -tt time of day matches the clock.
    let (trace, _, _) = trace_basic(&["-ttt"], "timestamps");
    let first: f64 = fields(trace.lines().next().unwrap())
        .3
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - first).abs() < 30.0, "-ttt is the wall clock");
}

#[test]
fn only_successful_or_only_failed_calls() {
    if !privileged() {
        return;
    }
    let failed = |l: &str| fields(l).3.contains(") = -1 ");
    let (ok, _, _) = trace_basic(&["-z"], "z");
    let (bad, _, _) = trace_basic(&["-Z"], "z");
    assert!(
        ok.lines().count() > 3 && ok.lines().all(|l| !failed(l)),
        "{ok}"
    );
    assert!(bad.lines().count() > 3 && bad.lines().all(failed), "{bad}");
    assert!(ok.contains("symlinkat(\"target\", AT_FDCWD, \"link\") = 0"));
    assert!(bad.contains("symlinkat(\"target\", AT_FDCWD, \"link\") = -1 EEXIST"));
}

#[test]
fn fd_paths_are_decorated() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("decode-fds");
    std::fs::write(dir.join("exists"), "").unwrap();
    let out = run(ftrace()
        .args(["-y", "-e", "trace=all", "--"])
        .arg(workload(Arch::X86_64))
        .arg("hold")
        .current_dir(&dir));
    let d = dir.display();
    assert_eq!(
        body(&stdout(&out)),
        [
            format!("openat(AT_FDCWD<{d}>, \"exists\", O_RDONLY) = 3<{d}/exists>"),
            "fanotify_init(FAN_CLASS_NOTIF, O_RDONLY) = 4<anon_inode:[fanotify]>".to_string(),
            format!(
                "fanotify_mark(4<anon_inode:[fanotify]>, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD<{d}>, \".\") = 0"
            ),
        ]
    );
}

#[test]
fn a_descriptor_is_named_as_the_call_left_it() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("decode-fds-reuse");
    std::fs::write(dir.join("exists"), "").unwrap();
    let out = run(ftrace()
        .args(["-y", "--"])
        .arg(workload(Arch::X86_64))
        .arg("reuse")
        .current_dir(&dir));
    let d = dir.display();
    // fd 3 of "exists" was closed and reused for "." before the line was
    // printed: the kernel named it at the call's exit.
    assert_eq!(
        body(&stdout(&out)),
        [
            format!("openat(AT_FDCWD<{d}>, \"exists\", O_RDONLY) = 3<{d}/exists>"),
            format!("openat(AT_FDCWD<{d}>, \".\", O_RDONLY|O_DIRECTORY) = 3<{d}>"),
        ]
    );
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    if !privileged() {
        return;
    }
    let (plain, _, _) = trace_basic(&[], "colour");
    assert!(!plain.contains('\x1b'), "a pipe gets no escape codes");
    let (never, _, _) = trace_basic(&["--color", "never"], "colour");
    assert!(!never.contains('\x1b'));
    let (always, _, _) = trace_basic(&["--color", "always"], "colour");
    assert!(
        always.contains("\x1b[32m\"exists\"\x1b[39m"),
        "strings are green"
    );
    assert!(always.contains("\x1b[31m= -1 ENOENT"), "errors are red");
}

#[test]
fn summary_tables() {
    if !privileged() {
        return;
    }
    let table = "\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------";
    let (only, err, _) = trace_basic(
        &["--summary-only", "-e", "trace=symlinkat,fanotify_mark"],
        "summary",
    );
    assert_eq!(err, "");
    assert!(only.starts_with(table), "{only}");
    let rows: Vec<_> = only.lines().skip(2).collect();
    assert_eq!(rows.len(), 4, "{only}");
    for name in ["symlinkat", "fanotify_mark"] {
        let row = rows.iter().find(|r| r.ends_with(name)).unwrap();
        let cols: Vec<_> = row.split_whitespace().collect();
        assert_eq!(&cols[3..], ["2", "1", name], "{row}");
    }
    assert!(
        rows[3].starts_with("100.00") && rows[3].ends_with(" 4         2 total"),
        "{}",
        rows[3]
    );

    let (both, _, _) = trace_basic(&["-C", "-e", "trace=symlinkat"], "summary");
    let lines: Vec<_> = both.lines().collect();
    assert_eq!(lines.len(), 2 + 5);
    assert!(lines[0].ends_with("symlinkat(\"target\", AT_FDCWD, \"link\") = 0"));
    assert!(both.contains(table));
}

#[test]
fn a_pipe_gets_each_line_promptly() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("prompt");
    let mut child = Command::new(BIN)
        .arg("--")
        .arg(workload(Arch::X86_64))
        .arg("sleep")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("--begin--") {
        line.clear();
        reader.read_line(&mut line).unwrap();
    }
    let waited = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    // The workload sleeps 5 s after the call: the line must not wait for it.
    assert!(waited < Duration::from_secs(2), "the line took {waited:?}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("closed-pipe");
    let script = format!(
        "set -o pipefail; {BIN} -e trace=all -- {} decode | head -3",
        workload(Arch::X86_64).display()
    );
    let out = run(Command::new("bash").args(["-c", &script]).current_dir(&dir));
    assert_eq!(stdout(&out).lines().count(), 3);
    assert_eq!(
        stderr(&out)
            .lines()
            .filter(|l| l.contains("panick"))
            .count(),
        0
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A name with DEL, C1 controls and a bidirectional override must not reach
/// a terminal that shows the JSON file: each is a `\u` escape, and the
/// string still parses back to the very bytes.
#[test]
fn json_escapes_terminal_controls() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("json-terminal-controls");
    let name = "evil\u{7f}\u{85}\u{9b}31m\u{202e}txt.exe\u{2066}";
    let out = run(ftrace()
        .args(["--json", "-e", "trace=openat", "--", "cat", name])
        .current_dir(&dir));
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("evil"))
        .unwrap_or_else(|| panic!("no openat of the name in {text:?}"));
    for raw in ['\u{7f}', '\u{85}', '\u{9b}', '\u{202e}', '\u{2066}'] {
        assert!(!line.contains(raw), "{raw:?} raw in {line}");
    }
    for escaped in ["\\u007f", "\\u0085", "\\u009b", "\\u202e", "\\u2066"] {
        assert!(line.contains(escaped), "{escaped} missing in {line}");
    }
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    let path = value["args"][1]["str"].as_str().unwrap();
    assert_eq!(path, name);
}

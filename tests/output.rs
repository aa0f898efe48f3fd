//! End to end: the output options for capture, scripting and reading.

mod common;

// The JSON fields as documented: the tests check real traces against them.
#[allow(dead_code)]
#[path = "../src/json/schema.rs"]
mod schema;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use schema::{Presence, Type};
use serde_json::Value;

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
        // Every call takes some time: the kernel read the clock.
        assert!(v["duration_ns"].as_u64().unwrap() > 0, "{line}");
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

/// Checks one record against the documented fields: every field it has is
/// documented, every documented one is there with its type. Returns the
/// names of the fields it has that are not null.
fn check_fields(record: &Value, fields: &[schema::Field], line: &str) -> Vec<String> {
    let object = record
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {line}"));
    for key in object.keys() {
        assert!(
            fields.iter().any(|f| f.name == key),
            "field {key:?} is not in src/json/schema.rs: {line}"
        );
    }
    let mut present = Vec::new();
    for f in fields {
        let value = match (object.get(f.name), f.presence) {
            (None, Presence::Sometimes) => continue,
            (None, _) => panic!("{} missing: {line}", f.name),
            (Some(Value::Null), Presence::OrNull) => continue,
            (Some(value), _) => value,
        };
        let typed = match f.ty {
            Type::String => value.is_string(),
            Type::Integer => value.is_i64() || value.is_u64(),
            Type::Boolean => value.is_boolean(),
            Type::Array => value.is_array(),
        };
        assert!(typed, "{} is not of type {:?}: {line}", f.name, f.ty);
        present.push(f.name.to_string());
    }
    present
}

/// Every documented field, on a real trace: each record has exactly the
/// documented fields with their types, and each field that may be null or
/// absent shows up with a value somewhere in the trace.
#[test]
fn json_records_have_the_documented_fields() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("json-schema");
    let out = run(ftrace()
        .args(["--json", "-y", "-e", "trace=all", "--"])
        .arg(workload(Arch::X86_64))
        .arg("decode")
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let exe = workload(Arch::X86_64).canonicalize().unwrap();
    let (pid_ns, mnt_ns) = (namespace("pid"), namespace("mnt"));
    let mut seen = std::collections::BTreeSet::new();
    let mut calls = 0;
    for line in stdout(&out).lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(v["schema"], schema::VERSION, "{line}");
        assert_eq!(v["type"], "call", "{line}");
        assert_eq!(v["exe"], exe.to_str().unwrap(), "{line}");
        assert_eq!((&v["pid_ns"], &v["mnt_ns"]), (&pid_ns, &mnt_ns), "{line}");
        calls += 1;
        seen.extend(check_fields(&v, schema::CALL, line));
        for arg in v["args"].as_array().unwrap() {
            seen.extend(
                check_fields(arg, schema::ARG, line)
                    .into_iter()
                    .map(|n| format!("args.{n}")),
            );
        }
        assert_eq!(v["host"], host.trim_end(), "{line}");
        // The time both ways, and past what a double holds exactly.
        let ns = v["time_ns"].as_u64().unwrap();
        assert!(ns > 1 << 53, "{line}");
        let nanos = format!(".{:09}Z", ns % 1_000_000_000);
        assert!(v["time"].as_str().unwrap().ends_with(&nanos), "{line}");
        // path: the first path argument, as its text. A captured path has
        // str, hex or unreadable; one that is NULL has none of them, and
        // then comes before any captured one.
        let args = v["args"].as_array().unwrap();
        let captured = args
            .iter()
            .position(|a| a["str"].is_string() || a["hex"].is_string() || a["unreadable"] == true);
        match (captured.map(|i| &args[i]), v["path"].as_str()) {
            (Some(arg), Some(path)) if arg["str"].is_string() => {
                assert_eq!(path, arg["str"], "{line}")
            }
            (Some(arg), Some(path)) if arg["hex"].is_string() => {
                assert!(path.contains('\u{fffd}'), "{line}")
            }
            (Some(arg), None) if arg["unreadable"] == true => {}
            (Some(_), None) => {
                let before = &args[..captured.unwrap()];
                assert!(before.iter().any(|a| a["decoded"] == "NULL"), "{line}")
            }
            (None, path) => assert!(path.is_none(), "{line}"),
            _ => panic!("path is not the first path argument: {line}"),
        }
    }
    assert!(calls > 50);
    // Each field that may be null or absent has a value somewhere, but
    // for those only other scenarios make (a path changed during the call,
    // paths of deleted files, cut or unknown to the kernel, a container:
    // tests/targets.rs has one).
    let elsewhere = |name: &str| {
        name == "changed"
            || name == "container_id"
            || ["deleted", "truncated", "unknown", "hex"].iter().any(|s| {
                name.starts_with("ret_path") && name.ends_with(s) || name == format!("path_{s}")
            })
    };
    for f in schema::CALL {
        assert!(
            seen.contains(f.name) || elsewhere(f.name),
            "no record of the trace has {}",
            f.name
        );
    }
    for f in schema::ARG {
        assert!(
            seen.contains(&format!("args.{}", f.name)) || elsewhere(f.name),
            "no argument has {}",
            f.name
        );
    }
}

/// This process's namespace of `kind`, as its inode number.
fn namespace(kind: &str) -> Value {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/self/ns/{kind}"))
        .unwrap()
        .ino()
        .into()
}

/// exe follows a thread through exec, and the namespaces are the caller's.
#[test]
fn json_exe_follows_exec_and_namespaces_are_the_callers() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("json-exe");
    let script = format!(
        "cat /dev/null; exec {} basic",
        workload(Arch::X86_64).display()
    );
    let out = run(ftrace()
        .args(["--json", "-f", "-e", "trace=openat", "--"])
        .args(["unshare", "-p", "-f", "-m", "sh", "-c", &script])
        .current_dir(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let exe_of = |name: &str| {
        std::fs::canonicalize(which(name))
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let records: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let exes_of = |comm: &str| -> Vec<&str> {
        records
            .iter()
            .filter(|v| v["comm"] == comm)
            .map(|v| v["exe"].as_str().unwrap())
            .collect()
    };
    let text = stdout(&out);
    assert!(!exes_of("unshare").is_empty(), "{text}");
    assert!(
        exes_of("unshare").iter().all(|&e| e == exe_of("unshare")),
        "{text}"
    );
    assert!(exes_of("cat").iter().all(|&e| e == exe_of("cat")), "{text}");
    // sh, then the same thread once it has exec'd the workload.
    let workload = workload(Arch::X86_64).canonicalize().unwrap();
    let sh: Vec<_> = records.iter().filter(|v| v["comm"] == "sh").collect();
    let files: Vec<_> = records.iter().filter(|v| v["comm"] == "files").collect();
    assert!(!sh.is_empty() && !files.is_empty(), "{text}");
    assert!(sh.iter().all(|v| v["exe"] == exe_of("sh")), "{text}");
    assert!(
        files.iter().all(|v| v["exe"] == workload.to_str().unwrap()),
        "{text}"
    );
    assert_eq!(sh[0]["tid"], files[0]["tid"], "{text}");
    // unshare starts in ours; sh, cat and the workload run in their own.
    let (pid_ns, mnt_ns) = (namespace("pid"), namespace("mnt"));
    assert_eq!(
        (
            &records[0]["comm"],
            &records[0]["pid_ns"],
            &records[0]["mnt_ns"]
        ),
        (&Value::from("unshare"), &pid_ns, &mnt_ns)
    );
    for v in records.iter().filter(|v| v["comm"] != "unshare") {
        assert_ne!(v["pid_ns"], pid_ns, "{v}");
        assert_ne!(v["mnt_ns"], mnt_ns, "{v}");
        assert_eq!(
            (&v["pid_ns"], &v["mnt_ns"]),
            (&sh[0]["pid_ns"], &sh[0]["mnt_ns"]),
            "{v}"
        );
    }
}

/// The path of program `name`, as the shell finds it.
fn which(name: &str) -> std::path::PathBuf {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().into()
}

/// DEL, C1 controls and bidirectional controls never reach a terminal
/// that shows the file: they are \u escapes, and parse back.
#[test]
fn json_controls_never_reach_a_terminal() {
    if !privileged() {
        return;
    }
    let hostile = "csi\u{9b}31m del\u{7f} rlo\u{202e}txt.exe lri\u{2066}x\u{2069} c1end\u{9f}";
    let out = run(ftrace()
        .args(["--json", "-e", "trace=openat", "--", "cat"])
        .arg(hostile));
    let bytes = &out.stdout;
    for raw in [
        &b"\x7f"[..],
        b"\xc2\x9b",
        b"\xc2\x9f",
        b"\xe2\x80\xae",
        b"\xe2\x81\xa6",
        b"\xe2\x81\xa9",
    ] {
        assert!(
            !bytes.windows(raw.len()).any(|w| w == raw),
            "{raw:x?} written raw: {}",
            stdout(&out)
        );
    }
    let text = stdout(&out);
    assert!(
        text.contains(r"csi\u009b31m del\u007f rlo\u202etxt.exe lri\u2066x\u2069 c1end\u009f"),
        "{text}"
    );
    let record = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["path"] == hostile)
        .unwrap_or_else(|| panic!("no record of cat's open: {text}"));
    assert_eq!(record["args"][1]["str"], hostile);
    assert_eq!(record["errno"], "ENOENT");
}

/// "ftrace-cli: N calls lost (...)" on stderr, or 0.
fn lost_on_stderr(stderr: &str) -> u64 {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("ftrace-cli: ")?.split_once(" calls lost"))
        .map_or(0, |(n, _)| n.parse().unwrap())
}

/// Calls lost in a storm are told in the stream itself, by loss records
/// that add up to the count on stderr.
#[test]
fn json_tells_losses_in_the_stream() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("json-lost");
    let file = dir.join("trace.json");
    let calls = 100_000;
    let out = run(ftrace()
        .args(["--json", "--buffer-size", "4K", "-e", "trace=openat", "-o"])
        .arg(&file)
        .arg("--")
        .arg(workload(Arch::X86_64))
        .args(["storm", &calls.to_string()])
        // cargo's library path has the loader try dozens of paths, calls
        // that could be lost among the storm's.
        .env_remove("LD_LIBRARY_PATH"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lost = lost_on_stderr(&stderr(&out));
    assert!(
        lost > 0,
        "a one-page buffer overflows in this storm: {}",
        stderr(&out)
    );
    let trace = std::fs::read_to_string(&file).unwrap();
    let (mut told, mut records, mut storm_calls) = (0, 0, 0);
    for line in trace.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        match v["type"].as_str() {
            Some("lost") => {
                check_fields(&v, schema::LOST, line);
                let n = v["calls"].as_u64().unwrap();
                assert!(n > 0, "{line}");
                let parts = ["ring_full", "in_flight", "malformed"].map(|k| v[k].as_u64().unwrap());
                assert_eq!(parts.iter().sum::<u64>(), n, "{line}");
                told += n;
                records += 1;
            }
            Some("call") => {
                // The kernel sends exe again after a record that was lost.
                assert!(v["exe"].is_string(), "{line}");
                storm_calls += u64::from(v["path"] == "/dev/null")
            }
            _ => panic!("no type: {line}"),
        }
    }
    assert!(records > 0);
    assert_eq!(told, lost, "loss records against stderr");
    // The loader's own opens may be among the lost.
    assert!(
        (calls..calls + 10).contains(&(storm_calls + lost)),
        "{storm_calls} + {lost}"
    );
}

/// A thread's executable is sent by the kernel with its first record, and
/// again after one that was lost: storms started together on a one-page
/// buffer lose some processes' first records, yet every record names its
/// executable.
#[test]
fn json_exe_survives_losses() {
    if !privileged() {
        return;
    }
    let dir = scratch_dir("json-exe-lost");
    let file = dir.join("trace.json");
    let script = format!(
        "for i in 1 2 3 4 5 6 7 8; do {} storm 20000 2>/dev/null & done; wait",
        workload(Arch::X86_64).display()
    );
    let out = run(ftrace()
        .args([
            "--json",
            "-f",
            "--buffer-size",
            "4K",
            "-e",
            "trace=openat",
            "-o",
        ])
        .arg(&file)
        .args(["--", "sh", "-c", &script])
        .env_remove("LD_LIBRARY_PATH"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(lost_on_stderr(&stderr(&out)) > 0, "{}", stderr(&out));
    let exe = workload(Arch::X86_64).canonicalize().unwrap();
    let trace = std::fs::read_to_string(&file).unwrap();
    let mut storm_calls = 0;
    for line in trace.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if v["comm"] == "files" {
            assert_eq!(v["exe"], exe.to_str().unwrap(), "{line}");
            storm_calls += 1;
        }
    }
    assert!(storm_calls > 0);
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

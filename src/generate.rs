//! The man page and the shell completions, generated from the clap
//! definitions in `cli.rs` so that they cannot drift from `--help`.
//!
//! Both are reached through hidden options of the binary itself,
//! `--generate-man` and `--completions SHELL`, which `make install` and the
//! tests use. `man/ftrace-cli.1` is the committed output of `--generate-man`;
//! regenerate it with `make man`.
//!
//! NAME, SYNOPSIS, DESCRIPTION and OPTIONS come from clap (clap_mangen); the
//! sections after them are written here, in the README's words.

use std::io::Write;

use clap::{Command, CommandFactory, ValueHint};
use clap_complete::Shell;
use roff::{bold, roman, Inline, Roff};

use crate::cli::Cli;
use crate::error::Error;
use crate::json;

/// Handles `--generate-man` and `--completions`: `Some(exit status)` when
/// one of them was given, `None` to go on tracing.
pub fn run(cli: &Cli) -> Option<i32> {
    let text = if let Some(shell) = cli.completions {
        completions(shell)
    } else if cli.generate_man {
        man_page()
    } else {
        return None;
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(&text).and_then(|()| out.flush()) {
        Ok(()) => Some(0),
        // The reader went away (`| head`): stop quietly, as the trace does.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Some(0),
        Err(err) => {
            eprintln!("ftrace-cli: writing to stdout: {}", Error::describe(&err));
            Some(1)
        }
    }
}

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    // Hints only completions use: -o takes a file, `--` a command line, -X
    // one of three words (its parser does not list them for clap).
    let cli = Cli::command()
        .mut_arg("style", |a| a.value_parser(["raw", "abbrev", "verbose"]))
        .mut_arg("output", |a| a.value_hint(ValueHint::FilePath))
        .mut_arg("command", |a| a.value_hint(ValueHint::CommandWithArguments));
    // The bash generator offers hidden options too: leave them out here.
    let mut cmd = Command::new("ftrace-cli")
        .version(env!("CARGO_PKG_VERSION"))
        .args(cli.get_arguments().filter(|a| !a.is_hide_set()).cloned());
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ftrace-cli", &mut out);
    out
}

/// The man page, roff source for `man -l`.
pub fn man_page() -> Vec<u8> {
    let mut cmd = Cli::command();
    // The synopsis is clap's own usage line, as --help prints it (clap_mangen
    // would otherwise list every flag without its value and miss `--`).
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage).to_string();
    // The first paragraph of the description is the NAME line already.
    let about = cmd
        .get_long_about()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let description = about
        .split_once("\n\n")
        .map_or("", |(_, rest)| rest)
        .to_string();
    let version = cmd.get_version().unwrap_or_default().to_string();
    // The short exit status note of --help becomes the EXIT STATUS section.
    let cmd = cmd
        .override_usage(usage)
        .long_about(description)
        .after_help(None::<&str>);
    let man = clap_mangen::Man::new(cmd);

    // Each piece clap_mangen renders starts with the same preamble (it
    // defines the apostrophe string); keep it only once, at the top.
    let preamble = Roff::new().render();
    let mut page = preamble.clone();
    // The title by hand: clap_mangen would leave the empty date unquoted,
    // which shifts the other fields. No date, so the page is reproducible.
    // No hyphenation and ragged right, so that names stay whole.
    page.push_str(&format!(
        ".TH FTRACE\\-CLI 1 \"\" \"ftrace\\-cli {version}\" \"User Commands\"\n.nh\n.ad l\n"
    ));
    type Part = fn(&clap_mangen::Man, &mut dyn Write) -> std::io::Result<()>;
    let parts: [Part; 4] = [
        clap_mangen::Man::render_name_section,
        clap_mangen::Man::render_synopsis_section,
        clap_mangen::Man::render_description_section,
        clap_mangen::Man::render_options_section,
    ];
    for part in parts {
        let mut buf = Vec::new();
        part(&man, &mut buf).expect("writing to a Vec");
        let text = String::from_utf8(buf).expect("clap_mangen writes UTF-8");
        page.push_str(text.strip_prefix(&preamble).unwrap_or(&text));
    }
    let extra = extra_sections().render();
    page.push_str(extra.strip_prefix(&preamble).unwrap_or(&extra));
    page.into_bytes()
}

/// Text with `code` in bold, as options, calls and file names are set in
/// man pages.
fn md(text: &str) -> Vec<Inline> {
    text.split('`')
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| if i % 2 == 1 { bold(s) } else { roman(s) })
        .collect()
}

fn para(r: &mut Roff, text: &str) {
    r.control("PP", []);
    r.text(md(text));
}

/// A tagged paragraph: `tag` in bold, then its text.
fn item(r: &mut Roff, tag: &str, text: &str) {
    r.control("TP", []);
    r.text(md(tag));
    r.text(md(text));
}

/// Lines shown verbatim, indented.
fn verbatim(r: &mut Roff, lines: &[&str]) {
    r.control("PP", []);
    r.control("RS", ["4"]);
    r.control("nf", []);
    for line in lines {
        r.text([roman(*line)]);
    }
    r.control("fi", []);
    r.control("RE", []);
}

/// One tagged paragraph per field: `name` (type) and its meaning.
fn json_fields(r: &mut Roff, fields: &[json::schema::Field]) {
    for f in fields {
        item(r, &format!("`{}` ({})", f.name, f.type_text()), f.meaning);
    }
}

fn extra_sections() -> Roff {
    let mut r = Roff::new();

    r.control("SH", ["OUTPUT FORMAT"]);
    r.text(md("Each call is one line:"));
    verbatim(&mut r, &["PID[/TID] COMM CALL = RESULT"]);
    item(
        &mut r,
        "PID[/TID]",
        "The process (thread group) id; /TID follows when the call was made by another thread of it.",
    );
    item(
        &mut r,
        "COMM",
        "The thread's name with every byte that is not printable ASCII, and space and backslash, \
         written as a 3-digit octal escape (Web\\040Content), so it is always one field for \
         `cut -d' '` and `awk`.",
    );
    item(
        &mut r,
        "CALL = RESULT",
        "Reads exactly as strace prints it: flag names in strace's order, strings quoted and \
         escaped as strace does (\\n, octal for other bytes), \
         = -1 ENOENT (No such file or directory) for errors.",
    );
    para(
        &mut r,
        "With `-t`, `-tt`, `-ttt` or `-r` the time comes before CALL; with `-T` the time spent \
         in the call ends the line; with `-y` descriptors show the file behind them:",
    );
    verbatim(
        &mut r,
        &[
            "$ ftrace-cli -tt -T -y -- cat /etc/hostname",
            "4251 cat 10:02:11.480214 openat(AT_FDCWD</root>,",
            "    \"/etc/hostname\", O_RDONLY) = 3</etc/hostname> <0.000009>",
        ],
    );
    para(
        &mut r,
        "The output is one line, broken here to fit. `-y` reads /proc/PID/fd when the line is printed: a \
         descriptor already closed by then prints bare.",
    );
    para(
        &mut r,
        "The trace goes to stdout, or to the `-o` file, one line per call, written out in \
         batches at least every 50 ms, so a pipe sees each call promptly; `| head` ends it \
         quietly.",
    );
    para(
        &mut r,
        "A call that never returns, because a fatal signal or another thread's exit_group or \
         execve ends its thread while it is inside, prints = ? as strace does: the kernel \
         tells at the call's exit that the thread is dying, so it is not confused with a call \
         interrupted to be restarted (= ? ERESTARTSYS ...).",
    );
    para(
        &mut r,
        "openat2 with a size larger than struct open_how shows what lies past the struct, as \
         strace: nothing when those bytes (up to a page) are all zero, \
         /* bytes 24..31 */ \"\\x80\\x00...\" when any is not (at most 32 shown), ??? when \
         they could not be read.",
    );
    para(
        &mut r,
        "A pointer that could not be read prints as its address in hex, never as an empty \
         string, and the run ends with a line on stderr counting such arguments and any record \
         the kernel could not deliver, such as (one line, broken here):",
    );
    verbatim(
        &mut r,
        &[
            "ftrace-cli: 1523 calls lost (ring buffer full: 1523, no memory",
            "    for the call in flight: 0, malformed: 0); try a larger",
            "    --buffer-size",
        ],
    );
    para(
        &mut r,
        "Strings are read when the call returns (the kernel has faulted their pages in by then) \
         and fingerprinted when it starts. A string that another thread changed in between is \
         printed as read at exit and marked, since the kernel may have used the other one: \
         \"race-bbbb\" /* changed during the call */.",
    );

    r.control("SH", ["THREADS"]);
    para(
        &mut r,
        "-p of a thread that is not its process's leader traces that thread alone, filtered in \
         the kernel, and ends when it exits (with -f, the threads and children it creates are \
         traced too). A process whose main thread called pthread_exit is traced by its pid as \
         long as one of its threads runs. -p of ftrace-cli's own pid, or of a kernel thread \
         (such as 2, kthreadd), is a usage error.",
    );

    r.control("SH", ["CONTAINERS"]);
    para(
        &mut r,
        "ftrace-cli numbers processes as the pid namespace it runs in does. Inside a container \
         (or unshare -p -f --mount-proc), -p N is the container's process N, the pids printed \
         are the container's (a parent outside it prints as 0), and -y reads the container's \
         /proc; a process outside the namespace is never traced, not even system-wide. On the \
         host, pids are the host's. JSON records carry both. Inside a namespace this needs Linux \
         6.13 or later (bpf_task_from_vpid) and /proc mounted for that namespace.",
    );

    r.control("SH", ["JSON"]);
    para(
        &mut r,
        "`--json` writes one object per line (JSON Lines): one per call, and a loss record \
         whenever calls were lost, so that the file alone tells that it is incomplete. \
         Pipelines should key on `time`. A call's record:",
    );
    json_fields(&mut r, json::schema::CALL);
    para(&mut r, "Each element of `args`:");
    json_fields(&mut r, json::schema::ARG);
    para(&mut r, "A loss record:");
    json_fields(&mut r, json::schema::LOST);

    r.control("SH", ["EXIT STATUS"]);
    for (status, meaning) in [
        (
            "0",
            "The trace ended normally (targets exited, or a SIGINT, SIGTERM or SIGHUP).",
        ),
        (
            "N",
            "With `--` CMD: CMD's own status; 128+N when a signal N killed it (137 after a second \
             stop signal).",
        ),
        (
            "1",
            "A runtime error stopped the trace (writing the output failed, ...).",
        ),
        (
            "2",
            "Bad usage: unknown option or call name, bad or non-existent pid, too long a name, \
             unwritable `-o` file, bad `--ready-fd`.",
        ),
        (
            "3",
            "Missing privileges: run as root, or with CAP_BPF and CAP_PERFMON.",
        ),
        (
            "4",
            "The kernel lacks what the tracer needs (BPF, BTF, ring buffers).",
        ),
        ("126", "CMD is not executable."),
        ("127", "CMD was not found."),
    ] {
        item(&mut r, &format!("`{status}`"), meaning);
    }

    r.control("SH", ["PRIVILEGES"]);
    r.text(md(
        "ftrace-cli loads a BPF program into the kernel. It needs Linux 5.8 or later on x86_64 \
         with BTF (/sys/kernel/btf/vmlinux), and root, or the capabilities CAP_BPF and \
         CAP_PERFMON. Without them it stops before tracing anything, with exit status 3; on a \
         kernel without BTF or the BPF features it needs, with exit status 4.",
    ));
    para(
        &mut r,
        "No tracefs, no kprobes and no raising of RLIMIT_MEMLOCK are needed: the tracer uses \
         the raw sys_enter/sys_exit tracepoints, which also see 32-bit (ia32) processes. It \
         never writes to a traced process (no bpf_probe_write_user), so kernel lockdown in \
         integrity mode does not stop it.",
    );

    r.control("SH", ["SIGNALS"]);
    r.text(md(
        "SIGINT, SIGTERM and SIGHUP stop the trace: every record already in the ring buffer is \
         still written, the output is flushed and ends with a complete line, and the loss line \
         is printed if anything was lost. With `--` CMD, SIGTERM and SIGHUP are passed on to \
         CMD and the trace goes on until CMD ends (Ctrl-C reaches CMD from the terminal \
         itself); a second signal stops at once and kills CMD. With `-p`, the trace also ends \
         by itself when every target has exited; a target's pid, once it has exited, is never \
         traced again if it is reused.",
    ));

    r.control("SH", ["EXAMPLES"]);
    r.text(md("Interactive: watch a running process."));
    verbatim(
        &mut r,
        &[
            "# every thread of it",
            "ftrace-cli -p \"$(pidof nginx)\"",
            "# and the children it starts from now on",
            "ftrace-cli -f -p 1234",
            "# anything named make, all file calls",
            "ftrace-cli -c make -e trace=all",
        ],
    );
    para(
        &mut r,
        "Capture to a file: the trace in a file, the program's own output on the terminal.",
    );
    verbatim(&mut r, &["ftrace-cli -o trace.txt -- ./configure"]);
    para(&mut r, "Scripting with grep, awk and jq.");
    verbatim(
        &mut r,
        &[
            "# what 1234 looks for in vain",
            "ftrace-cli -Z -p 1234 | grep ENOENT",
            "# field 2 is always the name",
            "ftrace-cli -o trace.txt -- make; awk '$2 == \"cc1\"' trace.txt",
            "# the paths of the calls that failed",
            "ftrace-cli --json -p 1234 |",
            "    jq -r 'select(.errno) | .path // empty'",
        ],
    );

    r.control("SH", ["SEE ALSO"]);
    let see_also = [
        ("strace", "1"),
        ("bpf", "2"),
        ("fanotify_mark", "2"),
        ("openat", "2"),
        ("symlinkat", "2"),
        ("capabilities", "7"),
    ];
    let mut line = Vec::new();
    for (i, (page, section)) in see_also.iter().enumerate() {
        let sep = if i + 1 < see_also.len() { ", " } else { "" };
        line.push(bold(*page));
        line.push(roman(format!("({section}){sep}")));
    }
    r.text(line);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_for_every_shell() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = String::from_utf8(completions(shell)).unwrap();
            assert!(text.contains("follow-forks"), "{shell}: {text}");
            assert!(
                !text.contains("generate-man"),
                "{shell}: hidden options stay hidden"
            );
        }
    }

    #[test]
    fn the_hidden_options_leave_the_command_alone() {
        use clap::Parser;
        let cli = Cli::try_parse_from(["ftrace-cli", "--", "--generate-man"]).unwrap();
        assert!(!cli.generate_man);
        assert_eq!(cli.command, ["--generate-man"]);
        let cli = Cli::try_parse_from(["ftrace-cli", "--", "x", "--completions", "bash"]).unwrap();
        assert_eq!(cli.completions, None);
        assert_eq!(cli.command, ["x", "--completions", "bash"]);
        let cli = Cli::try_parse_from(["ftrace-cli", "--completions", "zsh"]).unwrap();
        assert_eq!(cli.completions, Some(Shell::Zsh));
        assert!(Cli::try_parse_from(["ftrace-cli", "--generate-man", "--", "ls"]).is_err());
    }

    #[test]
    fn md_sets_code_in_bold() {
        assert_eq!(md("a `-o` b"), vec![roman("a "), bold("-o"), roman(" b")]);
    }
}

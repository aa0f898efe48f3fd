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

use clap::{Command, ValueHint};
use clap_complete::Shell;
use roff::{bold, roman, Inline, Roff};

use crate::cli::{self, Cli};
use crate::decode::{class, Syscall};
use crate::error::Error;
use crate::json;

/// Handles `--generate-man` and `--completions`: `Some(exit status)` when
/// one of them was given, `None` to go on tracing.
pub fn run(cli: &Cli) -> Option<i32> {
    let text = if let Some(shell) = cli.completions {
        completions(shell)
    } else if cli.generate_man {
        match man_page() {
            Ok(page) => page,
            Err(err) => {
                eprintln!("ftrace-cli: {err}");
                return Some(2);
            }
        }
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

/// The completion script for `shell`. bash's is written here in full; zsh's
/// and fish's are clap's, with the values clap cannot know (pids, process
/// names, call names) added.
pub fn completions(shell: Shell) -> Vec<u8> {
    match shell {
        Shell::Bash => bash_completion().into_bytes(),
        Shell::Zsh => zsh_completion().into_bytes(),
        Shell::Fish => fish_completion().into_bytes(),
        _ => clap_completion(shell),
    }
}

/// clap's completion script for `shell`.
fn clap_completion(shell: Shell) -> Vec<u8> {
    // Hints only completions use: -o takes a file, `--` a command line, -X
    // one of three words (its parser does not list them for clap).
    let cli = cli::command()
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

/// The names of the options (`-p`, `--pid`, ...), and of those that take a
/// value, as the command line defines them.
fn option_names() -> (Vec<String>, Vec<String>) {
    let (mut all, mut valued) = (Vec::new(), Vec::new());
    let cmd = cli::command();
    for arg in cmd.get_arguments() {
        if arg.is_hide_set() || arg.is_positional() {
            continue;
        }
        let mut names: Vec<String> = arg
            .get_short_and_visible_aliases()
            .unwrap_or_default()
            .iter()
            .map(|c| format!("-{c}"))
            .collect();
        names.extend(
            arg.get_long_and_visible_aliases()
                .unwrap_or_default()
                .iter()
                .map(|l| format!("--{l}")),
        );
        if arg.get_action().takes_values() {
            valued.extend(names.iter().cloned());
        }
        all.extend(names);
    }
    (all, valued)
}

/// The words -e takes after `trace=`: calls, classes, all, none.
fn trace_words() -> Vec<String> {
    let mut words: Vec<String> = vec!["all".into(), "none".into()];
    words.extend(Syscall::all().map(|call| call.name().to_string()));
    words.extend(class::NAMES.iter().map(|(name, _)| format!("%{name}")));
    words
}

const BASH: &str = r#"# bash completion for ftrace-cli (written by ftrace-cli --completions bash).
# The bash-completion package loads it on demand from
# share/bash-completion/completions; without that package, source it.

_ftrace_cli() {
    local line=${COMP_LINE:0:COMP_POINT}
    local -a words
    read -ra words <<< "$line"
    local cur=
    if [[ $line != *[[:space:]] && ${#words[@]} -gt 0 ]]; then
        cur=${words[${#words[@]}-1]}
        unset 'words[${#words[@]}-1]'
    fi
    local prev=${words[${#words[@]}-1]}
    local i

    # After --: the command, and then its own arguments.
    for (( i = 1; i < COMP_CWORD; i++ )); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            if declare -F _command_offset > /dev/null; then
                _command_offset $(( i + 1 ))
            elif (( i + 1 == COMP_CWORD )); then
                COMPREPLY=( $(compgen -c -- "$cur") )
            else
                COMPREPLY=( $(compgen -f -- "$cur") )
            fi
            return
        fi
    done

    # The option whose value is being typed: -p 12, --pid=12, -p12.
    local opt= value=$cur head=
    case $prev in
        @VALUED@) opt=$prev ;;
    esac
    if [[ -z $opt && $cur == --*=* ]]; then
        opt=${cur%%=*} head=$opt= value=${cur#*=}
    elif [[ -z $opt && $cur == -[!-]?* ]]; then
        case ${cur:0:2} in
            @VALUED@) opt=${cur:0:2} head=$opt value=${cur:2} ;;
        esac
    fi

    local -a values=()
    local IFS=$'\n'
    case $opt in
        -p|--pid)
            # A comma list: complete its last item.
            [[ $value == *,* ]] && head=$head${value%,*}, value=${value##*,}
            values=( $(cd /proc 2> /dev/null && compgen -G '[0-9]*' | sort -n) ) ;;
        -c|--comm)
            values=( $(cat /proc/[0-9]*/comm 2> /dev/null | sort -u) ) ;;
        -e|--expr)
            local list=${value%"${value##*[=,!]}"}
            value=${value#"$list"}
            [[ -z $list ]] && list=trace=
            head=$head$list
            values=( @TRACE@ )
            compopt -o nospace 2> /dev/null ;;
        -X|--const-print-style)
            values=( raw abbrev verbose ) ;;
        --color)
            values=( auto always never ) ;;
        -o|--output)
            values=( $(compgen -f -- "$value") ) ;;
        '')
            if [[ $cur == -* ]]; then
                values=( @OPTIONS@ -- )
            fi ;;
    esac

    # Whole words, as typed; then what bash replaces: the part of the word
    # after its last COMP_WORDBREAKS character (as in --pid=, trace=).
    local -a matches=()
    local v
    for v in "${values[@]}"; do
        [[ $v == "$value"* ]] && matches+=( "$head$v" )
    done
    local breaks=${COMP_WORDBREAKS-$' \t\n"\'><=;|&(:'} tail=$cur
    while [[ -n $breaks && $tail == *["$breaks"]* ]]; do
        tail=${tail#*["$breaks"]}
    done
    local keep=${cur%"$tail"}
    COMPREPLY=()
    for v in "${matches[@]}"; do
        v=${v#"$keep"}
        [[ $v == *[[:space:]]* ]] && v=$(printf '%q' "$v")
        COMPREPLY+=( "$v" )
    done
}

complete -F _ftrace_cli ftrace-cli
"#;

fn bash_completion() -> String {
    let (options, valued) = option_names();
    BASH.replace("@VALUED@", &valued.join("|"))
        .replace("@OPTIONS@", &options.join(" "))
        .replace("@TRACE@", &trace_words().join(" "))
}

fn zsh_completion() -> String {
    let script = String::from_utf8(clap_completion(Shell::Zsh)).expect("clap writes UTF-8");
    let helper = format!(
        r#"# -e: trace=NAME[,NAME...], with names, classes, all and none.
(( $+functions[_ftrace_cli_trace] )) ||
_ftrace_cli_trace() {{
    compset -P '*[=,!]' || compadd -S '' -- trace=
    compadd -S , -q -- {}
}}

"#,
        trace_words().join(" ")
    );
    script
        .replace(":PID:_default'", ":PID:_pids'")
        .replace(":NAME:_default'", ":NAME:_process_names'")
        .replace(":trace=LIST:_default'", ":trace=LIST:_ftrace_cli_trace'")
        .replacen(
            "if [ \"$funcstack[1]\" = \"_ftrace-cli\" ]; then",
            &format!("{helper}if [ \"$funcstack[1]\" = \"_ftrace-cli\" ]; then"),
            1,
        )
}

fn fish_completion() -> String {
    let script = String::from_utf8(clap_completion(Shell::Fish)).expect("clap writes UTF-8");
    let mut out = String::new();
    // After --, the command and its arguments; before it, the options.
    out.push_str(
        r#"function __ftrace_cli_after_dashdash
    contains -- -- (commandline -opc)
end

function __ftrace_cli_command
    set -l words (commandline -opc)
    set -l at (contains -i -- -- $words)
    set -l rest $words[(math $at + 1)..-1]
    if test (count $rest) -eq 0
        __fish_complete_command
    else
        complete -C (string join ' ' -- (string escape -- $rest) (commandline -ct))
    end
end

# -e: trace=NAME[,NAME...], with names, classes, all and none.
function __ftrace_cli_trace
    set -l token (commandline -ct)
    set -l list (string replace -r '[^=,!]*$' '' -- $token)
    test -n "$list"; or set list trace=
    for word in @TRACE@
        printf '%s%s\n' $list $word
    end
end

complete -c ftrace-cli -n __ftrace_cli_after_dashdash -f -a '(__ftrace_cli_command)'
"#
        .replace("@TRACE@", &trace_words().join(" "))
        .as_str(),
    );
    for line in script.lines() {
        let line = if line.starts_with("complete -c ftrace-cli ") {
            // Options only before --.
            line.replacen(
                "complete -c ftrace-cli ",
                "complete -c ftrace-cli -n 'not __ftrace_cli_after_dashdash' ",
                1,
            )
        } else {
            line.to_string()
        };
        out.push_str(&line);
        if line.contains(" -s p -l pid ") {
            out.push_str(" -f -a '(__fish_complete_pids)'");
        } else if line.contains(" -s c -l comm ") {
            out.push_str(" -f -a '(__fish_complete_proc)'");
        } else if line.contains(" -s e -l expr ") {
            out.push_str(" -f -a '(__ftrace_cli_trace)'");
        }
        out.push('\n');
    }
    out
}

/// The page's date when SOURCE_DATE_EPOCH is not set: the date this
/// version's page was written, fixed so that the committed page is
/// reproducible (`make man` leaves SOURCE_DATE_EPOCH out).
const PAGE_DATE: &str = "2026-12-06";

/// The man page's date: SOURCE_DATE_EPOCH (reproducible builds) as a UTC
/// day, or [`PAGE_DATE`].
fn page_date() -> Result<String, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(PAGE_DATE.to_string()),
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .map(utc_date)
            .map_err(|_| format!("SOURCE_DATE_EPOCH={value:?} is not a number of seconds")),
    }
}

/// The UTC day of `secs` since the epoch, YYYY-MM-DD (the proleptic
/// Gregorian calendar, from days since 1970-01-01).
fn utc_date(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The man page, roff source for `man -l`.
pub fn man_page() -> Result<Vec<u8>, String> {
    let date = page_date()?;
    // --help lists --color's values in its text already.
    let mut cmd = cli::command().mut_arg("color", |a| a.hide_possible_values(true));
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
    let headings: Vec<String> = cmd
        .get_arguments()
        .filter_map(|a| a.get_help_heading())
        .map(str::to_string)
        .collect();
    // The short exit status note of --help becomes the EXIT STATUS section.
    let cmd = cmd
        .override_usage(usage)
        .long_about(description)
        .after_help(None::<&str>);
    let man = clap_mangen::Man::new(cmd)
        .title("FTRACE-CLI")
        .date(date)
        .manual("User Commands");

    // Each piece clap_mangen renders starts with the same preamble (it
    // defines the apostrophe string); keep it only once, at the top, after
    // the line that asks man to run tbl (the live view's keys are a table).
    let preamble = Roff::new().render();
    let mut page = format!("'\\\" t\n{preamble}");
    type Part = fn(&clap_mangen::Man, &mut dyn Write) -> std::io::Result<()>;
    let parts: [Part; 5] = [
        clap_mangen::Man::render_title,
        clap_mangen::Man::render_name_section,
        clap_mangen::Man::render_synopsis_section,
        clap_mangen::Man::render_description_section,
        clap_mangen::Man::render_options_section,
    ];
    for (i, part) in parts.into_iter().enumerate() {
        let mut buf = Vec::new();
        part(&man, &mut buf).expect("writing to a Vec");
        let text = String::from_utf8(buf).expect("clap_mangen writes UTF-8");
        page.push_str(text.strip_prefix(&preamble).unwrap_or(&text));
        if i == 0 {
            // No hyphenation and ragged right, so that names stay whole.
            page.push_str(".nh\n.ad l\n");
        }
    }
    // The groups of --help are subsections of OPTIONS.
    for heading in &headings {
        page = page.replace(
            &format!("\n.SH {}\n", heading.to_uppercase()),
            &format!("\n.SS {heading}\n"),
        );
    }
    // clap shows a counted flag once: say what the counts are.
    page = page.replace(
        "\n\\fB\\-t\\fR\n",
        "\n\\fB\\-t\\fR, \\fB\\-tt\\fR, \\fB\\-ttt\\fR\n",
    );
    let extra = extra_sections().render();
    let extra = extra.strip_prefix(&preamble).unwrap_or(&extra);
    let (before, after) = extra
        .split_once(LIVE_KEYS_HERE)
        .expect("the live view section");
    page.push_str(before);
    page.push_str(&live_keys_table());
    page.push_str(after.trim_start_matches('\n'));
    Ok(wrap_text_lines(&page).into_bytes())
}

/// Stands in the rendered LIVE VIEW section for its table of keys.
const LIVE_KEYS_HERE: &str = "LIVEKEYSTABLE";

/// The keys of the live view, as a tbl table.
fn live_keys_table() -> String {
    let keys = [
        ("q, Ctrl-C", "Quit. Before the targets end, as SIGTERM: a command is passed the signal and waited for; press again to kill it."),
        ("p, Space", "Pause the display (counting goes on); again to resume."),
        ("/", "Filter the rows by substring, typed at a prompt: Enter applies (empty: no filter), Esc cancels."),
        ("s", "Sort by count, last seen, errors, name."),
        ("v, Tab", "Show paths, syscalls, processes."),
        ("x", "In the processes view, list each process under its name."),
        ("c", "Clear the counters."),
        ("arrows, j, k, PgUp, PgDn", "Scroll."),
        ("g, G, Home, End", "Go to the first or the last row."),
    ];
    // A text block must not start near a page's foot (groff warns): keep
    // the table whole on one page.
    let mut table = String::from(".ne 3i\n.TS\ntab(@);\nlb lb\nl lx.\nKey@Action\n");
    for (key, action) in keys {
        table.push_str(&format!("{}@T{{\n{}\nT}}\n", escape(key), escape(action)));
    }
    table.push_str(".TE\n");
    table
}

/// Plain text as roff text: backslashes and hyphens escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\e").replace('-', "\\-")
}

/// Breaks text lines longer than 80 bytes at spaces (roff fills them back),
/// leaving control lines, tags and verbatim blocks alone; drops a .PP right
/// after a heading, where it is a no-op that linters flag.
fn wrap_text_lines(page: &str) -> String {
    let mut out = String::with_capacity(page.len() + page.len() / 40);
    let mut verbatim = false;
    let mut tag = false;
    let mut heading = false;
    for line in page.lines() {
        let after_heading = std::mem::replace(
            &mut heading,
            line.starts_with(".SH ") || line.starts_with(".SS "),
        );
        if after_heading && line == ".PP" {
            continue;
        }
        let control = line.starts_with('.') || line.starts_with('\'');
        if control {
            verbatim = match line {
                ".nf" | ".TS" => true,
                ".fi" | ".TE" => false,
                _ => verbatim,
            };
        }
        if control || verbatim || tag || line.len() <= 80 {
            out.push_str(line);
            out.push('\n');
            tag = line == ".TP";
            continue;
        }
        let mut rest = line;
        while rest.len() > 80 {
            // The last plain space within 80 bytes (not "\ ", which is
            // a space that must not break).
            let cut = rest.as_bytes()[..=80]
                .iter()
                .enumerate()
                .rev()
                .find(|&(i, &b)| b == b' ' && i > 0 && rest.as_bytes()[i - 1] != b'\\')
                .map(|(i, _)| i);
            let Some(cut) = cut else { break };
            push_text_line(&mut out, rest[..cut].trim_end_matches(' '));
            rest = rest[cut..].trim_start_matches(' ');
        }
        push_text_line(&mut out, rest);
    }
    out
}

/// A text line that roff must not read as a control line.
fn push_text_line(out: &mut String, text: &str) {
    if text.starts_with('.') || text.starts_with('\'') {
        out.push_str("\\&");
    }
    out.push_str(text);
    out.push('\n');
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

    r.control("SH", ["CALLS IN PROGRESS"]);
    para(
        &mut r,
        "A -p target blocked in a traced call when ftrace-cli attaches is shown at once, read \
         from /proc/TID/syscall, as strace's openat(AT_FDCWD, \"fifo\", O_RDONLY <unfinished \
         ...>, and its end when it returns: <... openat resumed>) = 3. A traced call still in \
         progress when the trace stops is printed with <detached ...> rather than dropped. In \
         JSON such lines carry pid, tid, comm, syscall, call and state (unfinished or detached).",
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

    r.control("SH", ["CGROUPS"]);
    para(
        &mut r,
        "--cgroup PATH selects a container, a systemd service or a Kubernetes pod by its cgroup \
         v2 directory, and everything below it. Find it on the 0:: line of /proc/PID/cgroup of \
         one of its processes (docker and podman: the pid of docker inspect -f \
         '{{.State.Pid}}'; containerd: crictl inspect), or with systemctl show -p ControlGroup \
         for a service; a pod is the parent directory of its containers. --uid and --cgroup \
         narrow what -p, -c and the command select.",
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
    para(&mut r, "A call in progress when tracing began or ended:");
    json_fields(&mut r, json::schema::IN_PROGRESS);

    r.control("SH", ["LIVE VIEW"]);
    r.text(md(
        "`--live` takes over the terminal (alternate screen) and shows, redrawn 4 times a \
         second: the target, calls per second, totals, errors and records lost; a table of \
         paths (or syscalls, or processes) with their counts, errors, last result, last errno, \
         when last seen and the last call; and the newest failing calls, as trace lines. It \
         needs a terminal on stdout, and works with any targets and with `-e`, `-z`, `-Z` and \
         `-X`; not with `--json`, `-o` or the summary options. The keys:",
    ));
    r.control("PP", []);
    r.text([roman(LIVE_KEYS_HERE)]);
    para(
        &mut r,
        "At any terminal size the path gets the room: the columns before it are only as wide \
         as what they show, and while the longest path on the screen does not fit they drop \
         out, CALL first, then LAST, then SEEN (COUNT, ERRORS and ERRNO stay). A path still \
         too long is cut in the middle, keeping its start and its file name. Every cut, there \
         and in the newest failures and the title, is marked with an ellipsis (U+2026), which \
         an escaped path never holds, and paths that would read the same once cut show more of \
         where they differ.",
    );
    para(
        &mut r,
        "The processes view has a row per process name (comm), with how many processes had \
         it; `x` lists each process under its name.",
    );
    para(
        &mut r,
        "A command after `--` does not write over the view: its standard output and error go \
         to a new file, ftrace-cli-output.XXXXXX in TMPDIR, named on the status line under the \
         totals and again when ftrace-cli ends; it reads /dev/null and runs in a session of \
         its own, without the terminal.",
    );
    para(
        &mut r,
        "When the targets end by themselves, the view stays with the final counts and the \
         status line \"command exited with status N, q to quit\" (or \"every traced process \
         has exited\"); a stop signal, or q before the end, closes it at once. Then the table \
         of `--summary-only` is printed.",
    );
    para(
        &mut r,
        "The view counts in user space, in tables of at most 10,000 keys each. A full table \
         folds the tenth of its keys seen least recently into an (other) row, always the \
         last, to make room: a new key always gets a row of its own, so a new hot spot shows \
         at once, while a key in use keeps its row. The totals stay exact.",
    );

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

    r.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in [
        (
            "NO_COLOR",
            "When set and not empty, `--color auto` colours nothing, in the trace or the live \
             view.",
        ),
        (
            "CLICOLOR_FORCE",
            "When set and not empty, `--color auto` colours the trace even when stdout is not a \
             terminal (NO_COLOR wins). Never with `-o` or `--json`.",
        ),
        ("CLICOLOR", "0 turns the colours of `--color auto` off."),
        (
            "TERM",
            "Unset or dumb: `--color auto` colours nothing. The live view writes the ANSI \
             (ECMA-48) sequences every terminal emulator in use understands, whatever TERM says.",
        ),
        (
            "TZ",
            "The time zone of `-t` and `-tt`, which print the local time of day; `-ttt` and \
             JSON times do not depend on it.",
        ),
        (
            "PATH",
            "Where the command after `--` is looked for, as a shell does (/usr/local/bin:/usr/bin:/bin \
             when unset).",
        ),
        (
            "TMPDIR",
            "Where `--live` puts the command's output file (/tmp when unset).",
        ),
        (
            "SOURCE_DATE_EPOCH",
            "The date of the man page as make install writes it, for reproducible packages.",
        ),
    ] {
        item(&mut r, &format!("`{name}`"), meaning);
    }

    r.control("SH", ["FILES"]);
    for (file, meaning) in [
        (
            "/sys/kernel/btf/vmlinux",
            "The kernel's type information (BTF), which the tracer needs to load.",
        ),
        (
            "/proc",
            "/proc/PID/stat tells whether each `-p` target is alive, and which pid \
             namespace it is in.",
        ),
        (
            "$TMPDIR/ftrace-cli-output.XXXXXX",
            "The output of the command under `--live`, kept after the view ends.",
        ),
    ] {
        item(&mut r, &format!("`{file}`"), meaning);
    }

    r.control("SH", ["PRIVILEGES"]);
    r.text(md(
        "ftrace-cli loads a BPF program into the kernel. It needs Linux 6.4 or later on x86_64 \
         (Debian 12: the backports kernel) with BTF (/sys/kernel/btf/vmlinux), and root, or the capabilities CAP_BPF and \
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
        ("opensnoop", "8"),
        ("bpftrace", "8"),
        ("perf-trace", "1"),
        ("fatrace", "8"),
        ("open", "2"),
        ("openat2", "2"),
        ("symlinkat", "2"),
        ("fanotify_mark", "2"),
        ("fanotify", "7"),
        ("bpf", "2"),
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
    fn dates_from_source_date_epoch() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_765_000_000), "2025-12-06");
        assert_eq!(utc_date(-86_400), "1969-12-31");
    }

    #[test]
    fn long_text_lines_are_wrapped() {
        let long = format!("{} .starts a line {}", "word ".repeat(15), "x".repeat(30));
        let page = format!(".TP\n{long}\n.nf\n{long}\n.fi\n{long}\n");
        let wrapped = wrap_text_lines(&page);
        let lines: Vec<&str> = wrapped.lines().collect();
        // The tag after .TP and the verbatim lines stay whole.
        assert_eq!(lines[1], long);
        assert_eq!(lines[3], long);
        assert!(lines[5..].iter().all(|l| l.len() <= 80), "{wrapped}");
        assert!(lines[6].starts_with("\\&."), "{wrapped}");
        assert_eq!(
            lines[5..].join(" ").replace("\\&", ""),
            long.replace("  ", " ")
        );
    }

    #[test]
    fn md_sets_code_in_bold() {
        assert_eq!(md("a `-o` b"), vec![roman("a "), bold("-o"), roman(" b")]);
    }
}

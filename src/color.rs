//! Colours for a terminal: the syscall name, strings, numbers and errors
//! each stand out. Applied to the finished call text, so decoding stays
//! the same with colour on or off.

use std::fmt::Write as _;

use owo_colors::OwoColorize;

/// Whether `--color=auto` colours a stream, by the usual rules (as clap's
/// own output): NO_COLOR set and not empty never, CLICOLOR_FORCE set and
/// not empty always, CLICOLOR=0 never, else a terminal whose TERM is not dumb.
pub fn auto(is_terminal: bool) -> bool {
    if anstyle_query::no_color() {
        false
    } else if anstyle_query::clicolor_force() {
        true
    } else if anstyle_query::clicolor() == Some(false) {
        false
    } else {
        is_terminal && anstyle_query::term_supports_color()
    }
}

/// Appends `call` (as `write_call` renders it) to `out` with colours.
pub fn write_colored(out: &mut String, call: &str) {
    let (head, result) = match call.rfind(") = ") {
        Some(i) => call.split_at(i + 2),
        None => (call, ""),
    };
    let (name, args) = head.split_at(head.find('(').unwrap_or(head.len()));
    let _ = write!(out, "{}", name.bold().cyan());
    write_args(out, args);
    if result.starts_with("= -1") || result.starts_with("= ?") {
        let _ = write!(out, "{}", result.red().bold());
    } else {
        let (eq, value) = result.split_at(result.find(' ').map_or(0, |i| i + 1));
        out.push_str(eq);
        let _ = write!(out, "{}", value.yellow());
    }
}

/// Strings green, numbers yellow, names as they are.
fn write_args(out: &mut String, args: &str) {
    let bytes = args.as_bytes();
    let mut i = 0;
    let mut plain = 0;
    while i < bytes.len() {
        let start = i;
        let end = match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                // strace's cut marker belongs to the string.
                if args[i..].starts_with("...") {
                    i += 3;
                }
                Some(i)
            }
            b'0'..=b'9' if start == 0 || !is_word(bytes[start - 1]) => {
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                Some(i)
            }
            _ => None,
        };
        match end {
            Some(end) => {
                out.push_str(&args[plain..start]);
                let token = &args[start..end];
                if bytes[start] == b'"' {
                    let _ = write!(out, "{}", token.green());
                } else {
                    let _ = write!(out, "{}", token.yellow());
                }
                plain = end;
            }
            None => i += 1,
        }
    }
    out.push_str(&args[plain..]);
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text without its escape sequences.
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn colours_only_add_escapes() {
        for call in [
            r#"openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3"#,
            r#"openat(AT_FDCWD, "a\") = 3\"", O_RDONLY) = -1 ENOENT (No such file or directory)"#,
            r#"openat(AT_FDCWD, "bbb"..., O_RDONLY) = -1 ENAMETOOLONG (File name too long)"#,
            r#"fanotify_mark(3, FAN_MARK_ADD, FAN_OPEN|0x10000000000, FAN_NOFD, "/") = 0"#,
            "weird",
        ] {
            let mut out = String::new();
            write_colored(&mut out, call);
            assert_ne!(out, call);
            assert_eq!(strip(&out), call);
        }
    }

    #[test]
    fn parts_get_their_colours() {
        let mut out = String::new();
        write_colored(
            &mut out,
            r#"openat(3, "x", O_RDONLY) = -1 ENOENT (No such file or directory)"#,
        );
        assert!(out.contains(&format!("{}", "\"x\"".green())));
        assert!(out.contains(&format!("{}", "3".yellow())));
        assert!(out.contains(&format!("{}", "openat".bold().cyan())));
        assert!(out.contains(&format!(
            "{}",
            "= -1 ENOENT (No such file or directory)".red().bold()
        )));
    }
}

//! The fields of `--json`, described once: the man page is generated from
//! these tables, a test checks the README's tables against them, and the
//! end-to-end tests check real traces field by field against them.
//!
//! Self-contained on purpose: the tests include this file by its path.

/// The `schema` of every record. It goes up when a field changes meaning,
/// type or goes away; new fields alone do not raise it.
pub const VERSION: u64 = 1;

/// A field's JSON type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    Integer,
    Boolean,
    Array,
}

/// When a field is in a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// In every record, never null.
    Always,
    /// In every record, null where it does not apply.
    OrNull,
    /// Only where it applies.
    Sometimes,
}

/// One documented field.
pub struct Field {
    pub name: &'static str,
    pub ty: Type,
    pub presence: Presence,
    /// For the README and the man page: markdown with `code` spans.
    pub meaning: &'static str,
}

const fn field(name: &'static str, ty: Type, presence: Presence, meaning: &'static str) -> Field {
    Field {
        name,
        ty,
        presence,
        meaning,
    }
}

use Presence::{Always, OrNull, Sometimes};
use Type::{Array, Boolean, Integer, String};

/// A call's record, `"type":"call"`, in the order written.
pub const CALL: &[Field] = &[
    field(
        "schema",
        Integer,
        Always,
        "the version of these fields, 1; it goes up when a field changes meaning or goes away",
    ),
    field("type", String, Always, "`\"call\"`"),
    field(
        "time",
        String,
        Always,
        "wall-clock time of the call's entry, RFC 3339 UTC with nanoseconds: the field to key on",
    ),
    field(
        "time_ns",
        Integer,
        Always,
        "the same, nanoseconds since the epoch; above 2^53, so an IEEE double (JavaScript, jq 1.6) rounds it: read it as a 64-bit integer, or use `time`",
    ),
    field(
        "mono_ns",
        Integer,
        Always,
        "CLOCK_MONOTONIC at entry, as the kernel took it",
    ),
    field("duration_ns", Integer, Always, "from entry to exit"),
    field(
        "host",
        String,
        Always,
        "the host name, as ftrace-cli sees it at start",
    ),
    field(
        "pid",
        Integer,
        Always,
        "process (thread group) id, as ftrace-cli's pid namespace numbers it",
    ),
    field("tid", Integer, Always, "thread id, the same way"),
    field(
        "ppid",
        Integer,
        Always,
        "parent process id, the same way; 0 for a parent outside that namespace",
    ),
    field(
        "host_pid",
        Integer,
        Always,
        "`pid` as the kernel (the host) numbers it; equal to `pid` when ftrace-cli runs on the host",
    ),
    field("host_tid", Integer, Always, "`tid`, the same way"),
    field("host_ppid", Integer, Always, "`ppid`, the same way"),
    field("uid", Integer, Always, "real user id"),
    field(
        "cgroup_id",
        Integer,
        Always,
        "the caller's cgroup v2 id (the inode number of its cgroup directory)",
    ),
    field(
        "container_id",
        String,
        OrNull,
        "the container id its cgroup path shows (docker, containerd, cri-o, podman); else `null`",
    ),
    field(
        "pid_ns",
        Integer,
        Always,
        "the inode number of the caller's pid namespace, as `/proc/PID/ns/pid` shows it",
    ),
    field(
        "mnt_ns",
        Integer,
        Always,
        "the inode number of its mount namespace, as `/proc/PID/ns/mnt` shows it",
    ),
    field(
        "exe",
        String,
        OrNull,
        "the caller's executable, as the kernel names it (`/proc/PID/exe`, ` (deleted)` included; `...` starts a path longer than 4095 bytes, given by its end); bytes that are not UTF-8 are replaced by U+FFFD; `null` when unknown",
    ),
    field(
        "comm",
        String,
        Always,
        "thread name (bytes that are not UTF-8 are replaced by U+FFFD)",
    ),
    field("syscall", String, Always, "`openat`, `symlinkat`, ..."),
    field("compat", Boolean, Always, "`true` for a 32-bit (ia32) call"),
    field(
        "path",
        String,
        OrNull,
        "the call's first path argument, as its `str` (bytes that are not UTF-8 replaced by U+FFFD; `args` has them exactly); `null` when the call has none, or it is `NULL` or unreadable",
    ),
    field(
        "args",
        Array,
        Always,
        "the arguments in order, each an object with the fields below",
    ),
    field(
        "ret",
        Integer,
        Always,
        "the result: `-1` on error, as strace shows it",
    ),
    field(
        "ret_path",
        String,
        Sometimes,
        "with `-y`, the file the returned descriptor refers to, as an argument's `path` (below); so are the four that follow",
    ),
    field("ret_path_hex", String, Sometimes, "as an argument's `path_hex`"),
    field(
        "ret_path_truncated",
        Boolean,
        Sometimes,
        "as an argument's `path_truncated`",
    ),
    field(
        "ret_path_deleted",
        Boolean,
        Sometimes,
        "as an argument's `path_deleted`",
    ),
    field(
        "ret_path_unknown",
        Boolean,
        Sometimes,
        "as an argument's `path_unknown`",
    ),
    field(
        "errno",
        String,
        OrNull,
        "on error, its name: `\"ENOENT\"`; else `null`",
    ),
    field("errno_num", Integer, OrNull, "on error, its number: `2`"),
    field(
        "error",
        String,
        OrNull,
        "on error, its message: `\"No such file or directory\"`",
    ),
    field(
        "call",
        String,
        Always,
        "the call exactly as the text output prints it",
    ),
];

/// One element of a call's `args`.
pub const ARG: &[Field] = &[
    field(
        "name",
        String,
        Always,
        "as in the man page: `dirfd`, `pathname`, `flags`, ...",
    ),
    field(
        "raw",
        Integer,
        Always,
        "the number the kernel received: ints sign-extended, pointers as addresses",
    ),
    field(
        "decoded",
        String,
        Always,
        "strace's rendering: `AT_FDCWD`, `O_RDONLY|O_CLOEXEC`, `\"/etc/hostname\"`",
    ),
    field(
        "str",
        String,
        Sometimes,
        "a path argument's bytes, when they are valid UTF-8",
    ),
    field(
        "hex",
        String,
        Sometimes,
        "a path argument's bytes in hexadecimal, when they are not: every path round-trips exactly",
    ),
    field(
        "truncated",
        Boolean,
        Sometimes,
        "`true`: the path was cut at 4096 bytes",
    ),
    field(
        "unreadable",
        Boolean,
        Sometimes,
        "`true`: the path's memory could not be read",
    ),
    field(
        "changed",
        Boolean,
        Sometimes,
        "`true`: another thread changed the path during the call",
    ),
    field(
        "path",
        String,
        Sometimes,
        "with `-y`, a descriptor argument's file (the working directory for `AT_FDCWD`), as the kernel named it at the call's exit; none when no file was open there",
    ),
    field(
        "path_hex",
        String,
        Sometimes,
        "the same in hexadecimal, when it is not UTF-8",
    ),
    field(
        "path_truncated",
        Boolean,
        Sometimes,
        "`true`: only the path's end is given (see `-y`)",
    ),
    field(
        "path_deleted",
        Boolean,
        Sometimes,
        "`true`: the file is deleted; the path is the one it had",
    ),
    field(
        "path_unknown",
        Boolean,
        Sometimes,
        "`true`: the kernel names the file in a way not spelled out (`<?>` in text)",
    ),
];

/// A loss record, `"type":"lost"`: written after the records of the same
/// moment whenever calls were lost since the previous one, so that the file
/// alone tells that it is incomplete.
pub const LOST: &[Field] = &[
    field("schema", Integer, Always, "as in a call's record"),
    field("type", String, Always, "`\"lost\"`"),
    field(
        "time",
        String,
        Always,
        "when the loss was noticed, RFC 3339 UTC",
    ),
    field(
        "time_ns",
        Integer,
        Always,
        "the same, nanoseconds since the epoch",
    ),
    field("host", String, Always, "as in a call's record"),
    field(
        "calls",
        Integer,
        Always,
        "calls lost since the previous loss record: the sum of the three below",
    ),
    field(
        "ring_full",
        Integer,
        Always,
        "of which the ring buffer had no room for (a larger `--buffer-size` helps)",
    ),
    field(
        "in_flight",
        Integer,
        Always,
        "of which the kernel had no memory to follow",
    ),
    field(
        "malformed",
        Integer,
        Always,
        "of which records could not be read",
    ),
];

/// A call in progress when tracing began or ended, `"type":"in_progress"`
/// (strace's `<unfinished ...>` and `<detached ...>` lines). A call shown
/// unfinished has a call record when it returns, whose `call` is strace's
/// `<... NAME resumed>) = RESULT`.
pub const IN_PROGRESS: &[Field] = &[
    field("schema", Integer, Always, "as in a call's record"),
    field("type", String, Always, "`\"in_progress\"`"),
    field(
        "time",
        String,
        Always,
        "when the call was seen in progress, RFC 3339 UTC",
    ),
    field(
        "time_ns",
        Integer,
        Always,
        "the same, nanoseconds since the epoch",
    ),
    field("host", String, Always, "as in a call's record"),
    field("pid", Integer, Always, "as in a call's record"),
    field("tid", Integer, Always, "as in a call's record"),
    field("comm", String, Always, "as in a call's record"),
    field("syscall", String, Always, "as in a call's record"),
    field(
        "state",
        String,
        Always,
        "`\"unfinished\"`: in progress when tracing began; `\"detached\"`: still in progress when it ended",
    ),
    field(
        "call",
        String,
        Always,
        "the text output's line for it: `openat(AT_FDCWD, \"fifo\", O_RDONLY <unfinished ...>`",
    ),
];

/// The markdown table the README shows for `fields`.
#[cfg(test)]
pub fn markdown(fields: &[Field]) -> std::string::String {
    let mut table = std::string::String::from("| field | type | meaning |\n|---|---|---|\n");
    for f in fields {
        let ty = f.type_text();
        // A | in a cell, even in a code span, must be escaped.
        let meaning = f.meaning.replace('|', "\\|");
        table.push_str(&format!("| `{}` | {ty} | {meaning} |\n", f.name));
    }
    table
}

impl Field {
    /// `string`, `integer or null`, `boolean, only where it applies`, ...
    pub fn type_text(&self) -> std::string::String {
        let ty = match self.ty {
            String => "string",
            Integer => "integer",
            Boolean => "boolean",
            Array => "array",
        };
        match self.presence {
            Always => ty.to_string(),
            OrNull => format!("{ty} or null"),
            Sometimes => format!("{ty}, only where it applies"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README shows the three tables exactly as they are here.
    #[test]
    fn readme_shows_the_schema() {
        let readme = include_str!("../../README.md");
        let tables = [CALL, ARG, LOST, IN_PROGRESS].map(markdown);
        assert!(
            tables.iter().all(|t| readme.contains(t)),
            "README.md's JSON tables differ from src/json/schema.rs; they should read, \
             for calls, their args, losses and calls in progress:\n{}",
            tables.join("\n")
        );
    }

    #[test]
    fn names_are_unique() {
        for fields in [CALL, ARG, LOST, IN_PROGRESS] {
            for (i, f) in fields.iter().enumerate() {
                assert!(!fields[..i].iter().any(|g| g.name == f.name), "{}", f.name);
            }
        }
    }
}

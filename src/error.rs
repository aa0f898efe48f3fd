//! Errors, each with the exit status the README and man page document.

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// Bad options or arguments, found before tracing starts. Exit 2.
    Usage(String),
    /// Not allowed to load BPF programs. Exit 3.
    Privilege(String),
    /// The kernel lacks what the tracer needs (BPF, BTF, ring buffers). Exit 4.
    Unsupported(String),
    /// The command after `--` does not exist. Exit 127, as a shell.
    CommandNotFound(String),
    /// The command after `--` could not be executed. Exit 126, as a shell.
    CommandNotExecutable(String),
    /// Anything else that stops a trace. Exit 1.
    Runtime(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Runtime(_) => 1,
            Error::Usage(_) => 2,
            Error::Privilege(_) => 3,
            Error::Unsupported(_) => 4,
            Error::CommandNotExecutable(_) => 126,
            Error::CommandNotFound(_) => 127,
        }
    }

    /// An I/O error as a person reads it: "No such file or directory",
    /// without Rust's "(os error 2)".
    pub fn describe(err: &std::io::Error) -> String {
        match err.raw_os_error() {
            Some(code) => nix::errno::Errno::from_raw(code).desc().to_string(),
            None => err.to_string(),
        }
    }

    /// Adds what was being done to a runtime error's message.
    pub fn runtime(context: &str, err: impl fmt::Display) -> Error {
        Error::Runtime(format!("{context}: {err}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (Error::Usage(msg)
        | Error::Privilege(msg)
        | Error::Unsupported(msg)
        | Error::CommandNotFound(msg)
        | Error::CommandNotExecutable(msg)
        | Error::Runtime(msg)) = self;
        // One line, whatever the message carries.
        f.write_str(&msg.replace('\n', " "))
    }
}

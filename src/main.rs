//! ftrace-cli: strace for files, on eBPF.

mod bpf;
mod cli;
mod color;
mod decode;
mod error;
mod filter;
mod generate;
mod json;
mod launch;
mod live;
mod notice;
mod output;
mod pidns;
mod plan;
mod posix_regex;
mod record;
mod separate;
mod session;
mod summary;
mod tracer;

use clap::error::ErrorKind;

fn main() {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            let _ = err.print();
            std::process::exit(0);
        }
        Err(err) => {
            eprintln!("{}", cli::usage_error(&err));
            std::process::exit(2);
        }
    };
    if let Some(status) = generate::run(&cli) {
        std::process::exit(status);
    }
    match session::run(cli) {
        Ok(status) => std::process::exit(status),
        Err(err) => {
            eprintln!("ftrace-cli: {err}");
            std::process::exit(err.exit_code());
        }
    }
}

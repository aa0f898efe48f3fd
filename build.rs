//! Compiles the BPF program in `bpf/` and writes its Rust skeleton to OUT_DIR.

use std::env;
use std::path::PathBuf;

use libbpf_cargo::SkeletonBuilder;

/// Each program and the name of its skeleton.
const SOURCES: &[(&str, &str)] = &[
    ("bpf/tracer.bpf.c", "tracer.skel.rs"),
    ("bpf/pidns.bpf.c", "pidns.skel.rs"),
];
const HEADERS: &[&str] = &["bpf/record.h", "bpf/kernel_types.h"];

fn main() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (source, skeleton) in SOURCES {
        if let Err(err) = SkeletonBuilder::new()
            .source(source)
            .clang_args(["-Wall", "-Werror", "-Ibpf"])
            .build_and_generate(out_dir.join(skeleton))
        {
            // One readable message instead of a backtrace; clang's output is in it.
            eprintln!("error: building the BPF program {source} failed: {err:#}");
            eprintln!("hint: it needs clang (apt-get install clang); see README.md, Quick start");
            std::process::exit(1);
        }
        println!("cargo:rerun-if-changed={source}");
    }
    for header in HEADERS {
        println!("cargo:rerun-if-changed={header}");
    }
}

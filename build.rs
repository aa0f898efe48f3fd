//! Compiles the BPF program in `bpf/` and writes its Rust skeleton to OUT_DIR.

use std::env;
use std::path::PathBuf;

use libbpf_cargo::SkeletonBuilder;

const SOURCE: &str = "bpf/tracer.bpf.c";
const HEADERS: &[&str] = &["bpf/record.h", "bpf/kernel_types.h"];

fn main() {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let skeleton = out_dir.join("tracer.skel.rs");

    if let Err(err) = SkeletonBuilder::new()
        .source(SOURCE)
        .clang_args(["-Wall", "-Werror", "-Ibpf"])
        .build_and_generate(&skeleton)
    {
        // One readable message instead of a backtrace; clang's output is in it.
        eprintln!("error: building the BPF program {SOURCE} failed: {err:#}");
        eprintln!("hint: it needs clang (apt-get install clang); see README.md, Quick start");
        std::process::exit(1);
    }

    println!("cargo:rerun-if-changed={SOURCE}");
    for header in HEADERS {
        println!("cargo:rerun-if-changed={header}");
    }
}

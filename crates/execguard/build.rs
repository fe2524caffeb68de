//! Links the binaries with packed relative relocations (DT_RELR) where the toolchain and the C
//! library support them: the loader then applies the binary's tens of thousands of relative
//! relocations from a few kilobytes instead of reading half a megabyte of them at every start,
//! which every hook and every agent event pays. A build script, because `cargo install` runs it
//! (a `.cargo/config.toml` in the source tree does not apply to an install from crates.io).
//!
//! The flag is added only when a probe linked with it runs here: a linker that does not know it
//! would ignore it with a warning, and one that knows it against a C library that does not (glibc
//! before 2.36) would fail the link or make a binary the loader refuses.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const FLAG: &str = "-Wl,-z,pack-relative-relocs";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    // The probe must run where it was built, and the flag is the GNU toolchain's.
    if target != host || !target.ends_with("-linux-gnu") {
        return;
    }
    if probe_runs() {
        println!("cargo:rustc-link-arg-bins={FLAG}");
    }
}

/// Whether a C program linked with the flag, by the linker rustc uses, links without a word and
/// runs.
fn probe_runs() -> bool {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        return false;
    };
    let probe = PathBuf::from(out_dir).join("relr-probe");
    let linker = std::env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_string());
    let child = Command::new(linker)
        .args(["-x", "c", "-", "-o"])
        .arg(&probe)
        .arg(FLAG)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"int main(void) { return 0; }\n");
    }
    let Ok(linked) = child.wait_with_output() else {
        return false;
    };
    // A linker that does not know the flag says it ignored it.
    if !linked.status.success() || !linked.stderr.is_empty() {
        return false;
    }
    Command::new(&probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

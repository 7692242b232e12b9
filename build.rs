//! Inside this repository, regenerates `src/generated/` from `spec/` on every build where the
//! spec or the generator changed. It runs the generator as its own cargo build (in a target
//! directory of its own, so it never waits on this build's lock) instead of depending on it:
//! the published crate ships the generated code, has no `codegen/` beside it, and so never
//! compiles or runs the generator. The generator rewrites only files whose bytes change.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let generator = Path::new("codegen/Cargo.toml");
    if !generator.exists() {
        return; // a packaged crate: the generated code is part of its sources
    }
    for watched in ["spec", "codegen/src", "codegen/Cargo.toml", "src/generated"] {
        println!("cargo::rerun-if-changed={watched}");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut run = Command::new(cargo);
    run.args(["run", "--quiet", "--locked", "--manifest-path"])
        .arg(generator)
        .args(["--bin", "aster-spec", "--target-dir"])
        .arg(generator_target_dir())
        .args(["--", "generate", "spec", "src/generated"]);
    // Settings meant for this crate's own compilation (clippy's wrapper, a coverage
    // wrapper, a caller's target directory) must not reach the generator's build.
    for var in ["RUSTC_WORKSPACE_WRAPPER", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET", "CARGO_ENCODED_RUSTFLAGS"] {
        run.env_remove(var);
    }
    match run.status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!("the generator failed ({status}); its message is above")),
        Err(e) => fail(&format!("cannot run cargo for the generator: {e}")),
    }
}

/// `<target>/<profile>/build/<pkg>/out` → `<target>/<profile>/aster-codegen`, shared by every
/// build of this profile and removed with the rest by `cargo clean`.
fn generator_target_dir() -> PathBuf {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    out.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))
        .and_then(Path::parent)
        .map(|profile| profile.join("aster-codegen"))
        .unwrap_or_else(|| out.join("aster-codegen"))
}

fn fail(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(1);
}

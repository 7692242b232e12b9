//! Regenerates `src/generated/` from `spec/` with aster-codegen. Files are rewritten only
//! when their bytes change, so a build of an up-to-date tree writes nothing.

use std::path::Path;

fn main() {
    let spec_dir = Path::new("spec");
    for input in aster_codegen::Spec::inputs(spec_dir) {
        println!("cargo::rerun-if-changed={}", input.display());
    }
    println!("cargo::rerun-if-changed=src/generated");
    let files = match aster_codegen::generate(spec_dir) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = aster_codegen::write_if_changed(Path::new("src/generated"), &files) {
        eprintln!("cannot write src/generated: {e}");
        std::process::exit(1);
    }
}

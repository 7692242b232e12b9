//! The generator against the project's spec: validity, determinism, and the committed
//! output as the snapshot.

use std::path::{Path, PathBuf};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

#[test]
fn the_spec_is_valid_and_complete() {
    let apis = aster_codegen::load_all(&spec_dir()).unwrap_or_else(|e| panic!("{e}"));
    let counts: Vec<(&str, usize)> = apis.iter().map(|a| (a.api.name.as_str(), a.rest.endpoints.len())).collect();
    assert_eq!(
        counts,
        [("futures-v1", 48), ("futures-v3", 71), ("spot-v1", 28), ("spot-v3", 29)],
        "every REST endpoint of each docs file"
    );
    let prefixes: Vec<&str> = apis.iter().map(|a| a.api.path_prefix.as_str()).collect();
    assert_eq!(prefixes, ["/fapi/", "/fapi/v3/", "/api/v1/", "/api/v3/"]);
}

#[test]
fn each_api_names_its_signing_scheme() {
    let apis = aster_codegen::load_all(&spec_dir()).unwrap();
    let schemes: Vec<&str> = apis.iter().map(|a| a.api.signing.as_str()).collect();
    assert_eq!(schemes, ["hmac", "eip712", "hmac", "eip712"]);
    let spot_v3 = aster_codegen::generate(&spec_dir()).unwrap().into_iter().find(|f| f.name == "spot_v3.rs").unwrap();
    assert!(spot_v3.contents.contains("auth: Auth::Wallet(WalletSigning::STANDARD)"));
    let v3 = aster_codegen::generate(&spec_dir()).unwrap().into_iter().find(|f| f.name == "futures_v3.rs").unwrap();
    assert!(v3.contents.contains("auth: Auth::Wallet(WalletSigning::STANDARD)"));
    assert!(!v3.contents.contains("auth: Auth::Hmac"));
}

#[test]
fn output_is_deterministic() {
    let a = aster_codegen::generate(&spec_dir()).unwrap();
    let b = aster_codegen::generate(&spec_dir()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn committed_generated_code_matches_the_generator() {
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/generated");
    for file in aster_codegen::generate(&spec_dir()).unwrap() {
        let committed = std::fs::read_to_string(generated.join(&file.name)).unwrap_or_default();
        assert!(committed == file.contents, "src/generated/{} is stale or hand-edited: rebuild and commit", file.name);
    }
}

#[test]
fn write_if_changed_leaves_identical_files_alone() {
    let dir = std::env::temp_dir().join(format!("aster-codegen-{}", std::process::id()));
    let files = aster_codegen::generate(&spec_dir()).unwrap();
    assert_eq!(aster_codegen::write_if_changed(&dir, &files).unwrap().len(), files.len());
    assert!(aster_codegen::write_if_changed(&dir, &files).unwrap().is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_endpoint_has_a_documented_method() {
    let files = aster_codegen::generate(&spec_dir()).unwrap();
    for spec in aster_codegen::load_all(&spec_dir()).unwrap() {
        let module = format!("{}.rs", spec.api.module);
        let rest = files.iter().find(|f| f.name == module).unwrap();
        every_method_documented(&spec, &rest.contents);
    }
}

fn every_method_documented(spec: &aster_codegen::Spec, contents: &str) {
    for ep in &spec.rest.endpoints {
        let sig = format!("pub fn {}(", ep.name);
        let at = contents.find(&sig).unwrap_or_else(|| panic!("no method {}", ep.name));
        let doc_line = format!("`{} {}`", ep.method, ep.path);
        let before = &contents[..at];
        let doc_start = before.rfind("impl Client {").unwrap();
        assert!(before[doc_start..].contains(&doc_line), "{} lacks its `METHOD path` doc", ep.name);
    }
}

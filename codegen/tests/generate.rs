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
        [
            ("futures-v1", 52),
            ("futures-v3", 83),
            ("chain", 20),
            ("chain-rpc", 5),
            ("spot-v1", 29),
            ("spot-v3", 30),
            ("prediction", 37)
        ],
        "every REST endpoint of each docs file (futures V3: and the demo's 8 agent and builder endpoints), \
         the withdrawal guide's (4 on futures, 1 on spot); APIs with models of their own after the \
         others, an API after the one it extends"
    );
    let prefixes: Vec<&str> = apis.iter().map(|a| a.api.path_prefix.as_str()).collect();
    assert_eq!(prefixes, ["/fapi/", "/fapi/v3/", "/aster-chain/v3/", "/info", "/api/v1/", "/api/v3/", "/api/v3/"]);
}

#[test]
fn each_api_names_its_signing_scheme() {
    let apis = aster_codegen::load_all(&spec_dir()).unwrap();
    let schemes: Vec<&str> = apis.iter().map(|a| a.api.signing.as_str()).collect();
    assert_eq!(schemes, ["hmac", "eip712", "eip712", "hmac", "hmac", "eip712", "eip712"]);
    let files = aster_codegen::generate(&spec_dir()).unwrap();
    let spot_v3 = api_code(&files, "spot_v3");
    assert!(spot_v3.contains("auth: Auth::Wallet(WalletSigning::STANDARD)"));
    let v3 = api_code(&files, "futures_v3");
    assert!(v3.contains("auth: Auth::Wallet(WalletSigning::STANDARD)"));
    assert!(!v3.contains("auth: Auth::Hmac"));
}

/// Every file of one API's module (`<module>/…`), joined.
fn api_code(files: &[aster_codegen::GeneratedFile], module: &str) -> String {
    let prefix = format!("{module}/");
    let code: Vec<&str> = files.iter().filter(|f| f.name.starts_with(&prefix)).map(|f| f.contents.as_str()).collect();
    assert!(!code.is_empty(), "no files for {module}");
    code.join("\n")
}

#[test]
fn a_request_type_two_apis_of_a_product_share_is_emitted_once() {
    let files = aster_codegen::generate(&spec_dir()).unwrap();
    let structs = |module: &str| -> Vec<String> {
        api_code(&files, module)
            .lines()
            .filter_map(|l| l.strip_prefix("pub struct ").map(|r| r.split([' ', '{']).next().unwrap().to_string()))
            .collect()
    };
    // Spot V3 extends spot V1: only what it has otherwise is its own.
    assert_eq!(structs("spot_v3"), ["NoopParams", "WithdrawParams"]);
    assert!(api_code(&files, "spot_v3").contains("impl Endpoint<ThisApi> for DepthParams"));
    // Futures V3 takes V1's types where the requests are the same, and only there.
    let (v1, v3) = (structs("futures_v1"), structs("futures_v3"));
    assert!(v1.contains(&"DepthParams".to_string()) && !v3.contains(&"DepthParams".to_string()));
    assert!(v1.contains(&"BatchOrder".to_string()) && !v3.contains(&"BatchOrder".to_string()));
    assert!(v3.len() < v1.len(), "{} own types in V3", v3.len());
    // Every generated file stays small enough to read, the shared models (one file per
    // endpoint group) included.
    assert!(files.iter().any(|f| f.name == "models/market.rs"));
    for f in &files {
        assert!(f.contents.lines().count() <= 2000, "{} has {} lines", f.name, f.contents.lines().count());
    }
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
        every_method_documented(&spec, &api_code(&files, &spec.api.module));
    }
}

fn every_method_documented(spec: &aster_codegen::Spec, contents: &str) {
    for ep in &spec.rest.endpoints {
        let sig = format!("pub fn {}(", ep.name);
        let at = contents.find(&sig).unwrap_or_else(|| panic!("no method {}", ep.name));
        let doc_line = format!("`{}`", ep.key());
        let before = &contents[..at];
        let doc_start = before.rfind("impl Client {").unwrap();
        assert!(before[doc_start..].contains(&doc_line), "{} lacks its `METHOD path` doc", ep.name);
    }
}

#[test]
fn an_api_that_extends_another_has_its_endpoints_under_its_own_prefix() {
    let apis = aster_codegen::load_all(&spec_dir()).unwrap();
    let api = |name: &str| apis.iter().find(|a| a.api.name == name).unwrap();
    let (v1, v3) = (api("spot-v1"), api("spot-v3"));
    assert_eq!(v3.api.extends.as_deref(), Some("spot-v1"));
    assert!(v3.rest.endpoints.iter().all(|e| e.path.starts_with("/api/v3/")));
    // Every V1 endpoint is there under the V3 prefix, plus what V3 adds.
    for e in &v1.rest.endpoints {
        let path = e.path.replacen("/api/v1/", "/api/v3/", 1);
        assert!(v3.rest.endpoints.iter().any(|x| x.name == e.name && x.path == path), "{}", e.name);
    }
    assert_eq!(v3.rest.endpoints[0].name, "noop");
    // V3's own withdraw replaces V1's: its nonce is the request's, not a param.
    let withdraw = |a: &aster_codegen::Spec| a.rest.endpoints.iter().find(|e| e.name == "withdraw").unwrap().clone();
    assert!(withdraw(v1).params.iter().any(|p| p.name == "nonce"));
    assert!(!withdraw(v3).params.iter().any(|p| p.name == "nonce"));
    // Streams and events too, with V3's tradepro added.
    assert_eq!(v3.streams.streams.len(), v1.streams.streams.len() + 1);
    assert!(v3.streams.events.iter().any(|e| e.event == "tradepro"));
}

#[test]
fn a_file_the_generator_no_longer_emits_is_removed() {
    let dir = std::env::temp_dir().join(format!("aster-gen-stale-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("gone")).unwrap();
    std::fs::write(dir.join("models.rs"), "// emitted once, now a directory").unwrap();
    std::fs::write(dir.join("gone/old.rs"), "").unwrap();
    std::fs::write(dir.join("notes.txt"), "not ours").unwrap();
    let files = aster_codegen::generate(&spec_dir()).unwrap();
    aster_codegen::write_if_changed(&dir, &files).unwrap();
    assert!(!dir.join("models.rs").exists() && !dir.join("gone").exists());
    assert!(dir.join("models/mod.rs").is_file() && dir.join("notes.txt").is_file());
    std::fs::remove_dir_all(&dir).ok();
}

//! Spec mistakes are caught with messages naming the file, the entry and the problem.

use std::path::{Path, PathBuf};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// Copies the spec, applies `edit` to futures V1's rest.yaml or streams.yaml or to the
/// shared models.yaml, and returns the errors.
fn problems(file: &str, edit: impl Fn(String) -> String) -> String {
    let path = match file {
        "rest.yaml" | "streams.yaml" | "deviations.yaml" => format!("futures-v1/{file}"),
        shared => shared.to_string(),
    };
    tree_problems(&path, edit)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[test]
fn unknown_type() {
    let e = problems("rest.yaml", |s| s.replacen("{ name: fromId, type: long", "{ name: fromId, type: longg", 1));
    assert!(e.contains("rest.yaml: endpoint `historical_trades`: param `fromId`: unknown type `longg`"), "{e}");
}

#[test]
fn duplicate_method_name() {
    let e = problems("rest.yaml", |s| s.replacen("- name: time\n", "- name: ping\n", 1));
    assert!(e.contains("endpoint `ping`: duplicate method name"), "{e}");
}

#[test]
fn missing_security() {
    let e = problems("rest.yaml", |s| {
        s.replacen("    path: /fapi/v1/time\n    security: NONE\n", "    path: /fapi/v1/time\n", 1)
    });
    assert!(e.contains("endpoint `time`: missing security"), "{e}");
}

#[test]
fn signing_params_must_not_be_listed() {
    let e = problems("rest.yaml", |s| {
        s.replacen(
            "      - { name: countdownTime,",
            "      - { name: timestamp, type: long }\n      - { name: countdownTime,",
            1,
        )
    });
    assert!(e.contains("endpoint `countdown_cancel_order`: param `timestamp` is added by the signing core"), "{e}");
}

#[test]
fn unknown_response_model_and_enum() {
    let e = problems("rest.yaml", |s| s.replacen("response: ServerTime", "response: ServerTimes", 1));
    assert!(e.contains("endpoint `time`: response names unknown model `ServerTimes`"), "{e}");
    let e = problems("models.yaml", |s| s.replacen("  Side: [BUY, SELL]\n", "", 1));
    assert!(e.contains("unknown enum `Side`"), "{e}");
}

#[test]
fn keyword_names_need_a_rust_name() {
    let e = problems("rest.yaml", |s| {
        s.replacen(
            "{ name: type, rust: order_type, type: enum(OrderType), required: true }",
            "{ name: type, type: enum(OrderType), required: true }",
            1,
        )
    });
    assert!(e.contains("param `type`: `type` is not a usable Rust name"), "{e}");
}

#[test]
fn required_when_must_name_real_params_and_values() {
    let e = problems("rest.yaml", |s| {
        s.replacen("value: MARKET, requires: [quantity]", "value: MARKETT, requires: [qty]", 1)
    });
    assert!(e.contains("required_when value `MARKETT` is not a value of enum OrderType"), "{e}");
    assert!(e.contains("required_when requires unknown param `qty`"), "{e}");
}

#[test]
fn broken_yaml_names_the_file_and_line() {
    let e = problems("models.yaml", |s| s.replacen("models:\n", "models:\n  - [\n", 1));
    assert!(e.contains("models.yaml") && e.contains("line"), "{e}");
}

#[test]
fn a_stream_template_must_make_its_patterns() {
    let e = problems("streams.yaml", |s| {
        s.replacen("template: \"{symbol}@aggTrade\"", "template: \"{symbol}@aggTrades\"", 1)
    });
    assert!(e.contains("stream `agg_trade`: the template makes"), "{e}");
    let e = problems("streams.yaml", |s| {
        s.replacen("template: \"{symbol}@markPrice{speed}\"", "template: \"{symbol}@markPrice\"", 1)
    });
    assert!(e.contains("param `speed` does not appear in the template"), "{e}");
}

/// Copies the whole spec tree (every product and version), applies `edit` to one file
/// given by its path under spec/, and returns the errors.
fn tree_problems(file: &str, edit: impl Fn(String) -> String) -> String {
    fn copy(from: &Path, to: &Path, rel: &Path, file: &str, edit: &dyn Fn(String) -> String) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().filter_map(|e| e.ok()) {
            let (src, dst, rel) = (e.path(), to.join(e.file_name()), rel.join(e.file_name()));
            if src.is_dir() {
                copy(&src, &dst, &rel, file, edit);
            } else {
                let text = std::fs::read_to_string(&src).unwrap();
                std::fs::write(&dst, if rel == Path::new(file) { edit(text) } else { text }).unwrap();
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("aster-spec-tree-{}-{}", std::process::id(), rand_suffix()));
    copy(&spec_dir(), &dir, Path::new(""), file, &edit);
    let result = aster_codegen::generate(&dir);
    std::fs::remove_dir_all(&dir).ok();
    result.err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn the_whole_tree_is_valid() {
    assert_eq!(tree_problems("spot/models.yaml", |s| s), "");
}

#[test]
fn a_product_model_may_not_shadow_a_shared_one() {
    let e = tree_problems("spot/models.yaml", |s| s.replacen("  SpotTrade:\n", "  Trade:\n", 1));
    assert!(e.contains("spot/models.yaml: `Trade` is already a shared enum or model"), "{e}");
}

#[test]
fn a_path_outside_its_api_prefix_is_refused() {
    let e = tree_problems("spot-v1/rest.yaml", |s| s.replacen("path: /api/v1/ping", "path: /fapi/v1/ping", 1));
    assert!(e.contains("path `/fapi/v1/ping` must start with /api/v1/"), "{e}");
}

#[test]
fn an_either_requirement_names_known_params() {
    let e = tree_problems("spot-v1/rest.yaml", |s| s.replacen("quantity|quoteOrderQty", "quantity|quoteQty", 1));
    assert!(e.contains("required_when requires unknown param `quoteQty`"), "{e}");
}

//! The docs diff on a docs-format fixture written for the tests: the clean fixture gives no
//! difference; each mutation gives exactly its own difference.

use aster_codegen::{diff, docs};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn clean_docs() -> String {
    std::fs::read_to_string(fixtures().join("mini-docs.md")).unwrap()
}

fn keys_for(docs_text: &str) -> Vec<String> {
    let spec = aster_codegen::load(&fixtures().join("spec")).unwrap_or_else(|e| panic!("{e}"));
    let parsed = docs::parse(docs_text).unwrap_or_else(|e| panic!("{e}"));
    diff::diff(&spec, &parsed).findings.into_iter().map(|f| f.key).collect()
}

fn mutate(from: &str, to: &str) -> String {
    let text = clean_docs();
    assert!(text.contains(from), "fixture lacks `{from}`");
    text.replacen(from, to, 1)
}

#[test]
fn the_clean_fixture_has_no_difference() {
    let parsed = docs::parse(&clean_docs()).unwrap();
    assert_eq!(parsed.endpoints.len(), 5);
    assert_eq!(parsed.streams.len(), 2);
    assert_eq!(parsed.events.len(), 1);
    assert_eq!(parsed.errors.len(), 3);
    assert_eq!(keys_for(&clean_docs()), Vec::<String>::new());
}

#[test]
fn an_endpoint_removed() {
    let text = mutate("``\nGET /fapi/v2/balance (HMAC SHA256)\n``", "");
    assert_eq!(keys_for(&text), ["endpoint-missing-in-docs GET /fapi/v2/balance"]);
}

#[test]
fn a_parameter_added() {
    let text =
        mutate("limit | INT | NO | How many levels.", "limit | INT | NO | How many levels.\nfromId | LONG | NO |");
    assert_eq!(keys_for(&text), ["param-missing-in-spec GET /fapi/v1/depth fromId"]);
}

#[test]
fn a_mandatory_flag_flipped() {
    let text = mutate("quantity | DECIMAL | NO |", "quantity | DECIMAL | YES |");
    assert_eq!(keys_for(&text), ["param-mandatory POST /fapi/v1/order quantity"]);
}

#[test]
fn a_type_changed() {
    let text = mutate("limit | INT | NO |", "limit | LONG | NO |");
    assert_eq!(keys_for(&text), ["param-type GET /fapi/v1/depth limit"]);
}

#[test]
fn a_security_type_changed() {
    let text = mutate("## Read Wallet (USER_DATA)", "## Read Wallet (TRADE)").replacen(
        "[Read Wallet (USER_DATA)]",
        "[Read Wallet (TRADE)]",
        1,
    );
    assert_eq!(keys_for(&text), ["security GET /fapi/v2/balance"]);
}

#[test]
fn a_signing_marker_dropped() {
    let text = mutate("GET /fapi/v2/balance (HMAC SHA256)", "GET /fapi/v2/balance");
    assert_eq!(keys_for(&text), ["signing GET /fapi/v2/balance"]);
}

#[test]
fn a_weight_changed() {
    let text = mutate("100 | 5", "100 | 10");
    assert_eq!(keys_for(&text), ["weight GET /fapi/v1/depth"]);
}

#[test]
fn an_object_field_added() {
    let text = mutate(
        "side | ENUM | YES |\n\n## Read Wallet",
        "side | ENUM | YES |\nprice | DECIMAL | NO |\n\n## Read Wallet",
    );
    assert_eq!(keys_for(&text), ["param-missing-in-spec POST /fapi/v1/batchOrders batchOrders[] price"]);
}

#[test]
fn a_stream_renamed() {
    let text = mutate("``<symbol>@aggTrade``", "``<symbol>@aggTrades``");
    assert_eq!(
        keys_for(&text),
        ["stream-missing-in-docs <symbol>@aggTrade", "stream-missing-in-spec <symbol>@aggTrades"]
    );
}

#[test]
fn an_update_speed_changed() {
    let text = mutate("**Update Speed:** 100ms", "**Update Speed:** 50ms");
    assert_eq!(keys_for(&text), ["stream-speed <symbol>@aggTrade"]);
}

#[test]
fn an_event_renamed() {
    let text = mutate("\"e\": \"FILL_REPORT\"", "\"e\": \"FILL_UPDATE\"");
    assert_eq!(keys_for(&text), ["event-missing-in-docs FILL_REPORT", "event-missing-in-spec FILL_UPDATE"]);
}

#[test]
fn an_error_code_added() {
    let text = mutate("> -1121 BAD_SYMBOL", "> -1121 BAD_SYMBOL\n * No such symbol.\n\n> -1122 BAD_PAIR");
    assert_eq!(keys_for(&text), ["error-missing-in-spec -1122"]);
}

#[test]
fn an_enum_value_added() {
    let text = mutate("* BUY\n* SELL", "* BUY\n* SELL\n* HOLD");
    assert_eq!(keys_for(&text), ["enum-value-missing-in-spec Direction HOLD"]);
}

#[test]
fn a_table_reformatted_with_extra_spaces_and_pipes() {
    let text = mutate(
        "symbol | STRING | YES |\nlimit | INT | NO | How many levels.",
        "|   symbol   |  STRING |   YES   |    |\n|limit|INT|NO|How  many   levels.|",
    );
    assert_eq!(keys_for(&text), Vec::<String>::new());
}

#[test]
fn a_toc_entry_without_its_heading() {
    let text = mutate("- [Heartbeat](#heartbeat)", "- [Heartbeat V2](#heartbeat)");
    assert_eq!(keys_for(&text), ["docs-toc Heartbeat V2"]);
}

#[test]
fn a_malformed_table_is_a_parse_error_with_its_line() {
    let text = mutate("limit | INT | NO |", "limit | INT | MAYBE |");
    let err = docs::parse(&text).unwrap_err();
    let line = text.lines().position(|l| l.contains("MAYBE")).unwrap() + 1;
    assert_eq!(err.line, line);
    assert!(err.message.contains("Mandatory must be YES, NO"), "{}", err.message);
}

#[test]
fn v3_table_conventions_parse_the_same() {
    // A `Required` column, leading and trailing pipes, TRUE/FALSE cells.
    let text = mutate(
        "Name | Type | Mandatory | Description\n------------ | ------------ | ------------ | ------------\nsymbol | STRING | YES |\nlimit | INT | NO | How many levels.",
        "| Name | Type | Required | Description |\n|---|---|---|---|\n| symbol | STRING | TRUE | |\n| limit | INT | FALSE | How many levels. |",
    );
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
}

#[test]
fn a_starred_yes_is_conditional_not_mandatory() {
    let text = mutate("symbol | STRING | YES |\nlimit | INT | NO |", "symbol | STRING | YES* |\nlimit | INT | NO* |");
    assert_eq!(keys_for(&text).iter().filter(|k| k.starts_with("param-mandatory")).count(), 1);
}

#[test]
fn an_empty_parameter_table_means_no_parameters() {
    let parsed = docs::parse(&mutate("symbol | STRING | YES |\nlimit | INT | NO | How many levels.\n", "")).unwrap();
    assert!(parsed.endpoints.iter().any(|e| e.params.is_empty()));
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aster-spec")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn exit_statuses_and_json() {
    let dir = std::env::temp_dir().join(format!("aster-spec-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = fixtures().join("spec");
    let spec = spec.to_str().unwrap();
    let clean = fixtures().join("mini-docs.md");
    let (code, out) = run(&["diff", "--docs", clean.to_str().unwrap(), spec]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 unexplained"), "{out}");

    let changed = dir.join("changed.md");
    std::fs::write(&changed, mutate("quantity | DECIMAL | NO |", "quantity | DECIMAL | YES |")).unwrap();
    let (code, out) = run(&["diff", "--docs", changed.to_str().unwrap(), spec, "--json"]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["unexplained"], 1);
    assert_eq!(json["findings"][0]["key"], "param-mandatory POST /fapi/v1/order quantity");

    let broken = dir.join("broken.md");
    std::fs::write(&broken, mutate("limit | INT | NO |", "limit | INT | MAYBE |")).unwrap();
    let (code, out) = run(&["diff", "--docs", broken.to_str().unwrap(), spec]);
    assert_eq!(code, 2);
    assert!(out.contains("line "), "{out}");
    let (code, _) = run(&["diff", "--docs", dir.join("missing.md").to_str().unwrap(), spec]);
    assert_eq!(code, 2);
    let (code, out) = run(&["check", spec]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("endpoints:   5"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

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
    let parsed = docs::parse(docs_text);
    diff::diff(&spec, &parsed).findings.into_iter().map(|f| f.key).collect()
}

fn mutate(from: &str, to: &str) -> String {
    let text = clean_docs();
    assert!(text.contains(from), "fixture lacks `{from}`");
    text.replacen(from, to, 1)
}

#[test]
fn the_clean_fixture_has_no_difference() {
    let parsed = docs::parse(&clean_docs());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
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
fn a_response_example_gaining_a_field() {
    let text = mutate("```javascript\n{}\n```", "```javascript\n{\n  \"status\": \"up\", // a new field\n}\n```");
    assert_eq!(keys_for(&text), ["response-field-missing-in-spec GET /fapi/v1/ping response status"]);
}

#[test]
fn an_event_payload_gaining_a_field() {
    let text = mutate("  \"E\": 1\n}", "  \"E\": 1,\n  \"x\": \"new\"\n}");
    assert_eq!(keys_for(&text), ["response-field-missing-in-spec event FILL_REPORT payload x"]);
}

#[test]
fn a_response_field_of_the_wrong_json_type() {
    let text = mutate("\"lastUpdateId\": 1027024", "\"lastUpdateId\": \"soon\"");
    assert!(
        keys_for(&text).iter().any(|k| k.starts_with("response-type GET /fapi/v1/depth response lastUpdateId")),
        "{:?}",
        keys_for(&text)
    );
}

#[test]
fn an_unreadable_response_example_is_a_parse_finding_and_the_endpoint_is_still_compared() {
    let text = mutate("\"lastUpdateId\": 1027024,", "\"lastUpdateId\": <<1027024>>,");
    let keys = keys_for(&text);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("parse line "), "{keys:?}");
}

#[test]
fn examples_in_the_docs_own_spellings_read_as_json() {
    let python = "{ \n\t'orderId': 405,  // id\n\t'reduceOnly': False,\n\t'stop': None\n}";
    assert_eq!(
        docs::json_example(python),
        Some(serde_json::json!({"orderId": 405, "reduceOnly": false, "stop": null}))
    );
    let missing_comma = "[\n {\n  \"a\": \"1\"  // one\n  \"b\": \"0\t\", // tab inside\n }\n]";
    assert_eq!(docs::json_example(missing_comma), Some(serde_json::json!([{"a": "1", "b": "0 "}])));
    assert_eq!(docs::json_example("{ \"url\": \"https://x\" }"), Some(serde_json::json!({"url": "https://x"})));
    assert_eq!(docs::json_example("{\n \u{a0} \"a\": [1]\n}"), Some(serde_json::json!({"a": [1]})));
}

#[test]
fn two_weight_cases_swapped() {
    let text = mutate("5, 10 | 2\n100 | 5", "5, 10 | 5\n100 | 2");
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
fn a_malformed_table_is_a_parse_finding_with_its_line_and_the_rest_is_still_compared() {
    let text = mutate("limit | INT | NO |", "limit | INT | MAYBE |").replacen(
        "``\nGET /fapi/v2/balance (HMAC SHA256)\n``",
        "",
        1,
    );
    let parsed = docs::parse(&text);
    let line = text.lines().position(|l| l.contains("MAYBE")).unwrap() + 1;
    assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
    assert_eq!(parsed.problems[0].line, line);
    assert!(parsed.problems[0].message.contains("Mandatory must be YES, NO"), "{}", parsed.problems[0].message);
    let keys = keys_for(&text);
    assert!(keys.contains(&format!("parse line {line}")), "{keys:?}");
    // The unreadable section is not reported as missing; a real change elsewhere still is.
    assert!(keys.contains(&"endpoint-missing-in-docs GET /fapi/v2/balance".to_string()), "{keys:?}");
    assert!(!keys.iter().any(|k| k.contains("/fapi/v1/depth")), "{keys:?}");
}

#[test]
fn escaped_underscores_and_dashes_in_headings_read_the_same() {
    let text = mutate("## Read Wallet (USER_DATA)", "## Read Wallet (USER\\_DATA)")
        .replacen("- [Read Wallet (USER_DATA)]", "- [Read Wallet (USER\\_DATA)]", 1)
        .replacen("> -1121 BAD_SYMBOL", "> \\-1121 BAD\\_SYMBOL", 1);
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
}

#[test]
fn error_codes_written_as_headings_are_read() {
    let text = mutate("> -1121 BAD_SYMBOL\n * No such symbol.", "### \\-1121 BAD\\_SYMBOL\n\nNo such symbol.");
    let parsed = docs::parse(&text);
    assert!(parsed.errors.iter().any(|(code, name, _)| *code == -1121 && name == "BAD_SYMBOL"), "{:?}", parsed.errors);
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
}

#[test]
fn event_sections_headed_payload_are_read() {
    let text = mutate("## Event: Fill Report", "## Payload: Fill Report").replacen(
        "- [Event: Fill Report](#event-fill-report)",
        "- [Payload: Fill Report](#payload-fill-report)",
        1,
    );
    assert_eq!(docs::parse(&text).events.len(), 1);
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
}

#[test]
fn stream_names_in_lower_case_and_unquoted_are_read() {
    let text = mutate(
        "**Stream Name:**\n``<symbol>@aggTrade``\n\n**Update Speed:** 100ms",
        "**Stream name:** <symbol>@aggTrade\n\n**Update speed:** 100ms",
    );
    assert_eq!(docs::parse(&text).streams.len(), 2);
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
}

#[test]
fn an_enumeration_definition_heading_is_read() {
    let text = mutate("### ENUM definitions", "### Enumeration definition");
    assert_eq!(docs::parse(&text).enums.len(), 1);
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
}

#[test]
fn del_means_delete_and_a_section_may_hold_two_endpoints() {
    let text = format!(
        "{}\n## Cancel Things (TRADE)\n\n``\nDEL /fapi/v1/allOpenOrders (HMAC SHA256)\n``\n\n**Weight:**\n1\n\n**Parameters:**\n\nName | Type | Mandatory | Description\n------------ | ------------ | ------------ | ------------\nsymbol | STRING | YES |\n\n``\nDELETE /fapi/v1/batchOrders ``\n``\n\n**Weight:**\n2\n\n**Parameters:**\n\nName | Type | Mandatory | Description\n------------ | ------------ | ------------ | ------------\norderIdList | LIST<LONG> | NO |\n",
        clean_docs()
    );
    let parsed = docs::parse(&text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let all = parsed.endpoints.iter().find(|e| e.path == "/fapi/v1/allOpenOrders").expect("DEL line read");
    assert_eq!(all.method, "DELETE");
    assert!(all.hmac);
    assert_eq!(all.weight, vec![docs::WeightCase { when: vec![], weight: 1 }]);
    assert_eq!(all.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["symbol"]);
    let batch = parsed
        .endpoints
        .iter()
        .find(|e| e.path == "/fapi/v1/batchOrders" && e.method == "DELETE")
        .expect("second endpoint");
    assert_eq!(batch.weight, vec![docs::WeightCase { when: vec![], weight: 2 }]);
    assert_eq!(batch.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["orderIdList"]);
    assert_eq!(batch.title, "Cancel Things");
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
    let parsed = docs::parse(&mutate("symbol | STRING | YES |\nlimit | INT | NO | How many levels.\n", ""));
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
    let (code, out) =
        run(&["diff", "--docs", clean.to_str().unwrap(), spec, "--product", "futures", "--version", "v1"]);
    assert_eq!(code, 0, "{out}");
    let (code, _) = run(&["diff", "--docs", clean.to_str().unwrap(), spec, "--product", "futures"]);
    assert_eq!(code, 2, "--product needs --version");

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
    assert_eq!(code, 1, "an unreadable section is a finding, not the end: {out}");
    assert!(out.contains(&format!("{}:", broken.display())), "the finding names file and line: {out}");
    let (code, _) = run(&["diff", "--docs", dir.join("missing.md").to_str().unwrap(), spec]);
    assert_eq!(code, 2);
    let (code, out) = run(&["read", clean.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("5 endpoints (2 with a response example), 2 streams, 1 events, 3 error codes"), "{out}");
    let (code, out) = run(&["read", broken.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cannot read"), "{out}");
    let (code, _) = run(&["read", dir.join("missing.md").to_str().unwrap()]);
    assert_eq!(code, 2);
    let (code, out) = run(&["check", spec]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("endpoints:   5"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_enum_written_as_a_table_with_escaped_values_is_read() {
    // The spot docs' shape: a header row, then a value and its description per row, and
    // underscores escaped in list items.
    let text = mutate(
        "* BUY\n* SELL",
        "| Side | Description |\n| :---- | :---- |\n| BUY \\- buying | Takes the ask |\n| SELL | Hits the bid |",
    );
    let parsed = docs::parse(&text);
    assert_eq!(parsed.enums[0].values, ["BUY", "SELL"]);
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
    let escaped = mutate("* SELL", "* SELL\\_SHORT");
    assert!(
        keys_for(&escaped).contains(&"enum-value-missing-in-spec Direction SELL_SHORT".to_string()),
        "{:?}",
        keys_for(&escaped)
    );
}

#[test]
fn a_weight_given_as_a_list_is_read() {
    let text = mutate(
        "``\nGET /fapi/v1/ping\n``\n\nAnswers when the service is up.\n\n**Weight:**\n1",
        "``\nGET /fapi/v1/ping\n``\n\nAnswers when the service is up.\n\n**Weight:**\n- ***1***",
    );
    assert!(keys_for(&text).is_empty(), "{:?}", keys_for(&text));
    // Two cases, one per bullet; a bullet after other text is a note, not a case.
    let two = mutate(
        "Answers when the service is up.\n\n**Weight:**\n1",
        "Answers when the service is up.\n\n**Weight:**\n\n* With symbol ***1***\n* Without ***40***\n\nSome note.\n\n* Not a weight 99",
    );
    let ping = docs::parse(&two).endpoints.into_iter().find(|e| e.path == "/fapi/v1/ping").unwrap();
    assert_eq!(
        ping.weight,
        vec![docs::WeightCase { when: vec![], weight: 1 }, docs::WeightCase { when: vec![], weight: 40 }]
    );
}

#[test]
fn draft_writes_only_what_the_spec_lacks_and_everything_for_an_api_it_lacks() {
    let spec = fixtures().join("spec");
    let docs = fixtures().join("mini-docs.md");
    let (code, out) = run(&["draft", "--docs", docs.to_str().unwrap(), spec.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("drafted 0 endpoints, 0 models, 0 streams, 0 events"), "{out}");
    assert!(out.contains("endpoints: []"), "{out}");
    // Against an API the spec does not have, every endpoint of the docs is drafted, each
    // with a description to write.
    let (code, out) = run(&["draft", "--docs", docs.to_str().unwrap(), spec.to_str().unwrap(), "--api", "nowhere"]);
    assert_eq!(code, 0, "{out}");
    let parsed = docs::parse(&clean_docs());
    assert!(out.contains(&format!("drafted {} endpoints", parsed.endpoints.len())), "{out}");
    assert_eq!(out.matches("doc: \"DRAFT: what this endpoint does\"").count(), parsed.endpoints.len());
    assert!(out.contains("path: /fapi/v1/depth") && out.contains("weight: \"limit 5, 10: 2; 100: 5\""), "{out}");
}

#[test]
fn draft_survival_compares_a_whole_draft_with_the_reviewed_spec() {
    let spec = fixtures().join("spec");
    let docs = fixtures().join("mini-docs.md");
    let (code, out) = run(&["draft", "--docs", docs.to_str().unwrap(), spec.to_str().unwrap(), "--survival"]);
    assert_eq!(code, 0, "{out}");
    let parsed = docs::parse(&clean_docs());
    let line = out.lines().find(|l| l.trim_start().starts_with("endpoints in the spec")).unwrap();
    assert!(line.ends_with("100.0%"), "{out}");
    // `side` (ENUM) is drafted as the spec's enum of that name, as the reviewed spec has it;
    // only the batch's list of objects is drafted as a list of strings.
    let spec = aster_codegen::load(&fixtures().join("spec")).unwrap();
    let s = aster_codegen::draft::survival(&spec, &parsed);
    assert_eq!((s.endpoints.0, s.endpoints.1), (parsed.endpoints.len(), parsed.endpoints.len()));
    assert_eq!(s.param_types, (5, 6), "{s:?}");
    let (code, _) =
        run(&["draft", "--docs", docs.to_str().unwrap(), spec_dir_none(), "--survival", "--api", "nowhere"]);
    assert_eq!(code, 2, "no reviewed API to compare with");
}

fn spec_dir_none() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spec")
}

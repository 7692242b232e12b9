//! `aster-spec draft` end to end: an endpoint planted in a docs file is drafted, refused by
//! the generator while unreviewed, generated once reviewed, and its drafted request and
//! reply model fit what the sandbox serves at that path.

mod common;
use aster::endpoint::{Method, Security};
use aster_codegen::draft::{draft, MARK};
use common::*;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// A section written the way the exchange's docs write one, for an endpoint the fixture
/// spec lacks and the sandbox serves.
const PLANTED: &str = r#"
## Best Bid and Ask

> **Response:**

```javascript
{
  "symbol": "BTCUSDT",
  "bidPrice": "4.00000000",
  "bidQty": "431.00000000",
  "askPrice": "4.00000200",
  "askQty": "9.00000000",
  "time": 1589437530011
}
```

``
GET /fapi/v1/ticker/bookTicker
``

**Weight:**
1 for a single symbol;
2 when the symbol parameter is omitted

**Parameters:**

Name | Type | Mandatory | Description
------------ | ------------ | ------------ | ------------
symbol | STRING | NO |
"#;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("codegen/tests/fixtures")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().map(Result::unwrap) {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Adds the drafted entries to the spec copy: endpoints to futures V1's rest.yaml, models
/// to models.yaml.
fn merge(spec: &Path, drafted: &Value) {
    let edit = |file: PathBuf, key: &str| {
        let mut doc: Value = serde_yaml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        match (&mut doc[key], &drafted[key]) {
            (Value::Sequence(into), Value::Sequence(new)) => into.extend(new.iter().cloned()),
            (Value::Mapping(into), Value::Mapping(new)) => into.extend(new.clone()),
            other => panic!("unexpected shapes for {key}: {other:?}"),
        }
        std::fs::write(&file, serde_yaml::to_string(&doc).unwrap()).unwrap();
    };
    edit(spec.join("futures-v1/rest.yaml"), "endpoints");
    edit(spec.join("models.yaml"), "models");
}

/// The review: every `DRAFT:` description replaced by words of our own.
fn reviewed(mut value: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::String(s) if s.starts_with(MARK) => *s = "The best bid and ask of a symbol.".into(),
            Value::Sequence(items) => items.iter_mut().for_each(walk),
            Value::Mapping(map) => map.iter_mut().for_each(|(_, v)| walk(v)),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

#[tokio::test]
async fn a_planted_endpoint_goes_from_draft_through_review_to_generated_code_that_fits_the_sandbox() {
    let docs_text = std::fs::read_to_string(fixtures().join("mini-docs.md")).unwrap();
    let spec_dir = std::env::temp_dir().join(format!("aster-draft-{}", std::process::id()));
    copy_tree(&fixtures().join("spec"), &spec_dir);
    let apis = aster_codegen::load_all(&spec_dir).unwrap();

    // The docs as they are: nothing to draft.
    let unchanged = draft(apis.first(), &aster_codegen::docs::parse(&docs_text));
    assert_eq!(unchanged.counts, [0, 0, 0, 0], "{}", unchanged.to_yaml("mini-docs.md"));

    // With the planted section: that endpoint and its reply model.
    let drafted = draft(apis.first(), &aster_codegen::docs::parse(&format!("{docs_text}\n{PLANTED}")));
    assert_eq!(drafted.counts, [1, 1, 0, 0]);
    let yaml: Value = serde_yaml::from_str(&drafted.to_yaml("planted")).unwrap();
    let endpoint = &yaml["endpoints"][0];
    assert_eq!(endpoint["name"], "best_bid_and_ask");
    assert_eq!(
        (endpoint["method"].as_str(), endpoint["path"].as_str()),
        (Some("GET"), Some("/fapi/v1/ticker/bookTicker"))
    );
    assert_eq!(endpoint["weight"], "1 with symbol; 2 without");
    assert_eq!(endpoint["params"][0]["name"], "symbol");
    assert_eq!(endpoint["params"][0].get("required"), None, "the docs say NO");
    assert_eq!(endpoint["response"], "BestBidAndAsk");

    // Unreviewed, the generator refuses it.
    merge(&spec_dir, &yaml);
    let refused = aster_codegen::generate(&spec_dir).unwrap_err().to_string();
    assert!(refused.contains("still a draft"), "{refused}");

    // Reviewed, it generates a typed method and model.
    copy_tree(&fixtures().join("spec"), &spec_dir);
    merge(&spec_dir, &reviewed(yaml.clone()));
    let files = aster_codegen::generate(&spec_dir).unwrap_or_else(|e| panic!("{e}"));
    let code: String = files.iter().map(|f| f.contents.as_str()).collect();
    assert!(code.contains("pub fn best_bid_and_ask(") && code.contains("pub struct BestBidAndAsk"));
    std::fs::remove_dir_all(&spec_dir).ok();

    // The drafted request is one the sandbox answers, in the drafted model's shape.
    let sb = sandbox().await;
    let reply = public(&sb)
        .request(Method::Get, "/fapi/v1/ticker/bookTicker", Security::None, &[("symbol", "BTCUSDT")])
        .await
        .unwrap();
    let fields = yaml["models"]["BestBidAndAsk"]["fields"].as_sequence().unwrap();
    for field in fields {
        let (key, ty) = (field["json"].as_str().unwrap(), field["type"].as_str().unwrap());
        let value = &reply[key];
        let fits = match ty {
            "decimal" => value.as_str().is_some_and(|s| s.parse::<aster::Decimal>().is_ok()),
            "long" => value.is_i64(),
            "string" => value.is_string(),
            other => panic!("the draft typed `{key}` as {other}"),
        };
        assert!(fits, "`{key}` drafted as {ty}, the sandbox sends {value}");
    }
}

//! The spec as written in `spec/*.yaml`, loaded without judgement; `validate` judges it.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestFile {
    /// Which product and API version the file describes; futures V1 when absent.
    #[serde(default)]
    pub api: Option<ApiInfo>,
    pub endpoints: Vec<Endpoint>,
    #[serde(default)]
    pub param_objects: Vec<ParamObject>,
}

/// One API version of one product: where it lives and how it signs.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiInfo {
    /// Short name, e.g. `futures-v3`.
    pub name: String,
    pub product: String,
    pub version: String,
    /// `hmac` (API key and secret) or `eip712` (API wallet).
    pub signing: String,
    pub rest_url: String,
    pub ws_url: String,
    /// Every endpoint path starts with it.
    pub path_prefix: String,
    /// The generated file (`<module>.rs`) and the client type its methods belong to.
    pub module: String,
    pub client: String,
    /// How endpoints sign unless they say otherwise (`eip712` only).
    #[serde(default)]
    pub wallet: Option<WalletSigning>,
    /// The product's own models and enums: files relative to the spec root (one, or a
    /// list: a product built on another takes that one's file too), each added to the
    /// shared ones and emitted once as `<its directory>_models.rs`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub models: Vec<String>,
    /// The product's error codes (a file relative to the spec root), when its docs list
    /// other codes than the shared `errors.yaml`.
    #[serde(default)]
    pub errors: Option<String>,
    /// Another API directory (a sibling, e.g. `spot-v1`) whose endpoints, param objects,
    /// streams and events this API has too, under its own path prefix. This API's files
    /// add to them, and an entry of the same name replaces the inherited one in place.
    #[serde(default)]
    pub extends: Option<String>,
    /// Whether the exchange's testnet serves this API at all (its docs list V3 only).
    #[serde(default = "served")]
    pub testnet: bool,
    /// The endpoints (by name, inherited ones included) the testnet does not serve.
    #[serde(default)]
    pub not_on_testnet: Vec<String>,
}

impl ApiInfo {
    /// The API of a spec directory without an `api` header: futures V1.
    pub fn futures_v1() -> Self {
        ApiInfo {
            name: "futures-v1".into(),
            product: "futures".into(),
            version: "v1".into(),
            signing: "hmac".into(),
            rest_url: "https://fapi.asterdex.com".into(),
            ws_url: "wss://fstream.asterdex.com".into(),
            path_prefix: "/fapi/".into(),
            module: "futures_v1".into(),
            client: "crate::Client".into(),
            wallet: None,
            models: Vec::new(),
            errors: None,
            extends: None,
            // The testnet's docs list V3 only.
            testnet: false,
            not_on_testnet: Vec::new(),
        }
    }

    /// The modules of the product's own models, one per file, in the order listed.
    pub fn models_modules(&self) -> Vec<String> {
        self.models.iter().map(|f| models_module_of(f)).collect()
    }

    pub fn is_wallet(&self) -> bool {
        self.signing == "eip712"
    }

    /// Params the core adds to a signed request; the spec must not list them.
    pub fn signing_params(&self) -> &'static [&'static str] {
        if self.is_wallet() {
            &["user", "signer", "nonce", "signature"]
        } else {
            &["timestamp", "recvWindow", "signature"]
        }
    }

    /// Whether requests of this security type are signed in this API.
    pub fn is_signed(&self, security: &str) -> bool {
        if self.is_wallet() {
            !matches!(security, "NONE" | "MARKET_DATA")
        } else {
            matches!(security, "TRADE" | "USER_DATA" | "TRANSFER")
        }
    }
}

/// How a V3 endpoint signs: which key, which wallet params it adds, the message layout.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WalletSigning {
    /// `api_wallet` or `main_wallet`.
    pub key: String,
    /// Wallet params added, in order: a subset of user, signer, nonce.
    pub adds: Vec<String>,
    /// The signed message's keys in order; empty for "business params sorted, then adds".
    #[serde(default)]
    pub message: Vec<String>,
    /// Params sent after the message but not signed (the docs leave them out of it).
    #[serde(default)]
    pub unsigned: Vec<String>,
    /// The param holding the EIP-712 chain id, when it is not the exchange's 1666.
    #[serde(default)]
    pub chain_id_param: Option<String>,
    /// Signed as this EIP-712 struct of the `message` keys (capitalised, typed by param
    /// type) instead of `Message(string msg)`.
    #[serde(default)]
    pub typed: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub name: String,
    pub title: String,
    pub group: String,
    pub method: String,
    pub path: String,
    pub security: Option<String>,
    pub weight: serde_yaml::Value,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub params: Vec<Param>,
    #[serde(default)]
    pub one_of: Vec<Vec<String>>,
    #[serde(default)]
    pub required_when: Vec<RequiredWhen>,
    /// How this endpoint signs, where it differs from its API's default (`eip712` only).
    #[serde(default)]
    pub signing: Option<WalletSigning>,
    /// The param that names an order for the client (`newClientOrderId`, or
    /// `batchOrders[].newClientOrderId` for one in each item): the core fills it in when
    /// the caller did not, so an unknown outcome can always be resolved.
    #[serde(default)]
    pub client_order_id: Option<String>,
    /// A JSON-RPC method posted to `path`: its params, in order, are the method's
    /// positional params, and the reply's `result` is `response`.
    #[serde(default)]
    pub rpc: Option<String>,
    pub response: String,
}

fn served() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    /// Rust name where the snake_case of `name` is a keyword or unclear.
    pub rust: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    /// The docs' type where it differs from the natural one for `ty`.
    pub wire: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub values: Vec<i64>,
    pub range: Option<[i64; 2]>,
    pub max_items: Option<usize>,
    pub pattern: Option<String>,
    #[serde(default)]
    pub doc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredWhen {
    pub param: String,
    pub value: String,
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamObject {
    pub name: String,
    #[serde(default)]
    pub doc: String,
    pub params: Vec<Param>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelsFile {
    pub enums: BTreeMap<String, Vec<EnumValue>>,
    /// The docs' ENUM definitions labels and the spec enum each one is (`~` for none).
    #[serde(default)]
    pub docs_enums: BTreeMap<String, Option<String>>,
    pub models: BTreeMap<String, Model>,
    /// What a JSON key means wherever a model carries it; a field's own `doc` wins.
    #[serde(default)]
    pub field_docs: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamsFile {
    #[serde(default)]
    pub streams: Vec<Stream>,
    #[serde(default)]
    pub events: Vec<UserEvent>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    pub name: String,
    pub title: String,
    pub patterns: Vec<String>,
    pub template: String,
    #[serde(default)]
    pub params: Vec<StreamParam>,
    #[serde(default)]
    pub speeds: Vec<String>,
    pub event: String,
    pub payload: String,
    #[serde(default)]
    pub array: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamParam {
    pub name: String,
    /// `symbol` or `enum(Name)`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Stands for `<name>` in the docs' patterns instead of expanding to each value.
    #[serde(default)]
    pub placeholder: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEvent {
    pub event: String,
    pub title: String,
    /// Variant of the generated `UserDataEvent` enum.
    pub variant: String,
    pub payload: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorsFile {
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    pub code: i64,
    pub name: String,
}

/// Deliberate differences between the spec and the docs, each with its reason.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviationsFile {
    #[serde(default)]
    pub deviations: Vec<Deviation>,
    /// Choices the docs leave open (no finding shows them): what the spec chose and why,
    /// unverified against the exchange. The diff lists them.
    #[serde(default)]
    pub unverified: Vec<Deviation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// The key of the difference the diff reports, e.g. `signing GET /fapi/v1/adlQuantile`.
    pub key: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum EnumValue {
    Plain(String),
    Detailed {
        wire: String,
        name: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

impl EnumValue {
    pub fn wire(&self) -> &str {
        match self {
            EnumValue::Plain(w) => w,
            EnumValue::Detailed { wire, .. } => wire,
        }
    }
    pub fn explicit_name(&self) -> Option<&str> {
        match self {
            EnumValue::Plain(_) => None,
            EnumValue::Detailed { name, .. } => name.as_deref(),
        }
    }
    pub fn aliases(&self) -> &[String] {
        match self {
            EnumValue::Plain(_) => &[],
            EnumValue::Detailed { aliases, .. } => aliases,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub repr: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub json: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub optional: bool,
    /// Other keys the exchange sends for the same field (docs that spell it two ways).
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub doc: String,
}

/// The whole spec with the files it came from, for error messages.
#[derive(Debug, Clone)]
pub struct Spec {
    pub api: ApiInfo,
    pub rest: RestFile,
    /// The shared models with the product's own added.
    pub models: ModelsFile,
    /// The product's own models alone, by file (see [`ApiInfo::models`]).
    pub product_models: Vec<(String, ModelsFile)>,
    pub streams: StreamsFile,
    pub errors: ErrorsFile,
    pub deviations: DeviationsFile,
    pub rest_path: PathBuf,
    pub models_path: PathBuf,
    pub streams_path: PathBuf,
    pub errors_path: PathBuf,
}

#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// The module a product models file is emitted as: `spot/models.yaml` → `spot_models`.
pub fn models_module_of(file: &str) -> String {
    let dir = Path::new(file).parent().and_then(|d| d.file_name()).and_then(|d| d.to_str()).unwrap_or("product");
    format!("{}_models", dir.replace('-', "_"))
}

/// A YAML string or list of strings, as a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

fn load_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| LoadError(format!("{}: cannot read: {e}", path.display())))?;
    serde_yaml::from_str(&text).map_err(|e| LoadError(format!("{}: {e}", path.display())))
}

/// A file that may be absent: absent reads as empty.
fn load_optional<T: serde::de::DeserializeOwned + Default>(path: &Path) -> Result<T, LoadError> {
    if path.exists() {
        load_yaml(path)
    } else {
        Ok(T::default())
    }
}

impl Spec {
    /// The first API of `dir` (in name order: futures V1), with the shared models and error
    /// codes.
    pub fn load(dir: &Path) -> Result<Spec, LoadError> {
        let first = api_dirs(dir)
            .into_iter()
            .next()
            .ok_or_else(|| LoadError(format!("{}: no API directory (one holding a rest.yaml)", dir.display())))?;
        let (models, models_path, errors, errors_path) = Self::shared(dir)?;
        Self::load_api(&first, models, models_path, errors, errors_path)
    }

    /// The models and error codes at the top of `dir`, which every API starts from.
    fn shared(dir: &Path) -> Result<(ModelsFile, PathBuf, ErrorsFile, PathBuf), LoadError> {
        let models_path = dir.join("models.yaml");
        let errors_path = dir.join("errors.yaml");
        let models: ModelsFile = load_yaml(&models_path)?;
        let errors: ErrorsFile = load_optional(&errors_path)?;
        Ok((models, models_path, errors, errors_path))
    }

    fn load_api(
        api_dir: &Path,
        models: ModelsFile,
        models_path: PathBuf,
        errors: ErrorsFile,
        errors_path: PathBuf,
    ) -> Result<Spec, LoadError> {
        let rest_path = api_dir.join("rest.yaml");
        let streams_path = api_dir.join("streams.yaml");
        let mut rest: RestFile = load_yaml(&rest_path)?;
        let api = rest.api.clone().unwrap_or_else(ApiInfo::futures_v1);
        // Product files are named relative to the spec root, the API dir's parent.
        let root = models_path.parent().unwrap_or(Path::new("."));
        let mut streams: StreamsFile = load_optional(&streams_path)?;
        if let Some(base) = &api.extends {
            (rest, streams) = inherit(&root.join(base), &api, rest, streams)?;
        }
        let mut models = models;
        let mut product_models = Vec::new();
        for file in &api.models {
            let own: ModelsFile = load_yaml(&root.join(file))?;
            models.merge(&own);
            product_models.push((file.clone(), own));
        }
        let (errors, errors_path) = match &api.errors {
            Some(file) => (load_yaml(&root.join(file))?, root.join(file)),
            None => (errors, errors_path),
        };
        Ok(Spec {
            api,
            rest,
            models,
            product_models,
            streams,
            errors,
            deviations: load_optional(&api_dir.join("deviations.yaml"))?,
            rest_path,
            models_path,
            streams_path,
            errors_path,
        })
    }

    /// Every API in `dir`: one per subdirectory holding a `rest.yaml`, in name order, those
    /// without models of their own first and each after the one it extends. All start from
    /// `dir`'s models and error codes.
    pub fn load_all(dir: &Path) -> Result<Vec<Spec>, LoadError> {
        let (models, models_path, errors, errors_path) = Self::shared(dir)?;
        let apis: Vec<Spec> = api_dirs(dir)
            .iter()
            .map(|sub| Self::load_api(sub, models.clone(), models_path.clone(), errors.clone(), errors_path.clone()))
            .collect::<Result<_, _>>()?;
        if apis.is_empty() {
            return Err(LoadError(format!("{}: no API directory (one holding a rest.yaml)", dir.display())));
        }
        // The first API's models are the shared set the generator emits for all: an API with
        // models of its own never comes first.
        let mut apis = apis;
        apis.sort_by_key(|a| !a.product_models.is_empty());
        Ok(bases_first(apis))
    }

    /// Files whose change must regenerate the client.
    pub fn inputs(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = ["models.yaml", "errors.yaml"].iter().map(|f| dir.join(f)).collect();
        for sub in api_dirs(dir) {
            files.extend(["rest.yaml", "streams.yaml"].iter().map(|f| sub.join(f)));
        }
        // Product models and errors live in subdirectories without a rest.yaml.
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()) {
                files.extend(["models.yaml", "errors.yaml"].iter().map(|f| e.join(f)).filter(|f| f.is_file()));
            }
        }
        files.push(dir.to_path_buf());
        files
    }
}

/// `apis` in name order, except that an API comes after the one it extends, so what it
/// shares with its base is emitted in the base.
fn bases_first(mut apis: Vec<Spec>) -> Vec<Spec> {
    let dir_of = |s: &Spec| s.rest_path.parent().and_then(|d| d.file_name()).map(|d| d.to_string_lossy().into_owned());
    let mut ordered: Vec<Spec> = Vec::with_capacity(apis.len());
    while !apis.is_empty() {
        let placed: Vec<Option<String>> = ordered.iter().map(dir_of).collect();
        let ready = apis
            .iter()
            .position(|a| a.api.extends.as_ref().is_none_or(|b| placed.contains(&Some(b.clone()))))
            .unwrap_or(0);
        ordered.push(apis.remove(ready));
    }
    ordered
}

/// `own` over `base`: an entry of `own` whose key a `base` entry has takes its place; the
/// rest of `own` comes first.
fn overlay<T: Clone>(base: &[T], own: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    let (replacing, new): (Vec<T>, Vec<T>) = own.into_iter().partition(|o| base.iter().any(|b| key(b) == key(o)));
    let merged = base.iter().map(|b| replacing.iter().find(|o| key(o) == key(b)).unwrap_or(b).clone());
    new.into_iter().chain(merged).collect()
}

/// This API's files over those of the API it extends, the inherited paths moved to this
/// API's prefix.
fn inherit(
    base_dir: &Path,
    api: &ApiInfo,
    own_rest: RestFile,
    own_streams: StreamsFile,
) -> Result<(RestFile, StreamsFile), LoadError> {
    inherit_depth(base_dir, api, own_rest, own_streams, 0)
}

fn inherit_depth(
    base_dir: &Path,
    api: &ApiInfo,
    own_rest: RestFile,
    own_streams: StreamsFile,
    depth: usize,
) -> Result<(RestFile, StreamsFile), LoadError> {
    let mut base_rest: RestFile = load_yaml(&base_dir.join("rest.yaml"))?;
    let base_api = base_rest.api.clone().unwrap_or_else(ApiInfo::futures_v1);
    let mut base_streams: StreamsFile = load_optional(&base_dir.join("streams.yaml"))?;
    // A base that extends another is resolved first (prediction ← spot V3 ← spot V1).
    if let Some(grand) = &base_api.extends {
        if depth >= 4 {
            return Err(LoadError(format!("{}: `extends` goes round in a circle", base_dir.display())));
        }
        let root = base_dir.parent().unwrap_or(Path::new("."));
        (base_rest, base_streams) = inherit_depth(&root.join(grand), &base_api, base_rest, base_streams, depth + 1)?;
    }
    let moved: Vec<Endpoint> = base_rest
        .endpoints
        .into_iter()
        .map(|mut e| {
            if let Some(rest) = e.path.strip_prefix(&base_api.path_prefix) {
                e.path = format!("{}{rest}", api.path_prefix);
            }
            e
        })
        .collect();
    let rest = RestFile {
        api: own_rest.api,
        endpoints: overlay(&moved, own_rest.endpoints, |e| e.name.as_str()),
        param_objects: overlay(&base_rest.param_objects, own_rest.param_objects, |o| o.name.as_str()),
    };
    let streams = StreamsFile {
        streams: overlay(&base_streams.streams, own_streams.streams, |s| s.name.as_str()),
        events: overlay(&base_streams.events, own_streams.events, |e| e.event.as_str()),
    };
    Ok((rest, streams))
}

impl ModelsFile {
    /// Adds `other`'s enums, docs enum labels, models and glossary (the validator rejects
    /// a name both define).
    pub fn merge(&mut self, other: &ModelsFile) {
        self.enums.extend(other.enums.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.docs_enums.extend(other.docs_enums.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.models.extend(other.models.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (k, v) in &other.field_docs {
            self.field_docs.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// Subdirectories of `dir` that describe an API (hold a `rest.yaml`), in name order.
fn api_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("rest.yaml").is_file()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

impl Endpoint {
    /// What tells the endpoint apart, as the docs diff names it: `METHOD /path`, and the
    /// JSON-RPC method after it for endpoints sharing one path.
    pub fn key(&self) -> String {
        match &self.rpc {
            Some(m) => format!("{} {} {m}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }

    /// The weight as written: a number or a short rule.
    pub fn weight_text(&self) -> String {
        match &self.weight {
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::String(s) => s.clone(),
            other => format!("{other:?}"),
        }
    }
}

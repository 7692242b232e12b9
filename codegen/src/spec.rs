//! The spec as written in `spec/*.yaml`, loaded without judgement; `validate` judges it.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestFile {
    pub endpoints: Vec<Endpoint>,
    #[serde(default)]
    pub param_objects: Vec<ParamObject>,
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
    pub response: String,
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
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamsFile {
    #[serde(default)]
    pub streams: Vec<Stream>,
    #[serde(default)]
    pub events: Vec<UserEvent>,
}

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
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
    #[serde(default)]
    pub doc: String,
}

/// The whole spec with the files it came from, for error messages.
#[derive(Debug, Clone)]
pub struct Spec {
    pub rest: RestFile,
    pub models: ModelsFile,
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
    pub fn load(dir: &Path) -> Result<Spec, LoadError> {
        let rest_path = dir.join("rest.yaml");
        let models_path = dir.join("models.yaml");
        let streams_path = dir.join("streams.yaml");
        let errors_path = dir.join("errors.yaml");
        Ok(Spec {
            rest: load_yaml(&rest_path)?,
            models: load_yaml(&models_path)?,
            streams: load_optional(&streams_path)?,
            errors: load_optional(&errors_path)?,
            deviations: load_optional(&dir.join("deviations.yaml"))?,
            rest_path,
            models_path,
            streams_path,
            errors_path,
        })
    }

    /// Files whose change must regenerate the client.
    pub fn inputs(dir: &Path) -> Vec<PathBuf> {
        ["rest.yaml", "models.yaml", "streams.yaml", "errors.yaml"].iter().map(|f| dir.join(f)).collect()
    }
}

impl Endpoint {
    /// The weight as written: a number or a short rule.
    pub fn weight_text(&self) -> String {
        match &self.weight {
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::String(s) => s.clone(),
            other => format!("{other:?}"),
        }
    }
}

//! `aster-spec check [SPEC_DIR]` validates the spec and summarises it.
//! `aster-spec read FILE.md` reads a docs file alone and says what it found; exit 1 when a
//! section cannot be read (for docs whose part of the spec does not exist yet).
//! `aster-spec generate [SPEC_DIR] [OUT_DIR]` writes the generated client code (only the
//! files whose bytes change; the crate's build script runs this inside the repository).
//! `aster-spec diff --docs FILE.md [SPEC_DIR] [--json]` lists every difference between the
//! spec and an exchange docs file. Exit status: 0 when nothing unexplained differs, 1 when
//! something does (a section of the docs that cannot be read is such a difference), 2 when
//! a file cannot be read at all.
//! `aster-spec draft --docs FILE.md [SPEC_DIR] [--api NAME] [--out FILE]` drafts spec YAML
//! for everything the docs have and the API's spec lacks (everything, for an API the spec
//! does not have yet), marked for review.

use aster_codegen::{diff, docs};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage:\n  aster-spec check [SPEC_DIR]\n  aster-spec read FILE.md\n  aster-spec generate [SPEC_DIR] [OUT_DIR]\n  aster-spec diff --docs FILE.md [SPEC_DIR] [--api NAME | --product P --version V] [--testnet] [--json]\n  aster-spec draft --docs FILE.md [SPEC_DIR] [--api NAME] [--out FILE | --survival]";

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("{msg}");
    ExitCode::from(code)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check") => check(&args[1..]),
        Some("diff") => run_diff(&args[1..]),
        Some("generate") => generate(&args[1..]),
        Some("read") => read(&args[1..]),
        Some("draft") => run_draft(&args[1..]),
        _ => fail(2, USAGE),
    }
}

fn check(args: &[String]) -> ExitCode {
    let dir = PathBuf::from(args.first().map(String::as_str).unwrap_or("spec"));
    let apis = match aster_codegen::load_all(&dir) {
        Ok(s) => s,
        Err(e) => return fail(1, e),
    };
    println!("spec in {} is valid", dir.display());
    for spec in &apis {
        summarise(spec);
    }
    ExitCode::SUCCESS
}

fn read(args: &[String]) -> ExitCode {
    let Some(file) = args.first() else { return fail(2, USAGE) };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return fail(2, format!("{file}: cannot read: {e}")),
    };
    let docs = docs::parse(&text);
    let responses = docs.endpoints.iter().filter(|e| e.response.is_some()).count();
    println!(
        "{file}: {} endpoints ({responses} with a response example), {} streams, {} events, {} error codes, {} enums",
        docs.endpoints.len(),
        docs.streams.len(),
        docs.events.len(),
        docs.errors.len(),
        docs.enums.len()
    );
    for p in &docs.problems {
        println!("  cannot read {file}:{}: {}", p.line, p.message);
    }
    if docs.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn generate(args: &[String]) -> ExitCode {
    let dir = PathBuf::from(args.first().map(String::as_str).unwrap_or("spec"));
    let out = PathBuf::from(args.get(1).map(String::as_str).unwrap_or("src/generated"));
    let files = match aster_codegen::generate(&dir) {
        Ok(files) => files,
        Err(e) => return fail(1, e),
    };
    match aster_codegen::write_if_changed(&out, &files) {
        Ok(written) => {
            for name in written {
                println!("wrote {}", out.join(name).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, format!("cannot write {}: {e}", out.display())),
    }
}

fn summarise(spec: &aster_codegen::Spec) {
    let mut by_security: BTreeMap<String, usize> = BTreeMap::new();
    for e in &spec.rest.endpoints {
        *by_security.entry(e.security.clone().unwrap_or_default()).or_default() += 1;
    }
    let security: Vec<String> = by_security.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let patterns: usize = spec.streams.streams.iter().map(|s| s.patterns.len()).sum();
    println!(
        "{} ({} {}, {} signing, {}):",
        spec.api.name, spec.api.product, spec.api.version, spec.api.signing, spec.api.path_prefix
    );
    println!("  endpoints:   {} ({})", spec.rest.endpoints.len(), security.join(", "));
    println!("  param objects: {}", spec.rest.param_objects.len());
    println!("  models:      {}", spec.models.models.len());
    println!("  enums:       {}", spec.models.enums.len());
    println!("  streams:     {} ({patterns} name patterns)", spec.streams.streams.len());
    println!("  events:      {}", spec.streams.events.len());
    println!("  error codes: {}", spec.errors.errors.len());
    println!("  deliberate differences from the docs: {}", spec.deviations.deviations.len());
}

fn run_diff(args: &[String]) -> ExitCode {
    let mut testnet = false;
    let mut docs_file = None;
    let mut dir = None;
    let mut json = false;
    let mut api_name = None;
    let (mut product, mut version) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--docs" => docs_file = it.next().cloned(),
            "--api" => api_name = it.next().cloned(),
            "--product" => product = it.next().cloned(),
            "--version" => version = it.next().cloned(),
            "--json" => json = true,
            "--testnet" => testnet = true,
            other if !other.starts_with("--") && dir.is_none() => dir = Some(other.to_string()),
            _ => return fail(2, USAGE),
        }
    }
    let Some(docs_file) = docs_file else { return fail(2, USAGE) };
    // `--product futures --version v3` names the API `futures-v3`.
    match (product, version) {
        (Some(p), Some(v)) => api_name = Some(format!("{p}-{v}")),
        (None, None) => {}
        _ => return fail(2, "--product and --version go together"),
    }
    let dir = PathBuf::from(dir.unwrap_or_else(|| "spec".into()));
    let (parsed, apis) = match docs_and_spec(&docs_file, &dir) {
        Ok(both) => both,
        Err(code) => return code,
    };
    let spec = match diff::pick_api(&apis, &parsed, api_name.as_deref()) {
        Ok(s) if testnet => match as_on_testnet(s) {
            Ok(t) => t,
            Err(e) => return fail(2, e),
        },
        Ok(s) => s.clone(),
        Err(e) => return fail(2, e),
    };
    let spec = &spec;
    let report = diff::diff(spec, &parsed);
    let unexplained = report.unexplained().count();
    let explained = report.findings.len() - unexplained;
    if json {
        let findings: Vec<serde_json::Value> = report
            .findings
            .iter()
            .map(|f| serde_json::json!({ "kind": f.kind, "key": f.key, "detail": f.detail, "explained": f.explained(), "reason": f.explanation }))
            .collect();
        let out = serde_json::json!({
            "docs": docs_file, "spec": dir.display().to_string(), "api": spec.api.name, "unexplained": unexplained, "explained": explained,
            "findings": findings, "stale_explanations": report.stale_explanations,
            "unverified": spec.deviations.unverified.iter().map(|c| serde_json::json!({ "key": c.key, "reason": c.reason })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        print_human(&report, std::io::stdout().is_terminal());
        for choice in &spec.deviations.unverified {
            println!("unverified choice: {}: {}", choice.key, choice.reason);
        }
        println!(
            "{docs_file} vs {} ({}): {} endpoints, {} streams, {} events, {} error codes in the docs; {unexplained} unexplained, {explained} explained differences",
            dir.display(),
            spec.api.name,
            parsed.endpoints.len(),
            parsed.streams.len(),
            parsed.events.len(),
            parsed.errors.len()
        );
    }
    if unexplained > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The API as the exchange's testnet serves it, for a diff against the testnet's docs:
/// without the endpoints it does not serve, and explained also by the API's
/// `deviations.testnet.yaml`.
fn as_on_testnet(spec: &aster_codegen::Spec) -> Result<aster_codegen::Spec, String> {
    if !spec.api.testnet {
        return Err(format!("the testnet does not serve the {} API", spec.api.name));
    }
    let mut on = spec.clone();
    on.rest.endpoints.retain(|e| !spec.api.not_on_testnet.contains(&e.name));
    let file = spec.rest_path.with_file_name("deviations.testnet.yaml");
    if file.is_file() {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let extra: aster_codegen::spec::DeviationsFile =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        on.deviations.deviations.extend(extra.deviations);
        on.deviations.unverified.extend(extra.unverified);
    }
    Ok(on)
}

/// A docs file as read, and every API of the spec in `dir`; exit status 2 when either
/// cannot be read.
fn docs_and_spec(docs_file: &str, dir: &std::path::Path) -> Result<(docs::Docs, Vec<aster_codegen::Spec>), ExitCode> {
    let text = std::fs::read_to_string(docs_file).map_err(|e| fail(2, format!("{docs_file}: cannot read: {e}")))?;
    let mut parsed = docs::parse(&text);
    parsed.file = docs_file.to_string();
    let apis = aster_codegen::load_all(dir).map_err(|e| fail(2, e))?;
    Ok((parsed, apis))
}

fn run_draft(args: &[String]) -> ExitCode {
    let (mut docs_file, mut dir, mut api_name, mut out) = (None, None, None, None);
    let mut survival = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--docs" => docs_file = it.next().cloned(),
            "--api" => api_name = it.next().cloned(),
            "--out" => out = it.next().cloned(),
            "--survival" => survival = true,
            other if !other.starts_with("--") && dir.is_none() => dir = Some(other.to_string()),
            _ => return fail(2, USAGE),
        }
    }
    let Some(docs_file) = docs_file else { return fail(2, USAGE) };
    let dir = PathBuf::from(dir.unwrap_or_else(|| "spec".into()));
    let (parsed, apis) = match docs_and_spec(&docs_file, &dir) {
        Ok(both) => both,
        Err(code) => return code,
    };
    // An API the spec does not have yet is drafted whole.
    let spec = match api_name.as_deref() {
        Some(name) => apis.iter().find(|a| a.api.name == name),
        None => diff::pick_api(&apis, &parsed, None).ok(),
    };
    if survival {
        return match spec {
            Some(spec) => print_survival(spec, &parsed),
            None => fail(2, "--survival compares with an API of the spec: none matches these docs"),
        };
    }
    let drafted = aster_codegen::draft::draft(spec, &parsed);
    let yaml = drafted.to_yaml(&docs_file);
    let [endpoints, models, streams, events] = drafted.counts;
    let against = spec.map_or("no API of the spec".to_string(), |s| s.api.name.clone());
    eprintln!(
        "{docs_file} against {against}: drafted {endpoints} endpoints, {models} models, {streams} streams, {events} events"
    );
    for p in &parsed.problems {
        eprintln!("  not drafted, cannot read {docs_file}:{}: {}", p.line, p.message);
    }
    match out {
        Some(path) => match std::fs::write(&path, yaml) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(2, format!("cannot write {path}: {e}")),
        },
        None => {
            print!("{yaml}");
            ExitCode::SUCCESS
        }
    }
}

/// What share of a draft of every endpoint of the docs the reviewed spec kept.
fn print_survival(spec: &aster_codegen::Spec, docs: &docs::Docs) -> ExitCode {
    let s = aster_codegen::draft::survival(spec, docs);
    println!("a draft of every endpoint of the docs against the reviewed {}:", spec.api.name);
    for (what, (kept, all)) in [
        ("endpoints in the spec", s.endpoints),
        ("method names", s.names),
        ("groups", s.groups),
        ("security types", s.security),
        ("weight rules", s.weights),
        ("params kept", s.params),
        ("param types", s.param_types),
        ("param required", s.param_required),
    ] {
        let share = if all == 0 { 100.0 } else { 100.0 * kept as f64 / all as f64 };
        println!("  {what:<22} {kept:>4} of {all:<4} {share:5.1}%");
    }
    ExitCode::SUCCESS
}

fn print_human(report: &diff::Report, color: bool) {
    let paint = |code: &str, s: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut by_kind: BTreeMap<&str, Vec<&diff::Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_kind.entry(f.kind).or_default().push(f);
    }
    for (kind, findings) in by_kind {
        println!("{}", paint("1", kind));
        for f in findings {
            let subject = f.key.strip_prefix(kind).unwrap_or(&f.key).trim();
            match &f.explanation {
                None => println!("  {} {subject}: {}", paint("31", "✗"), f.detail),
                Some(reason) => println!("  {} {subject}: {} — explained: {reason}", paint("33", "~"), f.detail),
            }
        }
    }
    for key in &report.stale_explanations {
        println!("{} deviations.yaml explains `{key}`, which no longer differs", paint("33", "note:"));
    }
}

//! Generates the app's `i18n` module from `locales/*.json` (leptos_i18n), after
//! checking that every language has every key of English with the same values to
//! fill in: a translation that is missing or drops a `{{ value }}` fails the build.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

/// English first: it is the default, and the one the others are checked against.
const LOCALES: [&str; 3] = ["en", "de", "nb"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let english = keys(&dir, LOCALES[0])?;
    let mut wrong = Vec::new();
    // words::plural! picks `.one` or `.other`: a sentence needs both.
    for key in english.keys() {
        for (has, needs) in [(".one", ".other"), (".other", ".one")] {
            if let Some(base) = key.strip_suffix(has) {
                if !english.contains_key(&format!("{base}{needs}")) {
                    wrong.push(format!("en.json has \"{key}\" but no \"{base}{needs}\""));
                }
            }
        }
    }
    for locale in &LOCALES[1..] {
        let other = keys(&dir, locale)?;
        for (key, values) in &english {
            match other.get(key) {
                None => wrong.push(format!("{locale}.json has no \"{key}\"")),
                Some(v) if v != values => wrong.push(format!(
                    "{locale}.json \"{key}\" fills in {v:?}, English fills in {values:?}"
                )),
                Some(_) => {}
            }
        }
        for key in other.keys().filter(|k| !english.contains_key(*k)) {
            wrong.push(format!("{locale}.json has \"{key}\", which English lacks"));
        }
    }
    if !wrong.is_empty() {
        return Err(format!("the translations disagree:\n  {}", wrong.join("\n  ")).into());
    }

    let cfg = LOCALES[1..]
        .iter()
        .try_fold(Config::new(LOCALES[0])?, |cfg, l| cfg.add_locale(l))?
        // td_string! with values: every sentence of the app is built as a string.
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("i18n"))?;
    Ok(())
}

/// Every key of a locale file ("dialog.title"; a plural's forms are its subkeys
/// `one` and `other`: German and Norwegian have English's two), with the values
/// it fills in.
fn keys(dir: &Path, locale: &str) -> Result<BTreeMap<String, BTreeSet<String>>, Box<dyn Error>> {
    let path = dir.join(format!("{locale}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    flatten("", &json, &mut out);
    Ok(out)
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, BTreeSet<String>>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::String(s) => {
            let fills = s
                .split("{{")
                .skip(1)
                .filter_map(|rest| rest.split_once("}}"))
                .map(|(name, _)| name.trim().to_string())
                .collect();
            out.insert(prefix.to_string(), fills);
        }
        other => {
            out.insert(prefix.to_string(), BTreeSet::from([other.to_string()]));
        }
    }
}

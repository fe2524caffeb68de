//! Release bookkeeping: a package manifest whose change is confined to the package's own release
//! metadata (its version, description, licence, publishing settings) is not code for
//! `progress-update` (`[layout] release-metadata-is-code`, default false).
//!
//! The manifest is parsed on both sides (JSON or TOML) and compared key by key; only the keys
//! below, and only in the table that describes the package itself, may differ. A `version`
//! anywhere else (a dependency's, a tool's setting) is compared like any value, so a dependency
//! bump, a script, an entry point or a build setting keeps the manifest code. A manifest added,
//! deleted, moved, or unreadable on either side stays code.

use serde_json::{Map, Value};

use crate::model::{FileChange, RepoPath};

/// The manifests known, by file name, with the tables that describe the package itself (the
/// empty path is the document's top level).
const MANIFESTS: &[(Manifest, &[&[&str]])] = &[
    (Manifest::Json("package.json"), &[&[]]),
    (Manifest::Json("composer.json"), &[&[]]),
    (Manifest::Json("jsr.json"), &[&[]]),
    (Manifest::Json("plugin.json"), &[&[]]),
    (Manifest::JsonSuffix(".plugin.json"), &[&[]]),
    (
        Manifest::Toml("Cargo.toml"),
        &[&["package"], &["workspace", "package"]],
    ),
    (
        Manifest::Toml("pyproject.toml"),
        &[&["project"], &["tool", "poetry"]],
    ),
];

/// Keys of a package's own table that say how it is released, not what it does.
pub(crate) const RELEASE_KEYS: &[&str] = &[
    "version",
    "description",
    "keywords",
    "categories",
    "classifiers",
    "homepage",
    "repository",
    "documentation",
    "bugs",
    "funding",
    "urls",
    "license",
    "license-file",
    "license-files",
    "author",
    "authors",
    "contributors",
    "maintainers",
    "readme",
    "files",
    "include",
    "exclude",
    "publish",
    "publishConfig",
    "private",
];

#[derive(Clone, Copy)]
enum Manifest {
    Json(&'static str),
    JsonSuffix(&'static str),
    Toml(&'static str),
}

impl Manifest {
    fn matches(self, name: &str) -> bool {
        match self {
            Manifest::Json(file) | Manifest::Toml(file) => name == file,
            Manifest::JsonSuffix(suffix) => name.len() > suffix.len() && name.ends_with(suffix),
        }
    }

    fn parse(self, data: &[u8]) -> Option<Value> {
        let text = std::str::from_utf8(data).ok()?;
        match self {
            Manifest::Json(_) | Manifest::JsonSuffix(_) => serde_json::from_str(text).ok(),
            Manifest::Toml(_) => {
                let table: toml::Table = toml::from_str(text).ok()?;
                serde_json::to_value(table).ok()
            }
        }
    }
}

/// Whether a changed file is a package manifest whose change touches only release metadata.
/// `old` and `new` are its two contents, when text.
pub(crate) fn release_metadata_only(file: &FileChange, old: &[u8], new: &[u8]) -> bool {
    if file.renamed_from.is_some() || file.old.is_none() || file.new.is_none() {
        return false;
    }
    let Some((manifest, tables)) = manifest_of(&file.path) else {
        return false;
    };
    let (Some(old), Some(new)) = (manifest.parse(old), manifest.parse(new)) else {
        return false;
    };
    same_apart_from_release(&old, &new, &[], tables)
}

fn manifest_of(path: &RepoPath) -> Option<(Manifest, &'static [&'static [&'static str]])> {
    let text = path.to_text();
    let name = text.rsplit('/').next().unwrap_or(&text);
    MANIFESTS
        .iter()
        .find(|(manifest, _)| manifest.matches(name))
        .map(|(manifest, tables)| (*manifest, *tables))
}

/// Whether two values are equal apart from the release keys of the package's own tables.
/// `at` is where they stand in the document.
fn same_apart_from_release(old: &Value, new: &Value, at: &[&str], tables: &[&[&str]]) -> bool {
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        return old == new;
    };
    let own_table = tables.contains(&at);
    keys(old, new).all(|key| {
        if own_table && RELEASE_KEYS.contains(&key) {
            return true;
        }
        match (old.get(key), new.get(key)) {
            (Some(old), Some(new)) => {
                let mut inner = at.to_vec();
                inner.push(key);
                same_apart_from_release(old, new, &inner, tables)
            }
            _ => false,
        }
    })
}

fn keys<'v>(
    old: &'v Map<String, Value>,
    new: &'v Map<String, Value>,
) -> impl Iterator<Item = &'v str> {
    old.keys().chain(new.keys()).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, EntryKind};

    fn changed(path: &str) -> FileChange {
        let entry = Entry {
            id: "0".repeat(40),
            kind: EntryKind::File,
            size: None,
        };
        FileChange {
            path: RepoPath::new(path),
            old: Some(entry.clone()),
            new: Some(entry),
            renamed_from: None,
        }
    }

    fn judged(path: &str, old: &str, new: &str) -> bool {
        release_metadata_only(&changed(path), old.as_bytes(), new.as_bytes())
    }

    #[test]
    fn a_version_bump_and_publishing_fields_are_release_metadata() {
        let old = r#"{"name": "a", "version": "0.1.0", "main": "dist/index.js"}"#;
        let new =
            r#"{"name": "a", "version": "0.2.0", "files": ["dist"], "main": "dist/index.js"}"#;
        assert!(judged("package.json", old, new));
        assert!(judged("sub/openclaw.plugin.json", old, new));
        let old = "[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[dependencies]\nx = \"1\"\n";
        let new = "[package]\nname = \"a\"\nversion = \"0.2.0\"\nlicense = \"MIT\"\n\n[dependencies]\nx = \"1\"\n";
        assert!(judged("crates/a/Cargo.toml", old, new));
    }

    #[test]
    fn a_version_outside_the_package_table_is_code() {
        // A dependency's version, in either format, is not the package's own.
        let old = r#"{"version": "0.1.0", "dependencies": {"x": "1.0.0"}}"#;
        let new = r#"{"version": "0.1.0", "dependencies": {"x": "2.0.0"}}"#;
        assert!(!judged("package.json", old, new));
        let old = "[package]\nversion = \"0.1.0\"\n[dependencies]\nx = { version = \"1\" }\n";
        let new = "[package]\nversion = \"0.1.0\"\n[dependencies]\nx = { version = \"2\" }\n";
        assert!(!judged("Cargo.toml", old, new));
        let old = "[tool.poetry]\nversion = \"1\"\n[tool.poetry.dependencies]\nx = \"1\"\n";
        let new = "[tool.poetry]\nversion = \"1\"\n[tool.poetry.dependencies]\nx = \"2\"\n";
        assert!(!judged("pyproject.toml", old, new));
    }

    #[test]
    fn other_keys_unknown_manifests_and_unreadable_ones_are_code() {
        let old = r#"{"version": "0.1.0", "scripts": {"build": "tsc"}}"#;
        let new = r#"{"version": "0.2.0", "scripts": {"build": "tsc -p ."}}"#;
        assert!(!judged("package.json", old, new));
        // A new key the package's table did not have, outside the release keys.
        let new = r#"{"version": "0.1.0", "scripts": {"build": "tsc"}, "bin": "x.js"}"#;
        assert!(!judged("package.json", old, new));
        assert!(!judged(
            "config.json",
            r#"{"version": 1}"#,
            r#"{"version": 2}"#
        ));
        assert!(!judged("package.json", old, "{not json"));
        let mut moved = changed("package.json");
        moved.renamed_from = Some(RepoPath::new("old/package.json"));
        assert!(!release_metadata_only(
            &moved,
            old.as_bytes(),
            old.as_bytes()
        ));
        let mut added = changed("package.json");
        added.old = None;
        assert!(!release_metadata_only(&added, b"", old.as_bytes()));
    }
}

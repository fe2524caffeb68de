//! The lockfiles that do not count toward a commit's lines, recognised by name and by content.
//!
//! A name alone proves nothing: `src/Cargo.lock` may hold code. Each kind has a cheap structural
//! signature, checked over the whole file in linear time: the JSON kinds must parse and have
//! the lockfile's shape (its top-level keys, packages with names and versions, no multi-line
//! strings); the others must have every line in the lockfile's grammar (for Cargo.lock, with
//! Cargo's keys only) and the kind's landmarks. A file that fails counts like any other.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::RepoPath;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lockfile {
    Cargo,
    Npm,
    Yarn,
    Pnpm,
    GoSum,
    Poetry,
    Uv,
    Gemfile,
    Composer,
}

/// Every kind, by the file name its tool writes.
pub const LOCKFILES: &[(&str, Lockfile)] = &[
    ("Cargo.lock", Lockfile::Cargo),
    ("package-lock.json", Lockfile::Npm),
    ("yarn.lock", Lockfile::Yarn),
    ("pnpm-lock.yaml", Lockfile::Pnpm),
    ("go.sum", Lockfile::GoSum),
    ("poetry.lock", Lockfile::Poetry),
    ("uv.lock", Lockfile::Uv),
    ("Gemfile.lock", Lockfile::Gemfile),
    ("composer.lock", Lockfile::Composer),
];

impl Lockfile {
    /// The kind a path's file name says it is, in any folder.
    pub fn of(path: &RepoPath) -> Option<Self> {
        let bytes = path.as_bytes();
        let name = bytes.rsplit(|&b| b == b'/').next().unwrap_or(bytes);
        LOCKFILES
            .iter()
            .find(|(file_name, _)| file_name.as_bytes() == name)
            .map(|&(_, kind)| kind)
    }

    /// Whether `content` is this kind of lockfile.
    pub fn is_genuine(self, content: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(content) else {
            return false;
        };
        match self {
            Lockfile::Cargo => cargo(text),
            Lockfile::Poetry => poetry(text),
            Lockfile::Uv => uv(text),
            Lockfile::Npm => npm(text),
            Lockfile::Composer => composer(text),
            Lockfile::GoSum => !text.is_empty() && text.lines().all(go_sum_line),
            Lockfile::Gemfile => gemfile(text),
            Lockfile::Yarn => yarn(text),
            Lockfile::Pnpm => pnpm(text),
        }
    }
}

// ---- TOML kinds ----------------------------------------------------------------------------
//
// Read line by line rather than parsed: a TOML parser takes several times as long as git needs
// to diff the file. The grammar is the subset lockfile writers use: comments only at the top,
// table headers, `key = value` with single-line values (strings without escapes, numbers,
// booleans, inline arrays and tables of those), array items, and closing brackets.

static TOML_HEADER: LazyLock<Option<Regex>> =
    LazyLock::new(|| compiled(r"^\[\[?[A-Za-z0-9_.-]+\]\]?$"));
static TOML_ENTRY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r#"^(?:[A-Za-z0-9_-]+|"[^"\\]*") = "#,
        r#"(?:"[^"\\]*"|'[^']*'|-?[0-9]+|true|false|\["#,
        r#"|[\[{](?:[ ]|"[^"\\]*"|'[^']*'|[A-Za-z0-9_.+-]+|[=,\[\]{}])*[\]}])$"#
    ))
});
static TOML_ITEM: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r#"^ +(?:"[^"\\]*"|'[^']*'|-?[0-9]+"#,
        r#"|[\[{](?:[ ]|"[^"\\]*"|'[^']*'|[A-Za-z0-9_.+-]+|[=,\[\]{}])*[\]}]),?$"#
    ))
});

/// Whether every line is in the lockfile TOML grammar, and each `key = value` line's key is
/// allowed by `key_allowed`.
fn toml_lines(text: &str, key_allowed: impl Fn(&str) -> bool) -> bool {
    let mut top = true;
    text.lines().all(|line| {
        if line.starts_with('#') {
            return top;
        }
        top = false;
        if line.is_empty() || line == "]" || matches(&TOML_HEADER, line) {
            return true;
        }
        if let Some((key, _)) = line.split_once(" = ") {
            if matches(&TOML_ENTRY, line) {
                return key_allowed(key);
            }
        }
        matches(&TOML_ITEM, line)
    })
}

fn cargo(text: &str) -> bool {
    const KEYS: &[&str] = &[
        "version",
        "name",
        "source",
        "checksum",
        "dependencies",
        "replace",
    ];
    text.lines().any(|line| line == "[[package]]")
        && toml_lines(text, |key| {
            KEYS.contains(&key) || key.starts_with("\"checksum ")
        })
}

fn poetry(text: &str) -> bool {
    text.lines().any(|line| line == "[[package]]")
        && text
            .lines()
            .any(|line| line.starts_with("content-hash = \""))
        && toml_lines(text, |_| true)
}

fn uv(text: &str) -> bool {
    text.lines()
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .is_some_and(|first| {
            first
                .strip_prefix("version = ")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        && text.lines().any(|line| line == "[[package]]")
        && toml_lines(text, |_| true)
}

// ---- JSON kinds ----------------------------------------------------------------------------

fn json_document(text: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if !json_single_line(&value) {
        return None;
    }
    match value {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

fn json_single_line(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => !s.contains(['\n', '\r']),
        serde_json::Value::Array(items) => items.iter().all(json_single_line),
        serde_json::Value::Object(map) => map
            .iter()
            .all(|(key, value)| !key.contains(['\n', '\r']) && json_single_line(value)),
        _ => true,
    }
}

fn npm(text: &str) -> bool {
    let Some(doc) = json_document(text) else {
        return false;
    };
    const KEYS: &[&str] = &[
        "name",
        "version",
        "lockfileVersion",
        "requires",
        "packages",
        "dependencies",
    ];
    doc.keys().all(|key| KEYS.contains(&key.as_str()))
        && doc.get("lockfileVersion").is_some_and(|v| v.is_u64())
        && ["packages", "dependencies"]
            .iter()
            .any(|key| doc.get(*key).is_some_and(|v| v.is_object()))
}

fn composer(text: &str) -> bool {
    let Some(doc) = json_document(text) else {
        return false;
    };
    const KEYS: &[&str] = &[
        "_readme",
        "content-hash",
        "hash",
        "packages",
        "packages-dev",
        "aliases",
        "minimum-stability",
        "stability-flags",
        "prefer-stable",
        "prefer-lowest",
        "platform",
        "platform-dev",
        "platform-overrides",
        "plugin-api-version",
    ];
    let named = |value: &serde_json::Value| {
        value.as_array().is_some_and(|list| {
            list.iter().all(|package| {
                package.get("name").is_some_and(|v| v.is_string())
                    && package.get("version").is_some_and(|v| v.is_string())
            })
        })
    };
    doc.keys().all(|key| KEYS.contains(&key.as_str()))
        && ["content-hash", "hash"]
            .iter()
            .any(|key| doc.get(*key).is_some_and(|v| v.is_string()))
        && doc.get("packages").is_some_and(named)
        && doc
            .get("packages-dev")
            .is_none_or(|v| v.is_null() || named(v))
}

// ---- line-based kinds ----------------------------------------------------------------------

/// A pattern compiled once; `None` would mean a bad pattern, and then nothing matches.
fn compiled(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

fn matches(pattern: &LazyLock<Option<Regex>>, line: &str) -> bool {
    pattern.as_ref().is_some_and(|regex| regex.is_match(line))
}

/// `<module> <version>[/go.mod] h1:<base64>`.
fn go_sum_line(line: &str) -> bool {
    let mut fields = line.split(' ');
    let (Some(module), Some(version), Some(hash), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    let base64 = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    };
    !module.is_empty()
        && !module.contains(char::is_whitespace)
        && version.starts_with('v')
        && !version.contains(char::is_whitespace)
        && hash.strip_prefix("h1:").is_some_and(base64)
}

static GEMFILE_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r"^(?:",
        r"|[A-Z][A-Z ]*",   // GEM, BUNDLED WITH, ...
        r"|  [a-z_]+: \S*", // remote:, revision:, ...
        r"|  specs:",
        r"| {2,6}[^\s()!]+(?: \([^()]*\))?!?(?: sha256=[0-9a-f]+)?", // a gem, a dependency
        r"|   (?:ruby )?[0-9][0-9A-Za-z.]*",                         // BUNDLED WITH, RUBY VERSION
        r")$"
    ))
});

fn gemfile(text: &str) -> bool {
    text.lines()
        .any(|line| matches!(line, "GEM" | "PATH" | "GIT" | "DEPENDENCIES"))
        && text.lines().all(|line| matches(&GEMFILE_LINE, line))
}

static YARN_ENTRY: LazyLock<Option<Regex>> =
    LazyLock::new(|| compiled(r##"^(?:"[^"]+"|[^\s"#:,]+)(?:, (?:"[^"]+"|[^\s"#:,]+))*:$"##));
static YARN_FIELD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r"^  (?:version|resolved|integrity|uid|languageName|linkType|resolution|checksum",
        r"|conditions|cacheKey):? \S.*$"
    ))
});
static YARN_SECTION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r"^  (?:dependencies|optionalDependencies|peerDependencies|peerDependenciesMeta",
        r"|dependenciesMeta|bin):$"
    ))
});
static YARN_ITEM: LazyLock<Option<Regex>> =
    LazyLock::new(|| compiled(r#"^    (?:"[^"]+"|[^\s"]+)(?::? (?:"[^"]*"|[^\s"]+)|:)$"#));
static YARN_META: LazyLock<Option<Regex>> = LazyLock::new(|| compiled(r"^      [A-Za-z]+: \S+$"));

/// yarn.lock, classic (`# yarn lockfile v1`) or Berry (`__metadata:`): entries of known fields,
/// dependency lists only under a dependency section.
fn yarn(text: &str) -> bool {
    #[derive(PartialEq)]
    enum At {
        Top,
        Entry,
        Section,
        Item,
    }
    if !text
        .lines()
        .any(|line| line == "# yarn lockfile v1" || line == "__metadata:")
    {
        return false;
    }
    let mut at = At::Top;
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        at = if matches(&YARN_ENTRY, line) || (at != At::Top && matches(&YARN_FIELD, line)) {
            At::Entry
        } else if at != At::Top && matches(&YARN_SECTION, line) {
            At::Section
        } else if matches!(at, At::Section | At::Item) && matches(&YARN_ITEM, line) {
            if line.ends_with(':') {
                At::Item
            } else {
                At::Section
            }
        } else if at == At::Item && matches(&YARN_META, line) {
            At::Item
        } else {
            return false;
        };
    }
    true
}

static PNPM_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r##"^(?:  )*(?:"##,
        r##"(?:- )?(?:'[^']*'|"[^"]*"|[^\s'"#:][^\s:]*):(?: \S.*)?"##, // key: value
        r##"|- \S.*"##,                                                // list item
        r##")$"##
    ))
});

/// pnpm-lock.yaml: starts with its `lockfileVersion`, and every line is a YAML key or list item.
fn pnpm(text: &str) -> bool {
    let mut lines = text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'));
    lines
        .next()
        .is_some_and(|first| first.starts_with("lockfileVersion:"))
        && lines.all(|line| matches(&PNPM_LINE, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARGO_LOCK: &str = "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = \"anyhow\"\nversion = \"1.0.98\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"e16d2d3311acee920a9eb8d33b8cbc1787ce4a264e85f964c2404b969bdcd487\"\n\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\n \"anyhow\",\n \"serde 1.0.1 (registry+https://github.com/rust-lang/crates.io-index)\",\n]\n";

    fn genuine(name: &str, content: &str) -> bool {
        Lockfile::of(&RepoPath::from(name))
            .unwrap_or_else(|| panic!("{name} is a lockfile name"))
            .is_genuine(content.as_bytes())
    }

    const CODE: &str = "fn main() {\n    let x = 1;\n    println!(\"{x}\");\n}\n";

    #[test]
    fn names_are_matched_in_any_folder_exactly() {
        assert_eq!(
            Lockfile::of(&"src/Cargo.lock".into()),
            Some(Lockfile::Cargo)
        );
        assert_eq!(Lockfile::of(&"Cargo.lock.rs".into()), None);
        assert_eq!(Lockfile::of(&"cargo.lock".into()), None);
    }

    #[test]
    fn real_lockfiles_are_genuine() {
        assert!(genuine("Cargo.lock", CARGO_LOCK));
        assert!(genuine(
            "package-lock.json",
            "{\n  \"name\": \"demo\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {\n    \"\": {\"name\": \"demo\", \"dependencies\": {\"left-pad\": \"^1.3.0\"}},\n    \"node_modules/left-pad\": {\"version\": \"1.3.0\", \"resolved\": \"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz\", \"integrity\": \"sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ9xmmRl6fcV/2bddT0rmKvkPm5BOrHjj1J7l5ZCA2m8Nj1w==\", \"license\": \"WTFPL\"}\n  }\n}\n"
        ));
        assert!(genuine(
            "yarn.lock",
            "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n  version \"7.12.13\"\n  resolved \"https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658\"\n  integrity sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==\n  dependencies:\n    \"@babel/highlight\" \"^7.12.13\"\n    js-tokens \"^3.0.0 || ^4.0.0\"\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n"
        ));
        assert!(genuine(
            "yarn.lock",
            "# This file is generated by running \"yarn install\" inside your project.\n\n__metadata:\n  version: 6\n  cacheKey: 8\n\n\"left-pad@npm:^1.3.0\":\n  version: 1.3.0\n  resolution: \"left-pad@npm:1.3.0\"\n  dependencies:\n    js-tokens: \"npm:^4.0.0\"\n  peerDependenciesMeta:\n    react:\n      optional: true\n  checksum: 13fa96e17b70a54836490de22d4bab706e2ed508338bbabecfac72ecce445a74139c5b009a8112252cab8fc4ab7ac4ebd870e5b35bd236b443b12be96f8745ac\n  languageName: node\n  linkType: hard\n"
        ));
        assert!(genuine(
            "pnpm-lock.yaml",
            "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n\nimporters:\n\n  .:\n    dependencies:\n      left-pad:\n        specifier: ^1.3.0\n        version: 1.3.0\n\npackages:\n\n  left-pad@1.3.0:\n    resolution: {integrity: sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ9xmmRl6fcV/2bddT0rmKvkPm5BOrHjj1J7l5ZCA2m8Nj1w==}\n    deprecated: use String.prototype.padStart()\n    os: [darwin, linux]\n"
        ));
        assert!(genuine(
            "go.sum",
            "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=\ngolang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n"
        ));
        assert!(genuine(
            "poetry.lock",
            "# This file is automatically @generated by Poetry 1.8.3 and should not be changed by hand.\n\n[[package]]\nname = \"idna\"\nversion = \"3.7\"\ndescription = \"Internationalized Domain Names in Applications (IDNA)\"\noptional = false\npython-versions = \">=3.5\"\nfiles = [\n    {file = \"idna-3.7-py3-none-any.whl\", hash = \"sha256:82fee1fc78add43492d3a1898bfa6d8a904cc97d8427f683ed8e798d07761aa0\"},\n]\n\n[metadata]\nlock-version = \"2.0\"\npython-versions = \"^3.11\"\ncontent-hash = \"7f2a1b\"\n"
        ));
        assert!(genuine(
            "uv.lock",
            "version = 1\nrevision = 2\nrequires-python = \">=3.12\"\n\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\ndependencies = [\n    { name = \"idna\" },\n]\n\n[[package]]\nname = \"idna\"\nversion = \"3.7\"\nsource = { registry = \"https://pypi.org/simple\" }\nsdist = { url = \"https://files.pythonhosted.org/idna-3.7.tar.gz\", hash = \"sha256:028ff3aadf0609c1fd278d8ea3089299412a7a8b9bd005dd08b9f8285bcb5cfc\", size = 189575 }\n"
        ));
        assert!(genuine(
            "Gemfile.lock",
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.0.8)\n    rails (7.1.3)\n      actioncable (= 7.1.3)\n      bundler (>= 1.15.0)\n\nPLATFORMS\n  ruby\n  x86_64-linux\n\nDEPENDENCIES\n  rails (~> 7.1)\n\nCHECKSUMS\n  rack (3.0.8) sha256=abc123\n\nRUBY VERSION\n   ruby 3.3.0p0\n\nBUNDLED WITH\n   2.5.6\n"
        ));
        assert!(genuine(
            "composer.lock",
            "{\n    \"_readme\": [\n        \"This file locks the dependencies of your project to a known state\"\n    ],\n    \"content-hash\": \"9c3b1f\",\n    \"packages\": [\n        {\n            \"name\": \"monolog/monolog\",\n            \"version\": \"3.5.0\",\n            \"description\": \"Sends your logs to files, sockets, inboxes, databases and various web services\"\n        }\n    ],\n    \"packages-dev\": [],\n    \"aliases\": [],\n    \"minimum-stability\": \"stable\",\n    \"stability-flags\": [],\n    \"prefer-stable\": false,\n    \"prefer-lowest\": false,\n    \"platform\": [],\n    \"platform-dev\": [],\n    \"plugin-api-version\": \"2.6.0\"\n}\n"
        ));
    }

    #[test]
    fn code_under_a_lockfile_name_is_not_genuine() {
        for (name, _) in LOCKFILES {
            assert!(!genuine(name, CODE), "{name}");
            assert!(!genuine(name, ""), "{name}: empty");
        }
        // A lockfile's header on top of code does not make it one.
        let forged = format!(
            "{}{CODE}",
            &CARGO_LOCK[..CARGO_LOCK.find("\n\n").unwrap() + 2]
        );
        assert!(!genuine("Cargo.lock", &forged));
        assert!(!genuine(
            "yarn.lock",
            &format!("# yarn lockfile v1\n\n{CODE}")
        ));
        assert!(!genuine(
            "yarn.lock",
            "# yarn lockfile v1\n\ndef main(x):\n    return x\n"
        ));
        assert!(!genuine(
            "pnpm-lock.yaml",
            &format!("lockfileVersion: '9.0'\n{CODE}")
        ));
        assert!(!genuine("Gemfile.lock", &format!("GEM\n{CODE}")));
        // Code hidden in a multi-line string of an otherwise valid document.
        let smuggled = CARGO_LOCK.replace("\"demo\"", &format!("\"\"\"\n{CODE}\"\"\""));
        assert!(!genuine("Cargo.lock", &smuggled));
        // Keys a lockfile does not have.
        let extra = CARGO_LOCK.replace("name = \"demo\"", "name = \"demo\"\nbuild = \"x\"");
        assert!(!genuine("Cargo.lock", &extra));
    }
}

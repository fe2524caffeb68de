//! The documentation a new user reads: a short README whose links all lead somewhere, and a
//! changelog that knows the version being built.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings, outside fenced blocks.
fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            let title = line.trim_start_matches('#');
            if title.starts_with(' ') {
                found.push(anchor(title.trim()));
            }
        }
    }
    found
}

/// Every link `](target)` of a Markdown text that is not a web address.
fn local_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        rest = &rest[start + 2..];
        if let Some(end) = rest.find(')') {
            let target = &rest[..end];
            if !target.starts_with("http") && !target.starts_with("mailto:") {
                links.push(target.to_string());
            }
        }
    }
    links
}

#[test]
fn readme_is_a_short_front_door_and_every_link_of_it_and_docs_resolves() {
    let root = root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines < 400,
        "README.md has {lines} lines; reference material goes to docs/"
    );
    let quick = readme.find("## Quick start").expect("a quick start");
    let example = readme
        .find("## A worked example")
        .expect("a worked example");
    assert!(
        quick < example && readme[..example].lines().count() < 80,
        "the first screen"
    );
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for link in local_links(&text) {
            let (target, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target_file = if target.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(target)
            };
            if !target_file.exists() {
                broken.push(format!("{}: {link} (no such file)", file.display()));
                continue;
            }
            if !fragment.is_empty() {
                let text = std::fs::read_to_string(&target_file).unwrap();
                if !anchors(&text).iter().any(|a| a == fragment) {
                    broken.push(format!("{}: {link} (no such heading)", file.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn changelog_has_an_entry_for_the_version_being_built() {
    let changelog = std::fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        changelog.contains(&format!("\n## [{version}] - ")),
        "CHANGELOG.md has no section for {version}"
    );
    assert!(
        changelog.contains("\n## [Unreleased]\n"),
        "Keep a Changelog's Unreleased section"
    );
}

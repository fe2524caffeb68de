//! libgit2's types stay inside the git adapter: `execguard-git` shows none in its public items,
//! and the CLI neither depends on git2 nor names it.

use crate::sources;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use sources::*;

/// The statements of `code` that start with `keyword` (`use `, `pub use `), each up to its `;`.
fn statements<'a>(code: &'a str, keyword: &str) -> Vec<&'a str> {
    code.match_indices(keyword)
        .filter(|(at, _)| code[..*at].ends_with(['\n', ' ', '\t']) || *at == 0)
        .filter_map(|(at, _)| code[at..].find(';').map(|end| &code[at..=at + end]))
        .collect()
}

/// The names a file's code takes from git2 (`use git2::{Oid, Repository}` gives `Oid` and
/// `Repository`), with `git2` itself.
fn git2_names(code: &str) -> BTreeSet<String> {
    let git2 = ["git2".to_string()];
    let mut names = BTreeSet::from(["git2".to_string()]);
    for statement in statements(code, "use ") {
        for path in named_paths(statement, &git2) {
            let name = path.alias.or_else(|| path.segments.last().cloned());
            names.extend(name.filter(|name| name != "*" && name != "self"));
        }
    }
    names
}

fn mentions(text: &str, names: &BTreeSet<String>) -> bool {
    text.split(|c: char| !is_ident(c))
        .any(|word| names.contains(word))
}

/// The text from `start` to the end of the item there: its first `;` or `{`, or (`whole`) the
/// `}` that closes the body it opens.
fn item_at(code: &str, start: usize, whole: bool) -> &str {
    let mut depth = 0;
    for (i, c) in code[start..].char_indices() {
        match c {
            ';' if depth == 0 => return &code[start..=start + i],
            '{' if !whole => return &code[start..start + i],
            '{' => depth += 1,
            '}' if depth == 1 => return &code[start..=start + i],
            '}' => depth -= 1,
            _ => {}
        }
    }
    &code[start..]
}

/// Every public item of the crate in `src` that shows one of libgit2's types: a re-export from
/// git2, a `pub fn` signature, a public field, a public enum's variants, a trait impl that names
/// git2 in its trait (`From<git2::Error>`) or a `Deref` to it. Test code is left out.
fn libgit2_in_public_items(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(src) {
        let code = code_outside_tests(&fs::read_to_string(&file).expect("source readable"));
        let names = git2_names(&code);
        let name = file
            .strip_prefix(src)
            .unwrap_or(&file)
            .display()
            .to_string();
        let mut shown = |item: &str| found.push(format!("{name}: {}", item.trim()));
        for statement in statements(&code, "pub use ") {
            if !named_paths(statement, &["git2".to_string()]).is_empty() {
                shown(statement);
            }
        }
        for (at, line) in code
            .match_indices('\n')
            .map(|(at, _)| at + 1)
            .map(|at| (at, &code[at..]))
        {
            let line = line.lines().next().unwrap_or_default();
            let item = line.trim_start();
            let at = at + (line.len() - item.len());
            if item.starts_with("pub fn ") || item.starts_with("pub const fn ") {
                let signature = item_at(&code, at, false);
                if mentions(signature, &names) {
                    shown(signature);
                }
            } else if item.starts_with("pub enum ") {
                let body = item_at(&code, at, true);
                if mentions(body, &names) {
                    shown(body);
                }
            } else if item.starts_with("pub struct ") {
                let body = item_at(&code, at, true);
                let header = body.find(['(', '{']).unwrap_or(body.len());
                for field in body[header..].split(['(', '{', ',', '\n']) {
                    if field.trim_start().starts_with("pub ") && mentions(field, &names) {
                        shown(field);
                    }
                }
            } else if item.starts_with("impl") && item.contains(" for ") {
                let header = item_at(&code, at, false);
                let trait_part = header.split(" for ").next().unwrap_or_default();
                if mentions(trait_part, &names) {
                    shown(header);
                }
            } else if item.starts_with("type Target") && mentions(item, &names) {
                shown(item);
            }
        }
    }
    found
}

#[test]
fn libgit2_types_stay_inside_the_git_adapter() {
    let found = libgit2_in_public_items(&crate_src("execguard-git"));
    assert!(
        found.is_empty(),
        "execguard-git shows libgit2's types in its public items; give them a type of its own:\n{}",
        found.join("\n")
    );
    let manifest = crate_src("execguard").join("../Cargo.toml");
    let manifest = fs::read_to_string(&manifest).expect("the CLI's Cargo.toml");
    let direct: Vec<&str> = manifest
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("git2") || line.starts_with("libgit2"))
        .collect();
    assert!(
        direct.is_empty(),
        "the CLI depends on libgit2 itself: {direct:?}"
    );
    for file in rust_files(&crate_src("execguard")) {
        let code = code_outside_tests(&fs::read_to_string(&file).expect("source readable"));
        let paths = named_paths(&code, &["git2".to_string()]);
        assert!(paths.is_empty(), "{} names git2: {paths:?}", file.display());
    }
}

#[test]
fn libgit2_types_in_public_items_are_named() {
    let dir = scratch_crate(&[
        ("lib.rs", "mod a;\nmod b;\npub use git2::{Oid, Repository as Repo};\n"),
        (
            "a.rs",
            "use git2::{Oid, Repository};\nuse std::path::Path;\n\npub fn open(path: &Path) -> Repository {\n    todo!()\n}\npub(crate) fn id(repo: &Repository) -> Oid {\n    todo!()\n}\npub fn plain(path: &Path) -> bool {\n    true\n}\npub struct Wrapped(git2::Tree<'static>);\npub struct Shown(pub git2::Error);\npub struct Fields {\n    pub id: Oid,\n    inner: Repository,\n}\n",
        ),
        (
            "b.rs",
            "use git2::Tree;\n\npub enum Side<'r> {\n    Empty,\n    Tree(Tree<'r>),\n}\npub(crate) enum Inner {\n    A(git2::Oid),\n}\nimpl From<git2::Error> for Error {\n    fn from(e: git2::Error) -> Self {\n        todo!()\n    }\n}\nimpl std::ops::Deref for Error {\n    type Target = git2::Error;\n}\nimpl Local for git2::TreeEntry<'_> {}\n",
        ),
    ]);
    let found = libgit2_in_public_items(dir.path());
    let found: Vec<String> = found
        .iter()
        .map(|item| item.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        found,
        [
            "a.rs: pub fn open(path: &Path) -> Repository",
            "a.rs: pub git2::Error);",
            "a.rs: pub id: Oid",
            "b.rs: pub enum Side<'r> { Empty, Tree(Tree<'r>), }",
            "b.rs: impl From<git2::Error> for Error",
            "b.rs: type Target = git2::Error;",
            "lib.rs: pub use git2::{Oid, Repository as Repo};",
        ]
    );
}

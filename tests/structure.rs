//! No crate of the workspace has modules that import each other in a circle.
//!
//! The graph is read from the sources, following the `mod` declarations from each crate's
//! `lib.rs`, test code and comments left out. Every path a module names through `crate::`,
//! `super::`, `self::` or one of its own submodules is an edge to the module that holds what it
//! names (a name the crate root re-exports counts as its module's), and a module depends on the
//! modules it declares. The nodes are the top-level modules (a module's files below it count as
//! it), and for the CLI also the modules directly inside `push/`, `agent/` and `agent/shell/`.
//! The crate root declares every module, so a module that names an item defined in the root
//! itself closes a circle through the root: the root only declares and re-exports.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The node that stands for the crate root (`lib.rs`).
const ROOT: &str = "(crate root)";

type Graph = BTreeMap<String, BTreeSet<String>>;
type ModulePath = Vec<String>;

/// The code of a file without comments and without `#[cfg(test)]` modules or items.
fn code_outside_tests(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            // The test module or item that follows: one line ending in `;`, or a block closed by
            // a `}` at the attribute's indentation.
            let indent = &line[..line.len() - line.trim_start().len()];
            for item in lines.by_ref() {
                if item.trim_start().starts_with("#[") {
                    continue;
                }
                if item.trim_end().ends_with(';') {
                    break;
                }
                for body in lines.by_ref() {
                    if body == format!("{indent}}}") {
                        break;
                    }
                }
                break;
            }
            continue;
        }
        if line.trim_start().starts_with("//") {
            continue;
        }
        let line = line.split(" // ").next().unwrap_or_default();
        code.push_str(line);
        code.push('\n');
    }
    code
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The modules `code` declares with `mod name;`.
fn declared_modules(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("pub ").unwrap_or(line);
            let rest = rest.strip_prefix("pub(crate) ").unwrap_or(rest);
            let name = rest.strip_prefix("mod ")?.strip_suffix(';')?;
            name.chars().all(is_ident).then(|| name.to_string())
        })
        .collect()
}

/// One path of a `use` tree or an expression, with the name it is imported as.
#[derive(Debug, PartialEq)]
struct NamedPath {
    segments: Vec<String>,
    alias: Option<String>,
}

/// Reads the path (or `use` tree) that starts at `chars[*at]`, below `prefix`.
fn read_tree(chars: &[char], at: &mut usize, prefix: Vec<String>, out: &mut Vec<NamedPath>) {
    let skip_space = |at: &mut usize| {
        while *at < chars.len() && chars[*at].is_whitespace() {
            *at += 1;
        }
    };
    skip_space(at);
    match chars.get(*at) {
        Some('{') => {
            *at += 1;
            loop {
                skip_space(at);
                match chars.get(*at) {
                    None => return,
                    Some('}') => {
                        *at += 1;
                        return;
                    }
                    Some(',') => *at += 1,
                    _ => {
                        let before = *at;
                        read_tree(chars, at, prefix.clone(), out);
                        if *at == before {
                            *at += 1;
                        }
                    }
                }
            }
        }
        Some('*') => {
            *at += 1;
            let mut segments = prefix;
            segments.push("*".to_string());
            out.push(NamedPath {
                segments,
                alias: None,
            });
        }
        _ => {
            let start = *at;
            while *at < chars.len() && is_ident(chars[*at]) {
                *at += 1;
            }
            let ident: String = chars[start..*at].iter().collect();
            let mut segments = prefix;
            // `self` inside a group names the group's own path.
            let names_prefix = ident == "self" && !segments.is_empty();
            if !ident.is_empty() && !names_prefix {
                segments.push(ident);
            }
            if chars.get(*at) == Some(&':') && chars.get(*at + 1) == Some(&':') {
                *at += 2;
                read_tree(chars, at, segments, out);
                return;
            }
            let mut alias = None;
            let mut look = *at;
            while look < chars.len() && chars[look].is_whitespace() {
                look += 1;
            }
            if chars[look..].starts_with(&['a', 's', ' ']) {
                look += 3;
                let from = look;
                while look < chars.len() && is_ident(chars[look]) {
                    look += 1;
                }
                alias = Some(chars[from..look].iter().collect());
                *at = look;
            }
            if !segments.is_empty() {
                out.push(NamedPath { segments, alias });
            }
        }
    }
}

/// The paths `code` names that start with one of `starts` (`crate`, `super`, `self`, a
/// submodule) followed by `::`.
fn named_paths(code: &str, starts: &[String]) -> Vec<NamedPath> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let boundary = at == 0 || !(is_ident(chars[at - 1]) || matches!(chars[at - 1], ':' | '$'));
        if boundary && is_ident(chars[at]) {
            let end = (at..chars.len())
                .find(|&i| !is_ident(chars[i]))
                .unwrap_or(chars.len());
            let word: String = chars[at..end].iter().collect();
            if chars[end..].starts_with(&[':', ':']) && starts.contains(&word) {
                let mut cursor = at;
                read_tree(&chars, &mut cursor, Vec::new(), &mut out);
                at = cursor.max(end);
                continue;
            }
            at = end;
            continue;
        }
        at += 1;
    }
    out
}

/// The path `segments` names from module `module`, from the crate root.
fn absolute(module: &[String], segments: &[String]) -> ModulePath {
    let mut path: ModulePath = module.to_vec();
    for (i, segment) in segments.iter().enumerate() {
        match segment.as_str() {
            "crate" if i == 0 => path.clear(),
            "self" if i == 0 => {}
            "super" => {
                path.pop();
            }
            _ => path.push(segment.clone()),
        }
    }
    path
}

/// One source file of a crate's module tree.
struct Source {
    module: ModulePath,
    code: String,
}

/// The files of the module tree declared from `src/lib.rs`.
fn module_tree(src: &Path) -> Vec<Source> {
    let mut sources = Vec::new();
    let mut pending = vec![(Vec::new(), src.join("lib.rs"))];
    while let Some((module, file)) = pending.pop() {
        let text = fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let code = code_outside_tests(&text);
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let dir: PathBuf = match name {
            "lib.rs" | "mod.rs" => file.parent().expect("a parent").to_path_buf(),
            _ => file.with_extension(""),
        };
        for child in declared_modules(&code) {
            let flat = dir.join(format!("{child}.rs"));
            let nested = dir.join(&child).join("mod.rs");
            let path = if flat.exists() { flat } else { nested };
            let mut child_module = module.clone();
            child_module.push(child);
            pending.push((child_module, path));
        }
        sources.push(Source { module, code });
    }
    sources
}

/// The node a module counts as: its top-level module, or inside a module of `opened` (written
/// `agent::shell`) the module directly inside it.
fn node_of(module: &[String], opened: &[&str]) -> String {
    if module.is_empty() {
        return ROOT.to_string();
    }
    let depth = (1..module.len())
        .rev()
        .find(|&n| opened.contains(&module[..n].join("::").as_str()))
        .map_or(1, |n| n + 1);
    module[..depth].join("::")
}

/// The import graph of the crate whose sources are in `src`.
fn crate_graph(src: &Path, opened: &[&str]) -> Graph {
    let sources = module_tree(src);
    let modules: BTreeSet<ModulePath> = sources.iter().map(|s| s.module.clone()).collect();
    let declared = |module: &ModulePath| -> Vec<String> {
        modules
            .iter()
            .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
            .map(|m| m[module.len()].clone())
            .collect()
    };
    // What the root re-exports, by the name it is known as: the module path it comes from.
    let root = sources
        .iter()
        .find(|s| s.module.is_empty())
        .expect("lib.rs");
    let mut reexports: BTreeMap<String, Option<ModulePath>> = BTreeMap::new();
    for line in root.code.split(';') {
        let Some(tree) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let chars: Vec<char> = tree.chars().collect();
        let mut paths = Vec::new();
        read_tree(&chars, &mut 0, Vec::new(), &mut paths);
        for path in paths {
            let name = path
                .alias
                .or(path.segments.last().cloned())
                .unwrap_or_default();
            let first = &path.segments[0];
            let internal = ["crate", "self", "super"].contains(&first.as_str())
                || modules.contains(std::slice::from_ref(first));
            reexports.insert(name, internal.then(|| absolute(&[], &path.segments)));
        }
    }
    let mut graph = Graph::new();
    for source in &sources {
        let from = node_of(&source.module, opened);
        let mut starts: Vec<String> = ["crate", "super", "self"].map(String::from).to_vec();
        starts.extend(declared(&source.module));
        let edges = graph.entry(from.clone()).or_default();
        if source.module.is_empty() {
            continue;
        }
        // A module holds the modules it declares.
        for child in declared(&source.module) {
            let to = node_of(&[source.module.clone(), vec![child]].concat(), opened);
            if to != from {
                edges.insert(to);
            }
        }
        for path in named_paths(&source.code, &starts) {
            let mut target = absolute(&source.module, &path.segments);
            if let Some(first) = target.first() {
                if !modules.contains(std::slice::from_ref(first)) {
                    match reexports.get(first) {
                        Some(Some(origin)) => {
                            target = origin.iter().chain(&target[1..]).cloned().collect();
                        }
                        // Another crate's item, re-exported.
                        Some(None) => continue,
                        None => {}
                    }
                }
            }
            let held = (0..=target.len())
                .rev()
                .map(|n| &target[..n])
                .find(|prefix| modules.contains(*prefix))
                .unwrap_or_default();
            let to = node_of(held, opened);
            if to != from {
                edges.insert(to);
            }
        }
    }
    // The root declares every module: it sits above them all.
    let nodes: Vec<String> = graph.keys().filter(|n| *n != ROOT).cloned().collect();
    graph.entry(ROOT.to_string()).or_default().extend(nodes);
    graph
}

/// A cycle of `graph`, as the nodes along it, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

/// Fails naming the circle when the crate's modules import each other in one.
fn assert_no_cycle(name: &str, graph: &Graph) {
    if let Some(cycle) = find_cycle(graph) {
        panic!(
            "{name}: modules import each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}

fn edge(graph: &Graph, from: &str, to: &str) -> bool {
    graph.get(from).is_some_and(|edges| edges.contains(to))
}

#[test]
fn the_core_has_no_import_cycle() {
    let graph = crate_graph(&crate_src("execguard-core"), &[]);
    assert!(
        edge(&graph, "rules", "context") && edge(&graph, "engine", "rules"),
        "the graph is read from the sources: {graph:?}"
    );
    assert!(
        graph["rule_id"].is_empty(),
        "rule_id imports nothing from the crate: {:?}",
        graph["rule_id"]
    );
    assert_no_cycle("execguard-core", &graph);
}

#[test]
fn the_git_adapter_has_no_import_cycle() {
    let graph = crate_graph(&crate_src("execguard-git"), &[]);
    assert!(
        edge(&graph, "trees", "read_cache") && edge(&graph, "config", "error"),
        "the graph is read from the sources, through the root's re-exports: {graph:?}"
    );
    assert_no_cycle("execguard-git", &graph);
}

#[test]
fn the_cli_has_no_import_cycle_nor_inside_push_and_agent() {
    let graph = crate_graph(&crate_src("execguard"), &["push", "agent", "agent::shell"]);
    assert!(
        edge(&graph, "output", "render")
            && edge(&graph, "push::hidden", "push::ref_update")
            && edge(&graph, "agent", "agent::files")
            && edge(&graph, "agent::shell::commands", "agent::files")
            && edge(&graph, "agent::shell::words", "agent::shell::walker"),
        "the graph is read from the sources, inside push and agent: {graph:?}"
    );
    assert_no_cycle("execguard", &graph);
}

#[test]
fn the_reader_sees_grouped_imports_and_skips_tests_and_comments() {
    let code = code_outside_tests(
        "use crate::{config::Config, model::{Side, Trees}};\n// crate::engine\nfn f() { crate::report::x(); } // crate::rules\n#[cfg(test)]\nmod tests {\n    use crate::engine;\n}\nuse super::{a as b, c::*};\nuse crate::markdown;\n",
    );
    let starts = ["crate", "super"].map(String::from);
    let paths: Vec<String> = named_paths(&code, &starts)
        .into_iter()
        .map(|p| p.segments.join("::") + &p.alias.map(|a| format!(" as {a}")).unwrap_or_default())
        .collect();
    assert_eq!(
        paths,
        [
            "crate::config::Config",
            "crate::model::Side",
            "crate::model::Trees",
            "crate::report::x",
            "super::a as b",
            "super::c::*",
            "crate::markdown",
        ]
    );
}

/// A crate in a temporary directory, from (file, contents) pairs.
fn scratch_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("a parent")).expect("directory created");
        fs::write(path, text).expect("file written");
    }
    dir
}

#[test]
fn a_circle_between_modules_is_named() {
    let dir = scratch_crate(&[
        ("lib.rs", "mod a;\nmod b;\npub use b::Thing;\n"),
        ("a.rs", "use crate::Thing;\npub struct Other;\n"),
        ("b.rs", "pub struct Thing(super::a::Other);\n"),
    ]);
    let graph = crate_graph(dir.path(), &[]);
    assert_eq!(
        find_cycle(&graph).map(|c| c.join(" -> ")),
        Some("a -> b -> a".to_string())
    );
}

#[test]
fn a_circle_inside_an_opened_module_is_named() {
    let dir = scratch_crate(&[
        ("lib.rs", "pub mod push;\n"),
        (
            "push.rs",
            "mod hidden;\npub struct Update;\nfn f() { hidden::g(); }\n",
        ),
        ("push/hidden.rs", "use super::Update;\npub fn g() {}\n"),
    ]);
    let folded = crate_graph(dir.path(), &[]);
    assert_eq!(find_cycle(&folded), None);
    let opened = crate_graph(dir.path(), &["push"]);
    assert_eq!(
        find_cycle(&opened).map(|c| c.join(" -> ")),
        Some("push -> push::hidden -> push".to_string())
    );
}

#[test]
fn a_module_that_names_an_item_of_the_root_closes_a_circle_through_it() {
    let dir = scratch_crate(&[
        (
            "lib.rs",
            "mod trees;\npub use trees::Trees;\npub struct Cache;\n",
        ),
        ("trees.rs", "use crate::Cache;\npub struct Trees;\n"),
    ]);
    let graph = crate_graph(dir.path(), &[]);
    assert_eq!(
        find_cycle(&graph).map(|c| c.join(" -> ")),
        Some(format!("{ROOT} -> trees -> {ROOT}"))
    );
}

// ---- libgit2's types stay inside the git adapter ------------------------------------------------

/// The `.rs` files below `dir`, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("source directory readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

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

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

use crate::sources;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use sources::*;
/// The node that stands for the crate root (`lib.rs`).
const ROOT: &str = "(crate root)";

type Graph = BTreeMap<String, BTreeSet<String>>;

type ModulePath = Vec<String>;

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

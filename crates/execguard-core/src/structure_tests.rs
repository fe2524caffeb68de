//! The crate's modules import each other without a circle: read from the sources, every
//! `crate::<module>` a top-level module names (in a `use` or a path) is an edge, test code left
//! out, and the graph must have no cycle. The order is the one the crate's doc lists.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level module a source file belongs to: `config` for `config.rs` and `config/*.rs`.
/// `None` for the crate root, which only declares and re-exports.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_string())
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("the crate's sources can be listed") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs")
            && !path.to_string_lossy().ends_with("_tests.rs")
        {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without `#[cfg(test)]` modules.
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

/// The top-level modules `code` names as `crate::name` or inside `crate::{a, b::c}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if c.is_whitespace() => {}
                    _ if start => {
                        found.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

/// The import graph between top-level modules.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(module) = top_module(&src, &file) else {
            continue;
        };
        let text = fs::read_to_string(&file).expect("a source file is readable");
        let edges = graph.entry(module.clone()).or_default();
        for target in named_modules(&code_outside_tests(&text)) {
            if target != module {
                edges.insert(target);
            }
        }
    }
    graph
}

/// A cycle of `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
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

#[test]
fn no_import_cycle_between_the_crates_modules() {
    let graph = module_graph();
    assert!(graph.contains_key("rules") && graph.contains_key("config"));
    assert!(
        graph["rules"].contains("context") && graph["engine"].contains("rules"),
        "the graph is read from the sources: {graph:?}"
    );
    assert!(
        graph["rule_id"].is_empty(),
        "rule_id imports nothing from the crate: {:?}",
        graph["rule_id"]
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "modules import each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_reader_sees_grouped_imports_and_skips_tests_and_comments() {
    let code = code_outside_tests(
        "use crate::{config::Config, model::{Side, Trees}};\n// crate::engine\nfn f() { crate::report::x(); } // crate::rules\n#[cfg(test)]\nmod tests {\n    use crate::engine;\n}\nuse crate::markdown;\n",
    );
    let names: Vec<String> = named_modules(&code).into_iter().collect();
    assert_eq!(names, ["config", "markdown", "model", "report"]);
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&graph).map(|c| c.len()), Some(3));
}

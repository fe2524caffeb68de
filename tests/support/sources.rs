//! Reading the workspace's Rust sources as a reviewer reads them, for the tests of its structure:
//! code without comments and test modules, and the paths each `use` and each qualified name
//! points at.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The code of a file without comments and without `#[cfg(test)]` modules or items.
pub fn code_outside_tests(text: &str) -> String {
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

pub fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// One path of a `use` tree or an expression, with the name it is imported as.
#[derive(Debug, PartialEq)]
pub struct NamedPath {
    pub segments: Vec<String>,
    pub alias: Option<String>,
}

/// Reads the path (or `use` tree) that starts at `chars[*at]`, below `prefix`.
pub fn read_tree(chars: &[char], at: &mut usize, prefix: Vec<String>, out: &mut Vec<NamedPath>) {
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
pub fn named_paths(code: &str, starts: &[String]) -> Vec<NamedPath> {
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

pub fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

/// A crate in a temporary directory, from (file, contents) pairs.
pub fn scratch_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("a parent")).expect("directory created");
        fs::write(path, text).expect("file written");
    }
    dir
}

/// The `.rs` files below `dir`, in a stable order.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
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

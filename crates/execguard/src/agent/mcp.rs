//! MCP tools (`mcp__<server>__<tool>` in both hosts' events; their `tool_input` is the tool's
//! own arguments). The common filesystem servers name what they write in fields such as `path`,
//! `paths`, `file_path`, `source` and `destination` (`write_file {path, content}`, `edit_file
//! {path, edits}`, `move_file {source, destination}` of the reference filesystem server). A tool
//! whose name says it only reads (`read_file`, `list_directory`, `search_files`) is allowed;
//! any other tool is judged as writing every path its input names: a write the guard cannot
//! tell from a read is refused on a guarded path. The server resolves relative paths against a
//! root the event does not name, so they are judged from every folder of the repository too.

use std::path::Path;

use serde_json::{Map, Value};

use super::intent::{ComputedWrite, Intent, Write};

/// Fields whose string (or strings) name a file or folder.
const PATH_FIELDS: &[&str] = &[
    "path",
    "paths",
    "file",
    "files",
    "file_path",
    "filepath",
    "filePath",
    "file_paths",
    "filename",
    "fileName",
    "notebook_path",
    "relative_path",
    "target",
    "target_path",
    "targetPath",
    "destination",
    "dest",
    "source",
    "new_path",
    "newPath",
    "old_path",
    "oldPath",
    "from",
    "to",
    "uri",
    "directory",
    "dir",
];

/// Words of a tool name that only read.
const READS: &[&str] = &[
    "read",
    "get",
    "list",
    "search",
    "find",
    "view",
    "show",
    "stat",
    "info",
    "tree",
    "grep",
    "glob",
    "fetch",
    "query",
    "describe",
    "cat",
    "head",
    "tail",
    "diff",
    "status",
    "log",
    "ls",
    "lookup",
    "open",
    "inspect",
    "count",
    "exists",
    "allowed",
    "directories",
    "file",
    "files",
    "text",
    "media",
    "multiple",
    "directory",
    "metadata",
];

/// Whether `tool` (`mcp__filesystem__read_text_file`) names an MCP tool.
pub fn is_mcp(tool: &str) -> bool {
    tool.starts_with("mcp__")
}

/// What an MCP tool call writes, as far as its input names paths.
pub fn mcp_intent(tool: &str, input: &Map<String, Value>, cwd: &Path) -> Intent {
    let name = tool.rsplit("__").next().unwrap_or(tool);
    if only_reads(name) {
        return Intent::default();
    }
    let how = format!("the MCP tool `{name}` would write");
    let mut paths = Vec::new();
    gather(input, &mut paths, 0);
    let mut intent = Intent::default();
    for path in paths {
        let path = path.strip_prefix("file://").unwrap_or(&path).to_string();
        if !path.starts_with('/') {
            intent.computed.push(ComputedWrite {
                dir: None,
                pattern: globset::escape(&path),
                text: path.clone(),
                how: how.clone(),
            });
        }
        intent.writes.push(Write {
            dir: cwd.to_path_buf(),
            path,
            how: how.clone(),
        });
    }
    intent
}

/// Whether every word of a tool's name (`read_text_file`, `listDirectory`) is a reading word.
fn only_reads(name: &str) -> bool {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        let boundary = c == '_' || c == '-' || c == '.' || c.is_uppercase();
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    !words.is_empty() && words.iter().all(|w| READS.contains(&w.as_str()))
}

/// The strings of the path fields of `input`, and of the objects in its arrays (`edits`,
/// `files`), a few levels deep.
fn gather(input: &Map<String, Value>, out: &mut Vec<String>, depth: usize) {
    if depth > 3 {
        return;
    }
    for (key, value) in input {
        let named = PATH_FIELDS.contains(&key.as_str());
        match value {
            Value::String(text) if named && !text.is_empty() => out.push(text.clone()),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::String(text) if named && !text.is_empty() => out.push(text.clone()),
                        Value::Object(inner) => gather(inner, out, depth + 1),
                        _ => {}
                    }
                }
            }
            Value::Object(inner) => gather(inner, out, depth + 1),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_tools_are_told_from_writing_ones() {
        for name in [
            "read_file",
            "read_text_file",
            "list_directory",
            "searchFiles",
            "get_file_info",
        ] {
            assert!(only_reads(name), "{name}");
        }
        for name in [
            "write_file",
            "edit_file",
            "move_file",
            "create_directory",
            "run",
            "apply",
        ] {
            assert!(!only_reads(name), "{name}");
        }
    }
}

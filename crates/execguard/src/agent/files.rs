//! File tools: Claude Code's `Write`, `Edit`, `MultiEdit`, `NotebookEdit` (a path field) and
//! Codex's `apply_patch` (a patch whose `*** Add File:`, `*** Update File:`, `*** Delete File:`
//! and `*** Move to:` headers name the paths it writes), and which reader reads each tool.

use std::path::Path;

use anyhow::bail;
use serde_json::{Map, Value};

use super::intent::{ComputedWrite, Intent, Write};

/// How a tool's input names what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolKind {
    /// Writes the file named by this field of its input.
    File(&'static str),
    /// Applies a patch in Codex's format.
    Patch,
    /// Runs a shell command line.
    Shell,
    /// Runs a PowerShell command line (Claude Code's `PowerShell`).
    PowerShell,
    /// An MCP tool (`mcp__<server>__<tool>`), whose input names paths in its own fields.
    Mcp,
}

/// The tools the guard reads; any other tool (reads, searches, a tool added after this version)
/// is allowed.
pub fn tool_kind(tool: &str) -> Option<ToolKind> {
    Some(match tool {
        "Write" | "Edit" | "MultiEdit" => ToolKind::File("file_path"),
        "NotebookEdit" => ToolKind::File("notebook_path"),
        "apply_patch" | "ApplyPatch" => ToolKind::Patch,
        "Bash" | "shell" | "local_shell" | "exec_command" | "container.exec" => ToolKind::Shell,
        "PowerShell" => ToolKind::PowerShell,
        _ if super::mcp::is_mcp(tool) => ToolKind::Mcp,
        _ => return None,
    })
}

/// The path a file tool writes.
pub fn file_intent(
    tool: &str,
    input: &Map<String, Value>,
    field: &str,
    cwd: &Path,
) -> anyhow::Result<Intent> {
    let path = match input.get(field) {
        Some(Value::String(path)) if !path.is_empty() => path,
        Some(Value::String(_)) => bail!("the {tool} call's `tool_input.{field}` is empty"),
        Some(_) => bail!("the {tool} call's `tool_input.{field}` is not a string"),
        None => bail!("the {tool} call has no `tool_input.{field}`"),
    };
    Ok(Intent {
        writes: vec![Write {
            dir: cwd.to_path_buf(),
            path: path.clone(),
            how: "would write".to_string(),
        }],
        ..Intent::default()
    })
}

/// The paths an `apply_patch` call writes; `unplaced`: the host applies it in a directory the
/// event does not name, so its relative paths may land in any folder.
pub fn patch_intent(
    tool: &str,
    input: &Map<String, Value>,
    cwd: &Path,
    unplaced: bool,
) -> anyhow::Result<Intent> {
    let patch = ["command", "patch", "input"]
        .iter()
        .find_map(|field| match input.get(*field) {
            Some(Value::String(text)) => Some(text.as_str()),
            _ => None,
        });
    let Some(patch) = patch else {
        bail!("the {tool} call has no patch text (`tool_input.command`)");
    };
    let paths = patch_paths(patch);
    if paths.is_empty() && !patch.contains("*** Begin Patch") {
        bail!("the {tool} call's patch has no `*** Begin Patch` and names no file");
    }
    let how = "the patch would write or remove";
    let computed = paths
        .iter()
        .filter(|path| unplaced && !path.starts_with('/'))
        .map(|path| ComputedWrite {
            dir: None,
            pattern: globset::escape(path),
            text: path.clone(),
            how: how.to_string(),
        })
        .collect();
    Ok(Intent {
        writes: paths
            .into_iter()
            .map(|path| Write {
                dir: cwd.to_path_buf(),
                path,
                how: how.to_string(),
            })
            .collect(),
        computed,
        ..Intent::default()
    })
}

/// The paths named by the file headers of a patch in Codex's format.
pub fn patch_paths(patch: &str) -> Vec<String> {
    const HEADERS: [&str; 4] = [
        "*** Add File:",
        "*** Update File:",
        "*** Delete File:",
        "*** Move to:",
    ];
    let mut out: Vec<String> = Vec::new();
    for line in patch.lines() {
        let line = line.trim_end_matches('\r');
        for header in HEADERS {
            if let Some(path) = line.strip_prefix(header) {
                let path = path.trim().to_string();
                if !path.is_empty() && !out.contains(&path) {
                    out.push(path);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_of_a_patch_names_a_path() {
        let patch = "*** Begin Patch\n*** Update File: src/a.rs\n@@\n-x\n+y\n*** Add File: specs/new.md\n+hi\n*** Delete File: old.txt\n*** Update File: a.txt\n*** Move to: specs/login.md\n*** End Patch\n";
        assert_eq!(
            patch_paths(patch),
            [
                "src/a.rs",
                "specs/new.md",
                "old.txt",
                "a.txt",
                "specs/login.md"
            ]
        );
    }
}

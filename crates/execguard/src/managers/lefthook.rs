//! lefthook: the lines that make it run execguard, and `execguard install --lefthook`, which adds
//! them to `lefthook-local.yml`.
//!
//! lefthook runs only the commands its config lists (it never runs the `<hook>.old` it moves a
//! hook to), so its config is where execguard must be named. The lines carry this machine's
//! absolute paths to execguard's binaries, which is why they go into `lefthook-local.yml`, the
//! per-machine file lefthook merges over the shared `lefthook.yml`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use super::{binary_name, mentions_in, LEFTHOOK_SNIPPET};

/// The per-machine config lefthook merges over `lefthook.yml`.
pub const LOCAL_CONFIG: &str = "lefthook-local.yml";

/// The hooks the snippet covers, in its order.
const HOOKS: [&str; 3] = ["pre-commit", "commit-msg", "pre-push"];

/// Whether lefthook reads the config at `path` as YAML.
pub fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "yml" || ext == "yaml")
}

/// The body of the top-level `hook:` section of a YAML lefthook config (block style, as lefthook's
/// documentation writes it), or `None` when there is none.
pub fn section(text: &str, hook: &str) -> Option<String> {
    let mut lines = text.lines();
    lines.find(|line| top_level_key(line).is_some_and(|key| key == hook))?;
    let body: Vec<&str> = lines
        .take_while(|line| {
            line.trim().is_empty()
                || line.starts_with([' ', '\t'])
                || line.trim_start().starts_with('#')
        })
        .collect();
    Some(body.join("\n"))
}

/// The key a line starts at column 0 (`pre-commit:`, `"pre-commit":`), if any.
fn top_level_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    Some(key.trim().trim_matches(['"', '\'']))
}

/// The snippet with each binary named by the path `binary_for(hook)` gives (absolute where the
/// binaries are installed beside `execguard`), quoted for the shell lefthook runs `run` with.
pub fn snippet(binary_for: impl Fn(&str) -> PathBuf) -> String {
    let mut text = String::new();
    for line in LEFTHOOK_SNIPPET.lines() {
        let named = HOOKS.iter().find_map(|hook| {
            let (indent, rest) = line.split_once("run: ")?;
            let args = rest.strip_prefix(&binary_name(hook))?;
            Some((indent, binary_for(hook), args))
        });
        match named {
            Some((indent, path, args)) => {
                text.push_str(&format!(
                    "{indent}run: {}\n",
                    run_value(&path.display().to_string(), args)
                ));
            }
            None => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    text
}

/// The YAML value of `run:` for `path` followed by `args`: plain where the path needs no quoting,
/// else a double-quoted YAML scalar holding the path as one single-quoted shell word.
fn run_value(path: &str, args: &str) -> String {
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c));
    if plain {
        return format!("{path}{args}");
    }
    let shell = format!("'{}'{args}", path.replace('\'', "'\\''"));
    format!("\"{}\"", shell.replace('\\', "\\\\").replace('"', "\\\""))
}

/// What `execguard install --lefthook` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    /// The file was written (created or appended to).
    Written(PathBuf),
    /// Every hook's section already runs execguard.
    AlreadyThere(PathBuf),
}

/// Adds the snippet to `lefthook-local.yml` under `workdir`. A file that already has a section
/// for one of the hooks is not edited (merging YAML by hand would be a guess): the error says
/// which section and what to add to it.
pub fn add_to_local(workdir: &Path, snippet: &str) -> anyhow::Result<Added> {
    let path = workdir.join(LOCAL_CONFIG);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let runs = |hook: &str| {
        section(&text, hook).is_some_and(|body| mentions_in(&body, &binary_name(hook)))
    };
    if HOOKS.iter().all(|hook| runs(hook)) {
        return Ok(Added::AlreadyThere(path));
    }
    if let Some(hook) = HOOKS.iter().find(|hook| section(&text, hook).is_some()) {
        bail!(
            "{} already has a `{hook}:` section, and execguard does not edit one by hand; add these lines to it yourself (merging each hook's `commands:`), then run `lefthook install`:\n\n{snippet}",
            path.display()
        );
    }
    let mut new_text = text;
    if !new_text.is_empty() && !new_text.ends_with('\n') {
        new_text.push('\n');
    }
    if !new_text.is_empty() {
        new_text.push('\n');
    }
    new_text.push_str(
        "# Added by `execguard install --lefthook`: this machine's execguard binaries.\n",
    );
    new_text.push_str(snippet);
    std::fs::write(&path, new_text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Added::Written(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_ends_at_the_next_top_level_key() {
        let text = "pre-commit:\n  commands:\n    a:\n      run: x\n# note\ncommit-msg:\n  commands:\n    b:\n      run: execguard-commit-msg {1}\n";
        assert!(section(text, "pre-commit").unwrap().contains("run: x"));
        assert!(!section(text, "pre-commit")
            .unwrap()
            .contains("execguard-commit-msg"));
        assert!(section(text, "commit-msg")
            .unwrap()
            .contains("execguard-commit-msg"));
        assert_eq!(section(text, "pre-push"), None);
    }

    #[test]
    fn a_local_config_is_written_once_and_one_with_a_hook_section_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let text = snippet(|hook| PathBuf::from(format!("/usr/bin/execguard-{hook}")));
        let path = dir.path().join(LOCAL_CONFIG);
        assert_eq!(
            add_to_local(dir.path(), &text).unwrap(),
            Added::Written(path.clone())
        );
        assert_eq!(
            add_to_local(dir.path(), &text).unwrap(),
            Added::AlreadyThere(path.clone())
        );
        let own = "pre-push:\n  commands:\n    own:\n      run: echo own\n";
        std::fs::write(&path, own).unwrap();
        let error = add_to_local(dir.path(), &text).unwrap_err().to_string();
        assert!(
            error.contains("already has a `pre-push:` section"),
            "{error}"
        );
        assert!(error.contains("use_stdin: true"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), own);
    }

    #[test]
    fn the_snippet_names_each_binary_by_its_path() {
        let text = snippet(|hook| PathBuf::from(format!("/opt/my tools/execguard-{hook}")));
        assert!(
            text.contains("run: \"'/opt/my tools/execguard-commit-msg' {1}\""),
            "{text}"
        );
        let text = snippet(|hook| PathBuf::from(format!("/usr/bin/execguard-{hook}")));
        assert!(text.contains("run: /usr/bin/execguard-pre-push {1} {2}\n      use_stdin: true"));
    }
}

//! lefthook: the lines that make it run execguard, and `execguard install --lefthook`, which adds
//! them to `lefthook-local.yml`.
//!
//! lefthook runs only the commands its config lists (it never runs the `<hook>.old` it moves a
//! hook to), so its config is where execguard must be named. The lines carry this machine's
//! absolute path to execguard's binary, which is why they go into `lefthook-local.yml`, the
//! per-machine file lefthook merges over the shared `lefthook.yml`. Lines an earlier install wrote
//! for the old alias binaries (`execguard-pre-commit`, ...) still count as execguard's.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use super::{binary_name, hook_command, mentions_in, LEFTHOOK_SNIPPET};

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

/// The snippet with `execguard` named by `execguard` (this machine's absolute path), quoted for
/// the shell lefthook runs `run` with.
pub fn snippet(execguard: &Path) -> String {
    let mut text = String::new();
    for line in LEFTHOOK_SNIPPET.lines() {
        let named = HOOKS.iter().find_map(|hook| {
            let (indent, rest) = line.split_once("run: ")?;
            let args = rest.strip_prefix(&hook_command(hook))?;
            Some((indent, hook, args))
        });
        match named {
            Some((indent, hook, args)) => {
                text.push_str(&format!(
                    "{indent}run: {}\n",
                    run_value(
                        &execguard.display().to_string(),
                        &format!(" hook {hook}{args}")
                    )
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

/// The start of the comment line install writes above the snippet. What follows it records what
/// install did to the file, so that uninstall can put it back byte for byte.
const MARKER: &str = "# Added by `execguard install --lefthook`";
const WHAT: &str = ": this machine's execguard binaries.";
/// Install created the file.
const CREATED: &str = ", which created this file";
/// Install ended the file's last line, which had no newline, before its blank line.
const ENDED_LINE: &str = ", which also ended the line before its blank line";

/// Adds the snippet to `lefthook-local.yml` under `workdir`. A file that already has a section
/// for one of the hooks is not edited (merging YAML by hand would be a guess): the error says
/// which section and what to add to it.
pub fn add_to_local(workdir: &Path, snippet: &str) -> anyhow::Result<Added> {
    let path = workdir.join(LOCAL_CONFIG);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let runs = |hook: &str| {
        text.as_deref()
            .and_then(|text| section(text, hook))
            .is_some_and(|body| mentions_in(&body, &binary_name(hook)))
    };
    if HOOKS.iter().all(|hook| runs(hook)) {
        return Ok(Added::AlreadyThere(path));
    }
    if let Some(hook) = HOOKS.iter().find(|hook| {
        text.as_deref()
            .and_then(|text| section(text, hook))
            .is_some()
    }) {
        bail!(
            "{} already has a `{hook}:` section, and execguard does not edit one by hand; add these lines to it yourself (merging each hook's `commands:`), then run `lefthook install`:\n\n{snippet}",
            path.display()
        );
    }
    let created = text.is_none();
    let mut new_text = text.unwrap_or_default();
    let mut how = "";
    if created {
        how = CREATED;
    } else if !new_text.is_empty() {
        if !new_text.ends_with('\n') {
            new_text.push('\n');
            how = ENDED_LINE;
        }
        new_text.push('\n');
    }
    new_text.push_str(&format!("{MARKER}{how}{WHAT}\n"));
    new_text.push_str(snippet);
    std::fs::write(&path, new_text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Added::Written(path))
}

/// What `execguard uninstall` did to `lefthook-local.yml`.
#[derive(Debug, PartialEq, Eq)]
pub enum Removed {
    /// There is no such file, or nothing in it runs execguard.
    Absent,
    /// Install had created the file and nothing else was added since: it is gone.
    Deleted(PathBuf),
    /// execguard's lines are out; the rest is as it was.
    Restored(PathBuf),
    /// execguard's lines were edited since install wrote them, or written by hand: left alone.
    LeftAlone(PathBuf),
}

/// Takes out of `lefthook-local.yml` under `workdir` exactly what [`add_to_local`] wrote: its
/// comment line, the snippet and the blank line (and newline) it added before them. The file is
/// then what it was before install, byte for byte, unless lines were added since (they stay).
pub fn remove_from_local(workdir: &Path) -> anyhow::Result<Removed> {
    let path = workdir.join(LOCAL_CONFIG);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Removed::Absent),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let Some((before, how, after)) = split_added(&text) else {
        let runs = HOOKS.iter().any(|hook| {
            section(&text, hook).is_some_and(|body| mentions_in(&body, &binary_name(hook)))
        });
        return Ok(if runs {
            Removed::LeftAlone(path)
        } else {
            Removed::Absent
        });
    };
    let before = match how {
        How::Created => before,
        How::Appended => before.strip_suffix('\n').unwrap_or(before),
        How::EndedLine => before.strip_suffix("\n\n").unwrap_or(before),
    };
    let restored = format!("{before}{after}");
    if how == How::Created && restored.is_empty() {
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        return Ok(Removed::Deleted(path));
    }
    std::fs::write(&path, restored).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Removed::Restored(path))
}

/// What install did to the file, as its comment line says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum How {
    Created,
    Appended,
    EndedLine,
}

/// The text before install's comment line, what install did, and the text after the snippet
/// that follows it; `None` when there is no such line followed by the snippet as install writes
/// it (the `run:` values naming any path to the same binaries).
fn split_added(text: &str) -> Option<(&str, How, &str)> {
    let mut at = 0;
    let mut marker = None;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(MARKER) {
            let how = match rest.trim_end_matches('\n').strip_suffix(WHAT) {
                Some("") => How::Appended,
                Some(CREATED) => How::Created,
                Some(ENDED_LINE) => How::EndedLine,
                _ => return None,
            };
            marker = Some((at, at + line.len(), how));
            break;
        }
        at += line.len();
    }
    let (start, mut end, how) = marker?;
    let mut lines = text[end..].split_inclusive('\n');
    for expected in LEFTHOOK_SNIPPET.lines() {
        let line = lines.next()?;
        let content = line.strip_suffix('\n')?;
        let same = match HOOKS.iter().find_map(|hook| {
            let (indent, rest) = expected.split_once("run: ")?;
            rest.starts_with(&hook_command(hook))
                .then(|| (indent, binary_name(hook)))
        }) {
            Some((indent, binary)) => content
                .strip_prefix(indent)
                .and_then(|rest| rest.strip_prefix("run: "))
                .is_some_and(|value| mentions_in(value, &binary)),
            None => content == expected,
        };
        if !same {
            return None;
        }
        end += line.len();
    }
    // An indented line right after the snippet belongs to its last section: edited by hand.
    if text[end..].starts_with([' ', '\t']) {
        return None;
    }
    Some((&text[..start], how, &text[end..]))
}

/// The line `.git/info/exclude` gets, so that the file naming this machine's paths is never
/// committed.
const EXCLUDE_LINE: &str = "lefthook-local.yml";
/// The comment install writes above it, by which uninstall knows the line is its own.
const EXCLUDE_COMMENT: &str =
    "# Added by `execguard install --lefthook`: the file names this machine's paths.";

/// Adds `lefthook-local.yml` to `info/exclude` in `common_dir` (created when missing), unless a
/// line there already excludes it. Returns the file when it was changed.
pub fn exclude_local(common_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let path = common_dir.join("info").join("exclude");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let excluded = text
        .lines()
        .any(|line| matches!(line.trim(), "lefthook-local.yml" | "/lefthook-local.yml"));
    if excluded {
        return Ok(None);
    }
    let mut new_text = text;
    if !new_text.is_empty() && !new_text.ends_with('\n') {
        new_text.push('\n');
    }
    new_text.push_str(&format!("{EXCLUDE_COMMENT}\n{EXCLUDE_LINE}\n"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&path, new_text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(path))
}

/// Takes out of `info/exclude` the two lines [`exclude_local`] wrote, and nothing else. Returns
/// the file when it was changed.
pub fn unexclude_local(common_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let path = common_dir.join("info").join("exclude");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let ours = format!("{EXCLUDE_COMMENT}\n{EXCLUDE_LINE}\n");
    let found = text
        .match_indices(&ours)
        .map(|(at, _)| at)
        .find(|&at| at == 0 || text[..at].ends_with('\n'));
    let Some(at) = found else {
        return Ok(None);
    };
    let restored = format!("{}{}", &text[..at], &text[at + ours.len()..]);
    std::fs::write(&path, restored).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_ends_at_the_next_top_level_key() {
        let text = "pre-commit:\n  commands:\n    a:\n      run: x\n# note\ncommit-msg:\n  commands:\n    b:\n      run: execguard hook commit-msg {1}\n";
        assert!(section(text, "pre-commit").unwrap().contains("run: x"));
        assert!(!section(text, "pre-commit")
            .unwrap()
            .contains("execguard hook commit-msg"));
        assert!(section(text, "commit-msg")
            .unwrap()
            .contains("execguard hook commit-msg"));
        assert_eq!(section(text, "pre-push"), None);
    }

    #[test]
    fn a_local_config_is_written_once_and_one_with_a_hook_section_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let text = snippet(Path::new("/usr/bin/execguard"));
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
    fn uninstall_puts_back_an_empty_file_and_one_without_a_final_newline() {
        let dir = tempfile::tempdir().unwrap();
        let text = snippet(Path::new("/usr/bin/execguard"));
        let path = dir.path().join(LOCAL_CONFIG);
        for before in ["", "colors: false", "colors: false\n"] {
            std::fs::write(&path, before).unwrap();
            add_to_local(dir.path(), &text).unwrap();
            assert!(std::fs::read_to_string(&path).unwrap().contains(&text));
            assert_eq!(
                remove_from_local(dir.path()).unwrap(),
                Removed::Restored(path.clone())
            );
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                before,
                "{before:?}"
            );
        }
        std::fs::remove_file(&path).unwrap();
        add_to_local(dir.path(), &text).unwrap();
        assert_eq!(
            remove_from_local(dir.path()).unwrap(),
            Removed::Deleted(path.clone())
        );
        assert!(!path.exists());
    }

    #[test]
    fn the_snippet_names_the_binary_by_its_path() {
        let text = snippet(Path::new("/opt/my tools/execguard"));
        assert!(
            text.contains("run: \"'/opt/my tools/execguard' hook commit-msg {1}\""),
            "{text}"
        );
        let text = snippet(Path::new("/usr/bin/execguard"));
        assert!(
            text.contains("run: /usr/bin/execguard hook pre-push {1} {2}\n      use_stdin: true")
        );
    }

    /// Lines an earlier install wrote for the alias binaries are still recognised, and taken out
    /// again by uninstall.
    #[test]
    fn lines_written_for_the_alias_binaries_are_still_execguards() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCAL_CONFIG);
        let old = snippet(Path::new("/usr/bin/execguard"))
            .replace("/usr/bin/execguard hook ", "/usr/bin/execguard-");
        assert!(
            old.contains("run: /usr/bin/execguard-pre-push {1} {2}"),
            "{old}"
        );
        std::fs::write(&path, format!("{MARKER}{CREATED}{WHAT}\n{old}")).unwrap();
        assert_eq!(
            add_to_local(dir.path(), &snippet(Path::new("/usr/bin/execguard"))).unwrap(),
            Added::AlreadyThere(path.clone())
        );
        assert_eq!(
            remove_from_local(dir.path()).unwrap(),
            Removed::Deleted(path.clone())
        );
    }
}

//! A git subcommand's arguments told apart: options, operands, paths after `--`, and the values
//! of the options that take the next word as theirs (known per subcommand), so that a value such
//! as the message of `-m "-n flag removed"` is never read as an option.

use super::words::ShellWord;

/// The options of `sub` that take the next word as their value: short letters, long names.
fn value_options(sub: &str) -> (&'static str, &'static [&'static str]) {
    match sub {
        "commit" => (
            "mFCct",
            &[
                "message",
                "file",
                "template",
                "reuse-message",
                "reedit-message",
                "author",
                "date",
                "cleanup",
                "fixup",
                "squash",
                "trailer",
                "pathspec-from-file",
            ],
        ),
        "tag" => ("mFu", &["message", "file", "local-user", "cleanup"]),
        "notes" => ("mFcC", &["message", "file"]),
        "merge" => (
            "mFsX",
            &[
                "message",
                "file",
                "strategy",
                "strategy-option",
                "into-name",
            ],
        ),
        "pull" => (
            "sX",
            &["strategy", "strategy-option", "depth", "upload-pack"],
        ),
        "checkout" => ("bB", &["orphan", "conflict", "pathspec-from-file"]),
        "switch" => ("cC", &["orphan", "conflict", "create", "force-create"]),
        "restore" => ("s", &["source", "pathspec-from-file"]),
        "rebase" => ("sXx", &["onto", "strategy", "strategy-option", "exec"]),
        "cherry-pick" | "revert" => ("mX", &["mainline", "strategy", "strategy-option"]),
        "stash" => ("m", &["message", "pathspec-from-file"]),
        "push" => ("o", &["push-option", "repo", "receive-pack", "exec"]),
        "apply" | "am" => ("", &["directory", "exclude", "include"]),
        "read-tree" => ("", &["index-output"]),
        "reset" => ("", &["pathspec-from-file"]),
        _ => ("", &[]),
    }
}

/// A subcommand's arguments told apart: its options (values left out), the operands before
/// `--`, the paths after it, and the value of each option that takes one.
pub(super) struct GitArgs<'w> {
    pub(super) options: Vec<&'w str>,
    pub(super) operands: Vec<&'w ShellWord>,
    pub(super) paths: Option<Vec<&'w ShellWord>>,
    values: Vec<(&'w str, &'w ShellWord)>,
}

impl<'w> GitArgs<'w> {
    pub(super) fn read(sub: &str, rest: &'w [ShellWord]) -> Self {
        let (short, long) = value_options(sub);
        let mut out = GitArgs {
            options: Vec::new(),
            operands: Vec::new(),
            paths: None,
            values: Vec::new(),
        };
        let mut i = 0;
        while i < rest.len() {
            let word = &rest[i];
            let text = word.text.as_str();
            i += 1;
            if text == "--" {
                out.paths = Some(rest[i..].iter().collect());
                break;
            }
            if !text.starts_with('-') || text == "-" {
                out.operands.push(word);
                continue;
            }
            out.options.push(text);
            if let Some(name) = text.strip_prefix("--") {
                if !name.contains('=') && long.contains(&name) {
                    if let Some(value) = rest.get(i) {
                        out.values.push((text, value));
                        i += 1;
                    }
                }
                continue;
            }
            // A cluster (`-qm`): the first letter that takes a value takes the rest, or the next
            // word when it is the last.
            let cluster = &text[1..];
            if let Some(at) = cluster.find(|c| short.contains(c)) {
                if at + 1 == cluster.len() {
                    if let Some(value) = rest.get(i) {
                        out.values.push((text, value));
                        i += 1;
                    }
                }
            }
        }
        out
    }

    pub(super) fn has(&self, option: &str) -> bool {
        self.options.contains(&option)
    }

    /// The value of `--long`/`-s` as given: `--source=x`, `--source x`, `-sx`, `-s x`.
    pub(super) fn value(&self, long: &str, short: char) -> Option<ShellWord> {
        for option in &self.options {
            if let Some(value) = option.strip_prefix(&format!("--{long}=")) {
                return Some(ShellWord::literal(value));
            }
            if let Some(cluster) = option.strip_prefix('-').filter(|o| !o.starts_with('-')) {
                if let Some(at) = cluster.find(short) {
                    if at + 1 < cluster.len() {
                        return Some(ShellWord::literal(&cluster[at + 1..]));
                    }
                }
            }
        }
        self.values
            .iter()
            .find(|(option, _)| {
                *option == format!("--{long}")
                    || option.ends_with(short) && !option.starts_with("--")
            })
            .map(|(_, value)| (*value).clone())
    }
}

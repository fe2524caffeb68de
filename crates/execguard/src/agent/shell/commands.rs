//! What the commands that write files, and git, do: the paths they write and the ways around
//! the hooks they take.

use std::path::Path;

use super::walker::{Walker, HOOK_BYPASS};
use super::words::ShellWord;

impl Walker<'_> {
    pub(super) fn git(&mut self, args: &[ShellWord], cwd: &Path) {
        let mut dir = cwd.to_path_buf();
        let mut i = 0;
        while i < args.len() && args[i].text.starts_with('-') {
            let option = args[i].text.as_str();
            match option {
                "-c" => {
                    if let Some(setting) = args.get(i + 1) {
                        self.git_setting(&setting.text, "-c");
                    }
                    i += 2;
                }
                "-C" => {
                    if let Some(to) = args.get(i + 1) {
                        dir = dir.join(&to.text);
                    }
                    i += 2;
                }
                "--git-dir" | "--work-tree" | "--namespace" | "--config-env" => {
                    if option == "--config-env" {
                        if let Some(setting) = args.get(i + 1) {
                            self.git_setting(&setting.text, "--config-env");
                        }
                    }
                    i += 2;
                }
                _ => {
                    if let Some(setting) = option.strip_prefix("--config-env=") {
                        self.git_setting(setting, "--config-env");
                    }
                    i += 1;
                }
            }
        }
        let Some(subcommand) = args.get(i) else {
            return;
        };
        let rest = &args[i + 1..];
        let options: Vec<&str> = rest
            .iter()
            .map(|w| w.text.as_str())
            .take_while(|t| *t != "--")
            .filter(|t| t.starts_with('-'))
            .collect();
        let sub = subcommand.text.as_str();
        if options
            .iter()
            .any(|o| o.len() >= "--no-veri".len() && "--no-verify".starts_with(o))
        {
            self.bypass(
                HOOK_BYPASS,
                format!("`git {sub} --no-verify` would skip the hooks that check the work"),
            );
        }
        if sub == "commit" && options.iter().any(|o| short_flag(o, 'n', "mFcCtSu")) {
            self.bypass(
                HOOK_BYPASS,
                "`git commit -n` (--no-verify) would skip the hooks that check the commit"
                    .to_string(),
            );
        }
        match sub {
            "config" => {
                let reads = rest.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "--get" | "--get-all" | "--get-regexp" | "get" | "-l" | "--list" | "list"
                    )
                });
                if !reads
                    && rest
                        .iter()
                        .any(|w| w.text.to_ascii_lowercase().starts_with("core.hookspath"))
                {
                    self.bypass(
                        HOOK_BYPASS,
                        "`git config core.hooksPath` would make git run other hooks than the installed ones".to_string(),
                    );
                }
                if !reads {
                    self.git_config_write(rest, &dir);
                }
            }
            "rm" | "mv" => {
                for path in operands(rest, "") {
                    self.write(&dir, path, format!("`git {sub}` would remove or move"));
                }
            }
            _ => {}
        }
    }

    /// `git config` that sets, adds, removes or edits (`alias.c 'commit --no-verify'`,
    /// `include.path`): a write to the config file it names, which the guard refuses when it is
    /// git's own config. One operand alone reads a value.
    fn git_config_write(&mut self, rest: &[ShellWord], dir: &Path) {
        const WRITES: &[&str] = &[
            "--add",
            "--unset",
            "--unset-all",
            "--replace-all",
            "--rename-section",
            "--remove-section",
            "-e",
            "--edit",
        ];
        const SUBCOMMANDS: &[&str] = &["set", "unset", "rename-section", "remove-section", "edit"];
        let mut file = None;
        let mut scope = "";
        let mut operands = 0;
        let mut writes = false;
        let mut iter = rest.iter().enumerate();
        while let Some((index, word)) = iter.next() {
            let text = word.text.as_str();
            match text {
                "-f" | "--file" => file = iter.next().map(|(_, w)| w.clone()),
                "--blob" | "--type" | "--default" | "--comment" | "--value" => {
                    iter.next();
                }
                "--global" | "--system" | "--local" | "--worktree" => scope = text,
                _ if WRITES.contains(&text) => writes = true,
                _ if index == 0 && SUBCOMMANDS.contains(&text) => writes = true,
                _ if text.starts_with("--file=") => {
                    file = Some(ShellWord::literal(&text["--file=".len()..]));
                }
                _ if !text.starts_with('-') => operands += 1,
                _ => {}
            }
        }
        if !writes && operands < 2 {
            return;
        }
        let how = "`git config` would change".to_string();
        if let Some(file) = file {
            self.write(dir, &file, how);
            return;
        }
        let targets: Vec<std::path::PathBuf> = match scope {
            "--global" => crate::agent::self_guard::user_git_configs(),
            "--system" => crate::agent::self_guard::system_git_config()
                .into_iter()
                .collect(),
            _ => match execguard_git::open_at(dir) {
                Ok(repo) => vec![if scope == "--worktree" {
                    repo.git_dir().join("config.worktree")
                } else {
                    repo.common_dir().join("config")
                }],
                // Outside a repository, `git config` writes nothing of a repository's.
                Err(_) => Vec::new(),
            },
        };
        for target in targets {
            let word = ShellWord::literal(&target.display().to_string());
            self.write(dir, &word, how.clone());
        }
    }

    fn git_setting(&mut self, setting: &str, how: &str) {
        if setting.to_ascii_lowercase().starts_with("core.hookspath") {
            self.bypass(
                HOOK_BYPASS,
                format!("`git {how} core.hooksPath=...` would make git run other hooks than the installed ones"),
            );
        }
    }

    /// The file writing commands.
    pub(super) fn writes(&mut self, name: &str, args: &[ShellWord], cwd: &Path) {
        let how = |verb: &str| format!("`{name}` would {verb}");
        match name {
            "rm" | "unlink" | "shred" | "truncate" | "tee" => {
                let verb = match name {
                    "tee" => "write",
                    "truncate" => "truncate",
                    _ => "remove",
                };
                let values = match name {
                    "truncate" => "sr",
                    "shred" => "ns",
                    _ => "",
                };
                for path in operands(args, values) {
                    self.write(cwd, path, how(verb));
                }
            }
            "chmod" | "chown" | "chgrp" => {
                // `chmod -x hook`: a mode that looks like an option is not an operand.
                let mode_as_option = name == "chmod"
                    && args.iter().any(|w| {
                        w.text.len() > 1
                            && w.text.starts_with('-')
                            && w.text[1..].chars().all(|c| "rwxXst".contains(c))
                    });
                let skip = usize::from(!mode_as_option);
                for path in operands(args, "").into_iter().skip(skip) {
                    self.write(cwd, path, how("change the mode or owner of"));
                }
            }
            "mv" | "cp" | "install" | "ln" => {
                let values = if name == "install" { "mogtS" } else { "tS" };
                let paths = operands(args, values);
                let target_dir = args
                    .iter()
                    .position(|w| w.text == "-t" || w.text == "--target-directory")
                    .and_then(|at| args.get(at + 1))
                    .map(|w| w.text.clone())
                    .or_else(|| {
                        args.iter().find_map(|w| {
                            w.text
                                .strip_prefix("--target-directory=")
                                .map(str::to_string)
                        })
                    });
                let (sources, dest): (Vec<&ShellWord>, Option<String>) = match target_dir {
                    Some(dir) => (paths, Some(dir)),
                    None => match paths.split_last() {
                        Some((last, sources)) => (sources.to_vec(), Some(last.text.clone())),
                        None => (Vec::new(), None),
                    },
                };
                if name == "mv" {
                    for source in &sources {
                        self.write(cwd, source, how("move away"));
                    }
                }
                let Some(dest) = dest else {
                    return;
                };
                let dest_is_dir = cwd.join(&dest).is_dir();
                if dest_is_dir {
                    for source in &sources {
                        let base = source.text.rsplit('/').next().unwrap_or(&source.text);
                        let into = ShellWord::literal(&format!("{dest}/{base}"));
                        self.write(cwd, &into, how("write"));
                    }
                } else {
                    self.write(cwd, &ShellWord::literal(&dest), how("write"));
                }
            }
            "sed" | "perl" => {
                let in_place = args.iter().take_while(|w| w.text != "--").any(|w| {
                    w.text.starts_with("--in-place")
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && short_flag(&w.text, 'i', if name == "sed" { "ef" } else { "eEM" }))
                });
                if !in_place {
                    return;
                }
                let has_script = args.iter().any(|w| {
                    matches!(
                        w.text.as_str(),
                        "-e" | "-f" | "-E" | "--expression" | "--file"
                    ) || w.text.starts_with("--expression=")
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && w.text.ends_with('e'))
                });
                let values = if name == "sed" { "efl" } else { "eE" };
                let files = operands(args, values);
                let files = if has_script {
                    &files[..]
                } else {
                    files.get(1..).unwrap_or(&[])
                };
                for path in files.iter().copied() {
                    self.write(cwd, path, how("edit in place"));
                }
            }
            "dd" => {
                for word in args {
                    if let Some(path) = word.text.strip_prefix("of=") {
                        let mut target = word.clone();
                        target.text = path.to_string();
                        self.write(cwd, &target, how("write"));
                    }
                }
            }
            "apply_patch" | "applypatch" => {
                // Codex also applies patches through the shell: the patch is an argument or a
                // here-document.
                let mut patch: String = args
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                if let Some(doc) = &self.heredoc {
                    patch.push('\n');
                    patch.push_str(doc);
                }
                for path in crate::agent::files::patch_paths(&patch) {
                    self.write(cwd, &ShellWord::literal(&path), how("write or remove"));
                }
            }
            _ => {}
        }
    }
}

/// Whether the short-option cluster `word` (`-anm`) holds `flag` before any option that takes
/// the rest of the cluster as its value.
fn short_flag(word: &str, flag: char, takes_value: &str) -> bool {
    let Some(cluster) = word.strip_prefix('-') else {
        return false;
    };
    if cluster.starts_with('-') {
        return false;
    }
    for c in cluster.chars() {
        if c == flag {
            return true;
        }
        if takes_value.contains(c) {
            return false;
        }
    }
    false
}

/// The operands of a command: the words that are not options, nor the value of a short option
/// in `takes_value` given as the next word; everything after `--`.
fn operands<'w>(args: &'w [ShellWord], takes_value: &str) -> Vec<&'w ShellWord> {
    let mut out = Vec::new();
    let mut iter = args.iter();
    let mut only_operands = false;
    while let Some(word) = iter.next() {
        if only_operands || !word.text.starts_with('-') || word.text == "-" {
            out.push(word);
            continue;
        }
        if word.text == "--" {
            only_operands = true;
            continue;
        }
        if !word.text.starts_with("--") {
            let cluster = &word.text[1..];
            if let Some(last) = cluster.chars().last() {
                // `-s 0`: the value is the next word; `-s0` holds it.
                let value_at_end = takes_value.contains(last)
                    && !cluster[..cluster.len() - last.len_utf8()]
                        .chars()
                        .any(|c| takes_value.contains(c));
                if value_at_end {
                    iter.next();
                }
            }
        }
    }
    out
}

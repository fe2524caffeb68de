//! One simple command after quote removal: the commands that move the walk (`cd`), wrap
//! another command (`sudo`, `env`, `timeout`), run a command line (`sh -c`, `eval`), set
//! variables (`export`, `read`), or bypass the hooks; the rest are handed to the readers of git
//! and of the commands that write files.

use std::path::PathBuf;

use super::walker::{Value, Walker, HOOK_BYPASS};
use super::words::ShellWord;

impl Walker<'_> {
    /// `NAME=VALUE`, before a command, in `env` or `export`.
    pub(super) fn assignment(&mut self, name: &str, value: &str) {
        if name == "EXECGUARD_SKIP" {
            self.bypass(
                HOOK_BYPASS,
                "setting EXECGUARD_SKIP would make the pre-commit hook set rules aside".to_string(),
            );
        }
        if name.starts_with("GIT_CONFIG") && value.to_ascii_lowercase().contains("hookspath") {
            self.bypass(
                HOOK_BYPASS,
                format!("setting {name} to core.hooksPath would make git run other hooks than the installed ones"),
            );
        }
    }

    /// One simple command, its words after quote removal.
    pub(super) fn run(&mut self, words: &[ShellWord], cwd: &mut PathBuf) {
        let Some(first) = words.first() else {
            return;
        };
        let name = first
            .text
            .rsplit('/')
            .next()
            .unwrap_or(&first.text)
            .to_string();
        let args = &words[1..];
        match name.as_str() {
            "cd" | "pushd" => match args.iter().find(|w| !w.text.starts_with('-')) {
                Some(dir) if !dir.computed() => {
                    if dir.text.starts_with('/') {
                        self.unplaced = false;
                    }
                    *cwd = cwd.join(&dir.text);
                }
                // `cd` alone goes home; `cd -`, `popd` and computed places are unknown here.
                _ => self.lost_dir = true,
            },
            "popd" => self.lost_dir = true,
            "env" => self.env(args, cwd),
            "sudo" | "doas" | "nohup" | "nice" | "time" | "command" | "exec" | "stdbuf"
            | "ionice" | "timeout" | "xargs" => {
                // The wrapped command: the first word that is not an option (a duration for
                // `timeout`).
                let mut rest = args;
                while let Some(word) = rest.first() {
                    let skip = word.text.starts_with('-')
                        || (name == "timeout"
                            && word.text.starts_with(|c: char| c.is_ascii_digit()));
                    if !skip {
                        break;
                    }
                    rest = &rest[1..];
                }
                if name == "xargs" && !rest.is_empty() {
                    // Its arguments come from standard input: any path.
                    let mut words = rest.to_vec();
                    words.push(ShellWord::unknown());
                    self.run(&words, cwd);
                } else {
                    self.run(rest, cwd);
                }
            }
            "find" => self.find(args, cwd),
            "sh" | "bash" | "zsh" | "dash" | "ksh" => {
                let mut iter = args.iter();
                while let Some(word) = iter.next() {
                    let is_c = word.text.starts_with('-')
                        && !word.text.starts_with("--")
                        && word.text.contains('c');
                    if is_c {
                        if let Some(line) = iter.find(|w| !w.text.starts_with('-')) {
                            self.script(&line.text, cwd);
                        }
                        break;
                    }
                }
            }
            "eval" => {
                let line: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
                self.script(&line.join(" "), cwd);
            }
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                for word in args {
                    let (key, value) = word.text.split_once('=').unwrap_or((&word.text, ""));
                    self.assignment(key, value);
                    if word.text.contains('=') {
                        let known =
                            !word.computed() && !args.iter().any(|w| w.text.starts_with('-'));
                        self.vars.insert(
                            key.to_string(),
                            if known {
                                Value::Known(value.to_string())
                            } else {
                                Value::Computed
                            },
                        );
                    }
                }
            }
            // Commands that set variables to what only the run knows.
            "read" | "mapfile" | "readarray" | "getopts" | "unset" | "let" => {
                for word in args.iter().filter(|w| !w.text.starts_with('-')) {
                    let name = word.text.split(['=', '[']).next().unwrap_or_default();
                    self.vars.insert(name.to_string(), Value::Computed);
                }
            }
            "printf" => {
                if let Some(at) = args.iter().position(|w| w.text == "-v") {
                    if let Some(var) = args.get(at + 1) {
                        self.vars.insert(var.text.clone(), Value::Computed);
                    }
                }
            }
            "execguard" => {
                if args.iter().any(|w| w.text == "uninstall") {
                    self.bypass(
                        HOOK_BYPASS,
                        "`execguard uninstall` would remove the hooks".to_string(),
                    );
                }
            }
            "git" => self.git(args, cwd),
            _ => self.writes(&name, args, cwd),
        }
    }

    fn env(&mut self, args: &[ShellWord], cwd: &mut PathBuf) {
        let mut rest = args;
        while let Some(word) = rest.first() {
            if let Some((key, value)) = word.text.split_once('=') {
                if !word.text.starts_with('-') {
                    self.assignment(key, value);
                    rest = &rest[1..];
                    continue;
                }
            }
            if word.text.starts_with('-') {
                let takes_value = matches!(word.text.as_str(), "-u" | "-C" | "-S");
                rest = &rest[if takes_value { 2 } else { 1 }.min(rest.len())..];
                continue;
            }
            break;
        }
        self.run(rest, cwd);
    }
}

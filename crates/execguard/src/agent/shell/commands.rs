//! What the commands that write files do: the paths they write.

use std::path::Path;

use super::walker::Walker;
use super::words::ShellWord;

impl Walker<'_> {
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
                    .cloned()
                    .or_else(|| {
                        args.iter().find_map(|w| {
                            let dir = w.text.strip_prefix("--target-directory=")?;
                            let mut word = w.clone();
                            word.pattern = word
                                .pattern
                                .split_once('=')
                                .map_or(word.pattern.clone(), |(_, p)| p.to_string());
                            word.text = dir.to_string();
                            Some(word)
                        })
                    });
                let (sources, dest, into_dir): (Vec<&ShellWord>, Option<ShellWord>, bool) =
                    match target_dir {
                        Some(dir) => (paths, Some(dir), true),
                        None => match paths.split_last() {
                            Some((last, sources)) => {
                                (sources.to_vec(), Some((*last).clone()), false)
                            }
                            None => (Vec::new(), None, false),
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
                // A folder that exists now, or is named as one: the sources land in it. A
                // computed destination may be either.
                let dest_is_dir = into_dir
                    || dest.text.ends_with('/')
                    || (!dest.dynamic && !self.lost_dir && cwd.join(&dest.text).is_dir());
                if dest_is_dir || dest.computed() {
                    for source in &sources {
                        let base = source.text.rsplit('/').next().unwrap_or(&source.text);
                        let mut into = dest.join(base);
                        if source.computed() {
                            into.dynamic = true;
                            into.pattern = format!("{}/*", dest.pattern.trim_end_matches('/'));
                        }
                        self.write(cwd, &into, how("write"));
                    }
                }
                if !dest_is_dir {
                    self.write(cwd, &dest, how("write"));
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
                if self.heredoc.is_none() && args.iter().any(ShellWord::computed) {
                    self.write(cwd, &ShellWord::unknown(), how("write or remove"));
                }
            }
            _ => {}
        }
    }
}

impl Walker<'_> {
    /// `find ROOT... -delete` or `-exec CMD {} ;`: any path under the roots may be removed or
    /// written, and the command run is read with `{}` standing for any of them.
    pub(super) fn find(&mut self, args: &[ShellWord], cwd: &Path) {
        let mut roots: Vec<ShellWord> = args
            .iter()
            .take_while(|w| !w.text.starts_with('-') && w.text != "(" && w.text != "!")
            .cloned()
            .collect();
        if roots.is_empty() {
            roots.push(ShellWord::literal("."));
        }
        // What `{}` stands for: any path under the one root, else any path.
        let found = match roots.as_slice() {
            [root] => root.under(),
            _ => ShellWord::unknown(),
        };
        if args.iter().any(|w| w.text == "-delete") {
            for root in &roots {
                self.write(
                    cwd,
                    &root.under(),
                    "`find -delete` would remove".to_string(),
                );
            }
        }
        let mut rest = args;
        while let Some(at) = rest
            .iter()
            .position(|w| matches!(w.text.as_str(), "-exec" | "-execdir" | "-ok" | "-okdir"))
        {
            let command: Vec<ShellWord> = rest[at + 1..]
                .iter()
                .take_while(|w| w.text != ";" && w.text != "+")
                .map(|w| {
                    if w.text.contains("{}") {
                        found.clone()
                    } else {
                        w.clone()
                    }
                })
                .collect();
            self.run(&command, &mut cwd.to_path_buf());
            rest = &rest[at + 1 + command.len()..];
        }
    }
}

/// Whether the short-option cluster `word` (`-anm`) holds `flag` before any option that takes
/// the rest of the cluster as its value.
pub(super) fn short_flag(word: &str, flag: char, takes_value: &str) -> bool {
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
pub(super) fn operands<'w>(args: &'w [ShellWord], takes_value: &str) -> Vec<&'w ShellWord> {
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

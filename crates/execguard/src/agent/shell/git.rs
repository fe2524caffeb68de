//! git: the ways around the hooks it offers (`--no-verify`, `-n`, `core.hooksPath`), the paths
//! `git rm` and `git mv` remove, and the commands that write working-tree files from another
//! source than the command line: a revision (`checkout <rev> --`, `restore --source`, `reset
//! --hard`, switching branches, `read-tree -u`), a commit's change (`cherry-pick`, `revert`,
//! `stash pop`), a merge (`merge`, `rebase`, `pull`) or a patch (`apply`, `am`). The options
//! whose value is the next word are known per subcommand, so that value (a commit message such
//! as `-m "-n flag removed"`) is never read as an option.

use std::path::Path;

use super::commands::{operands, short_flag};
use super::git_args::GitArgs;
use super::walker::{Walker, HOOK_BYPASS};
use super::words::ShellWord;
use crate::agent::intent::{GitSource, GitWrite};

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
                        if to.computed() {
                            self.lost_dir = true;
                        }
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
        let sub = subcommand.text.as_str();
        let parsed = GitArgs::read(sub, rest);
        if parsed
            .options
            .iter()
            .any(|o| o.len() >= "--no-veri".len() && "--no-verify".starts_with(o))
        {
            self.bypass(
                HOOK_BYPASS,
                format!("`git {sub} --no-verify` would skip the hooks that check the work"),
            );
        }
        if sub == "commit" && parsed.options.iter().any(|o| short_flag(o, 'n', "mFcCtSu")) {
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
            _ => self.git_worktree_writers(sub, &parsed, &dir),
        }
    }

    /// The subcommands that write working-tree files from a revision, a commit or a patch.
    fn git_worktree_writers(&mut self, sub: &str, args: &GitArgs<'_>, dir: &Path) {
        let rev = |word: &ShellWord| {
            if word.text == "-" {
                "@{-1}".to_string()
            } else {
                word.text.clone()
            }
        };
        let ongoing = ["--continue", "--abort", "--skip", "--quit"]
            .iter()
            .any(|o| args.has(o));
        if ongoing {
            return;
        }
        let pathspecs = args.paths.clone();
        match sub {
            "checkout" => {
                // `-b new [start]`: the branch name is the option's value, the start an operand.
                let mut operands = args.operands.iter();
                let source = operands.next();
                match (source, &pathspecs) {
                    (Some(source), Some(paths)) => self.git_write(
                        GitSource::Tree(rev(source)),
                        Some(paths),
                        dir,
                        "`git checkout` would write",
                    ),
                    // `git checkout -- paths` restores the index's copy.
                    (None, Some(_)) | (None, None) => {}
                    (Some(source), None) => {
                        let rest: Vec<&ShellWord> = operands.copied().collect();
                        let paths = (!rest.is_empty()).then_some(rest);
                        self.git_write(
                            GitSource::TreeOrPaths(rev(source)),
                            paths.as_ref(),
                            dir,
                            "`git checkout` would write",
                        );
                    }
                }
            }
            "switch" => {
                // `-c new [start]`: the new branch's name is the option's value.
                let start = args.operands.first();
                if let Some(start) = start {
                    self.git_write(
                        GitSource::Tree(rev(start)),
                        None,
                        dir,
                        "`git switch` would write",
                    );
                }
            }
            "restore" => {
                let staged_only = (args.has("--staged")
                    || args.options.iter().any(|o| short_flag(o, 'S', "s")))
                    && !(args.has("--worktree")
                        || args.options.iter().any(|o| short_flag(o, 'W', "s")));
                if let (Some(source), false) = (args.value("source", 's'), staged_only) {
                    let mut paths: Vec<&ShellWord> = args.operands.clone();
                    paths.extend(pathspecs.iter().flatten());
                    self.git_write(
                        GitSource::Tree(rev(&source)),
                        Some(&paths),
                        dir,
                        "`git restore --source` would write",
                    );
                }
            }
            "reset" if ["--hard", "--merge", "--keep"].iter().any(|o| args.has(o)) => {
                let target = args.operands.first().map_or("HEAD".to_string(), |w| rev(w));
                self.git_write(
                    GitSource::Tree(target),
                    None,
                    dir,
                    "`git reset --hard` would write",
                );
            }
            "read-tree" if args.has("-u") => {
                if let Some(tree) = args.operands.last() {
                    self.git_write(
                        GitSource::Tree(rev(tree)),
                        None,
                        dir,
                        "`git read-tree -u` would write",
                    );
                }
            }
            "stash" => {
                let action = args.operands.first().map(|w| w.text.as_str());
                if matches!(action, Some("pop" | "apply")) {
                    let stash = args.operands.get(1).map_or("stash@{0}".to_string(), |w| {
                        if w.text.chars().all(|c| c.is_ascii_digit()) {
                            format!("stash@{{{}}}", w.text)
                        } else {
                            rev(w)
                        }
                    });
                    self.git_write(
                        GitSource::Commit(stash),
                        None,
                        dir,
                        "`git stash` would write",
                    );
                }
            }
            "cherry-pick" | "revert" => {
                for commit in &args.operands {
                    let source = if commit.text.contains("..") {
                        GitSource::Unknown(format!(
                            "the range {} is not read beforehand",
                            commit.text
                        ))
                    } else {
                        GitSource::Commit(rev(commit))
                    };
                    self.git_write(source, None, dir, &format!("`git {sub}` would write"));
                }
            }
            "merge" => {
                for commit in &args.operands {
                    self.git_write(
                        GitSource::Merge(rev(commit)),
                        None,
                        dir,
                        "`git merge` would write",
                    );
                }
            }
            "rebase" => {
                let upstream = args
                    .value("onto", '\0')
                    .or_else(|| args.operands.first().map(|w| (*w).clone()))
                    .map_or("@{upstream}".to_string(), |w| rev(&w));
                self.git_write(
                    GitSource::Merge(upstream),
                    None,
                    dir,
                    "`git rebase` would write",
                );
            }
            "pull" => {
                // A pull merges (or rebases onto) the upstream: judged as that merge, by what is
                // fetched of it already. What the pull fetches beyond that was on the remote
                // (the server's hook judged it) and lands in a commit the commit hooks judge.
                let source = pull_source(&args.operands).map_or_else(
                    || GitSource::Unknown("`git pull` is given a computed source".to_string()),
                    GitSource::Merge,
                );
                self.git_write(source, None, dir, "`git pull` would write");
            }
            "apply" | "am" => self.git_patch(sub, args, dir),
            "checkout-index" => {
                if args.has("-a") || args.has("--all") {
                    self.git_write(
                        GitSource::Unknown("it writes every file of the index".to_string()),
                        None,
                        dir,
                        "`git checkout-index --all` would write",
                    );
                }
                let mut paths: Vec<&ShellWord> = args.operands.clone();
                paths.extend(pathspecs.iter().flatten());
                for path in paths {
                    self.write(dir, path, "`git checkout-index` would write".to_string());
                }
            }
            _ => {}
        }
    }

    /// `git apply`, `git am`: the paths the patch names when the guard can read it (a file, a
    /// here-document), else any path.
    fn git_patch(&mut self, sub: &str, args: &GitArgs<'_>, dir: &Path) {
        let reports_only = ["--check", "--stat", "--numstat", "--summary", "--cached"]
            .iter()
            .any(|o| args.has(o));
        if reports_only {
            return;
        }
        let how = format!("`git {sub}` would write");
        let mut texts = Vec::new();
        let mut unreadable = None;
        for file in &args.operands {
            match (file.computed(), std::fs::read(dir.join(&file.text))) {
                (false, Ok(bytes)) => texts.push(String::from_utf8_lossy(&bytes).into_owned()),
                _ => {
                    unreadable = Some(format!("the patch {} cannot be read beforehand", file.text))
                }
            }
        }
        if args.operands.is_empty() {
            match &self.heredoc {
                Some(doc) => texts.push(doc.clone()),
                None => unreadable = Some("the patch comes from standard input".to_string()),
            }
        }
        if let Some(why) = unreadable {
            self.git_write(GitSource::Unknown(why), None, dir, &how);
        }
        for text in texts {
            for path in diff_paths(&text) {
                // Patch paths are relative to the top of the working tree, wherever git runs.
                let word = ShellWord::literal(&path);
                self.intent
                    .computed
                    .push(crate::agent::intent::ComputedWrite {
                        dir: None,
                        pattern: word.pattern.clone(),
                        text: path.clone(),
                        how: how.clone(),
                    });
                self.write(dir, &word, how.clone());
            }
        }
    }

    fn git_write(
        &mut self,
        source: GitSource,
        paths: Option<&Vec<&ShellWord>>,
        dir: &Path,
        how: &str,
    ) {
        let computed = paths.is_some_and(|paths| paths.iter().any(|p| p.computed()));
        let source = match &source {
            GitSource::Tree(rev)
            | GitSource::TreeOrPaths(rev)
            | GitSource::Commit(rev)
            | GitSource::Merge(rev)
                if rev.is_empty() =>
            {
                GitSource::Unknown("the revision is computed when the command runs".to_string())
            }
            _ => source,
        };
        self.intent.git_writes.push(GitWrite {
            source,
            paths: paths
                .filter(|_| !computed && !self.lost_dir && !self.unplaced)
                .map(|paths| paths.iter().map(|p| p.text.clone()).collect()),
            dir: dir.to_path_buf(),
            how: how.to_string(),
        });
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
}

/// The paths a unified diff (or a mailbox of them) creates, changes, removes or renames.
pub(super) fn diff_paths(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |path: &str| {
        let path = path.trim_end_matches('\r');
        let path = path.split('\t').next().unwrap_or(path).trim_matches('"');
        if path == "/dev/null" || path.is_empty() {
            return;
        }
        let path = path
            .strip_prefix("a/")
            .or_else(|| path.strip_prefix("b/"))
            .unwrap_or(path);
        if !out.iter().any(|seen| seen == path) {
            out.push(path.to_string());
        }
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("diff --git ") {
            if let Some((a, b)) = rest.split_once(" b/") {
                add(a);
                add(b);
            }
        } else if let Some(path) = line
            .strip_prefix("--- ")
            .or_else(|| line.strip_prefix("+++ "))
            .or_else(|| line.strip_prefix("rename from "))
            .or_else(|| line.strip_prefix("rename to "))
            .or_else(|| line.strip_prefix("copy to "))
        {
            add(path);
        }
    }
    out
}

/// What `git pull [remote [refspec...]]` merges, as far as it is known before it runs: the
/// remote-tracking branch of the first refspec's source (`origin main`, `origin +a:b`), else the
/// current branch's upstream.
/// `None` when an operand is computed at run time.
fn pull_source(operands: &[&ShellWord]) -> Option<String> {
    if operands.iter().any(|w| w.computed()) {
        return None;
    }
    Some(match (operands.first(), operands.get(1)) {
        (Some(remote), Some(refspec)) => {
            let source = refspec.text.trim_start_matches('+');
            let source = source.split(':').next().unwrap_or(source);
            let branch = source.strip_prefix("refs/heads/").unwrap_or(source);
            format!("refs/remotes/{}/{branch}", remote.text)
        }
        _ => "@{upstream}".to_string(),
    })
}

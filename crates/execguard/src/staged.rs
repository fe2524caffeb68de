//! The check of the staged change, shared by `execguard-pre-commit`, `execguard-commit-msg` and
//! `execguard check`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use execguard_core::{Options, Report, RuleId};

/// What the caller wants checked.
#[derive(Debug, Default)]
pub struct StagedCheck {
    /// The commit message (commit-msg hook), raw as git wrote it.
    pub message: Option<String>,
    /// Rules to set aside (`EXECGUARD_SKIP`, pre-commit only).
    pub skip: BTreeSet<RuleId>,
    /// `--config PATH`.
    pub config: Option<PathBuf>,
    /// `GIT_INDEX_FILE`, already made absolute.
    pub index_file: Option<PathBuf>,
    /// Judge against HEAD's parent: the commit is `git commit --amend`.
    pub amend: bool,
}

/// Runs a commit hook: builds the request, checks the staged change, prints the verdict and maps
/// it to the exit code git acts on (a request or check that fails refuses the commit too).
pub fn run_hook(request: impl FnOnce() -> anyhow::Result<StagedCheck>) -> std::process::ExitCode {
    use crate::exit;
    let judged = request().and_then(|request| {
        let report = check(&request)?;
        Ok((report, request.message.is_none()))
    });
    match judged {
        Ok((report, before_message)) => {
            if let Ok(repo) = execguard_git::open_from_env() {
                let layer = if before_message {
                    "pre-commit"
                } else {
                    "commit-msg"
                };
                let feature = crate::trail::record::branch_feature(&repo);
                crate::trail::record::report(
                    repo.common_dir(),
                    layer,
                    &report,
                    &crate::trail::record::client_who(),
                    feature.as_deref(),
                );
            }
            let mut text = crate::render::human(&report, "the commit is refused");
            if before_message {
                text.push_str(&override_note(&report));
            }
            crate::render::eprint(&text);
            std::process::ExitCode::from(if report.is_clean() {
                exit::CLEAN
            } else {
                exit::VIOLATIONS
            })
        }
        Err(error) => exit::could_not_check(&error, "the commit is refused"),
    }
}

/// How a human approves an exception past the pre-commit hook, which runs before the message
/// exists: a trailer alone is not seen there, so the command sets the rules aside with
/// `EXECGUARD_SKIP` and the commit-msg hook then holds the commit to the trailers.
fn override_note(report: &Report) -> String {
    use crate::render::BLANK;
    let mut rules: Vec<&str> = report
        .violations
        .iter()
        .filter(|violation| violation.overridable())
        .map(|violation| violation.rule().as_str())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    if rules.is_empty() {
        return String::new();
    }
    let trailers = rules
        .iter()
        .map(|rule| format!(" -m 'Execguard-Override: {rule}: {BLANK}'"))
        .collect::<Vec<_>>()
        .join("");
    format!(
        "execguard: this hook runs before the commit message exists, so an override trailer alone does not get past it. An override is a human's act: an agent stops and escalates (`execguard escalate \"<question>\"`), giving the human this command. The human who approves the exception replaces each `{BLANK}` (the subject, then why they approve it: who, where) and commits with `EXECGUARD_SKIP={} git commit -m '{BLANK}'{trailers}`; the commit-msg hook then checks the trailer, and refuses a blank left unfilled.\n",
        rules.join(",")
    )
}

/// Runs the rules over the staged change.
pub fn check(request: &StagedCheck) -> anyhow::Result<Report> {
    let repo = execguard_git::open_from_env()?;
    let staged = execguard_git::staged_change(&repo, request.index_file.as_deref(), request.amend)?;
    let base_name = if request.amend { "HEAD^" } else { "HEAD" };
    // The first commit of a branch is judged by the embedded default, as the server judges a
    // root commit: a config it adds cannot judge the commit that adds it.
    let loaded = execguard_git::load_commit_config_or(
        &repo,
        staged.base_tree.as_ref(),
        base_name,
        request.config.as_deref(),
    );
    let (config, origin) = match (loaded, &request.config) {
        (Ok(found), _) => found,
        // A file named with --config is the caller's to fix; the repair path is for the base's.
        (Err(error), Some(_)) => return Err(error.into()),
        (Err(error), None) => (
            crate::repair::config_or_repair(Err(error), &staged.change)?,
            execguard_git::ConfigOrigin::Default,
        ),
    };
    let mut change = staged.change;
    change.message = request.message.clone();
    // What the branch had since its upstream: an entry it had before is not new.
    change.earlier_progress =
        crate::commits::branch_progress::earlier_entries(&config, &change, |plans| {
            execguard_git::branch_history::since_upstream(&repo, plans)
        })?;
    let options = Options {
        skip: request.skip.clone(),
        comment_char: Some(execguard_git::comment_char(&repo)),
        ..Options::default()
    };
    if crate::output::is_verbose() {
        trace_staged(&config, &origin, &change, &staged.trees, &options, {
            staged.base_tree.as_ref().map(|tree| (base_name, tree.id()))
        })?;
    }
    let mut report = match &staged.merge {
        None => execguard_core::check(&config, &change, &staged.trees, &options)?,
        Some(parts) => crate::merges::judge(
            &config,
            &change,
            parts,
            |tree, id| {
                let (config, _) = match &request.config {
                    Some(path) => execguard_git::load_config(&repo, None, "", Some(path))?,
                    None => execguard_git::load_commit_config(
                        &repo,
                        Some(tree),
                        execguard_core::engine::short(&id.to_string()),
                    )?,
                };
                Ok(std::rc::Rc::new(config))
            },
            &options,
        )?,
    };
    if request.amend {
        // An amend is judged as the commit it makes, against HEAD's parent; what it adds on top of
        // HEAD is also held to the path rules, so amending the commit that froze a spec cannot
        // change the spec.
        let delta = execguard_git::staged_change(&repo, request.index_file.as_deref(), false)?;
        let path_rules = config.path_rules_only();
        let mut delta_change = delta.change;
        delta_change.message = request.message.clone();
        let extra = execguard_core::check(&path_rules, &delta_change, &delta.trees, &options)?;
        merge_new(&mut report, extra);
    }
    Ok(report)
}

/// `--verbose`: which config judges the staged change, against which base, on which branch and
/// for which feature.
fn trace_staged(
    config: &execguard_core::Config,
    origin: &execguard_git::ConfigOrigin,
    change: &execguard_core::Change,
    trees: &dyn execguard_core::Trees,
    options: &Options,
    base: Option<(&str, execguard_git::ObjectId)>,
) -> anyhow::Result<()> {
    use crate::output::trace;
    use execguard_core::engine::{Context, FeatureSource};
    trace(|| format!("config: {origin}"));
    trace(|| match base {
        Some((name, tree)) => format!(
            "base: {name} (tree {})",
            execguard_core::engine::short(&tree.to_string())
        ),
        None => "base: the empty tree (no commit yet)".to_string(),
    });
    trace(|| match &change.branch {
        Some(branch) => format!("branch: {branch}"),
        None => "branch: none (detached HEAD)".to_string(),
    });
    let message = change
        .message
        .as_deref()
        .map(|raw| execguard_core::trailers::Message::parse(raw, options.comment_char.as_deref()));
    let (features, source) = Context::new(config, change, trees, message).features()?;
    trace(|| {
        match source {
        None => "feature: none found (no Execplan: trailer, no execplan named by the branch, no Progress updated)".to_string(),
        Some(source) => format!(
            "feature: {} (from {})",
            features.join(", "),
            match source {
                FeatureSource::Trailer => "the Execplan: trailer",
                FeatureSource::Branch => "the branch name",
                FeatureSource::UpdatedExecplan => "the execplan whose Progress the change updates",
            }
        ),
    }
    });
    Ok(())
}

/// Adds the findings of `extra` that `report` does not have yet (same rule and path).
fn merge_new(report: &mut Report, extra: Report) {
    let key = |v: &execguard_core::Violation| (v.rule(), v.path().cloned());
    let mut known: std::collections::HashSet<_> = report
        .violations
        .iter()
        .chain(report.skipped.iter())
        .chain(report.overridden.iter().map(|o| &o.violation))
        .map(key)
        .collect();
    for violation in extra.violations {
        if known.insert(key(&violation)) {
            report.violations.push(violation);
        }
    }
    for violation in extra.skipped {
        if known.insert(key(&violation)) {
            report.skipped.push(violation);
        }
    }
    for overridden in extra.overridden {
        if known.insert(key(&overridden.violation)) {
            report.overridden.push(overridden);
        }
    }
}

/// `GIT_INDEX_FILE` as an absolute path: git may set it relative to the directory the hook starts
/// in, so it is resolved before anything else happens.
pub fn index_file_from_env() -> anyhow::Result<Option<PathBuf>> {
    let Some(value) = std::env::var_os("GIT_INDEX_FILE") else {
        return Ok(None);
    };
    let path = PathBuf::from(value);
    if path.is_absolute() {
        return Ok(Some(path));
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(Some(cwd.join(path)))
}

/// Rules named in `EXECGUARD_SKIP` (comma or space separated).
pub fn skip_from_env() -> anyhow::Result<BTreeSet<RuleId>> {
    let Ok(value) = std::env::var("EXECGUARD_SKIP") else {
        return Ok(BTreeSet::new());
    };
    let mut skip = BTreeSet::new();
    for name in value.split([',', ' ']).filter(|s| !s.trim().is_empty()) {
        match name.parse::<RuleId>() {
            Ok(rule) => {
                skip.insert(rule);
            }
            Err(e) => bail!("EXECGUARD_SKIP: {e}; `execguard explain --list` lists the rules"),
        }
    }
    Ok(skip)
}

/// Whether this hook runs inside `git commit --amend`. git tells hooks nothing about it, so on
/// Linux the command lines of the calling processes are read; elsewhere a staged change is judged
/// against HEAD.
pub fn is_amend() -> bool {
    let mut pid = std::process::id();
    for _ in 0..4 {
        let Some(parent) = parent_pid(pid) else {
            return false;
        };
        if let Ok(cmdline) = std::fs::read(format!("/proc/{parent}/cmdline")) {
            let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
            let is_git = args.first().is_some_and(|a| {
                Path::new(std::str::from_utf8(a).unwrap_or(""))
                    .file_name()
                    .is_some_and(|n| n == "git")
            });
            if is_git {
                return commit_args_amend(&args[1..]);
            }
        }
        pid = parent;
    }
    false
}

/// Whether git's arguments (after the program name) are a `commit` with `--amend`, spelled as git
/// accepts it (any unambiguous prefix down to `--am`), not counting option values such as
/// `-m --amend`.
fn commit_args_amend(args: &[&[u8]]) -> bool {
    // Options of `git` itself that take a separate value, before the subcommand.
    const GIT_VALUED: &[&[u8]] = &[b"-C", b"-c", b"--git-dir", b"--work-tree", b"--namespace"];
    // Options of `git commit` that take a separate value.
    const COMMIT_VALUED: &[&[u8]] = &[
        b"-m",
        b"-F",
        b"-c",
        b"-C",
        b"-t",
        b"--message",
        b"--file",
        b"--reuse-message",
        b"--reedit-message",
        b"--author",
        b"--date",
        b"--cleanup",
        b"--fixup",
        b"--squash",
        b"--template",
        b"--trailer",
        b"--pathspec-from-file",
    ];
    let mut words = args.iter();
    loop {
        match words.next() {
            None => return false,
            Some(word) if *word == b"commit" => break,
            Some(word) if GIT_VALUED.contains(word) => {
                words.next();
            }
            Some(_) => {}
        }
    }
    let mut amend = false;
    while let Some(word) = words.next() {
        match *word {
            b"--" => break,
            w if COMMIT_VALUED.contains(&w) => {
                words.next();
            }
            w if w.len() >= 4 && b"--amend".starts_with(w) => amend = true,
            b"--no-amend" => amend = false,
            _ => {}
        }
    }
    amend
}

fn parent_pid(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces; the ppid follows the state.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::commit_args_amend;

    fn amend(args: &str) -> bool {
        let words: Vec<&[u8]> = args.split(' ').map(str::as_bytes).collect();
        commit_args_amend(&words)
    }

    #[test]
    fn amend_is_found_as_git_parses_it() {
        assert!(amend("commit --amend --no-edit"));
        assert!(amend("commit --amen"));
        assert!(amend("commit --am -q"));
        assert!(amend("-C /repo commit -a --amend"));
        assert!(!amend("commit -m --amend"));
        assert!(!amend("commit --message --amend"));
        assert!(!amend("commit -- --amend"));
        assert!(!amend("commit --a"));
        assert!(!amend("commit --amend --no-amend"));
        assert!(!amend("log --amend"));
    }
}

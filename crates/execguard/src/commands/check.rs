//! `execguard check`: the staged change (no arguments), one commit (`--commit REV`) or every
//! commit of a range (`--range A..B`), printed for people, as JSON, SARIF, GitHub annotations or
//! GitLab's code quality report.

use clap::{ArgGroup, Args, ValueEnum};
use execguard_core::{OverridePolicy, Pusher, Report};

use crate::commits::{self, CommitJob, CommitSettings};
use crate::staged::{self, StagedCheck};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Blocks for people and agents, on stderr.
    Human,
    /// `{"violations": [...], "overridden": [...]}` on stdout.
    Json,
    /// SARIF 2.1.0 on stdout, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::...`) on stdout.
    Github,
    /// GitLab's code quality report (a JSON array) on stdout, for the merge request widget.
    Gitlab,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("commits").args(["range", "commit"])))]
pub struct CheckArgs {
    /// Check every commit of `git rev-list <RANGE>` (`A..B`, `A...B`, `^A B`, `X^!`), each
    /// against its first parent. A range that excludes nothing (`X` alone) is refused unless
    /// `--whole-history` is given.
    #[arg(long, value_name = "RANGE", conflicts_with = "commit")]
    pub range: Option<String>,
    /// With `--range`, follow only first parents (`git rev-list --first-parent`): the commits of
    /// the branch itself, each judged by its whole change against its first parent (a merge by
    /// everything it brings in).
    #[arg(long, requires = "range")]
    pub first_parent: bool,
    /// With `--range`, accept a single revision and check every ancestor of it, down to the root.
    #[arg(long, requires = "range")]
    pub whole_history: bool,
    /// Check one commit against its first parent.
    #[arg(long, value_name = "REV")]
    pub commit: Option<String>,
    /// The branch the commits land on, for `[scope]` and the feature (default: the current
    /// branch for the commits on it, as the pre-commit hook judged them; none for the others and
    /// on a detached HEAD).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Who proposes the commits (in CI, the pull or merge request's author). `Execguard-Override`
    /// trailers are honoured only when this name is listed in `[server] override-users` of the
    /// config in force (`--config`, else each commit's parent's `.execguard.toml`); without it,
    /// no override is honoured.
    #[arg(long, value_name = "NAME", requires = "commits")]
    pub pusher: Option<String>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The repository (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<std::path::PathBuf>,
}

/// Returns whether everything checked is clean.
pub fn run(args: &CheckArgs, config: Option<&std::path::Path>) -> anyhow::Result<bool> {
    let report = if args.range.is_some() || args.commit.is_some() {
        let repo = super::open_repo(args.repo.as_deref(), None)?;
        // Whether a baseline leaves commits of the range out: the range then crosses the
        // guard's adoption, and is not judged as one update (branch-net-change).
        let mut crosses_adoption = false;
        let head = execguard_git::head_commit_id(&repo);
        // `--commit` of a commit HEAD's branch holds, judged for that branch.
        let mut on_current_branch = false;
        let ids = match (&args.range, &args.commit) {
            (Some(range), _) => {
                let all = execguard_git::commits_in_range(
                    &repo,
                    range,
                    execguard_git::RangeOptions {
                        first_parent: args.first_parent,
                        whole_history: args.whole_history,
                    },
                )?;
                let count = all.len();
                let kept = commits::baseline::range_for_check(&repo, all, config, None)?;
                crosses_adoption = kept.len() < count;
                kept
            }
            (None, Some(revision)) => {
                let id = execguard_git::resolve_commit(&repo, revision)?;
                // The commit's own config cannot name it as a baseline; the branch it is on can.
                let branch_tip = match head {
                    Some(head) if execguard_git::is_ancestor(&repo, id, head)? => Some(head),
                    _ => None,
                };
                on_current_branch = branch_tip.is_some()
                    && execguard_git::current_branch(&repo).is_some_and(|current| {
                        args.branch.as_deref().is_none_or(|given| given == current)
                    });
                commits::baseline::range_for_check(&repo, vec![id], config, branch_tip)?
            }
            (None, None) => Vec::new(),
        };
        crate::output::trace(|| {
            match config {
            Some(path) => format!("config: {} (--config), for every commit", path.display()),
            None => "config: each commit's first parent's .execguard.toml (the embedded default where there is none, and for a root commit)".to_string(),
        }
        });
        let (branch_of, branch_text) = default_branch(&repo, &ids, args.branch.as_deref(), head)?;
        crate::output::trace(|| {
            format!(
                "base: each commit's first parent; branch: {branch_text}; {} commit{} to judge: {}",
                ids.len(),
                if ids.len() == 1 { "" } else { "s" },
                ids.iter()
                    .map(|id| execguard_core::engine::short(&id.to_string()).to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        });
        let jobs: Vec<CommitJob> = ids
            .into_iter()
            .map(|id| CommitJob {
                id,
                branch: branch_of(id),
            })
            .collect();
        let at = repo.git_dir().to_path_buf();
        let settings = CommitSettings {
            config: config.map(execguard_git::read_config_file).transpose()?,
            // Anyone can write a trailer into a commit; in CI only a listed pusher's count.
            overrides: OverridePolicy::ListedPusher {
                pusher: args.pusher.clone(),
            },
            pusher: match args.pusher.as_deref().map(str::trim) {
                Some(name) if !name.is_empty() => Pusher::Named(name.to_string()),
                _ => Pusher::Unnamed,
            },
            whole_first_parent_changes: args.first_parent,
        };
        let open = || Ok(execguard_git::open_at(&at)?);
        let mut reports = commits::check_commits_each(open, &jobs, &settings)?;
        // Judged alone, a commit knows only its parent; on the current branch it also knows the
        // Progress entries the branch had before it, as the commit hooks did, so an entry the
        // branch deleted and added back is not new here either.
        if let ([job], [report], true) =
            (jobs.as_slice(), reports.as_mut_slice(), on_current_branch)
        {
            if report.errors.is_empty() {
                if let Some(earlier) =
                    commits::branch_progress::earlier_for_commit(&repo, job, &settings)?
                {
                    let bases = commits::range_bases(&repo, &jobs, &settings)?;
                    *report = commits::judge_again(&repo, job, &settings, earlier, &bases)?;
                }
            }
        }
        // The range is one branch's commits, oldest first.
        commits::branch_progress::settle(
            open,
            &jobs,
            &[(0..jobs.len()).collect()],
            &settings,
            &mut reports,
        )?;
        // As on the server, the range as a whole is judged once its commits pass: otherwise it
        // would only name the same paths again.
        let commits_clean = reports.iter().all(Report::is_clean);
        if let (Some(range), true, false) = (&args.range, commits_clean, crosses_adoption) {
            // A single `A..B` walked whole lists the commits the update brings: they need not
            // be walked again.
            let walked = (!args.first_parent && !range.trim().contains(char::is_whitespace))
                .then(|| jobs.iter().map(|job| job.id).collect());
            reports.extend(net_change(
                &repo,
                &open,
                range,
                args.branch.as_deref(),
                walked,
                &settings,
            )?);
        }
        let count = jobs.len();
        let report = commits::merge(reports);
        let who = args
            .pusher
            .clone()
            .unwrap_or_else(crate::trail::record::client_who);
        let feature = args
            .branch
            .as_deref()
            .and_then(|branch| crate::trail::record::feature_of_branch(&repo, branch))
            .or_else(|| crate::trail::record::branch_feature(&repo));
        crate::trail::record::report(repo.common_dir(), "ci", &report, &who, feature.as_deref());
        if args.format == Format::Human && report.violations.is_empty() && report.errors.is_empty()
        {
            crate::render::eprint_line(&format!(
                "execguard: {count} commit{} checked, no violations.",
                if count == 1 { "" } else { "s" }
            ));
        }
        report
    } else {
        let request = StagedCheck {
            config: config.map(|p| p.to_path_buf()),
            index_file: staged::index_file_from_env()?,
            ..StagedCheck::default()
        };
        let report = staged::check(&request)?;
        if args.format == Format::Human
            && report.violations.is_empty()
            && report.overridden.is_empty()
        {
            crate::render::eprint_line("execguard: the staged change is clean.");
        }
        report
    };
    print(&report, args.format, "the change would be refused");
    unjudged(&report)?;
    Ok(report.is_clean())
}

/// The range `A..B` judged as one update of the branch from `A` to `B` (rule branch-net-change),
/// as the server judges a push; `None` for any other form of range. `walked`: the commits of
/// `A..B`, when the range was walked as that alone.
fn net_change(
    repo: &execguard_git::Repo,
    open: &(dyn Fn() -> anyhow::Result<execguard_git::Repo> + Sync),
    range: &str,
    branch: Option<&str>,
    walked: Option<Vec<execguard_git::ObjectId>>,
    settings: &CommitSettings,
) -> anyhow::Result<Option<Report>> {
    let Some((old, new)) = range.split_once("..") else {
        return Ok(None);
    };
    if old.is_empty() || new.is_empty() || new.starts_with('.') {
        return Ok(None);
    }
    let old = execguard_git::resolve_commit(repo, old)?;
    let tip = execguard_git::resolve_commit(repo, new)?;
    let name = match branch {
        Some(branch) => format!("refs/heads/{branch}"),
        None => range.to_string(),
    };
    let old = crate::push::OldTip {
        id: old,
        remembered: false,
    };
    Ok(Some(crate::push::judge_net(
        repo,
        open,
        &name,
        old,
        tip,
        &[],
        walked,
        settings,
    )?))
}

/// The branch each commit is judged for: `--branch` for all; without it, the current branch for
/// the commits it holds (the branch the pre-commit hook judged them on) and none for the rest.
/// Also the text `-v` prints about it.
#[allow(clippy::type_complexity)]
fn default_branch(
    repo: &execguard_git::Repo,
    ids: &[execguard_git::ObjectId],
    given: Option<&str>,
    head: Option<execguard_git::ObjectId>,
) -> anyhow::Result<(
    Box<dyn Fn(execguard_git::ObjectId) -> Option<String>>,
    String,
)> {
    if let Some(name) = given {
        let text = format!("{name} (--branch)");
        let name = name.to_string();
        return Ok((Box::new(move |_| Some(name.clone())), text));
    }
    let (Some(branch), Some(head)) = (execguard_git::current_branch(repo), head) else {
        return Ok((
            Box::new(|_| None),
            "none (--branch not given and HEAD is on no branch with commits)".to_string(),
        ));
    };
    let off_branch: std::collections::HashSet<execguard_git::ObjectId> =
        execguard_git::baseline::not_reachable_from(repo, ids, &[head])?
            .into_iter()
            .collect();
    let text = format!(
        "{branch} (the current branch, --branch not given) for the {} commit{} on it, none for the {} other{}",
        ids.len() - off_branch.len(),
        if ids.len() - off_branch.len() == 1 { "" } else { "s" },
        off_branch.len(),
        if off_branch.len() == 1 { "" } else { "s" },
    );
    Ok((
        Box::new(move |id| (!off_branch.contains(&id)).then(|| branch.clone())),
        text,
    ))
}

/// Fails (exit code 2) when some commit could not be judged: the check is incomplete.
fn unjudged(report: &Report) -> anyhow::Result<()> {
    match report.errors.len() {
        0 => Ok(()),
        n => anyhow::bail!(
            "{n} commit{} could not be judged (see the report), so the range is refused",
            if n == 1 { "" } else { "s" }
        ),
    }
}

/// Prints a report in the chosen format.
pub fn print(report: &Report, format: Format, action: &str) {
    match format {
        // Quiet: nothing on success, the verdict line alone on violations.
        Format::Human if crate::output::is_quiet() => {
            if !report.violations.is_empty() {
                crate::render::eprint_always(&crate::render::verdict(
                    report,
                    action,
                    crate::render::Audience::Client,
                ));
            }
        }
        Format::Human => crate::render::eprint(&crate::render::human(report, action)),
        Format::Json => crate::render::print(&crate::render::json(report)),
        Format::Sarif => crate::render::print(&crate::render::sarif(report)),
        Format::Github => crate::render::print(&crate::render::github(report)),
        Format::Gitlab => crate::render::print(&crate::render::gitlab(report)),
    }
}

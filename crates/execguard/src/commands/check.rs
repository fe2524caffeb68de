//! `execguard check`: the staged change (no arguments), one commit (`--commit REV`) or every
//! commit of a range (`--range A..B`), printed for people, as JSON, SARIF or GitHub annotations.

use clap::{ArgGroup, Args, ValueEnum};
use execguard_core::{OverridePolicy, Report};

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
    /// The branch the commits land on, for `[scope]` and the feature (default: none for
    /// `--range` and `--commit`).
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
        let ids = match (&args.range, &args.commit) {
            (Some(range), _) => commits::baseline::range_for_check(
                &repo,
                execguard_git::commits_in_range(
                    &repo,
                    range,
                    execguard_git::RangeOptions {
                        first_parent: args.first_parent,
                        whole_history: args.whole_history,
                    },
                )?,
                config,
            )?,
            (None, Some(revision)) => vec![execguard_git::resolve_commit(&repo, revision)?],
            (None, None) => Vec::new(),
        };
        crate::output::trace(|| {
            match config {
            Some(path) => format!("config: {} (--config), for every commit", path.display()),
            None => "config: each commit's first parent's .execguard.toml (the embedded default where there is none, and for a root commit)".to_string(),
        }
        });
        crate::output::trace(|| {
            format!(
                "base: each commit's first parent; branch: {}; {} commit{} to judge: {}",
                args.branch
                    .as_deref()
                    .unwrap_or("none (--branch not given)"),
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
                branch: args.branch.clone(),
            })
            .collect();
        let at = repo.git_dir().to_path_buf();
        let settings = CommitSettings {
            config: config.map(execguard_git::read_config_file).transpose()?,
            // Anyone can write a trailer into a commit; in CI only a listed pusher's count.
            overrides: OverridePolicy::ListedPusher {
                pusher: args.pusher.clone(),
            },
            whole_first_parent_changes: args.first_parent,
        };
        let reports =
            commits::check_commits_each(|| Ok(execguard_git::open_at(&at)?), &jobs, &settings)?;
        let count = jobs.len();
        let report = commits::merge(reports);
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
    }
}

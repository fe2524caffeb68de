//! `execguard init`: writes the documented default config to `.execguard.toml`; with
//! `--example FEATURE`, scaffolds a feature's draft spec and execplan where the config in force
//! looks for them.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use clap::Args;
use execguard_core::config::{CONFIG_PATH, DEFAULT_CONFIG};
use execguard_core::model::RepoPath;
use execguard_core::Config;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to write into (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Print the default config to stdout instead of writing it.
    #[arg(long, conflicts_with = "example")]
    pub stdout: bool,
    /// Instead of the config, write a draft spec and an execplan for FEATURE, where the layout of
    /// the config in force puts them (`.execguard.toml` in the working tree, else the embedded
    /// default), the plan with every section that config requires.
    #[arg(long, value_name = "FEATURE")]
    pub example: Option<String>,
}

pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    if args.stdout {
        crate::render::print(DEFAULT_CONFIG);
        return Ok(());
    }
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let Some(workdir) = repo.workdir() else {
        bail!("this is a bare repository: there is no working tree to write into");
    };
    if let Some(feature) = &args.example {
        return example(workdir, feature);
    }
    let path = workdir.join(CONFIG_PATH);
    if path.exists() {
        bail!("{} already exists; it is left untouched", path.display());
    }
    std::fs::write(&path, DEFAULT_CONFIG)
        .with_context(|| format!("cannot write {}", path.display()))?;
    crate::render::eprint_line(&format!(
        "execguard: wrote {}; commit it to put it in force (it judges the commits after it).",
        path.display()
    ));
    Ok(())
}

/// Writes `feature`'s draft spec and its execplan; refuses before writing anything when either
/// file is there already.
fn example(workdir: &Path, feature: &str) -> anyhow::Result<()> {
    check_feature_name(feature)?;
    let config_file = workdir.join(CONFIG_PATH);
    let config = if config_file.exists() {
        execguard_git::read_config_file(&config_file)?
    } else {
        Config::embedded_default()
    };
    let spec = spec_path(&config, feature)?;
    let plan = config.layout.execplans.path_for(feature);
    if !config.layout.is_planning(&plan) {
        bail!(
            "the execplan template would put {feature}'s plan at {}, which `[layout] not-planning` excludes; change the template or the exclusion first",
            plan.to_text()
        );
    }
    let files = [
        (spec.to_text(), spec_text(&config, feature)),
        (plan.to_text(), plan_text(&config, feature, &spec)),
    ];
    for (path, _) in &files {
        if workdir.join(path).exists() {
            bail!("{path} already exists; nothing was written");
        }
    }
    for (path, text) in &files {
        let full = workdir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&full, text).with_context(|| format!("cannot write {path}"))?;
    }
    let spec_marker = config.layout.spec_marker.first();
    let plan_marker = config.layout.execplan_marker.first();
    crate::render::eprint_line(&format!(
        "execguard: wrote {spec} (a draft: a human finishes it and freezes it with a line {spec_marker}) and {plan} (every section the config requires: the agent fills it in and marks it {plan_marker} before the first code commit).",
        spec = files[0].0,
        plan = files[1].0,
    ));
    Ok(())
}

/// A feature is one file or folder name: it becomes part of paths.
fn check_feature_name(feature: &str) -> anyhow::Result<()> {
    let fine = !feature.is_empty()
        && !feature.starts_with(['.', '-'])
        && feature
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !fine {
        bail!(
            "{feature:?} is not a feature name: use letters, digits, '-', '_' and '.', not starting with '.' or '-' (it becomes the spec's and the plan's file name)"
        );
    }
    Ok(())
}

/// Where a new spec of `feature` goes: `<root>/<feature>.md` below the first spec glob's folder,
/// when the spec globs take that path.
fn spec_path(config: &Config, feature: &str) -> anyhow::Result<RepoPath> {
    let specs = &config.layout.specs;
    for root in specs.roots() {
        let path = if root.is_empty() {
            RepoPath::from(format!("{feature}.md").as_str())
        } else {
            RepoPath::from(format!("{root}/{feature}.md").as_str())
        };
        if specs.is_match(&path) {
            return Ok(path);
        }
    }
    bail!(
        "no path of the form <folder>/{feature}.md matches the spec globs ({}); write the spec by hand where they look",
        specs.texts().join(", ")
    )
}

fn spec_text(config: &Config, feature: &str) -> String {
    let marker = config.layout.spec_marker.first();
    format!(
        "# {feature}\n\n\
         <!-- A draft. When it says what is wanted, a human freezes it: a line that says\n     \
         {marker} below the title, committed. From then on only a human may change it. -->\n\n\
         ## Goal\n\nWhat the feature is for, and for whom.\n\n\
         ## Requirements\n\n- What must be true when it is done, one testable statement each.\n\n\
         ## Acceptance\n\nHow a person checks that it works.\n\n\
         ## Out of scope\n\nWhat it does not do.\n"
    )
}

/// The sections of an ExecPlan, in the order plan guides give them, with the text each starts
/// with. The living sections come first after the purpose.
const STANDARD_SECTIONS: &[(&str, &str)] = &[
    (
        "Purpose / Big Picture",
        "What someone gains from this change, and how they can see it working.",
    ),
    ("Progress", ""),
    (
        "Surprises & Discoveries",
        "- (none yet) Unexpected behaviour, with the evidence.",
    ),
    ("Decision Log", "- (none yet) Decision, rationale, date."),
    (
        "Outcomes & Retrospective",
        "What was achieved against the purpose, what remains, what was learned.",
    ),
    (
        "Context and Orientation",
        "The files and modules this touches, named by full path, for a reader who knows nothing.",
    ),
    ("Plan of Work", "The edits, in order, in prose."),
    (
        "Concrete Steps",
        "The commands to run, with their working directory and expected output.",
    ),
    (
        "Validation and Acceptance",
        "How to prove the change works: the tests to run and what they show.",
    ),
    (
        "Idempotence and Recovery",
        "How to repeat or undo the steps safely.",
    ),
];

fn plan_text(config: &Config, feature: &str, spec: &RepoPath) -> String {
    let progress = config.rules.progress_update.section.as_str();
    let plan_marker = config.layout.execplan_marker.first();
    let mut text = format!(
        "# {feature}: execution plan\n\n\
         <!-- Mark this plan ready with a line {plan_marker} below the title once every section\n     \
         is filled in and a human has frozen the spec; code commits need it. -->\n\n\
         Spec: {}\n",
        spec.to_text()
    );
    let mut titles: Vec<(String, String)> = STANDARD_SECTIONS
        .iter()
        .map(|(title, body)| {
            // The progress section goes by the name the config gives it.
            let title = if *title == "Progress" {
                progress
            } else {
                title
            };
            (title.to_string(), (*body).to_string())
        })
        .collect();
    // The sections the config names that the standard list does not (a guide's own names).
    for required in config.rules.execplan_sections.required.iter() {
        if !titles.iter().any(|(t, _)| t.eq_ignore_ascii_case(required)) {
            titles.push((required.clone(), String::new()));
        }
    }
    for (title, body) in titles {
        let body = if title.eq_ignore_ascii_case(progress) {
            "- [ ] First milestone: what will exist when it is done. Tick it, with the time, in the commit that finishes it; add an entry at every stopping point.".to_string()
        } else if body.is_empty() {
            "To be written.".to_string()
        } else {
            body
        };
        text.push_str(&format!("\n## {title}\n\n{body}\n"));
    }
    text
}

//! `execguard config`: prints the effective config and where it came from; `--check` validates a
//! config file, `--schema` prints the JSON Schema of the file.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The repository (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Validate a config file and exit: 0 when valid, 2 naming the line, column and key of the
    /// first problem. FILE defaults to the `--config` file, else `.execguard.toml` at the root of
    /// the repository's working tree.
    #[arg(long, value_name = "FILE", num_args = 0..=1, conflicts_with = "schema")]
    pub check: Option<Option<PathBuf>>,
    /// Print the JSON Schema of `.execguard.toml`, for editors.
    #[arg(long)]
    pub schema: bool,
}

pub fn run(args: &ConfigArgs, explicit: Option<&Path>) -> anyhow::Result<()> {
    if args.schema {
        crate::render::print(&execguard_core::config::json_schema());
        return Ok(());
    }
    if let Some(file) = &args.check {
        return check(args, file.as_deref().or(explicit));
    }
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let head_tree = execguard_git::head_tree(&repo)?;
    let (config, origin) = execguard_git::load_config(&repo, head_tree.as_ref(), "HEAD", explicit)?;
    crate::render::print(&format!(
        "# The config in force, from {origin}.\n\n{}",
        config.to_toml()
    ));
    Ok(())
}

/// `--check`: reads and validates one file; an error names the file, line, column and key.
fn check(args: &ConfigArgs, file: Option<&Path>) -> anyhow::Result<()> {
    let path = match file {
        Some(path) => path.to_path_buf(),
        None => {
            let repo = super::open_repo(args.repo.as_deref(), None)?;
            let workdir = repo.workdir().context(
                "the repository is bare, so it has no .execguard.toml to check; name a file: `execguard config --check FILE`",
            )?;
            workdir.join(execguard_core::config::CONFIG_PATH)
        }
    };
    let config = execguard_git::read_config_file(&path)?;
    let mut text = format!("{}: a valid execguard config\n", path.display());
    for warning in unmatched(args, &config) {
        text.push_str(&format!("warning: {warning}\n"));
    }
    crate::render::print(&text);
    Ok(())
}

/// The templates and globs of `config` that match no file at HEAD of the repository, when there
/// is one with a commit: a template that matches nothing finds no plan, without a word.
pub fn unmatched(args: &ConfigArgs, config: &execguard_core::Config) -> Vec<String> {
    let Ok(repo) = super::open_repo(args.repo.as_deref(), None) else {
        return Vec::new();
    };
    head_unmatched(&repo, config)
}

/// The templates and globs of `config` that match no file at HEAD of `repo`; none on an unborn
/// branch, which has no file yet.
pub fn head_unmatched(repo: &execguard_git::Repo, config: &execguard_core::Config) -> Vec<String> {
    match execguard_git::head_paths(repo) {
        Ok(paths) if !paths.is_empty() => config.unmatched(&paths, "HEAD"),
        _ => Vec::new(),
    }
}

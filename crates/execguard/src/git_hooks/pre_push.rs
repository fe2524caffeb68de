//! git's pre-push hook: judges the commits a push would add to each remote branch.
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::commits::CommitSettings;
use crate::exit;
use crate::push;
use clap::Parser;

/// Checks the commits a push adds (run by git as the pre-push hook).
#[derive(Debug, Parser)]
#[command(name = "execguard hook pre-push", version)]
struct Args {
    /// The remote's name (or its URL when pushing to a URL).
    remote: String,
    /// The remote's URL.
    url: Option<String>,
    /// Use this config file instead of each commit's parent's `.execguard.toml`.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args = Args::parse_from(args);
    let run = || -> anyhow::Result<bool> {
        crate::output::apply_color_from_env()?;
        let updates = push::parse_pre_push(std::io::stdin().lock())?;
        let repo = execguard_git::open_from_env()?;
        let config = args
            .config
            .as_deref()
            .map(execguard_git::read_config_file)
            .transpose()?;
        // What the remote is known to have: its remote-tracking refs, each hiding what a push
        // adds only where the scope covers both, as on the server.
        let prefixes = execguard_git::tracking_prefixes(&repo, &args.remote, args.url.as_deref());
        let tips = execguard_git::ref_tips(&repo, |name| {
            prefixes
                .iter()
                .any(|prefix| name.starts_with(prefix.as_str()))
        })?;
        let known = push::KnownRef::remote_tracking(tips, &prefixes);
        let hidden = push::HiddenRefs::new(&repo, &known, &updates, config.as_ref())?
            .trusting_tip_baselines();
        let settings = CommitSettings {
            config,
            ..Default::default()
        };
        let (text, clean) = push::judge_for_hook(
            &repo,
            &updates,
            &hidden,
            &settings,
            crate::render::Audience::Client,
            None,
        )?;
        crate::render::eprint(&text);
        Ok(clean)
    };
    match run() {
        Ok(true) => ExitCode::from(exit::CLEAN),
        Ok(false) => ExitCode::from(exit::VIOLATIONS),
        Err(error) => exit::could_not_check(&error, "the push is refused"),
    }
}

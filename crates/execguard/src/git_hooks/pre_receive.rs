//! The server's pre-receive hook: judges every ref update of a push, fail closed.
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::commits::CommitSettings;
use crate::exit;
use crate::push;
use clap::Parser;

/// Checks the commits a push adds (run by git on the server as the pre-receive hook).
#[derive(Debug, Parser)]
#[command(name = "execguard hook pre-receive", version)]
struct Args {
    /// Use this config file for every commit (overrides `git config execguard.config`).
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let args = Args::parse_from(args);
    let gitlab = std::env::var_os("GL_ID").is_some();
    if push::is_gitolite_admin() {
        return ExitCode::from(exit::CLEAN);
    }
    let run = || -> anyhow::Result<bool> {
        crate::output::apply_color_from_env()?;
        let updates = push::parse_pre_receive(std::io::stdin().lock())?;
        // The pushed objects are visible only through the quarantine directories git names in
        // the environment.
        let repo = execguard_git::open_from_env()?;
        let pinned_path = args
            .config
            .clone()
            .or_else(|| execguard_git::pinned_config_path(&repo));
        let pinned = pinned_path
            .as_deref()
            .map(execguard_git::read_config_file)
            .transpose()?;
        // What the repository has before the push hides what it adds, but only where it was
        // judged under a scope that covers the receiving ref (see `push::HiddenRefs`).
        // Tags and forge refs hide only from a pushed ref that is not a branch: a push of
        // branches alone leaves them unread, however many the server keeps.
        let others_hide = updates
            .iter()
            .any(|u| u.new.is_some() && push::branch_of(&u.name).is_none());
        let glob = if others_hide { "*" } else { "refs/heads/*" };
        let known =
            push::KnownRef::on_server(execguard_git::ref_tips_matching(&repo, glob, |name| {
                others_hide || name.starts_with("refs/heads/")
            })?);
        let hidden = push::HiddenRefs::new(&repo, &known, &updates, pinned.as_ref())?;
        let settings = CommitSettings {
            overrides: push::server_override_policy(pinned.as_ref()),
            pusher: execguard_core::Pusher::Named(push::pusher()),
            config: pinned,
            ..CommitSettings::default()
        };
        let place = push::PinnedConfig {
            path: pinned_path.as_deref(),
            git_dir: repo.git_dir(),
        };
        let (text, clean) = push::judge_for_hook(
            &repo,
            &updates,
            &hidden,
            &settings,
            crate::render::Audience::Server,
            Some(&place),
        )?;
        emit(&text, gitlab && !clean);
        Ok(clean)
    };
    match run() {
        Ok(true) => ExitCode::from(exit::CLEAN),
        Ok(false) => ExitCode::from(exit::VIOLATIONS),
        Err(error) => {
            if gitlab {
                emit(&format!("execguard: error: {error:#}\n"), true);
            }
            exit::could_not_check(&error, "the push is refused")
        }
    }
}

/// Writes the text for `git push`'s "remote:" lines; GitLab shows lines prefixed with
/// `GL-HOOK-ERR:` in its UI.
fn emit(text: &str, gitlab_error: bool) {
    if gitlab_error {
        let prefixed: String = text
            .lines()
            .map(|line| format!("GL-HOOK-ERR: {line}\n"))
            .collect();
        crate::render::eprint(&prefixed);
    } else {
        crate::render::eprint(text);
    }
}

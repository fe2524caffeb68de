#![allow(clippy::unwrap_used)]
//! `execguard baseline` and the commands it prints adopt an existing history; the first commit
//! that adds the rulebook goes through the client hooks with the documented override.

use crate::common;

use common::legacy::*;
use common::server::*;
use common::*;

// ---- execguard baseline --------------------------------------------------------------------

/// The indented command lines a message tells the user to run.
fn printed_commands(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .filter(|line| line.starts_with("git ") || line.starts_with("EXECGUARD_SKIP="))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_baseline_command_and_the_commands_it_prints_adopt_an_existing_history() {
    let (repo, ids) = legacy_repo();
    pin_server_config(&repo, "[server]\noverride-users = [\"ana\"]\n");
    repo.execguard(["install"]).assert_ok();
    // Without a baseline, the client's pre-push refuses the history.
    let run = git_env_in(&repo, &repo.dir, &[], &["push", "origin", "main"]);
    run.assert_refused("frozen-spec");
    assert_eq!(server_rev(&repo, "refs/heads/main"), None);

    let run = repo.execguard(["baseline"]);
    run.assert_ok();
    assert!(run.stderr.contains(&ids[19]), "{run:#?}");
    assert!(run.stderr.contains("20 commits"), "{run:#?}");
    let config = repo.read(".execguard.toml");
    assert!(
        config.contains(&format!("baseline = [\"{}\"]", ids[19])),
        "{config}"
    );
    assert!(
        config.contains("[rules.commit-size]"),
        "written from the default: {config}"
    );
    let commands = printed_commands(&run.stderr);
    assert_eq!(commands.len(), 2, "{run:#?}");
    // The README shows the same commands, for its example id.
    let readme = readme();
    for command in &commands {
        let shown = command.replace(&short(&ids[19]), "3f6c2a9");
        assert!(
            readme.contains(&format!("\n{shown}\n")),
            "README lacks {shown}"
        );
    }
    // Run again before committing: HEAD is named already.
    let again = repo.execguard(["baseline"]);
    again.assert_ok();
    assert!(again.stderr.contains("nothing changed"), "{again:#?}");
    assert_eq!(repo.read(".execguard.toml"), config);
    for command in &commands {
        run_shell(&repo, command).assert_ok();
    }
    assert_eq!(repo.commit_count(), 21);
    assert!(repo.git(["status", "--porcelain"]).trim().is_empty());
    // The client's pre-push and the server both accept it from a listed pusher.
    let run = git_env_in(
        &repo,
        &repo.dir,
        &[("REMOTE_USER", "ana")],
        &["push", "origin", "main"],
    );
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/main"), Some(repo.head()));
    // Both hooks say how much history the baseline left out.
    assert!(
        run.stderr.contains(
            "refs/heads/main: 20 commits reachable from adoption.baseline predate the guard"
        ),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("remote: execguard: refs/heads/main: 20 commits reachable"),
        "{run:#?}"
    );
    // So does a range check from the root, without any --config: only the adoption commit is
    // judged, and its override is honoured for a listed pusher.
    let range = format!("{}..HEAD", ids[0]);
    let run = repo.execguard(["check", "--range", &range]);
    run.assert_refused("guard-config");
    assert_eq!(reported_commits(&run.stderr).len(), 1, "{run:#?}");
    assert!(
        run.stderr
            .contains("19 commits of the range predate the guard"),
        "{run:#?}"
    );
}

#[test]
fn the_baseline_command_keeps_the_rest_of_an_existing_config_and_replaces_older_baselines() {
    let (repo, ids) = legacy_repo();
    let text = format!(
        "# Our rules.\n[rules.commit-size]\nmax-lines = 300 # tighter\n\n[adoption]\nbaseline = [\"{}\"]\n",
        ids[3]
    );
    repo.write(".execguard.toml", &text);
    let run = repo.execguard(["baseline"]);
    run.assert_ok();
    assert!(run.stderr.contains("dropped 1 older baseline"), "{run:#?}");
    let config = repo.read(".execguard.toml");
    assert!(
        config.starts_with("# Our rules.\n[rules.commit-size]\nmax-lines = 300 # tighter\n"),
        "{config}"
    );
    assert!(
        config.contains(&ids[19]) && !config.contains(&ids[3]),
        "{config}"
    );
    let run = repo.execguard(["config", "--config", ".execguard.toml"]);
    run.assert_ok();
}

#[test]
fn the_baseline_command_on_an_unborn_branch_explains_the_first_commit() {
    let repo = TestRepo::new();
    let run = repo.execguard(["baseline"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("Execguard-Override: protected-path"),
        "{run:#?}"
    );
    assert!(!repo.path(".execguard.toml").exists());
}

// ---- the first commit that adds the rulebook ----------------------------------------------

#[test]
fn the_first_commit_adding_the_rulebook_passes_the_client_hooks_with_the_documented_override() {
    let repo = TestRepo::installed();
    repo.write("backend/PLANS.md", "# How to write an execplan\n");
    // The README's commands.
    let add = "git add backend/PLANS.md";
    let commit = "EXECGUARD_SKIP=protected-path git commit -m 'Add the rulebook' -m 'Execguard-Override: protected-path: adding the rulebook'";
    let readme = readme();
    assert!(
        readme.contains(&format!("{add}\n{commit}\n")),
        "the README shows these commands"
    );
    run_shell(&repo, add).assert_ok();
    repo.commit("Add the rulebook")
        .assert_refused("protected-path");
    // The skip alone is not enough: the commit-msg hook wants the trailer.
    let run = run_shell(
        &repo,
        "EXECGUARD_SKIP=protected-path git commit -m 'Add the rulebook'",
    );
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("protected-path"), "{run:#?}");
    assert_eq!(repo.commit_count(), 0);
    run_shell(&repo, commit).assert_ok();
    assert_eq!(repo.commit_count(), 1);
    // The trailer counts on a server only from a listed pusher.
    setup_server(&repo);
    server_git(&repo, ["update-ref", "-d", "refs/heads/main"]).assert_ok();
    pin_server_config(&repo, "[server]\noverride-users = [\"ana\"]\n");
    let run = git_env_in(
        &repo,
        &repo.dir,
        &[("REMOTE_USER", "mallory")],
        &["push", "origin", "main"],
    );
    assert_server_refused(&run, "protected-path");
    let run = git_env_in(
        &repo,
        &repo.dir,
        &[("REMOTE_USER", "ana")],
        &["push", "origin", "main"],
    );
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/main"), Some(repo.head()));
}

#![allow(clippy::unwrap_used)]
//! Adoption without rewriting history: `[adoption] baseline` names the commits whose history
//! predates the guard, and pre-push, pre-receive and `check --range` leave that history unjudged;
//! the first commit that adds the rulebook goes through the client hooks with an override.

mod common;

use std::collections::BTreeSet;

use common::server::*;
use common::*;

// ---- helpers -------------------------------------------------------------------------------

/// Twenty commits on `main`, made before any guard existed, that break rules: a root commit
/// adding the rulebook, spec edits after the freeze, a commit too big, a rulebook edit and code
/// commits with over-long subjects. Returns the commit ids, oldest first.
fn legacy_history(repo: &TestRepo) -> Vec<String> {
    let mut ids = Vec::new();
    repo.write("specs/login.md", SPEC_FROZEN);
    repo.write(
        "designs/login.md",
        "# Login design\n\nUse the session store.\n",
    );
    repo.write("plans/login-execplan.md", PLAN_READY);
    repo.write("backend/PLANS.md", "# How to write an execplan\n");
    repo.write("src/auth.rs", "pub fn login() {}\n");
    repo.commit_unchecked("Start the project");
    ids.push(repo.head());
    for n in 0..5 {
        repo.append("specs/login.md", &format!("Requirement {n}.\n"));
        repo.commit_unchecked(&format!("Amend the spec ({n})"));
        ids.push(repo.head());
    }
    let big: String = (0..600)
        .map(|n| format!("pub const C{n}: u32 = {n};\n"))
        .collect();
    repo.write("src/big.rs", big);
    repo.commit_unchecked("Add the constants table");
    ids.push(repo.head());
    repo.append("backend/PLANS.md", "Sections are optional.\n");
    repo.commit_unchecked("Relax the rulebook");
    ids.push(repo.head());
    for n in 0..12 {
        repo.append("src/auth.rs", &format!("pub fn step{n}() {{}}\n"));
        repo.commit_unchecked(&format!(
            "Add step {n} of the login flow, with a subject far longer than the limit allows"
        ));
        ids.push(repo.head());
    }
    assert_eq!(ids.len(), 20);
    ids
}

/// A repository with a newly guarded, empty server as `origin`, then the legacy history.
fn legacy_repo() -> (TestRepo, Vec<String>) {
    let repo = TestRepo::new();
    setup_server(&repo);
    let ids = legacy_history(&repo);
    (repo, ids)
}

/// Pins `text` as the server's config.
fn pin(repo: &TestRepo, text: &str) {
    pin_server_config(repo, text);
}

fn baseline_config(ids: &[&str]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!("[adoption]\nbaseline = [{}]\n", quoted.join(", "))
}

/// The human's adoption commit: `.execguard.toml` naming `baseline`, with the override trailer.
fn commit_adoption(repo: &TestRepo, baseline: &str) -> String {
    repo.write(".execguard.toml", baseline_config(&[baseline]));
    repo.commit_unchecked(
        "Adopt execguard\n\nExecguard-Override: guard-config: adopting execguard on an existing history",
    );
    repo.head()
}

fn short(id: &str) -> String {
    id[..7].to_string()
}

/// The short ids of the commits a hook's or check's output reports.
fn reported_commits(stderr: &str) -> BTreeSet<String> {
    reported_pairs(stderr).into_iter().map(|(_, c)| c).collect()
}

#[track_caller]
fn assert_lands(repo: &TestRepo, env: &[(&str, &str)], branch: &str) -> Run {
    let run = push_env(repo, env, &["origin", branch]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(
        server_rev(repo, &format!("refs/heads/{branch}")),
        Some(repo.head())
    );
    run
}

// ---- pre-receive ---------------------------------------------------------------------------

#[test]
fn existing_history_is_refused_by_a_newly_guarded_server_without_a_baseline() {
    let (repo, ids) = legacy_repo();
    let run = push(&repo, &["origin", "main"]);
    assert_server_refused(&run, "frozen-spec");
    assert!(reported_commits(&run.stderr).contains(&short(&ids[1])));
    assert_eq!(server_rev(&repo, "refs/heads/main"), None);
}

#[test]
fn a_pinned_baseline_at_the_tip_lets_the_existing_history_land() {
    let (repo, ids) = legacy_repo();
    pin(&repo, &baseline_config(&[&ids[19]]));
    assert_lands(&repo, &[], "main");
    // A bad commit on top is judged as usual.
    let before = repo.head();
    commit_spec_edit(&repo, "Amend the spec again");
    let run = push(&repo, &["origin", "main"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&repo.head())]),
        "only the new commit is judged: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/main"), Some(before));
}

#[test]
fn an_in_repo_baseline_committed_with_an_override_lands_when_a_listed_user_pushes_it() {
    let (repo, ids) = legacy_repo();
    pin(&repo, "[server]\noverride-users = [\"ana\"]\n");
    let adoption = commit_adoption(&repo, &ids[19]);
    // Anyone else's push carries a loosening nobody approved on this server.
    let run = push_env(&repo, &[("REMOTE_USER", "mallory")], &["origin", "main"]);
    assert_server_refused(&run, "guard-config");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption)]),
        "the history behind the baseline is not judged: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/main"), None);
    assert_lands(&repo, &[("REMOTE_USER", "ana")], "main");
    // A new bad commit on top is refused, even for ana (no trailer).
    commit_spec_edit(&repo, "Amend the spec again");
    let run = push_env(&repo, &[("REMOTE_USER", "ana")], &["origin", "main"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(server_rev(&repo, "refs/heads/main"), Some(adoption));
}

#[test]
fn an_agent_naming_its_own_bad_commit_as_a_baseline_is_refused_as_guard_config() {
    for pinned in [false, true] {
        let repo = pushed_fixture();
        if pinned {
            pin(&repo, "[server]\noverride-users = [\"ana\"]\n");
        }
        let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
        let bad = commit_spec_edit(&repo, "Tweak the spec");
        repo.write(".execguard.toml", baseline_config(&[&bad]));
        repo.commit_unchecked(
            "Record the baseline\n\nExecguard-Override: guard-config: the history predates the guard",
        );
        let run = push_env(
            &repo,
            &[("REMOTE_USER", "agent")],
            &["origin", "exec/login"],
        );
        assert_server_refused(&run, "guard-config");
        assert!(run.stderr.contains("adoption.baseline"), "{run:#?}");
        assert_eq!(
            server_rev(&repo, "refs/heads/exec/login"),
            Some(before.clone()),
            "pinned: {pinned}"
        );
        // The range check in CI refuses it too.
        let run = repo.execguard(["check", "--range", &format!("{before}..HEAD")]);
        run.assert_refused("guard-config");
    }
}

#[test]
fn a_baseline_over_history_that_turns_the_guard_off_is_refused() {
    for pinned in [false, true] {
        let repo = pushed_fixture();
        if pinned {
            pin(&repo, "[server]\noverride-users = [\"ana\"]\n");
        }
        let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
        // The exempted history would judge the commit that names it: it turns the guard off.
        repo.append("specs/login.md", "Also support passkeys.\n");
        repo.write(
            ".execguard.toml",
            "[rules.guard-config]\nenabled = false\n\n[rules.frozen-spec]\nenabled = false\n",
        );
        repo.commit_unchecked("Tweak the spec");
        let bad = repo.head();
        let config = format!(
            "[rules.guard-config]\nenabled = false\n\n[rules.frozen-spec]\nenabled = false\n\n{}",
            baseline_config(&[&bad])
        );
        repo.write(".execguard.toml", config);
        repo.commit_unchecked("Record the baseline");
        let run = push_env(
            &repo,
            &[("REMOTE_USER", "agent")],
            &["origin", "exec/login"],
        );
        assert_server_refused(&run, "guard-config");
        assert_eq!(
            server_rev(&repo, "refs/heads/exec/login"),
            Some(before.clone()),
            "pinned: {pinned}"
        );
        let run = check_range(&repo, &format!("{before}..HEAD"), None);
        run.assert_refused("frozen-spec");
        assert!(
            reported_commits(&run.stderr).contains(&short(&bad)),
            "{run:#?}"
        );
    }
}

#[test]
fn a_baseline_the_repository_lacks_hides_nothing_and_says_so() {
    let (repo, _ids) = legacy_repo();
    let absent = "0123456789abcdef0123456789abcdef01234567";
    pin(&repo, &baseline_config(&[absent]));
    let run = push(&repo, &["origin", "main"]);
    assert_server_refused(&run, "frozen-spec");
    assert!(
        run.stderr.contains(&format!("adoption.baseline {absent}"))
            && run.stderr.contains("exempts nothing"),
        "{run:#?}"
    );
}

#[test]
fn a_malformed_baseline_is_a_config_error_naming_the_key() {
    let (repo, _ids) = legacy_repo();
    pin(&repo, "[adoption]\nbaseline = [\"HEAD\"]\n");
    let run = push(&repo, &["origin", "main"]);
    assert_eq!(run.code, Some(1), "git reports the refusal: {run:#?}");
    assert!(run.stderr.contains("adoption.baseline"), "{run:#?}");
    assert!(run.stderr.contains("server-config.toml:2:"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/main"), None);
}

// ---- check --range -------------------------------------------------------------------------

/// `execguard check --range RANGE --config PATH`.
fn check_range(repo: &TestRepo, range: &str, config: Option<&std::path::Path>) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec!["check".into(), "--range".into(), range.into()];
    if let Some(path) = config {
        args.push("--config".into());
        args.push(path.into());
    }
    repo.execguard(args)
}

#[test]
fn a_range_check_reports_only_commits_after_the_baseline() {
    let (repo, ids) = legacy_repo();
    let adoption = commit_adoption(&repo, &ids[19]);
    let bad = commit_spec_edit(&repo, "Amend the spec again");
    let range = format!("{}..HEAD", ids[0]);
    // With a config the range cannot change, naming the baseline and who may override.
    let config = repo.root.join("ci-config.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\noverride-users = [\"ana\"]\n\n{}",
            baseline_config(&[&ids[19]])
        ),
    )
    .unwrap();
    let run = check_range(&repo, &range, Some(&config));
    run.assert_refused("frozen-spec");
    // The adoption commit's trailer is honoured only for a listed pusher.
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption), short(&bad)]),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("19 commits of the range predate the guard"),
        "{run:#?}"
    );
    let run = repo.execguard([
        "check".as_ref(),
        "--range".as_ref(),
        range.as_ref(),
        "--pusher".as_ref(),
        "ana".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
    ]);
    run.assert_refused("frozen-spec");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&bad)]),
        "{run:#?}"
    );
    // Up to the adoption commit: refused for an unnamed pusher, clean for ana.
    let run = check_range(&repo, &format!("{}..{adoption}", ids[0]), Some(&config));
    run.assert_refused("guard-config");
    let run = repo.execguard([
        "check".as_ref(),
        "--range".as_ref(),
        format!("{}..{adoption}", ids[0]).as_ref(),
        "--pusher".as_ref(),
        "ana".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
    ]);
    run.assert_ok();
    // The README's audit of a history whose adoption commit lies inside the range.
    let audit = format!(
        "execguard check --range {}..HEAD --config .execguard.toml",
        ids[0]
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    assert!(readme.contains("`execguard check --range <root>..HEAD --config .execguard.toml`"));
    let run = run_shell(&repo, &audit);
    run.assert_refused("frozen-spec");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption), short(&bad)]),
        "{run:#?}"
    );
    // Without --config, a baseline the range's own commits name is not trusted: the config
    // judging the adoption commit lies in the history it exempts.
    let run = check_range(&repo, &range, None);
    run.assert_refused("frozen-spec");
    let reported = reported_commits(&run.stderr);
    assert!(reported.contains(&short(&ids[1])), "{run:#?}");
    assert!(reported.contains(&short(&adoption)), "{run:#?}");
}

#[test]
fn a_range_check_trusts_the_baselines_of_its_base() {
    let (repo, ids) = legacy_repo();
    // A second pre-guard branch, off the main history.
    repo.git(["checkout", "-q", "-b", "legacy-2", &ids[5]]);
    repo.append("specs/login.md", "Legacy requirement.\n");
    repo.commit_unchecked("Amend the spec on the old branch");
    let old_tip = repo.head();
    repo.git(["checkout", "-q", "main"]);
    repo.write(".execguard.toml", baseline_config(&[&ids[19], &old_tip]));
    repo.commit_unchecked(
        "Adopt execguard\n\nExecguard-Override: guard-config: adopting execguard on an existing history",
    );
    let adoption = repo.head();
    repo.git([
        "merge",
        "-q",
        "--no-ff",
        "--no-verify",
        "-m",
        "Merge the old branch",
        "legacy-2",
    ]);
    let run = check_range(&repo, &format!("{adoption}..HEAD"), None);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("1 commit of the range predates the guard"),
        "{run:#?}"
    );
    // The same range from a base without the baseline judges the old commit.
    let run = check_range(&repo, &format!("{}..HEAD", ids[19]), None);
    run.assert_refused("frozen-spec");
    assert!(
        reported_commits(&run.stderr).contains(&short(&old_tip)),
        "{run:#?}"
    );
}

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

fn run_shell(repo: &TestRepo, command: &str) -> Run {
    Run::from_command(repo.command("sh").args(["-c", command]))
}

#[test]
fn the_baseline_command_and_the_commands_it_prints_adopt_an_existing_history() {
    let (repo, ids) = legacy_repo();
    pin(&repo, "[server]\noverride-users = [\"ana\"]\n");
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
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
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
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
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
    pin(&repo, "[server]\noverride-users = [\"ana\"]\n");
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

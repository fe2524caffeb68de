#![allow(clippy::unwrap_used)]
//! Routes around the server gate, each pushed to a bare repository guarded by
//! `execguard install --server` and refused there, beside its legitimate twin that lands: commits
//! laundered through a branch outside `[scope]`, replace refs, overrides in CI, and readiness
//! brought by the same commit as the code.

use crate::common;

#[path = "push_routes/owners.rs"]
mod owners;

use common::server::*;
use common::*;

/// Pins a config on the server (`git config execguard.config <path>`).
fn pin_config(repo: &TestRepo, text: &str) {
    pin_server_config(repo, text);
}

const EXEC_SCOPE: &str = "[scope]\nbranches = [\"exec/**\"]\n";

/// Asserts the server refused `exec/login` naming `rule` and left it at `before`.
#[track_caller]
fn assert_exec_login_refused(repo: &TestRepo, run: &Run, rule: &str, before: &str) {
    assert_server_refused(run, rule);
    assert!(
        run.stderr.contains("refusing refs/heads/exec/login"),
        "{run:#?}"
    );
    assert_eq!(
        server_rev(repo, "refs/heads/exec/login").as_deref(),
        Some(before),
        "the server ref did not move"
    );
}

// ---- scope: a commit accepted outside the scope is judged when it reaches the scope ---------

#[test]
fn commit_accepted_on_a_branch_outside_a_pinned_scope_is_judged_when_pushed_to_exec_login() {
    let repo = pushed_fixture();
    pin_config(&repo, EXEC_SCOPE);
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
    let bad = commit_spec_edit(&repo, "Tweak the spec");
    // Outside the scope nothing is judged: wip takes it, correctly.
    let run = push(&repo, &["origin", "HEAD:refs/heads/wip"]);
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/wip"), Some(bad));
    // Already on the server, it is still new to exec/login.
    let run = push(&repo, &["origin", "exec/login"]);
    assert_exec_login_refused(&repo, &run, "frozen-spec", &before);
}

#[test]
fn clean_commit_reaching_exec_login_through_a_branch_outside_the_scope_lands() {
    let repo = pushed_fixture();
    pin_config(&repo, EXEC_SCOPE);
    let head = commit_clean_code(&repo, "logout");
    push(&repo, &["origin", "HEAD:refs/heads/wip"]).assert_ok();
    let run = push(&repo, &["origin", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
    assert_server_sound(&repo);
}

/// The fixture with `.execguard.toml` scoping the guard to `exec/**`, committed on `exec/login`
/// by a human before the server is set up (narrowing the scope loosens the guard).
fn repository_scope_fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", EXEC_SCOPE);
    repo.commit_unchecked("Scope the guard to exec branches");
    setup_server(&repo);
    repo
}

#[test]
fn commit_accepted_outside_a_repository_scope_is_judged_when_pushed_to_exec_login() {
    let repo = repository_scope_fixture();
    let before = repo.head();
    commit_spec_edit(&repo, "Tweak the spec");
    push(&repo, &["origin", "HEAD:refs/heads/wip"]).assert_ok();
    let run = push(&repo, &["origin", "exec/login"]);
    assert_exec_login_refused(&repo, &run, "frozen-spec", &before);
}

#[test]
fn clean_commit_through_a_branch_outside_a_repository_scope_lands() {
    let repo = repository_scope_fixture();
    let head = commit_clean_code(&repo, "logout");
    push(&repo, &["origin", "HEAD:refs/heads/wip"]).assert_ok();
    push(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
}

/// Regression guard: on a branch outside the scope, a later commit may widen the scope again, so
/// that the branch's tip claims to be in scope; the commits below it were still never judged.
#[test]
fn widening_the_scope_on_a_branch_outside_it_does_not_vouch_for_its_commits() {
    let repo = repository_scope_fixture();
    let before = repo.head();
    commit_spec_edit(&repo, "Tweak the spec");
    repo.write(".execguard.toml", "[scope]\nbranches = [\"**\"]\n");
    repo.commit_unchecked("Widen the scope");
    push(&repo, &["origin", "HEAD:refs/heads/wip"]).assert_ok();
    let run = push(&repo, &["origin", "exec/login"]);
    // Widening the scope tightens the guard, so only the spec edit below it is refused.
    assert_exec_login_refused(&repo, &run, "frozen-spec", &before);
}

#[test]
fn forge_merge_request_ref_does_not_vouch_for_its_commits() {
    let repo = pushed_fixture();
    let before = repo.head();
    let bad = commit_spec_edit(&repo, "Tweak the spec");
    // The forge writes refs/merge-requests/* itself, without the hook.
    server_git(
        &repo,
        [
            "fetch".as_ref(),
            "-q".as_ref(),
            repo.dir.as_os_str(),
            format!("{bad}:refs/merge-requests/1/head").as_ref(),
        ],
    )
    .assert_ok();
    let run = push(&repo, &["origin", "exec/login"]);
    assert_exec_login_refused(&repo, &run, "frozen-spec", &before);
}

#[test]
fn tag_of_a_commit_outside_the_scope_does_not_vouch_for_it() {
    let repo = pushed_fixture();
    pin_config(&repo, EXEC_SCOPE);
    let before = repo.head();
    commit_spec_edit(&repo, "Tweak the spec");
    push(&repo, &["origin", "HEAD:refs/heads/wip"]).assert_ok();
    // A tag is judged for what the repository lacks: nothing here.
    repo.git(["tag", "v1"]);
    push(&repo, &["origin", "refs/tags/v1"]).assert_ok();
    let run = push(&repo, &["origin", "exec/login"]);
    assert_exec_login_refused(&repo, &run, "frozen-spec", &before);
}

#[test]
fn pre_push_judges_a_commit_the_remote_has_only_outside_the_scope() {
    let repo = repository_scope_fixture();
    repo.execguard(["install"]).assert_ok();
    let before = repo.head();
    commit_spec_edit(&repo, "Tweak the spec");
    push_with_hooks(&repo, &["origin", "HEAD:refs/heads/wip"]).assert_ok();
    assert!(
        repo.git_run(["rev-parse", "--verify", "-q", "refs/remotes/origin/wip"])
            .ok(),
        "the remote-tracking ref exists"
    );
    let run = push_with_hooks(&repo, &["origin", "exec/login"]);
    run.assert_refused("frozen-spec");
    assert!(
        !run.stderr.contains("remote:"),
        "refused locally, before the server: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(before));
}

// ---- refs/replace --------------------------------------------------------------------------

/// A server letting `ana` override, and a local replace ref that shows another text in place of
/// the frozen spec's blob. Returns the replace ref's name.
fn replace_fixture() -> (TestRepo, String) {
    let repo = pushed_fixture();
    pin_config(&repo, "[server]\noverride-users = [\"ana\"]\n");
    let spec = repo
        .git(["rev-parse", "HEAD:specs/login.md"])
        .trim()
        .to_string();
    repo.write(
        "replacement.md",
        "# Login\n\nEXEC-READY\n\nUsers log in with a magic link.\n",
    );
    let replacement = repo
        .git(["hash-object", "-w", "replacement.md"])
        .trim()
        .to_string();
    std::fs::remove_file(repo.path("replacement.md")).unwrap();
    repo.git(["replace", &spec, &replacement]);
    (repo, format!("refs/replace/{spec}"))
}

#[test]
fn replace_ref_pushed_by_a_normal_pusher_is_refused_naming_who_may_push_it() {
    let (repo, name) = replace_fixture();
    let run = push_env(&repo, &[("REMOTE_USER", "mallory")], &["origin", &name]);
    assert_eq!(run.code.map(|c| c != 0), Some(true), "{run:#?}");
    assert!(run.stderr.contains("pre-receive hook declined"), "{run:#?}");
    assert!(
        run.stderr.contains(&format!("refusing {name}")),
        "names the ref: {run:#?}"
    );
    assert!(run.stderr.contains("replace ref"), "says why: {run:#?}");
    assert!(run.stderr.contains("Only ana may"), "says who: {run:#?}");
    assert!(run.stderr.contains("`mallory`"), "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
    assert_eq!(server_rev(&repo, &name), None);
}

#[test]
fn replace_ref_pushed_by_an_override_user_lands_and_only_they_may_delete_it() {
    let (repo, name) = replace_fixture();
    let run = push_env(&repo, &[("REMOTE_USER", "ana")], &["origin", &name]);
    run.assert_ok();
    assert!(server_rev(&repo, &name).is_some());

    let delete = format!(":{name}");
    let run = push_env(&repo, &[("REMOTE_USER", "mallory")], &["origin", &delete]);
    assert!(run.stderr.contains("pre-receive hook declined"), "{run:#?}");
    assert!(run.stderr.contains("would delete"), "{run:#?}");
    assert!(server_rev(&repo, &name).is_some(), "the ref is still there");

    push_env(&repo, &[("REMOTE_USER", "ana")], &["origin", &delete]).assert_ok();
    assert_eq!(server_rev(&repo, &name), None);
}

#[test]
fn replace_ref_without_a_pinned_config_is_refused_for_everyone() {
    let (repo, name) = replace_fixture();
    server_git(&repo, ["config", "--unset", "execguard.config"]).assert_ok();
    let run = push_env(&repo, &[("REMOTE_USER", "ana")], &["origin", &name]);
    assert!(run.stderr.contains("pre-receive hook declined"), "{run:#?}");
    assert!(run.stderr.contains("No pusher may"), "{run:#?}");
    assert_eq!(server_rev(&repo, &name), None);
}

// ---- check --range in CI: overrides count only for a listed pusher -------------------------

/// A config listing `ana` as the only override user (outside the repository), and an
/// `exec/login` history above `main` whose one commit edits the frozen spec with an override
/// trailer.
fn ci_override_fixture() -> (TestRepo, std::path::PathBuf) {
    let repo = TestRepo::new();
    repo.exec_fixture();
    commit_spec_edit(
        &repo,
        "Amend the spec\n\nExecguard-Override: frozen-spec: approved in SPEC-1",
    );
    let config = repo.root.join("ci-config.toml");
    std::fs::write(&config, "[server]\noverride-users = [\"ana\"]\n").unwrap();
    (repo, config)
}

fn check_range(repo: &TestRepo, config: &std::path::Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "--config".to_string(),
        config.display().to_string(),
        "check".to_string(),
        "--range".to_string(),
        "main..exec/login".to_string(),
        "--branch".to_string(),
        "exec/login".to_string(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    repo.execguard(args)
}

#[test]
fn check_range_without_a_pusher_honours_no_override_and_says_how_to_name_one() {
    let (repo, config) = ci_override_fixture();
    let run = check_range(&repo, &config, &[]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("--pusher"), "{run:#?}");
    assert!(run.stderr.contains("only ana may override"), "{run:#?}");
    assert!(!run.stderr.contains("on this server"), "{run:#?}");
}

#[test]
fn check_range_refuses_an_override_when_the_pusher_is_not_listed() {
    let (repo, config) = ci_override_fixture();
    let run = check_range(&repo, &config, &["--pusher", "mallory"]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("`mallory`"), "{run:#?}");
    assert!(run.stderr.contains("only ana may override"), "{run:#?}");
    assert!(!run.stderr.contains("on this server"), "{run:#?}");
}

#[test]
fn check_range_honours_an_override_from_a_listed_pusher() {
    let (repo, config) = ci_override_fixture();
    let run = check_range(&repo, &config, &["--pusher", "ana", "--format", "json"]);
    run.assert_ok();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["violations"].as_array().unwrap().len(),
        0,
        "{run:#?}"
    );
    assert_eq!(report["overridden"][0]["rule"], "frozen-spec", "{run:#?}");
}

#[test]
fn check_commit_reads_override_users_from_the_commits_base_config() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", "[server]\noverride-users = [\"ana\"]\n");
    repo.commit_unchecked("Name who may override");
    let commit = commit_spec_edit(
        &repo,
        "Amend the spec\n\nExecguard-Override: frozen-spec: approved in SPEC-1",
    );
    let run = repo.execguard(["check", "--commit", &commit, "--pusher", "bo"]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("only ana may override"), "{run:#?}");
    repo.execguard(["check", "--commit", &commit, "--pusher", "ana"])
        .assert_ok();
}

#[test]
fn pusher_without_a_range_or_commit_is_a_usage_error() {
    let repo = TestRepo::new();
    let run = repo.execguard(["check", "--pusher", "ana"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
}

// ---- execplan-ready: readiness must come before the code -----------------------------------

/// A server whose `exec/login` has a draft spec and a ready plan.
fn draft_spec_fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.write("plans/login-execplan.md", PLAN_READY);
    repo.write("src/auth.rs", "pub fn login() {}\n");
    repo.commit_unchecked("Draft the login feature");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    setup_server(&repo);
    repo
}

#[test]
fn invisible_freeze_marker_in_the_same_commit_as_code_is_refused() {
    let repo = draft_spec_fixture();
    let before = repo.head();
    repo.append("specs/login.md", "\n<!-- EXEC-READY -->\n");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout.");
    repo.commit_unchecked("Add logout");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_exec_login_refused(&repo, &run, "execplan-ready", &before);
    assert!(run.stderr.contains("only by this commit"), "{run:#?}");
}

/// A server whose pinned config names `ana` as the owner of every spec.
const ANA_OWNS_THE_SPECS: &str = "[server]\nspec-owners = [\"ana\"]\n";
const ANA: &[(&str, &str)] = &[("GL_USERNAME", "ana")];

#[test]
fn spec_frozen_in_its_own_commit_before_the_code_lands_when_the_spec_owner_pushes() {
    let repo = draft_spec_fixture();
    pin_config(&repo, ANA_OWNS_THE_SPECS);
    repo.append("specs/login.md", "\n<!-- EXEC-READY -->\n");
    repo.commit_unchecked("Freeze the login spec");
    let head = commit_clean_code(&repo, "logout");
    let run = push_env(&repo, ANA, &["origin", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
}

#[test]
fn new_frozen_spec_ready_plan_and_code_in_one_commit_are_refused() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "exec/search"]);
    repo.write_search_inputs();
    repo.write("src/search.rs", "pub fn search() {}\n");
    repo.commit_unchecked("Add search");
    let run = push(&repo, &["origin", "exec/search"]);
    assert_server_refused(&run, "execplan-ready");
    assert!(run.stderr.contains("plans/search-execplan.md"), "{run:#?}");
    assert!(run.stderr.contains("specs/search.md"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/search"), None);
}

#[test]
fn new_spec_and_plan_committed_before_the_code_land_when_the_spec_owner_pushes() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "exec/search"]);
    repo.write_search_inputs();
    repo.commit_unchecked("Plan the search feature");
    repo.write("src/search.rs", "pub fn search() {}\n");
    let plan = repo.read("plans/search-execplan.md").replace(
        "## Surprises & Discoveries",
        "- [x] (2026-01-02 10:00Z) Search.\n\n## Surprises & Discoveries",
    );
    repo.write("plans/search-execplan.md", plan);
    repo.commit_unchecked("Add search");
    pin_config(&repo, ANA_OWNS_THE_SPECS);
    let run = push_env(&repo, ANA, &["origin", "exec/search"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/search"),
        Some(repo.head())
    );
}

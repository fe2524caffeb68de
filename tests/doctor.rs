#![allow(clippy::unwrap_used)]
use crate::common;

// `execguard doctor`: one test per reason the guard would not run, each asserting that doctor
// names it and exits 1, and that the command it suggests makes it pass again (exit 0).

use std::path::{Path, PathBuf};

use common::server::*;
use common::*;

fn doctor(repo: &TestRepo) -> Run {
    repo.execguard(["doctor"])
}

fn doctor_at(repo: &TestRepo, dir: &Path) -> Run {
    Run::from_command(repo.command(execguard_bin()).current_dir(dir).arg("doctor"))
}

#[track_caller]
fn assert_problem(run: &Run, needle: &str) {
    assert_eq!(run.code, Some(1), "doctor should find a problem: {run:#?}");
    assert!(
        run.stdout
            .lines()
            .any(|line| line.starts_with("problem:") && line.contains(needle)),
        "doctor should report {needle:?}: {run:#?}"
    );
}

#[track_caller]
fn assert_well(run: &Run) {
    assert_eq!(
        run.code,
        Some(0),
        "doctor should find nothing wrong: {run:#?}"
    );
    assert!(run.stdout.contains("the guard runs here"), "{run:#?}");
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn chmod_x(repo: &TestRepo, path: &Path) {
    let run = Run::from_command(repo.command("chmod").arg("+x").arg(path));
    run.assert_ok();
}

#[test]
fn installed_hooks_are_well() {
    let repo = TestRepo::installed();
    let run = doctor(&repo);
    assert_well(&run);
    assert_eq!(run.stdout.matches("ok: ").count(), 3, "{run:#?}");
}

#[test]
fn missing_hooks_are_reported_and_install_fixes_them() {
    let repo = TestRepo::new();
    assert_problem(&doctor(&repo), "pre-commit: no hook at");
    repo.execguard(["install"]).assert_ok();
    assert_well(&doctor(&repo));
}

#[test]
fn a_hook_git_would_skip_is_reported() {
    let repo = TestRepo::installed();
    let hook = repo.hooks_dir().join("pre-commit");
    set_mode(&hook, 0o644);
    let run = doctor(&repo);
    assert_problem(&run, "not executable, so git skips it");
    assert!(run.stdout.contains(&format!("chmod +x {}", hook.display())));
    chmod_x(&repo, &hook);
    assert_well(&doctor(&repo));
}

#[test]
fn shims_shadowed_by_core_hooks_path_are_reported() {
    let repo = TestRepo::installed();
    repo.git(["config", "core.hooksPath", "team-hooks"]);
    let run = doctor(&repo);
    assert_problem(&run, "shadowed by core.hooksPath = team-hooks");
    repo.execguard(["install"]).assert_ok();
    assert!(repo.path("team-hooks/pre-commit").is_file());
    assert_well(&doctor(&repo));
}

#[test]
fn a_shim_moved_aside_that_nothing_runs_is_reported() {
    let repo = TestRepo::installed();
    let hooks = repo.hooks_dir();
    std::fs::rename(hooks.join("pre-commit"), hooks.join("pre-commit.old")).unwrap();
    std::fs::write(hooks.join("pre-commit"), "#!/bin/sh\nexit 0\n").unwrap();
    set_mode(&hooks.join("pre-commit"), 0o755);
    let run = doctor(&repo);
    assert_problem(&run, "moved aside to");
    assert!(
        run.stdout.contains("pre-commit.old and nothing runs it"),
        "{run:#?}"
    );
    std::fs::remove_file(hooks.join("pre-commit.old")).unwrap();
    repo.execguard(["install"]).assert_ok();
    assert_well(&doctor(&repo));
}

/// The shim's recorded binary is gone and none is on the PATH the hook inherits.
#[test]
fn a_binary_the_hook_cannot_find_is_reported() {
    let repo = TestRepo::installed();
    let hook = repo.hooks_dir().join("pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    let recorded = text
        .lines()
        .find(|line| line.starts_with("recorded='"))
        .unwrap()
        .to_string();
    std::fs::write(
        &hook,
        text.replace(&recorded, "recorded='/nonexistent/execguard'"),
    )
    .unwrap();
    let run = Run::from_command(
        repo.command(execguard_bin())
            .arg("doctor")
            .env("PATH", "/usr/bin:/bin"),
    );
    assert_problem(
        &run,
        "execguard is neither at /nonexistent/execguard nor on PATH",
    );
    // With execguard's folder on PATH (as after installing it), the shim finds the binary.
    let run = doctor(&repo);
    assert_well(&run);
    assert!(run.stdout.contains("found on PATH"), "{run:#?}");
    repo.execguard(["install"]).assert_ok();
    assert!(!doctor(&repo).stdout.contains("found on PATH"));
}

#[test]
fn a_sparse_index_is_reported() {
    let repo = TestRepo::installed();
    repo.write("src/a.rs", "fn a() {}\n");
    repo.write("docs/b.md", "b\n");
    repo.commit_unchecked("Some files");
    repo.git(["sparse-checkout", "init", "--cone", "--sparse-index"]);
    repo.git(["sparse-checkout", "set", "src"]);
    let run = doctor(&repo);
    assert_problem(&run, "sparse index");
    repo.git(["sparse-checkout", "init", "--no-sparse-index"]);
    assert_well(&doctor(&repo));
}

#[test]
fn a_reftable_repository_is_reported() {
    let repo = TestRepo::new();
    let dir: PathBuf = repo.root.join("reftable");
    repo.git_in(
        &repo.root,
        ["init", "-q", "--ref-format=reftable", "reftable"],
    );
    assert_problem(&doctor_at(&repo, &dir), "reftable");
}

#[test]
fn a_sha256_repository_is_reported() {
    let repo = TestRepo::new();
    let dir: PathBuf = repo.root.join("sha256");
    repo.git_in(
        &repo.root,
        ["init", "-q", "--object-format=sha256", "sha256"],
    );
    assert_problem(&doctor_at(&repo, &dir), "SHA-256");
}

// ---- the server ------------------------------------------------------------------------------

#[test]
fn codex_hooks_turned_off_are_reported_where_execguards_agent_hook_is_installed() {
    let repo = TestRepo::installed();
    repo.execguard(["install", "--agent", "codex"]).assert_ok();
    assert_well(&doctor(&repo));
    // Current Codex's key; the user's config turns hooks off as much as the project's.
    repo.write(
        ".codex/config.toml",
        "model = \"gpt-5-codex\"\n[features]\nhooks = false\n",
    );
    let run = doctor(&repo);
    assert_problem(&run, "`[features] hooks = false`");
    assert!(run.stdout.contains(".codex/config.toml"), "{run:#?}");
    repo.write(
        ".codex/config.toml",
        "model = \"gpt-5-codex\"\n[features]\n",
    );
    assert_well(&doctor(&repo));
    let user = repo.home.join(".codex/config.toml");
    std::fs::create_dir_all(user.parent().unwrap()).unwrap();
    std::fs::write(&user, "[features]\ncodex_hooks = false\n").unwrap();
    assert_problem(&doctor(&repo), "`[features] codex_hooks = false`");
    std::fs::write(&user, "[features]\n").unwrap();
    assert_well(&doctor(&repo));
}

fn server() -> TestRepo {
    let repo = pushed_fixture();
    repo.git_in(
        &server_dir(&repo),
        ["config", "execguard.config", "strict.toml"],
    );
    std::fs::write(
        server_dir(&repo).join("strict.toml"),
        "[rules.commit-message]\nmax-subject = 60\n",
    )
    .unwrap();
    repo
}

#[test]
fn a_server_with_its_hook_and_pinned_config_is_well() {
    let repo = server();
    let run = doctor_at(&repo, &server_dir(&repo));
    assert_well(&run);
    assert!(run.stdout.contains("receive.fsckObjects is on"), "{run:#?}");
}

#[test]
fn a_server_without_the_hook_is_reported() {
    let repo = server();
    std::fs::remove_file(server_dir(&repo).join("hooks/pre-receive")).unwrap();
    let run = doctor_at(&repo, &server_dir(&repo));
    assert_problem(&run, "every push is accepted unchecked");
    Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .args(["install", "--server"]),
    )
    .assert_ok();
    assert_well(&doctor_at(&repo, &server_dir(&repo)));
}

#[test]
fn a_server_hook_git_would_skip_is_reported() {
    let repo = server();
    let hook = server_dir(&repo).join("hooks/pre-receive");
    set_mode(&hook, 0o644);
    let run = doctor_at(&repo, &server_dir(&repo));
    assert_problem(&run, "not executable, so git skips it");
    chmod_x(&repo, &hook);
    assert_well(&doctor_at(&repo, &server_dir(&repo)));
}

#[test]
fn a_server_hook_whose_binary_is_gone_is_reported() {
    let repo = server();
    let hook = server_dir(&repo).join("hooks/pre-receive");
    let text = std::fs::read_to_string(&hook).unwrap();
    let recorded = text
        .lines()
        .find(|line| line.starts_with("recorded='"))
        .unwrap()
        .to_string();
    std::fs::write(&hook, text.replace(&recorded, "recorded='/nonexistent/x'")).unwrap();
    let run = Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .arg("doctor")
            .env("PATH", "/usr/bin:/bin"),
    );
    assert_problem(&run, "refuses every push");
}

#[test]
fn a_missing_or_broken_pinned_config_is_reported() {
    let repo = server();
    let pinned = server_dir(&repo).join("strict.toml");
    std::fs::write(&pinned, "[rules.commit-message]\nmax-subjekt = 60\n").unwrap();
    assert_problem(
        &doctor_at(&repo, &server_dir(&repo)),
        "the pinned config cannot be used",
    );
    std::fs::remove_file(&pinned).unwrap();
    assert_problem(
        &doctor_at(&repo, &server_dir(&repo)),
        "the pinned config cannot be used",
    );
}

#[test]
fn receive_fsck_objects_off_is_reported() {
    let repo = server();
    repo.git_in(
        &server_dir(&repo),
        ["config", "receive.fsckObjects", "false"],
    );
    let run = doctor_at(&repo, &server_dir(&repo));
    assert_problem(&run, "receive.fsckObjects is off");
    repo.git_in(
        &server_dir(&repo),
        ["config", "receive.fsckObjects", "true"],
    );
    assert_well(&doctor_at(&repo, &server_dir(&repo)));
}

/// A repository whose owner logs in with an ordinary shell: a warning, not a failure.
#[test]
fn an_owner_with_a_login_shell_is_warned_about() {
    let repo = server();
    let run = doctor_at(&repo, &server_dir(&repo));
    let owner_has_shell = std::fs::read_to_string("/etc/passwd")
        .unwrap_or_default()
        .lines()
        .any(|line| line.starts_with("root:") && line.ends_with("sh"));
    if owner_has_shell && users_uid_is_root() {
        assert!(
            run.stdout
                .contains("warning: the repository belongs to `root`"),
            "{run:#?}"
        );
    }
    assert_well(&run);
}

fn users_uid_is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Gitea and Forgejo run every script in `hooks/pre-receive.d/` from their own pre-receive hook:
/// one that runs execguard is found there.
#[test]
fn a_forge_pre_receive_d_script_running_execguard_is_well() {
    let repo = server();
    let hooks = server_dir(&repo).join("hooks");
    std::fs::write(
        hooks.join("pre-receive"),
        "#!/bin/sh\n# the forge's own hook: runs hooks/pre-receive.d/*\nexit 0\n",
    )
    .unwrap();
    set_mode(&hooks.join("pre-receive"), 0o755);
    assert_problem(
        &doctor_at(&repo, &server_dir(&repo)),
        "does not run execguard-pre-receive; run `execguard install --server`",
    );
    // What the message suggests: the shim, chaining the forge's hook.
    Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .args(["install", "--server"]),
    )
    .assert_ok();
    assert_well(&doctor_at(&repo, &server_dir(&repo)));
    Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .arg("uninstall"),
    )
    .assert_ok();
    // Or a script in the folder the forge's hook runs.
    std::fs::create_dir_all(hooks.join("pre-receive.d")).unwrap();
    let script = hooks.join("pre-receive.d/execguard");
    std::fs::write(&script, "#!/bin/sh\nexec execguard-pre-receive \"$@\"\n").unwrap();
    set_mode(&script, 0o755);
    let run = doctor_at(&repo, &server_dir(&repo));
    assert_well(&run);
    assert!(
        run.stdout
            .contains("pre-receive.d/execguard: calls execguard-pre-receive"),
        "{run:#?}"
    );
}

/// A template that matches no plan at HEAD finds no plan without a word: doctor warns, and the
/// guard still runs (a fresh repository may have none yet).
#[test]
fn a_template_matching_no_file_at_head_is_a_warning() {
    let repo = TestRepo::installed();
    repo.write(
        ".execguard.toml",
        "[layout]\nexecplans = \"docs/exec-plans/**/PLAN_{feature}.md\"\n",
    );
    repo.write("docs/exec-plans/active/plan-login.md", "# Login\n");
    repo.commit_unchecked("Start");
    let run = doctor(&repo);
    assert_well(&run);
    assert!(
        run.stdout.contains(
            "warning: layout.execplans: `docs/exec-plans/**/PLAN_{feature}.md` matches no file at HEAD"
        ),
        "{run:#?}"
    );
    repo.git([
        "mv",
        "docs/exec-plans/active/plan-login.md",
        "docs/exec-plans/active/PLAN_login.md",
    ]);
    repo.commit_unchecked("Name the plan as the template does");
    let run = doctor(&repo);
    assert_well(&run);
    assert!(!run.stdout.contains("layout.execplans"), "{run:#?}");
}

#![allow(clippy::unwrap_used)]
//! `execguard install --server` on a bare repository: a hook git can run (executable, with an
//! absolute path to a binary its user can reach), and a repository another user owns.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::server::*;
use common::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Copies `execguard` (and the old hook binary `execguard-pre-receive`, an alias of `execguard
/// hook pre-receive`, when `with_hook_binary`) into a new directory
/// `dir` under the test's root, with `mode` on the directory.
fn copy_binaries(repo: &TestRepo, dir: &str, mode: u32, with_hook_binary: bool) -> PathBuf {
    let target = repo.root.join(dir);
    std::fs::create_dir_all(&target).unwrap();
    let mut names = vec!["execguard"];
    if with_hook_binary {
        names.push("execguard-pre-receive");
    }
    for name in names {
        std::fs::copy(bin_dir().join(name), target.join(name)).unwrap();
    }
    chmod(&target, mode);
    target
}

/// `<execguard> install --server` in the server repository, with PATH limited to the system's
/// directories (so the freshly built binaries are found only where the test puts them).
fn install_server_with(repo: &TestRepo, execguard: &Path) -> Run {
    Run::from_command(
        repo.command(execguard)
            .current_dir(server_dir(repo))
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .args(["install", "--server"]),
    )
}

fn hook_text(repo: &TestRepo) -> String {
    std::fs::read_to_string(server_dir(repo).join("hooks/pre-receive")).unwrap()
}

#[test]
fn reinstall_repairs_a_hook_whose_executable_bit_was_cleared() {
    let repo = pushed_fixture();
    let hook = server_dir(&repo).join("hooks/pre-receive");
    // git skips a hook it cannot execute, so every push would land unchecked.
    chmod(&hook, 0o644);
    let run = Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .args(["install", "--server"]),
    );
    run.assert_ok();
    assert!(run.stderr.contains("reinstalled"), "{run:#?}");
    assert_eq!(mode(&hook), 0o755, "install set the executable bit again");
    commit_spec_edit(&repo, "Tweak the spec");
    assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
}

#[test]
fn install_server_records_the_running_execguard_which_answers_the_hook() {
    let repo = pushed_fixture();
    let recorded = execguard_bin().canonicalize().unwrap();
    let text = hook_text(&repo);
    assert!(
        text.contains(&format!("recorded='{}'", recorded.display())),
        "the shim records {}: {text}",
        recorded.display()
    );
    assert!(
        text.contains("exec \"$bin\" hook pre-receive \"$@\""),
        "{text}"
    );
}

#[test]
fn the_one_binary_alone_serves_the_server_hook() {
    let repo = pushed_fixture();
    let alone = copy_binaries(&repo, "alone", 0o755, false);
    let run = install_server_with(&repo, &alone.join("execguard"));
    run.assert_ok();
    let recorded = alone.join("execguard").canonicalize().unwrap();
    assert!(
        hook_text(&repo).contains(&format!("recorded='{}'", recorded.display())),
        "{run:#?}"
    );
    commit_spec_edit(&repo, "Tweak the spec");
    assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
}

/// A shim an earlier execguard wrote runs `execguard-pre-receive` itself: the alias runs the
/// `execguard` beside it, and refuses the push, saying why, when there is none.
#[test]
fn a_hook_installed_before_the_one_binary_still_judges_through_the_alias() {
    let repo = pushed_fixture();
    let old = copy_binaries(&repo, "old", 0o755, true);
    let shim = server_dir(&repo).join("hooks/pre-receive");
    let recorded = execguard_bin().canonicalize().unwrap();
    let text = hook_text(&repo)
        .replace(
            &format!("recorded='{}'", recorded.display()),
            &format!("recorded='{}'", old.join("execguard-pre-receive").display()),
        )
        .replace("\"$bin\" hook pre-receive \"$@\"", "\"$bin\" \"$@\"");
    assert!(!text.contains("hook pre-receive"), "{text}");
    std::fs::write(&shim, text).unwrap();
    commit_spec_edit(&repo, "Tweak the spec");
    assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
    // Alone, the alias cannot judge: the push is refused all the same, naming what is missing.
    std::fs::remove_file(old.join("execguard")).unwrap();
    let run = Run::from_command(
        repo.command("git")
            .args(["push", "--no-verify", "origin", "exec/login"])
            .env("PATH", "/usr/local/bin:/usr/bin:/bin"),
    );
    assert!(!run.ok(), "{run:#?}");
    assert!(
        run.stderr
            .contains("cannot run `execguard hook pre-receive`")
            && run.stderr.contains("the push is refused"),
        "{run:#?}"
    );
}

// ---- a repository another user owns (needs root: chowns a repository) ----------------------

/// The repository's owner: an account every Debian system has, so that the tests add none.
const OWNER: &str = "nobody";

/// True when the test runs as root; otherwise says why the test does nothing.
fn running_as_root(test: &str) -> bool {
    let uid = Command::new("id").arg("-u").output().unwrap();
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    if !root {
        eprintln!("{test}: needs root (it hands a repository to {OWNER} and runs sudo -u {OWNER}); not run");
    }
    root
}

/// The pushed fixture with its server repository handed to `OWNER`, and the test's root opened
/// so that `OWNER` can reach it.
fn owned_fixture() -> TestRepo {
    let repo = pushed_fixture();
    chmod(&repo.root, 0o755);
    let chown = Command::new("chown")
        .arg("-R")
        .arg(OWNER)
        .arg(server_dir(&repo))
        .output()
        .unwrap();
    assert!(chown.status.success(), "{chown:?}");
    repo
}

/// The indented command lines of a message, split into words by a shell parser.
fn printed_commands(stderr: &str) -> Vec<Vec<String>> {
    stderr
        .lines()
        .filter(|line| line.starts_with("    "))
        .map(|line| shlex::split(line.trim()).expect("a shell command line"))
        .collect()
}

#[test]
fn install_as_root_in_another_users_repository_names_the_owner_and_both_ways_out() {
    if !running_as_root("install_as_root_in_another_users_repository") {
        return;
    }
    let repo = owned_fixture();
    let reachable = copy_binaries(&repo, "bin", 0o755, true);
    let execguard = reachable.join("execguard");
    let hook = server_dir(&repo).join("hooks/pre-receive");
    std::fs::remove_file(&hook).unwrap();
    let run = install_server_with(&repo, &execguard);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains(&format!(
            "belongs to {OWNER}, not to root who runs execguard"
        )),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("class="),
        "no raw libgit2 text: {run:#?}"
    );
    assert!(!hook.exists(), "nothing was written");
    let commands = printed_commands(&run.stderr);
    assert_eq!(commands.len(), 2, "{run:#?}");
    let (sudo, safe_directory) = (&commands[0], &commands[1]);
    assert_eq!(sudo[..3], ["sudo", "-u", OWNER], "{run:#?}");
    assert_eq!(safe_directory[..4], ["git", "config", "--global", "--add"]);

    // The first way out, as printed: run the command as the owner.
    let which = Command::new("sh")
        .args(["-c", "command -v sudo"])
        .output()
        .unwrap();
    assert!(
        which.status.success(),
        "sudo is missing: install it (apt-get install sudo), as tests/prerequisites.sh does"
    );
    let ran = Run::from_command(repo.command(&sudo[0]).current_dir("/").args(&sudo[1..]));
    ran.assert_ok();
    assert!(hook.is_file(), "{ran:#?}");
    assert_eq!(mode(&hook), 0o755);
    assert!(
        hook_text(&repo).contains(&reachable.join("execguard").display().to_string()),
        "{ran:#?}"
    );
    assert!(
        !ran.stderr.contains("warning"),
        "the owner can run the binary: {ran:#?}"
    );

    // Uninstall says the same, naming its own command.
    let run = Run::from_command(
        repo.command(&execguard)
            .current_dir(server_dir(&repo))
            .args(["uninstall"]),
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(!run.stderr.contains("class="), "{run:#?}");
    let sudo = &printed_commands(&run.stderr)[0];
    assert_eq!(
        sudo[3..5],
        [execguard.display().to_string(), "uninstall".to_string()]
    );
    let ran = Run::from_command(repo.command(&sudo[0]).current_dir("/").args(&sudo[1..]));
    ran.assert_ok();
    assert!(
        !hook.exists(),
        "the printed command uninstalled the hook: {ran:#?}"
    );
}

#[test]
fn trusting_another_users_repository_lets_root_install_and_warns_about_an_unreachable_binary() {
    if !running_as_root("trusting_another_users_repository") {
        return;
    }
    let repo = owned_fixture();
    // The binaries under a directory like /root at mode 0700: the owner cannot enter it.
    let private = copy_binaries(&repo, "private-home", 0o700, true);
    let run = install_server_with(&repo, &private.join("execguard"));
    assert_eq!(run.code, Some(2), "{run:#?}");
    // The second way out, as printed: trust the repository for root.
    let commands = printed_commands(&run.stderr);
    let safe_directory = &commands[1];
    assert_eq!(safe_directory[..2], ["git", "config"], "{run:#?}");
    let trusted = Run::from_command(
        repo.command(&safe_directory[0])
            .current_dir("/")
            .args(&safe_directory[1..]),
    );
    trusted.assert_ok();

    let run = install_server_with(&repo, &private.join("execguard"));
    run.assert_ok();
    assert!(
        run.stderr.contains(&format!(
            "warning: git runs the hook as the user serving the push, usually the repository's owner {OWNER}, and {OWNER} cannot enter {} (mode 0700, owned by root)",
            private.display()
        )),
        "{run:#?}"
    );
    // With root trusting the repository, a push as root is judged by the hook.
    commit_spec_edit(&repo, "Tweak the spec");
    assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);

    // The warning's way out: binaries where the owner can run them, and install again.
    let reachable = copy_binaries(&repo, "usr-local-bin", 0o755, true);
    let run = install_server_with(&repo, &reachable.join("execguard"));
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{run:#?}");
    assert!(
        hook_text(&repo).contains(&reachable.join("execguard").display().to_string()),
        "{run:#?}"
    );
}

// ---- seeding a new guarded server with an existing history ---------------------------------

/// A history made before any guard: the set-up, then a commit that edits the frozen spec.
fn unguarded_history() -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    commit_spec_edit(&repo, "Tweak the spec before the guard existed");
    repo
}

#[test]
fn seeding_imports_the_history_first_then_installs_the_hook() {
    let repo = unguarded_history();
    // The README's order: import (`git clone --bare`), then `execguard install --server`.
    repo.git_in(
        &repo.root,
        [
            "clone".as_ref(),
            "-q".as_ref(),
            "--bare".as_ref(),
            repo.dir.as_os_str(),
            "server.git".as_ref(),
        ],
    );
    Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .args(["install", "--server"]),
    )
    .assert_ok();
    repo.git(["remote", "add", "origin", &server_url(&repo)]);
    repo.git(["fetch", "-q", "origin"]);
    // The imported history vouches for itself; what comes next is judged.
    commit_clean_code(&repo, "logout");
    assert_branch_push_lands(&repo, "exec/login", &[]);
    commit_spec_edit(&repo, "Tweak the spec again");
    assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
}

#[test]
fn seeding_a_server_that_already_has_the_hook_needs_a_pinned_baseline() {
    let repo = unguarded_history();
    repo.git_in(&repo.root, ["init", "-q", "--bare", "server.git"]);
    Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .args(["install", "--server"]),
    )
    .assert_ok();
    repo.git(["remote", "add", "origin", &server_url(&repo)]);
    // Without a baseline the old history is judged, and its spec edit refused.
    assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
    // The README's way: a pinned config whose [adoption] baseline names the imported tip.
    let tip = repo.head();
    pin_server_config(&repo, &format!("[adoption]\nbaseline = [\"{tip}\"]\n"));
    assert_branch_push_lands(&repo, "exec/login", &[]);
    push(&repo, &["origin", "main"]).assert_ok();
    commit_spec_edit(&repo, "Tweak the spec after the guard");
    assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
}

// ---- the README's recipes --------------------------------------------------------------------

/// Gitea's layout: `hooks/pre-receive` feeds the same stdin to every executable file in
/// `hooks/pre-receive.d/` and fails when one fails. The README's script goes there, pinning the
/// config with `--config`.
#[test]
fn readme_pre_receive_d_script_judges_pushes_and_honours_the_listed_pusher() {
    let repo = pushed_fixture();
    let hooks = server_dir(&repo).join("hooks");
    std::fs::remove_file(hooks.join("pre-receive")).unwrap();
    std::fs::write(
        hooks.join("pre-receive"),
        "#!/bin/sh\nrefs=$(cat)\nstatus=0\nfor hook in \"$(dirname \"$0\")\"/pre-receive.d/*; do\n    [ -f \"$hook\" ] && [ -x \"$hook\" ] || continue\n    printf '%s\\n' \"$refs\" | \"$hook\" || status=1\ndone\nexit $status\n",
    )
    .unwrap();
    chmod(&hooks.join("pre-receive"), 0o755);
    std::fs::create_dir(hooks.join("pre-receive.d")).unwrap();
    let pinned = repo.root.join("strict.toml");
    std::fs::write(&pinned, "[server]\noverride-users = [\"ana\"]\n").unwrap();
    let script = hooks.join("pre-receive.d/execguard");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexec {} hook pre-receive --config {} \"$@\"\n",
            bin_dir().join("execguard").display(),
            pinned.display()
        ),
    )
    .unwrap();
    chmod(&script, 0o755);

    commit_spec_edit(&repo, "Tweak the spec");
    assert_branch_push_refused(
        &repo,
        "exec/login",
        &[("GITEA_PUSHER_NAME", "mallory")],
        &["frozen-spec"],
    );
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    commit_spec_edit(
        &repo,
        "Amend the spec\n\nExecguard-Override: frozen-spec: approved in SPEC-1",
    );
    let run = assert_branch_push_lands(&repo, "exec/login", &[("GITEA_PUSHER_NAME", "ana")]);
    assert!(run.stderr.contains("override by ana"), "{run:#?}");
}

/// Why the README says a login shell enforces nothing: whoever starts `receive-pack` can turn the
/// hook off.
#[test]
fn a_pusher_who_starts_receive_pack_can_turn_the_hook_off() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    let run = push(
        &repo,
        &[
            "--receive-pack=git -c core.hooksPath=/dev/null receive-pack",
            "origin",
            "exec/login",
        ],
    );
    run.assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head()),
        "the spec edit landed unjudged: {run:#?}"
    );
}

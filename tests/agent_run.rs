#![allow(clippy::unwrap_used)]
use crate::common;
#[path = "agent_run/trail.rs"]
mod trail;

// `execguard run`: the operating system refuses writes to the guarded paths, whatever program
// makes them (interpreters, archives, links, git plumbing), through both Linux routes
// (execguard's own namespaces and bubblewrap); ordinary work still succeeds inside. Each attack
// is first run unguarded, to show that it does write, then guarded, and every guarded file must
// be byte for byte (and mode for mode) as it was.

use std::os::unix::fs::PermissionsExt;

use common::*;

/// The guarded files the attacks aim at, relative to the working tree; `None`: absent.
const WATCHED: &[&str] = &[
    "specs/login.md",
    "designs/login.md",
    "backend/PLANS.md",
    ".git/config",
    ".git/hooks/pre-commit",
    ".claude/settings.json",
    ".claude/settings.local.json",
    "../home/.gitconfig",
    "../linked/specs/login.md",
];

type Snapshot = Vec<(String, Option<(Vec<u8>, u32)>)>;

/// The watched paths whose content or mode differ between two snapshots.
fn changed(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.clone())
        .collect()
}

fn snapshot(repo: &TestRepo) -> Snapshot {
    WATCHED
        .iter()
        .map(|path| {
            let at = repo.path(path);
            let state = std::fs::read(&at)
                .ok()
                .map(|bytes| (bytes, std::fs::metadata(&at).unwrap().permissions().mode()));
            (path.to_string(), state)
        })
        .collect()
}

/// The EXEC fixture with its spec frozen in the second commit (the first, tagged
/// `before-freeze`, holds a draft), the hooks and Claude Code's settings installed, a commit on
/// branch `side` that rewrites the spec (also as a patch, a diff, a tarball and a zip file beside
/// the working tree), and a linked worktree at `../linked`.
fn run_repo() -> TestRepo {
    let repo = TestRepo::installed();
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.commit_unchecked("Draft the login spec");
    repo.git(["tag", "before-freeze"]);
    repo.exec_fixture();
    repo.execguard(["install", "--agent", "claude"]).assert_ok();
    repo.commit_unchecked("Run execguard's agent hook in Claude Code");
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.write(
        "specs/login.md",
        "# Login\n\nEXEC-READY\n\nNo password at all.\n",
    );
    repo.commit_unchecked("Rewrite the spec");
    repo.git(["format-patch", "-q", "-1", "-o", "../patches"]);
    let diff = repo.git(["diff", "exec/login", "side"]);
    std::fs::write(repo.root.join("evil.patch"), diff).unwrap();
    repo.git(["checkout", "-q", "exec/login"]);
    let evil = repo.root.join("evil");
    std::fs::create_dir_all(evil.join("specs")).unwrap();
    std::fs::write(evil.join("specs/login.md"), "unpacked over the spec\n").unwrap();
    let tar = std::process::Command::new("tar")
        .args(["cf", "../evil.tar", "specs/login.md"])
        .current_dir(&evil)
        .status()
        .unwrap();
    assert!(tar.success());
    if which("zip") {
        let zip = std::process::Command::new("zip")
            .args(["-q", "../evil.zip", "specs/login.md"])
            .current_dir(&evil)
            .status()
            .unwrap();
        assert!(zip.success());
    }
    repo.git(["worktree", "add", "-q", "../linked", "-b", "linked"]);
    std::fs::create_dir_all(repo.path("notes")).unwrap();
    repo
}

/// `execguard run [route args] -- sh -c line` in the repository.
fn run_in(repo: &TestRepo, route: &[&str], line: &str) -> Run {
    Run::from_command(
        repo.command(execguard_bin())
            .arg("run")
            .args(route)
            .args(["--", "sh", "-c", line]),
    )
}

const UNGUARDED: &[&str] = &["--sandbox", "unguarded", "--allow-unguarded"];

/// Ways to write that no reading of a command line sees, each aimed at a guarded file.
fn attacks() -> Vec<String> {
    let mut attacks: Vec<String> = [
        "python3 -c \"open('specs/login.md', 'a').write('x')\"",
        "perl -e 'open(my $f, \">>\", \"designs/login.md\") or die $!; print $f \"x\"'",
        "printf 'echo x >> backend/PLANS.md' | base64 | base64 -d | sh",
        "find specs -name login.md -exec sh -c 'echo x >> \"$1\"' sh {} \\;",
        "echo specs/login.md | xargs rm -f",
        "tar xf ../evil.tar",
        "tar xf ../evil.tar --overwrite",
        "patch -p1 < ../evil.patch",
        "ln specs/login.md notes/same; echo x >> notes/same",
        "rm -f specs/login.md",
        "mv src/auth.rs specs/login.md",
        "cp src/auth.rs designs/login.md",
        "rm -rf specs designs",
        "b=$(echo changed | git hash-object -w --stdin) && git update-index --cacheinfo 100644,$b,specs/login.md && git checkout-index -f specs/login.md",
        "git reset -q --hard before-freeze",
        "git am -q ../patches/*.patch",
        "git cherry-pick side",
        "git checkout side -- specs/login.md",
        "echo x >> ../linked/specs/login.md",
        "git config alias.c 'commit --no-verify'",
        "git config --global core.hooksPath /dev/null",
        "chmod -x .git/hooks/pre-commit",
        "echo 'exit 0' > .git/hooks/pre-commit",
        "echo '{}' > .claude/settings.json",
        "echo '{\"disableAllHooks\": true}' > .claude/settings.local.json",
        "umount specs/login.md; mount -o remount,rw specs/login.md; echo x >> specs/login.md",
        // The processes outside the sandbox see the file system without its read-only binds.
        "echo x >> /proc/$EXECGUARD_OUTSIDE/root$PWD/specs/login.md",
    ]
    .iter()
    .map(|line| line.to_string())
    .collect();
    if which("zip") && which("unzip") {
        attacks.push("unzip -o ../evil.zip".into());
    }
    if which("node") {
        attacks.push("node -e \"require('fs').appendFileSync('specs/login.md', 'x')\"".into());
    }
    attacks
}

fn which(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Each attack writes none of the guarded files through `route`.
#[track_caller]
fn attacks_are_refused_through(route: &[&str]) {
    for attack in attacks() {
        let repo = run_repo();
        let before = snapshot(&repo);
        let line = attack.replace("$EXECGUARD_OUTSIDE", &std::process::id().to_string());
        let run = run_in(&repo, route, &line);
        let written = changed(&before, &snapshot(&repo));
        assert!(
            written.is_empty(),
            "guarded by {route:?}, `{attack}` changed {written:?}: {run:#?}"
        );
        assert!(
            run.stderr.contains("Stop and escalate to a human"),
            "{run:#?}"
        );
    }
}

/// The attacks are real: without protection, each writes a guarded file.
#[test]
fn every_attack_writes_a_guarded_file_when_unguarded() {
    for attack in attacks() {
        let repo = run_repo();
        let before = snapshot(&repo);
        let line = attack.replace("$EXECGUARD_OUTSIDE", &std::process::id().to_string());
        let run = run_in(&repo, UNGUARDED, &line);
        assert!(
            !changed(&before, &snapshot(&repo)).is_empty(),
            "unguarded, `{attack}` writes a guarded file: {run:#?}"
        );
    }
}

#[test]
fn run_makes_the_guarded_paths_read_only_through_its_own_namespaces() {
    attacks_are_refused_through(&["--sandbox", "namespaces"]);
}

#[test]
fn run_makes_the_guarded_paths_read_only_through_bubblewrap() {
    assert!(
        which("bwrap"),
        "bubblewrap is not installed: run tests/prerequisites.sh"
    );
    attacks_are_refused_through(&["--sandbox", "bwrap"]);
}

/// The binaries the installed hooks run cannot be replaced or emptied.
#[test]
fn run_keeps_execguards_binaries_read_only() {
    let repo = run_repo();
    let hook_binary = bin_dir().join("execguard-pre-commit");
    let bytes = std::fs::read(&hook_binary).unwrap();
    for route in ["namespaces", "bwrap"] {
        let line = format!(": >> '{}' && echo WRITABLE", hook_binary.display());
        let run = run_in(&repo, &["--sandbox", route], &line);
        assert!(!run.stdout.contains("WRITABLE"), "{route}: {run:#?}");
        assert!(
            run.stderr.contains("Read-only file system"),
            "{route}: {run:#?}"
        );
    }
    assert_eq!(std::fs::read(&hook_binary).unwrap(), bytes);
}

/// An agent's ordinary work: new folders and files, edits to code and to the execplan, a test
/// run, a commit that the installed hooks check, a push to a bare repository.
#[test]
fn ordinary_work_succeeds_inside() {
    for route in ["namespaces", "bwrap"] {
        let repo = run_repo();
        let remote = repo.root.join("remote.git");
        repo.git(["init", "-q", "--bare", remote.to_str().unwrap()]);
        repo.git(["remote", "add", "origin", remote.to_str().unwrap()]);
        // The human's set-up is on the server already.
        repo.git(["push", "-q", "--no-verify", "origin", "exec/login"]);
        let before = snapshot(&repo);
        let line = "set -e
            mkdir -p src/session tests
            printf 'pub fn start() {}\\n' > src/session/mod.rs
            printf 'pub fn logout() {}\\n' >> src/auth.rs
            printf '#!/bin/sh\\ngrep -q logout src/auth.rs\\n' > tests/check.sh
            sh tests/check.sh
            python3 - <<'EOF'
plan = open('plans/login-execplan.md').read()
entry = '- [x] (2026-01-02 10:00Z) Logout added.\\n\\n## Surprises & Discoveries'
open('plans/login-execplan.md', 'w').write(plan.replace('## Surprises & Discoveries', entry))
EOF
            git add src tests plans
            git commit -q -m 'Add logout'
            git push -q origin exec/login
            echo WORKED";
        let run = run_in(&repo, &["--sandbox", route], line);
        assert!(
            run.ok() && run.stdout.contains("WORKED"),
            "{route}: {run:#?}"
        );
        assert_eq!(
            repo.git_in(&remote, ["log", "-1", "--format=%s", "exec/login"]),
            "Add logout\n"
        );
        assert_eq!(
            changed(&before, &snapshot(&repo)),
            Vec::<String>::new(),
            "{route}"
        );
        // The hooks ran inside: a commit without a Progress entry is refused there.
        let line = "printf '// more\\n' >> src/auth.rs && git commit -qam 'More'";
        let run = run_in(&repo, &["--sandbox", route], line);
        assert_eq!(run.code, Some(1), "{route}: {run:#?}");
        assert!(
            run.stderr.contains("[progress-update]"),
            "{route}: {run:#?}"
        );
    }
}

#[test]
fn run_passes_the_exit_code_on_and_lists_what_was_read_only() {
    let repo = run_repo();
    let run = run_in(&repo, &[], "exit 7");
    assert_eq!(run.code, Some(7), "{run:#?}");
    for named in [
        "specs/login.md: a frozen spec",
        "designs/login.md: the design note of specs/login.md",
        "backend/PLANS.md: a protected path",
        ".git/hooks: a hook git runs",
        ".claude/settings.json: a coding agent's settings",
        "linked/specs/login.md",
        "Stop and escalate to a human",
        "from the next `execguard run`",
    ] {
        assert!(run.stderr.contains(named), "{named}: {}", run.stderr);
    }
    // The command the summary names records the question.
    let escalate = command_after(&run.stderr, "Stop and escalate to a human: run ");
    assert_eq!(
        escalate,
        "execguard escalate \"<what needed to change and why>\""
    );
    let words = shlex::split(&escalate).unwrap();
    let asked = repo.execguard(&words[1..]);
    asked.assert_ok();
    // The run's start and end are records 1 and 2 of the trail.
    assert!(asked.stdout.contains("escalation 3 recorded"), "{asked:#?}");
    let quiet = Run::from_command(repo.command(execguard_bin()).args([
        "-q",
        "run",
        "--",
        "sh",
        "-c",
        "echo $EXECGUARD_RUN",
    ]));
    assert!(quiet.ok() && quiet.stderr.is_empty(), "{quiet:#?}");
    assert_eq!(quiet.stdout, "namespaces\n");
}

/// Where nothing can make the paths read-only, the command is not started, unless asked.
#[test]
fn run_refuses_to_start_unguarded_unless_asked() {
    let repo = run_repo();
    let run = run_in(&repo, &["--sandbox", "seatbelt"], "touch started");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("refuses to start"), "{}", run.stderr);
    assert!(!repo.path("started").exists());
    let run = run_in(
        &repo,
        &["--sandbox", "seatbelt", "--allow-unguarded"],
        "touch started",
    );
    assert!(run.ok(), "{run:#?}");
    assert!(run.stderr.contains("UNGUARDED"), "{}", run.stderr);
    assert!(repo.path("started").exists());
}

/// A second name of a guarded file would let writes through; execguard names the command that
/// finds it and does not start.
#[test]
fn run_refuses_a_guarded_file_with_another_name() {
    let repo = run_repo();
    std::fs::hard_link(repo.path("specs/login.md"), repo.path("notes/copy.md")).unwrap();
    let run = run_in(&repo, &[], "true");
    assert_eq!(run.code, Some(2), "{run:#?}");
    let find = command_after(&run.stderr, "Find them with");
    let found = Run::from_command(repo.command("sh").args(["-c", &find]));
    assert!(found.stdout.contains("notes/copy.md"), "{find}: {found:#?}");
    std::fs::remove_file(repo.path("notes/copy.md")).unwrap();
    run_in(&repo, &[], "true").assert_ok();
}

/// An agent's session learns that it runs guarded, and what the refusals it may meet mean.
#[test]
fn a_session_started_inside_is_told_what_a_refused_write_means() {
    let repo = run_repo();
    let event = serde_json::json!({"hook_event_name": "SessionStart", "cwd": repo.dir, "source": "startup"});
    let event_file = repo.root.join("event.json");
    std::fs::write(&event_file, event.to_string()).unwrap();
    let line = format!("execguard agent-hook < '{}'", event_file.display());
    let run = run_in(&repo, &[], &line);
    assert!(run.ok(), "{run:#?}");
    assert!(
        run.stdout
            .contains("runs under `execguard run` (namespaces)")
            && run.stdout.contains("Read-only file system"),
        "{}",
        run.stdout
    );
    let outside = Run::from_command(repo.command("sh").args(["-c", &line]));
    assert!(
        !outside.stdout.contains("execguard run"),
        "{}",
        outside.stdout
    );
}

/// Where the kernel refuses execguard a user namespace, `auto` turns to bubblewrap; where that
/// cannot make one either, or is not installed, nothing starts, and the message says why.
#[test]
fn run_falls_back_to_bubblewrap_and_fails_closed_when_nothing_can_guard() {
    let repo = run_repo();
    // A user namespace whose limit of nested user namespaces is 0.
    let refused = |path: &str, run_args: &str| {
        let line = format!(
            "echo 0 > /proc/sys/user/max_user_namespaces && PATH={path} '{}' run {run_args} -- touch started",
            execguard_bin().display()
        );
        Run::from_command(repo.command("unshare").args(["-Ur", "sh", "-c", &line]))
    };
    let path = std::env::var("PATH").unwrap();
    let run = refused(&path, "");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("refuses execguard a user namespace")
            && run
                .stderr
                .contains("bubblewrap cannot make its namespaces here")
            && run
                .stderr
                .contains("refuses to start the command unguarded"),
        "{}",
        run.stderr
    );
    assert!(!repo.path("started").exists());
    let run = refused("/nonexistent", "");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains("`bwrap`) is not on PATH; install bubblewrap"),
        "{}",
        run.stderr
    );
    assert!(!repo.path("started").exists());
    // The override the message names starts it, unguarded, and says so.
    let run = refused(&path, "--allow-unguarded");
    assert!(run.ok(), "{run:#?}");
    assert!(run.stderr.contains("UNGUARDED"), "{}", run.stderr);
    assert!(repo.path("started").exists());
}

/// A guarded file that does not exist yet cannot be bound; those that would switch the guard off
/// once written are covered all the same: an agent settings file through its folder, a global git
/// config by being created empty first.
#[test]
fn settings_not_yet_written_that_would_switch_the_guard_off_cannot_be_created() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.write(".claude/settings.json", "{}\n");
    let xdg_config = repo.home.join(".config/git/config");
    assert!(!xdg_config.exists());
    let line = "echo '{\"disableAllHooks\": true}' > .claude/settings.local.json; printf '[core]\\n\\thooksPath = /dev/null\\n' >> \"$XDG_CONFIG_HOME/git/config\"";
    let run = Run::from_command(
        repo.command(execguard_bin())
            .args(["run", "--", "sh", "-c", line])
            .env_remove("GIT_CONFIG_GLOBAL"),
    );
    assert!(
        run.stderr.contains(&format!(
            "created the empty file {} so that it can be made read-only",
            xdg_config.display()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Read-only file system"),
        "{}",
        run.stderr
    );
    assert!(!repo.path(".claude/settings.local.json").exists());
    assert_eq!(std::fs::read(&xdg_config).unwrap(), b"");
    assert!(
        run.stderr
            .contains(".claude: holds a coding agent's settings; read-only so that settings.local.json cannot be created"),
        "{}",
        run.stderr
    );
}

/// As an ordinary user (no capability anywhere once inside), through both routes: the spec stays
/// as it was, whatever is tried against the binds, a nested user namespace included.
#[test]
fn run_holds_for_an_ordinary_user() {
    // An account every Debian system has: the tests add none.
    let user = "nobody";
    let temp = tempfile::tempdir().unwrap();
    let owner = Run::from_command(std::process::Command::new("id").args(["-u", user]));
    assert!(
        owner.ok(),
        "{user}, which Debian and Ubuntu have, does not exist: the test runs as that ordinary user"
    );
    let uid: u32 = owner.stdout.trim().parse().unwrap();
    std::os::unix::fs::chown(temp.path(), Some(uid), None).unwrap();
    let script = r#"set -e
git config --global user.name a
git config --global user.email a@example.invalid
git init -q -b main r && cd r
mkdir specs && printf '# Login\n\nEXEC-READY\n' > specs/login.md
git add -A && git commit -qm 'Freeze the login spec'
execguard install >/dev/null 2>&1
for route in namespaces bwrap; do
    execguard -q run --sandbox $route -- sh -c '
        id -u > ../uid-$0
        echo x >> specs/login.md
        rm -f specs/login.md
        umount specs/login.md
        unshare -Urm sh -c "umount specs/login.md; mount -o remount,bind,rw specs/login.md; echo y >> specs/login.md"
        exit 0' $route 2>/dev/null
done
cat specs/login.md"#;
    let path = format!("{}:/usr/bin:/bin", bin_dir().display());
    let run = Run::from_command(
        std::process::Command::new("runuser")
            .args(["-u", user, "--", "env", "-i"])
            .arg(format!("HOME={}", temp.path().display()))
            .arg(format!("PATH={path}"))
            .args(["GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C", "sh", "-c", script])
            .current_dir(temp.path()),
    );
    assert!(run.ok(), "{run:#?}");
    assert_eq!(run.stdout, "# Login\n\nEXEC-READY\n", "{run:#?}");
    for route in ["namespaces", "bwrap"] {
        let seen = std::fs::read_to_string(temp.path().join(format!("uid-{route}"))).unwrap();
        assert_eq!(
            seen.trim(),
            uid.to_string(),
            "{route} runs as the same user"
        );
    }
}

//! A bare "server" repository beside a test repository, guarded by `execguard install --server`,
//! and the helpers that push to it and inspect it.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use super::*;

/// Variables through which a forge tells the hook who pushes (and GitLab's `GL_ID`); removed from
/// every push so the host's values never leak into a verdict.
pub const PUSHER_VARS: &[&str] = &[
    "GL_ID",
    "GL_USERNAME",
    "GITEA_PUSHER_NAME",
    "GL_USER",
    "REMOTE_USER",
];

/// The bare "server" repository beside the working tree.
pub fn server_dir(repo: &TestRepo) -> PathBuf {
    repo.root.join("server.git")
}

pub fn server_url(repo: &TestRepo) -> String {
    format!("file://{}", server_dir(repo).display())
}

/// `git --git-dir server.git <args>`.
pub fn server_git<I, S>(repo: &TestRepo, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    bare_git(repo, &server_dir(repo), args)
}

/// `git --git-dir <dir> <args>`, trusting the repository whoever owns it (a real server's belongs
/// to its service user).
pub fn bare_git<I, S>(repo: &TestRepo, dir: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = repo.command("git");
    command
        .args(["-c", "safe.directory=*", "--git-dir"])
        .arg(dir)
        .args(args);
    Run::from_command(&mut command)
}

/// What a ref of the server points at, or `None` when it does not exist.
pub fn server_rev(repo: &TestRepo, name: &str) -> Option<String> {
    let run = server_git(repo, ["rev-parse", "--verify", "-q", name]);
    run.ok().then(|| run.stdout.trim().to_string())
}

/// Creates the bare repository `server.git` under the test's root, seeds it with every branch the
/// working repository has (before any hook exists: the set-up is a human's), runs
/// `execguard install --server` inside it, and adds it as `origin` (a `file://` URL) of the
/// working repository, fetched so remote-tracking refs exist.
pub fn setup_server(repo: &TestRepo) {
    let server = server_dir(repo);
    repo.git_in(&repo.root, ["init", "-q", "--bare", "server.git"]);
    if repo.commit_count() > 0 {
        repo.git(["push", "-q", "--no-verify", &server_url(repo), "--all"]);
    }
    let run = Run::from_command(
        repo.command(execguard_bin())
            .current_dir(&server)
            .args(["install", "--server"]),
    );
    run.assert_ok();
    assert!(
        server.join("hooks/pre-receive").is_file(),
        "install --server wrote the hook: {run:#?}"
    );
    repo.git(["remote", "add", "origin", &server_url(repo)]);
    repo.git(["fetch", "-q", "origin"]);
}

/// The EXEC fixture (no client hooks) with a server that already has `main` and `exec/login`.
pub fn pushed_fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    setup_server(&repo);
    repo
}

/// The same fixture with execguard's client hooks installed after the server was set up.
pub fn client_fixture() -> TestRepo {
    let repo = pushed_fixture();
    repo.execguard(["install"]).assert_ok();
    assert!(repo.hooks_dir().join("pre-push").is_file());
    repo
}

/// `git <args>` in `dir` with the pusher variables cleared and `env` set.
pub fn git_env_in(repo: &TestRepo, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = repo.command("git");
    command.current_dir(dir);
    for name in PUSHER_VARS {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.args(args);
    Run::from_command(&mut command)
}

/// `git push --no-verify <args>` from the working repository: the local pre-push hook is bypassed,
/// so the server is what judges.
pub fn push(repo: &TestRepo, args: &[&str]) -> Run {
    push_env(repo, &[], args)
}

pub fn push_env(repo: &TestRepo, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut all = vec!["push", "--no-verify"];
    all.extend_from_slice(args);
    git_env_in(repo, &repo.dir, env, &all)
}

/// `git push <args>` with the local hooks active.
pub fn push_with_hooks(repo: &TestRepo, args: &[&str]) -> Run {
    let mut all = vec!["push"];
    all.extend_from_slice(args);
    git_env_in(repo, &repo.dir, &[], &all)
}

/// A clean EXEC commit: code plus a Progress entry.
pub fn commit_clean_code(repo: &TestRepo, name: &str) -> String {
    repo.append("src/auth.rs", &format!("pub fn {name}() {{}}\n"));
    repo.add_progress(&format!("Added {name}."));
    repo.commit_unchecked(&format!("Add {name}"));
    repo.head()
}

/// A commit that edits the frozen spec, made with the hooks bypassed.
pub fn commit_spec_edit(repo: &TestRepo, message: &str) -> String {
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.commit_unchecked(message);
    repo.head()
}

/// Asserts a push was refused by the server's pre-receive hook naming `rule`.
#[track_caller]
pub fn assert_server_refused(run: &Run, rule: &str) {
    run.assert_refused(rule);
    assert!(
        run.stderr.contains("pre-receive hook declined"),
        "the server refused: {run:#?}"
    );
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// `(rule, short commit)` for every `error[rule] ... (commit abc1234)` line of a hook's output.
pub fn reported_pairs(stderr: &str) -> BTreeSet<(String, String)> {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = &line[line.find("error[")? + "error[".len()..];
            let rule = &rest[..rest.find(']')?];
            let commit = &line[line.find("(commit ")? + "(commit ".len()..];
            let commit = &commit[..commit.find(')')?];
            Some((rule.to_string(), commit.to_string()))
        })
        .collect()
}

/// The server ends every push, refused or landed, with a sound repository: fsck is clean, no lock
/// file is left behind and no quarantine directory survives.
#[track_caller]
pub fn assert_server_sound(repo: &TestRepo) {
    assert_bare_sound(repo, &server_dir(repo));
}

/// [`assert_server_sound`] for the bare repository `dir`.
#[track_caller]
pub fn assert_bare_sound(repo: &TestRepo, dir: &Path) {
    let fsck = bare_git(repo, dir, ["fsck", "--no-dangling", "--no-progress"]);
    assert!(fsck.ok(), "fsck: {fsck:#?}");
    for word in ["error", "missing", "broken", "corrupt"] {
        assert!(
            !fsck.stdout.contains(word) && !fsck.stderr.contains(word),
            "fsck reports {word}: {fsck:#?}"
        );
    }
    let left = leftovers(dir);
    assert!(
        left.is_empty(),
        "lock files or quarantine directories left behind: {left:?}"
    );
    let objects = bare_git(repo, dir, ["count-objects", "-v"]);
    assert!(objects.ok(), "{objects:#?}");
}

/// The lock files anywhere in the bare repository `dir` and the quarantine directories in its
/// `objects/`. An entry that vanishes during the walk is skipped: a server may still be cleaning
/// up.
pub fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            if is_dir
                && current == dir.join("objects")
                && (name.starts_with("incoming-") || name.starts_with("tmp_objdir-incoming-"))
            {
                found.push(path);
            } else if is_dir {
                pending.push(path);
            } else if name.ends_with(".lock") {
                found.push(path);
            }
        }
    }
    found
}

/// A `git daemon` serving the test's root on a free loopback port, killed on drop.
pub struct Daemon {
    child: Child,
    pub port: u16,
}

impl Daemon {
    pub fn start(repo: &TestRepo) -> Self {
        let log = repo.root.join("daemon.log");
        let exec_path = repo.git(["--exec-path"]);
        let daemon_bin = Path::new(exec_path.trim()).join("git-daemon");
        for _attempt in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            // `git daemon` would run `git-daemon` as a grandchild that killing `git` leaves
            // behind: start the daemon itself, so the guard kills the process that listens.
            let child = repo
                .command(&daemon_bin)
                .current_dir(&repo.root)
                .arg("--enable=receive-pack")
                .arg(format!("--base-path={}", repo.root.display()))
                .arg("--export-all")
                .arg("--reuseaddr")
                .arg("--informative-errors")
                .arg("--listen=127.0.0.1")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .expect("git daemon starts");
            // From here on the guard owns the child: any panic kills it.
            let mut daemon = Self { child, port };
            if daemon.wait_until_listening() {
                return daemon;
            }
            // It exited (the port was taken in between) or never listened: try another port.
        }
        panic!(
            "git daemon never accepted connections: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Polls the port a bounded number of times; false when the daemon exited or never listened.
    fn wait_until_listening(&mut self) -> bool {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        for _ in 0..200 {
            if self.child.try_wait().unwrap().is_some() {
                return false;
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        false
    }

    pub fn url(&self, repository: &str) -> String {
        format!("git://127.0.0.1:{}/{repository}", self.port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes `break_rule`'s commits on `exec/login`, pushes them with the local hook bypassed, and
/// asserts the server refused them naming `rule` and did not move its ref.
pub fn assert_server_refuses(rule: &str, break_rule: impl FnOnce(&TestRepo)) {
    let repo = pushed_fixture();
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
    break_rule(&repo);
    assert_ne!(repo.head(), before, "the test made a commit");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, rule);
    assert!(
        run.stderr.contains("refusing refs/heads/exec/login"),
        "{run:#?}"
    );
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(before),
        "the server ref did not move"
    );
}

/// Pins `text` as the server's config (`git config execguard.config <path>`), as an admin does.
pub fn pin_server_config(repo: &TestRepo, text: &str) {
    let pinned = repo.root.join("server-config.toml");
    std::fs::write(&pinned, text).unwrap();
    server_git(
        repo,
        [
            "config".as_ref(),
            "execguard.config".as_ref(),
            pinned.as_os_str(),
        ],
    )
    .assert_ok();
}

/// Pushes `branch` with the local hooks bypassed (as `env`'s pusher) and asserts the server
/// refused it naming every rule in `rules`, leaving its ref where it was and its repository sound.
#[track_caller]
pub fn assert_branch_push_refused(
    repo: &TestRepo,
    branch: &str,
    env: &[(&str, &str)],
    rules: &[&str],
) -> Run {
    let name = format!("refs/heads/{branch}");
    let before = server_rev(repo, &name);
    let run = push_env(repo, env, &["origin", branch]);
    for rule in rules {
        assert_server_refused(&run, rule);
    }
    assert_eq!(
        server_rev(repo, &name),
        before,
        "the server ref did not move"
    );
    assert_server_sound(repo);
    run
}

/// Pushes `branch` with the local hooks bypassed (as `env`'s pusher) and asserts it landed with
/// no finding.
#[track_caller]
pub fn assert_branch_push_lands(repo: &TestRepo, branch: &str, env: &[(&str, &str)]) -> Run {
    let run = push_env(repo, env, &["origin", branch]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(
        server_rev(repo, &format!("refs/heads/{branch}")),
        Some(repo.head()),
        "the server ref moved to the pushed commit"
    );
    run
}

/// A feature `pay` an agent invents on its own, each step in a commit of its own (hooks
/// bypassed): the spec frozen with `EXEC-READY`, then a ready execplan, then code with a Progress
/// entry. Every commit passes the content rules; only who freezes the spec is in question.
pub fn commit_invented_feature(repo: &TestRepo) {
    repo.write(
        "specs/pay.md",
        "# Pay\n\nEXEC-READY\n\nUsers pay by card.\n",
    );
    repo.commit_unchecked("Specify payments");
    let plan = PLAN_READY
        .replace("Login", "Pay")
        .replace("specs/login.md", "specs/pay.md");
    repo.write("plans/pay-execplan.md", &plan);
    repo.commit_unchecked("Plan payments");
    repo.write("src/pay.rs", "pub fn pay() {}\n");
    repo.write(
        "plans/pay-execplan.md",
        plan.replace(
            "## Surprises & Discoveries",
            "- [x] (2026-01-02 10:00Z) Card payments.\n\n## Surprises & Discoveries",
        ),
    );
    repo.commit_unchecked("Add card payments");
}

/// A pinned config that lets ana override.
pub const ANA_OVERRIDES: &str = "[server]\noverride-users = [\"ana\"]\n";

/// What a human changes on `main` while `exec/login` stands still: the change, and whether it
/// needs a pinned config naming ana (an overridden change; a tightened `.execguard.toml` only
/// counts where no config is pinned).
pub struct HumanChange {
    pub name: &'static str,
    pub pinned: Option<&'static str>,
    pub make: fn(&TestRepo),
    /// Text the refusal of the stale merge names.
    pub names: &'static str,
}

pub const HUMAN_CHANGES: &[HumanChange] = &[
    HumanChange {
        name: "an overridden spec amendment",
        pinned: Some(ANA_OVERRIDES),
        make: |repo| {
            repo.write(
                "specs/login.md",
                SPEC_FROZEN.replace("password.", "password. Sessions last 36h, not 24h."),
            );
            repo.commit_unchecked(
                "Sessions last 36h\n\nExecguard-Override: frozen-spec: the product owner asked for 36h",
            );
        },
        names: "specs/login.md, a frozen spec at the old tip",
    },
    HumanChange {
        name: "a new rule in backend/PLANS.md",
        pinned: Some(ANA_OVERRIDES),
        make: |repo| {
            repo.append("backend/PLANS.md", "Every plan names its rollback.\n");
            repo.commit_unchecked(
                "Plans name their rollback\n\nExecguard-Override: protected-path: a new house rule",
            );
        },
        names: "backend/PLANS.md, a protected path at the old tip",
    },
    HumanChange {
        name: "a tightened .execguard.toml",
        pinned: None,
        make: |repo| {
            repo.write(
                ".execguard.toml",
                "[rules.protected-path]\npaths = [\"backend/PLANS.md\", \"infra/**\"]\n",
            );
            repo.commit_unchecked("Protect infra");
        },
        names: "rules.protected-path.paths",
    },
];

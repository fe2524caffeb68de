//! A temporary repository driven by the real `git` binary, with an isolated HOME and config, and
//! execguard's freshly built binaries first on PATH.
#![allow(dead_code)]

pub mod agent;
pub mod browser;
pub mod legacy;
pub mod managers;
pub mod pushes;
pub mod scenario;
pub mod server;
pub mod servers;
pub mod table;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The directory holding the binaries cargo built for this test run.
pub fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_execguard"))
        .parent()
        .expect("binary has a directory")
        .to_path_buf()
}

pub fn execguard_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_execguard"))
}

/// Environment variables from the caller that would leak into git and must not.
const SCRUBBED: &[&str] = &[
    // Set by the agent hosts for the commands their agent runs: `execguard escalate` reads them.
    "CLAUDE_CODE_SESSION_ID",
    "CODEX_THREAD_ID",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EDITOR",
    "EDITOR",
    "VISUAL",
    "EXECGUARD_SKIP",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "EXECGUARD_COLOR",
];

/// The outcome of a command, for assertions.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

pub struct TestRepo {
    _temp: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    /// The working tree.
    pub dir: PathBuf,
}

impl TestRepo {
    /// A new repository on branch `main` (no commits, no hooks).
    pub fn new() -> Self {
        let temp = tempfile::Builder::new()
            .prefix("execguard-test")
            .tempdir()
            .expect("temp dir");
        let root = temp.path().to_path_buf();
        let home = root.join("home");
        let dir = root.join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test Agent\n\temail = agent@example.invalid\n[init]\n\tdefaultBranch = main\n[core]\n\tautocrlf = false\n[advice]\n\tdetachedHead = false\n[commit]\n\tgpgsign = false\n",
        )
        .unwrap();
        let repo = Self {
            _temp: temp,
            root,
            home,
            dir,
        };
        repo.git(["init", "-q"]);
        repo
    }

    /// A repository with execguard's hooks installed.
    pub fn installed() -> Self {
        let repo = Self::new();
        repo.execguard(["install"]).assert_ok();
        repo
    }

    /// Applies the isolated environment to a command.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        for name in SCRUBBED {
            command.env_remove(name);
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![bin_dir()];
        paths.extend(std::env::split_paths(&path));
        command
            .current_dir(&self.dir)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home.join(".gitconfig"))
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LANG", "C")
            .env("LC_ALL", "C")
            .env("PATH", std::env::join_paths(paths).unwrap())
            .stdin(Stdio::null());
        command
    }

    /// Runs git in the working tree; does not assert.
    pub fn git_run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.git_run_in(&self.dir, args)
    }

    /// Runs git in `dir` (another clone, a bare server) with the same environment; does not
    /// assert.
    pub fn git_run_in<I, S>(&self, dir: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run::from_command(self.command("git").current_dir(dir).args(args))
    }

    /// Runs git in the working tree and asserts it succeeded; returns stdout.
    #[track_caller]
    pub fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.git_in(&self.dir, args)
    }

    /// Runs git in `dir` and asserts it succeeded; returns stdout.
    #[track_caller]
    pub fn git_in<I, S>(&self, dir: &Path, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args
            .into_iter()
            .map(|a| a.as_ref().to_os_string())
            .collect();
        let run = self.git_run_in(dir, &args);
        assert!(
            run.ok(),
            "git {args:?} in {} failed: {run:#?}",
            dir.display()
        );
        run.stdout
    }

    /// Runs the execguard CLI.
    pub fn execguard<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run::from(
            self.command(execguard_bin())
                .args(args)
                .output()
                .expect("execguard runs"),
        )
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, content).unwrap();
    }

    pub fn append(&self, relative: &str, content: &str) {
        let mut text = self.read(relative);
        text.push_str(content);
        self.write(relative, text);
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    /// `git add -A` then `git commit -m message`, hooks active.
    pub fn commit_all(&self, message: &str) -> Run {
        self.git(["add", "-A"]);
        self.commit(message)
    }

    /// `git commit -m message` of what is staged, hooks active.
    pub fn commit(&self, message: &str) -> Run {
        self.git_run(["commit", "-q", "-m", message])
    }

    /// Commits what is staged with the hooks bypassed (a human's set-up commit).
    pub fn commit_unchecked(&self, message: &str) {
        self.git(["add", "-A"]);
        self.git([
            "commit",
            "-q",
            "--no-verify",
            "--allow-empty",
            "-m",
            message,
        ]);
    }

    /// Merges `branch` into the current branch with a merge commit, no hook running.
    pub fn merge_unchecked(&self, branch: &str, message: &str) {
        self.git([
            "merge",
            "-q",
            "--no-ff",
            "--no-verify",
            "-m",
            message,
            branch,
        ]);
    }

    pub fn head(&self) -> String {
        self.git(["rev-parse", "HEAD"]).trim().to_string()
    }

    /// How many parents commit `rev` has.
    pub fn parent_count(&self, rev: &str) -> usize {
        self.git(["rev-list", "--parents", "-n", "1", rev])
            .split_whitespace()
            .count()
            - 1
    }

    pub fn commit_count(&self) -> usize {
        let run = self.git_run(["rev-list", "--count", "HEAD"]);
        if run.ok() {
            run.stdout.trim().parse().unwrap()
        } else {
            0
        }
    }

    /// The standard EXEC set-up, committed without hooks: a frozen spec, a ready execplan with
    /// every section, a design note, the plan-writing rules and some code, on branch
    /// `exec/login`.
    pub fn exec_fixture(&self) {
        self.write_exec_files();
        self.commit_unchecked("Set up the login feature");
        self.git(["checkout", "-q", "-b", "exec/login"]);
    }

    /// The files of the standard EXEC set-up, written but not committed: a frozen spec, a ready
    /// execplan with every section, a design note, the plan-writing rules and some code.
    pub fn write_exec_files(&self) {
        self.write("specs/login.md", SPEC_FROZEN);
        self.write(
            "designs/login.md",
            "# Login design\n\nUse the session store.\n",
        );
        self.write("plans/login-execplan.md", PLAN_READY);
        self.write("backend/PLANS.md", "# How to write an execplan\n");
        self.write("src/auth.rs", "pub fn login() {}\n");
    }

    /// A second feature, `search`, frozen and planned like login: its spec and its ready execplan
    /// (working tree only).
    pub fn write_search_inputs(&self) {
        self.write("specs/search.md", SPEC_FROZEN.replace("Login", "Search"));
        self.write(
            "plans/search-execplan.md",
            PLAN_READY
                .replace("Login", "Search")
                .replace("specs/login.md", "specs/search.md"),
        );
    }

    /// Adds a Progress entry to the login execplan (working tree only).
    pub fn add_progress(&self, entry: &str) {
        let plan = self.read("plans/login-execplan.md");
        let plan = plan.replace(
            "## Surprises & Discoveries",
            &format!("- [x] (2026-01-02 10:00Z) {entry}\n\n## Surprises & Discoveries"),
        );
        self.write("plans/login-execplan.md", plan);
    }

    pub fn hooks_dir(&self) -> PathBuf {
        self.dir.join(".git/hooks")
    }
}

impl Run {
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(self.ok(), "expected success: {self:#?}");
        self
    }

    /// Asserts the command was refused with violations (exit 1) naming `rule`.
    #[track_caller]
    pub fn assert_refused(&self, rule: &str) -> &Self {
        assert_eq!(self.code, Some(1), "expected refusal by {rule}: {self:#?}");
        assert!(
            self.stderr.contains(&format!("error[{rule}]")),
            "expected the message to name {rule}: {self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn assert_not_flagged(&self, rule: &str) -> &Self {
        assert!(
            !self.stderr.contains(&format!("error[{rule}]")),
            "did not expect {rule}: {self:#?}"
        );
        self
    }
}

pub const SPEC_FROZEN: &str = "# Login\n\nEXEC-READY\n\nUsers log in with a password.\n";
pub const SPEC_DRAFT: &str = "# Login\n\nStatus: draft\n\nUsers log in with a password.\n";

pub const PLAN_READY: &str = "# Login execplan\n\nEXECPLAN-READY\n\nSpec: specs/login.md\n\n## Progress\n\n- [x] (2026-01-01 09:00Z) Plan written.\n\n## Surprises & Discoveries\n\nNone yet.\n\n## Decision Log\n\n- Keep sessions in memory.\n\n## Outcomes & Retrospective\n\nPending.\n";

impl Run {
    pub fn from_command(command: &mut Command) -> Self {
        Self::from(command.output().expect("command runs"))
    }

    pub fn from_command_output(output: Output) -> Self {
        Self::from(output)
    }

    /// Runs `command` with `input` on its stdin.
    pub fn with_stdin(command: &mut Command, input: &[u8]) -> Self {
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("command runs");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin is piped"), input)
            .expect("input is written");
        Self::from(child.wait_with_output().expect("command runs"))
    }
}

/// The command between backticks right after `lead` in `text`.
#[track_caller]
pub fn command_after(text: &str, lead: &str) -> String {
    let start = text
        .find(lead)
        .unwrap_or_else(|| panic!("no `{lead}` in: {text}"))
        + lead.len();
    let rest = &text[start..];
    let open = rest.find('`').unwrap() + 1;
    let close = open + rest[open..].find('`').unwrap();
    rest[open..close].to_string()
}

/// `execguard status --format json` in `repo`, which must pass.
pub fn status_json(repo: &TestRepo) -> serde_json::Value {
    let run = repo.execguard(["status", "--format", "json"]);
    run.assert_ok();
    serde_json::from_str(&run.stdout).expect("status --format json prints JSON")
}

/// The feature `name` of a `status --format json` report.
#[track_caller]
pub fn status_feature<'v>(status: &'v serde_json::Value, name: &str) -> &'v serde_json::Value {
    status["features"]
        .as_array()
        .expect("status lists its features")
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no feature {name} in {status:#}"))
}

/// A repository under `within = "push"` with a code change staged and no Progress entry: a
/// finding deferred to the push, reported as a warning.
pub fn staged_code_deferred_by_push() -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nwithin = \"push\"\n",
    );
    repo.commit_unchecked("Configure execguard");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.git(["add", "src/auth.rs"]);
    repo
}

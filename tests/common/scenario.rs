//! A scenario reads as one case: a fixture, the edits an agent makes, one attempt through the
//! installed hooks, then what the user sees (accepted or refused, the rule named, files left
//! alone). Steps chain, so a case is a few lines and a multi-step case reads top to bottom:
//!
//! ```ignore
//! Scenario::exec()
//!     .append("specs/login.md", "Also support passkeys.\n")
//!     .commit_all("Tweak the spec")
//!     .refused("frozen-spec")
//!     .mentions("specs/login.md");
//! ```
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::{Run, TestRepo};

/// The login execplan the standard fixture commits.
pub const PLAN: &str = "plans/login-execplan.md";
/// The frozen spec the standard fixture commits.
pub const SPEC: &str = "specs/login.md";

/// A task list as a plan kept it before the work: phases, their goals, open tasks.
pub const PLANNED_TASKS: &str = "### Phase 0: Storage-safe validation\n\nGoal: no check can fill the disk.\n\n- [ ] **0.1** Disable persistent logs.\n  - Change: route output through one bounded wrapper.\n- [ ] **0.2** Make geometry generation fail once.\n\n### Phase 1: Immediate selection\n\n- [ ] **1.1** Exactly one course card reads as selected.\n- [ ] **1.2** Ten cards fit without clipping.\n";

/// The list the work turned out to need, written in its place with every task done.
pub const DONE_TASKS: &str = "- [x] **1. Replace the authoring path.** Add a trajectory-first generator.\n- [x] **2. Build terrain once.** Carve bowls below each flight corridor.\n";

/// `count` lines of distinct Rust constants named `{prefix}{i}`, one a line.
pub fn constants(prefix: &str, count: usize) -> String {
    (0..count)
        .map(|i| format!("pub const {prefix}{i}: u32 = {i};\n"))
        .collect()
}

pub struct Scenario {
    pub repo: TestRepo,
    /// Names the case in every failure message (a table row, say).
    label: String,
    /// Where the last attempt ran (the working tree, a subdirectory, another worktree).
    at: PathBuf,
    /// HEAD there just before the last attempt (`None` on an unborn branch).
    before: Option<String>,
    /// The last attempt through the hooks.
    last: Option<Run>,
}

impl Scenario {
    pub fn from(repo: TestRepo) -> Self {
        Self {
            at: repo.dir.clone(),
            repo,
            label: String::new(),
            before: None,
            last: None,
        }
    }

    /// A repository with the hooks installed and no commit.
    pub fn installed() -> Self {
        Self::from(TestRepo::installed())
    }

    /// The standard EXEC set-up (`TestRepo::exec_fixture`) with the hooks installed, on
    /// `exec/login`.
    pub fn exec() -> Self {
        let repo = TestRepo::installed();
        repo.exec_fixture();
        Self::from(repo)
    }

    /// Names the case, for failure messages.
    pub fn named(mut self, label: impl std::fmt::Debug) -> Self {
        self.label = format!("{label:?}: ");
        self
    }

    // ---- edits -----------------------------------------------------------------------------

    pub fn write(self, path: &str, content: impl AsRef<[u8]>) -> Self {
        self.repo.write(path, content);
        self
    }

    pub fn append(self, path: &str, content: &str) -> Self {
        self.repo.append(path, content);
        self
    }

    /// Replaces `from` with `to` in a working file.
    pub fn replace(self, path: &str, from: &str, to: &str) -> Self {
        let text = self.repo.read(path);
        assert!(text.contains(from), "no {from:?} in {path}: {text:?}");
        self.repo.write(path, text.replace(from, to));
        self
    }

    /// Adds a Progress entry to the login execplan (working tree only).
    pub fn progress(self, entry: &str) -> Self {
        self.repo.add_progress(entry);
        self
    }

    /// Runs git and asserts it succeeded (a set-up step, not the attempt under test).
    #[track_caller]
    pub fn git<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.repo.git(args);
        self
    }

    /// Runs git with `input` on its stdin and asserts it succeeded (`git add -p` with piped
    /// answers, say).
    #[track_caller]
    pub fn git_with_input(self, args: &[&str], input: &str) -> Self {
        let run = Run::with_stdin(self.repo.command("git").args(args), input.as_bytes());
        assert!(run.ok(), "{}git {args:?}: {run:#?}", self.label);
        self
    }

    /// Commits everything with the hooks bypassed (a human's set-up commit).
    pub fn setup_commit(self, message: &str) -> Self {
        self.repo.commit_unchecked(message);
        self
    }

    /// Any other step, or a check of the repository between steps.
    pub fn with(self, step: impl FnOnce(&TestRepo)) -> Self {
        step(&self.repo);
        self
    }

    // ---- the attempt through the hooks -----------------------------------------------------

    /// `git add -A` then `git commit -m message`.
    pub fn commit_all(self, message: &str) -> Self {
        self.repo.git(["add", "-A"]);
        self.commit(message)
    }

    /// `git commit -m message` of what is staged.
    pub fn commit(self, message: &str) -> Self {
        self.run_git(["commit", "-q", "-m", message])
    }

    /// Runs git in the working tree; the attempt the assertions then judge.
    pub fn run_git<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.attempt(|repo| repo.git_run(args))
    }

    /// Runs git in `dir` (relative to the working tree, or absolute: another worktree); the
    /// attempt the assertions judge, against HEAD as `dir` sees it.
    pub fn run_git_in<I, S>(mut self, dir: impl AsRef<Path>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.at = self.repo.dir.join(dir);
        self.before = head_in(&self.repo, &self.at);
        self.last = Some(self.repo.git_run_in(&self.at, args));
        self
    }

    /// Any other attempt in the working tree (a command with its own environment, say).
    pub fn attempt(mut self, run: impl FnOnce(&TestRepo) -> Run) -> Self {
        self.at = self.repo.dir.clone();
        self.before = head_in(&self.repo, &self.at);
        self.last = Some(run(&self.repo));
        self
    }

    // ---- what the user sees ----------------------------------------------------------------

    /// The last attempt.
    #[track_caller]
    pub fn run(&self) -> &Run {
        self.last
            .as_ref()
            .unwrap_or_else(|| panic!("{}no attempt was made", self.label))
    }

    /// The attempt succeeded and moved HEAD (a new or a rewritten commit).
    #[track_caller]
    pub fn accepted(self) -> Self {
        let run = self.run();
        self.assert_no_panic();
        assert!(run.ok(), "{}expected success: {run:#?}", self.label);
        assert_ne!(
            head_in(&self.repo, &self.at),
            self.before,
            "{}a commit was made",
            self.label
        );
        self
    }

    /// The attempt was refused with violations (exit 1) naming `rule`, and HEAD did not move.
    #[track_caller]
    pub fn refused(self, rule: &str) -> Self {
        self.assert_no_panic();
        let run = self.run();
        assert_eq!(
            run.code,
            Some(1),
            "{}expected refusal by {rule}: {run:#?}",
            self.label
        );
        assert!(
            run.stderr.contains(&format!("error[{rule}]")),
            "{}expected the message to name {rule}: {run:#?}",
            self.label
        );
        self.unmoved()
    }

    /// The attempt succeeded (a command that makes no commit of its own).
    #[track_caller]
    pub fn succeeded(self) -> Self {
        self.assert_no_panic();
        let run = self.run();
        assert!(run.ok(), "{}expected success: {run:#?}", self.label);
        self
    }

    /// The attempt failed (whatever the reason) and HEAD did not move.
    #[track_caller]
    pub fn failed(self) -> Self {
        self.assert_no_panic();
        let run = self.run();
        assert!(!run.ok(), "{}expected a failure: {run:#?}", self.label);
        self.unmoved()
    }

    /// execguard could not check (an error, exit code 2, reported through git), nothing was
    /// committed.
    #[track_caller]
    pub fn could_not_check(self) -> Self {
        self.failed()
            .mentions("execguard: error:")
            .mentions("exit code 2")
    }

    /// The attempt exited with `code`.
    #[track_caller]
    pub fn exit_code(self, code: i32) -> Self {
        let run = self.run();
        assert_eq!(run.code, Some(code), "{}exit code: {run:#?}", self.label);
        self
    }

    /// HEAD is where it was before the attempt.
    #[track_caller]
    pub fn unmoved(self) -> Self {
        assert_eq!(
            head_in(&self.repo, &self.at),
            self.before,
            "{}no commit was made",
            self.label
        );
        self
    }

    #[track_caller]
    pub fn not_flagged(self, rule: &str) -> Self {
        self.run().assert_not_flagged(rule);
        self
    }

    /// The attempt's stderr contains `text`.
    #[track_caller]
    pub fn mentions(self, text: &str) -> Self {
        let run = self.run();
        assert!(
            run.stderr.contains(text),
            "{}expected {text:?} in the message: {run:#?}",
            self.label
        );
        self
    }

    /// The attempt's stderr contains `text` exactly `times` times.
    #[track_caller]
    pub fn mentions_times(self, text: &str, times: usize) -> Self {
        let run = self.run();
        assert_eq!(
            run.stderr.matches(text).count(),
            times,
            "{}{text:?}: {run:#?}",
            self.label
        );
        self
    }

    #[track_caller]
    pub fn assert_no_panic(&self) {
        let run = self.run();
        assert!(
            !run.stderr.contains("panicked") && !run.stdout.contains("panicked"),
            "{}a hook panicked: {run:#?}",
            self.label
        );
    }

    /// The branch holds `count` commits.
    #[track_caller]
    pub fn commits(self, count: usize) -> Self {
        assert_eq!(
            self.repo.commit_count(),
            count,
            "{}commit count",
            self.label
        );
        self
    }

    /// HEAD changed exactly `paths` against its first parent.
    #[track_caller]
    pub fn committed(self, paths: &[&str]) -> Self {
        assert_eq!(paths_in_commit(&self.repo, "HEAD"), paths, "{}", self.label);
        self
    }

    /// The index differs from HEAD in exactly `paths`.
    #[track_caller]
    pub fn staged(self, paths: &[&str]) -> Self {
        assert_eq!(
            staged_paths(&self.repo),
            paths,
            "{}staged paths",
            self.label
        );
        self
    }

    /// The working tree differs from the index in exactly `paths`.
    #[track_caller]
    pub fn unstaged(self, paths: &[&str]) -> Self {
        assert_eq!(
            unstaged_paths(&self.repo),
            paths,
            "{}unstaged paths",
            self.label
        );
        self
    }

    /// The working file contains `text` (an edit the refusal left in place).
    #[track_caller]
    pub fn file_contains(self, path: &str, text: &str) -> Self {
        let content = self.repo.read(path);
        assert!(
            content.contains(text),
            "{}the working file {path} is untouched: {content:?}",
            self.label
        );
        self
    }

    /// The working file holds exactly `content`.
    #[track_caller]
    pub fn file_is(self, path: &str, content: &str) -> Self {
        assert_eq!(self.repo.read(path), content, "{}{path}", self.label);
        self
    }

    /// A merge is still in progress.
    #[track_caller]
    pub fn merging(self) -> Self {
        assert!(
            self.repo.path(".git/MERGE_HEAD").exists(),
            "{}the merge is still in progress",
            self.label
        );
        self
    }

    /// HEAD is a merge commit.
    #[track_caller]
    pub fn merge_commit(self) -> Self {
        assert_eq!(
            self.repo.parent_count("HEAD"),
            2,
            "{}a merge commit was made",
            self.label
        );
        self
    }

    /// Any other check.
    pub fn check(self, check: impl FnOnce(&TestRepo, &Run)) -> Self {
        check(&self.repo, self.run());
        self
    }
}

/// HEAD's commit as `dir` sees it, or `None` on an unborn branch.
pub fn head_in(repo: &TestRepo, dir: &Path) -> Option<String> {
    let run = repo.git_run_in(dir, ["rev-parse", "--verify", "-q", "HEAD"]);
    run.ok().then(|| run.stdout.trim().to_string())
}

fn lines(text: String) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// The paths staged against HEAD, sorted by git.
pub fn staged_paths(repo: &TestRepo) -> Vec<String> {
    lines(repo.git(["diff", "--cached", "--name-only"]))
}

/// The paths whose working-tree content differs from the index.
pub fn unstaged_paths(repo: &TestRepo) -> Vec<String> {
    lines(repo.git(["diff", "--name-only"]))
}

/// The paths the commit `rev` changed against its first parent.
pub fn paths_in_commit(repo: &TestRepo, rev: &str) -> Vec<String> {
    lines(repo.git([
        "diff-tree",
        "--no-commit-id",
        "--name-only",
        "-r",
        "-m",
        "--first-parent",
        rev,
    ]))
}

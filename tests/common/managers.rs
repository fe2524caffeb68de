//! execguard beside a hook manager (pre-commit, prek, lefthook, husky), as a list of steps run in
//! order against a fixture: installs in either order, doctor's verdicts, and after each, whether a
//! commit touching a protected path is still refused and the manager's own hook still runs.

use std::collections::HashMap;
use std::path::Path;

use super::table::each_case;
use super::*;

/// The manager's own hook appends a line here, so a test can see it ran.
pub const RAN_FILE: &str = ".git/manager-hook-ran";
pub const OWN_HOOK_COMMAND: &str = "echo ran >> .git/manager-hook-ran";
/// A subject longer than commit-message's 72 characters.
pub const LONG_SUBJECT: &str =
    "A subject that goes on and on well past the limit of seventy-two characters";

/// One scenario: the manager `tool`, a fixture made for it, and the steps run on it.
pub struct Scenario {
    pub name: &'static str,
    pub tool: &'static str,
    pub fixture: fn(&'static str) -> TestRepo,
    pub steps: &'static [Step],
}

/// In text a step prints or expects, `{tool}` stands for the scenario's manager.
#[derive(Debug)]
pub enum Step {
    /// `execguard install` succeeds, and (unless the list is empty) says one of these.
    Install(&'static [&'static str]),
    /// `execguard install` refuses (exit 2), saying each of these.
    InstallRefused(&'static [&'static str]),
    /// `execguard install --lefthook` succeeds: lefthook-local.yml runs execguard.
    InstallLefthook,
    /// `execguard uninstall` succeeds.
    Uninstall,
    /// The manager's installer, with these arguments.
    Manager(&'static [&'static str]),
    /// `execguard doctor` finds nothing (`None`), or finds a problem and says this.
    Doctor(Option<&'static str>),
    /// Remembers the content of a file or folder (relative to the working tree).
    Remember(&'static str),
    /// A remembered file or folder is as it was: execguard wrote nothing there.
    Unchanged(&'static str),
    /// Nothing exists at this path (relative to the working tree).
    Absent(&'static str),
    /// A protected-path commit is refused by execguard, a notes commit lands, and the manager's
    /// own hook runs on both; the text names the situation.
    BothRun(&'static str),
    /// A protected-path commit is refused (the manager has no hook of its own here).
    ProtectedPathRefused,
    /// A commit with an over-long subject is refused through the commit-msg hook.
    LongSubjectRefused,
    /// A frozen-spec edit committed with the hooks bypassed is refused when pushed.
    PushRefused(&'static str),
    /// Each of the three hooks, as git runs it, refuses a violation only it sees: `git hook run
    /// pre-commit` a staged protected path, `git commit` an over-long subject, `git push` a
    /// frozen-spec edit committed with the hooks bypassed.
    EachHookRefuses(&'static str),
    /// Anything else.
    Do(fn(&TestRepo)),
}

/// Runs every scenario, each on its own fixture.
#[track_caller]
pub fn run_scenarios(scenarios: &[Scenario]) {
    each_case(
        scenarios,
        |scenario| format!("{} ({})", scenario.name, scenario.tool),
        run_scenario,
    );
}

fn run_scenario(scenario: &Scenario) {
    let tool = scenario.tool;
    let repo = (scenario.fixture)(tool);
    let mut remembered = HashMap::new();
    for (index, step) in scenario.steps.iter().enumerate() {
        let at = format!("{} ({tool}), step {}: {step:?}", scenario.name, index + 1);
        let with_tool = |text: &str| text.replace("{tool}", tool);
        match step {
            Step::Install(says) => {
                let run = repo.execguard(["install"]);
                assert!(run.ok(), "{at}: {run:#?}");
                assert!(
                    says.is_empty()
                        || says
                            .iter()
                            .any(|text| run.stderr.contains(&with_tool(text))),
                    "{at}: {run:#?}"
                );
            }
            Step::InstallRefused(says) => {
                let run = repo.execguard(["install"]);
                assert_eq!(run.code, Some(2), "{at}: {run:#?}");
                for text in *says {
                    assert!(run.stderr.contains(text), "{at}: lacks {text}: {run:#?}");
                }
            }
            Step::InstallLefthook => {
                let run = repo.execguard(["install", "--lefthook"]);
                assert!(run.ok(), "{at}: {run:#?}");
                assert!(run.stderr.contains("lefthook-local.yml"), "{at}: {run:#?}");
            }
            Step::Uninstall => {
                let run = repo.execguard(["uninstall"]);
                assert!(run.ok(), "{at}: {run:#?}");
            }
            Step::Manager(args) => {
                run_tool(&repo, tool, args);
            }
            Step::Doctor(finding) => {
                let run = repo.execguard(["doctor"]);
                match finding {
                    None => assert!(run.ok(), "{at}: {run:#?}"),
                    Some(text) => {
                        assert_eq!(run.code, Some(1), "{at}: {run:#?}");
                        assert!(run.stdout.contains(text), "{at}: {run:#?}");
                    }
                }
            }
            Step::Remember(path) => {
                remembered.insert(*path, snapshot(&repo.path(path)));
            }
            Step::Unchanged(path) => assert_eq!(
                snapshot(&repo.path(path)),
                remembered[path],
                "{at}: execguard wrote into {path}"
            ),
            Step::Absent(path) => assert!(!repo.path(path).exists(), "{at}: {path} exists"),
            Step::BothRun(situation) => assert_both_run(&repo, &with_tool(situation)),
            Step::ProtectedPathRefused => {
                repo.append("backend/PLANS.md", "An edit by the agent.\n");
                repo.git(["add", "backend/PLANS.md"]);
                repo.commit("Edit the plan-writing rules")
                    .assert_refused("protected-path");
                repo.git(["reset", "-q"]);
                repo.git(["checkout", "--", "backend/PLANS.md"]);
            }
            Step::LongSubjectRefused => {
                add_note(&repo, "another note");
                repo.git(["add", "notes.md"]);
                repo.commit(LONG_SUBJECT).assert_refused("commit-message");
            }
            Step::PushRefused(situation) => assert_push_refused(&repo, &with_tool(situation)),
            Step::EachHookRefuses(situation) => {
                let situation = with_tool(situation);
                assert_pre_commit_hook_refuses(&repo, &situation);
                add_note(&repo, "a note before the long subject");
                repo.git(["add", "notes.md"]);
                let run = repo.commit(LONG_SUBJECT);
                assert_eq!(run.code, Some(1), "{situation}: commit-msg: {run:#?}");
                assert!(
                    run.stdout.contains("error[commit-message]")
                        || run.stderr.contains("error[commit-message]"),
                    "{situation}: commit-msg did not name the rule: {run:#?}"
                );
                repo.git(["reset", "-q"]);
                assert_push_refused(&repo, &format!("{situation}: pre-push"));
            }
            Step::Do(action) => action(&repo),
        }
    }
}

/// Fails with a clear message when a hook manager the suite needs is not installed.
pub fn require_tool(repo: &TestRepo, program: &str) {
    // `command -v`, not `--version`: `husky --version` would install husky into `--version/`.
    let found = repo
        .command("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "{program} is not installed: the hook-manager tests run the real tool (tests/prerequisites.sh installs it: \
         pip install pre-commit prek; npm install -g lefthook husky)"
    );
}

pub fn run_tool(repo: &TestRepo, program: &str, args: &[&str]) -> Run {
    let run = Run::from_command(repo.command(program).args(args));
    assert!(run.ok(), "{program} {args:?} failed: {run:#?}");
    run
}

pub fn own_hook_runs(repo: &TestRepo) -> usize {
    std::fs::read_to_string(repo.path(RAN_FILE))
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

/// A commit that touches the plan-writing rules is refused by execguard, the manager's own hook
/// still runs, and a commit touching only notes goes through (and runs it too).
#[track_caller]
pub fn assert_both_run(repo: &TestRepo, step: &str) {
    let before = own_hook_runs(repo);
    repo.append("backend/PLANS.md", "An edit by the agent.\n");
    repo.git(["add", "backend/PLANS.md"]);
    let refused = repo.commit("Edit the plan-writing rules");
    assert_eq!(
        refused.code,
        Some(1),
        "{step}: expected a refusal: {refused:#?}"
    );
    assert!(
        refused.stderr.contains("error[protected-path]"),
        "{step}: execguard did not name the rule: {refused:#?}"
    );
    assert!(
        own_hook_runs(repo) > before,
        "{step}: the manager's own hook did not run: {refused:#?}"
    );
    repo.git(["reset", "-q"]);
    repo.git(["checkout", "--", "backend/PLANS.md"]);

    let before = own_hook_runs(repo);
    add_note(repo, step);
    repo.git(["add", "notes.md"]);
    let clean = repo.commit(&format!("Note: {step}"));
    assert!(clean.ok(), "{step}: a clean commit was refused: {clean:#?}");
    assert!(
        own_hook_runs(repo) > before,
        "{step}: the manager's own hook did not run on a clean commit: {clean:#?}"
    );
}

pub fn add_note(repo: &TestRepo, note: &str) {
    let notes = std::fs::read_to_string(repo.path("notes.md")).unwrap_or_default();
    repo.write("notes.md", format!("{notes}- {note}\n"));
}

/// git runs the pre-commit hook alone (`git hook run pre-commit`) on a staged protected path: it
/// refuses, naming the rule. The commit-msg hook, which also checks the staged change, plays no
/// part, so this proves the pre-commit hook itself runs execguard.
#[track_caller]
pub fn assert_pre_commit_hook_refuses(repo: &TestRepo, step: &str) {
    repo.append("backend/PLANS.md", "An edit by the agent.\n");
    repo.git(["add", "backend/PLANS.md"]);
    let run = repo.git_run(["hook", "run", "pre-commit"]);
    assert_ne!(run.code, Some(0), "{step}: pre-commit accepted: {run:#?}");
    assert!(
        run.stdout.contains("error[protected-path]")
            || run.stderr.contains("error[protected-path]"),
        "{step}: the pre-commit hook did not run execguard: {run:#?}"
    );
    repo.git(["reset", "-q"]);
    repo.git(["checkout", "--", "backend/PLANS.md"]);
}

/// A frozen-spec edit committed with the hooks bypassed is refused when pushed, and the remote
/// keeps its old tip. The manager may show the hook's output on stdout or stderr.
#[track_caller]
pub fn assert_push_refused(repo: &TestRepo, step: &str) {
    repo.git_in(&repo.root, ["init", "-q", "--bare", "remote.git"]);
    let remote = repo.root.join("remote.git");
    repo.git(["remote", "add", "origin", &remote.display().to_string()]);
    repo.git(["push", "-q", "--no-verify", "origin", "exec/login"]);
    repo.git(["fetch", "-q", "origin"]);
    repo.append("specs/login.md", "Also passkeys.\n");
    repo.commit_unchecked("Edit the frozen spec");
    let push = repo.git_run(["push", "origin", "exec/login"]);
    assert_ne!(
        push.code,
        Some(0),
        "{step}: the push went through: {push:#?}"
    );
    assert!(
        push.stdout.contains("error[frozen-spec]") || push.stderr.contains("error[frozen-spec]"),
        "{step}: execguard did not name the rule: {push:#?}"
    );
    assert_ne!(
        repo.git_in(&remote, ["rev-parse", "exec/login"]).trim(),
        repo.head(),
        "{step}: the refused push landed"
    );
}

/// Every file at `path` (the file itself, or each file in the folder) with its content, to show
/// nothing was written there.
pub fn snapshot(path: &Path) -> Vec<(String, Vec<u8>)> {
    if path.is_file() {
        return vec![(String::new(), std::fs::read(path).unwrap())];
    }
    let mut files: Vec<_> = std::fs::read_dir(path)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

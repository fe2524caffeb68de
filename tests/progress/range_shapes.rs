//! `progress-update` over a range, as CI judges a branch: an entry counts once per branch, and
//! under `within = "push"` any commit of the range may bring the entry.

use super::common::TestRepo;

const PLAN: &str = "plans/login-execplan.md";
const FIRST_ENTRY: &str = "- [x] (2026-01-01 09:00Z) Plan written.\n";

/// The standard fixture on `exec/login`, with `config` (when given) and `entries` in place of the
/// plan's Progress entries committed as the base of the range; returns the base's id.
fn range_base(config: Option<&str>, entries: &str) -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.exec_fixture();
    if let Some(config) = config {
        repo.write(".execguard.toml", config);
    }
    replace(&repo, FIRST_ENTRY, entries);
    repo.commit_unchecked("Set up the range");
    let base = repo.head();
    (repo, base)
}

fn replace(repo: &TestRepo, from: &str, to: &str) {
    let plan = repo.read(PLAN);
    assert!(plan.contains(from), "{from:?} in {plan}");
    repo.write(PLAN, plan.replace(from, to));
}

fn check_range(repo: &TestRepo, range: &str) -> super::common::Run {
    repo.execguard(["check", "--range", range, "--branch", "exec/login"])
}

const WITHIN_PUSH: &str = "[rules.progress-update]\nwithin = \"push\"\n";

/// Code committed one commit before its plan checkpoint: with `within = "push"` the later commit
/// of the range settles it; without that later commit, it is refused.
#[test]
fn within_push_a_later_commit_of_the_range_brings_the_entry() {
    let (repo, base) = range_base(Some(WITHIN_PUSH), FIRST_ENTRY);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout");
    let code = repo.head();
    repo.add_progress("Logout added.");
    repo.commit_unchecked("Plan: logout done");
    check_range(&repo, &format!("{base}..exec/login")).assert_ok();
    let alone = check_range(&repo, &format!("{base}..{code}"));
    alone.assert_refused("progress-update");
    assert!(alone.stderr.contains(&code[..7]), "{alone:#?}");
}

/// The default keeps the entry in the code's own commit.
#[test]
fn within_commit_a_later_entry_does_not_settle_earlier_code() {
    let (repo, base) = range_base(None, FIRST_ENTRY);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout");
    repo.add_progress("Logout added.");
    repo.commit_unchecked("Plan: logout done");
    check_range(&repo, &format!("{base}..exec/login")).assert_refused("progress-update");
}

/// An entry deleted by an earlier commit of the branch and added back with code is not new, by
/// the range and by `check --commit` of that commit on the branch alike: judged alone against its
/// parent, it used to pass.
#[test]
fn an_entry_deleted_earlier_and_added_back_is_refused() {
    let entries = format!("{FIRST_ENTRY}- [x] (2026-01-02 10:00Z) Session store wired.\n");
    let (repo, base) = range_base(None, &entries);
    // The branch's upstream is the range's base, as after `git push -u`.
    repo.git(["branch", "published", &base]);
    repo.git(["branch", "--set-upstream-to", "published"]);
    replace(
        &repo,
        "- [x] (2026-01-02 10:00Z) Session store wired.\n",
        "",
    );
    repo.commit_unchecked("Plan: trim the log");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    replace(
        &repo,
        FIRST_ENTRY,
        &format!("{FIRST_ENTRY}- [x] (2026-01-02 10:00Z) Session store wired.\n"),
    );
    repo.commit_unchecked("Add logout");
    let readded = repo.head();
    let range = check_range(&repo, &format!("{base}..exec/login"));
    range.assert_refused("progress-update");
    assert!(range.stderr.contains(&readded[..7]), "{range:#?}");
    for args in [
        vec!["check", "--commit", &readded, "--branch", "exec/login"],
        vec!["check", "--commit", &readded],
    ] {
        let alone = repo.execguard(&args);
        alone.assert_refused("progress-update");
        assert!(alone.stderr.contains(&readded[..7]), "{args:?}: {alone:#?}");
    }
}

/// A box ticked, unticked and ticked again (with a new time) is progress once.
#[test]
fn a_box_ticked_unticked_and_ticked_again_counts_once() {
    let open = "- [ ] Stage 1: session store\n";
    let (repo, base) = range_base(None, &format!("{FIRST_ENTRY}{open}"));
    repo.append("src/auth.rs", "pub fn store() {}\n");
    replace(
        &repo,
        open,
        "- [x] (2026-03-01 10:00Z) Stage 1: session store\n",
    );
    repo.commit_unchecked("Add the store");
    replace(&repo, "- [x] (2026-03-01 10:00Z) Stage 1", "- [ ] Stage 1");
    repo.commit_unchecked("Plan: the store is not done");
    repo.append("src/auth.rs", "pub fn store_again() {}\n");
    replace(
        &repo,
        open,
        "- [x] (2026-03-02 11:00Z) Stage 1: session store\n",
    );
    repo.commit_unchecked("Add the store again");
    let again = repo.head();
    let range = check_range(&repo, &format!("{base}..exec/login"));
    range.assert_refused("progress-update");
    assert!(range.stderr.contains(&again[..7]), "{range:#?}");
    assert_eq!(
        range.stderr.matches("error[progress-update]").count(),
        1,
        "{range:#?}"
    );
}

/// An open milestone that records each commit's step in place, naming the module the commit
/// adds and taking the step off its `remaining:` list, was refused on every commit of a range
/// whose branch names no feature. A commit that only rewords it stays refused.
#[test]
fn an_open_milestone_recording_each_step_in_place_is_progress_over_a_range() {
    let stage = "- [ ] Split the store (completed: the schema; remaining: reader and writer).\n";
    let (repo, base) = range_base(None, &format!("{FIRST_ENTRY}{stage}"));
    let unnamed = |range: &str| repo.execguard(["check", "--range", range, "--branch", "work"]);
    repo.write("src/store/reader.rs", "pub fn read() {}\n");
    replace(
        &repo,
        "the schema; remaining: reader and writer",
        "the schema; the reader in `src/store/reader.rs`; remaining: writer",
    );
    repo.commit_unchecked("Add the reader");
    repo.write("src/store/writer.rs", "pub fn write() {}\n");
    replace(
        &repo,
        "`src/store/reader.rs`; remaining: writer",
        "`src/store/reader.rs`; the writer in `writer.rs`; remaining: nothing",
    );
    repo.commit_unchecked("Add the writer");
    unnamed(&format!("{base}..HEAD")).assert_ok();
    let tip = repo.head();
    repo.append("src/store/writer.rs", "pub fn flush() {}\n");
    replace(&repo, "remaining: nothing", "remaining: none");
    repo.commit_unchecked("Add flush");
    let range = unnamed(&format!("{tip}..HEAD"));
    range.assert_refused("progress-update");
    assert!(range.stderr.contains("only rewords"), "{range:#?}");
}

/// Subjects that git and the forges write for merges and reverts are not held to the limit:
/// they were 290 of 319 findings on one repository.
#[test]
fn generated_merge_and_revert_subjects_are_not_too_long() {
    let (repo, base) = range_base(None, FIRST_ENTRY);
    repo.git(["checkout", "-q", "-b", "topic"]);
    repo.write("docs/topic.md", "# Topic\n");
    repo.commit_unchecked("Add topic notes");
    repo.git(["checkout", "-q", "exec/login"]);
    let long_branch = "owner/a-branch-name-long-enough-to-push-the-subject-past-the-limit-of-72";
    repo.merge_unchecked(
        "topic",
        &format!("Merge pull request #270 from {long_branch}"),
    );
    repo.git(["rm", "-q", "docs/topic.md"]);
    repo.commit_unchecked(
        "Revert \"Add notes about a subject that is long enough to push the revert past 72\"",
    );
    let range = check_range(&repo, &format!("{base}..exec/login"));
    range.assert_ok();
    repo.write("docs/more.md", "# More\n");
    repo.commit_unchecked(
        "Merge the notes about the topic into the login docs, which makes this subject long",
    );
    check_range(&repo, &format!("{base}..exec/login")).assert_refused("commit-message");
}

/// Small work touching a plan without an entry refused, so that what makes a range planned work
/// shows (the default warns).
const PLANNED_WORK_WITHIN_PUSH: &str = "[rules.progress-update]\nrequire = \"planned-work\"\nwithin = \"push\"\nplan-touch-small-work = \"refuse\"\n";

/// Under `require = "planned-work"` and `within = "push"`, routine code on `main` needs no entry
/// unless the range touches an execplan: then the range is planned work, and a commit that
/// touches a plan without progressing it leaves the code before it without an entry.
#[test]
fn planned_work_within_push_asks_entries_of_a_range_that_touches_a_plan() {
    let (repo, base) = range_base(Some(PLANNED_WORK_WITHIN_PUSH), FIRST_ENTRY);
    repo.git(["checkout", "-q", "-B", "main"]);
    repo.append("src/auth.rs", "pub fn fix() {}\n");
    repo.commit_unchecked("Fix the login");
    let range = format!("{base}..main");
    let check = |repo: &TestRepo| repo.execguard(["check", "--range", &range, "--branch", "main"]);
    check(&repo).assert_ok();
    // A later commit that only rewords the plan makes the range planned work, without progress.
    replace(
        &repo,
        FIRST_ENTRY,
        "- [x] (2026-01-01 09:00Z) The plan is written.\n",
    );
    repo.commit_unchecked("Reword the plan");
    check(&repo).assert_refused("progress-update");
    // Its entry, later in the range, settles it.
    repo.add_progress("Login fixed.");
    repo.commit_unchecked("Plan: login fixed");
    check(&repo).assert_ok();
}

/// A pull request whose last commit moves its plan to `completed/` was refused as planned work
/// without an entry: a range that touches only a closed plan is not planned work. Touching the
/// open plan still makes it planned work.
#[test]
fn planned_work_within_push_a_range_that_archives_its_plan_is_not_planned_work() {
    let config = "[layout]\nexecplans = \"plans/**/{feature}-execplan.md\"\n[rules.progress-update]\nrequire = \"planned-work\"\nwithin = \"push\"\nplan-touch-small-work = \"refuse\"\n";
    let (repo, base) = range_base(Some(config), FIRST_ENTRY);
    repo.git(["checkout", "-q", "-B", "main"]);
    repo.append("src/auth.rs", "pub fn fix() {}\n");
    repo.commit_unchecked("Fix the login");
    let fixed = repo.head();
    std::fs::create_dir_all(repo.path("plans/completed")).unwrap();
    repo.git(["mv", PLAN, "plans/completed/login-execplan.md"]);
    repo.commit_unchecked("Archive the login plan");
    let check = |range: &str| repo.execguard(["check", "--range", range, "--branch", "main"]);
    check(&format!("{base}..main")).assert_ok();
    // The same fix before an edit of the open plan that is not progress is refused.
    repo.git(["checkout", "-q", "-B", "open", &fixed]);
    replace(
        &repo,
        FIRST_ENTRY,
        "- [x] (2026-01-01 09:00Z) The plan is written.\n",
    );
    repo.commit_unchecked("Reword the plan");
    repo.execguard([
        "check",
        "--range",
        &format!("{base}..open"),
        "--branch",
        "open",
    ])
    .assert_refused("progress-update");
}

/// Under `within = "push"`, a pull request that formats its plan (rewrapped, another list
/// marker) beside a routine fix was judged planned work and refused: a formatting pass does not
/// touch the plan.
#[test]
fn planned_work_within_push_a_formatting_pass_over_the_plan_is_not_planned_work() {
    let (repo, base) = range_base(Some(PLANNED_WORK_WITHIN_PUSH), FIRST_ENTRY);
    repo.git(["checkout", "-q", "-B", "main"]);
    replace(
        &repo,
        FIRST_ENTRY,
        "*   [x] (2026-01-01 09:00Z)\n    Plan written.  \n\n",
    );
    repo.commit_unchecked("Format the plans");
    repo.append("src/auth.rs", "pub fn fix() {}\n");
    repo.commit_unchecked("Fix the login");
    let check = |repo: &TestRepo| {
        repo.execguard([
            "check",
            "--range",
            &format!("{base}..main"),
            "--branch",
            "main",
        ])
    };
    check(&repo).assert_ok();
    // A word changed in the plan makes the range planned work again.
    replace(&repo, "    Plan written.  \n", "    Plan written down.\n");
    repo.commit_unchecked("Reword the plan");
    check(&repo).assert_refused("progress-update");
}

/// Under `within = "push"`, a follow-up fix after the commit that wrote its plan's entry, in the
/// same pull request, was refused: the push is the stopping point, so an entry anywhere in it
/// settles every code commit of it. Code with no entry in the range is still refused, and
/// `within = "commit"` still asks each commit for its own.
#[test]
fn within_push_an_earlier_commit_of_the_range_brings_the_entry() {
    let (repo, base) = range_base(Some(WITHIN_PUSH), FIRST_ENTRY);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.commit_unchecked("Add logout");
    repo.append("src/auth.rs", "pub fn logout_fix() {}\n");
    repo.commit_unchecked("Fix logout");
    check_range(&repo, &format!("{base}..exec/login")).assert_ok();
    // Two code commits and no entry in the range.
    let (repo, base) = range_base(Some(WITHIN_PUSH), FIRST_ENTRY);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout");
    repo.append("src/auth.rs", "pub fn logout_fix() {}\n");
    repo.commit_unchecked("Fix logout");
    check_range(&repo, &format!("{base}..exec/login")).assert_refused("progress-update");
    // Under `within = "commit"` the fix needs its own entry.
    let (repo, base) = range_base(None, FIRST_ENTRY);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.commit_unchecked("Add logout");
    repo.append("src/auth.rs", "pub fn logout_fix() {}\n");
    repo.commit_unchecked("Fix logout");
    let run = check_range(&repo, &format!("{base}..exec/login"));
    run.assert_refused("progress-update");
    assert!(run.stderr.contains(&repo.head()[..7]), "{run:#?}");
}

/// Under `require = "planned-work"`, a commit on `main` that rewrote its plan's task list (open
/// phases replaced by the fewer tasks the work took, all ticked) was refused by the range as only
/// rewording entries. The same rewrite leaving its tasks open is still refused.
#[test]
fn planned_work_a_task_list_rewritten_with_every_task_ticked_is_progress() {
    use super::common::scenario::{DONE_TASKS, PLANNED_TASKS};
    let config =
        "[rules.progress-update]\nrequire = \"planned-work\"\nplan-touch-small-work = \"refuse\"\n";
    for (tasks, accepted) in [
        (DONE_TASKS.to_string(), true),
        (DONE_TASKS.replace("[x]", "[ ]"), false),
    ] {
        let (repo, base) = range_base(Some(config), PLANNED_TASKS);
        repo.git(["checkout", "-q", "-B", "main"]);
        repo.append("src/auth.rs", "pub fn catalog() {}\n");
        replace(&repo, PLANNED_TASKS, &tasks);
        repo.commit_unchecked("Build the catalog");
        let run = repo.execguard([
            "check",
            "--range",
            &format!("{base}..main"),
            "--branch",
            "main",
        ]);
        if accepted {
            run.assert_ok();
        } else {
            run.assert_refused("progress-update");
            assert!(run.stderr.contains("only rewords"), "{run:#?}");
        }
    }
}

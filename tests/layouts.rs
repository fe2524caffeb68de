#![allow(clippy::unwrap_used)]
//! The layouts real ExecPlan repositories use: plans in several folders beside a README, several
//! phase plans implementing one spec, status lines as markers, plans without specs, and commits
//! that touch only tool config. Each test builds the repository a team has and asserts the verdict
//! that team expects, through the client's commit hooks or the server's pre-receive hook.

use crate::common;
#[path = "layouts/beside_plans.rs"]
mod beside_plans;
#[path = "layouts/protected_sections.rs"]
mod protected_sections;
#[path = "layouts/templates.rs"]
mod templates;

use common::server::*;
use common::*;

// ---- fixtures ------------------------------------------------------------------------------

/// The living sections every plan carries, with a first Progress entry.
const SECTIONS: &str = "## Progress\n\n- [x] (2026-01-01 09:00Z) Plan written.\n\n## Surprises & Discoveries\n\nNone yet.\n\n## Decision Log\n\n- Start small.\n\n## Outcomes & Retrospective\n\nPending.\n";

/// A complete plan: title, marker line (may be empty), spec line (may be empty), sections.
fn plan(title: &str, marker: &str, spec_line: &str) -> String {
    format!("# {title}\n\n{marker}\n\n{spec_line}\n\n{SECTIONS}")
}

/// Adds a Progress entry to the plan at `path` (working tree only).
fn add_progress_to(repo: &TestRepo, path: &str, entry: &str) {
    let text = repo.read(path).replace(
        "## Surprises & Discoveries",
        &format!("- [x] (2026-01-02 10:00Z) {entry}\n\n## Surprises & Discoveries"),
    );
    repo.write(path, text);
}

/// A repository with the client hooks, `files` committed by a human with the hooks bypassed,
/// then checked out on `branch`.
fn client_repo(files: &[(&str, &str)], branch: &str) -> TestRepo {
    let repo = TestRepo::installed();
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit_unchecked("Set up the project");
    repo.git(["checkout", "-q", "-b", branch]);
    repo
}

/// The same set-up with a guarded server that already has `main` and `branch`, no client hooks.
fn server_repo(files: &[(&str, &str)], branch: &str) -> TestRepo {
    let repo = TestRepo::new();
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit_unchecked("Set up the project");
    repo.git(["checkout", "-q", "-b", branch]);
    setup_server(&repo);
    repo
}

/// Pushes `branch` and asserts the server refused it naming `rule`, its ref unmoved.
#[track_caller]
fn assert_push_refused(repo: &TestRepo, branch: &str, rule: &str) -> Run {
    assert_branch_push_refused(repo, branch, &[], &[rule])
}

/// Pushes `branch` and asserts it landed with no finding.
#[track_caller]
fn assert_push_lands(repo: &TestRepo, branch: &str) {
    assert_branch_push_lands(repo, branch, &[]);
}

// ---- several plan folders, a README beside the plans ---------------------------------------

const TWO_FOLDERS: &str =
    "[layout]\nexecplans = [\"docs/execplans/{feature}.md\", \"plans/{feature}-execplan.md\"]\n";

fn two_folder_repo() -> TestRepo {
    client_repo(
        &[
            (".execguard.toml", TWO_FOLDERS),
            ("specs/billing.md", "# Billing\n\nEXEC-READY\n\nInvoices.\n"),
            ("specs/login.md", SPEC_FROZEN),
            (
                "docs/execplans/README.md",
                "# Execplans\n\nOne file per feature. Copy TEMPLATE.md.\n",
            ),
            ("docs/execplans/TEMPLATE.md", "# <Feature> execplan\n"),
            (
                "docs/execplans/billing.md",
                &plan("Billing", "EXECPLAN-READY", "Spec: specs/billing.md"),
            ),
            ("plans/login-execplan.md", PLAN_READY),
            ("src/billing.rs", "pub fn invoice() {}\n"),
            ("src/auth.rs", "pub fn login() {}\n"),
        ],
        "exec/billing",
    )
}

#[test]
fn a_readme_beside_the_plans_is_not_a_plan_missing_sections() {
    let repo = two_folder_repo();
    repo.append(
        "docs/execplans/README.md",
        "Finished plans move to archive/.\n",
    );
    repo.write(
        "docs/execplans/TEMPLATE.md",
        "# <Feature> execplan\n\nSpec:\n",
    );
    let run = repo.commit_all("Explain where finished plans go");
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
}

#[test]
fn a_plan_missing_a_section_in_the_second_folder_is_refused() {
    let repo = two_folder_repo();
    let text = repo
        .read("docs/execplans/billing.md")
        .replace("## Decision Log", "## Decisions");
    repo.write("docs/execplans/billing.md", text);
    let before = repo.head();
    repo.commit_all("Rename a section")
        .assert_refused("execplan-sections");
    assert_eq!(repo.head(), before, "nothing was committed");
}

#[test]
fn code_answers_to_the_plan_in_whichever_folder_it_lives() {
    let repo = two_folder_repo();
    repo.append("src/billing.rs", "pub fn refund() {}\n");
    add_progress_to(&repo, "docs/execplans/billing.md", "Added refunds.");
    let run = repo.commit_all("Add refunds");
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    // The same code without the Progress entry is refused, naming the plan in docs/execplans/.
    repo.append("src/billing.rs", "pub fn void() {}\n");
    let run = repo.commit_all("Add voiding");
    run.assert_refused("progress-update");
}

#[test]
fn a_plan_in_the_first_folder_marked_ready_only_with_the_code_is_refused() {
    let repo = two_folder_repo();
    let text = repo
        .read("docs/execplans/billing.md")
        .replace("EXECPLAN-READY", "Status: draft");
    repo.write("docs/execplans/billing.md", text);
    repo.commit_unchecked("Reopen the plan");
    let text = repo
        .read("docs/execplans/billing.md")
        .replace("Status: draft", "EXECPLAN-READY");
    repo.write("docs/execplans/billing.md", text);
    repo.append("src/billing.rs", "pub fn refund() {}\n");
    add_progress_to(&repo, "docs/execplans/billing.md", "Added refunds.");
    let run = repo.commit_all("Add refunds");
    run.assert_refused("execplan-ready");
    assert!(run.stderr.contains("docs/execplans/billing.md"), "{run:#?}");
}

// ---- several plans implementing one spec ---------------------------------------------------

const MANAGER_FROZEN: &str = "# Submission manager\n\nEXEC-READY\n\nQueue and retry submissions.\n";
const MANAGER_DRAFT: &str =
    "# Submission manager\n\nStatus: draft\n\nQueue and retry submissions.\n";
const PHASE2: &str = "plans/submission-manager-phase2-execplan.md";

fn phase_repo(spec: &str) -> TestRepo {
    let phase = |n: &str| {
        plan(
            &format!("Submission manager, phase {n}"),
            "EXECPLAN-READY",
            "Spec: specs/submission-manager.md",
        )
    };
    server_repo(
        &[
            ("specs/submission-manager.md", spec),
            ("plans/submission-manager-phase1-execplan.md", &phase("1")),
            (PHASE2, &phase("2")),
            ("plans/submission-manager-phase3b-execplan.md", &phase("3b")),
            ("src/submissions.rs", "pub fn submit() {}\n"),
        ],
        "exec/submission-manager-phase2",
    )
}

#[test]
fn a_phase_plan_naming_a_spec_frozen_in_the_base_lands() {
    let repo = phase_repo(MANAGER_FROZEN);
    repo.append("src/submissions.rs", "pub fn retry() {}\n");
    add_progress_to(&repo, PHASE2, "Added retries.");
    repo.commit_unchecked("Add retries");
    assert_push_lands(&repo, "exec/submission-manager-phase2");
}

#[test]
fn a_phase_plan_naming_a_spec_not_frozen_in_the_base_is_refused() {
    let repo = phase_repo(MANAGER_DRAFT);
    repo.append("src/submissions.rs", "pub fn retry() {}\n");
    add_progress_to(&repo, PHASE2, "Added retries.");
    repo.commit_unchecked("Add retries");
    let run = assert_push_refused(&repo, "exec/submission-manager-phase2", "execplan-ready");
    assert!(
        run.stderr.contains("specs/submission-manager.md"),
        "the message names the spec the plan names: {run:#?}"
    );
    assert!(
        !run.stderr.contains("specs/**/*.md in"),
        "no demand for a spec with the phase's stem: {run:#?}"
    );
}

#[test]
fn a_phase_plan_freezing_its_spec_in_the_same_commit_as_code_is_refused() {
    let repo = phase_repo(MANAGER_DRAFT);
    repo.write("specs/submission-manager.md", MANAGER_FROZEN);
    repo.append("src/submissions.rs", "pub fn retry() {}\n");
    add_progress_to(&repo, PHASE2, "Added retries.");
    repo.commit_unchecked("Freeze and implement");
    let run = assert_push_refused(&repo, "exec/submission-manager-phase2", "execplan-ready");
    assert!(run.stderr.contains("only by this commit"), "{run:#?}");
}

#[test]
fn a_new_phase_plan_naming_its_spec_has_its_sections() {
    let repo = phase_repo(MANAGER_FROZEN);
    repo.write(
        "plans/submission-manager-phase4-execplan.md",
        plan(
            "Phase 4",
            "Status: draft",
            "Spec: specs/submission-manager.md",
        ),
    );
    repo.commit_unchecked("Draft phase 4");
    assert_push_lands(&repo, "exec/submission-manager-phase2");
}

// ---- status lines as markers ---------------------------------------------------------------

const STATES: &str = "[layout]\nspec-marker = [\"APPROVED\", \"COMPLETED\"]\n";

fn status_repo() -> TestRepo {
    client_repo(
        &[
            (".execguard.toml", STATES),
            (
                "specs/login.md",
                "# Login\n\nStatus: APPROVED\n\nPasswords.\n",
            ),
            ("specs/export.md", "# Export\n\nStatus: COMPLETED\n\nCSV.\n"),
            (
                "specs/search.md",
                "# Search\n\nStatus: DRAFT\n\nFull text.\n",
            ),
            ("plans/login-execplan.md", PLAN_READY),
            ("src/auth.rs", "pub fn login() {}\n"),
        ],
        "exec/login",
    )
}

#[test]
fn an_approved_spec_is_frozen_by_a_listed_state() {
    let repo = status_repo();
    repo.append("specs/login.md", "Also passkeys.\n");
    let before = repo.head();
    let run = repo.commit_all("Tweak the login spec");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert_eq!(repo.head(), before);
}

#[test]
fn a_completed_spec_is_frozen_and_a_draft_is_not() {
    let repo = status_repo();
    repo.append("specs/export.md", "Also JSON.\n");
    repo.commit_all("Tweak the export spec")
        .assert_refused("frozen-spec");
    repo.git(["reset", "-q", "--hard"]);
    repo.append("specs/search.md", "Also fuzzy.\n");
    let run = repo.commit_all("Refine the search draft");
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
}

#[test]
fn code_from_an_approved_spec_lands() {
    let repo = status_repo();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    let run = repo.commit_all("Add logout");
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
}

// ---- plans without specs -------------------------------------------------------------------

const NO_SPECS: &str = "[rules.execplan-ready]\nrequire-spec = false\n\n[rules.execplan-sections]\nrequire-spec-path = false\n";
const CACHE_PLAN: &str = "plans/cache-execplan.md";

fn no_spec_repo(marker: &str) -> TestRepo {
    server_repo(
        &[
            (".execguard.toml", NO_SPECS),
            (CACHE_PLAN, &plan("Cache", marker, "")),
            ("src/cache.rs", "pub fn get() {}\n"),
        ],
        "exec/cache",
    )
}

#[test]
fn without_specs_code_from_a_plan_not_ready_is_refused() {
    let repo = no_spec_repo("Status: draft");
    repo.append("src/cache.rs", "pub fn put() {}\n");
    add_progress_to(&repo, CACHE_PLAN, "Added put.");
    repo.commit_unchecked("Add put");
    let run = assert_push_refused(&repo, "exec/cache", "execplan-ready");
    assert!(run.stderr.contains(CACHE_PLAN), "{run:#?}");
    assert!(
        !run.stderr.contains("spec"),
        "no spec is asked for: {run:#?}"
    );
}

#[test]
fn without_specs_code_from_a_ready_plan_lands() {
    let repo = no_spec_repo("EXECPLAN-READY");
    repo.append("src/cache.rs", "pub fn put() {}\n");
    add_progress_to(&repo, CACHE_PLAN, "Added put.");
    repo.commit_unchecked("Add put");
    assert_push_lands(&repo, "exec/cache");
}

// ---- tool config is not code ---------------------------------------------------------------

#[test]
fn tool_config_changes_need_no_progress() {
    let repo = pushed_fixture();
    repo.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    );
    repo.write("LICENSE", "MIT License\n\nCopyright 2026\n");
    repo.write(".gitignore", "/target\n");
    repo.write(".gitattributes", "* text=auto\n");
    repo.write(".pre-commit-config.yaml", "repos: []\n");
    // Kept out of commits by `install --lefthook`, but a team that commits it writes no entry.
    repo.write("lefthook-local.yml", "colors: false\n");
    repo.commit_unchecked("Add CI, licence and ignore rules");
    assert_push_lands(&repo, "exec/login");
}

#[test]
fn code_beside_tool_config_still_needs_progress() {
    let repo = pushed_fixture();
    repo.write(".gitignore", "/target\n");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout and ignore rules");
    let run = assert_push_refused(&repo, "exec/login", "progress-update");
    assert!(run.stderr.contains("src/auth.rs"), "{run:#?}");
}

// ---- strictness ----------------------------------------------------------------------------

#[test]
fn dropping_the_spec_requirement_is_refused_as_guard_config() {
    let repo = pushed_fixture();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 400\n");
    repo.commit_unchecked("Add the guard config");
    assert_push_lands(&repo, "exec/login");
    repo.append(
        ".execguard.toml",
        "\n[rules.execplan-ready]\nrequire-spec = false\n",
    );
    repo.commit_unchecked("Plans need no spec");
    let run = assert_push_refused(&repo, "exec/login", "guard-config");
    assert!(
        run.stderr.contains("rules.execplan-ready.require-spec"),
        "{run:#?}"
    );
}

#[test]
fn adding_a_plan_folder_is_refused_as_guard_config_and_a_human_override_lands() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 400\n");
    repo.commit_unchecked("Add the guard config");
    repo.append(".execguard.toml", &format!("\n{TWO_FOLDERS}"));
    let run = repo.commit_all("Keep plans in docs/execplans too");
    run.assert_refused("guard-config");
    assert!(run.stderr.contains("layout.execplans"), "{run:#?}");
    // A human approves: the pre-commit hook stands aside, the commit-msg hook sees the trailer.
    let run = Run::from_command(repo.command("git").env("EXECGUARD_SKIP", "guard-config").args([
        "commit",
        "-q",
        "-m",
        "Keep plans in docs/execplans too\n\nExecguard-Override: guard-config: the team moved its plans",
    ]));
    run.assert_ok();
    assert!(repo.read(".execguard.toml").contains("docs/execplans"));
    assert_eq!(
        repo.git(["status", "--porcelain"]),
        "",
        "the change was committed"
    );
}

// ---- the README's worked example -----------------------------------------------------------

const WORKED_EXAMPLE: &str = "[layout]\nexecplans = [\"docs/execplans/{feature}.md\", \"plans/{feature}-execplan.md\"]\nnot-planning = [\"**/README.md\", \"**/TEMPLATE.md\", \"docs/execplans/archive/**\"]\nspec-marker = [\"APPROVED\", \"COMPLETED\"]\nexecplan-marker = \"READY\"\n";

fn worked_example_repo(spec_status: &str) -> TestRepo {
    let phase = |n: &str| {
        plan(
            &format!("Submission manager, phase {n}"),
            "Status: READY",
            "**Spec:** `specs/submission-manager.md`",
        )
    };
    server_repo(
        &[
            (".execguard.toml", WORKED_EXAMPLE),
            (
                "specs/submission-manager.md",
                &format!("# Submission manager\n\nStatus: {spec_status}\n\nQueue submissions.\n"),
            ),
            ("docs/execplans/README.md", "# Plans\n"),
            ("docs/execplans/TEMPLATE.md", "# <Feature>\n"),
            ("docs/execplans/archive/old.md", "# Old notes\n"),
            ("docs/execplans/submission-manager-phase2.md", &phase("2")),
            ("plans/submission-manager-phase1-execplan.md", &phase("1")),
            ("src/submissions.rs", "pub fn submit() {}\n"),
        ],
        "exec/submission-manager-phase2",
    )
}

#[test]
fn the_readme_worked_example_accepts_phase_work_on_an_approved_spec() {
    let repo = worked_example_repo("APPROVED");
    repo.append("src/submissions.rs", "pub fn retry() {}\n");
    add_progress_to(
        &repo,
        "docs/execplans/submission-manager-phase2.md",
        "Added retries.",
    );
    repo.append("docs/execplans/archive/old.md", "Moved here.\n");
    repo.commit_unchecked("Add retries");
    assert_push_lands(&repo, "exec/submission-manager-phase2");
    // Editing the approved spec is refused.
    repo.append("specs/submission-manager.md", "Also cancel.\n");
    repo.commit_unchecked("Widen the spec");
    assert_push_refused(&repo, "exec/submission-manager-phase2", "frozen-spec");
}

#[test]
fn the_readme_worked_example_refuses_phase_work_on_a_draft_spec() {
    let repo = worked_example_repo("DRAFT");
    repo.append("src/submissions.rs", "pub fn retry() {}\n");
    add_progress_to(
        &repo,
        "docs/execplans/submission-manager-phase2.md",
        "Added retries.",
    );
    repo.commit_unchecked("Add retries");
    let run = assert_push_refused(&repo, "exec/submission-manager-phase2", "execplan-ready");
    assert!(
        run.stderr.contains("APPROVED or COMPLETED"),
        "the message names the freezing states: {run:#?}"
    );
}

#[test]
fn progress_missing_names_the_plan_in_the_folder_it_lives_in() {
    let repo = two_folder_repo();
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let run = repo.commit_all("Add logout");
    run.assert_refused("progress-update");
    assert!(
        run.stderr
            .contains("Progress section of plans/login-execplan.md"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("docs/execplans/login.md"), "{run:#?}");
}

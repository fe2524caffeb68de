//! Templates with folders between (`**`) and a single plan with a fixed name: each finds the plan
//! it says, so code answers to it and its sections are judged.

use super::*;

const NESTED: &str = "[layout]\nexecplans = \"docs/exec-plans/**/PLAN_{feature}.md\"\n";
const NESTED_PLAN: &str = "docs/exec-plans/active/PLAN_billing.md";

fn nested_repo() -> TestRepo {
    client_repo(
        &[
            (".execguard.toml", NESTED),
            ("specs/billing.md", "# Billing\n\nEXEC-READY\n\nInvoices.\n"),
            (
                NESTED_PLAN,
                &plan("Billing", "EXECPLAN-READY", "Spec: specs/billing.md"),
            ),
            (
                "docs/exec-plans/completed/PLAN_search.md",
                &plan("Search", "EXECPLAN-READY", "Spec: specs/search.md"),
            ),
            ("src/billing.rs", "pub fn invoice() {}\n"),
        ],
        "exec/billing",
    )
}

#[test]
fn a_plan_in_a_folder_below_a_double_star_template_answers_for_the_code() {
    let repo = nested_repo();
    repo.append("src/billing.rs", "pub fn refund() {}\n");
    let run = repo.commit_all("Add refunds");
    run.assert_refused("progress-update");
    assert!(run.stderr.contains(NESTED_PLAN), "{run:#?}");
    add_progress_to(&repo, NESTED_PLAN, "Added refunds.");
    repo.commit_all("Add refunds").assert_ok();
}

#[test]
fn a_plan_below_a_double_star_template_keeps_its_sections() {
    let repo = nested_repo();
    let plan_path = "docs/exec-plans/completed/PLAN_search.md";
    let text = repo
        .read(plan_path)
        .replace("## Decision Log", "## Decisions");
    repo.write(plan_path, text);
    let run = repo.commit_all("Rename a section");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains(plan_path), "{run:#?}");
}

const FIXED: &str = "[layout]\nexecplans = \"docs/PLAN.md\"\n\n[rules.execplan-ready]\nrequire-spec = false\n\n[rules.execplan-sections]\nrequire-spec-path = false\n";

fn fixed_repo() -> TestRepo {
    client_repo(
        &[
            (".execguard.toml", FIXED),
            ("docs/PLAN.md", &plan("The plan", "EXECPLAN-READY", "")),
            ("src/cache.rs", "pub fn get() {}\n"),
        ],
        "main-work",
    )
}

#[test]
fn a_single_plan_with_a_fixed_name_is_the_plan() {
    let repo = fixed_repo();
    repo.append("src/cache.rs", "pub fn put() {}\n");
    let run = repo.commit_all("Add put");
    run.assert_refused("progress-update");
    add_progress_to(&repo, "docs/PLAN.md", "Added put.");
    repo.commit_all("Add put").assert_ok();
    // Its sections are judged as any plan's.
    let text = repo
        .read("docs/PLAN.md")
        .replace("## Decision Log", "## Notes");
    repo.write("docs/PLAN.md", text);
    let run = repo.commit_all("Rename a section");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("docs/PLAN.md"), "{run:#?}");
}

#[test]
fn a_template_that_matches_nothing_is_refused_or_warned_about() {
    let repo = TestRepo::new();
    repo.write(
        "bad.toml",
        "[layout]\nexecplans = \"docs/*/PLAN_{feature}.md\"\n",
    );
    let run = repo.execguard(["config", "--check", "bad.toml"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains("layout.execplans: `docs/*/PLAN_{feature}.md` has a `*` that is not a whole `**` folder"),
        "{run:#?}"
    );
    repo.write("src/x.rs", "");
    repo.write(".execguard.toml", NESTED);
    repo.commit_unchecked("Start");
    let run = repo.execguard(["config", "--check"]);
    run.assert_ok();
    assert!(
        run.stdout.contains(
            "warning: layout.execplans: `docs/exec-plans/**/PLAN_{feature}.md` matches no file at HEAD"
        ),
        "{run:#?}"
    );
    repo.write(NESTED_PLAN, plan("Billing", "", ""));
    repo.commit_unchecked("Add a plan");
    let run = repo.execguard(["config", "--check"]);
    assert!(!run.stdout.contains("layout.execplans"), "{run:#?}");
}

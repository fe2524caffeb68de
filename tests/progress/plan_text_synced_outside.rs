//! `progress-update` under `require = "planned-work"`: a commit that renames or renumbers
//! something outside its code (a requirement id in the docs, a guide file moved) and changes an
//! open plan's mentions of it to match was refused as planned work without its entry on
//! repositories never replayed before: the plan-sync comparison read only the code's changed
//! lines. The lines the commit changes in its other text files, and the paths it renames, adds or
//! deletes, hold the words such a plan edit replaces. Each runs the installed hooks.

use super::common::scenario::{constants, Scenario, PLAN};
use super::planned_work::{on_main, PLANNED_WORK_DEFAULT};

/// The open plan points at a requirement of the docs' catalog and at the plan guide; both are
/// committed on main under planned-work with its defaults.
fn plan_citing_the_docs() -> Scenario {
    on_main(Some(PLANNED_WORK_DEFAULT))
        .replace(
            PLAN,
            "## Progress",
            "Login follows REQ-009 of the catalog; see `.PLANS.md` for how this plan is kept.\n\n## Progress",
        )
        .write(
            "docs/catalog.md",
            "# Catalog\n\n- REQ-009: login by passkey.\n",
        )
        .write(".PLANS.md", "# How plans are kept\n")
        .setup_commit("Catalog and plan guide")
}

/// The catalog renumbered (`REQ-009` to `REQ-012`) with 240 lines of a scrollbar.
fn renumber_the_catalog(scenario: Scenario) -> Scenario {
    scenario
        .replace("docs/catalog.md", "REQ-009", "REQ-012")
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
}

/// ai-agents renumbered its requirement ids across its spec catalog and changed its plans' ids
/// to match: refused as planned work, since no code line holds the new id. The lines the commit
/// changes in its docs do: the plan is kept in sync, and the commit is warned of as work no plan
/// names.
#[test]
fn a_plan_following_an_id_renumbered_in_the_docs_is_kept_in_sync() {
    renumber_the_catalog(plan_citing_the_docs())
        .replace(PLAN, "REQ-009", "REQ-012")
        .commit_all("Docs: renumber the requirement catalog")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("only has words replaced to match the code");
}

/// seocho moved its plan guide from `.PLANS.md` to `docs/maintainers/EXECPLAN_SPEC.md` and
/// pointed its plans at the new path: refused as planned work. The paths the commit renames hold
/// the words of the old pointer and of the new one.
#[test]
fn a_plan_following_a_file_the_commit_renames_is_kept_in_sync() {
    plan_citing_the_docs()
        .with(|repo| std::fs::create_dir_all(repo.path("docs/maintainers")).unwrap())
        .git(["mv", ".PLANS.md", "docs/maintainers/EXECPLAN_SPEC.md"])
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
        .replace(PLAN, "`.PLANS.md`", "`docs/maintainers/EXECPLAN_SPEC.md`")
        .commit_all("Docs: move the plan guide under docs/maintainers")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("only has words replaced to match the code");
    // A pointer to a path the commit does not touch is the plan's own edit.
    plan_citing_the_docs()
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
        .replace(PLAN, "`.PLANS.md`", "`docs/maintainers/EXECPLAN_SPEC.md`")
        .commit_all("Docs: a scrollbar")
        .refused("progress-update");
}

/// ai-agents renamed two plans with the ids they cite (`req-009-...` to `req-012-...`) and
/// renumbered the ids inside them: a moved plan was never compared for a sync, so its edit was
/// refused as entries only reworded. A moved plan kept in sync is not work under it either.
#[test]
fn a_plan_moved_and_renumbered_with_the_docs_is_kept_in_sync() {
    renumber_the_catalog(plan_citing_the_docs())
        .git(["mv", PLAN, "plans/signin-execplan.md"])
        .replace("plans/signin-execplan.md", "REQ-009", "REQ-012")
        .commit_all("Docs: renumber the requirement catalog")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("plans/signin-execplan.md only has words replaced to match the code");
    // A moved plan whose edit adds a sentence is still work under it.
    renumber_the_catalog(plan_citing_the_docs())
        .git(["mv", PLAN, "plans/signin-execplan.md"])
        .replace(
            "plans/signin-execplan.md",
            "REQ-009 of the catalog;",
            "REQ-012 of the catalog, and passkeys are required;",
        )
        .commit_all("Docs: renumber the requirement catalog")
        .refused("progress-update");
}

/// The same renumbering with a sentence added to the plan, or with the new id taken from another
/// plan of the commit rather than from the docs, is planned work: refused without its entry.
#[test]
fn a_plan_edit_beyond_what_the_docs_renumber_is_still_planned_work() {
    renumber_the_catalog(plan_citing_the_docs())
        .replace(
            PLAN,
            "Login follows REQ-009 of the catalog;",
            "Login follows REQ-012 of the catalog, and passkeys are required;",
        )
        .commit_all("Docs: renumber the requirement catalog")
        .refused("progress-update")
        .mentions("adds no entry");
    // Two plans changed alike do not vouch for each other.
    plan_citing_the_docs()
        .write(
            "plans/billing-execplan.md",
            "# Billing execplan\n\nBilling follows REQ-009.\n\n## Progress\n\n- [x] (2026-01-01 09:00Z) Plan written.\n\n## Surprises & Discoveries\n\nNone yet.\n\n## Decision Log\n\n- Invoices monthly.\n\n## Outcomes & Retrospective\n\nPending.\n",
        )
        .setup_commit("Plan billing")
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
        .replace(PLAN, "REQ-009", "REQ-012")
        .replace("plans/billing-execplan.md", "REQ-009", "REQ-012")
        .commit_all("Plans: renumber the requirements")
        .refused("progress-update");
}

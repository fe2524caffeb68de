//! `progress-update` at commit time, replaying what teams that keep execplans commit: a stage
//! ticked with its completion time, a log that drops its oldest entry, a copied entry, a bot's
//! commit, a font, the agent hooks' own files, a small fix. Each runs the installed hooks.

use super::common::scenario::{Scenario, DONE_TASKS, PLAN, PLANNED_TASKS};
use super::common::TestRepo;

const FIRST_ENTRY: &str = "- [x] (2026-01-01 09:00Z) Plan written.\n";

/// The standard fixture on branch `work`, which names no feature: an execplan then counts only
/// when its Progress gains an entry. `entries` replace the plan's Progress entries.
fn unnamed_branch_with_entries(entries: &str) -> Scenario {
    Scenario::exec()
        .git(["checkout", "-q", "-b", "work"])
        .replace(PLAN, FIRST_ENTRY, entries)
        .setup_commit("Plan the stages")
}

/// A commit that ticks every stage of a plan, each with its completion time and what was done,
/// was refused as "only rewording" its entries.
#[test]
fn ticking_stages_with_their_time_and_result_is_progress() {
    unnamed_branch_with_entries(
        "- [ ] Stage 1: session store\n- [ ] Stage 2: login form\n- [ ] (2026-03-22) UI: wire the button\n",
    )
    .append("src/auth.rs", "pub fn logout() {}\n")
    .replace(
        PLAN,
        "- [ ] Stage 1: session store\n- [ ] Stage 2: login form\n- [ ] (2026-03-22) UI: wire the button\n",
        "- [x] (2026-03-22 14:00Z) Stage 1: session store, kept in memory\n- [x] (2026-03-22 15:10Z) Stage 2: login form, validated\n- [x] (2026-03-22 16:05 CST) UI: wire the button\n",
    )
    .commit_all("Finish the login stages")
    .accepted();
}

/// A plan that keeps one task's checklist at a time replaced the finished task's list by the
/// next task's, its heading naming the new task: that was refused as rewording every entry.
#[test]
fn a_task_list_replaced_by_the_next_tasks_is_progress() {
    let task_a = "- [x] Task A: schema migrated\n- [x] Task A: API wired\n";
    let retitle = |scenario: Scenario, task: &str, items: &str| {
        scenario
            .replace(PLAN, "## Progress\n", &format!("## Progress — {task}\n"))
            .replace(PLAN, task_a, items)
    };
    let setup = || {
        retitle(unnamed_branch_with_entries(task_a), "task A", task_a).setup_commit("Task A done")
    };
    let next = "- [x] Task B: logout endpoint\n- [x] Task B: session revoked on logout\n";
    retitle(
        setup().replace(PLAN, "## Progress — task A\n", "## Progress\n"),
        "task B",
        next,
    )
    .append("src/auth.rs", "pub fn logout() {}\n")
    .commit_all("Task B: logout")
    .accepted();
    // The old items under the new heading are no progress.
    setup()
        .replace(PLAN, "## Progress — task A\n", "## Progress — task B\n")
        .append("src/auth.rs", "pub fn logout() {}\n")
        .commit_all("Task B: logout")
        .refused("progress-update");
}

/// Rewording an open stage in place is still no progress.
#[test]
fn rewording_an_open_stage_is_refused() {
    unnamed_branch_with_entries("- [ ] Stage 1: session store\n- [ ] Stage 2: login form\n")
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(PLAN, "Stage 1: session store", "Stage 1: the session store")
        .commit_all("Add logout")
        .refused("progress-update")
        .mentions("only rewords");
}

/// A commit that rewrote its plan's task list, the open phases replaced by the fewer tasks the
/// work took, all ticked, was refused as only rewording entries: each ticked task was paired
/// with a phase heading or a goal it shares no words with.
#[test]
fn a_task_list_rewritten_with_every_task_ticked_is_progress() {
    unnamed_branch_with_entries(PLANNED_TASKS)
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(PLAN, PLANNED_TASKS, DONE_TASKS)
        .commit_all("Build the catalog")
        .accepted();
    // The same rewrite with its tasks left open records nothing done.
    unnamed_branch_with_entries(PLANNED_TASKS)
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(PLAN, PLANNED_TASKS, &DONE_TASKS.replace("[x]", "[ ]"))
        .commit_all("Build the catalog")
        .refused("progress-update")
        .mentions("only rewords");
    // A goal reworded into a ticked task is the same entry, reworded.
    unnamed_branch_with_entries(PLANNED_TASKS)
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(
            PLAN,
            "Goal: no check can fill the disk.\n",
            "- [x] Goal: no validation check can fill the disk.\n",
        )
        .commit_all("Build the catalog")
        .refused("progress-update")
        .mentions("only rewords");
}

/// An open milestone that records in place what each commit finished ("completed: …;
/// remaining: …") was refused as a rewording, though it grew by what the commit did.
#[test]
fn an_open_stage_growing_by_what_was_done_is_progress() {
    let stage = "- [ ] Stage 1: session store (completed: the store type; remaining: expiry)\n";
    unnamed_branch_with_entries(stage)
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(
            PLAN,
            "(completed: the store type;",
            "(completed: the store type and logout that clears it;",
        )
        .commit_all("Add logout")
        .accepted();
}

/// A plan that keeps its log short appends the newest entry and drops the oldest: that was
/// refused as a rewording.
#[test]
fn appending_while_the_oldest_entry_moves_out_is_progress() {
    let log = "- 2026-03-01: one\n- 2026-03-02: two\n- 2026-03-03: three\n";
    unnamed_branch_with_entries(log)
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(
            PLAN,
            log,
            "- 2026-03-02: two\n- 2026-03-03: three\n- 2026-03-04: logout added\n",
        )
        .commit_all("Add logout")
        .accepted();
}

/// None of these is a new entry, even on the feature's own branch: each used to pass.
#[test]
fn copied_invisible_and_blank_entries_are_refused() {
    for (label, entry) in [
        ("a verbatim copy", FIRST_ENTRY.to_string()),
        (
            "a copy with an invisible character",
            "- [x] (2026-01-01 09:00Z) Plan\u{2060} written.\n".to_string(),
        ),
        (
            "an entry that renders as nothing",
            "- \u{2800}\n".to_string(),
        ),
        ("a combining mark alone", "- \u{301}\n".to_string()),
    ] {
        Scenario::exec()
            .named(label)
            .append("src/auth.rs", "pub fn logout() {}\n")
            .replace(PLAN, FIRST_ENTRY, &format!("{FIRST_ENTRY}{entry}"))
            .commit_all("Add logout")
            .refused("progress-update");
    }
}

pub(crate) fn with_config(config: &str) -> Scenario {
    Scenario::exec()
        .write(".execguard.toml", config)
        .setup_commit("Configure execguard")
}

/// `within = "push"`: the entry may come in a later commit of the push, so the commit hooks warn.
#[test]
fn within_push_the_commit_hooks_warn_instead_of_refusing() {
    with_config("[rules.progress-update]\nwithin = \"push\"\n")
        .append("src/auth.rs", "pub fn logout() {}\n")
        .commit_all("Add logout")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("within = \"push\"");
    // The default still refuses.
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .commit_all("Add logout")
        .refused("progress-update");
}

/// A dependency bot's commit needs no entry when its author is exempt; a person's still does.
#[test]
fn an_exempt_bot_author_needs_no_entry() {
    let config = "[rules.progress-update]\nexempt-authors = ['^dependabot\\[bot\\] ']\n";
    let commit_as = |name: &'static str| {
        move |repo: &TestRepo| {
            repo.git(["add", "-A"]);
            super::common::Run::from_command(
                repo.command("git")
                    .args(["commit", "-q", "-m", "Bump serde"])
                    .env("GIT_AUTHOR_NAME", name)
                    .env("GIT_AUTHOR_EMAIL", "bot@users.noreply.example"),
            )
        }
    };
    with_config(config)
        .append("src/auth.rs", "// serde 1.0.2\n")
        .attempt(commit_as("dependabot[bot]"))
        .accepted();
    with_config(config)
        .append("src/auth.rs", "// serde 1.0.2\n")
        .attempt(commit_as("Ana"))
        .refused("progress-update");
}

/// A trailer the config exempts is read by the commit-msg hook (pre-commit has no message yet).
#[test]
fn an_exempt_trailer_needs_no_entry() {
    let config = "[rules.progress-update]\nexempt-trailers = ['^Dependency-Update: ']\n";
    with_config(config)
        .append("src/auth.rs", "// serde 1.0.2\n")
        .commit_all("Bump serde\n\nDependency-Update: serde 1.0.2")
        .accepted();
    with_config(config)
        .append("src/auth.rs", "// serde 1.0.2\n")
        .commit_all("Bump serde")
        .refused("progress-update");
}

/// Fonts, a Prometheus data folder and binary content are data, not code.
#[test]
fn data_and_binary_files_need_no_entry() {
    let binary: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    Scenario::exec()
        .write("web/fonts/inter.woff2", &binary)
        .write("ops/prometheus/data/wal/00000001", &binary)
        .write("fixtures/snapshot.bin", &binary)
        .commit_all("Add the font and the metrics snapshot")
        .accepted();
    Scenario::exec()
        .write("fixtures/snapshot.bin", &binary)
        .write("src/snapshot.rs", "pub fn load() {}\n")
        .commit_all("Load the snapshot")
        .refused("progress-update")
        .mentions("src/snapshot.rs");
}

/// The files `execguard install --agent` writes are tool configuration.
#[test]
fn agent_hook_settings_need_no_entry() {
    Scenario::exec()
        .write(".claude/settings.json", "{\"hooks\": {}}\n")
        .write(".claude/settings.local.json", "{}\n")
        .write(".codex/hooks.json", "{}\n")
        .write(".codex/config.toml", "[features]\n")
        .commit_all("Install the agent hooks")
        .accepted();
}

/// A commit that only removed `.cursorrules` or changed the agents' definitions was asked for a
/// Progress entry: those files tell an agent how to work, they are not what it builds.
#[test]
fn agent_instruction_files_need_no_entry() {
    Scenario::exec()
        .write(".cursorrules", "Prefer small functions.\n")
        .write(
            ".cursor/rules/style.mdc",
            "---\nglobs: src/**\n---\nUse rustfmt.\n",
        )
        .write(".codex/agents/reviewer.toml", "name = \"reviewer\"\n")
        .write(".agents/plugins/marketplace.json", "{\"plugins\": []}\n")
        .write(
            ".agents/skills/audit/agents/openai.yaml",
            "interface:\n  display_name: Audit\n",
        )
        .write(
            "plugins/ops/.codex-plugin/plugin.json",
            "{\"name\": \"ops\"}\n",
        )
        .commit_all("Tell the agents how to work")
        .accepted();
    // Code beside them still needs its entry.
    Scenario::exec()
        .write(".cursorrules", "Prefer small functions.\n")
        .write("src/auth.rs", "pub fn logout() {}\n")
        .commit_all("Add logout")
        .refused("progress-update");
}

/// `small-fix-lines` and `small-fix-files`: a fix within both needs no entry.
#[test]
fn a_small_fix_within_the_thresholds_needs_no_entry() {
    let config = "[rules.progress-update]\nsmall-fix-lines = 3\nsmall-fix-files = 1\n";
    with_config(config)
        .append("src/auth.rs", "pub fn fix() {}\n")
        .commit_all("Fix the login")
        .accepted();
    with_config(config)
        .append("src/auth.rs", "pub fn fix() {}\n")
        .write("src/other.rs", "pub fn other() {}\n")
        .commit_all("Fix two files")
        .refused("progress-update");
    with_config(config)
        .append("src/auth.rs", &"pub fn a() {}\n".repeat(4))
        .commit_all("Fix with four lines")
        .refused("progress-update");
    // Off by default.
    Scenario::exec()
        .append("src/auth.rs", "pub fn fix() {}\n")
        .commit_all("Fix the login")
        .refused("progress-update");
}

/// At commit time, the branch since it left its upstream is known too: an entry deleted on the
/// branch and added back with code is not new.
#[test]
fn an_entry_deleted_on_the_branch_and_added_back_is_refused_at_commit_time() {
    let wired = "- [x] (2026-01-02 10:00Z) Session store wired.\n";
    let with_upstream = || {
        Scenario::exec()
            .replace(PLAN, FIRST_ENTRY, &format!("{FIRST_ENTRY}{wired}"))
            .setup_commit("Plan: session store wired")
            .with(|repo| {
                repo.git_in(&repo.root, ["init", "-q", "--bare", "upstream.git"]);
                let url = repo.root.join("upstream.git").display().to_string();
                repo.git(["remote", "add", "origin", &url]);
                repo.git(["push", "-q", "--no-verify", "-u", "origin", "exec/login"]);
            })
            .replace(PLAN, wired, "")
            .setup_commit("Plan: trim the log")
            .append("src/auth.rs", "pub fn logout() {}\n")
    };
    with_upstream()
        .replace(PLAN, FIRST_ENTRY, &format!("{FIRST_ENTRY}{wired}"))
        .commit_all("Add logout")
        .refused("progress-update");
    with_upstream()
        .progress("Logout added.")
        .commit_all("Add logout")
        .accepted();
}

const PACKAGE_JSON: &str = "{\n  \"name\": \"@acme/login\",\n  \"version\": \"0.1.6\",\n  \"main\": \"dist/index.js\",\n  \"scripts\": { \"build\": \"tsc\" },\n  \"dependencies\": { \"gliner\": \"^0.0.19\" }\n}\n";
const CARGO_TOML: &str = "[package]\nname = \"login\"\nversion = \"0.1.6\"\nedition = \"2021\"\n\n[dependencies]\nserde = { version = \"1.0\" }\n";

/// The standard fixture with a package manifest of each format committed, on the feature's
/// branch (every code commit needs an entry).
fn with_manifests() -> Scenario {
    Scenario::exec()
        .write("package.json", PACKAGE_JSON)
        .write("Cargo.toml", CARGO_TOML)
        .setup_commit("Add the manifests")
}

/// A release commit (the version bumped in the manifests and the lockfile, the files to publish
/// listed, a changelog) was refused as code without its Progress entry: release bookkeeping
/// is no work a plan tracks.
#[test]
fn a_version_bump_and_publishing_metadata_are_not_code() {
    with_manifests()
        .replace("package.json", "\"0.1.6\"", "\"0.2.0\"")
        .replace(
            "package.json",
            "  \"main\"",
            "  \"files\": [\"dist\", \"LICENSE\"],\n  \"main\"",
        )
        .replace(
            "Cargo.toml",
            "version = \"0.1.6\"",
            "version = \"0.2.0\"\nlicense = \"MIT\"",
        )
        .write(
            "package-lock.json",
            "{\"name\": \"@acme/login\", \"version\": \"0.2.0\"}\n",
        )
        .write("CHANGELOG.md", "# Changelog\n\n## 0.2.0\n")
        .commit_all("Release 0.2.0")
        .accepted()
        .not_flagged("progress-update");
}

/// The same release with anything more than release metadata stays code: a dependency's
/// version (in either format), a script, or any other key of the manifest; and
/// `release-metadata-is-code = true` makes the bump itself code again.
#[test]
fn a_manifest_change_beyond_release_metadata_stays_code() {
    let bump = |scenario: Scenario| scenario.replace("package.json", "\"0.1.6\"", "\"0.2.0\"");
    bump(with_manifests())
        .replace("package.json", "^0.0.19", "^0.1.0")
        .commit_all("Release 0.2.0")
        .refused("progress-update")
        .mentions("package.json");
    with_manifests()
        .replace("Cargo.toml", "version = \"1.0\"", "version = \"2.0\"")
        .commit_all("Release 0.2.0")
        .refused("progress-update")
        .mentions("Cargo.toml");
    bump(with_manifests())
        .replace("package.json", "\"tsc\"", "\"tsc -p .\"")
        .commit_all("Release 0.2.0")
        .refused("progress-update");
    bump(with_manifests())
        .replace("package.json", "dist/index.js", "dist/main.js")
        .commit_all("Release 0.2.0")
        .refused("progress-update");
    bump(
        Scenario::exec()
            .write("package.json", PACKAGE_JSON)
            .write(
                ".execguard.toml",
                "[layout]\nrelease-metadata-is-code = true\n",
            )
            .setup_commit("Add the manifest"),
    )
    .commit_all("Release 0.2.0")
    .refused("progress-update");
}

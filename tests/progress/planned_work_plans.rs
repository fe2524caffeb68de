//! `progress-update` under `require = "planned-work"`: what a commit does to a plan, and whether
//! that makes it planned work; what is not written code (generated files, copies). Each runs the
//! installed hooks.

use super::commit_shapes::with_config;
use super::common::scenario::{constants, Scenario, PLAN};
use super::planned_work::{on_main, PLANNED_WORK};

/// The fixture's plan, reflowed: other list markers and indentation, a wrapped entry, trailing
/// spaces, blank lines and another emphasis style; what a reader sees is unchanged.
fn reformat_plan(scenario: Scenario) -> Scenario {
    scenario
        .replace(
            PLAN,
            "- [x] (2026-01-01 09:00Z) Plan written.\n",
            "*   [x] (2026-01-01 09:00Z)\n    Plan written.   \n\n",
        )
        .replace(
            PLAN,
            "- Keep sessions in memory.\n",
            "+ Keep sessions\n  in memory.\n",
        )
        .replace(PLAN, "None yet.\n", "\n\nNone\nyet.\n")
}

/// A formatting pass over an open plan, committed with a routine fix, made the fix planned work
/// and refused it for lacking an entry: a plan whose rendered text is unchanged is not touched.
#[test]
fn a_formatting_pass_over_an_open_plan_is_not_planned_work() {
    reformat_plan(on_main(Some(PLANNED_WORK)))
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; format the plans")
        .accepted();
    // Judged like other unplanned code: complex work beside it is still found.
    let mut scenario = reformat_plan(on_main(Some(PLANNED_WORK)));
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 31));
    }
    scenario
        .commit_all("Add the footer; format the plans")
        .refused("progress-update")
        .mentions("this looks like complex work");
    // A change a reader sees (a word) still makes the fix planned work, which needs its entry.
    reformat_plan(on_main(Some(PLANNED_WORK)))
        .replace(PLAN, "None\nyet.\n", "None\nyet, but soon.\n")
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; format the plans")
        .refused("progress-update")
        .mentions("adds no entry");
}

/// Plans in any folder under `plans/`, `completed/` among them, unplanned complex work refused.
const WITH_FOLDERS: &str = "[layout]\nexecplans = \"plans/**/{feature}-execplan.md\"\n[rules.progress-update]\nrequire = \"planned-work\"\nunplanned-complex-work = \"refuse\"\nplan-touch-small-work = \"refuse\"\n[rules.execplan-sections]\nenabled = false\n";

/// Seven files of new code, no plan named.
fn footer(mut scenario: Scenario) -> Scenario {
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 31));
    }
    scenario
}

/// Complex work that closed its plan (moved it to `completed/`), or touched a plan without its
/// Progress section, was refused with "no execplan names it", which misled: the plan was there.
/// The message names the plan and why it does not count, and the hint says how to make it count.
#[test]
fn unplanned_complex_work_names_the_closed_plan_it_touched() {
    let archived = "plans/completed/login-execplan.md";
    footer(on_main(Some(WITH_FOLDERS)))
        .with(|repo| std::fs::create_dir_all(repo.path("plans/completed")).unwrap())
        .git(["mv", PLAN, archived])
        .commit_all("Add the footer; close the login plan")
        .refused("progress-update")
        .mentions("this looks like complex work")
        .mentions(&format!(
            "{archived} is closed (kept under `[layout] closed-plans`"
        ))
        .mentions("move it back where open plans live")
        .mentions("stop and escalate")
        .unmoved();
    // A plan shelved into the archive: named as shelved, not closed.
    let shelved = "plans/archive/login-execplan.md";
    footer(on_main(Some(WITH_FOLDERS)))
        .with(|repo| std::fs::create_dir_all(repo.path("plans/archive")).unwrap())
        .git(["mv", PLAN, shelved])
        .commit_all("Add the footer; shelve the login plan")
        .refused("progress-update")
        .mentions(&format!(
            "{shelved} is shelved (kept under `[layout] shelved-plans`"
        ))
        .mentions("move it back where open plans live");
    // A plan without its Progress section.
    footer(on_main(Some(WITH_FOLDERS)))
        .replace(PLAN, "## Progress\n", "## Steps\n")
        .commit_all("Add the footer; rework the login plan")
        .refused("progress-update")
        .mentions(&format!("{PLAN} has no `Progress` section"))
        .mentions("give it a `Progress` section");
    // A plan only reformatted.
    footer(reformat_plan(on_main(Some(WITH_FOLDERS))))
        .commit_all("Add the footer; format the plans")
        .refused("progress-update")
        .mentions(&format!("{PLAN} is only reformatted"));
    // No plan touched: the message says so.
    footer(on_main(Some(WITH_FOLDERS)))
        .commit_all("Add the footer")
        .refused("progress-update")
        .mentions("no execplan names it");
}

/// gRPC TypeScript under `gen/`, 300 lines written by protoc-gen-es in two files, was refused as
/// unplanned complex work: a file whose header comment carries a generator's marker is not code, under
/// planned-work and under the default alike. Without the marker, or with `generated-markers`
/// emptied, it is code again.
#[test]
fn generated_files_are_not_code_by_their_header() {
    let generated = |marker: &str| {
        format!(
            "// {marker} from file api/v1/chat.proto (package api.v1, syntax proto3)\n/* eslint-disable */\n{}",
            constants("CHAT_", 150)
        )
    };
    let client = |scenario: Scenario, text: &str| {
        scenario
            .write("web/src/gen/api/v1/chat_pb.ts", text)
            .write("web/src/gen/api/v1/chat_connect.ts", text)
    };
    let with_marker = generated("@generated by protoc-gen-es v1.10.0");
    client(on_main(Some(PLANNED_WORK)), &with_marker)
        .commit_all("Regenerate the chat client")
        .accepted();
    // Under the default, on the feature's branch, it needs no entry either.
    Scenario::exec()
        .write(
            "gen/chat_pb.go",
            generated("Code generated by protoc-gen-go. DO NOT EDIT."),
        )
        .commit_all("Regenerate the chat client")
        .accepted();
    // The same code without the marker is code.
    client(on_main(Some(PLANNED_WORK)), &generated("Chat client"))
        .commit_all("Regenerate the chat client")
        .refused("progress-update")
        .mentions("this looks like complex work");
    Scenario::exec()
        .write("gen/chat_pb.go", generated("Chat client"))
        .commit_all("Regenerate the chat client")
        .refused("progress-update")
        .mentions("named by the branch");
    // No markers, no generated files.
    let no_markers = format!("[layout]\ngenerated-markers = []\n{PLANNED_WORK}");
    client(on_main(Some(&no_markers)), &with_marker)
        .commit_all("Regenerate the chat client")
        .refused("progress-update");
}

/// Trusting a generator's marker must not let a hand-written file out of the code: a marker
/// written into a file that had none keeps its changes code, while a file that carried one
/// before is regenerated.
#[test]
fn a_marker_written_into_a_hand_written_file_keeps_it_code() {
    let header = "// Code generated by protoc-gen-go. DO NOT EDIT.\n";
    Scenario::exec()
        .write("src/session.go", constants("SESSION_", 20))
        .setup_commit("Add the session store")
        .write(
            "src/session.go",
            format!("{header}{}", constants("SESSION_", 120)),
        )
        .commit_all("Grow the session store")
        .refused("progress-update")
        .mentions("named by the branch");
    Scenario::exec()
        .write(
            "gen/chat_pb.go",
            format!("{header}{}", constants("CHAT_", 20)),
        )
        .setup_commit("Generate the chat client")
        .write(
            "gen/chat_pb.go",
            format!("{header}{}", constants("CHAT_", 120)),
        )
        .commit_all("Regenerate the chat client")
        .accepted();
}

/// 300 lines of a plugin copied whole into a second package were refused as unplanned complex
/// work: an added file whose content the parent holds at another path is a copy, not written
/// code. Changed in the copy, or written afresh, it counts; and it stays code: planned work
/// still needs its entry.
#[test]
fn a_copied_file_is_not_written_code_for_the_unplanned_size() {
    let plugin = constants("PLUGIN_", 300);
    let with_plugin = |scenario: Scenario| {
        scenario
            .write("packages/a/src/plugin.ts", &plugin)
            .setup_commit("Add the plugin to package a")
    };
    with_plugin(on_main(Some(PLANNED_WORK)))
        .write("packages/b/src/plugin.ts", &plugin)
        .write("packages/b/src/index.ts", "export * from \"./plugin\";\n")
        .commit_all("Package b: reuse the plugin")
        .accepted();
    // One line changed in the copy: written code.
    with_plugin(on_main(Some(PLANNED_WORK)))
        .write(
            "packages/b/src/plugin.ts",
            format!("{plugin}export const B = true;\n"),
        )
        .commit_all("Package b: adapt the plugin")
        .refused("progress-update")
        .mentions("this looks like complex work");
    // The same size written afresh.
    with_plugin(on_main(Some(PLANNED_WORK)))
        .write("packages/b/src/plugin.ts", constants("OTHER_", 300))
        .commit_all("Package b: a plugin of its own")
        .refused("progress-update")
        .mentions("this looks like complex work");
    // A copy is still code: on the feature's branch it needs its entry.
    with_plugin(with_config(PLANNED_WORK))
        .write("packages/b/src/plugin.ts", &plugin)
        .commit_all("Package b: reuse the plugin")
        .refused("progress-update")
        .mentions("named by the branch");
}

/// An open plan moved to another folder unchanged (git's rename at 100%) beside a routine fix
/// made the fix planned work and refused it for lacking an entry: a plan moved with its rendered
/// text unchanged is not touched, as a formatting pass is not.
#[test]
fn an_open_plan_moved_unchanged_is_not_planned_work() {
    on_main(Some(WITH_FOLDERS))
        .with(|repo| {
            std::fs::create_dir_all(repo.path("plans/auth")).unwrap();
        })
        .git(["mv", PLAN, "plans/auth/login-execplan.md"])
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; move the plan under plans/auth")
        .accepted();
    // Moved and edited (a step added), the plan is worked on: the fix needs its entry.
    on_main(Some(WITH_FOLDERS))
        .with(|repo| {
            std::fs::create_dir_all(repo.path("plans/auth")).unwrap();
        })
        .git(["mv", PLAN, "plans/auth/login-execplan.md"])
        .replace(
            "plans/auth/login-execplan.md",
            "None yet.\n",
            "None yet, but the expiry is next.\n",
        )
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; move the plan under plans/auth")
        .refused("progress-update")
        .mentions("adds no entry");
}

/// A finished plan kept where it was written (no `completed/` folder to move it to) counted as
/// open, so a routine change that only kept it true (a command renamed in its Decision Log, its
/// Outcomes written) became planned work without an entry and was refused. A plan whose every
/// Progress item is done, as the commit leaves it, is finished, as one in `completed/` is.
#[test]
fn a_finished_plan_that_never_moves_is_not_planned_work() {
    // The fixture's plan: its one item, done.
    let keep_true = |scenario: Scenario| {
        scenario
            .replace(PLAN, "Keep sessions in memory.", "Keep sessions in Redis.")
            .replace(
                PLAN,
                "Pending.\n",
                "Sessions live in Redis; login shipped.\n",
            )
            .append("src/auth.rs", &constants("FIX_", 20))
    };
    keep_true(with_config(PLANNED_WORK).git(["checkout", "-q", "-B", "main"]))
        .commit_all("Move sessions to Redis; keep the login plan true")
        .accepted();
    // Complex work beside it is still found, naming the finished plan.
    footer(with_config(WITH_FOLDERS).git(["checkout", "-q", "-B", "main"]))
        .replace(PLAN, "Pending.\n", "Login shipped.\n")
        .commit_all("Add the footer; note the login outcome")
        .refused("progress-update")
        .mentions("this looks like complex work")
        .mentions(&format!("{PLAN} is finished"));
}

/// The real breaches beside it stay refused: an edit that reopens a finished plan's item,
/// rewrites one, or plans more under it (a new phase, a new open step) is work under the plan and
/// needs its entry (a step added to Progress is an entry). A new decision alone is history, not
/// work (`planned_work_finished.rs`).
#[test]
fn a_finished_plan_reopened_rewritten_or_grown_is_planned_work() {
    let main = || with_config(PLANNED_WORK).git(["checkout", "-q", "-B", "main"]);
    main()
        .replace(
            PLAN,
            "- [x] (2026-01-01 09:00Z) Plan written.",
            "- [ ] Plan written.",
        )
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; reopen the plan")
        .refused("progress-update")
        .mentions("adds no entry");
    // A done item rewritten is not kept as it was: the plan is worked on, its entry reworded.
    main()
        .replace(PLAN, "Plan written.", "Plan written and reviewed.")
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; review the plan")
        .refused("progress-update")
        .mentions("only rewords");
    // Work planned under it: a new phase, or a new open step, written beside the code.
    main()
        .append(PLAN, "\n## Phase 2: Logout\n\nEnd sessions on request.\n")
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Start the logout")
        .refused("progress-update")
        .mentions("adds no entry");
    main()
        .replace(
            PLAN,
            "- Keep sessions in memory.\n",
            "- Keep sessions in memory.\n- [ ] Expire sessions after a day.\n",
        )
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Expire sessions")
        .refused("progress-update")
        .mentions("adds no entry");
}

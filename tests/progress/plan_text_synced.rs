//! `progress-update` under `require = "planned-work"`: a commit that renames something in the
//! code (a panel, a config key, a channel) and changes an open plan's mentions of it to match was
//! refused as planned work without its entry, or as entries only reworded, on repositories never
//! replayed before. An edit that only replaces words by the words the code replaces keeps the
//! plan in sync; it is not work under the plan. Each runs the installed hooks.

use super::common::scenario::{constants, Scenario, PLAN};
use super::planned_work::{on_main, PLANNED_WORK_DEFAULT};

/// The open plan describes the Motion panel in its prose and in a ticked Progress entry, and the
/// code labels it so; committed on main under planned-work with its defaults.
fn plan_naming_the_motion_panel() -> Scenario {
    on_main(Some(PLANNED_WORK_DEFAULT))
        .replace(
            PLAN,
            "- [x] (2026-01-01 09:00Z) Plan written.\n",
            "- [x] (2026-01-01 09:00Z) Plan written.\n- [x] (2026-01-02 10:00Z) Double-click opens the Motion panel.\n",
        )
        .replace(
            PLAN,
            "## Progress",
            "A double-click on a unit shows the Motion panel.\n\n## Progress",
        )
        .write(
            "src/panel.rs",
            format!(
                "pub const PANEL_TITLE: &str = \"Motion\";\n{}",
                constants("OLD_", 5)
            ),
        )
        .setup_commit("Add the motion panel")
}

/// 240 lines of a panel's scrollbar beside the rename: above the unplanned limits.
fn rename_the_panel(scenario: Scenario) -> Scenario {
    scenario
        .replace("src/panel.rs", "\"Motion\"", "\"Meta\"")
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
}

/// The panel renamed Motion -> Meta with a scrollbar (240 lines), the plan's prose and its ticked
/// entry renamed to match: no longer refused. It is judged as work no plan names, above the
/// unplanned limits, so it is warned of as unplanned complex work, naming the plan kept in sync.
#[test]
fn a_plan_kept_in_sync_with_a_rename_is_not_planned_work() {
    rename_the_panel(plan_naming_the_motion_panel())
        // Both mentions: the prose and the ticked entry.
        .replace(PLAN, "Motion panel", "Meta panel")
        .commit_all("UI: rename the Motion panel to Meta, with a scrollbar")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("this looks like complex work")
        .mentions("only has words replaced to match the code");
}

/// The same work whose plan edit adds words the code does not hold (a new step described, a
/// decision rewritten) is planned work, and refused without its Progress entry; so is a rename
/// whose plan edit also rewords an entry beyond the renamed words.
#[test]
fn a_plan_edit_beyond_the_renamed_words_is_still_planned_work() {
    rename_the_panel(plan_naming_the_motion_panel())
        .replace(
            PLAN,
            "shows the Motion panel.",
            "shows the Meta panel, which now scrolls when its list is long.",
        )
        .replace(PLAN, "Motion panel", "Meta panel")
        .commit_all("UI: rename the Motion panel to Meta, with a scrollbar")
        .refused("progress-update");
    rename_the_panel(plan_naming_the_motion_panel())
        .replace(PLAN, "shows the Motion panel.", "shows the Meta panel.")
        .replace(
            PLAN,
            "Double-click opens the Motion panel.",
            "Double-click opens the Meta panel with its scrollbar.",
        )
        .commit_all("UI: rename the Motion panel to Meta, with a scrollbar")
        .refused("progress-update");
    // Words the code does not replace: the plan renames the panel, the code does not.
    plan_naming_the_motion_panel()
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
        .replace(PLAN, "Motion panel", "Meta panel")
        .commit_all("UI: a scrollbar for the panel")
        .refused("progress-update");
}

/// A second open plan, billing, committed beside the Motion panel's.
fn with_a_billing_plan(scenario: Scenario) -> Scenario {
    scenario
        .write(
            "plans/billing-execplan.md",
            "# Billing execplan\n\n## Progress\n\n- [x] (2026-01-01 09:00Z) Plan written.\n- [ ] Invoices sent.\n\n## Surprises & Discoveries\n\nNone yet.\n\n## Decision Log\n\n- Invoices monthly.\n\n## Outcomes & Retrospective\n\nPending.\n",
        )
        .setup_commit("Plan billing")
}

/// A rename the login plan follows, committed with a prose edit of the billing plan (which makes
/// the commit planned work), was refused as "only rewording" the login plan's entries: a plan
/// kept in sync with the code is not reworded. The commit is still refused, for no entry.
#[test]
fn a_synced_plan_is_not_named_as_reworded_when_another_plan_makes_planned_work() {
    rename_the_panel(with_a_billing_plan(plan_naming_the_motion_panel()))
        .replace(PLAN, "Motion panel", "Meta panel")
        .replace(
            "plans/billing-execplan.md",
            "None yet.\n",
            "Invoices need a currency.\n",
        )
        .commit_all("UI: rename the Motion panel to Meta, with a scrollbar")
        .refused("progress-update")
        .mentions("adds no entry")
        .mentions_times("only rewords", 0);
    // An entry reworded beyond the renamed words is still a rewording, and named as one.
    rename_the_panel(with_a_billing_plan(plan_naming_the_motion_panel()))
        .replace(PLAN, "shows the Motion panel.", "shows the Meta panel.")
        .replace(
            PLAN,
            "Double-click opens the Motion panel.",
            "Double-click opens the Meta panel with its scrollbar.",
        )
        .replace(
            "plans/billing-execplan.md",
            "None yet.\n",
            "Invoices need a currency.\n",
        )
        .commit_all("UI: rename the Motion panel to Meta, with a scrollbar")
        .refused("progress-update")
        .mentions("only rewords existing Progress entries of plans/login-execplan.md");
}

/// The rewording message named a plan by its feature's path under the first layout template
/// (`docs/plans/login.md`, which does not exist) instead of the file edited.
#[test]
fn the_rewording_message_names_the_plan_file_edited() {
    on_main(Some(
        "[layout]\nexecplans = [\"docs/plans/{feature}.md\", \"plans/{feature}-execplan.md\"]\n",
    ))
    .append("src/auth.rs", "pub fn logout() {}\n")
    .replace(PLAN, "Plan written.", "Plan written down.")
    .commit_all("Add logout")
    .refused("progress-update")
    .mentions("only rewords existing Progress entries of plans/login-execplan.md")
    .mentions("`Execplan: login`")
    .mentions_times("docs/plans/login.md", 0);
}

/// The open plan names a test after the `mcpd` daemon the code names.
fn plan_naming_the_daemon_test() -> Scenario {
    on_main(Some(PLANNED_WORK_DEFAULT))
        .replace(
            PLAN,
            "## Progress",
            "The test TestAutomaticMcpDeduplication covers the mcpd daemon.\n\n## Progress",
        )
        .write(
            "src/daemon.rs",
            format!(
                "pub const DAEMON: &str = \"mcpd\";\n{}",
                constants("OLD_", 5)
            ),
        )
        .setup_commit("Add the daemon")
}

/// The project renamed `mcpd` to `mcpv` in code and plans by search and replace (240 lines of
/// other work beside it).
fn rename_the_daemon(scenario: Scenario) -> Scenario {
    scenario
        .replace("src/daemon.rs", "\"mcpd\"", "\"mcpv\"")
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
}

/// mcpv renamed its project `mcpd` to `mcpv` by a case-blind search and replace, which also
/// turned a plan's `TestAutomaticMcpDeduplication` into `TestAutomaticmcpveduplication`, a word
/// no code line holds: the plan edit was not taken for a sync and the rename was refused as
/// planned work without its entry. A word changed only by the code's own rename inside it keeps
/// the plan in sync: the commit is judged as work no plan names, and warned of.
#[test]
fn a_plan_renamed_by_search_and_replace_inside_a_word_is_kept_in_sync() {
    rename_the_daemon(plan_naming_the_daemon_test())
        .replace(
            PLAN,
            "TestAutomaticMcpDeduplication covers the mcpd daemon",
            "TestAutomaticmcpveduplication covers the mcpv daemon",
        )
        .commit_all("Rename mcpd to mcpv")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("this looks like complex work")
        .mentions("only has words replaced to match the code");
}

/// A word changed beyond the rename inside it, or a sentence added beside the rename, is work
/// on the plan: refused without its Progress entry.
#[test]
fn a_search_and_replace_that_also_rewrites_the_plan_is_planned_work() {
    rename_the_daemon(plan_naming_the_daemon_test())
        .replace(
            PLAN,
            "TestAutomaticMcpDeduplication covers the mcpd daemon",
            "TestAutomaticmcpvDuplication covers the mcpv daemon",
        )
        .commit_all("Rename mcpd to mcpv")
        .refused("progress-update");
    rename_the_daemon(plan_naming_the_daemon_test())
        .replace(
            PLAN,
            "TestAutomaticMcpDeduplication covers the mcpd daemon.",
            "TestAutomaticmcpveduplication covers the mcpv daemon. It restarts after a crash.",
        )
        .commit_all("Rename mcpd to mcpv")
        .refused("progress-update");
}

/// The open plan quotes the code's `datetime.now()` and says, in Chinese, who gets the
/// notification (创作者, creators); the code holds both.
fn plan_quoting_the_code() -> Scenario {
    on_main(Some(PLANNED_WORK_DEFAULT))
        .replace(
            PLAN,
            "## Progress",
            "Stamp each bar with `datetime.now()` when it closes.\n\n让创作者在积分到账时收到通知。\n\n## Progress",
        )
        .write(
            "src/bars.py",
            "def stamp(bar):\n    bar.closed = datetime.now()\n",
        )
        .write("src/i18n/zh-CN.json", "{\"title\": \"创作者中心\"}\n")
        .setup_commit("Stamp bars; creators' notifications")
}

/// ai-trading-bot replaced `datetime.now()` by `datetime.now(UTC)` over its code and four lines
/// of a plan: a word inserted, which the word comparison took for new text, so the sweep was
/// refused as planned work without its entry. A plan line changed exactly as the code's lines
/// change (the same tokens inserted between the same neighbours) keeps the plan in sync.
#[test]
fn a_search_and_replace_that_inserts_a_word_keeps_the_plan_in_sync() {
    plan_quoting_the_code()
        .replace("src/bars.py", "datetime.now()", "datetime.now(UTC)")
        .replace(PLAN, "datetime.now()", "datetime.now(UTC)")
        .write("src/scrollbar.py", constants("SCROLL_", 240))
        .commit_all("Use timezone-aware timestamps")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("only has words replaced to match the code");
    // The same word inserted where the code does not insert it is new text: planned work.
    plan_quoting_the_code()
        .replace("src/bars.py", "datetime.now()", "datetime.now(UTC)")
        .replace(PLAN, "when it closes.", "when it closes, in UTC.")
        .write("src/scrollbar.py", constants("SCROLL_", 240))
        .commit_all("Use timezone-aware timestamps")
        .refused("progress-update")
        .mentions("adds no entry");
}

/// aishifu renamed 创作者 (creators) to 老师 (teachers) over its i18n files and plans: Chinese
/// has no spaces between words, so the whole sentence was one word the code does not hold, and
/// the sweep was refused as planned work without its entry. Chinese text is compared character
/// by character.
#[test]
fn a_chinese_terminology_sweep_keeps_the_plan_in_sync() {
    plan_quoting_the_code()
        .replace("src/i18n/zh-CN.json", "创作者", "老师")
        .replace(PLAN, "让创作者", "让老师")
        .write("src/scrollbar.py", constants("SCROLL_", 240))
        .commit_all("i18n: 创作者 -> 老师")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("only has words replaced to match the code");
    // A sentence added beside the sweep, or another word than the code's, is planned work.
    plan_quoting_the_code()
        .replace("src/i18n/zh-CN.json", "创作者", "老师")
        .replace(
            PLAN,
            "让创作者在积分到账时收到通知。",
            "让老师在积分到账时收到通知。老师可以退订。",
        )
        .write("src/scrollbar.py", constants("SCROLL_", 240))
        .commit_all("i18n: 创作者 -> 老师")
        .refused("progress-update")
        .mentions("adds no entry");
    plan_quoting_the_code()
        .replace("src/i18n/zh-CN.json", "创作者", "老师")
        .replace(PLAN, "让创作者", "让学生")
        .write("src/scrollbar.py", constants("SCROLL_", 240))
        .commit_all("i18n: 创作者 -> 老师")
        .refused("progress-update")
        .mentions("adds no entry");
}

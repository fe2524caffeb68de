use super::{progress_change, progress_delta, EarlierEntries, ProgressChange};

/// Today's meaning, for the execplan named by a trailer or the branch.
fn progress_updated(old: Option<&str>, new: &str, section: &str) -> bool {
    progress_change(old, new, section).changed
}

const PLAN: &str = "# Plan\n\n## Progress\n- [x] (2026-02-03 21:05Z) one\n\n## Decision Log\n- d\n";

#[test]
fn appended_entry_counts() {
    let new = PLAN.replace("one\n", "one\n- [ ] two\n");
    assert!(progress_updated(Some(PLAN), &new, "Progress"));
}

#[test]
fn modified_entry_counts() {
    let new = PLAN.replace(
        "- [x] (2026-02-03 21:05Z) one",
        "- [x] (2026-02-03 21:05Z) one, done",
    );
    assert!(progress_updated(Some(PLAN), &new, "Progress"));
}

#[test]
fn whitespace_only_and_deletion_do_not_count() {
    let new = PLAN.replace(
        "- [x] (2026-02-03 21:05Z) one",
        "-   [x]  (2026-02-03 21:05Z) one  ",
    );
    assert!(!progress_updated(Some(PLAN), &new, "Progress"));
    let new = PLAN.replace("- [x] (2026-02-03 21:05Z) one\n", "");
    assert!(!progress_updated(Some(PLAN), &new, "Progress"));
    let new = PLAN.replace("one\n", "one\n\n\n");
    assert!(!progress_updated(Some(PLAN), &new, "Progress"));
}

#[test]
fn change_outside_progress_does_not_count() {
    let new = PLAN.replace("- d\n", "- d\n- e\n");
    assert!(!progress_updated(Some(PLAN), &new, "Progress"));
}

#[test]
fn new_plan_counts_with_an_entry() {
    assert!(progress_updated(None, PLAN, "Progress"));
    assert!(!progress_updated(
        None,
        "# P\n## Progress\n\n## Decision Log\n",
        "Progress"
    ));
}

#[test]
fn crlf_plan_with_varied_headings() {
    let old = "### progress ###\r\n- [X] 2026-02-02 18:45Z a\r\n";
    let new = "### progress ###\r\n- [X] 2026-02-02 18:45Z a\r\n  continued detail\r\n";
    assert!(progress_updated(Some(old), new, "Progress"));
}

const TWO: &str = "# Plan\n\n## Progress\n\n- [x] (2026-02-03 21:05Z) one\n- [ ] (2026-02-04 09:00Z) two\n\n## Decision Log\n- d\n";

fn updated(new: &str) -> bool {
    progress_updated(Some(TWO), new, "Progress")
}

#[test]
fn swapping_entries_is_no_update() {
    let new = TWO.replace(
        "- [x] (2026-02-03 21:05Z) one\n- [ ] (2026-02-04 09:00Z) two\n",
        "- [ ] (2026-02-04 09:00Z) two\n- [x] (2026-02-03 21:05Z) one\n",
    );
    assert!(!updated(&new));
}

#[test]
fn comments_and_code_blocks_are_no_update() {
    for addition in [
        "<!-- -->\n",
        "<!-- progress: wired the session store -->\n",
        "```\nwired the session store\n```\n",
        "\u{200b}\n",
        "[ref]: https://example.com\n",
    ] {
        let new = TWO.replace(
            "\n## Decision Log",
            &format!("\n{addition}\n## Decision Log"),
        );
        assert!(!updated(&new), "{addition:?} is no update");
    }
    let new = TWO.replace("two\n", "two\n  <!-- more -->\n");
    assert!(!updated(&new));
}

#[test]
fn a_changed_box_or_timestamp_is_an_update() {
    assert!(updated(
        &TWO.replace("- [ ] (2026-02-04", "- [x] (2026-02-04")
    ));
    assert!(updated(&TWO.replace("09:00Z", "09:30Z")));
    assert!(updated(&TWO.replace("two\n", "two\n  - [x] sub-step\n")));
}

/// A verbatim copy of an entry the section already has says nothing new: it used to count.
#[test]
fn an_entry_copied_is_no_update() {
    let new = TWO.replace("two\n", "two\n- [x] (2026-02-03 21:05Z) one\n");
    assert!(!updated(&new));
    let new = TWO.replace("two\n", "two\n- [x] (2026-02-03 21:05Z) *one*\u{200b}\n");
    assert!(!updated(&new));
}

#[test]
fn re_spacing_re_numbering_and_emphasis_are_no_update() {
    let new = TWO
        .replace(
            "- [x] (2026-02-03 21:05Z) one",
            "*   [x]   (2026-02-03\u{a0}21:05Z)  one",
        )
        .replace("two\n", "two\n\n\n");
    assert!(!updated(&new));
    let ordered = "## Progress\n\n1. a\n2. b\n";
    assert!(!progress_updated(
        Some(ordered),
        "## Progress\n\n3. a\n7. **b**\n",
        "Progress"
    ));
}

#[test]
fn a_new_table_row_or_paragraph_is_an_update() {
    let table = "## Progress\n\n| when | what |\n|---|---|\n| 02-03 | one |\n";
    let row = format!("{table}| 02-04 | two |\n");
    assert!(progress_updated(Some(table), &row, "Progress"));
    let paragraph = TWO.replace("two\n", "two\n\nWired the session store.\n");
    assert!(updated(&paragraph));
}

#[test]
fn a_new_plan_without_visible_entries_is_no_update() {
    let empty =
        "# P\n\n## Progress\n\n<!-- entries go here -->\n\n```\nx\n```\n\n## Decision Log\n";
    assert!(!progress_updated(None, empty, "Progress"));
    assert!(!progress_updated(None, "# P\n", "Progress"));
}

#[test]
fn a_section_appearing_with_an_entry_is_an_update() {
    let without = "# Plan\n\n## Decision Log\n- d\n";
    assert!(progress_updated(Some(without), TWO, "Progress"));
}

/// An execplan whose 80,000 Progress lines are all rewritten: the entries are compared by
/// hashing, in one pass (a line diff of this took about a minute).
#[test]
fn a_huge_rewritten_progress_is_compared_in_one_pass() {
    let lines = 80_000;
    let old: String = (0..lines).map(|i| format!("- [x] step {i}\n")).collect();
    let rewritten: String = (0..lines)
        .rev()
        .map(|i| format!("- [x]  step {i}\n"))
        .collect();
    let old = format!("# Plan\n\n## Progress\n\n{old}\n## Decision Log\n");
    let swapped = format!("# Plan\n\n## Progress\n\n{rewritten}\n## Decision Log\n");
    assert!(!progress_updated(Some(&old), &swapped, "Progress"));
    let grown = swapped.replace("\n## Decision Log", "- [x] step 80000\n\n## Decision Log");
    assert!(progress_updated(Some(&old), &grown, "Progress"));
}

// ---- progress, for an execplan found only by its Progress having changed ---------------------

fn progressed(new: &str) -> ProgressChange {
    progress_change(Some(TWO), new, "Progress")
}

const CHANGED_ONLY: ProgressChange = ProgressChange {
    changed: true,
    progressed: false,
};

const PROGRESSED: ProgressChange = ProgressChange {
    changed: true,
    progressed: true,
};

/// A search-and-replace across the repository rewrote a completed entry of another plan: that
/// passed as the plan's Progress being updated.
#[test]
fn a_reworded_entry_is_a_change_but_not_progress() {
    let new = TWO.replace("one\n", "uno\n");
    assert_eq!(progressed(&new), CHANGED_ONLY);
    let spelling = TWO.replace("two\n", "two (recieve → receive)\n");
    assert_eq!(progressed(&spelling), CHANGED_ONLY);
    // Rewording every entry is still no new entry.
    let both = TWO.replace("one\n", "1\n").replace("two\n", "2\n");
    assert_eq!(progressed(&both), CHANGED_ONLY);
    // A rewording that also changes the timestamp is a rewording.
    let new = TWO.replace("21:05Z) one", "21:06Z) uno");
    assert_eq!(progressed(&new), CHANGED_ONLY);
}

#[test]
fn replacing_an_entry_by_another_is_not_progress() {
    let new = TWO.replace(
        "- [x] (2026-02-03 21:05Z) one\n",
        "- [x] (2026-02-05 10:00Z) three\n",
    );
    assert_eq!(progressed(&new), CHANGED_ONLY);
}

#[test]
fn a_net_new_entry_is_progress() {
    let new = TWO.replace("two\n", "two\n- [x] (2026-02-05 10:00Z) three\n");
    assert_eq!(progressed(&new), PROGRESSED);
    // A new entry beside a reworded one is still one more entry.
    let new = new.replace("one\n", "uno\n");
    assert_eq!(progressed(&new), PROGRESSED);
    let again = TWO.replace("two\n", "two\n- [x] (2026-02-03 21:05Z) one\n");
    assert_eq!(progressed(&again), ProgressChange::default());
    assert_eq!(progress_change(None, TWO, "Progress"), PROGRESSED);
}

#[test]
fn a_ticked_box_or_a_new_timestamp_is_progress() {
    assert_eq!(
        progressed(&TWO.replace("- [ ] (2026-02-04", "- [x] (2026-02-04")),
        PROGRESSED
    );
    assert_eq!(progressed(&TWO.replace("09:00Z", "09:30Z")), PROGRESSED);
    assert_eq!(
        progressed(&TWO.replace("(2026-02-04 09:00Z)", "(2026-02-06 11:00Z)")),
        PROGRESSED
    );
    let untimed = "## Progress\n\n- [ ] wire the store\n";
    let stamped = "## Progress\n\n- [x] (2026-02-06 11:00Z) wire the store\n";
    assert_eq!(
        progress_change(Some(untimed), stamped, "Progress"),
        PROGRESSED
    );
    let timed = "## Progress\n\n- wire the store\n";
    let dated = "## Progress\n\n- 2026-02-06: wire the store\n";
    assert_eq!(progress_change(Some(timed), dated, "Progress"), PROGRESSED);
}

#[test]
fn moving_a_timestamp_or_its_brackets_is_not_progress() {
    let new = TWO.replace("(2026-02-03 21:05Z) one", "2026-02-03 21:05Z: one");
    assert_eq!(progressed(&new), CHANGED_ONLY);
}

#[test]
fn no_change_is_neither() {
    assert_eq!(progressed(TWO), ProgressChange::default());
    let deleted = TWO.replace("- [x] (2026-02-03 21:05Z) one\n", "");
    assert_eq!(progressed(&deleted), ProgressChange::default());
}

/// Many entries reworded alike, each with its own stamp: the stamps are looked up by the rest of
/// the text, so this stays one pass.
#[test]
fn many_reworded_entries_with_one_rest_are_compared_in_one_pass() {
    let count = 50_000;
    let old: String = (0..count)
        .map(|i| format!("- (2026-01-01 {:02}:{:02}Z) same\n", i / 60 % 24, i % 60))
        .collect();
    let new = old.replace("Z) same", "Z): same");
    let old = format!("## Progress\n\n{old}");
    let new = format!("## Progress\n\n{new}");
    assert_eq!(progress_change(Some(&old), &new, "Progress"), CHANGED_ONLY);
}

#[test]
fn repeated_entries_are_counted_past_the_entries_both_versions_share() {
    let plan = |entries: &[&str]| {
        let list: String = entries.iter().map(|e| format!("- {e}\n")).collect();
        format!("# Plan\n\n## Progress\n{list}\n## Decision Log\n- d\n")
    };
    let old = plan(&["a", "b", "a"]);
    let change = |new: &[&str]| progress_change(Some(&old), &plan(new), "Progress");
    assert_eq!(change(&["a", "b"]), ProgressChange::default());
    assert_eq!(change(&["b", "a", "a"]), ProgressChange::default());
    // One more copy of an entry it has is no new entry.
    assert_eq!(change(&["a", "a", "b", "a"]), ProgressChange::default());
    let more = change(&["a", "b", "a", "c"]);
    assert!(more.changed && more.progressed);
    let reworded = change(&["a", "c", "a"]);
    assert!(reworded.changed && !reworded.progressed);
}

// ---- progress that means what a person means ------------------------------------------------

fn plan(entries: &[&str]) -> String {
    let list: String = entries.iter().map(|e| format!("- {e}\n")).collect();
    format!("# Plan\n\n## Progress\n\n{list}\n## Decision Log\n- d\n")
}

/// Ticking every stage of a plan, each with its completion time and what was done, was called a
/// rewording.
#[test]
fn ticking_stages_with_their_time_and_result_is_progress() {
    let old = plan(&["[ ] Stage 1: schema", "[ ] Stage 2: API", "[ ] Stage 3: UI"]);
    let new = plan(&[
        "[x] (2026-03-22 16:05 CST) Stage 1: schema, migrated and seeded",
        "[x] (2026-03-22 17:10 CST) Stage 2: API, all endpoints return 200",
        "[x] (2026-03-22 18:00 CST) Stage 3: UI",
    ]);
    assert_eq!(progress_change(Some(&old), &new, "Progress"), PROGRESSED);
    let old = plan(&["[ ] (2026-03-22) UI: wire the form", "[ ] (2026-03-22) API"]);
    let new = plan(&[
        "[x] (2026-03-22 16:05 CST) UI: wire the form",
        "[ ] (2026-03-22) API",
    ]);
    assert_eq!(progress_change(Some(&old), &new, "Progress"), PROGRESSED);
    // Rewording an open entry in place is still a rewording.
    let new = plan(&[
        "[ ] (2026-03-22) UI: wire the whole form",
        "[ ] (2026-03-22) API",
    ]);
    assert_eq!(progress_change(Some(&old), &new, "Progress"), CHANGED_ONLY);
}

/// A plan that keeps its log short drops the oldest entry as it appends the newest.
#[test]
fn appending_while_the_oldest_entries_move_out_is_progress() {
    let old = plan(&["(2026-03-01) one", "(2026-03-02) two", "(2026-03-03) three"]);
    let new = plan(&[
        "(2026-03-02) two",
        "(2026-03-03) three",
        "(2026-03-04) four",
    ]);
    assert_eq!(progress_change(Some(&old), &new, "Progress"), PROGRESSED);
    let newest_first = plan(&[
        "(2026-03-04) four",
        "(2026-03-03) three",
        "(2026-03-02) two",
    ]);
    let old_first = plan(&["(2026-03-03) three", "(2026-03-02) two", "(2026-03-01) one"]);
    assert_eq!(
        progress_change(Some(&old_first), &newest_first, "Progress"),
        PROGRESSED
    );
}

#[test]
fn copies_invisible_characters_and_blank_entries_are_no_new_entry() {
    let old = plan(&["[x] (2026-03-01) caf\u{e9} wired", "[ ] two"]);
    for new in [
        plan(&[
            "[x] (2026-03-01) caf\u{e9} wired",
            "[ ] two",
            "[x] (2026-03-01) caf\u{e9} wired",
        ]),
        plan(&["[x] (2026-03-01) cafe\u{301} wired", "[ ] two"]),
        plan(&[
            "[x] (2026-03-01) caf\u{e9}\u{2060} wired",
            "[ ] two",
            "[x] (2026-03-01) caf\u{e9} wired\u{200d}",
        ]),
        plan(&[
            "[x] (2026-03-01) caf\u{e9} wired",
            "[ ] two",
            "\u{2800}",
            "\u{301}",
            "&nbsp;",
            "<span></span>",
        ]),
    ] {
        assert_eq!(
            progress_change(Some(&old), &new, "Progress"),
            ProgressChange::default(),
            "{new:?}"
        );
    }
}

#[test]
fn entries_seen_earlier_on_the_branch_are_no_new_entry() {
    let mut earlier = EarlierEntries::default();
    earlier.insert("[x] (2026-03-01) deleted later");
    earlier.insert("[x] ticked once");
    let old = plan(&["[ ] ticked once", "[ ] two"]);
    let with =
        |entries: &[&str]| progress_delta(Some(&old), &plan(entries), "Progress", Some(&earlier));
    // Re-added after an earlier commit deleted it.
    let readded = with(&[
        "[ ] ticked once",
        "[ ] two",
        "[x] (2026-03-01) deleted later",
    ]);
    assert_eq!(readded.change, ProgressChange::default());
    assert_eq!(readded.added, ["[x] (2026-03-01) deleted later"]);
    // Ticked, unticked, and now ticked again, even with a new time.
    let again = with(&["[x] (2026-03-05 10:00Z) ticked once", "[ ] two"]);
    assert!(!again.change.progressed);
    // Without that history, both are progress.
    let fresh = progress_delta(
        Some(&old),
        &plan(&["[x] ticked once", "[ ] two"]),
        "Progress",
        None,
    );
    assert_eq!(fresh.change, PROGRESSED);
    assert_eq!(fresh.removed, ["[ ] ticked once"]);
    let new_entry = with(&["[ ] ticked once", "[ ] two", "[x] three"]);
    assert_eq!(new_entry.change, PROGRESSED);
}

#[test]
fn unticking_an_entry_is_a_change_but_not_progress() {
    let old = plan(&["[x] one", "[ ] two"]);
    let new = plan(&["[ ] one", "[ ] two"]);
    assert_eq!(progress_change(Some(&old), &new, "Progress"), CHANGED_ONLY);
}

/// An open milestone that records its partial completion in place ("completed: A; remaining:
/// B" growing by what this commit did) was refused as a rewording, and so was a done entry
/// extended by what the commit added to the work it records.
#[test]
fn an_entry_saying_more_than_it_did_is_progress() {
    let plan = |entry: &str| {
        format!("# Plan\n\n## Progress\n\n- [x] (2026-02-03 21:05Z) one\n- [ ] {entry}\n\n## Decision Log\n- d\n")
    };
    let old = plan(
        "Milestone 8: split modules (completed: extracted `momentum.cljs`; remaining: trend).",
    );
    let grown = plan("Milestone 8: split modules (completed: extracted `momentum.cljs` and extracted trend regression into `trend/regression.cljs`; remaining: trend).");
    assert_eq!(progress_change(Some(&old), &grown, "Progress"), PROGRESSED);
    // A word of the old text corrected beside the growth: it still says more.
    let edited = grown.replace("momentum.cljs", "momentum.clj");
    assert_eq!(progress_change(Some(&old), &edited, "Progress"), PROGRESSED);
    // Three more words are an edit of the wording.
    let short = plan("Milestone 8: split modules (completed: extracted `momentum.cljs` and the rest; remaining: trend).");
    assert_eq!(
        progress_change(Some(&old), &short, "Progress"),
        CHANGED_ONLY
    );
    // A done entry extended by what the commit added says more too.
    let done_old = old.replace("- [ ] Milestone", "- [x] Milestone");
    let done_grown = grown.replace("- [ ] Milestone", "- [x] Milestone");
    assert_eq!(
        progress_change(Some(&done_old), &done_grown, "Progress"),
        PROGRESSED
    );
    // An entry replaced by a longer one it shares little with is another entry, not more said.
    let replaced = plan("Milestone 9: write the user guide for the trend charts, the export, the import and every setting the dashboard offers.");
    assert_eq!(
        progress_change(Some(&old), &replaced, "Progress"),
        CHANGED_ONLY
    );
    // A sentence rewritten in other words, losing more than half of what it gains, is a
    // rewording.
    let rewritten =
        plan("Milestone 8: modules split (done: pulled `momentum.cljs` out; next: trend).");
    assert_eq!(
        progress_change(Some(&old), &rewritten, "Progress"),
        CHANGED_ONLY
    );
}

/// A repository that keeps one task list at a time replaced the finished task's checklist by the
/// next task's (a new heading, new items, all ticked by the commit that did them): that was read
/// as rewording every entry.
#[test]
fn a_task_list_replaced_by_the_next_tasks_is_progress() {
    let list = |title: &str, items: &[&str]| {
        let items: String = items.iter().map(|i| format!("- [x] {i}\n")).collect();
        format!("# Todo ({title})\n\n{items}")
    };
    let old = list(
        "BUB-17 redact tool output",
        &[
            "archive the last plan",
            "write the failing test",
            "extract the redaction helper",
        ],
    );
    let new = list(
        "BUB-19 isolate backfill errors",
        &[
            "catch errors per session",
            "log the session id",
            "add the BDD case",
        ],
    );
    assert_eq!(progress_change(Some(&old), &new, "Todo"), PROGRESSED);
    // A sub-heading both lists keep ("## Checks") is not an item kept.
    let checks = |list: String, check: &str| format!("{list}\n## Checks\n- [x] {check}\n");
    assert_eq!(
        progress_change(
            Some(&checks(old.clone(), "no leak in the export")),
            &checks(new.clone(), "bad session skipped"),
            "Todo"
        ),
        PROGRESSED
    );
    // The same items reworded under the same heading are still a rewording.
    let same_heading = list(
        "BUB-17 redact tool output",
        &[
            "catch errors per session",
            "log the session id",
            "add the BDD case",
        ],
    );
    assert_eq!(
        progress_change(Some(&old), &same_heading, "Todo"),
        CHANGED_ONLY
    );
    // A new heading over the old task's items, or over items the branch had before, is nothing new.
    let retitled = list(
        "BUB-19 isolate backfill errors",
        &[
            "archive the last plan",
            "write the failing test",
            "extract the redaction helper",
        ],
    );
    assert_eq!(
        progress_change(Some(&old), &retitled, "Todo"),
        ProgressChange::default()
    );
    let mut earlier = EarlierEntries::default();
    for key in super::section_keys(&new, "Todo") {
        earlier.insert(&key);
    }
    let delta = progress_delta(Some(&old), &new, "Todo", Some(&earlier));
    assert!(!delta.change.progressed, "{delta:?}");
    // The next list keeps a routine item of the last one: its new items still count.
    let kept = list(
        "BUB-19 isolate backfill errors",
        &[
            "archive the last plan",
            "catch errors per session",
            "log the session id",
        ],
    );
    assert_eq!(progress_change(Some(&old), &kept, "Todo"), PROGRESSED);
    // The kept item alone under the new heading is nothing new.
    let only_kept = list("BUB-19 isolate backfill errors", &["archive the last plan"]);
    assert!(!progress_change(Some(&old), &only_kept, "Todo").progressed);
}

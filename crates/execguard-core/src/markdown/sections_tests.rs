use super::*;

fn section<'t>(doc: &'t str, title: &str) -> Option<&'t str> {
    section_text(doc, title)
}

#[test]
fn sections_are_found_case_insensitively_with_their_subsections() {
    let doc = "---\ntitle: x\n---\n# Plan\n\n## progress ##\n- [x] one\n  more\n### Sub\n- two\n## Decision Log\n- d\n";
    assert_eq!(
        section(doc, "Progress"),
        Some("- [x] one\n  more\n### Sub\n- two\n")
    );
    assert_eq!(section(doc, "decision log"), Some("- d\n"));
    assert_eq!(section(doc, "Outcomes"), None);
}

#[test]
fn front_matter_is_not_a_setext_heading() {
    // Without the front matter, `title: x` over `---` would be a level-2 heading.
    let doc = "---\nProgress\n---\n# Plan\n";
    assert_eq!(section(doc, "Progress"), None);
    assert_eq!(section(doc, "Plan"), Some(""));
}

#[test]
fn headings_in_code_are_not_sections() {
    for doc in [
        "# Plan\n```\n## Progress\n```\n",
        "# Plan\n~~~markdown\n## Progress\n- a\n~~~\n",
        "# Plan\n\n    ## Progress\n",
        "# Plan\n```\n## Progress\n",
    ] {
        assert_eq!(section(doc, "Progress"), None, "{doc:?}");
    }
}

#[test]
fn a_heading_in_code_does_not_end_a_section() {
    let doc = "## Progress\n- a\n```\n## Decision Log\n```\n- b\n## Next\n";
    assert_eq!(
        section(doc, "Progress"),
        Some("- a\n```\n## Decision Log\n```\n- b\n")
    );
    assert_eq!(section(doc, "Decision Log"), None);
}

#[test]
fn quoted_and_listed_headings_are_not_sections() {
    assert_eq!(section("> ## Progress\n> - a\n", "Progress"), None);
    assert_eq!(section("- ## Progress\n  - a\n", "Progress"), None);
    let doc = "## Progress\n- a\n\n> ## Other\n\n- b\n";
    assert_eq!(section(doc, "Progress"), Some("- a\n\n> ## Other\n\n- b\n"));
}

#[test]
fn setext_headings_are_sections() {
    let doc = "Plan\n====\n\nProgress\n--------\n- a\n\nDecision Log\n---\n- d\n";
    assert_eq!(section(doc, "Progress"), Some("- a\n\n"));
    assert_eq!(section(doc, "Decision Log"), Some("- d\n"));
    // A level-1 section holds the level-2 ones under it.
    assert_eq!(section(doc, "Plan"), doc.strip_prefix("Plan\n====\n"));
    let crlf = "Progress\r\n========\r\n- a\r\n";
    assert_eq!(section(crlf, "Progress"), Some("- a\r\n"));
}

#[test]
fn emphasis_links_and_code_in_headings_are_their_text() {
    for heading in [
        "## **Progress**",
        "## *Progress*",
        "## __Progress__",
        "## `Progress`",
        "## [Progress](#progress)",
        "## Pro**gress**",
        "## Progress <!-- live -->",
        "## \u{200b}Progress\u{a0}",
    ] {
        let doc = format!("{heading}\n- a\n");
        assert_eq!(section(&doc, "Progress"), Some("- a\n"), "{heading:?}");
    }
}

#[test]
fn numbering_case_and_trailing_punctuation_do_not_matter() {
    for heading in [
        "## 3. Progress",
        "## 3) Progress",
        "## 3 Progress",
        "## 2.1 Progress",
        "## 2.1. Progress",
        "## IV. Progress",
        "## (b) Progress",
        "## B. Progress",
        "## progress:",
        "## PROGRESS",
        "## Progress.",
        "## Progress ✅",
        "## 📈 Progress",
        "#### Progress",
        "# Progress",
        "###### Progress",
        "## Progress ##",
    ] {
        let doc = format!("{heading}\n- a\n");
        assert_eq!(section(&doc, "Progress"), Some("- a\n"), "{heading:?}");
    }
}

#[test]
fn a_title_followed_by_a_parenthetical_colon_or_dash_matches() {
    for heading in [
        "## Tolerances (exception triggers)",
        "## Tolerances [draft]",
        "## Tolerances: exception triggers",
        "## Tolerances — 2026",
        "## Tolerances—2026",
        "## Tolerances – 2026",
        "## Tolerances - 2026",
        "## Tolerances -- 2026",
    ] {
        let doc = format!("{heading}\n- a\n");
        assert_eq!(section(&doc, "Tolerances"), Some("- a\n"), "{heading:?}");
    }
}

#[test]
fn a_longer_word_or_other_title_does_not_match() {
    for heading in [
        "## Progressive rollout",
        "## Progress-bar widget",
        "## Progress report",
        "## Our progress",
        "## 2026 Progress notes",
        "## Pro gress",
        "## Civil. Progress",
    ] {
        let doc = format!("{heading}\n- a\n");
        assert_eq!(section(&doc, "Progress"), None, "{heading:?}");
    }
    assert!(!title_matches("progress", ""));
}

#[test]
fn ampersand_and_and_are_the_same_title() {
    assert_eq!(
        normalise_title("Surprises and Discoveries"),
        normalise_title("surprises & discoveries")
    );
    // A plan that joins the words with a slash names the same section.
    assert_eq!(
        normalise_title("Surprises / Discoveries"),
        normalise_title("Surprises & Discoveries")
    );
    // A slash also reads as "or": the guide's `Files to create/modify` is the plans' `Files To
    // Create Or Modify`.
    assert_eq!(
        normalise_title("Files to create/modify"),
        normalise_title("Files To Create Or Modify")
    );
    assert_eq!(
        normalise_title("Risks or rollback"),
        normalise_title("Risks and Rollback")
    );
    // Only the word: `Order`, `Oracle` and `Orchestration` keep their letters.
    assert_ne!(
        normalise_title("Order of work"),
        normalise_title("andder of work")
    );
    assert!(title_matches(
        &normalise_title("Orchestration: phases"),
        &normalise_title("Orchestration")
    ));
    assert_eq!(
        section(
            "## Outcomes&Retrospective\n- a\n",
            "Outcomes & Retrospective"
        ),
        Some("- a\n")
    );
}

#[test]
fn numbers_that_are_the_title_stay() {
    assert_eq!(normalise_title("2026"), "2026");
    assert_eq!(normalise_title("3."), "3");
    assert_eq!(normalise_title("2026 goals"), "goals");
    assert_eq!(normalise_title("A note"), "a note");
}

#[test]
fn the_shallowest_then_exact_heading_wins() {
    let doc =
        "## Milestone 1\n#### Progress\n- m\n## Progress (live)\n- live\n## Progress\n- exact\n";
    assert_eq!(section(doc, "Progress"), Some("- exact\n"));
    let doc = "## Milestone 1\n#### Progress\n- m\n## Progress (live)\n- live\n";
    assert_eq!(section(doc, "Progress"), Some("- live\n"));
    let doc = "## Progress\n- first\n## Progress\n- second\n";
    assert_eq!(section(doc, "Progress"), Some("- first\n"));
}

#[test]
fn a_section_ends_at_the_next_heading_of_its_level_or_higher() {
    let doc = "## Progress\n- a\n### Week 2\n- b\n\nNotes\n-----\n- c\n";
    assert_eq!(section(doc, "Progress"), Some("- a\n### Week 2\n- b\n\n"));
    // Under a list item, `Notes` continues the item's paragraph: no heading.
    let doc = "## Progress\n- b\nNotes\n-----\n- c\n";
    assert_eq!(
        section(doc, "Progress"),
        Some(doc.trim_start_matches("## Progress\n"))
    );
    let doc = "### Progress\n- a\n## Next\n";
    assert_eq!(section(doc, "Progress"), Some("- a\n"));
    let doc = "## Progress\n- a\n# Appendix\n- b\n";
    assert_eq!(section(doc, "Progress"), Some("- a\n"));
}

#[test]
fn section_text_spans_the_section_lines() {
    let doc = "\u{feff}# Plan\r\n## Progress\r\n- a\r\n\r\n- b\r\n## Next\r\n- c\r\n";
    assert_eq!(section(doc, "Progress"), Some("- a\r\n\r\n- b\r\n"));
    assert_eq!(section(doc, "Next"), Some("- c\r\n"));
    assert_eq!(section("## Progress", "Progress"), Some(""));
    assert_eq!(section("  ## Progress\n- a", "Progress"), Some("- a"));
    assert_eq!(section("## Other\n", "Progress"), None);
    assert_eq!(section("", "Progress"), None);
}

#[test]
fn headings_know_their_level_title_and_offsets() {
    let doc = "\u{feff}# **Plan**\n\nText\n\nProgress\n===\n- a\n";
    let found = headings(doc);
    let summary: Vec<(usize, &str, usize, usize)> = found
        .iter()
        .map(|h| (h.level, h.title.as_str(), h.start, h.body_start))
        .collect();
    assert_eq!(summary, [(1, "Plan", 0, 11), (1, "Progress", 18, 31)]);
}

/// Deep nesting, many headings and long titles: the outline is read in one parser pass and each
/// lookup scans the headings once.
#[test]
fn a_large_document_is_read_in_one_pass() {
    let mut doc = String::new();
    for i in 0..20_000 {
        doc.push_str(&format!("## Step {i}\n- done\n### Detail\n"));
    }
    doc.push_str("## Progress\n- last\n");
    doc.push_str(&"> ".repeat(5_000));
    doc.push_str("## Not a heading\n");
    let outline = Outline::of(&doc);
    assert_eq!(outline.headings().len(), 40_001);
    for _ in 0..4 {
        assert!(outline.section_text("Progress").is_some());
        assert!(outline.section_text("Decision Log").is_none());
    }
}

/// A bilingual plan writes each title and its translation, `## Progress / 진행 상황`: the title
/// before a slash set off by spaces is the section's, whatever follows.
#[test]
fn a_title_followed_by_its_translation_after_a_slash_is_the_section() {
    let doc = "## Progress / 진행 상황\n- a\n## Surprises & Discoveries / 놀라운 발견\n- b\n";
    assert_eq!(section(doc, "Progress"), Some("- a\n"));
    assert_eq!(section(doc, "Surprises & Discoveries"), Some("- b\n"));
    // Not a slash inside a word.
    assert_eq!(section("## Progress/진행\n- a\n", "Progress"), None);
    assert_eq!(section("## Progressive / rollout\n- a\n", "Progress"), None);
    // The joined title still reads as one: `Surprises / Discoveries`.
    assert_eq!(
        section(
            "## Surprises / Discoveries\n- c\n",
            "Surprises & Discoveries"
        ),
        Some("- c\n")
    );
}

/// cannon-golf keeps a checklist's boxes under `## Tasks and Progress`: two titles joined by `and`
/// or `&` carry each of them, in either place; a title holding `and` itself is still read whole.
#[test]
fn two_titles_joined_by_and_carry_each_of_them() {
    let doc = "## Tasks and Progress\n- a\n## Surprises & Discoveries\n- b\n";
    assert_eq!(section(doc, "Tasks"), Some("- a\n"));
    assert_eq!(section(doc, "Progress"), Some("- a\n"));
    assert_eq!(
        section("## Tasks & Progress\n- a\n", "Tasks"),
        Some("- a\n")
    );
    assert_eq!(
        section("## Decisions and Progress (live)\n- a\n", "Progress"),
        Some("- a\n")
    );
    assert_eq!(
        section("## Risks, Tasks and Progress\n- a\n", "Progress"),
        Some("- a\n")
    );
    // Whole titles only, and an exact heading first.
    for heading in [
        "## Tasks and",
        "## Tasksmaster and Progressive",
        "## Progress report and Tasks list",
        "## Tasks and Progress report",
        "## Tasks-and-Progress",
    ] {
        let doc = format!("{heading}\n- a\n");
        assert_eq!(section(&doc, "Progress"), None, "{heading:?}");
    }
    let doc = "## Tasks and Progress\n- a\n## Progress\n- b\n";
    assert_eq!(section(doc, "Progress"), Some("- b\n"));
    // A title holding `and` is not met by one of its words.
    assert_eq!(
        section("## Surprises\n- a\n", "Surprises & Discoveries"),
        None
    );
    assert_eq!(
        section("## Outcomes\n- a\n", "Outcomes & Retrospective"),
        None
    );
    assert_eq!(
        section("## Retrospective\n- a\n", "Outcomes & Retrospective"),
        None
    );
    assert_eq!(
        section(
            "## Surprises & Discoveries and Decision Log\n- a\n",
            "Surprises & Discoveries"
        ),
        Some("- a\n")
    );
}

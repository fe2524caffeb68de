use super::*;

const M: &str = "EXEC-READY";

#[track_caller]
fn assert_marker(doc: &str) {
    assert!(has_marker(doc, M), "{doc:?} should carry the marker");
}

#[track_caller]
fn assert_no_marker(doc: &str) {
    assert!(!has_marker(doc, M), "{doc:?} should not carry the marker");
}

/// Each form alone, and inside a document between a title and a body.
#[track_caller]
fn assert_freezes(form: &str) {
    assert_marker(form);
    assert_marker(&format!("# Spec\n\n{form}\n\nUsers log in.\n"));
}

#[track_caller]
fn assert_does_not_freeze(form: &str) {
    assert_no_marker(form);
    assert_no_marker(&format!("# Spec\n\n{form}\n\nUsers log in.\n"));
}

#[test]
fn decorated_markers_count() {
    for form in [
        "EXEC-READY",
        "**EXEC-READY**",
        "`EXEC-READY`",
        "_EXEC-READY_",
        "***`EXEC-READY`***",
        "Status: EXEC-READY",
        "status: **EXEC-READY**",
        "**Status:** EXEC-READY",
        "**Status**: `EXEC-READY`",
        "Spec status: EXEC-READY",
        "<!-- EXEC-READY -->",
        "<!-- Status: EXEC-READY -->",
        "<!--\nEXEC-READY\n-->",
        "## EXEC-READY",
        "# EXEC-READY #",
        "## Status: EXEC-READY",
        "> EXEC-READY",
        "> **Status:** EXEC-READY",
        "- EXEC-READY",
        "* Status: EXEC-READY",
        "1. EXEC-READY",
        "  EXEC-READY  ",
        "EXEC-READY\n---",
        "[EXEC-READY](https://example.com/status)",
        "EXEC\\-READY",
        "Status: <b>EXEC-READY</b>",
        "<p>EXEC-READY</p>",
        "<div align=\"center\">\n<b>Status:</b>&nbsp;EXEC&#8209;READY\n</div>",
    ] {
        assert_freezes(form);
    }
}

#[test]
fn punctuation_parentheticals_and_symbols_count() {
    for form in [
        "Status: EXEC-READY.",
        "EXEC-READY!",
        "Status: EXEC-READY (approved by Ana)",
        "Status: EXEC-READY (approved by Ana, 2026-02-01).",
        "EXEC-READY [signed off]",
        "✅ EXEC-READY",
        "EXEC-READY ✅",
        "🔒 Status: EXEC-READY 🔒",
        "Status: ✅ EXEC-READY",
        "Status — EXEC-READY",
        "Status | EXEC-READY",
        "EXEC-READY — approved by Ana",
        "Status: EXEC-READY 2026-02-01",
        "Status: EXEC-READY 2026-02-01T10:00Z",
        "\"EXEC-READY\"",
        "(EXEC-READY)",
        "# Login (EXEC-READY)",
        "Login spec [EXEC-READY]",
        "Status (v2): EXEC-READY",
    ] {
        assert_freezes(form);
    }
}

#[test]
fn invisible_and_look_alike_characters_do_not_hide_the_marker() {
    for zero_width in [
        '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}',
    ] {
        assert_freezes(&format!("EXEC{zero_width}-READY"));
        assert_freezes(&format!("{zero_width}EXEC-READY{zero_width}"));
        assert_freezes(&format!("Status:{zero_width} EXEC-{zero_width}READY"));
    }
    for space in [
        '\u{a0}', '\u{2007}', '\u{202f}', '\u{3000}', '\u{2003}', '\t',
    ] {
        assert_freezes(&format!("Status:{space}EXEC-READY"));
    }
    for hyphen in ['\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2212}'] {
        assert_freezes(&format!("EXEC{hyphen}READY"));
    }
    assert_freezes("Status:&nbsp;EXEC&#x2011;READY");
    assert_freezes("\u{415}X\u{415}C-READY");
    assert_freezes("ＥＸＥＣ－ＲＥＡＤＹ");
    assert_freezes("\u{202e}EXEC-READY\u{202c}");
}

#[test]
fn table_cells_are_units() {
    assert_marker(
        "# Spec\n\n| Field | Value |\n|---|---|\n| Status | EXEC-READY |\n| Owner | Ana |\n",
    );
    assert_marker("| Status | **EXEC-READY** ✅ |\n|---|---|\n");
    assert_marker("| EXEC-READY |\n|---|\n| body |\n");
    assert_marker("| Status | EXEC-READY<br>signed off by Ana |\n|---|---|\n");
    assert_no_marker("| Status | Not EXEC-READY |\n|---|---|\n");
    assert_no_marker("| Status | ~~EXEC-READY~~ draft |\n|---|---|\n");
}

#[test]
fn list_items_and_continuation_paragraphs_are_units() {
    assert_marker("# Spec\n\n- Owner: Ana\n- Status: EXEC-READY\n");
    assert_marker("# Spec\n\n- Review\n\n  EXEC-READY\n");
    assert_marker("# Spec\n\n1. Review\n\n   Status: EXEC-READY\n");
    assert_marker("- a\n  - b\n    - EXEC-READY\n");
    assert_marker("> - quoted\n>\n>   EXEC-READY\n");
}

#[test]
fn task_items_count_only_when_checked() {
    assert_freezes("- [x] EXEC-READY");
    assert_freezes("- [X] Status: EXEC-READY");
    assert_does_not_freeze("- [ ] EXEC-READY");
    assert_does_not_freeze("* [ ] **EXEC-READY**");
    assert_does_not_freeze("- [ ] Review\n\n  EXEC-READY");
    assert_marker("- [ ] Review\n  - [x] EXEC-READY\n");
    assert_does_not_freeze("[ ] EXEC-READY");
    assert_does_not_freeze("☐ EXEC-READY");
}

#[test]
fn mentions_do_not_count() {
    for form in [
        "not yet EXEC-READY",
        "Not EXEC-READY",
        "NOT EXEC-READY",
        "This spec is EXEC-READY once reviewed.",
        "This spec will be EXEC-READY soon",
        "EXEC-READY?",
        "Is it EXEC-READY?",
        "Status: not EXEC-READY",
        "Status: EXEC-READY?",
        "Status: EXEC-READY soon",
        "Not yet: EXEC-READY",
        "Not (EXEC-READY)",
        "Login (not EXEC-READY)",
        "This spec will be (EXEC-READY) soon",
        "EXECPLAN-READY",
        "NOT-EXEC-READY",
        "not exec-ready",
        "Status: EXEC-READY-ish",
        "EXEC-READY2",
        "see: the EXEC-READY rule",
        "When the spec is done, a human adds EXEC-READY",
        "❌ EXEC-READY",
        "EXEC-READY ❌",
        "🚫 Status: EXEC-READY",
        "!EXEC-READY",
        "Status: <!-- EXEC-READY -->",
        "<!-- not EXEC-READY -->",
        "<!--\nNotes\nEXEC-READY\n-->",
        "<pre>\nEXEC-READY\n</pre>",
        "[link](EXEC-READY)",
        "![](EXEC-READY.png)",
    ] {
        assert_does_not_freeze(form);
    }
}

#[test]
fn struck_markers_do_not_count() {
    assert_does_not_freeze("~~EXEC-READY~~");
    assert_does_not_freeze("~EXEC-READY~");
    assert_does_not_freeze("Status: ~~EXEC-READY~~");
    assert_does_not_freeze("<del>EXEC-READY</del>");
    assert_does_not_freeze("<div><s>EXEC-READY</s></div>");
    assert_freezes("Status: ~~draft~~ EXEC-READY");
}

#[test]
fn marker_in_code_block_does_not_count() {
    assert_no_marker("# Spec\n\n```\nEXEC-READY\n```\n");
    assert_no_marker("# Spec\n\n~~~md\nEXEC-READY\n~~~\n");
    assert_no_marker("# Spec\n\n    EXEC-READY\n");
    assert_no_marker("# Spec\n\n- item\n\n      EXEC-READY\n");
    assert_no_marker("# Spec\n\n> ```\n> EXEC-READY\n> ```\n");
    assert_no_marker("# Spec\n\n```\nEXEC-READY\n");
    assert_marker("# Spec\n\n```\ncode\n```\nEXEC-READY\n");
}

#[test]
fn bom_and_crlf_do_not_hide_the_marker() {
    assert_marker("\u{feff}EXEC-READY\r\n# Spec\r\n");
    assert_marker("# Spec\r\n\r\n**EXEC-READY**\r\n");
    assert_marker("\u{feff}---\r\nstatus: EXEC-READY\r\n---\r\n# Spec\r\n");
}

#[test]
fn front_matter_marker_counts() {
    assert_marker("---\nstatus: EXEC-READY\n---\n# Spec\n");
    assert_marker("---\ntitle: Login\nstatus: \"EXEC-READY\"\n...\n# Spec\n");
    assert_no_marker("---\nstatus: draft\nnote: not EXEC-READY\n---\n# Spec\n");
}

#[test]
fn a_paragraph_line_is_a_unit() {
    assert_marker("# Spec\nOwner: Ana\nStatus: EXEC-READY\nUsers log in.\n");
    assert_marker("Some text  \nEXEC-READY\\\nmore text\n");
    assert_no_marker("The spec becomes EXEC-READY when Ana says so.\n");
}

#[test]
fn any_configured_token_is_a_marker() {
    assert!(has_marker("Status: FROZEN\n", "FROZEN"));
    assert!(has_marker(
        "**Approved for build** ✅\n",
        "Approved for build"
    ));
    assert!(has_marker("State: [ready]\n", "[ready]"));
    assert!(has_marker("✔✔\n", "✔✔"));
    assert!(!has_marker("Not FROZEN\n", "FROZEN"));
    assert!(!has_marker("EXEC-READY\n", ""));
    assert!(!has_marker("EXEC-READY\n", "READY"));
}

#[test]
fn execplan_marker_is_read_the_same_way() {
    assert!(has_marker(
        "# Plan\n\n**EXECPLAN-READY** ✅\n",
        "EXECPLAN-READY"
    ));
    assert!(!has_marker(
        "# Plan\n\n- [ ] EXECPLAN-READY\n",
        "EXECPLAN-READY"
    ));
    assert!(!has_marker("# Plan\n\nEXEC-READY\n", "EXECPLAN-READY"));
}

/// Every reading moves forward through the text: a large document of the worst shapes for each
/// part is read in one pass (were any part quadratic, this test would run for minutes).
#[test]
fn a_one_mebibyte_document_is_read_in_one_pass() {
    let size = 1 << 20;
    let shapes = [
        "*".repeat(size) + "x",
        "a ".repeat(size / 2),
        "Status: ".repeat(size / 8),
        "EXEC-READY ".repeat(size / 11),
        "- [ ] EXEC-READY\n".repeat(size / 17),
        "<div>\n".to_string() + &"<a<b&x".repeat(size / 6),
        "<!--".repeat(size / 4),
        "| a | b |\n|---|---|\n".to_string() + &"| EXEC-READY? | x |\n".repeat(size / 19),
        "(".repeat(size / 2) + "EXEC-READY soon",
        "EXEC-READY".to_string() + &" (x)".repeat(size / 4) + " soon",
        "[".repeat(size / 2),
        "> ".repeat(size / 4) + "x",
        "\u{200b}".repeat(size / 3),
    ];
    for shape in &shapes {
        assert!(!has_marker(shape, M), "{}", &shape[..40.min(shape.len())]);
    }
    assert!(has_marker(&(shapes[1].clone() + "\n\nEXEC-READY\n"), M));
    assert!(has_marker(
        &("EXEC-READY ".to_string() + &"(".repeat(size)),
        M
    ));
}

/// The ASCII fast path reads text as the general one does: white space runs made one space.
#[test]
fn ascii_text_folds_like_any_text() {
    for text in [
        "",
        "  ",
        "Status:  EXEC-READY ",
        "\tStatus:\u{b}EXEC-READY\u{c}\r\n",
        "a\n\nb  c",
        "EXEC-READY",
    ] {
        let general: Vec<&str> = text
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(fold(text), general.join(" "), "{text:?}");
    }
}

/// The head of a document before its first blank line after the marker is read first; whatever
/// follows that head must not change a verdict the whole document gives.
#[test]
fn reading_the_head_first_gives_the_whole_documents_verdict() {
    let tail = "\n\n## Progress\n\n- [x] one\n- [ ] two\n";
    for doc in [
        "# Plan\n\nEXEC-READY\n\nBody.\n",
        // A link whose reference is defined after the head.
        "# Plan\n\n[EXEC-READY][r]\n\nBody.\n\n[r]: https://example.invalid\n",
        "# Plan\n\nStatus: [EXEC-READY]\n\nBody.\n\n[EXEC-READY]: https://example.invalid\n",
        // An HTML comment that closes only after the head.
        "# Plan\n\n<!--\nEXEC-READY\n\nnot a marker\n-->\n",
        "# Plan\n\n<!-- EXEC-READY\n\n-->\n",
        // A code fence that closes only after the head.
        "# Plan\n\n```\nEXEC-READY\n\n```\n",
        "# Plan\n\n~~~text\nStatus: EXEC-READY\n\nmore\n~~~\n",
        // An HTML block that runs past a blank line.
        "# Plan\n\n<pre>\nEXEC-READY\n\n</pre>\n",
        "# Plan\n\n<script>\nEXEC-READY\n\n</script>\n",
        // Front matter that closes after the head.
        "---\nstatus: EXEC-READY\n\ntitle: x\n---\n# Plan\n",
        "---\n\nEXEC-READY\n\n---\n",
        // A setext heading and a table.
        "Plan\n\nEXEC-READY\n===\n\nBody.\n",
        "| Status |\n| --- |\n| EXEC-READY |\n\nBody.\n",
        // A mention first, the marker later.
        "# Plan\n\nWe will add EXEC-READY later.\n\nEXEC-READY\n",
        "# Plan\n\n- [ ] EXEC-READY\n\n- [x] EXEC-READY\n",
        "# Plan\n\n~~EXEC-READY~~\n\nBody.\n",
        "> EXEC-READY\n>\n> quoted\n\nBody.\n",
        "- EXEC-READY\n\n  more of the item\n",
    ] {
        for doc in [doc.to_string(), format!("{doc}{tail}")] {
            assert_eq!(
                has_marker(&doc, M),
                shows_marker(&doc, M, false),
                "{doc:?}: the head and the whole document disagree"
            );
        }
    }
}

#[test]
fn a_marker_at_the_top_of_a_long_plan_is_found() {
    let mut doc = String::from("# Plan\n\n**Status:** EXEC-READY\n\n## Progress\n\n");
    for i in 0..2_000 {
        doc.push_str(&format!("- [x] (2026-01-01 10:00Z) step {i}\n"));
    }
    assert_marker(&doc);
    assert_no_marker(&doc.replace("EXEC-READY", "DRAFT"));
}

/// A status line written in another case carries the marker, as a section title in another case
/// is the section: `Status: Complete` under a `COMPLETE` marker was not found.
#[test]
fn markers_match_without_regard_to_case() {
    for form in [
        "exec-ready",
        "Status: Exec-Ready",
        "**status**: exec-ready ✅",
    ] {
        assert_freezes(form);
    }
    assert!(has_marker("# Plan\n\nStatus: Complete\n", "COMPLETE"));
    assert!(has_marker(
        "# Plan\n\n> STATUS: complete (2026-03-01)\n",
        "Complete"
    ));
    assert!(!has_marker("# Plan\n\nStatus: Completed\n", "COMPLETE"));
    assert!(!has_marker("# Plan\n\nStatus: not complete\n", "COMPLETE"));
}

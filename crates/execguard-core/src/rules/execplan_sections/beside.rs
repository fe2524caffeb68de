//! Documents a team keeps beside its plans that are not plans: a findings note, an analysis
//! report, an inventory, a runbook or paste-in prompt that serves a plan, or a short stub
//! pointing at a plan kept elsewhere.
//!
//! Plan folders hold more than plans, and a team's own audit calls such a file "a findings note,
//! not a plan". Judging it as a plan refuses a commit for sections it was never meant to have. A
//! plan that lacks its sections, though, must stay refused, so the reading is narrow: every test
//! below must hold, and a file that says it is a plan stays one.

use pulldown_cmark::{Event, Parser, Tag};

use crate::config::Layout;
use crate::context::planning::relative_to;
use crate::findings::BesidePlans;
use crate::markdown::{has_open_box, split_front_matter, titles_in_fences, Outline};
use crate::model::RepoPath;

/// Words that name a document of another kind than a plan, when one ends the title (or a part
/// of it before a colon or dash) or the file name: `Backend Inventory 2026-07`, `M1 Findings`.
const OTHER_KINDS: &[&str] = &[
    "report",
    "reports",
    "finding",
    "findings",
    "inventory",
    "analysis",
    "analyses",
    "audit",
    "note",
    "notes",
    "research",
    "review",
    "summary",
    "investigation",
    "postmortem",
    "memo",
    // What a team keeps to carry a plan out, not to plan: `...-agent-runbook.md`, a handoff to
    // the next session, a paste-in prompt, a release checklist.
    "runbook",
    "runbooks",
    "playbook",
    "playbooks",
    "handoff",
    "handoffs",
    "handover",
    "prompt",
    "prompts",
    "checklist",
    "checklists",
    "guide",
    "guides",
    "instructions",
];

/// Words that, on a line naming another plan's path, say the document serves that plan
/// (`Execution plan: docs/plan/x.md`, `Fully implement docs/plan/x.md`).
const SERVING_CUES: &[&str] = &[
    "execution plan",
    "implement",
    "execute",
    "carry out",
    "serves",
];

/// Words a stub uses of itself in a heading (`## Why this stub exists on main`).
const POINTER_WORDS: &[&str] = &["stub", "pointer", "placeholder"];

/// How long a pointer may be: a few lines of links and status, not a plan's worth of text.
const POINTER_MAX_LINES: usize = 40;

/// The sections that make a document a plan whatever it is called: the required ones and the
/// Progress section.
pub struct PlanSigns<'a> {
    pub layout: &'a Layout,
    pub sections: Vec<String>,
}

/// What the document at `path` is when it is kept beside the plans rather than being one: it
/// has none of the plan sections (not even inside a fence), no readiness marker, no open task,
/// does not call itself a plan, and names another kind of document or is a short pointer.
pub fn kept_beside_plans(
    path: &RepoPath,
    text: &str,
    signs: &PlanSigns<'_>,
) -> Option<BesidePlans> {
    let outline = Outline::of(text);
    if signs
        .sections
        .iter()
        .any(|title| outline.section_range(title).is_some())
        || !titles_in_fences(text, &signs.sections).is_empty()
        || signs.layout.execplan_marker.found_in(text)
        || has_open_box(text)
    {
        return None;
    }
    let title = title(&outline, text);
    let stem = path.stem();
    let called = [title.as_str(), stem.as_str()]
        .into_iter()
        .find_map(other_kind);
    let serves = serves_another_plan(path, text, signs.layout);
    // `Agent command: implement project DX plan` in `...-agent-runbook.md` names the plan it
    // serves, not itself; only a kind word together with that plan's path excuses the title.
    let title_names_another = called.is_some() && serves.is_some();
    if calls_itself_a_plan(&title, &stem, text, title_names_another) {
        return None;
    }
    match (called, serves) {
        (called, Some(plan)) => return Some(BesidePlans::Serves { called, plan }),
        (Some(called), None) => return Some(BesidePlans::Named { called }),
        (None, None) => {}
    }
    let short = text.lines().filter(|line| !line.trim().is_empty()).count() <= POINTER_MAX_LINES;
    let says_stub = outline
        .headings()
        .iter()
        .any(|heading| words(&heading.title).any(|w| POINTER_WORDS.contains(&w.as_str())));
    (short && (says_stub || links_to_a_plan(path, text, signs.layout)))
        .then_some(BesidePlans::Pointer)
}

/// The document's title: its first heading, else the `title:` of its front matter.
fn title(outline: &Outline<'_>, text: &str) -> String {
    if let Some(first) = outline.headings().first() {
        return first.title.clone();
    }
    split_front_matter(text)
        .and_then(|(front, _)| {
            front.lines().find_map(|line| {
                line.trim()
                    .strip_prefix("title:")
                    .map(|t| t.trim().trim_matches(['"', '\'']).to_string())
            })
        })
        .unwrap_or_default()
}

/// Lowercase words of `text`, split at anything that is not a letter or digit.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// A title or file name with `plan` in it (`Sprint Plan`, `wal-durability-plan`, `ExecPlan:`,
/// `PLAN-1884-...`), front matter `type: plan`, or a sentence about "this plan": the document
/// says what it is. With `title_names_another`, a plan word in the title is taken to name the
/// plan the document serves; the file name and the sentences still count.
fn calls_itself_a_plan(title: &str, stem: &str, text: &str, title_names_another: bool) -> bool {
    let plan_word = |w: &String| matches!(w.as_str(), "plan" | "plans" | "execplan" | "execplans");
    if (!title_names_another && words(title).any(|w| plan_word(&w)))
        || words(stem).any(|w| plan_word(&w))
    {
        return true;
    }
    let lower = text.to_lowercase();
    [
        "this execplan",
        "this exec plan",
        "this plan",
        "this execution plan",
        "type: plan",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
}

/// The kind word that ends the title or file name, or one of its parts (split at `:`, a dash or
/// `|`, parentheticals dropped, numbers and dates skipped); or that starts a part followed by
/// `of`, `for` or `on` (`Audit of the billing jobs`).
fn other_kind(name: &str) -> Option<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let is_kind = |w: &str| OTHER_KINDS.contains(&w);
    plain
        .split([':', '|', '—', '–'])
        .flat_map(|part| part.split(" - "))
        .find_map(|part| {
            let part: Vec<String> = words(part)
                .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
                .collect();
            let last = part.last().filter(|w| is_kind(w));
            let first = match part.as_slice() {
                [first, link, ..]
                    if is_kind(first) && matches!(link.as_str(), "of" | "for" | "on") =>
                {
                    Some(first)
                }
                _ => None,
            };
            last.or(first).cloned()
        })
}

/// The other plan the document serves: a path the plan layout holds, other than its own, on a
/// line that says it carries that plan out (`Execution plan: \`docs/plan/x.md\``).
fn serves_another_plan(path: &RepoPath, text: &str, layout: &Layout) -> Option<RepoPath> {
    text.lines().find_map(|line| {
        let lower = line.to_lowercase();
        if !SERVING_CUES.iter().any(|cue| lower.contains(cue)) {
            return None;
        }
        line.split(|c: char| c.is_whitespace() || "`'\"()[]<>".contains(c))
            .map(|token| token.trim_end_matches([',', '.', ';', ':']))
            .filter(|token| token.ends_with(".md") && !token.contains("://"))
            .find_map(|token| {
                // A bare file name (`CHANGELOG.md`) is too loose to name a plan: only a path
                // from the root or one starting `./` or `../` counts.
                let named = if token.starts_with('.') {
                    relative_to(path, token)?
                } else if token.contains('/') {
                    RepoPath::from(token.trim_start_matches('/'))
                } else {
                    return None;
                };
                (named != *path && layout.execplans.feature_of(&named).is_some()).then_some(named)
            })
    })
}

/// Whether the document links to another file the plan layout holds (`[plan](../x-execplan.md)`).
fn links_to_a_plan(path: &RepoPath, text: &str, layout: &Layout) -> bool {
    Parser::new(text).any(|event| match event {
        Event::Start(Tag::Link { dest_url, .. }) => {
            let target = dest_url.split('#').next().unwrap_or_default();
            if target.is_empty() || target.contains("://") {
                return false;
            }
            let rooted = RepoPath::from(target.trim_start_matches('/'));
            [Some(rooted), relative_to(path, target)]
                .into_iter()
                .flatten()
                .any(|linked| linked != *path && layout.execplans.feature_of(&linked).is_some())
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn reads(path: &str, text: &str) -> Option<BesidePlans> {
        let config = Config::parse(
            "c.toml",
            "[layout]\nexecplans = \"plans/**/{feature}.md\"\n",
        )
        .unwrap();
        let signs = PlanSigns {
            layout: &config.layout,
            sections: config.rules.execplan_sections.required.clone(),
        };
        kept_beside_plans(&path.into(), text, &signs)
    }

    fn named(kind: &str) -> Option<BesidePlans> {
        Some(BesidePlans::Named {
            called: kind.to_string(),
        })
    }

    #[test]
    fn a_findings_note_an_inventory_and_a_summary_are_not_plans() {
        assert_eq!(
            reads(
                "plans/active/req-8.md",
                "# M1 Findings: Skill Contracts (REQ-8)\n\n## Verification\n\n- [x] checked\n"
            ),
            named("findings")
        );
        assert_eq!(
            reads(
                "plans/active/backend-inventory-2026-07.md",
                "# Backend Inventory 2026-07 (Phase 1)\n\n## 1. Pass\n"
            ),
            named("inventory")
        );
        assert_eq!(
            reads(
                "plans/x_summary.md",
                "# Models - Implementation Summary\n\nDone.\n"
            ),
            named("summary")
        );
        assert_eq!(
            reads("plans/a.md", "# Audit of the billing jobs\n\nText.\n"),
            named("audit")
        );
    }

    #[test]
    fn a_short_stub_or_pointer_is_not_a_plan() {
        assert_eq!(
            reads(
                "plans/active/142.md",
                "# vt snapshot\n\n## Why this stub exists on main\n\nThe plan is on the branch.\n"
            ),
            Some(BesidePlans::Pointer)
        );
        assert_eq!(
            reads(
                "plans/active/moved.md",
                "# Login\n\nSee [the plan](../done/login.md).\n"
            ),
            Some(BesidePlans::Pointer)
        );
    }

    #[test]
    fn a_document_that_says_it_is_a_plan_stays_one() {
        assert_eq!(reads("plans/a.md", "# Findings plan\n\nText.\n"), None);
        assert_eq!(reads("plans/a-plan.md", "# Audit report\n\nText.\n"), None);
        assert_eq!(
            reads("plans/a.md", "# Audit report\n\nThis plan fixes it.\n"),
            None
        );
        assert_eq!(
            reads("plans/a.md", "---\ntype: plan\n---\n# Audit report\n"),
            None
        );
    }

    #[test]
    fn a_section_a_marker_or_an_open_task_keeps_it_a_plan() {
        assert_eq!(
            reads("plans/a.md", "# Findings\n\n## Progress\n\n- done\n"),
            None
        );
        assert_eq!(reads("plans/a.md", "# Findings\n\nEXECPLAN-READY\n"), None);
        assert_eq!(reads("plans/a.md", "# Findings\n\n- [ ] do it\n"), None);
        assert_eq!(
            reads("plans/a.md", "# Findings\n\n```md\n## Decision Log\n```\n"),
            None
        );
    }

    #[test]
    fn a_kind_word_inside_a_name_or_a_long_stub_is_not_enough() {
        assert_eq!(
            reads(
                "plans/review-queue.md",
                "# Review queue redesign\n\nText.\n"
            ),
            None
        );
        assert_eq!(reads("plans/audit-log.md", "# Audit log rework\n"), None);
        let long = format!("# Login\n\n## Stub\n\n{}", "line\n".repeat(50));
        assert_eq!(reads("plans/login.md", &long), None);
    }

    #[test]
    fn a_runbook_serving_another_plan_is_not_a_plan() {
        let runbook = "# Agent command: implement project DX plan\n\n- Execution plan: `plans/dx.md`\n\nDo not invent a second plan.\n";
        assert_eq!(
            reads("plans/dx-agent-runbook.md", runbook),
            Some(BesidePlans::Serves {
                called: Some("runbook".to_string()),
                plan: "plans/dx.md".into(),
            })
        );
        assert_eq!(
            reads(
                "plans/go.md",
                "# Go\n\nFully implement ./dx.md, milestone by milestone.\n"
            ),
            Some(BesidePlans::Serves {
                called: None,
                plan: "plans/dx.md".into(),
            })
        );
        assert_eq!(
            reads(
                "plans/release-checklist.md",
                "# Release checklist\n\n- [x] tag\n"
            ),
            named("checklist")
        );
    }

    #[test]
    fn a_plan_word_in_the_title_stays_a_plan_without_a_kind_and_a_served_plan() {
        // A plan title without the runbook's other signs keeps it a plan.
        let served = "# Implement the DX plan\n\nExecution plan: `plans/dx.md`\n";
        assert_eq!(reads("plans/dx-next.md", served), None);
        let unserved = "# Agent command: implement project DX plan\n\nText.\n";
        assert_eq!(reads("plans/dx-agent-runbook.md", unserved), None);
        // Its own path, a bare file name, or a sentence about this plan are not enough.
        let own = "# DX runbook plan\n\nExecution plan: `plans/dx-runbook.md`\n";
        assert_eq!(reads("plans/dx-runbook.md", own), None);
        assert_eq!(
            reads(
                "plans/a.md",
                "# Billing\n\nImplement CHANGELOG.md entries.\n"
            ),
            None
        );
        let this = "# DX runbook\n\nExecution plan: `plans/dx.md`. This plan adds the CLI.\n";
        assert_eq!(reads("plans/dx-runbook.md", this), None);
    }
}

//! The supervisor's side: `execguard status` over a repository with features in different
//! states, `execguard log` and its hash chain (edits, deletions, rotation), in every format.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::*;
use serde_json::Value;

/// Three features: `login` frozen, planned and under way on `exec/login` (whose last commit
/// changes code without a Progress entry), `search` frozen with a plan not ready and missing a
/// section, `billing` a draft spec alone.
fn supervised_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("specs/billing.md", SPEC_DRAFT.replace("Login", "Billing"));
    repo.write_exec_files();
    repo.commit_unchecked("Set up the login feature");
    repo.write("specs/search.md", SPEC_FROZEN.replace("Login", "Search"));
    repo.commit_unchecked("Freeze the search spec");
    repo.write(
        "plans/search-execplan.md",
        "# Search execplan\n\nSpec: specs/search.md\n\n## Progress\n\n- [ ] (2026-01-03 09:00Z) Index the titles.\n\n## Decision Log\n\nNone.\n",
    );
    repo.commit_unchecked("Draft the search plan");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo.add_progress("Session store wired");
    repo.append("src/auth.rs", "pub fn session() {}\n");
    repo.commit_unchecked("Wire the session store");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout");
    repo
}

#[test]
fn status_json_gives_each_feature_its_state() {
    let repo = supervised_repo();
    let setup = repo.git(["rev-parse", "main~2"]).trim().to_string();
    let status = status_json(&repo);
    let names: Vec<&str> = status["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["billing", "login", "search"], "{status:#}");

    let login = status_feature(&status, "login");
    assert_eq!(login["spec"]["frozen"], true);
    assert_eq!(login["spec"]["since"], setup.as_str(), "{login:#}");
    assert_eq!(login["spec"]["by"], "Test Agent");
    assert_eq!(login["design"], "designs/login.md");
    assert_eq!(login["plan"]["ready"], true);
    assert_eq!(login["plan"]["missing_sections"], serde_json::json!([]));
    assert_eq!(login["progress"]["done"], 2);
    assert_eq!(login["progress"]["total"], 2);
    assert_eq!(
        login["progress"]["last_entry"],
        "[x] (2026-01-02 10:00Z) Session store wired"
    );
    // The last entry came with "Wire the session store"; "Add logout" came after it.
    assert_eq!(login["progress"]["commits_since"], 1, "{login:#}");
    assert_eq!(
        login["progress"]["last_entry_commit"],
        repo.git(["rev-parse", "HEAD~1"]).trim()
    );
    assert_eq!(login["findings"]["progress-update"], 1, "{login:#}");
    assert_eq!(login["refusals"], 0);
    assert_eq!(login["escalations"], serde_json::json!([]));

    let search = status_feature(&status, "search");
    assert_eq!(search["spec"]["frozen"], true);
    assert_eq!(
        search["spec"]["since"],
        repo.git(["rev-parse", "main~1"]).trim()
    );
    assert_eq!(search["plan"]["ready"], false);
    assert_eq!(
        search["plan"]["missing_sections"],
        serde_json::json!(["Surprises & Discoveries", "Outcomes & Retrospective"])
    );
    assert_eq!(search["progress"]["done"], 0);
    assert_eq!(search["progress"]["total"], 1);

    let billing = status_feature(&status, "billing");
    assert_eq!(billing["spec"]["frozen"], false);
    assert_eq!(billing["spec"]["path"], "specs/billing.md");
    assert_eq!(billing["plan"]["path"], Value::Null);
    assert_eq!(billing["plan"]["ready"], false);

    assert_eq!(status["branch"]["name"], "exec/login");
    assert_eq!(status["branch"]["base"], "main");
    assert_eq!(status["branch"]["commits"], 2);
}

#[test]
fn status_human_and_markdown_show_the_same_facts() {
    let repo = supervised_repo();
    let setup = repo
        .git(["rev-parse", "--short=7", "main~2"])
        .trim()
        .to_string();
    let human = repo.execguard(["status"]);
    human.assert_ok();
    let text = &human.stdout;
    for expected in [
        "branch exec/login against main: 2 commits, findings: progress-update ×1",
        &format!("  spec:        specs/login.md, frozen since {setup} by Test Agent"),
        "  design:      designs/login.md",
        "  plan:        plans/login-execplan.md, ready",
        "  plan:        plans/search-execplan.md, not ready, missing sections: Surprises & Discoveries, Outcomes & Retrospective",
        "  spec:        specs/billing.md, draft (not frozen)",
        "  last entry:  [x] (2026-01-02 10:00Z) Session store wired",
        "1 commit since",
        "  escalations: none open",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let markdown = repo.execguard(["status", "--format", "markdown"]);
    markdown.assert_ok();
    let lines: Vec<&str> = markdown.stdout.lines().collect();
    assert!(lines.contains(
        &"| Feature | Spec | Design | Plan | Progress | Findings | Refusals | Open escalations |"
    ));
    let rows: Vec<&&str> = lines.iter().filter(|l| l.starts_with("| ")).collect();
    // The header and one row a feature.
    assert_eq!(rows.len(), 4, "{}", markdown.stdout);
    let login = rows.iter().find(|r| r.starts_with("| login |")).unwrap();
    assert!(login.contains("progress-update ×1"), "{login}");
    assert!(login.contains("2/2 done"), "{login}");
    let billing = rows.iter().find(|r| r.starts_with("| billing |")).unwrap();
    assert!(billing.contains("draft (not frozen)"), "{billing}");
}

#[test]
fn status_shows_escalations_and_log_keeps_them_in_the_git_directory() {
    let repo = supervised_repo();
    repo.execguard([
        "escalate",
        "--feature",
        "search",
        "Rank | by date or relevance?",
    ])
    .assert_ok();
    repo.execguard(["escalate", "Which branch do hotfixes go to?"])
        .assert_ok();
    let status = status_json(&repo);
    let search = status_feature(&status, "search");
    assert_eq!(search["escalations"][0]["id"], 1, "{search:#}");
    assert_eq!(
        search["escalations"][0]["question"],
        "Rank | by date or relevance?"
    );
    // The branch exec/login names login: an escalation without --feature is about it.
    assert_eq!(status_feature(&status, "login")["escalations"][0]["id"], 2);
    let markdown = repo.execguard(["status", "--format", "markdown"]).stdout;
    assert!(
        markdown.contains("#1: Rank \\| by date or relevance?"),
        "{markdown}"
    );
    // Nothing in the working tree or the index: the trail lives in the git directory.
    assert_eq!(repo.git(["status", "--porcelain"]), "");
    let trail = repo.read(".git/execguard/log.jsonl");
    assert_eq!(trail.lines().count(), 2);
    repo.execguard(["escalate", "--resolve", "1", "By relevance."])
        .assert_ok();
    assert_eq!(
        status_feature(&status_json(&repo), "search")["escalations"],
        serde_json::json!([])
    );
    let human = repo.execguard(["log"]).stdout;
    assert!(human.contains("escalate resolution resolves=1"), "{human}");
    assert!(human.contains("feature=search"), "{human}");
    let json = repo.execguard(["log", "--format", "json"]).stdout;
    assert_eq!(json, repo.read(".git/execguard/log.jsonl"));
    let table = repo.execguard(["log", "--format", "markdown"]).stdout;
    assert_eq!(table.lines().count(), 5, "{table}");
    assert_eq!(repo.execguard(["log", "--since", "2999-01-01"]).stdout, "");
    assert_eq!(
        repo.execguard(["log", "--since", "2000-01-01"])
            .stdout
            .lines()
            .count(),
        3
    );
}

#[test]
fn log_verify_finds_an_edited_or_deleted_record() {
    let repo = supervised_repo();
    for question in ["one?", "two?", "three?"] {
        repo.execguard(["escalate", question]).assert_ok();
    }
    let verified = repo.execguard(["log", "--verify"]);
    verified.assert_ok();
    assert!(
        verified.stdout.contains("3 records hold together"),
        "{verified:#?}"
    );
    let trail = repo.read(".git/execguard/log.jsonl");

    repo.write(".git/execguard/log.jsonl", trail.replace("two?", "two!"));
    let edited = repo.execguard(["log", "--verify"]);
    assert_eq!(edited.code, Some(1), "{edited:#?}");
    assert!(
        edited
            .stdout
            .contains("record 3 does not follow record 2: record 2 was edited"),
        "{edited:#?}"
    );

    let lines: Vec<&str> = trail.lines().collect();
    repo.write(
        ".git/execguard/log.jsonl",
        format!("{}\n{}\n", lines[0], lines[2]),
    );
    let deleted = repo.execguard(["log", "--verify"]);
    assert_eq!(deleted.code, Some(1), "{deleted:#?}");
    assert!(
        deleted.stdout.contains("record 3 does not follow record 1"),
        "{deleted:#?}"
    );

    repo.write(".git/execguard/log.jsonl", format!("{}\n", lines[2]));
    let head_cut = repo.execguard(["log", "--verify"]);
    assert_eq!(head_cut.code, Some(1));
    assert!(
        head_cut
            .stdout
            .contains("the records before it were deleted"),
        "{head_cut:#?}"
    );
}

#[test]
fn log_rotates_and_the_chain_holds_across_files() {
    let repo = supervised_repo();
    // A question as long as one argument may be: a few of them pass the size that rotates.
    let long = "q".repeat(120_000);
    for _ in 0..10 {
        repo.execguard(["escalate", &long]).assert_ok();
    }
    let dir = repo.path(".git/execguard");
    assert!(dir.join("log.1.jsonl").is_file(), "the trail rotated");
    assert!(std::fs::metadata(dir.join("log.jsonl")).unwrap().len() < 1 << 20);
    let verified = repo.execguard(["log", "--verify"]);
    verified.assert_ok();
    assert!(
        verified.stdout.contains("10 records hold together"),
        "{verified:#?}"
    );
    // Deleting the rotated file breaks the chain at the first record of the next one.
    std::fs::remove_file(dir.join("log.1.jsonl")).unwrap();
    let cut = repo.execguard(["log", "--verify"]);
    assert_eq!(cut.code, Some(1), "{cut:#?}");
    assert!(
        cut.stdout.contains("the records before it were deleted"),
        "{cut:#?}"
    );
}

#[test]
fn log_keeps_a_bounded_number_of_files_and_verifies_from_its_anchor() {
    let repo = supervised_repo();
    let long = "q".repeat(120_000);
    // Nine records fill a file: 90 records rotate nine times, one past the eight files kept.
    for _ in 0..90 {
        repo.execguard(["escalate", &long]).assert_ok();
    }
    let dir = repo.path(".git/execguard");
    let mut rotated: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("log.") && name.ends_with(".jsonl") && name != "log.jsonl")
        .collect();
    rotated.sort();
    assert_eq!(rotated.len(), 8, "{rotated:?}");
    assert!(!rotated.contains(&"log.1.jsonl".to_string()), "{rotated:?}");
    let verified = repo.execguard(["log", "--verify"]);
    verified.assert_ok();
    let anchor = repo.read(".git/execguard/log.anchor");
    assert!(anchor.contains("\"seq\":9"), "{anchor}");
    // The oldest kept file deleted as well: the anchor no longer meets the next record.
    let oldest = rotated
        .iter()
        .min_by_key(|n| n[4..n.len() - 6].parse::<u64>().unwrap())
        .unwrap();
    std::fs::remove_file(dir.join(oldest)).unwrap();
    let cut = repo.execguard(["log", "--verify"]);
    assert_eq!(cut.code, Some(1), "{cut:#?}");
    assert!(cut.stdout.contains("does not follow record 9"), "{cut:#?}");
}

#[test]
fn hook_refusals_skips_and_ci_findings_are_recorded_and_counted() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also: remember me.\n");
    let refused = repo.commit_all("Edit the spec");
    refused.assert_refused("frozen-spec");
    let records = repo.execguard(["log", "--format", "json"]).stdout;
    let first: Value = serde_json::from_str(records.lines().next().unwrap()).unwrap();
    assert_eq!(first["layer"], "pre-commit", "{records}");
    assert_eq!(first["kind"], "refusal");
    assert_eq!(first["rule"], "frozen-spec");
    assert_eq!(first["path"], "specs/login.md");
    assert_eq!(first["feature"], "login");
    assert_eq!(first["who"], "Test Agent");
    assert_eq!(status_feature(&status_json(&repo), "login")["refusals"], 1);
    // The command the verdict names records the question, after the refusal.
    let escalate = command_after(&refused.stderr, "stop and escalate to a human (");
    assert_eq!(escalate, "execguard escalate \"<question>\"");
    let words = shlex::split(&escalate).unwrap();
    repo.execguard(&words[1..]).assert_ok();
    assert_eq!(
        status_feature(&status_json(&repo), "login")["escalations"][0]["id"],
        2
    );
    repo.git(["checkout", "-q", "HEAD", "--", "specs/login.md"]);

    // A human sets a rule aside: the skip in pre-commit, the override in commit-msg.
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.git(["add", "-A"]);
    let skipped = repo
        .command("git")
        .args([
            "commit",
            "-q",
            "-m",
            "Logout",
            "-m",
            "Execguard-Override: progress-update: approved by the lead in review",
        ])
        .env("EXECGUARD_SKIP", "progress-update")
        .output()
        .unwrap();
    assert!(skipped.status.success(), "{skipped:#?}");
    let kinds: Vec<(String, String)> = repo
        .execguard(["log", "--format", "json"])
        .stdout
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            (
                record["layer"].as_str().unwrap().to_string(),
                record["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("pre-commit".into(), "skip".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("commit-msg".into(), "override-honoured".into())),
        "{kinds:?}"
    );

    // CI: a range check records its findings too.
    repo.append("src/auth.rs", "pub fn reset() {}\n");
    repo.commit_unchecked("Reset");
    let ci = repo.execguard(["check", "--range", "HEAD~1..HEAD", "--pusher", "ana"]);
    assert_eq!(ci.code, Some(1), "{ci:#?}");
    let last: Value = serde_json::from_str(
        repo.execguard(["log", "--format", "json"])
            .stdout
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(last["layer"], "ci");
    assert_eq!(last["rule"], "progress-update");
    assert_eq!(last["who"], "ana");
    assert_eq!(last["commit"], repo.head().as_str());
    repo.execguard(["log", "--verify"]).assert_ok();
}

#[test]
fn a_trail_that_cannot_be_written_leaves_the_verdict_as_it_was() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    // A file where the trail's folder would be.
    repo.write(".git/execguard", "not a folder");
    repo.append("specs/login.md", "Also: remember me.\n");
    let run = repo.commit_all("Edit the spec");
    run.assert_refused("frozen-spec");
    assert!(
        run.stderr.contains("could not be recorded in the trail"),
        "{run:#?}"
    );
    assert_eq!(repo.read(".git/execguard"), "not a folder");
}

/// How many pixels are within a few steps of `colour`.
fn count_near(pixels: &[[u8; 4]], colour: [u8; 3]) -> usize {
    pixels
        .iter()
        .filter(|p| (0..3).all(|i| p[i].abs_diff(colour[i]) <= 3))
        .count()
}

#[test]
fn status_html_renders_in_a_real_browser_with_a_timeline_and_fetches_nothing() {
    let repo = supervised_repo();
    let run = repo.execguard(["status", "--format", "html"]);
    run.assert_ok();
    let page = repo.root.join("status.html");
    std::fs::write(&page, &run.stdout).unwrap();
    let shown = browser::render(&repo, &page);
    // The browser parsed the page (it adds the tbody the source leaves out) and kept the
    // timelines and the state of each feature.
    assert!(shown.dom.contains("<tbody>"), "{}", shown.dom);
    assert!(
        shown
            .dom
            .contains("<svg class=\"timeline\" data-feature=\"login\""),
        "{}",
        shown.dom
    );
    assert!(
        shown
            .dom
            .contains("<svg class=\"timeline\" data-feature=\"search\""),
        "{}",
        shown.dom
    );
    assert!(
        shown
            .dom
            .contains("stalled: 1 commit since the last Progress entry"),
        "{}",
        shown.dom
    );
    assert!(
        shown.dom.contains("drifted: 1 finding(s) on the branch"),
        "{}",
        shown.dom
    );
    assert!(!run.stdout.contains("<script"), "no script");
    // Drawn: the green dots of Progress entries and the red ring of the stalled commit.
    assert!(
        count_near(&shown.pixels, [0x1a, 0x9e, 0x3f]) > 50,
        "no Progress dot drawn"
    );
    assert!(
        count_near(&shown.pixels, [0xe8, 0x11, 0x2d]) > 20,
        "no stalled ring drawn"
    );
    assert_eq!(
        shown.page_requests,
        Vec::<String>::new(),
        "the page fetched something"
    );

    // The same check sees a page that does fetch.
    let fetching = repo.root.join("fetching.html");
    std::fs::write(
        &fetching,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
    )
    .unwrap();
    let control = browser::render(&repo, &fetching);
    assert_eq!(control.page_requests, ["http://127.0.0.1:9/x.png"]);
}

/// The last record of the trail in the git directory `git_dir`.
fn last_record(git_dir: &std::path::Path) -> Value {
    let trail = std::fs::read_to_string(git_dir.join("execguard/log.jsonl")).unwrap();
    serde_json::from_str(trail.lines().last().unwrap()).unwrap()
}

#[test]
fn push_refusals_are_recorded_by_the_client_and_by_the_server() {
    let repo = server::client_fixture();
    let spec_edit = server::commit_spec_edit(&repo, "Edit the spec");
    server::push_with_hooks(&repo, &["origin", "exec/login"]).assert_refused("frozen-spec");
    let client = last_record(&repo.path(".git"));
    assert_eq!(client["layer"], "pre-push", "{client:#}");
    assert_eq!(client["rule"], "frozen-spec");
    assert_eq!(client["commit"], spec_edit.as_str());
    assert_eq!(client["feature"], "login");

    let run = server::push_env(&repo, &[("GL_USERNAME", "ana")], &["origin", "exec/login"]);
    server::assert_server_refused(&run, "frozen-spec");
    let at_server = last_record(&server::server_dir(&repo));
    assert_eq!(at_server["layer"], "pre-receive", "{at_server:#}");
    assert_eq!(at_server["rule"], "frozen-spec");
    assert_eq!(at_server["who"], "ana");
    assert_eq!(at_server["feature"], "login");
    let verified = Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server::server_dir(&repo))
            .args(["log", "--verify"]),
    );
    verified.assert_ok();
}

//! The README's worked example, run as printed, and `execguard init --example`, which it starts
//! from: a new team's first feature, from a draft spec to code.

use super::common::{Run, TestRepo};

/// The shell block under "A worked example" in the README.
fn worked_example() -> (String, String) {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## A worked example\n")
        .nth(1)
        .expect("the README has a worked example");
    let block = |fence: &str| {
        let start = section.find(fence).expect("a fenced block") + fence.len();
        let end = start + section[start..].find("\n```\n").expect("its end");
        section[start..end].to_string()
    };
    (block("```sh\n"), block("```text\n"))
}

/// Runs the example line by line in one shell: a line marked `# refused: RULE` must fail naming
/// the rule (its stderr is kept in `refused-RULE.txt`), every other line must succeed.
fn script(example: &str) -> String {
    let mut script = String::from("set -eu\n");
    for line in example.lines() {
        match line.split_once("# refused: ") {
            Some((command, rule)) => {
                let (command, rule) = (command.trim(), rule.trim());
                script.push_str(&format!(
                    "if {command} 2>\"$OUT/refused-{rule}.txt\"; then echo 'accepted: {command}'; exit 1; fi\n\
                     grep -q 'error\\[{rule}\\]' \"$OUT/refused-{rule}.txt\" || {{ cat \"$OUT/refused-{rule}.txt\"; exit 1; }}\n"
                ));
            }
            None => {
                script.push_str(line);
                script.push('\n');
            }
        }
    }
    script
}

#[test]
fn the_readme_worked_example_runs_as_printed_and_refuses_what_it_says() {
    let repo = TestRepo::new();
    let (example, shown) = worked_example();
    let out = repo.root.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let run = Run::from_command(
        repo.command("bash")
            .args(["--norc", "--noprofile", "-c", &script(&example)])
            .current_dir(&repo.root)
            .env("OUT", &out)
            // A fresh machine has no identity; the example sets its own.
            .env("GIT_CONFIG_GLOBAL", "/dev/null"),
    );
    assert!(run.ok(), "{run:#?}");
    let demo = repo.root.join("demo");
    let git = |args: &[&str]| {
        let output = repo
            .command("git")
            .args(args)
            .current_dir(&demo)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    // Both refusals left history and the frozen spec as they were.
    assert_eq!(
        git(&["log", "--format=%s", "main..exec/login"]),
        "Add the login handler\nMark the login plan ready\n"
    );
    assert!(git(&["show", "HEAD:specs/login.md"]).contains("\nEXEC-READY\n"));
    assert!(!git(&["show", "HEAD:specs/login.md"]).contains("36 hours"));
    // The refusal the README shows is the one printed, line for line.
    let printed = std::fs::read_to_string(out.join("refused-frozen-spec.txt")).unwrap();
    for line in shown.lines().filter(|l| !l.is_empty()) {
        assert!(printed.contains(line), "not printed: {line}\n{printed}");
    }
    assert!(out.join("refused-progress-update.txt").exists());
}

const TEAM_LAYOUT: &str = "[layout]\nspecs = \"docs/specs/**/*.md\"\nexecplans = \"docs/exec-plans/active/PLAN_{feature}.md\"\n\n[rules.progress-update]\nsection = \"Progress Notes\"\n\n[rules.execplan-sections]\nrequired = [\"Progress Notes\", \"Decision Log\", \"Tolerances\"]\n";

#[test]
fn init_example_follows_the_config_layout_and_its_plan_passes_the_sections_rule() {
    // The team adopted its config before installing the hooks.
    let repo = TestRepo::new();
    repo.write(".execguard.toml", TEAM_LAYOUT);
    repo.commit_all("Adopt execguard").assert_ok();
    repo.execguard(["install"]).assert_ok();
    let run = repo.execguard(["init", "--example", "billing"]);
    assert!(run.ok(), "{run:#?}");
    assert!(
        run.stderr.contains("docs/specs/billing.md")
            && run
                .stderr
                .contains("docs/exec-plans/active/PLAN_billing.md"),
        "{run:#?}"
    );
    let plan = repo.read("docs/exec-plans/active/PLAN_billing.md");
    for title in [
        "## Progress Notes",
        "## Decision Log",
        "## Tolerances",
        "Spec: docs/specs/billing.md",
    ] {
        assert!(plan.contains(title), "{title} missing:\n{plan}");
    }
    assert!(!plan.contains("## Progress\n"), "{plan}");
    // A draft: nothing is frozen or ready yet.
    let spec = repo.read("docs/specs/billing.md");
    assert!(!spec.lines().any(|l| l.trim() == "EXEC-READY"), "{spec}");
    assert!(
        !plan.lines().any(|l| l.trim() == "EXECPLAN-READY"),
        "{plan}"
    );
    // The hooks accept both as they are, and judge the plan a plan: losing a section is refused.
    repo.commit_all("Draft the billing spec and plan")
        .assert_ok();
    repo.write(
        "docs/exec-plans/active/PLAN_billing.md",
        plan.replace("## Tolerances", "## Limits"),
    );
    repo.commit_all("Rename a section")
        .assert_refused("execplan-sections");
}

#[test]
fn init_example_writes_nothing_over_an_existing_file_or_for_a_bad_name() {
    let repo = TestRepo::installed();
    repo.write("plans/login-execplan.md", "# mine\n");
    let run = repo.execguard(["init", "--example", "login"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains("plans/login-execplan.md already exists"),
        "{run:#?}"
    );
    assert_eq!(repo.read("plans/login-execplan.md"), "# mine\n");
    assert!(!repo.path("specs/login.md").exists(), "nothing was written");
    for bad in ["../x", "a/b", ".hidden", ""] {
        let run = repo.execguard(["init", "--example", bad]);
        assert_eq!(run.code, Some(2), "{bad:?}: {run:#?}");
        assert!(run.stderr.contains("is not a feature name"), "{run:#?}");
    }
    assert!(!repo.path("specs").exists());
}

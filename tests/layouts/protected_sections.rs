//! A rulebook that also holds content agents keep current: one section of the file is
//! protected, the rest stays open.

use super::*;

const PROTECTED: &str =
    "[rules.protected-path]\nsections = [{ path = \"README.md\", heading = \"Rules\" }]\n";

const README: &str = "# Project\n\n## Rules\n\n- Every plan keeps a Progress section.\n\n### Naming\n\nPlans are named after their feature.\n\n## Plan index\n\n- billing\n";

fn rulebook_repo() -> TestRepo {
    client_repo(
        &[
            (".execguard.toml", PROTECTED),
            ("README.md", README),
            ("src/lib.rs", "pub fn f() {}\n"),
        ],
        "docs/index",
    )
}

#[test]
fn editing_another_section_of_a_rulebook_is_accepted() {
    let repo = rulebook_repo();
    repo.append("README.md", "- search\n");
    let run = repo.commit_all("List the search plan");
    run.assert_ok();
    run.assert_not_flagged("protected-path");
}

#[test]
fn editing_a_protected_section_is_refused_and_a_human_override_lands() {
    let repo = rulebook_repo();
    // A subsection belongs to the section.
    let text = README.replace("named after their feature", "named freely");
    repo.write("README.md", &text);
    let run = repo.commit_all("Relax naming");
    run.assert_refused("protected-path");
    assert!(
        run.stderr.contains(
            "this commit modifies the section \"Rules\" of README.md, a protected section: only a human may change it."
        ),
        "{run:#?}"
    );
    // The hint's command restores the whole file.
    let command = command_after(&run.stderr, "restoring the whole file is ");
    assert_eq!(command, "git restore --staged --worktree -- README.md");
    Run::from_command(repo.command("sh").arg("-c").arg(&command)).assert_ok();
    assert_eq!(repo.read("README.md"), README);
    // Renaming its heading takes the section away.
    repo.write("README.md", README.replace("## Rules", "## Guidelines"));
    let run = repo.commit_all("Rename the rules");
    run.assert_refused("protected-path");
    assert!(
        run.stderr.contains("removes the section \"Rules\""),
        "{run:#?}"
    );
    // A human changing it on purpose.
    repo.write("README.md", &text);
    repo.git(["add", "-A"]);
    let run = Run::from_command(
        repo.command("git")
            .env("EXECGUARD_SKIP", "protected-path")
            .args([
                "commit",
                "-q",
                "-m",
                "Relax naming",
                "-m",
                "Execguard-Override: protected-path: agreed with Ana",
            ]),
    );
    run.assert_ok();
    assert!(
        run.stderr.contains("overridden[protected-path]"),
        "{run:#?}"
    );
}

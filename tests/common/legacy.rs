//! A history made before any guard existed, that breaks rules, and the helpers that adopt execguard
//! on it with `[adoption] baseline`.

use std::collections::BTreeSet;

use super::server::*;
use super::*;

/// The tag on the last commit of the legacy history (local only: pushes name their refs).
pub const LEGACY_TIP: &str = "legacy-tip";

/// Twenty commits on `main`, made before any guard existed, that break rules: a root commit
/// adding the rulebook, spec edits after the freeze, a commit too big, a rulebook edit and code
/// commits with over-long subjects. Returns the commit ids, oldest first.
pub fn legacy_history(repo: &TestRepo) -> Vec<String> {
    let mut ids = Vec::new();
    repo.write_exec_files();
    repo.commit_unchecked("Start the project");
    ids.push(repo.head());
    for n in 0..5 {
        repo.append("specs/login.md", &format!("Requirement {n}.\n"));
        repo.commit_unchecked(&format!("Amend the spec ({n})"));
        ids.push(repo.head());
    }
    let big: String = (0..600)
        .map(|n| format!("pub const C{n}: u32 = {n};\n"))
        .collect();
    repo.write("src/big.rs", big);
    repo.commit_unchecked("Add the constants table");
    ids.push(repo.head());
    repo.append("backend/PLANS.md", "Sections are optional.\n");
    repo.commit_unchecked("Relax the rulebook");
    ids.push(repo.head());
    for n in 0..12 {
        repo.append("src/auth.rs", &format!("pub fn step{n}() {{}}\n"));
        repo.commit_unchecked(&format!(
            "Add step {n} of the login flow, with a subject far longer than the limit allows"
        ));
        ids.push(repo.head());
    }
    assert_eq!(ids.len(), 20);
    repo.git(["tag", LEGACY_TIP]);
    ids
}

/// A repository with a newly guarded, empty server as `origin`, then the legacy history.
pub fn legacy_repo() -> (TestRepo, Vec<String>) {
    let repo = TestRepo::new();
    setup_server(&repo);
    let ids = legacy_history(&repo);
    (repo, ids)
}

/// The `n`th commit (from 0, oldest first) of the legacy history of `repo`.
pub fn legacy(repo: &TestRepo, n: usize) -> String {
    repo.git(["rev-list", "--reverse", LEGACY_TIP])
        .lines()
        .nth(n)
        .unwrap()
        .to_string()
}

pub fn baseline_config(ids: &[&str]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!("[adoption]\nbaseline = [{}]\n", quoted.join(", "))
}

/// The human's adoption commit: `.execguard.toml` naming `baseline`, with the override trailer.
pub fn commit_adoption(repo: &TestRepo, baseline: &str) -> String {
    repo.write(".execguard.toml", baseline_config(&[baseline]));
    repo.commit_unchecked(
        "Adopt execguard\n\nExecguard-Override: guard-config: adopting execguard on an existing history",
    );
    repo.head()
}

pub fn short(id: &str) -> String {
    id[..7].to_string()
}

/// The short ids of the commits a hook's or check's output reports.
pub fn reported_commits(stderr: &str) -> BTreeSet<String> {
    reported_pairs(stderr).into_iter().map(|(_, c)| c).collect()
}

/// Runs `command` with `sh -c` in the working tree, as a user pasting it would.
pub fn run_shell(repo: &TestRepo, command: &str) -> Run {
    Run::from_command(repo.command("sh").args(["-c", command]))
}

/// The README and the reference pages in docs/ it links to, which show the commands these
/// tests run.
pub fn readme() -> String {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let mut text = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut pages: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    for page in pages {
        text.push_str(&std::fs::read_to_string(page).unwrap());
    }
    text
}

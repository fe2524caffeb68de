//! Push scenarios as data: a fixture, then steps that each make commits, push them with the local
//! hooks bypassed, and say what the server's pre-receive hook must do with them.

use std::collections::BTreeSet;

use super::server::*;
use super::table::each_case;
use super::*;

/// Makes commits (hooks bypassed) or refs in the test repository.
pub type MakeCommits = fn(&TestRepo);

/// A commit that edits the frozen login spec.
pub const SPEC_EDIT: MakeCommits = |repo| {
    commit_spec_edit(repo, "Tweak the spec");
};

/// One scenario: a fixture and the pushes made on it, in order.
pub struct PushCase {
    pub name: &'static str,
    pub fixture: fn() -> TestRepo,
    pub steps: &'static [Step],
}

/// One push: `make` prepares it, then `git push --no-verify <args>` runs as `pusher`; once the
/// verdict is checked, `then` looks further.
pub struct Step {
    pub make: MakeCommits,
    pub args: &'static [&'static str],
    pub pusher: &'static [(&'static str, &'static str)],
    pub verdict: Verdict,
    pub then: fn(&TestRepo),
}

/// A step that makes nothing and pushes `exec/login` to `origin` as nobody in particular, expecting
/// it to land; a case overrides what differs.
pub const STEP: Step = Step {
    make: |_| {},
    args: &["origin", "exec/login"],
    pusher: &[],
    verdict: Verdict::Lands,
    then: |_| {},
};

pub enum Verdict {
    /// Every pushed ref lands where the pusher had it (or is gone, for `--delete`), with no
    /// finding reported.
    Lands,
    /// The server refuses the whole push and no pushed ref moves.
    Refused(Refusal),
    /// The server's hook could not check the push (a broken config, say): git reports the
    /// refusal, the output says each of these, and no pushed ref moves.
    CouldNotCheck(&'static [&'static str]),
}

pub struct Refusal {
    pub rule: &'static str,
    /// Text the push's output contains (the `remote:` lines).
    pub says: &'static [&'static str],
    /// Text it must not contain.
    pub never_says: &'static [&'static str],
    pub findings: Findings,
}

/// Which findings a refusal reports.
pub enum Findings {
    /// Whatever breaks the rule.
    Any,
    /// The rule only, and only in the commit at HEAD (the push's new commit).
    OnlyHead,
    /// The rule is reported once, whatever number of refs carry the commit.
    Once,
    /// Among the commits reported is this one.
    Includes(fn(&TestRepo) -> String),
}

/// The server refuses the push naming `rule`.
pub const fn refused(rule: &'static str) -> Refusal {
    Refusal {
        rule,
        says: &[],
        never_says: &[],
        findings: Findings::Any,
    }
}

/// Runs every scenario of `cases`, each on its own fixture.
#[track_caller]
pub fn run_push_cases(cases: &[PushCase]) {
    each_case(cases, |case| case.name.to_string(), run_push_case);
}

fn run_push_case(case: &PushCase) {
    let repo = (case.fixture)();
    for (index, step) in case.steps.iter().enumerate() {
        let label = format!("{} (push {})", case.name, index + 1);
        (step.make)(&repo);
        let pushed = pushed_refs(&repo, step.args);
        let before: Vec<Option<String>> = pushed
            .iter()
            .map(|(name, _)| server_rev(&repo, name))
            .collect();
        let run = push_env(&repo, step.pusher, step.args);
        match &step.verdict {
            Verdict::Lands => {
                assert!(run.ok(), "{label}: the push lands: {run:#?}");
                assert!(!run.stderr.contains("error["), "{label}: {run:#?}");
                for (name, rev) in &pushed {
                    assert_eq!(
                        &server_rev(&repo, name),
                        rev,
                        "{label}: {name} moved to what was pushed: {run:#?}"
                    );
                }
            }
            Verdict::Refused(refusal) => {
                assert_server_refused(&run, refusal.rule);
                assert_refusal(&repo, &run, refusal, &label);
                assert_unmoved(&repo, &pushed, before, &label);
            }
            Verdict::CouldNotCheck(says) => {
                assert_eq!(
                    run.code,
                    Some(1),
                    "{label}: git reports the refusal: {run:#?}"
                );
                for text in *says {
                    assert!(
                        run.stderr.contains(text),
                        "{label}: says {text:?}: {run:#?}"
                    );
                }
                assert!(!run.stderr.contains("panicked"), "{label}: {run:#?}");
                assert_unmoved(&repo, &pushed, before, &label);
            }
        }
        assert_server_sound(&repo);
        (step.then)(&repo);
    }
}

/// Every pushed ref is where it was on the server, though the push would have moved it.
#[track_caller]
fn assert_unmoved(
    repo: &TestRepo,
    pushed: &[(String, Option<String>)],
    before: Vec<Option<String>>,
    label: &str,
) {
    for ((name, rev), before) in pushed.iter().zip(before) {
        assert_ne!(rev, &before, "{label}: the push would move {name}");
        assert_eq!(
            server_rev(repo, name),
            before,
            "{label}: the server ref {name} did not move"
        );
    }
}

#[track_caller]
fn assert_refusal(repo: &TestRepo, run: &Run, refusal: &Refusal, label: &str) {
    for text in refusal.says {
        assert!(
            run.stderr.contains(text),
            "{label}: says {text:?}: {run:#?}"
        );
    }
    for text in refusal.never_says {
        assert!(
            !run.stderr.contains(text),
            "{label}: does not say {text:?}: {run:#?}"
        );
    }
    match refusal.findings {
        Findings::Any => {}
        Findings::OnlyHead => assert_eq!(
            reported_pairs(&run.stderr),
            BTreeSet::from([(refusal.rule.to_string(), repo.head()[..7].to_string())]),
            "{label}: only the new commit is judged: {run:#?}"
        ),
        Findings::Once => assert_eq!(
            count(&run.stderr, "error["),
            1,
            "{label}: the violation is reported once: {run:#?}"
        ),
        Findings::Includes(commit) => {
            let commit = commit(repo)[..7].to_string();
            assert!(
                reported_pairs(&run.stderr)
                    .iter()
                    .any(|(_, reported)| *reported == commit),
                "{label}: {commit} is reported: {run:#?}"
            );
        }
    }
}

/// The server refs a `git push` with `args` updates, each with what the pusher has there (`None`
/// for a deletion).
fn pushed_refs(repo: &TestRepo, args: &[&str]) -> Vec<(String, Option<String>)> {
    let delete = args.contains(&"--delete");
    let refspecs = args.iter().filter(|arg| !arg.starts_with('-')).skip(1);
    refspecs
        .map(|refspec| {
            let (source, destination) = refspec.split_once(':').unwrap_or((refspec, refspec));
            let name = if destination.starts_with("refs/") {
                destination.to_string()
            } else {
                format!("refs/heads/{destination}")
            };
            let rev = (!delete).then(|| repo.git(["rev-parse", source]).trim().to_string());
            (name, rev)
        })
        .collect()
}

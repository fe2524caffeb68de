use crate::context::{parse_override, Context};
use crate::findings::{CommitMessage, Finding, SubjectTooLong};
use crate::model::TreeError;
use crate::report::Violation;
use crate::trailers::OVERRIDE_TRAILER;

rule_doc!(
    r#"commit-message: a subject line, short, and well-formed override trailers.

## What it checks
When the message is known (the commit-msg hook, and every check of an existing commit), the
message must have a subject line of at most 72 characters, and every `Execguard-Override` trailer
must have the form `Execguard-Override: <rule-id>: <reason>` with a known rule id and a reason.
A subject or a reason that is a blank left to fill (`___`, `...`, `<subject>`, `<reason>`,
`TODO`, `reason`) is refused: the override commands execguard prints leave `___` for the human
who approves the exception to fill, and run as printed they are refused.
Comment lines and the `git commit --verbose` diff are not part of the message.

Subjects that git and the forges write themselves are exempt from the length limit: `Merge branch
'x'` (also `of <url>` and `into <branch>`, GitLab's `Merge branch 'x' into 'y'`), `Merge branches
…`, `Merge remote-tracking branch …`, `Merge tag …`, `Merge commit …`, `Merge pull request #N
from owner/branch`, Bitbucket's `Merged in x (pull request #N)`, `Revert "…"` and `Reapply "…"`.

## Why
Reviewers and agents read history by its subjects. An override is a human's deliberate exception
and has to say which rule it sets aside and why; a malformed one would either silently fail or be
unaccountable.

## Example
A commit whose message breaks the rule is refused:

```text
error[commit-message]: the subject line is 91 characters long; the limit is 72
```

## How to comply
Write a short subject, a blank line, then the body. Write overrides as
`Execguard-Override: frozen-spec: approved by <name> in <ticket>` in the final trailer paragraph.

## Configuration
`[rules.commit-message] max-subject` (default 72); `exempt-generated` (default true) exempts the
generated merge and revert subjects above from the limit; `enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let Some(message) = &cx.message else {
        return Ok(Vec::new());
    };
    let limit = cx.config.rules.commit_message.max_subject;
    let mut out = Vec::new();
    let subject = message.subject();
    if subject.trim().is_empty() {
        out.push(cx.violation(Finding::CommitMessage(CommitMessage::NoSubject)));
    } else if crate::findings::is_placeholder(&subject) {
        out.push(
            cx.violation(Finding::CommitMessage(CommitMessage::PlaceholderSubject {
                subject: subject.trim().to_string(),
            })),
        );
    } else {
        let length = subject.chars().count();
        let exempt = cx.config.rules.commit_message.exempt_generated && is_generated(&subject);
        if length > limit && !exempt {
            out.push(
                cx.violation(Finding::CommitMessage(CommitMessage::SubjectTooLong(
                    SubjectTooLong {
                        length,
                        max_subject: limit,
                    },
                ))),
            );
        }
    }
    for value in message.trailer_values(OVERRIDE_TRAILER) {
        if let Err(problem) = parse_override(&value) {
            out.push(cx.violation(Finding::CommitMessage(CommitMessage::BadOverride(problem))));
        }
    }
    Ok(out)
}

/// Whether a subject has a shape git or a forge generates for a merge or a revert.
pub fn is_generated(subject: &str) -> bool {
    let subject = subject.trim();
    if let Some(rest) = subject.strip_prefix("Merge ") {
        if let Some(number) = rest.strip_prefix("pull request #") {
            let digits = number.chars().take_while(char::is_ascii_digit).count();
            return digits > 0 && number[digits..].starts_with(" from ");
        }
        return [
            "branch '",
            "branches '",
            "remote-tracking branch '",
            "tag '",
            "commit '",
        ]
        .iter()
        .any(|shape| rest.starts_with(shape));
    }
    if let Some(rest) = subject.strip_prefix("Merged in ") {
        return rest.contains(" (pull request #") && rest.ends_with(')');
    }
    ["Revert \"", "Reapply \""]
        .iter()
        .any(|shape| subject.starts_with(shape) && subject.ends_with('"'))
}

#[cfg(test)]
mod tests {
    use super::is_generated;

    #[test]
    fn generated_merge_and_revert_subjects() {
        for subject in [
            "Merge pull request #270 from owner/a-very-long-branch-name-that-goes-on-and-on-and-on-and-on-and-on",
            "Merge branch 'feature/x' of https://github.com/owner/repo into main",
            "Merge branch 'feature/x' into 'main'",
            "Merge branches 'a' and 'b'",
            "Merge remote-tracking branch 'origin/main'",
            "Merge tag 'v1.2.3'",
            "Merge commit 'abc123' into main",
            "Merged in feature/x (pull request #12)",
            "Revert \"Add the thing\"",
            "Revert \"Revert \"Add the thing\"\"",
            "Reapply \"Add the thing\"",
        ] {
            assert!(is_generated(subject), "{subject}");
        }
        for subject in [
            "Merge the login and signup flows into one module because it is simpler",
            "Merge pull request for the login",
            "Revert the login change because it broke everything in production",
            "Merged in the new parser",
        ] {
            assert!(!is_generated(subject), "{subject}");
        }
    }
}

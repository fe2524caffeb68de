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
`[rules.commit-message] max-subject` (default 72); `enabled = false` turns it off.
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
        if length > limit {
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

//! Commit messages read the way git reads them: comments and the `--verbose` scissors section
//! removed, trailers taken from the last paragraph.

/// The trailer that accepts a rule's violations in one commit.
pub const OVERRIDE_TRAILER: &str = "Execguard-Override";

/// A message with git's cleanup applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The lines that remain once comments and the scissors section are gone.
    pub lines: Vec<String>,
}

const SCISSORS: &str = "------------------------ >8 ------------------------";

impl Message {
    /// Cleans a raw message. `comment_char` is git's `core.commentChar` (`#` by default); `None`
    /// means comment lines are kept (as with `--cleanup=verbatim`).
    pub fn parse(raw: &str, comment_char: Option<&str>) -> Self {
        let mut lines = Vec::new();
        for line in raw.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if let Some(comment) = comment_char {
                if let Some(rest) = line.strip_prefix(comment) {
                    if rest.trim() == SCISSORS {
                        break;
                    }
                    continue;
                }
            }
            lines.push(line.trim_end().to_string());
        }
        // Leading and trailing blank lines are not part of the message.
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let first = lines
            .iter()
            .position(|l| !l.is_empty())
            .unwrap_or(lines.len());
        lines.drain(..first);
        Self { lines }
    }

    /// The subject: the first paragraph joined on one line, as git shows it.
    pub fn subject(&self) -> String {
        self.lines
            .iter()
            .take_while(|l| !l.trim().is_empty())
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The trailers of the last paragraph, as (key, value) pairs, with continuation lines joined.
    pub fn trailers(&self) -> Vec<(String, String)> {
        let paragraphs: Vec<&[String]> = self
            .lines
            .split(|l| l.trim().is_empty())
            .filter(|p| !p.is_empty())
            .collect();
        // The subject paragraph is never a trailer block.
        let Some(last) = paragraphs.last().filter(|_| paragraphs.len() > 1) else {
            return Vec::new();
        };
        let mut trailers: Vec<(String, String)> = Vec::new();
        let mut other_lines = 0;
        let mut git_generated = false;
        for line in last.iter() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = trailers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
            }
            if line.starts_with("(cherry picked from commit ") {
                git_generated = true;
                other_lines += 1;
                continue;
            }
            match split_trailer(line) {
                Some((key, value)) => {
                    if key.eq_ignore_ascii_case("Signed-off-by") {
                        git_generated = true;
                    }
                    trailers.push((key, value));
                }
                None => other_lines += 1,
            }
        }
        let trailer_lines = trailers.len();
        // git accepts a block that is all trailers, or one with a git-generated trailer where at
        // least a quarter of the lines are trailers.
        let accepted = trailer_lines > 0
            && (other_lines == 0 || (git_generated && trailer_lines * 3 >= other_lines));
        if accepted {
            trailers
        } else {
            Vec::new()
        }
    }

    /// The lines a person wrote: the message without its trailer block (`Execplan: <feature>`
    /// and the like are metadata, added to every commit, and record nothing).
    pub fn prose(&self) -> &[String] {
        if self.trailers().is_empty() {
            return &self.lines;
        }
        // The trailer block is the last paragraph; trailing blank lines are already gone.
        let start = self
            .lines
            .iter()
            .rposition(|line| line.trim().is_empty())
            .map_or(0, |blank| blank + 1);
        &self.lines[..start]
    }

    /// Whether this is the message `git revert` writes: the subject `Revert "..."` and a line
    /// `This reverts commit <id>.`.
    pub fn is_git_revert(&self) -> bool {
        let subject = self.lines.iter().find(|line| !line.is_empty());
        subject.is_some_and(|subject| subject.starts_with("Revert \""))
            && self.reverted_commit().is_some()
    }

    /// Whether the subject claims a revert in any of the forms teams write one: git's
    /// `Revert "..."`, `revert: ...`, `revert(scope): ...`, `Reverts ...`, `Reverted ...`,
    /// `Back out ...`, `Backout ...`, `Backed out ...` (any case). A claim alone proves nothing:
    /// only a change that undoes an earlier commit is taken for a revert.
    pub fn claims_revert(&self) -> bool {
        let subject = self.subject().to_lowercase();
        let mut words = subject
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty());
        match words.next() {
            Some("revert" | "reverts" | "reverted" | "backout") => true,
            Some("back" | "backed") => words.next() == Some("out"),
            _ => false,
        }
    }

    /// The commit a `git revert` message says it reverts (`This reverts commit <id>.`).
    pub fn reverted_commit(&self) -> Option<String> {
        self.lines.iter().find_map(|line| {
            let rest = line.trim().strip_prefix("This reverts commit ")?;
            let id: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
            (id.len() >= 7).then_some(id)
        })
    }

    /// The values of every trailer whose key is `key`, compared as git does (case-insensitively).
    pub fn trailer_values(&self, key: &str) -> Vec<String> {
        self.trailers()
            .into_iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
            .collect()
    }
}

fn split_trailer(line: &str) -> Option<(String, String)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim_end();
    let valid = !key.is_empty()
        && key.len() == key.trim_start().len()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then(|| (key.to_string(), value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_of_last_paragraph() {
        let msg = Message::parse(
            "Subject\n\nBody: not a trailer here\nmore body\n\nExecplan: login\nExecguard-Override: frozen-spec: approved\n  by alice\n",
            Some("#"),
        );
        assert_eq!(msg.subject(), "Subject");
        assert_eq!(msg.trailer_values("execplan"), ["login"]);
        assert_eq!(
            msg.trailer_values("Execguard-Override"),
            ["frozen-spec: approved by alice"]
        );
    }

    #[test]
    fn comments_and_scissors_are_removed() {
        let raw = "Subject\n\nExecplan: a\n# Please enter the commit message\n# ------------------------ >8 ------------------------\nExecplan: b\n";
        let msg = Message::parse(raw, Some("#"));
        assert_eq!(msg.trailer_values("Execplan"), ["a"]);
    }

    #[test]
    fn a_revert_names_the_commit_it_reverts() {
        let msg = Message::parse(
            "Revert \"Add logout\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n",
            Some("#"),
        );
        assert_eq!(
            msg.reverted_commit().as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!(
            Message::parse("Add logout\n", Some("#")).reverted_commit(),
            None
        );
    }

    #[test]
    fn a_revert_is_claimed_in_the_forms_teams_write() {
        for subject in [
            "Revert \"Add logout\"",
            "revert: restore module-global state (#2603)",
            "revert(auth): drop logout",
            "Reverts acme/app#12",
            "Reverted the logout change",
            "Back out logout",
            "Backout logout",
            "Backed out changeset 0123abcd",
        ] {
            assert!(Message::parse(subject, None).claims_revert(), "{subject}");
        }
        for subject in [
            "Add revert button",
            "Reverting is hard",
            "fix: revert handling",
            "Back to basics",
        ] {
            assert!(!Message::parse(subject, None).claims_revert(), "{subject}");
        }
    }

    #[test]
    fn custom_comment_char() {
        let raw = "Subject\n\nExecplan: a\n; Execplan: b\n";
        let msg = Message::parse(raw, Some(";"));
        assert_eq!(msg.trailer_values("Execplan"), ["a"]);
    }

    #[test]
    fn subject_alone_has_no_trailers() {
        assert!(Message::parse("Execplan: login\n", Some("#"))
            .trailers()
            .is_empty());
    }

    #[test]
    fn prose_paragraph_is_not_a_trailer_block() {
        let msg = Message::parse("S\n\nNote: this is prose\nand more prose here\n", Some("#"));
        assert!(msg.trailers().is_empty());
    }

    #[test]
    fn prose_leaves_out_the_trailer_block_only() {
        let msg = Message::parse(
            "Remove a-plan.md\n\nIt was done.\n\nExecplan: other-plan\n",
            Some("#"),
        );
        assert_eq!(msg.prose(), ["Remove a-plan.md", "", "It was done.", ""]);
        let msg = Message::parse("S\n\nNote: this is prose\nand more prose here\n", Some("#"));
        assert_eq!(msg.prose().len(), 4);
        assert_eq!(
            Message::parse("Execplan: x\n", Some("#")).prose(),
            ["Execplan: x"]
        );
    }

    #[test]
    fn cherry_pick_line_with_trailers() {
        let msg = Message::parse(
            "S\n\nExecplan: x\n(cherry picked from commit abc)\nSigned-off-by: A <a@b>\n",
            Some("#"),
        );
        assert_eq!(msg.trailer_values("Execplan"), ["x"]);
    }
}

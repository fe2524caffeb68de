//! Words as a command sees them after quote removal: literal text, whether an expansion makes
//! the value unknown here, unquoted globs, and the paths a glob names now. The command lines in a
//! word's substitutions are read on the way.

use std::path::Path;

use brush_parser::ast;
use brush_parser::word::WordPiece;
use brush_parser::ParserOptions;

use super::walker::Walker;

/// A word as the command sees it after quote removal.
#[derive(Clone, Debug)]
pub(super) struct ShellWord {
    pub(super) text: String,
    /// It holds an expansion whose value is not known here (`$VAR`, `$(...)`).
    pub(super) dynamic: bool,
    /// It holds an unquoted glob character.
    pub(super) glob: bool,
}

impl ShellWord {
    pub(super) fn literal(text: &str) -> Self {
        Self {
            text: text.to_string(),
            dynamic: false,
            glob: false,
        }
    }
}

impl Walker<'_> {
    /// A word after quote removal; the command lines in its substitutions are read too.
    pub(super) fn word(&mut self, word: &ast::Word, cwd: &Path) -> ShellWord {
        let options = ParserOptions::default();
        let mut out = ShellWord::literal("");
        match brush_parser::word::parse(&word.value, &options) {
            Ok(pieces) => {
                for piece in pieces {
                    self.piece(&piece.piece, cwd, &mut out, false);
                }
            }
            Err(_) => {
                out.text = word.value.clone();
                out.dynamic = true;
            }
        }
        out
    }

    fn piece(&mut self, piece: &WordPiece, cwd: &Path, out: &mut ShellWord, quoted: bool) {
        match piece {
            WordPiece::Text(text) => {
                if !quoted && text.contains(['*', '?', '[']) {
                    out.glob = true;
                }
                out.text.push_str(text);
            }
            WordPiece::SingleQuotedText(text) | WordPiece::AnsiCQuotedText(text) => {
                out.text.push_str(text);
            }
            WordPiece::DoubleQuotedSequence(pieces)
            | WordPiece::GettextDoubleQuotedSequence(pieces) => {
                for inner in pieces {
                    self.piece(&inner.piece, cwd, out, true);
                }
            }
            WordPiece::EscapeSequence(text) => {
                out.text.push_str(text.strip_prefix('\\').unwrap_or(text));
            }
            WordPiece::TildePrefix(user) => match (user.is_empty(), std::env::var("HOME")) {
                (true, Ok(home)) => out.text.push_str(&home),
                _ => {
                    out.text.push('~');
                    out.text.push_str(user);
                    out.dynamic = true;
                }
            },
            WordPiece::CommandSubstitution(line)
            | WordPiece::BackquotedCommandSubstitution(line) => {
                self.script(line, cwd);
                out.dynamic = true;
            }
            WordPiece::ParameterExpansion(_) | WordPiece::ArithmeticExpression(_) => {
                out.dynamic = true;
            }
        }
    }
}

/// The paths a word names: itself, or for an unquoted glob in its last component, the names it
/// matches in that directory now.
pub(super) fn expand_word(cwd: &Path, word: &ShellWord) -> Vec<String> {
    if !word.glob {
        return vec![word.text.clone()];
    }
    let (dir, pattern) = match word.text.rsplit_once('/') {
        Some((dir, pattern)) => (dir.to_string(), pattern),
        None => (String::new(), word.text.as_str()),
    };
    let Ok(glob) = globset::Glob::new(pattern) else {
        return vec![word.text.clone()];
    };
    let matcher = glob.compile_matcher();
    let Ok(entries) = std::fs::read_dir(cwd.join(&dir)) else {
        return vec![word.text.clone()];
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| matcher.is_match(entry.file_name()))
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            }
        })
        .collect();
    out.sort();
    if out.is_empty() {
        out.push(word.text.clone());
    }
    out
}

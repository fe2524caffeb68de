//! Words as a command sees them after quote removal: literal text, whether an expansion makes
//! the value unknown here, unquoted globs and brace expansions, the word as a glob of what it
//! could be, and the paths a glob names now. Variables the line set to constants are substituted;
//! the command lines in a word's substitutions are read on the way.

use std::path::Path;

use brush_parser::ast;
use brush_parser::word::{Parameter, ParameterExpr, WordPiece};
use brush_parser::ParserOptions;

use super::substitution::PLACEHOLDER;
use super::walker::{Value, Walker};

/// A word as the command sees it after quote removal.
#[derive(Clone, Debug)]
pub(super) struct ShellWord {
    pub(super) text: String,
    /// It holds an expansion whose value is not known here (`$VAR`, `$(...)`).
    pub(super) dynamic: bool,
    /// It holds an unquoted glob character or brace expansion.
    pub(super) glob: bool,
    /// The word as a glob: its literal parts escaped, its unquoted globs kept, and a `*` (which
    /// matches `/` too) for each part only known when the command runs.
    pub(super) pattern: String,
}

impl ShellWord {
    pub(super) fn literal(text: &str) -> Self {
        Self {
            text: text.to_string(),
            dynamic: false,
            glob: false,
            pattern: globset::escape(text),
        }
    }

    /// A word only known when the command runs, which could be any path.
    pub(super) fn unknown() -> Self {
        let mut out = Self::literal("");
        out.push_unknown();
        out
    }

    /// The path `name` in the folder this word names.
    pub(super) fn join(&self, name: &str) -> Self {
        let mut out = self.clone();
        let slash = if self.text.ends_with('/') { "" } else { "/" };
        out.text = format!("{}{slash}{name}", self.text);
        out.pattern = format!("{}{slash}{}", self.pattern, globset::escape(name));
        out
    }

    /// Any path under the folder this word names (the word itself included).
    pub(super) fn under(&self) -> Self {
        let mut out = self.clone();
        out.dynamic = true;
        out.pattern = format!("{}*", self.pattern.trim_end_matches('/').to_string() + "/");
        out
    }

    /// Whether the path it names is only known when the command runs.
    pub(super) fn computed(&self) -> bool {
        self.dynamic || self.glob
    }

    fn push_literal(&mut self, text: &str) {
        self.text.push_str(text);
        self.pattern.push_str(&globset::escape(text));
    }

    fn push_unknown(&mut self) {
        self.dynamic = true;
        if !self.pattern.ends_with('*') {
            self.pattern.push('*');
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
                out.push_unknown();
            }
        }
        out
    }

    fn piece(&mut self, piece: &WordPiece, cwd: &Path, out: &mut ShellWord, quoted: bool) {
        match piece {
            WordPiece::Text(text) => {
                if quoted {
                    out.push_literal(text);
                } else {
                    unquoted_text(text, out);
                }
            }
            WordPiece::SingleQuotedText(text) => out.push_literal(text),
            WordPiece::AnsiCQuotedText(text) => out.push_literal(&ansi_c(text)),
            WordPiece::DoubleQuotedSequence(pieces)
            | WordPiece::GettextDoubleQuotedSequence(pieces) => {
                for inner in pieces {
                    self.piece(&inner.piece, cwd, out, true);
                }
            }
            WordPiece::EscapeSequence(text) => {
                out.push_literal(text.strip_prefix('\\').unwrap_or(text));
            }
            WordPiece::TildePrefix(user) => match (user.is_empty(), std::env::var("HOME")) {
                (true, Ok(home)) => out.push_literal(&home),
                _ => {
                    out.text.push('~');
                    out.text.push_str(user);
                    out.push_unknown();
                }
            },
            WordPiece::CommandSubstitution(line)
            | WordPiece::BackquotedCommandSubstitution(line) => {
                let taken_out = line
                    .strip_prefix(PLACEHOLDER)
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| self.substitutions.get(n).cloned());
                self.script(taken_out.as_deref().unwrap_or(line), cwd);
                out.push_unknown();
            }
            WordPiece::ParameterExpansion(expr) => self.parameter(expr, cwd, out),
            WordPiece::ArithmeticExpression(_) => out.push_unknown(),
        }
    }

    /// `$NAME`, `${NAME}`: its value when the line set it to a constant, `$PWD` the directory
    /// the walk is in; anything else is computed.
    fn parameter(&mut self, expr: &ParameterExpr, cwd: &Path, out: &mut ShellWord) {
        let ParameterExpr::Parameter {
            parameter: Parameter::Named(name),
            indirect: false,
        } = expr
        else {
            out.push_unknown();
            return;
        };
        match self.vars.get(name) {
            Some(Value::Known(value)) => out.push_literal(&value.clone()),
            Some(Value::OneOf(pattern)) => {
                out.dynamic = true;
                out.pattern.push_str(pattern);
            }
            Some(Value::Computed) => out.push_unknown(),
            None if name == "PWD" && !self.lost_dir && !self.unplaced => {
                out.push_literal(&cwd.display().to_string());
            }
            None if name == "HOME" => match std::env::var("HOME") {
                Ok(home) => out.push_literal(&home),
                Err(_) => out.push_unknown(),
            },
            None => out.push_unknown(),
        }
    }
}

/// Unquoted text: its glob characters stay globs, and a brace expansion (`{a,b}`, `{1..3}`)
/// stands for any of its words.
fn unquoted_text(text: &str, out: &mut ShellWord) {
    out.text.push_str(text);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' | '[' | ']' => {
                out.glob = true;
                out.pattern.push(c);
            }
            '{' if text.contains('}') && (text.contains(',') || text.contains("..")) => {
                out.glob = true;
                for inner in chars.by_ref() {
                    if inner == '}' {
                        break;
                    }
                }
                if !out.pattern.ends_with('*') {
                    out.pattern.push('*');
                }
            }
            _ => out.pattern.push_str(&globset::escape(&c.to_string())),
        }
    }
}

/// The text of a `$'...'` string with its backslash escapes read as bash reads them.
fn ansi_c(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(kind) = chars.next() else {
            out.push('\\');
            break;
        };
        let number = |radix: u32, most: usize, chars: &mut std::iter::Peekable<std::str::Chars>| {
            let mut digits = String::new();
            while digits.len() < most {
                match chars.peek() {
                    Some(d) if d.is_digit(radix) => {
                        digits.push(*d);
                        chars.next();
                    }
                    _ => break,
                }
            }
            u32::from_str_radix(&digits, radix)
                .ok()
                .and_then(char::from_u32)
        };
        let decoded = match kind {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'e' | 'E' => Some('\u{1b}'),
            'f' => Some('\u{c}'),
            'v' => Some('\u{b}'),
            'x' => number(16, 2, &mut chars),
            'u' => number(16, 4, &mut chars),
            'U' => number(16, 8, &mut chars),
            '0'..='7' => {
                let mut digits = kind.to_string();
                while digits.len() < 3 {
                    match chars.peek() {
                        Some(d) if d.is_digit(8) => {
                            digits.push(*d);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                u32::from_str_radix(&digits, 8)
                    .ok()
                    .and_then(char::from_u32)
            }
            other => Some(other),
        };
        if let Some(decoded) = decoded {
            out.push(decoded);
        }
    }
    out
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

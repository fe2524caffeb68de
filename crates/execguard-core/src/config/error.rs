//! What is wrong with a config file, and where: the error type, the line and column of a byte
//! offset, and serde's complaint led by the key it is about.

use std::ops::Range;

use super::keys;

/// A config file could not be used. Names the file, the line and column, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub origin: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ConfigError {
    pub(super) fn at(origin: &str, text: &str, span: Range<usize>, message: String) -> Self {
        let (line, column) = line_column(text, span.start);
        Self {
            origin: origin.to_string(),
            line,
            column,
            message,
        }
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// What serde found wrong, led by the key it is about when the text parses (a wrong type, an
/// unknown key), and without the names of the parser's own structs.
pub(super) fn serde_message(error: &toml::de::Error, text: &str, span: Range<usize>) -> String {
    let mut message = error.message().trim().replace('\n', "; ");
    if let Some(at) = message.find("expected struct Raw") {
        message.replace_range(at.., "expected a table");
    }
    match keys::key_at(text, span.start) {
        Some(key) => format!("{key}: {message}"),
        None => message,
    }
}

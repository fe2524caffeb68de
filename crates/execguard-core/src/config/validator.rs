//! The checks every key's validation shares: a value that must not be empty, a positive limit, a
//! list of globs compiled; each error placed at the value's line and column.

use std::ops::Range;

use toml::Spanned;

use super::error::ConfigError;
use super::patterns::Globs;

/// Validates the raw file `text`, read from `origin`, into the typed config.
pub(super) struct Validator<'a> {
    pub(super) origin: &'a str,
    pub(super) text: &'a str,
}

impl Validator<'_> {
    pub(super) fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError::at(self.origin, self.text, span, message)
    }

    pub(super) fn non_empty(
        &self,
        key: &str,
        value: Option<Spanned<String>>,
        default: &str,
    ) -> Result<String, ConfigError> {
        match value {
            None => Ok(default.to_string()),
            Some(v) if v.get_ref().trim().is_empty() => {
                Err(self.error(v.span(), format!("{key}: must not be empty")))
            }
            Some(v) => Ok(v.into_inner()),
        }
    }

    pub(super) fn limit(
        &self,
        key: &str,
        value: Option<Spanned<i64>>,
        default: u64,
    ) -> Result<u64, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) => u64::try_from(*v.get_ref())
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    self.error(v.span(), format!("{key}: must be a positive whole number"))
                }),
        }
    }

    pub(super) fn globs(
        &self,
        key: &str,
        value: Option<Vec<Spanned<String>>>,
        default: &[&str],
    ) -> Result<Globs, ConfigError> {
        let Some(list) = value else {
            return Ok(Globs::built_in(default));
        };
        let (patterns, spans): (Vec<String>, Vec<Range<usize>>) = list
            .into_iter()
            .map(|s| (s.get_ref().clone(), s.span()))
            .unzip();
        // The documented default config spells out the built-in lists.
        if patterns.iter().eq(default.iter()) {
            return Ok(Globs::built_in(default));
        }
        Globs::compiled(patterns).map_err(|(at, message)| {
            let span = spans.get(at).cloned().unwrap_or(0..0);
            self.error(span, format!("{key}: {message}"))
        })
    }
}

//! The `[adoption]` table: the commits whose history predates the guard.

use super::error::ConfigError;
use super::raw::RawAdoption;
use super::validator::Validator;

/// What `[adoption]` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdoptionConfig {
    /// Full commit ids (40 lowercase hex digits): these commits and every commit reachable from
    /// them predate the guard and are not judged by a push or a range check.
    pub baseline: Vec<String>,
}

impl Validator<'_> {
    pub(super) fn adoption(&self, raw: RawAdoption) -> Result<AdoptionConfig, ConfigError> {
        let mut baseline: Vec<String> = Vec::new();
        for id in raw.baseline.unwrap_or_default() {
            let text = id.get_ref().trim();
            if !is_full_commit_id(text) {
                return Err(self.error(
                    id.span(),
                    format!(
                        "adoption.baseline: `{}` is not a full commit id (40 hexadecimal digits, as `git rev-parse HEAD` prints)",
                        id.get_ref()
                    ),
                ));
            }
            let text = text.to_ascii_lowercase();
            if !baseline.contains(&text) {
                baseline.push(text);
            }
        }
        Ok(AdoptionConfig { baseline })
    }
}

/// Whether `text` is a full SHA-1 commit id.
pub fn is_full_commit_id(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const ID: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn baseline_defaults_to_none_and_takes_full_ids() {
        assert!(Config::parse("c.toml", "")
            .unwrap()
            .adoption
            .baseline
            .is_empty());
        let upper = ID.to_ascii_uppercase();
        let text = format!("[adoption]\nbaseline = [\"{ID}\", \"{upper}\"]\n");
        let config = Config::parse("c.toml", &text).unwrap();
        assert_eq!(config.adoption.baseline, [ID]);
    }

    #[test]
    fn a_short_or_symbolic_id_is_an_error_naming_the_key() {
        for bad in [
            "0123456",
            "HEAD",
            "main",
            &format!("{ID}0"),
            &ID.replace('a', "g"),
        ] {
            let text = format!("[adoption]\nbaseline = [\n  \"{bad}\",\n]\n");
            let err = Config::parse(".execguard.toml", &text).unwrap_err();
            assert_eq!((err.line, err.column), (3, 3), "{err}");
            assert!(err.message.starts_with("adoption.baseline: "), "{err}");
            assert!(err.message.contains(bad), "{err}");
        }
        let err = Config::parse("c.toml", "[adoption]\nbase-line = []\n").unwrap_err();
        assert!(err.message.contains("base-line"), "{err}");
    }
}

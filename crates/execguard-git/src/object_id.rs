//! The id of a git object, as the rest of execguard holds it: 20 bytes, shown as 40 hex digits,
//! without libgit2's type in its interface. It wraps libgit2's id without cost; the conversions
//! stay inside this crate.

use std::fmt;
use std::str::FromStr;

/// The SHA-1 id of a git object (a commit, a tree, a blob).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct ObjectId(git2::Oid);

impl ObjectId {
    /// git's all-zero id, which a hook's stdin gives for a ref that does not exist (yet, or any
    /// more).
    pub fn zero() -> Self {
        ObjectId(git2::Oid::zero())
    }

    /// Whether this is git's all-zero id.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub(crate) fn from_git(id: git2::Oid) -> Self {
        ObjectId(id)
    }

    pub(crate) fn git(self) -> git2::Oid {
        self.0
    }
}

/// Why a text is not an object id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an object id (40 hex digits)")]
pub struct BadObjectId(String);

impl FromStr for ObjectId {
    type Err = BadObjectId;

    /// An id from its 40 hex digits.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() != 40 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadObjectId(text.to_string()));
        }
        git2::Oid::from_str(text)
            .map(ObjectId)
            .map_err(|_| BadObjectId(text.to_string()))
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_prints_as_its_40_hex_digits() {
        let text = "0123456789abcdef0123456789abcdef01234567";
        let id: ObjectId = text.parse().expect("an id");
        assert_eq!(id.to_string(), text);
        assert!(!id.is_zero());
        assert!(ObjectId::zero().is_zero());
        assert_eq!(ObjectId::zero().to_string(), "0".repeat(40));
    }

    #[test]
    fn a_text_that_is_not_an_id_is_named() {
        for text in ["", "abc", "HEAD", &"g".repeat(40), &"0".repeat(41)] {
            let error = text.parse::<ObjectId>().expect_err(text);
            assert!(error.to_string().contains(&format!("`{text}`")), "{error}");
        }
    }
}

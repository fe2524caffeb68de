//! One ref update as the push hooks read it, and the branch a ref names: what the push's
//! judging and its checks of hidden refs and namespaces share.

/// One ref update as a hook reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    /// The ref that changes on the receiving side (`refs/heads/exec/login`).
    pub name: String,
    /// The new value; `None` for a deletion.
    pub new: Option<String>,
    /// The value the receiving side has now; `None` for a new ref.
    pub old: Option<String>,
}

/// The branch short name of a ref, or `None` for anything that is not a branch (a tag).
pub fn branch_of(ref_name: &str) -> Option<String> {
    ref_name.strip_prefix("refs/heads/").map(str::to_string)
}

//! What a merge is judged against: its own change, and each parent with the others beside it.

use crate::config::Config;
use crate::context::Context;
use crate::model::{Change, Side, TreeError, Trees};
use crate::report::Violation;
use crate::rules;

/// How a merge is judged. The path rules judge it against every parent, so that the order of
/// the parents hides nothing, and forgive a path only where the merge takes another parent's
/// version of something that was already protected at their merge base (every change on the way
/// there was judged). The content rules judge only what the merge adds of its own: its result
/// against a clean re-merge of its parents.
pub struct MergeView<'a> {
    /// The result against a clean re-merge of the parents (a conflicting region holds both
    /// sides' versions, one after the other); `Side::Base` of `own_trees` is the re-merge.
    pub own: &'a Change,
    pub own_trees: &'a dyn Trees,
    /// The merge against each parent, the first parent first.
    pub parents: Vec<ParentView<'a>>,
}

/// A merge against one of its parents.
pub struct ParentView<'a> {
    /// The change against this parent (`Side::Base` of `trees` is the parent).
    pub change: &'a Change,
    pub trees: &'a dyn Trees,
    /// Every other parent that shares history with this one.
    pub others: Vec<OtherParent<'a>>,
}

/// Another parent of a merge, beside its merge base with the parent a [`ParentView`] is about.
pub struct OtherParent<'a> {
    /// The config in force at the merge base: it decides what was protected there.
    pub config: &'a Config,
    /// `Side::Base` is the merge base's tree; `Side::New` is this parent's tree.
    pub trees: &'a dyn Trees,
}

/// Whether a path rule's finding in a merge is about a path whose result is another parent's
/// version, where the path was protected by the same rule at that parent's merge base with the
/// first: then every change that parent made to it was judged on the way.
pub(super) fn taken_from_a_judged_history(
    cx: &Context<'_>,
    others: &[OtherParent<'_>],
    violation: &Violation,
) -> Result<bool, TreeError> {
    let Some(path) = violation.path() else {
        return Ok(false);
    };
    let ours = cx.trees.entry(Side::New, path)?;
    let nothing = Change::default();
    for other in others {
        let theirs = other.trees.entry(Side::New, path)?;
        let same = match (&ours, &theirs) {
            (None, None) => true,
            (Some(a), Some(b)) => a.id == b.id && a.kind == b.kind,
            _ => false,
        };
        if !same || !other.config.is_enabled(violation.rule()) {
            continue;
        }
        let at_base = Context::new(other.config, &nothing, other.trees, None);
        if rules::watches(violation.rule(), &at_base, Side::Base, path)? {
            return Ok(true);
        }
    }
    Ok(false)
}

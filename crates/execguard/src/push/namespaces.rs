//! Ref namespaces that change what clones show for objects that already exist, without a new
//! commit that the rules could judge. Creating, updating or deleting a ref there is refused unless
//! the pusher may override, under the same policy as override trailers.

use execguard_core::OverridePolicy;

use super::ref_update::RefUpdate;

/// Each guarded namespace and why it is guarded. git has no other namespace that rewrites
/// history this way: grafts live in `info/grafts`, a file no push can write.
const GUARDED: &[(&str, &str)] = &[
    (
        "refs/replace/",
        "a replace ref makes every clone that fetches it show another object in place of the one it names, rewriting a spec, a plan or a commit without a new commit for the rules to judge",
    ),
    (
        "refs/execguard/",
        "the server keeps its own records there (the last tip of each deleted branch, which a branch re-created under that name is judged against)",
    ),
];

/// The guarded namespace `name` lies in, and why it is guarded.
pub fn guarded_namespace(name: &str) -> Option<(&'static str, &'static str)> {
    GUARDED
        .iter()
        .copied()
        .find(|(prefix, _)| name.starts_with(prefix) || Some(name) == prefix.strip_suffix('/'))
}

/// One line per update of a guarded ref the pusher may not make; empty when every update is
/// allowed.
pub fn refusals(updates: &[RefUpdate], policy: &OverridePolicy) -> Vec<String> {
    let who = match policy {
        OverridePolicy::Honour => return Vec::new(),
        OverridePolicy::Refuse { pusher, allowed } if allowed.is_empty() => format!(
            "No pusher may do that on this server ([server] override-users of the pinned config is empty, or no config is pinned); the pusher is `{pusher}`."
        ),
        OverridePolicy::Refuse { pusher, allowed } => format!(
            "Only {} may do that on this server ([server] override-users of the pinned config); the pusher is `{pusher}`.",
            allowed.join(", ")
        ),
        OverridePolicy::ListedPusher { .. } => {
            "Only a pusher listed in [server] override-users may do that.".to_string()
        }
    };
    updates
        .iter()
        .filter_map(|update| {
            let (prefix, why) = guarded_namespace(&update.name)?;
            let action = match (&update.old, &update.new) {
                (None, _) => "create",
                (Some(_), None) => "delete",
                (Some(_), Some(_)) => "update",
            };
            Some(format!(
                "execguard: refusing {}: the push would {action} a ref under {prefix}, and {why}. {who} Do not retry or rename the ref: stop and escalate to a person who may push it (`execguard escalate \"<question>\"`).\n",
                update.name
            ))
        })
        .collect()
}

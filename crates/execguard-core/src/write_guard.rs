//! Whether a path may be written at all, before anything is written: the verdict of the path
//! rules (`frozen-spec`, `frozen-design`, `protected-path`, `guard-config`) for a change that
//! would touch it, judged against the base (HEAD). Coding-agent hooks and `execguard check-path`
//! ask it for every path a tool is about to write, so it reads only the entries of those paths
//! (and of the specs a design note depends on), never a whole tree or the index.

use crate::config::Config;
use crate::context::Context;
use crate::model::{Change, RepoPath, Side, TreeError, Trees};
use crate::rule_id::RuleId;

/// A path that may not be written, and the rule that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteRefusal {
    pub rule: RuleId,
    /// The path as it would be written.
    pub path: RepoPath,
    /// The path the rule protects: `path` itself, or the path of the base that `path` names on a
    /// case-insensitive checkout (`specs/Login.md` for a frozen `specs/login.md`).
    pub protected: RepoPath,
    /// Why the rule protects it: `a frozen spec (EXEC-READY in HEAD)`.
    pub why: String,
}

/// Every path rule that refuses a write to `path`, judged on the base side of `trees` under
/// `config`. Disabled rules are not asked; the `guard-config` rule refuses any write to the
/// config, since a write cannot show beforehand that it only tightens it.
pub fn write_refusals(
    config: &Config,
    trees: &dyn Trees,
    path: &RepoPath,
) -> Result<Vec<WriteRefusal>, TreeError> {
    let change = Change::default();
    let cx = Context::new(config, &change, trees, None);
    // The base's own spelling first, so that a refusal names the file that exists.
    let mut candidates: Vec<RepoPath> = Vec::new();
    for variant in trees.case_variants(Side::Base, path)? {
        if variant != *path && !candidates.contains(&variant) {
            candidates.push(variant);
        }
    }
    candidates.push(path.clone());
    let mut found = Vec::new();
    for rule in crate::rule_id::ALL_RULES {
        if !rule.is_path_rule() || !config.is_enabled(*rule) {
            continue;
        }
        for protected in &candidates {
            if crate::rules::protects(*rule, &cx, Side::Base, protected)? {
                found.push(WriteRefusal {
                    rule: *rule,
                    path: path.clone(),
                    protected: protected.clone(),
                    why: why(&cx, *rule, protected)?,
                });
                break;
            }
        }
    }
    Ok(found)
}

fn why(cx: &Context<'_>, rule: RuleId, protected: &RepoPath) -> Result<String, TreeError> {
    let layout = &cx.config.layout;
    Ok(match rule {
        RuleId::FrozenSpec => format!("a frozen spec ({} in HEAD)", layout.spec_marker),
        RuleId::FrozenDesign => {
            let spec = layout
                .designs
                .feature_of(protected)
                .map(|feature| cx.frozen_spec(Side::Base, &feature))
                .transpose()?
                .flatten();
            match spec {
                Some(spec) => format!("the design note of {spec}, a frozen spec"),
                None => "the design note of a frozen spec".to_string(),
            }
        }
        RuleId::ProtectedPath => "a protected path".to_string(),
        _ => "the guard's own config".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, EntryKind};
    use std::collections::HashMap;

    /// A base tree held in memory.
    struct Base(HashMap<&'static str, &'static str>);

    impl Trees for Base {
        fn entry(&self, side: Side, path: &RepoPath) -> Result<Option<Entry>, TreeError> {
            Ok(match side {
                Side::Base => self.0.get(path.to_text().as_str()).map(|_| Entry {
                    kind: EntryKind::File,
                    id: path.to_text(),
                    size: None,
                }),
                Side::New => None,
            })
        }
        fn blob(&self, id: &str) -> Result<Vec<u8>, TreeError> {
            Ok(self.0.get(id).copied().unwrap_or("").as_bytes().to_vec())
        }
        fn list(&self, _side: Side, dir: &RepoPath) -> Result<Vec<RepoPath>, TreeError> {
            let prefix = format!("{dir}/");
            Ok(self
                .0
                .keys()
                .filter(|p| p.starts_with(&prefix))
                .map(|p| RepoPath::from(*p))
                .collect())
        }
    }

    fn rules_for(path: &str) -> Vec<RuleId> {
        let base = Base(HashMap::from([
            ("specs/login.md", "# Login\n\nEXEC-READY\n"),
            ("specs/draft.md", "# Draft\n\nnot yet EXEC-READY\n"),
            ("designs/login.md", "# Design\n"),
        ]));
        let config = Config::embedded_default();
        write_refusals(&config, &base, &path.into())
            .unwrap()
            .into_iter()
            .map(|r| r.rule)
            .collect()
    }

    #[test]
    fn each_path_rule_refuses_its_paths_and_nothing_else() {
        assert_eq!(rules_for("specs/login.md"), [RuleId::FrozenSpec]);
        assert_eq!(rules_for("designs/login.md"), [RuleId::FrozenDesign]);
        assert_eq!(rules_for("designs/draft.md"), []);
        assert_eq!(rules_for("backend/PLANS.md"), [RuleId::ProtectedPath]);
        assert_eq!(rules_for(".execguard.toml"), [RuleId::GuardConfig]);
        assert_eq!(rules_for("specs/draft.md"), []);
        assert_eq!(rules_for("src/main.rs"), []);
    }
}

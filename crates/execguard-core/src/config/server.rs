//! The `[server]` table: who may override, which branches may not be deleted, and who owns the
//! specs.

use super::error::ConfigError;
use super::patterns::Globs;
use toml::{Spanned, Value};

use super::raw::RawServer;
use super::validator::Validator;
use crate::model::RepoPath;

/// The entry of `protected-branches` that stands for the repository's default branch.
pub const DEFAULT_BRANCH: &str = "<default>";

/// What the pre-receive hook needs beyond the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerConfig {
    /// The pushers whose `Execguard-Override` trailers the server honours.
    pub override_users: Vec<String>,
    /// Branches whose deletion needs an override user; [`DEFAULT_BRANCH`] among them stands for
    /// the branch the server repository's HEAD names.
    pub protected_branches: Globs,
    /// Who may freeze or un-freeze a spec and add or change a design note; empty: the override
    /// users.
    pub spec_owners: Vec<SpecOwners>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            override_users: Vec::new(),
            protected_branches: Globs::built_in(&[DEFAULT_BRANCH]),
            spec_owners: Vec::new(),
        }
    }
}

/// One entry of `spec-owners`: users, for every spec or for the specs `paths` match.
#[derive(Clone, Debug, PartialEq)]
pub struct SpecOwners {
    /// `None`: every spec.
    pub paths: Option<Globs>,
    pub users: Vec<String>,
}

impl SpecOwners {
    /// The entry as people read it: `ana`, or `bo (specs/pay*.md)`.
    pub fn describe(&self) -> Vec<String> {
        let scope = self
            .paths
            .as_ref()
            .map(|globs| format!(" ({})", globs.patterns().join(", ")))
            .unwrap_or_default();
        self.users
            .iter()
            .map(|user| format!("{user}{scope}"))
            .collect()
    }
}

impl ServerConfig {
    /// Whether deleting `branch` needs an override user; `default_branch` is the branch the
    /// receiving repository's HEAD names.
    pub fn protects_branch(&self, branch: &str, default_branch: Option<&str>) -> bool {
        let patterns = self.protected_branches.patterns();
        (default_branch == Some(branch) && patterns.iter().any(|p| p == DEFAULT_BRANCH))
            || self.protected_branches.is_match_name(branch)
    }

    /// Who may freeze, un-freeze or change the planning document `spec` stands for: every
    /// `spec-owners` name for all specs, and those of the entries whose paths match it; when none
    /// does, the override users.
    pub fn spec_owners_of(&self, spec: &RepoPath) -> Vec<String> {
        let mut owners: Vec<String> = Vec::new();
        for entry in &self.spec_owners {
            if entry
                .paths
                .as_ref()
                .is_none_or(|globs| globs.is_match(spec))
            {
                for user in &entry.users {
                    if !owners.contains(user) {
                        owners.push(user.clone());
                    }
                }
            }
        }
        if owners.is_empty() {
            owners = self.override_users.clone();
        }
        owners
    }
}

impl Validator<'_> {
    pub(super) fn server(&self, raw: RawServer) -> Result<ServerConfig, ConfigError> {
        let names = |key: &str, list: Vec<toml::Spanned<String>>| {
            list.into_iter()
                .map(|user| self.non_empty(key, Some(user), ""))
                .collect::<Result<Vec<_>, _>>()
        };
        let override_users = names(
            "server.override-users",
            raw.override_users.unwrap_or_default(),
        )?;
        let protected_branches = self.globs(
            "server.protected-branches",
            raw.protected_branches,
            &[DEFAULT_BRANCH],
        )?;
        let spec_owners = raw
            .spec_owners
            .unwrap_or_default()
            .into_iter()
            .map(|entry| self.spec_owner(entry))
            .collect::<Result<_, _>>()?;
        Ok(ServerConfig {
            override_users,
            protected_branches,
            spec_owners,
        })
    }
}

impl Validator<'_> {
    /// One entry of `spec-owners`: a name, or a table of `paths` and `users`.
    fn spec_owner(&self, entry: Spanned<Value>) -> Result<SpecOwners, ConfigError> {
        let span = entry.span();
        let wrong = |what: &str| {
            self.error(
                span.clone(),
                format!("server.spec-owners: {what}; an entry is a user name or a table `{{ paths = [\"specs/pay*.md\"], users = [\"ana\"] }}`"),
            )
        };
        let strings = |key: &str, value: Option<&Value>| -> Result<Vec<String>, ConfigError> {
            let Some(Value::Array(items)) = value else {
                return Err(wrong(&format!("`{key}` must be a list of strings")));
            };
            items
                .iter()
                .map(|item| match item {
                    Value::String(text) if !text.trim().is_empty() => Ok(text.clone()),
                    _ => Err(wrong(&format!("`{key}` holds something other than a name"))),
                })
                .collect()
        };
        match entry.into_inner() {
            Value::String(user) if !user.trim().is_empty() => Ok(SpecOwners {
                paths: None,
                users: vec![user],
            }),
            Value::String(_) => Err(wrong("a user name must not be empty")),
            Value::Table(table) => {
                if let Some(key) = table
                    .keys()
                    .find(|key| !["paths", "users"].contains(&key.as_str()))
                {
                    return Err(wrong(&format!("unknown key `{key}`")));
                }
                let globs = strings("paths", table.get("paths"))?;
                let users = strings("users", table.get("users"))?;
                let paths = Globs::compiled(globs)
                    .map_err(|(_, message)| wrong(&format!("paths: {message}")))?;
                Ok(SpecOwners {
                    paths: Some(paths),
                    users,
                })
            }
            _ => Err(wrong("not a name or a table")),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::model::RepoPath;

    #[test]
    fn the_default_branch_is_protected_by_default() {
        let server = Config::parse("c.toml", "").unwrap().server;
        assert!(server.protects_branch("main", Some("main")));
        assert!(!server.protects_branch("exec/login", Some("main")));
        let listed = "[server]\nprotected-branches = [\"<default>\", \"release/*\"]\n";
        let server = Config::parse("c.toml", listed).unwrap().server;
        assert!(server.protects_branch("release/1.0", Some("main")));
        assert!(server.protects_branch("main", Some("main")));
    }

    #[test]
    fn spec_owners_take_names_and_scoped_tables() {
        let text = "[server]\noverride-users = [\"root\"]\nspec-owners = [\"ana\", { paths = [\"specs/pay*.md\"], users = [\"bo\"] }]\n";
        let server = Config::parse("c.toml", text).unwrap().server;
        assert_eq!(
            server.spec_owners_of(&RepoPath::from("specs/pay.md")),
            ["ana", "bo"]
        );
        assert_eq!(
            server.spec_owners_of(&RepoPath::from("specs/login.md")),
            ["ana"]
        );
        let tables = "[server]\noverride-users = [\"root\"]\n[[server.spec-owners]]\npaths = [\"specs/pay*.md\"]\nusers = [\"bo\"]\n";
        let server = Config::parse("c.toml", tables).unwrap().server;
        assert_eq!(
            server.spec_owners_of(&RepoPath::from("specs/login.md")),
            ["root"],
            "a spec no entry names falls to the override users"
        );
        let unknown = "[server]\nspec-owners = [{ paths = [\"specs/*.md\"], user = [\"bo\"] }]\n";
        assert!(Config::parse("c.toml", unknown).is_err());
        let empty = "[server]\nspec-owners = [\"\"]\n";
        assert!(Config::parse("c.toml", empty).is_err());
    }
}

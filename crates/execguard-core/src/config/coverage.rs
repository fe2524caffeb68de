//! Which templates and globs of a config match no file of a tree: a template that matches nothing
//! finds no plan, silently, so `execguard config --check` and `execguard doctor` say so.

use super::Config;
use crate::model::RepoPath;

impl Config {
    /// A sentence for each template or glob that matches none of `paths` (a tree's files):
    /// `layout.execplans: \`docs/**/PLAN_{feature}.md\` matches no file at HEAD`, `at` naming the
    /// tree.
    pub fn unmatched(&self, paths: &[RepoPath], at: &str) -> Vec<String> {
        let layout = &self.layout;
        let mut found = Vec::new();
        let mut check = |key: &str, text: &str, matches: &dyn Fn(&RepoPath) -> bool| {
            if !paths.iter().any(matches) {
                found.push(format!("{key}: `{text}` matches no file at {at}"));
            }
        };
        for glob in &layout.specs.globs {
            check("layout.specs", glob.as_str(), &|path| {
                glob.is_match(path) && !layout.specs.exclude.is_match(path)
            });
        }
        for (key, templates) in [
            ("layout.designs", &layout.designs),
            ("layout.execplans", &layout.execplans),
        ] {
            for template in templates.templates() {
                check(key, template.as_str(), &|path| {
                    template.feature_of(path).is_some() && !templates.exclude.is_match(path)
                });
            }
        }
        let protected = &self.rules.protected_path;
        for pattern in protected.paths.patterns() {
            let one = super::Globs::compiled(vec![pattern.clone()]).ok();
            check("rules.protected-path.paths", pattern, &|path| {
                one.as_ref().is_some_and(|glob| glob.is_match(path))
            });
        }
        for section in &protected.sections {
            check(
                "rules.protected-path.sections",
                &section.path.to_text(),
                &|path| *path == section.path,
            );
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn names_each_template_and_glob_that_matches_nothing() {
        let config = Config::parse(
            "c.toml",
            "[layout]\nexecplans = [\"docs/**/PLAN_{feature}.md\", \"plans/{feature}.md\"]\n",
        )
        .unwrap();
        let paths = ["docs/a/PLAN_x.md".into(), "specs/x.md".into()];
        let found = config.unmatched(&paths, "HEAD");
        assert_eq!(
            found,
            [
                "layout.designs: `designs/{feature}.md` matches no file at HEAD",
                "layout.execplans: `plans/{feature}.md` matches no file at HEAD",
                "rules.protected-path.paths: `backend/PLANS.md` matches no file at HEAD",
            ]
        );
    }
}

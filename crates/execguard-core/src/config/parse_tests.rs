use super::*;

/// The defaults written in code, for comparison with the shipped file.
fn builtin() -> Config {
    Config::parse("builtin", "").expect("empty config is valid")
}

#[test]
fn embedded_default_parses_and_equals_builtin() {
    let documented = Config::parse("embedded default config", DEFAULT_CONFIG)
        .expect("the documented default config parses");
    assert_eq!(documented, builtin());
    assert_eq!(Config::embedded_default(), documented);
}

#[test]
fn unknown_key_is_named_with_line() {
    let err = Config::parse(".execguard.toml", "[rules.commit-size]\nmax-line = 3\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, 1));
    assert!(err.message.contains("max-line"), "{err}");
}

#[test]
fn wrong_type_names_the_key_not_the_parser() {
    let err = Config::parse("c.toml", "[rules.commit-size]\nmax-lines = \"300\"\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, 13));
    assert!(
        err.message
            .starts_with("rules.commit-size.max-lines: invalid type"),
        "{err}"
    );
    let err = Config::parse("c.toml", "layout = 3\n").unwrap_err();
    assert_eq!(
        err.message,
        "layout: invalid type: integer `3`, expected a table"
    );
    let err = Config::parse("c.toml", "[scope]\nbranches = \n").unwrap_err();
    assert!(!err.message.contains('\n'), "{err}");
}

#[test]
fn bad_glob_is_named_with_line_and_key() {
    let err = Config::parse("c.toml", "[rules.protected-path]\npaths = [\"a/[b\"]\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.message.contains("rules.protected-path.paths"), "{err}");
    assert!(err.to_string().starts_with("c.toml:2:"), "{err}");
}

#[test]
fn bad_regex_and_missing_group_are_errors() {
    let err = Config::parse("c.toml", "[layout]\nbranch-patterns = [\"(\"]\n").unwrap_err();
    assert!(err.message.contains("invalid regex"), "{err}");
    let err = Config::parse("c.toml", "[layout]\nbranch-patterns = [\"^x/(.*)$\"]\n").unwrap_err();
    assert!(err.message.contains("feature"), "{err}");
}

#[test]
fn templates_need_feature_at_most_once_and_a_fixed_file_is_one_plan() {
    let err = Config::parse(
        "c.toml",
        "[layout]\nexecplans = \"plans/{feature}/{feature}.md\"\n",
    )
    .unwrap_err();
    assert!(err.message.contains("{feature}"), "{err}");
    let fixed = Config::parse("c.toml", "[layout]\nexecplans = \"plans/x.md\"\n").unwrap();
    assert_eq!(
        fixed
            .layout
            .execplans
            .feature_of(&"plans/x.md".into())
            .as_deref(),
        Some("x")
    );
}

#[test]
fn layout_helpers() {
    let config = builtin();
    let layout = &config.layout;
    assert_eq!(layout.specs.roots(), ["specs"]);
    assert!(layout.specs.is_match(&"specs/auth/login.md".into()));
    assert!(!layout.specs.is_match(&"docs/specs/login.md".into()));
    assert_eq!(
        layout
            .execplans
            .feature_of(&"plans/login-execplan.md".into())
            .as_deref(),
        Some("login")
    );
    assert_eq!(
        layout
            .execplans
            .feature_of(&"plans/x/login-execplan.md".into()),
        None
    );
    assert!(layout.is_code(&"src/main.rs".into()));
    assert!(!layout.is_code(&"docs/readme.md".into()));
    assert_eq!(
        layout.branch_patterns.feature_of("exec/login").as_deref(),
        Some("login")
    );
    assert_eq!(layout.branch_patterns.feature_of("main"), None);
}

#[test]
fn zero_limit_is_an_error() {
    let err = Config::parse("c.toml", "[rules.commit-size]\nmax-lines = 0\n").unwrap_err();
    assert!(err.message.contains("max-lines"), "{err}");
    for key in ["max-binary-bytes", "line-bytes"] {
        let text = format!("[rules.commit-size]\n{key} = 0\n");
        let err = Config::parse("c.toml", &text).unwrap_err();
        assert!(err.message.contains(key), "{err}");
        assert_eq!(err.line, 2, "{err}");
    }
}

#[test]
fn commit_size_defaults_and_overrides() {
    let size = builtin().rules.commit_size;
    assert_eq!(size.max_binary_bytes, DEFAULT_MAX_BINARY_BYTES);
    assert_eq!(size.line_bytes, DEFAULT_LINE_BYTES);
    assert!(size.exclude.patterns().is_empty());
    let custom = Config::parse(
        "c.toml",
        "[rules.commit-size]\nmax-binary-bytes = 5\nline-bytes = 80\nexclude = [\"vendor/**\"]\n",
    )
    .unwrap()
    .rules
    .commit_size;
    assert_eq!((custom.max_binary_bytes, custom.line_bytes), (5, 80));
    assert!(custom.exclude.is_match(&"vendor/x.js".into()));
}

#[test]
fn a_template_gives_the_feature_of_a_path_that_fits_it() {
    let template = |text: &str| Template::parse(text).expect("a template");
    let feature = |t: &Template, path: &str| t.feature_of(&crate::model::RepoPath::from(path));
    let plans = template("plans/{feature}-execplan.md");
    assert_eq!(
        feature(&plans, "plans/login-execplan.md"),
        Some("login".into())
    );
    assert_eq!(feature(&plans, "plans/a-b-execplan.md"), Some("a-b".into()));
    for other in [
        "plans/-execplan.md",
        "plans/x/y-execplan.md",
        "plans/login-execplan.md.bak",
        "xplans/login-execplan.md",
        "plans/login",
    ] {
        assert_eq!(feature(&plans, other), None, "{other}");
    }
    let odd = template("docs/(v1)+/{feature}.md");
    assert_eq!(feature(&odd, "docs/(v1)+/x.md"), Some("x".into()));
    assert_eq!(feature(&odd, "docs/v1/x.md"), None);
    assert_eq!(feature(&template("{feature}"), "x"), Some("x".into()));
}

#[test]
fn plain_branch_patterns_match_as_their_regexes_do() {
    let patterns = [
        "^exec/(?P<feature>[^/]+)$",
        "^feature/(?P<feature>[^/]+)$",
        "^agent/(?P<feature>[^/]+)_work$",
        "^(?P<feature>[^/]+)$",
    ];
    let branches = [
        "exec/login",
        "exec/",
        "exec/a/b",
        "xexec/a",
        "exec/a\n",
        "exec/é-ü",
        "feature/x-y",
        "agent/x_work",
        "agent/_work",
        "agent/x_work_work",
        "main",
        "",
    ];
    for pattern in patterns {
        let plain = super::patterns::BranchPattern::around(pattern).expect("a plain pattern");
        let regex =
            super::patterns::BranchPattern::Regex(regex::Regex::new(pattern).expect("a regex"));
        for branch in branches {
            assert_eq!(
                plain.feature_of(branch),
                regex.feature_of(branch),
                "{pattern} on {branch:?}"
            );
        }
    }
    for compiled in [
        "^ex.c/(?P<feature>[^/]+)$",
        "exec/(?P<feature>[^/]+)$",
        "^exec/(?P<feature>.+)$",
    ] {
        assert!(
            super::patterns::BranchPattern::around(compiled).is_none(),
            "{compiled}"
        );
    }
}

#[test]
fn progress_update_keys_are_validated() {
    for (text, message) in [
        (
            "[rules.progress-update]\nwithin = \"later\"\n",
            "rules.progress-update.within",
        ),
        (
            "[rules.progress-update]\nexempt-authors = ['(']\n",
            "rules.progress-update.exempt-authors",
        ),
        (
            "[rules.progress-update]\nsmall-fix-lines = -1\n",
            "rules.progress-update.small-fix-lines",
        ),
    ] {
        let err = Config::parse("c.toml", text).unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains(message), "{text}: {err}");
    }
    let config = Config::parse(
        "c.toml",
        "[rules.progress-update]\nwithin = \"push\"\nexempt-authors = ['^renovate\\[bot\\] ']\n",
    )
    .unwrap();
    let settings = &config.rules.progress_update;
    assert_eq!(settings.within, crate::config::Within::Push);
    assert!(settings
        .exempt_authors
        .find("renovate[bot] <bot@renovateapp.com>")
        .is_some());
    assert!(settings
        .exempt_authors
        .find("Ana <ana@example.com>")
        .is_none());
    // A rendered config parses back to itself.
    assert_eq!(Config::parse("r.toml", &config.to_toml()).unwrap(), config);
}

/// Each named choice of `[rules.progress-update]` names its key, both values and what was found.
#[test]
fn an_unknown_choice_names_the_key_and_both_values() {
    for (line, message) in [
        ("within = \"later\"", "rules.progress-update.within: expected \"commit\" or \"push\", found \"later\""),
        ("require = \"all\"", "rules.progress-update.require: expected \"every-code-commit\" or \"planned-work\", found \"all\""),
        ("unplanned-complex-work = \"maybe\"", "rules.progress-update.unplanned-complex-work: expected \"warn\" or \"refuse\", found \"maybe\""),
        ("plan-touch-small-work = \"never\"", "rules.progress-update.plan-touch-small-work: expected \"warn\" or \"refuse\", found \"never\""),
    ] {
        let text = format!("[rules.progress-update]\n{line}\n");
        let err = Config::parse("c.toml", &text).unwrap_err().to_string();
        assert!(err.contains(message), "{err}");
        assert!(err.contains("c.toml:2:"), "{err}");
    }
    let choices = Config::parse(
        "c.toml",
        "[rules.progress-update]\nwithin = \"push\"\nrequire = \"planned-work\"\nunplanned-complex-work = \"refuse\"\nplan-touch-small-work = \"refuse\"\n",
    )
    .unwrap();
    let p = &choices.rules.progress_update;
    assert_eq!(
        (
            p.within.as_str(),
            p.require.as_str(),
            p.unplanned_verdict.as_str(),
            p.plan_touch_small_work.as_str()
        ),
        ("push", "planned-work", "refuse", "refuse")
    );
}

use super::*;

fn config(text: &str) -> Config {
    Config::parse("c.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

/// The keys `newer` loosens relative to `older`.
fn loosened(older: &str, newer: &str) -> Vec<String> {
    config(older)
        .loosenings(&config(newer))
        .into_iter()
        .map(|l| l.key)
        .collect()
}

fn from_default(newer: &str) -> Vec<String> {
    loosened("", newer)
}

#[test]
fn the_same_config_loosens_nothing() {
    let default = Config::embedded_default();
    assert_eq!(default.loosenings(&default), vec![]);
    assert_eq!(
        from_default(crate::config::DEFAULT_CONFIG),
        Vec::<String>::new()
    );
}

#[test]
fn disabling_a_rule_loosens_and_enabling_tightens() {
    assert_eq!(
        from_default("[rules.frozen-spec]\nenabled = false\n"),
        ["rules.frozen-spec.enabled"]
    );
    assert_eq!(
        from_default("[rules.guard-config]\nenabled = false\n"),
        ["rules.guard-config.enabled"]
    );
    assert!(loosened("[rules.commit-size]\nenabled = false\n", "").is_empty());
}

#[test]
fn raising_a_limit_loosens_and_lowering_tightens() {
    let found = config("").loosenings(&config(
        "[rules.commit-size]\nmax-lines = 4000\nmax-files = 3\n[rules.commit-message]\nmax-subject = 100\n",
    ));
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "rules.commit-size.max-lines: 400 → 4000",
            "rules.commit-message.max-subject: 72 → 100"
        ]
    );
    assert!(from_default("[rules.commit-size]\nmax-lines = 300\nmax-file-bytes = 10\n").is_empty());
}

#[test]
fn exempting_paths_from_max_file_bytes_loosens() {
    assert_eq!(
        from_default("[rules.commit-size]\nlarge-files = [\"assets/**\"]\n"),
        ["rules.commit-size.large-files"]
    );
    // Removing an exemption tightens.
    assert!(loosened("[rules.commit-size]\nlarge-files = [\"assets/**\"]\n", "").is_empty());
}

#[test]
fn protected_paths_may_grow_but_not_lose_one() {
    let more = "[rules.protected-path]\npaths = [\"backend/PLANS.md\", \"Makefile\"]\n";
    assert!(from_default(more).is_empty());
    assert_eq!(
        from_default("[rules.protected-path]\npaths = []\n"),
        ["rules.protected-path.paths"]
    );
    assert_eq!(
        from_default("[rules.protected-path]\npaths = [\"backend/*.md\"]\n"),
        ["rules.protected-path.paths"],
        "a rewritten glob cannot be shown to cover the old one"
    );
    assert!(from_default("[rules.protected-path]\npaths = [\"**\"]\n").is_empty());
}

#[test]
fn scope_may_widen_but_not_narrow() {
    let exec = "[scope]\nbranches = [\"exec/**\"]\n";
    assert_eq!(from_default(exec), ["scope.branches"]);
    assert!(loosened(exec, "[scope]\nbranches = [\"exec/**\", \"feat/**\"]\n").is_empty());
    assert!(loosened(exec, "").is_empty(), "no scope is every branch");
    assert_eq!(
        loosened(exec, "[scope]\nbranches = [\"feat/**\"]\n"),
        ["scope.branches"]
    );
}

#[test]
fn exclusions_and_not_code_may_shrink_but_not_grow() {
    assert_eq!(
        from_default("[rules.commit-size]\nexclude = [\"**/Cargo.lock\", \"vendor/**\"]\n"),
        ["rules.commit-size.exclude"]
    );
    assert!(from_default("[rules.commit-size]\nexclude = []\n").is_empty());
    assert_eq!(
        from_default("[layout]\nnot-code = [\"**/*.md\", \".execguard.toml\", \"tools/**\"]\n"),
        ["layout.not-code"]
    );
    assert!(from_default("[layout]\nnot-code = []\n").is_empty());
    assert_eq!(
        from_default("[layout]\ncode = [\"src/**\"]\n"),
        ["layout.code"]
    );
    assert!(loosened("[layout]\ncode = [\"src/**\"]\n", "").is_empty());
}

#[test]
fn planning_layout_and_markers_may_not_change() {
    for (text, key) in [
        ("[layout]\nspecs = \"docs/specs/*.md\"\n", "layout.specs"),
        (
            "[layout]\ndesigns = \"notes/{feature}.md\"\n",
            "layout.designs",
        ),
        (
            "[layout]\nexecplans = \"plans/{feature}.md\"\n",
            "layout.execplans",
        ),
        ("[layout]\nspec-marker = \"FROZEN\"\n", "layout.spec-marker"),
        (
            "[layout]\nexecplan-marker = \"READY\"\n",
            "layout.execplan-marker",
        ),
        (
            "[layout]\nbranch-patterns = ['^exec/(?P<feature>[^/]+)$']\n",
            "layout.branch-patterns",
        ),
        (
            "[rules.progress-update]\nsection = \"Log\"\n",
            "rules.progress-update.section",
        ),
    ] {
        assert_eq!(from_default(text), [key], "{text}");
    }
}

#[test]
fn required_sections_may_grow_and_the_spec_path_stay_required() {
    assert!(from_default(
        "[rules.execplan-sections]\nrequired = [\"Progress\", \"Surprises & Discoveries\", \"Decision Log\", \"Outcomes & Retrospective\", \"Risks\"]\n"
    )
    .is_empty());
    assert_eq!(
        from_default("[rules.execplan-sections]\nrequired = [\"Progress\"]\n"),
        ["rules.execplan-sections.required"]
    );
    assert_eq!(
        from_default("[rules.execplan-sections]\nrequire-spec-path = false\n"),
        ["rules.execplan-sections.require-spec-path"]
    );
}

#[test]
fn protected_sections_may_be_added_but_not_removed() {
    let one =
        "[rules.protected-path]\nsections = [{ path = \"README.md\", heading = \"Rules\" }]\n";
    let two = "[rules.protected-path]\nsections = [{ path = \"README.md\", heading = \"Rules\" }, { path = \"AGENTS.md\", heading = \"Commands\" }]\n";
    assert!(from_default(one).is_empty());
    assert!(loosened(one, two).is_empty());
    assert_eq!(loosened(two, one), ["rules.protected-path.sections"]);
    assert_eq!(loosened(one, ""), ["rules.protected-path.sections"]);
    let config = config(two);
    assert_eq!(
        Config::parse("rendered", &config.to_toml()).unwrap(),
        config
    );
    let bad = Config::parse(
        "c.toml",
        "[rules.protected-path]\nsections = [{ path = \"README.md\", heading = \" \" }]\n",
    )
    .unwrap_err();
    assert!(
        bad.message.contains("rules.protected-path.sections"),
        "{bad}"
    );
}

#[test]
fn override_users_may_be_removed_but_not_added() {
    let ana = "[server]\noverride-users = [\"ana\"]\n";
    assert_eq!(from_default(ana), ["server.override-users"]);
    assert!(loosened(ana, "").is_empty());
}

#[test]
fn protected_branches_may_be_added_but_not_removed() {
    let release = "[server]\nprotected-branches = [\"<default>\", \"release/*\"]\n";
    assert!(from_default(release).is_empty());
    assert_eq!(loosened(release, ""), ["server.protected-branches"]);
    assert_eq!(
        from_default("[server]\nprotected-branches = []\n"),
        ["server.protected-branches"]
    );
}

#[test]
fn spec_owners_may_be_removed_but_not_added() {
    let ana = "[server]\nspec-owners = [\"ana\"]\n";
    let ana_and_bo =
        "[server]\nspec-owners = [\"ana\", { paths = [\"specs/pay*.md\"], users = [\"bo\"] }]\n";
    assert!(loosened(ana_and_bo, ana).is_empty());
    assert_eq!(loosened(ana, ana_and_bo), ["server.spec-owners"]);
    // An empty list hands the specs to the override users.
    assert_eq!(loosened(ana, ""), ["server.spec-owners"]);
    assert_eq!(from_default(ana), ["server.spec-owners"]);
}

#[test]
fn a_baseline_may_be_removed_but_not_added() {
    let one = "[adoption]\nbaseline = [\"0123456789abcdef0123456789abcdef01234567\"]\n";
    let two = "[adoption]\nbaseline = [\"0123456789abcdef0123456789abcdef01234567\", \"89abcdef0123456789abcdef0123456789abcdef\"]\n";
    assert_eq!(from_default(one), ["adoption.baseline"]);
    assert_eq!(loosened(one, two), ["adoption.baseline"]);
    assert!(loosened(two, one).is_empty());
    assert!(loosened(one, "").is_empty());
    assert!(loosened(one, one).is_empty());
}

#[test]
fn every_loosening_is_named_at_once() {
    let found = from_default(
        "[scope]\nbranches = [\"exec/**\"]\n[rules.frozen-spec]\nenabled = false\n[server]\noverride-users = [\"bo\"]\n",
    );
    assert_eq!(
        found,
        [
            "scope.branches",
            "rules.frozen-spec.enabled",
            "server.override-users"
        ]
    );
}

#[test]
fn the_old_default_layout_is_looser_than_the_new_one() {
    // `execguard init` used to write planning folders into not-code: dropping them tightens.
    let mut old_not_code = vec!["specs/**", "designs/**", "plans/**"];
    old_not_code.extend(crate::config::DEFAULT_NOT_CODE);
    let old_init = format!(
        "[layout]\nnot-code = [{}]\n",
        old_not_code
            .iter()
            .map(|p| format!("\"{p}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(loosened(&old_init, "").is_empty());
    assert_eq!(from_default(&old_init), ["layout.not-code"]);
}

#[test]
fn tool_config_left_out_of_code_by_default_loosens_an_older_not_code() {
    // A config written before licences and CI config left code must not quietly gain them.
    let older = "[layout]\nnot-code = [\"**/*.md\", \".execguard.toml\"]\n";
    assert_eq!(loosened(older, ""), ["layout.not-code"]);
}

#[test]
fn planning_locations_and_exclusions_may_not_change_either_way() {
    let two = "[layout]\nexecplans = [\"plans/{feature}-execplan.md\", \"docs/execplans/{feature}.md\"]\n";
    assert_eq!(from_default(two), ["layout.execplans"], "a folder added");
    assert_eq!(loosened(two, ""), ["layout.execplans"], "a folder removed");
    let swapped = "[layout]\nexecplans = [\"docs/execplans/{feature}.md\", \"plans/{feature}-execplan.md\"]\n";
    assert!(loosened(two, swapped).is_empty(), "order does not matter");
    assert!(
        from_default("[layout]\nexecplans = [\"plans/{feature}-execplan.md\"]\n").is_empty(),
        "a list of one is the string"
    );
    assert_eq!(
        from_default("[layout]\nspecs = [\"specs/**/*.md\", \"docs/specs/*.md\"]\n"),
        ["layout.specs"]
    );
    assert_eq!(
        from_default("[layout]\nnot-planning = [\"**/README.md\", \"**/TEMPLATE.md\", \"plans/archive/**\"]\n"),
        ["layout.not-planning"],
        "an exclusion added frees the documents it names"
    );
    assert_eq!(
        from_default("[layout]\nnot-planning = []\n"),
        ["layout.not-planning"],
        "an exclusion dropped takes files out of code and commit-size"
    );
}

#[test]
fn removing_a_freezing_state_loosens_and_adding_one_needs_no_code_from_specs() {
    let approved = "[layout]\nspec-marker = [\"APPROVED\", \"COMPLETED\"]\n";
    assert_eq!(
        loosened(approved, "[layout]\nspec-marker = [\"APPROVED\"]\n"),
        ["layout.spec-marker"]
    );
    // More frozen states protect more specs, but let execplan-ready accept code on them.
    assert_eq!(
        loosened(
            approved,
            "[layout]\nspec-marker = [\"APPROVED\", \"COMPLETED\", \"DRAFT\"]\n"
        ),
        ["layout.spec-marker"]
    );
    let no_spec = "[rules.execplan-ready]\nrequire-spec = false\n";
    assert!(loosened(
        &format!("{approved}{no_spec}"),
        &format!(
            "[layout]\nspec-marker = [\"APPROVED\", \"COMPLETED\", \"IMPLEMENTED\"]\n{no_spec}"
        )
    )
    .is_empty());
}

#[test]
fn execplan_states_may_shrink_but_not_grow() {
    let two = "[layout]\nexecplan-marker = [\"EXECPLAN-READY\", \"IN PROGRESS\"]\n";
    assert_eq!(from_default(two), ["layout.execplan-marker"]);
    assert!(loosened(two, "").is_empty());
}

#[test]
fn not_requiring_a_spec_loosens() {
    assert_eq!(
        from_default("[rules.execplan-ready]\nrequire-spec = false\n"),
        ["rules.execplan-ready.require-spec"]
    );
    assert!(loosened("[rules.execplan-ready]\nrequire-spec = false\n", "").is_empty());
}

#[test]
fn progress_update_allowances_may_shrink_but_not_grow() {
    for (newer, key) in [
        ("within = \"push\"", "rules.progress-update.within"),
        (
            "exempt-authors = ['^bot ']",
            "rules.progress-update.exempt-authors",
        ),
        (
            "exempt-trailers = ['^Bot: ']",
            "rules.progress-update.exempt-trailers",
        ),
        (
            "small-fix-lines = 5",
            "rules.progress-update.small-fix-lines",
        ),
        (
            "merge-resolution-lines = 3",
            "rules.progress-update.merge-resolution-lines",
        ),
        (
            "require = \"planned-work\"",
            "rules.progress-update.require",
        ),
        (
            "unplanned-max-lines = 300",
            "rules.progress-update.unplanned-max-lines",
        ),
        (
            "unplanned-max-files = 8",
            "rules.progress-update.unplanned-max-files",
        ),
        (
            "unplanned-spread-lines = 150",
            "rules.progress-update.unplanned-spread-lines",
        ),
        (
            "unplanned-spread-folders = 4",
            "rules.progress-update.unplanned-spread-folders",
        ),
    ] {
        let newer = format!("[rules.progress-update]\n{newer}\n");
        assert_eq!(from_default(&newer), [key], "{newer}");
        assert!(loosened(&newer, "").is_empty(), "{newer}");
    }
    // Unplanned complex work is a warning by default: refusing it tightens, and going back from
    // "refuse" to the default (or to an explicit "warn") loosens.
    let refuse = "[rules.progress-update]\nunplanned-complex-work = \"refuse\"\n";
    assert!(from_default(refuse).is_empty());
    for warn in [
        "",
        "[rules.progress-update]\nunplanned-complex-work = \"warn\"\n",
    ] {
        assert_eq!(
            loosened(refuse, warn),
            ["rules.progress-update.unplanned-complex-work"],
            "{warn}"
        );
    }
    // Small work touching an open plan without its entry is a warning by default: the same.
    let refuse = "[rules.progress-update]\nplan-touch-small-work = \"refuse\"\n";
    assert!(from_default(refuse).is_empty());
    for warn in [
        "",
        "[rules.progress-update]\nplan-touch-small-work = \"warn\"\n",
    ] {
        assert_eq!(
            loosened(refuse, warn),
            ["rules.progress-update.plan-touch-small-work"],
            "{warn}"
        );
    }
    // Leaving more code out of the unplanned size loosens; counting tests again tightens.
    let mut more: Vec<String> = crate::config::DEFAULT_UNPLANNED_EXCLUDE
        .iter()
        .map(|glob| format!("{glob:?}"))
        .collect();
    more.push("\"**/vendor/**\"".into());
    let more = format!(
        "[rules.progress-update]\nunplanned-exclude = [{}]\n",
        more.join(", ")
    );
    assert_eq!(
        from_default(&more),
        ["rules.progress-update.unplanned-exclude"]
    );
    assert!(loosened(&more, "").is_empty());
    assert!(from_default("[rules.progress-update]\nunplanned-exclude = []\n").is_empty());
    // More files for a small fix loosens only once small fixes are allowed at all.
    assert!(from_default("[rules.progress-update]\nsmall-fix-files = 3\n").is_empty());
    assert_eq!(
        loosened(
            "[rules.progress-update]\nsmall-fix-lines = 5\n",
            "[rules.progress-update]\nsmall-fix-lines = 5\nsmall-fix-files = 3\n"
        ),
        ["rules.progress-update.small-fix-files"]
    );
}

#[test]
fn binary_content_and_generated_subjects_may_only_tighten() {
    assert!(from_default("[layout]\nbinary-is-code = true\n").is_empty());
    assert_eq!(
        loosened("[layout]\nbinary-is-code = true\n", ""),
        ["layout.binary-is-code"]
    );
    assert!(from_default("[rules.commit-message]\nexempt-generated = false\n").is_empty());
    assert_eq!(
        loosened("[rules.commit-message]\nexempt-generated = false\n", ""),
        ["rules.commit-message.exempt-generated"]
    );
}

#[test]
fn closed_plans_may_shrink_but_not_grow() {
    let mut more: Vec<String> = crate::config::DEFAULT_CLOSED_PLANS
        .iter()
        .map(|glob| format!("{glob:?}"))
        .collect();
    more.push("\"plans/**\"".into());
    let more = format!("[layout]\nclosed-plans = [{}]\n", more.join(", "));
    assert_eq!(from_default(&more), ["layout.closed-plans"]);
    assert!(loosened(&more, "").is_empty());
    assert!(from_default("[layout]\nclosed-plans = []\n").is_empty());
}

#[test]
fn shelved_plans_may_shrink_but_not_grow() {
    let mut more: Vec<String> = crate::config::DEFAULT_SHELVED_PLANS
        .iter()
        .map(|glob| format!("{glob:?}"))
        .collect();
    more.push("\"plans/**\"".into());
    let more = format!("[layout]\nshelved-plans = [{}]\n", more.join(", "));
    assert_eq!(from_default(&more), ["layout.shelved-plans"]);
    assert!(loosened(&more, "").is_empty());
    assert!(from_default("[layout]\nshelved-plans = []\n").is_empty());
}

#[test]
fn generated_markers_may_shrink_but_not_grow() {
    let mut more: Vec<String> = crate::config::DEFAULT_GENERATED_MARKERS
        .iter()
        .map(|marker| format!("{marker:?}"))
        .collect();
    more.push("\"Generated\"".into());
    let more = format!("[layout]\ngenerated-markers = [{}]\n", more.join(", "));
    assert_eq!(from_default(&more), ["layout.generated-markers"]);
    assert!(loosened(&more, "").is_empty());
    assert!(from_default("[layout]\ngenerated-markers = []\n").is_empty());
    assert_eq!(
        loosened("[layout]\ngenerated-markers = []\n", ""),
        ["layout.generated-markers"]
    );
}

#[test]
fn closing_unstarted_plans_may_be_refused_but_not_let_through() {
    let off = "[rules.execplan-deleted]\nclosing-unstarted = false\n";
    assert_eq!(
        from_default(off),
        ["rules.execplan-deleted.closing-unstarted"]
    );
    assert!(loosened(off, "").is_empty());
}

//! Tests of `[layout]`: what is code and what is planning, by location.

use crate::config::Config;

#[test]
fn code_beside_the_plans_is_code_and_only_planning_markdown_is_planning() {
    let config = Config::embedded_default();
    let layout = &config.layout;
    for code in [
        "plans/tool.py",
        "specs/fixtures/login.json",
        "designs/diagram.svg",
        "src/main.rs",
    ] {
        assert!(layout.is_code(&code.into()), "{code} is code");
        assert!(!layout.is_planning(&code.into()), "{code} is not planning");
    }
    for planning in [
        "plans/login-execplan.md",
        "specs/login.md",
        "specs/auth/login.md",
        "designs/login.md",
    ] {
        assert!(
            layout.is_planning(&planning.into()),
            "{planning} is planning"
        );
        assert!(!layout.is_code(&planning.into()), "{planning} is not code");
    }
    for prose in ["README.md", "plans/notes.md", ".execguard.toml"] {
        assert!(!layout.is_code(&prose.into()), "{prose} is not code");
    }
}

#[test]
fn a_planning_document_outside_not_code_is_still_not_code() {
    let config = Config::parse(
        "c.toml",
        "[layout]\nspecs = \"specs/**/*.txt\"\nnot-code = []\n",
    )
    .unwrap();
    assert!(!config.layout.is_code(&"specs/login.txt".into()));
    assert!(config.layout.is_code(&"specs/login.py".into()));
}

const SEVERAL: &str = "[layout]\nspecs = [\"specs/**/*.md\", \"docs/specs/*.md\"]\nexecplans = [\"docs/execplans/{feature}.md\", \"plans/{feature}-execplan.md\", \"docs/execplans/archive/{feature}.md\"]\nspec-marker = [\"APPROVED\", \"COMPLETED\"]\n";

#[test]
fn several_locations_are_all_planning_less_the_exclusions() {
    let config = Config::parse("c.toml", SEVERAL).unwrap();
    let layout = &config.layout;
    for (path, feature) in [
        ("docs/execplans/billing.md", Some("billing")),
        ("docs/execplans/archive/billing-v1.md", Some("billing-v1")),
        ("plans/login-execplan.md", Some("login")),
        ("docs/execplans/README.md", None),
        ("docs/execplans/TEMPLATE.md", None),
    ] {
        assert_eq!(
            layout.execplans.feature_of(&path.into()).as_deref(),
            feature,
            "{path}"
        );
    }
    assert!(layout.specs.is_match(&"docs/specs/billing.md".into()));
    assert!(!layout.specs.is_match(&"specs/README.md".into()));
    assert_eq!(layout.specs.roots(), ["specs", "docs/specs"]);
    assert_eq!(
        layout.execplans.path_for("x").to_text(),
        "docs/execplans/x.md"
    );
    assert_eq!(layout.spec_marker.to_string(), "APPROVED or COMPLETED");
    assert!(layout.spec_marker.found_in("# Spec\n\nStatus: COMPLETED\n"));
    assert!(!layout.spec_marker.found_in("# Spec\n\nStatus: DRAFT\n"));
}

#[test]
fn a_list_key_renders_and_parses_back() {
    let config = Config::parse("c.toml", SEVERAL).unwrap();
    let text = config.to_toml();
    assert_eq!(Config::parse("rendered", &text).unwrap(), config, "{text}");
}

#[test]
fn a_bad_list_names_the_key_and_line() {
    for (text, message) in [
        (
            "[layout]\nexecplans = []\n",
            "layout.execplans: expected a string or a non-empty array",
        ),
        (
            "[layout]\nspec-marker = [\"A\", 3]\n",
            "layout.spec-marker: expected a string",
        ),
        (
            "[layout]\nspec-marker = [\"A\", \"A\"]\n",
            "`A` is listed twice",
        ),
        ("[layout]\nspecs = 3\n", "layout.specs: expected a string"),
        ("[layout]\nexecplans = [\"plans/*.md\"]\n", "{feature}"),
        ("[layout]\nexecplan-marker = [\" \"]\n", "must not be empty"),
    ] {
        let err = Config::parse("c.toml", text).unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.contains(message), "{text}: {err}");
    }
}

#[test]
fn data_files_and_agent_settings_are_not_code_by_default() {
    let config = Config::embedded_default();
    for path in [
        ".claude/settings.json",
        ".claude/settings.local.json",
        ".codex/hooks.json",
        ".codex/config.toml",
        ".cursorrules",
        ".cursor/rules/style.mdc",
        ".codex/agents/reviewer.toml",
        ".agents/plugins/marketplace.json",
        ".agents/skills/audit/agents/openai.yaml",
        "plugins/ops/.codex-plugin/plugin.json",
        ".beads/backup/issues.jsonl",
        ".beads/hooks/pre-commit",
        ".specstory/history/2026-03-04_session.md",
        ".aider.input.history",
        ".aider.tags.cache.v3/cache.db",
        ".taskmaster/tasks/tasks.json",
        ".serena/cache/typescript/document_symbols.pkl",
        "apps/web/src/routeTree.gen.ts",
        "web/src/api.generated.ts",
        "proto/user.pb.go",
        "proto/user_pb2.py",
        "bun.lock",
        "lcov.info",
        "web/fonts/Inter.woff2",
        "assets/logo.png",
        "backups/app.sqlite3",
        "ops/prometheus/data/wal/00000002",
        "monitoring/data/chunks_head/000001",
        "monitoring/data/01HV3K9ZP1W8Y5T0B6N2C4D7E9/index",
        "monitoring/data/01HV3K9ZP1W8Y5T0B6N2C4D7E9/meta.json",
        "monitoring/data/01HV3K9ZP1W8Y5T0B6N2C4D7E9/chunks/000001",
    ] {
        assert!(!config.layout.is_code(&path.into()), "{path} is not code");
    }
    for path in [
        ".claude/commands/review.sh",
        "src/wal/writer.rs",
        "src/generator.ts",
        "src/beads/store.rs",
        "src/index.ts",
    ] {
        assert!(config.layout.is_code(&path.into()), "{path} is code");
    }
}

#[test]
fn tool_config_is_not_code_by_default() {
    let config = Config::embedded_default();
    for path in [
        "LICENSE",
        "LICENSE-MIT",
        ".gitignore",
        "web/.gitignore",
        ".gitattributes",
        "Cargo.lock",
        "web/package-lock.json",
        ".github/workflows/ci.yml",
        ".pre-commit-config.yaml",
        "lefthook.yml",
        "lefthook-local.yml",
        ".husky/pre-commit",
    ] {
        assert!(!config.layout.is_code(&path.into()), "{path} is not code");
    }
    for path in ["src/github.rs", "tools/.github.py", "build.rs"] {
        assert!(config.layout.is_code(&path.into()), "{path} is code");
    }
}

//! The `[layout]` table: where specs, design notes and execplans live, and what counts as code.

use std::ops::Range;

use regex::Regex;
use toml::{Spanned, Value};

use super::error::ConfigError;
use super::generated::GeneratedMarkers;
use super::patterns::{
    spec_glob, BranchPattern, BranchPatterns, Globs, Markers, SpecGlobs, Templates,
};
use super::raw::RawLayout;
use super::template::Template;
use super::validator::Validator;
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub specs: SpecGlobs,
    pub designs: Templates,
    pub execplans: Templates,
    /// Paths that are never a spec, a design note or an execplan, though a template matches them
    /// (a `README.md` or a template kept beside the plans).
    pub not_planning: Globs,
    /// The states that freeze a spec; any one of them does.
    pub spec_marker: Markers,
    /// The states that make an execplan ready; any one of them does.
    pub execplan_marker: Markers,
    pub code: Globs,
    pub not_code: Globs,
    /// Whether a blob whose content is binary (see `commit-size`) is code; by default it is not.
    pub binary_is_code: bool,
    /// Whether a package manifest whose change touches only the package's release metadata
    /// (version, description, licence, publishing settings) is code; by default it is not.
    pub release_metadata_is_code: bool,
    pub branch_patterns: BranchPatterns,
    /// Execplans kept here are closed as done: touching one is not planned work, and moving a
    /// plan here with none of its steps done is closing it unstarted; deleting one kept here is
    /// no removal of a plan in use.
    pub closed_plans: Globs,
    /// Execplans kept here are shelved (archived, deferred, abandoned): touching one is not
    /// planned work, moving a plan here claims nothing done, so it is no closing, and deleting
    /// one kept here is no removal of a plan in use.
    pub shelved_plans: Globs,
    /// A file whose header comment carries one is generated, and not code for progress-update.
    pub generated_markers: GeneratedMarkers,
}

impl Layout {
    /// Whether a path is code, as `progress-update` and `execplan-ready` see it: it matches
    /// `code`, not `not-code`, and is not a planning document. A script kept beside the plans
    /// (`plans/tool.py`) is code like any other.
    pub fn is_code(&self, path: &RepoPath) -> bool {
        self.code.is_match(path) && !self.not_code.is_match(path) && !self.is_planning(path)
    }

    /// Whether a path is a planning document: a spec (the spec globs), a design note or an
    /// execplan (their templates), and not excluded by `not-planning`. Nothing else under
    /// `specs/`, `designs/` or `plans/` is.
    pub fn is_planning(&self, path: &RepoPath) -> bool {
        self.specs.is_match(path)
            || self.designs.feature_of(path).is_some()
            || self.execplans.feature_of(path).is_some()
    }
}

/// A key that takes one string or a list of them, as written.
type OneOrMany = Option<Spanned<Value>>;

impl Validator<'_> {
    pub(super) fn layout(&self, raw: RawLayout) -> Result<Layout, ConfigError> {
        let exclude = self.globs(
            "layout.not-planning",
            raw.not_planning,
            DEFAULT_NOT_PLANNING,
        )?;
        let mut specs = Vec::new();
        for (text, span) in self.one_or_many("layout.specs", raw.specs, "specs/**/*.md")? {
            specs.push(
                spec_glob(&text).map_err(|m| self.error(span, format!("layout.specs: {m}")))?,
            );
        }
        Ok(Layout {
            specs: SpecGlobs {
                globs: specs,
                exclude: exclude.clone(),
            },
            designs: self.templates(
                "layout.designs",
                raw.designs,
                "designs/{feature}.md",
                &exclude,
            )?,
            execplans: self.templates(
                "layout.execplans",
                raw.execplans,
                "plans/{feature}-execplan.md",
                &exclude,
            )?,
            spec_marker: self.markers("layout.spec-marker", raw.spec_marker, "EXEC-READY")?,
            execplan_marker: self.markers(
                "layout.execplan-marker",
                raw.execplan_marker,
                "EXECPLAN-READY",
            )?,
            not_planning: exclude,
            code: self.globs("layout.code", raw.code, &["**"])?,
            not_code: self.globs("layout.not-code", raw.not_code, DEFAULT_NOT_CODE)?,
            binary_is_code: raw.binary_is_code.unwrap_or(false),
            release_metadata_is_code: raw.release_metadata_is_code.unwrap_or(false),
            branch_patterns: self.branch_patterns(raw.branch_patterns)?,
            closed_plans: self.globs(
                "layout.closed-plans",
                raw.closed_plans,
                DEFAULT_CLOSED_PLANS,
            )?,
            shelved_plans: self.globs(
                "layout.shelved-plans",
                raw.shelved_plans,
                DEFAULT_SHELVED_PLANS,
            )?,
            generated_markers: self.generated_markers(raw.generated_markers)?,
        })
    }

    /// The strings of a key that takes one string or a non-empty list of them, each with where it
    /// was written (the list's span for its items); `default` when the key is absent.
    fn one_or_many(
        &self,
        key: &str,
        value: OneOrMany,
        default: &str,
    ) -> Result<Vec<(String, Range<usize>)>, ConfigError> {
        let Some(value) = value else {
            return Ok(vec![(default.to_string(), 0..0)]);
        };
        let span = value.span();
        let wrong = || {
            self.error(
                span.clone(),
                format!("{key}: expected a string or a non-empty array of strings"),
            )
        };
        let items = match value.into_inner() {
            Value::String(text) => vec![text],
            Value::Array(items) if !items.is_empty() => items
                .into_iter()
                .map(|item| match item {
                    Value::String(text) => Ok(text),
                    _ => Err(wrong()),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(wrong()),
        };
        let mut out: Vec<(String, Range<usize>)> = Vec::new();
        for text in items {
            if text.trim().is_empty() {
                return Err(self.error(span.clone(), format!("{key}: must not be empty")));
            }
            if out.iter().any(|(seen, _)| *seen == text) {
                return Err(self.error(span.clone(), format!("{key}: `{text}` is listed twice")));
            }
            out.push((text, span.clone()));
        }
        Ok(out)
    }

    fn markers(&self, key: &str, value: OneOrMany, default: &str) -> Result<Markers, ConfigError> {
        let items = self.one_or_many(key, value, default)?;
        Ok(Markers(items.into_iter().map(|(text, _)| text).collect()))
    }

    fn templates(
        &self,
        key: &str,
        value: OneOrMany,
        default: &str,
        exclude: &Globs,
    ) -> Result<Templates, ConfigError> {
        let mut templates = Vec::new();
        for (text, span) in self.one_or_many(key, value, default)? {
            templates.push(self.template(key, text, span)?);
        }
        Ok(Templates {
            templates,
            exclude: exclude.clone(),
        })
    }

    fn template(
        &self,
        key: &str,
        text: String,
        span: Range<usize>,
    ) -> Result<Template, ConfigError> {
        Template::parse(&text).map_err(|why| self.error(span, format!("{key}: {why}")))
    }

    fn branch_patterns(
        &self,
        value: Option<Vec<Spanned<String>>>,
    ) -> Result<BranchPatterns, ConfigError> {
        let items: Vec<(String, Range<usize>)> = match value {
            None => DEFAULT_BRANCH_PATTERNS
                .iter()
                .map(|s| (s.to_string(), 0..0))
                .collect(),
            Some(list) => list
                .into_iter()
                .map(|s| (s.get_ref().clone(), s.span()))
                .collect(),
        };
        let mut out = Vec::new();
        for (pattern, span) in items {
            if let Some(around) = BranchPattern::around(&pattern) {
                out.push(around);
                continue;
            }
            let regex = Regex::new(&pattern).map_err(|e| {
                self.error(
                    span.clone(),
                    format!("layout.branch-patterns: invalid regex `{pattern}`: {e}"),
                )
            })?;
            if !regex.capture_names().any(|name| name == Some("feature")) {
                return Err(self.error(
                    span,
                    format!("layout.branch-patterns: `{pattern}` has no `(?P<feature>...)` group"),
                ));
            }
            out.push(BranchPattern::Regex(regex));
        }
        Ok(BranchPatterns(out))
    }
}

/// What is not code besides the planning documents: prose, the guard's own config, licences,
/// git's own files, lockfiles, CI, hook-manager and coding-agent config, and data and binary
/// files. Nobody writes a Progress entry for a new licence year, a CI tweak or a font.
pub const DEFAULT_NOT_CODE: &[&str] = &[
    "**/*.md",
    ".execguard.toml",
    "**/LICENSE*",
    "**/.gitignore",
    "**/.gitattributes",
    "**/Cargo.lock",
    "**/package-lock.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/go.sum",
    "**/poetry.lock",
    "**/uv.lock",
    "**/Gemfile.lock",
    "**/composer.lock",
    "**/bun.lock",
    "**/bun.lockb",
    ".github/**",
    ".pre-commit-config.yaml",
    "lefthook.yml",
    "lefthook-local.yml",
    ".husky/**",
    // The hooks `execguard install --agent` writes: tool configuration.
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".codex/hooks.json",
    ".codex/config.toml",
    // Coding agents' instruction and definition files: what an agent is told, not what it builds.
    ".cursorrules",
    ".windsurfrules",
    ".clinerules",
    ".cursor/rules/**",
    ".codex/agents/**",
    ".agents/plugins/**",
    "**/skills/*/agents/openai.yaml",
    "**/.codex-plugin/plugin.json",
    // What agents' tools keep in the repository: an issue tracker's database, exports and
    // backups (beads), saved chat histories (SpecStory, aider), task lists (Task Master), an
    // agent's memories and caches (Serena). Records of the work, not the work.
    ".beads/**",
    ".specstory/**",
    ".aider*",
    ".aider*/**",
    ".taskmaster/**",
    ".serena/**",
    // Generated code, by the names generators give it (a router's `routeTree.gen.ts`, a
    // client's `api.generated.ts`, protobuf's `*.pb.go` and `*_pb2.py`): the change that matters
    // is to what it is generated from.
    "**/*.gen.*",
    "**/*.generated.*",
    "**/*.pb.go",
    "**/*_pb2.py",
    "**/*_pb2_grpc.py",
    // A coverage run's report, committed with the tests it measured.
    "**/lcov.info",
    // Data and binary files: fonts, images, media, archives, databases, and the data folders of
    // a Prometheus server.
    "**/*.{woff,woff2,ttf,otf,eot}",
    "**/*.{png,jpg,jpeg,gif,bmp,ico,icns,webp,tif,tiff,psd}",
    "**/*.{mp3,mp4,m4a,wav,ogg,flac,webm,mov,avi}",
    "**/*.{zip,tar,gz,tgz,bz2,xz,zst,7z,rar}",
    "**/*.{db,sqlite,sqlite3,db-wal,db-shm,mdb}",
    "**/*.{pdf,parquet,feather,npy,npz,pkl,h5}",
    "**/prometheus/data/**",
    "**/prometheus_data/**",
    "**/prometheus-data/**",
    // A Prometheus TSDB wherever it is kept: the head chunks, the write-ahead log's segments,
    // and each block (a ULID folder) with its index, chunks, tombstones and meta.json.
    "**/chunks_head/**",
    "**/wal/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]",
    "**/queries.active",
    "**/01*/{index,tombstones,meta.json}",
    "**/01*/chunks/**",
];

/// Where teams move a plan once its work is done: any folder named so, at any depth.
pub const DEFAULT_CLOSED_PLANS: &[&str] = &[
    "**/completed/**",
    "**/complete/**",
    "**/done/**",
    "**/closed/**",
];

/// Where teams put a plan aside, done or not: an archive, a backlog, plans dropped or put off.
pub const DEFAULT_SHELVED_PLANS: &[&str] = &[
    "**/archive/**",
    "**/archived/**",
    "**/backlog/**",
    "**/abandoned/**",
    "**/deferred/**",
];

/// Paths a template may match that are never planning documents: the folder's own README and
/// the template new plans are copied from.
pub const DEFAULT_NOT_PLANNING: &[&str] = &["**/README.md", "**/TEMPLATE.md"];

pub const DEFAULT_BRANCH_PATTERNS: &[&str] = &[
    "^exec/(?P<feature>[^/]+)$",
    "^feature/(?P<feature>[^/]+)$",
    "^feat/(?P<feature>[^/]+)$",
];

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;

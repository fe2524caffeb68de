//! Everything a rule may ask about the change it judges: the config, the change, both trees, the
//! message, with reads cached; and how the change, its base and its undo are named in messages.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use crate::config::Config;
use crate::findings::{About, Finding, OverrideFault, OverrideProblem};
use crate::model::{Change, FileChange, RepoPath, Side, TreeError, Trees};
use crate::progress::{progress_delta_touching, ChangedPaths, ProgressChange, ProgressDelta};
use crate::report::Violation;
use crate::rule_id::{RuleId, UnknownRule};
use crate::trailers::{Message, OVERRIDE_TRAILER};

pub mod planning;

/// The trailer that names the feature a commit works on.
pub const EXECPLAN_TRAILER: &str = "Execplan";

/// How the feature a commit works on was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureSource {
    Trailer,
    Branch,
    UpdatedExecplan,
}

/// Who brings a change to where it is judged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Pusher {
    /// A client hook: whoever pushes later is not known, so a finding about who may is advice.
    #[default]
    Local,
    /// The pusher as the server or `--pusher` names them.
    Named(String),
    /// A range or commit check in CI without `--pusher`: nobody can be shown to be allowed.
    Unnamed,
}

/// A document's text, shared by the rules that read it.
type Text = Rc<str>;

/// The words the change's code and other text remove and add, as a plan kept in sync with them
/// is compared (`None`: too large to read for this).
pub(crate) type CodeWords = Option<(HashSet<String>, HashSet<String>)>;

/// The changes inside the code lines the change edits in place, each with a token of context on
/// either side (`None`: too large to read for this).
pub(crate) type CodeEdits =
    Option<HashSet<(Option<String>, Vec<String>, Vec<String>, Option<String>)>>;

/// Everything a rule may ask about the change, with reads cached.
pub struct Context<'a> {
    pub config: &'a Config,
    pub change: &'a Change,
    pub trees: &'a dyn Trees,
    pub message: Option<Message>,
    /// Who brings the change (spec-freeze-owner asks).
    pub pusher: Pusher,
    reads: RefCell<HashMap<(bool, RepoPath), Option<Text>>>,
    progress: RefCell<Option<BTreeMap<String, ProgressDelta>>>,
    features: RefCell<Option<Features>>,
    collisions: RefCell<Option<Vec<(RepoPath, RepoPath)>>>,
    open_execplan: RefCell<Option<Option<RepoPath>>>,
    code_words: RefCell<Option<Rc<CodeWords>>>,
    code_edits: RefCell<Option<Rc<CodeEdits>>>,
    revert_check: RefCell<Option<RevertCheck>>,
}

/// The features a change works on, and how they were found.
type Features = (Vec<String>, Option<FeatureSource>);

impl<'a> Context<'a> {
    pub fn new(
        config: &'a Config,
        change: &'a Change,
        trees: &'a dyn Trees,
        message: Option<Message>,
    ) -> Self {
        Self {
            config,
            change,
            trees,
            message,
            pusher: Pusher::default(),
            reads: RefCell::new(HashMap::new()),
            progress: RefCell::new(None),
            features: RefCell::new(None),
            collisions: RefCell::new(None),
            open_execplan: RefCell::new(None),
            code_words: RefCell::new(None),
            code_edits: RefCell::new(None),
            revert_check: RefCell::new(None),
        }
    }

    /// A violation in this change: `finding`, its text naming the change as this context does.
    pub fn violation(&self, finding: Finding) -> Violation {
        Violation::new(finding, self.about(String::new()))
    }

    /// A violation whose hint says how to take its path back out of the change (`undo`, as
    /// [`Context::undo_hint`] words it).
    pub fn violation_with_undo(&self, finding: Finding, undo: String) -> Violation {
        Violation::new(finding, self.about(undo))
    }

    /// How findings in this change name it.
    fn about(&self, undo: String) -> About {
        About {
            commit: self.change.commit.clone(),
            root: self.change.root,
            subject: self.subject_name(),
            base: self.base_name(),
            undo,
        }
    }

    /// How the base is named in messages: `HEAD` or `the parent of 1a2b3c4`.
    pub fn base_name(&self) -> String {
        if let Some(label) = &self.change.label {
            return label.base.clone();
        }
        match (&self.change.commit, self.change.root) {
            (None, false) => "HEAD".to_string(),
            (None, true) => "the empty tree (the branch has no commit yet)".to_string(),
            (Some(id), false) => format!("the parent of {}", short(id)),
            (Some(id), true) => format!("the empty tree ({} is a root commit)", short(id)),
        }
    }

    /// How to take a path's change back out: unstage and restore it, or rework the commit.
    pub fn undo_hint(&self, path: &RepoPath) -> String {
        if let Some(label) = &self.change.label {
            return label.undo.replace("{path}", &path.to_string());
        }
        let in_base = !matches!(self.trees.entry(Side::Base, path), Ok(None));
        match (&self.change.commit, self.change.root, in_base) {
            // No HEAD yet: only the index can be reset, and the file is kept.
            (None, true, _) => format!("`git rm --cached -- {path}`, which keeps the file"),
            // A path new to the commit: unstage it, keeping the file (restoring the work tree
            // too would delete it).
            (None, false, false) => {
                format!("`git restore --staged -- {path}`, which keeps the file")
            }
            (None, false, true) => format!("`git restore --staged --worktree -- {path}`"),
            (Some(id), true, _) => format!(
                "rework root commit {} so that it does not add {path}",
                short(id)
            ),
            (Some(id), false, false) => format!(
                "rework commit {} so that it does not add {path}, for example with `git rebase -i`",
                short(id)
            ),
            (Some(id), false, true) => format!(
                "rework commit {} so that it leaves {path} as its parent had it, for example with `git rebase -i`",
                short(id)
            ),
        }
    }

    /// What "this change" is called in messages.
    pub fn subject_name(&self) -> String {
        if let Some(label) = &self.change.label {
            return label.subject.clone();
        }
        match &self.change.commit {
            None => "this commit".to_string(),
            Some(id) => format!("commit {}", short(id)),
        }
    }

    /// A text document on one side, decoded leniently; `None` when absent or not a blob.
    pub fn text(&self, side: Side, path: &RepoPath) -> Result<Option<Rc<str>>, TreeError> {
        let key = (side == Side::Base, path.clone());
        if let Some(cached) = self.reads.borrow().get(&key) {
            return Ok(cached.clone());
        }
        let text = self.trees.read(side, path)?.map(|bytes| {
            // Valid UTF-8 (nearly every document) is taken as it is, and every rule shares
            // one copy.
            Rc::from(
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            )
        });
        self.reads.borrow_mut().insert(key, text.clone());
        Ok(text)
    }

    /// Paths the change adds beside an existing path of the base that differs only in case, and
    /// that path: `(added, existing)`. A path the change also touches is judged as itself.
    pub fn case_collisions(&self) -> Result<Vec<(RepoPath, RepoPath)>, TreeError> {
        if let Some(found) = self.collisions.borrow().as_ref() {
            return Ok(found.clone());
        }
        let touched: BTreeSet<&RepoPath> = self
            .change
            .files
            .iter()
            .flat_map(FileChange::touched_paths)
            .collect();
        let mut found = Vec::new();
        for file in &self.change.files {
            if file.new.is_none() || (file.old.is_some() && file.renamed_from.is_none()) {
                continue;
            }
            for existing in self.trees.case_variants(Side::Base, &file.path)? {
                if !touched.contains(&existing) {
                    found.push((file.path.clone(), existing));
                }
            }
        }
        *self.collisions.borrow_mut() = Some(found.clone());
        Ok(found)
    }

    /// The first open execplan the change touches, as `find` tells it, found once per change:
    /// `progress-update` and the Progress ledger both ask, and telling a plan open reads both its
    /// versions.
    pub(crate) fn open_execplan(
        &self,
        find: impl FnOnce() -> Result<Option<RepoPath>, TreeError>,
    ) -> Result<Option<RepoPath>, TreeError> {
        if let Some(found) = self.open_execplan.borrow().as_ref() {
            return Ok(found.clone());
        }
        let found = find()?;
        *self.open_execplan.borrow_mut() = Some(found.clone());
        Ok(found)
    }

    /// Whether the change is a revert its trees prove: `git revert`'s message borne out by the
    /// commit it names, or a message claiming a revert in another form (`revert: ...`) over a
    /// change that exactly undoes a recent first-parent commit. Before the message is written
    /// (pre-commit) a change that undoes one may still be a revert: the commit-msg hook judges its
    /// message. The search is made once, and only when a rule would otherwise report the change.
    pub(crate) fn revert_verified(&self) -> Result<bool, TreeError> {
        Ok(matches!(self.revert_check()?, RevertCheck::Verified { .. }))
    }

    /// What the trees say of the revert the change may be (see [`Context::revert_verified`]),
    /// searched once.
    pub(crate) fn revert_check(&self) -> Result<RevertCheck, TreeError> {
        if let Some(known) = self.revert_check.borrow().as_ref() {
            return Ok(known.clone());
        }
        let named = self
            .message
            .as_ref()
            .and_then(crate::trailers::Message::reverted_commit);
        let checked = if self.change.revert_verified {
            RevertCheck::Verified { undone: named }
        } else {
            let claimed = self
                .message
                .as_ref()
                .map_or(self.change.commit.is_none(), |message| {
                    message.claims_revert()
                });
            if claimed && !self.change.is_merge && !self.change.files.is_empty() {
                let mut paths: Vec<RepoPath> = self
                    .change
                    .files
                    .iter()
                    .flat_map(|file| file.touched_paths().cloned())
                    .collect();
                paths.sort();
                paths.dedup();
                match self
                    .trees
                    .undoes_an_earlier_commit(self.change.commit.as_deref(), &paths)?
                {
                    Some(undone) => RevertCheck::Verified {
                        undone: Some(undone),
                    },
                    // Only a written message claims a revert; before it exists nothing is.
                    None if self.message.is_some() => RevertCheck::Unverified {
                        searched: crate::model::MOST_REVERTED_ANCESTORS,
                    },
                    None => RevertCheck::NotClaimed,
                }
            } else {
                RevertCheck::NotClaimed
            }
        };
        *self.revert_check.borrow_mut() = Some(checked.clone());
        Ok(checked)
    }

    /// The words the change's code replaces, as `read` finds them, read once per change: every
    /// plan the change edits is compared with them, each maybe more than once.
    pub(crate) fn code_words(
        &self,
        read: impl FnOnce() -> Result<CodeWords, TreeError>,
    ) -> Result<Rc<CodeWords>, TreeError> {
        once(&self.code_words, read)
    }

    /// The edits inside the change's code lines, as `read` finds them, read once per change
    /// (see [`Context::code_words`]).
    pub(crate) fn code_edits(
        &self,
        read: impl FnOnce() -> Result<CodeEdits, TreeError>,
    ) -> Result<Rc<CodeEdits>, TreeError> {
        once(&self.code_edits, read)
    }

    /// The changed files that are code.
    pub fn code_changes(&self) -> Vec<&'a FileChange> {
        self.change
            .files
            .iter()
            .filter(|file| file.touched_paths().any(|p| self.config.layout.is_code(p)))
            .collect()
    }

    /// For every execplan the change adds or modifies: how its Progress section changed.
    pub fn progress_updates(&self) -> Result<BTreeMap<String, ProgressChange>, TreeError> {
        Ok(self
            .progress_deltas()?
            .into_iter()
            .map(|(feature, delta)| (feature, delta.change))
            .collect())
    }

    /// [`Context::progress_updates`], with the entries each plan gained and lost. Entries the
    /// plan had earlier on the branch (when the change says) are not new.
    pub fn progress_deltas(&self) -> Result<BTreeMap<String, ProgressDelta>, TreeError> {
        if let Some(done) = self.progress.borrow().as_ref() {
            return Ok(done.clone());
        }
        let layout = &self.config.layout;
        let section = &self.config.rules.progress_update.section;
        let mut updates = BTreeMap::new();
        // An open item that newly names a path the change touches may record its step; the
        // plans themselves are not such a path. Gathered once a plan is found.
        let mut touched: Option<ChangedPaths> = None;
        for file in &self.change.files {
            let Some(feature) = layout.execplans.feature_of(&file.path) else {
                continue;
            };
            let Some(new) = self.text(Side::New, &file.path)? else {
                continue;
            };
            let old = if file.old.is_some() {
                self.text(Side::Base, file.old_path())?
            } else {
                None
            };
            let earlier = self
                .change
                .earlier_progress
                .as_ref()
                .and_then(|earlier| earlier.get(&feature));
            let touched = touched.get_or_insert_with(|| {
                ChangedPaths::new(
                    self.change
                        .files
                        .iter()
                        .flat_map(FileChange::touched_paths)
                        .filter(|path| layout.execplans.feature_of(path).is_none())
                        .map(RepoPath::to_text),
                )
            });
            let delta = progress_delta_touching(old.as_deref(), &new, section, earlier, touched);
            updates.insert(feature, delta);
        }
        *self.progress.borrow_mut() = Some(updates.clone());
        Ok(updates)
    }

    /// Valid override trailers: rule to reason. Malformed ones are reported by `commit-message`.
    pub fn overrides(&self) -> BTreeMap<RuleId, String> {
        let Some(message) = &self.message else {
            return BTreeMap::new();
        };
        message
            .trailer_values(OVERRIDE_TRAILER)
            .iter()
            .filter_map(|value| parse_override(value).ok())
            .collect()
    }
}

/// Reads `<rule-id>: <reason>` from an override trailer's value.
pub fn parse_override(value: &str) -> Result<(RuleId, String), OverrideProblem> {
    let problem = |problem| OverrideProblem {
        value: value.to_string(),
        problem,
    };
    let Some((rule, reason)) = value.split_once(':') else {
        return Err(problem(OverrideFault::NoReason));
    };
    let rule: RuleId = rule
        .parse()
        .map_err(|e: UnknownRule| problem(OverrideFault::UnknownRule(e.0)))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(problem(OverrideFault::BlankReason));
    }
    if crate::findings::is_placeholder(reason) {
        return Err(problem(OverrideFault::PlaceholderReason(
            reason.to_string(),
        )));
    }
    Ok((rule, reason.to_string()))
}

/// The first seven hex digits of an object id.
pub fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

/// What `cell` holds, computed by `compute` the first time it is asked for.
fn once<T>(
    cell: &RefCell<Option<Rc<T>>>,
    compute: impl FnOnce() -> Result<T, TreeError>,
) -> Result<Rc<T>, TreeError> {
    if let Some(found) = cell.borrow().as_ref() {
        return Ok(Rc::clone(found));
    }
    let found = Rc::new(compute()?);
    *cell.borrow_mut() = Some(Rc::clone(&found));
    Ok(found)
}

/// What the trees say of a change that may be a revert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RevertCheck {
    /// Its message claims no revert, or it has nothing to compare.
    NotClaimed,
    /// It undoes `undone` (in full, when known) exactly.
    Verified { undone: Option<String> },
    /// Its message claims a revert, but it undoes none of the `searched` first-parent commits
    /// below it.
    Unverified { searched: usize },
}

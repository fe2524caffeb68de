//! `execguard baseline`: names the current HEAD in `[adoption] baseline` of `.execguard.toml`, so
//! the history up to it, which predates the guard, is not judged.

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::Args;
use execguard_core::config::{is_full_commit_id, Config, CONFIG_PATH, DEFAULT_CONFIG};
use execguard_git::{ObjectId, Repo};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The repository (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

/// The trailer reason the printed commit command carries.
const REASON: &str = "adopting execguard on an existing history";

pub fn run(args: &BaselineArgs) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let Some(workdir) = repo.workdir() else {
        bail!("this is a bare repository: there is no working tree to write {CONFIG_PATH} into");
    };
    let Some(head) = execguard_git::head_commit_id(&repo) else {
        bail!(
            "HEAD has no commit yet, so there is no history to baseline; a first commit that adds a protected path needs the trailer `Execguard-Override: protected-path: <reason>` (see the README, \"Adopting execguard\")"
        );
    };
    let path = workdir.join(CONFIG_PATH);
    let (text, existed) = match std::fs::read_to_string(&path) {
        Ok(text) => (text, true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            (DEFAULT_CONFIG.to_string(), false)
        }
        Err(error) => {
            return Err(error).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    // A broken file is reported as such, not edited.
    Config::parse(&path.display().to_string(), &text)?;
    let mut document: DocumentMut = text
        .parse()
        .with_context(|| format!("cannot parse {}", path.display()))?;
    let head_id = head.to_string();
    let short = execguard_core::engine::short(&head_id).to_string();
    let Some(dropped) = name_baseline(&repo, &mut document, head)? else {
        crate::render::eprint_line(&format!(
            "execguard: {} already names HEAD ({head_id}) in adoption.baseline; nothing changed.",
            path.display()
        ));
        return Ok(());
    };
    let new_text = document.to_string();
    Config::parse(&path.display().to_string(), &new_text)
        .context("the edited config does not validate; it was not written")?;
    std::fs::write(&path, &new_text).with_context(|| format!("cannot write {}", path.display()))?;
    let history = execguard_git::baseline::history_len(&repo, head)?;
    let mut out = format!(
        "execguard: {} {CONFIG_PATH} with HEAD ({head_id}) in adoption.baseline: it and the {history} commit{} of its history are not judged by pre-push, pre-receive or `execguard check`.\n",
        if existed { "updated" } else { "wrote" },
        if history == 1 { "" } else { "s" },
    );
    if dropped > 0 {
        out.push_str(&format!(
            "execguard: dropped {dropped} older baseline{} that HEAD's history already holds.\n",
            if dropped == 1 { "" } else { "s" }
        ));
    }
    out.push_str(&format!(
        "A new baseline loosens the config (rule guard-config), so the commit that adds it needs a human's override; on a server, only a pusher listed in the pinned config's [server] override-users may push it, and `execguard check --range` honours it only for a `--pusher` listed in the override-users of its --config (a range that starts at or after that commit judges nothing older). To commit it:\n\n  git add {CONFIG_PATH}\n  EXECGUARD_SKIP=guard-config git commit -m 'Adopt execguard: history up to {short} predates the guard' -m 'Execguard-Override: guard-config: {REASON}'\n"
    ));
    crate::render::eprint(&out);
    Ok(())
}

/// Puts `head` into `[adoption] baseline`, dropping the ids it makes redundant (HEAD's own
/// ancestors). Returns how many were dropped, or `None` when `head` is already named.
fn name_baseline(
    repo: &Repo,
    document: &mut DocumentMut,
    head: ObjectId,
) -> anyhow::Result<Option<usize>> {
    let adoption = document
        .entry("adoption")
        .or_insert_with(|| Item::Table(Table::new()));
    let Some(adoption) = adoption.as_table_like_mut() else {
        bail!("{CONFIG_PATH}: adoption: expected a table");
    };
    let baseline = adoption
        .entry("baseline")
        .or_insert(Item::Value(Value::Array(Array::new())));
    let Some(list) = baseline.as_array_mut() else {
        bail!("{CONFIG_PATH}: adoption.baseline: expected an array of commit ids");
    };
    let head_id = head.to_string();
    let named = |value: &Value| {
        value
            .as_str()
            .map(|id| id.trim().to_ascii_lowercase())
            .filter(|id| is_full_commit_id(id))
    };
    if list
        .iter()
        .any(|value| named(value).as_deref() == Some(&head_id))
    {
        return Ok(None);
    }
    let before = list.len();
    let mut redundant = Vec::new();
    for (index, value) in list.iter().enumerate() {
        let Some(id) = named(value).and_then(|id| id.parse::<ObjectId>().ok()) else {
            continue;
        };
        if execguard_git::has_commit(repo, id) && execguard_git::is_ancestor(repo, id, head)? {
            redundant.push(index);
        }
    }
    for index in redundant.into_iter().rev() {
        list.remove(index);
    }
    let dropped = before - list.len();
    list.push(head_id);
    Ok(Some(dropped))
}

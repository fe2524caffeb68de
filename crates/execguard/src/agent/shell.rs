//! Shell commands (`Bash`, Codex's shell tools): the command line is parsed as a shell parses
//! it (brush-parser's POSIX/bash grammar), and every simple command is read for what it writes
//! (redirections, `sed -i`, `tee`, `mv`, `cp`, `rm`, `truncate`, ...) and for ways around the
//! hooks (`--no-verify`, `core.hooksPath`, `EXECGUARD_SKIP`, `execguard uninstall`). A `cd` moves
//! the directory later commands of the same line are relative to; `sh -c`, `eval` and command
//! substitutions are read as the command lines they are. A path known only when the command
//! runs (a variable, a substitution, a glob in a folder's name, a `cd` to a computed place) is
//! judged as every guarded path it could be; variables the line sets to constants are
//! substituted. PowerShell lines (`powershell`) are read into the same walk.

use std::path::{Path, PathBuf};

use anyhow::bail;
use brush_parser::ast::{self, Command, CommandPrefixOrSuffixItem, CompoundCommand, IoRedirect};
use brush_parser::{Parser, ParserOptions, SourceInfo};
use serde_json::{Map, Value};

use super::intent::{ComputedWrite, Intent, Write};

mod commands;
mod git;
mod git_args;
mod powershell;
mod run;
mod substitution;
mod walker;
mod words;

use walker::{Value as Var, Walker, MAX_DEPTH};
pub use walker::{HOOK_BYPASS, UNREADABLE};
use words::{expand_word, ShellWord};

/// Longest command line read; a longer one is refused as unreadable.
const MAX_LINE: usize = 1024 * 1024;
/// Fewer openings than this are read on the calling thread's stack (the parser and the walk
/// recurse a few frames per level; the main thread has megabytes).
const SHALLOW_OPENINGS: usize = 64;
/// Most braces, parentheses and backquotes in a command line read; more are refused as unreadable.
const MAX_OPENINGS: usize = 20_000;

/// What a shell tool call would do. The parser and the walk recurse once per level of nesting,
/// so they run on a thread with a stack deep enough for any line up to [`MAX_LINE`]; a panic
/// there refuses the call rather than letting it through.
///
/// `unplaced`: the host runs the command in a directory the event does not name (Codex's
/// `workdir`), so relative paths are judged from every folder of the repository too;
/// `powershell`: the line is PowerShell's.
pub fn shell_intent(
    tool: &str,
    input: &Map<String, Value>,
    cwd: &Path,
    unplaced: bool,
    powershell: bool,
) -> anyhow::Result<Intent> {
    // An upper bound of the nesting, counted before parsing: each level opens with one of these.
    let too_big = |value: Option<&Value>| match value {
        Some(Value::String(line)) => {
            line.len() > MAX_LINE
                || line
                    .bytes()
                    .filter(|b| matches!(b, b'{' | b'(' | b'`'))
                    .count()
                    > MAX_OPENINGS
        }
        _ => false,
    };
    if too_big(input.get("command")) || too_big(input.get("cmd")) {
        let mut intent = Intent::default();
        intent.bypasses.push((
            UNREADABLE.to_string(),
            format!(
                "the command line is longer than {} KiB or opens more than {MAX_OPENINGS} braces, parentheses and backquotes",
                MAX_LINE / 1024
            ),
        ));
        return Ok(intent);
    }
    // A line that opens few levels is read on this thread: a deep stack is only needed deep.
    let shallow = |value: Option<&Value>| match value {
        Some(Value::String(line)) => {
            line.bytes()
                .filter(|b| matches!(b, b'{' | b'(' | b'`' | b'$'))
                .count()
                < SHALLOW_OPENINGS
        }
        _ => true,
    };
    if shallow(input.get("command")) && shallow(input.get("cmd")) {
        return read_call(tool, input, cwd, unplaced, powershell);
    }
    let (tool_owned, input, cwd_owned) = (tool.to_string(), input.clone(), cwd.to_path_buf());
    let reader = std::thread::Builder::new()
        .stack_size(512 * 1024 * 1024)
        .spawn(move || read_call(&tool_owned, &input, &cwd_owned, unplaced, powershell))?;
    match reader.join() {
        Ok(intent) => intent,
        Err(_) => {
            let mut intent = Intent::default();
            intent.bypasses.push((
                UNREADABLE.to_string(),
                format!("the {tool} command line could not be read"),
            ));
            Ok(intent)
        }
    }
}

fn read_call(
    tool: &str,
    input: &Map<String, Value>,
    cwd: &Path,
    unplaced: bool,
    powershell: bool,
) -> anyhow::Result<Intent> {
    let command = input.get("command").or_else(|| input.get("cmd"));
    let mut intent = Intent::default();
    let mut walker = Walker {
        intent: &mut intent,
        depth: 0,
        heredoc: None,
        substitutions: Vec::new(),
        vars: Default::default(),
        lost_dir: false,
        unplaced,
    };
    // Codex's shell tools may run the command in another directory than the session's.
    let workdir = match input.get("workdir") {
        Some(Value::String(dir)) => cwd.join(dir),
        _ => cwd.to_path_buf(),
    };
    match command {
        Some(Value::String(line)) if powershell => walker.powershell(line, &mut workdir.clone()),
        Some(Value::String(line)) => walker.script(line, &workdir),
        // Codex's older shell tool: an argument vector, often `["bash", "-lc", "<line>"]`.
        Some(Value::Array(items)) => {
            let mut words = Vec::new();
            for item in items {
                let Value::String(word) = item else {
                    bail!(
                        "the {tool} call's `tool_input.command` has an item that is not a string"
                    );
                };
                words.push(ShellWord::literal(word));
            }
            walker.run(&words, &mut workdir.clone());
        }
        Some(_) => bail!("the {tool} call's `tool_input.command` is neither a string nor an array"),
        None => bail!("the {tool} call has no `tool_input.command`"),
    }
    Ok(intent)
}

impl Walker<'_> {
    fn script(&mut self, line: &str, cwd: &Path) {
        if self.depth > MAX_DEPTH {
            self.bypass(
                UNREADABLE,
                "the command nests `sh -c`, `eval` or substitutions too deeply to be read"
                    .to_string(),
            );
            return;
        }
        let options = ParserOptions::default();
        let source = SourceInfo {
            source: "command".to_string(),
        };
        let split = substitution::split_heredoc_substitutions(line, self.substitutions.len());
        let line = match split {
            Some(split) => {
                self.substitutions.extend(split.commands);
                split.text
            }
            None => line.to_string(),
        };
        let mut parser = Parser::new(std::io::Cursor::new(line.as_bytes()), &options, &source);
        match parser.parse_program() {
            Ok(program) => {
                self.depth += 1;
                let mut cwd = cwd.to_path_buf();
                for command in &program.complete_commands {
                    self.list(command, &mut cwd);
                }
                self.depth -= 1;
            }
            Err(error) => self.bypass(
                UNREADABLE,
                format!("the command line cannot be parsed as shell ({error}); write it in plain POSIX shell syntax"),
            ),
        }
    }

    fn bypass(&mut self, rule: &str, why: String) {
        let item = (rule.to_string(), why);
        if !self.intent.bypasses.contains(&item) {
            self.intent.bypasses.push(item);
        }
    }

    /// A path the command writes. A path known only when the command runs, or relative to a
    /// directory that is (a computed `cd`, Codex's unnamed `workdir`), is judged as every path
    /// it could be.
    fn write(&mut self, cwd: &Path, path: &ShellWord, how: String) {
        if path.text.is_empty() && !path.dynamic {
            return;
        }
        let relative = !path.pattern.starts_with('/');
        let dir_known = !(relative && self.lost_dir);
        if path.computed() || (relative && self.unplaced) || !dir_known {
            self.intent.computed.push(ComputedWrite {
                dir: (dir_known && !(relative && self.unplaced)).then(|| cwd.to_path_buf()),
                pattern: path.pattern.clone(),
                text: path.text.clone(),
                how: how.clone(),
            });
        }
        if path.dynamic || !dir_known {
            return;
        }
        for path in expand_word(cwd, path) {
            self.intent.writes.push(Write {
                dir: cwd.to_path_buf(),
                path,
                how: how.clone(),
            });
        }
    }

    fn list(&mut self, list: &ast::CompoundList, cwd: &mut PathBuf) {
        for ast::CompoundListItem(and_or, _) in &list.0 {
            self.pipeline(&and_or.first, cwd);
            for next in &and_or.additional {
                let (ast::AndOr::And(pipeline) | ast::AndOr::Or(pipeline)) = next;
                self.pipeline(pipeline, cwd);
            }
        }
    }

    fn pipeline(&mut self, pipeline: &ast::Pipeline, cwd: &mut PathBuf) {
        if pipeline.seq.len() == 1 {
            self.command(&pipeline.seq[0], cwd);
            return;
        }
        // Each part of a pipeline runs in a subshell: a `cd` there does not last.
        for command in &pipeline.seq {
            self.command(command, &mut cwd.clone());
        }
    }

    fn command(&mut self, command: &Command, cwd: &mut PathBuf) {
        match command {
            Command::Simple(simple) => self.simple(simple, cwd),
            Command::Compound(compound, redirects) => {
                if let Some(redirects) = redirects {
                    for redirect in &redirects.0 {
                        self.redirect(redirect, cwd);
                    }
                }
                self.compound(compound, cwd);
            }
            Command::Function(function) => {
                let ast::FunctionBody(body, redirects) = &function.body;
                if let Some(redirects) = redirects {
                    for redirect in &redirects.0 {
                        self.redirect(redirect, cwd);
                    }
                }
                self.compound(body, &mut cwd.clone());
            }
            Command::ExtendedTest(_) => {}
        }
    }

    fn compound(&mut self, compound: &CompoundCommand, cwd: &mut PathBuf) {
        match compound {
            CompoundCommand::BraceGroup(group) => self.list(&group.list, cwd),
            CompoundCommand::Subshell(subshell) => self.list(&subshell.list, &mut cwd.clone()),
            CompoundCommand::ForClause(clause) => {
                let mut values = Vec::new();
                for word in clause.values.iter().flatten() {
                    values.push(self.word(word, cwd));
                }
                // The loop variable is one of the words listed (all arguments when none are).
                let value = match &clause.values {
                    Some(_) if values.iter().all(|v| !v.pattern.contains(['{', '}'])) => {
                        let words: Vec<&str> = values.iter().map(|v| v.pattern.as_str()).collect();
                        Var::OneOf(format!("{{{}}}", words.join(",")))
                    }
                    _ => Var::Computed,
                };
                self.vars.insert(clause.variable_name.clone(), value);
                self.list(&clause.body.list, cwd);
            }
            CompoundCommand::ArithmeticForClause(clause) => self.list(&clause.body.list, cwd),
            CompoundCommand::CaseClause(clause) => {
                for item in &clause.cases {
                    if let Some(list) = &item.cmd {
                        self.list(list, &mut cwd.clone());
                    }
                }
            }
            CompoundCommand::IfClause(clause) => {
                self.list(&clause.condition, cwd);
                self.list(&clause.then, &mut cwd.clone());
                for other in clause.elses.iter().flatten() {
                    if let Some(condition) = &other.condition {
                        self.list(condition, cwd);
                    }
                    self.list(&other.body, &mut cwd.clone());
                }
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                self.list(&clause.0, cwd);
                self.list(&clause.1.list, cwd);
            }
            CompoundCommand::Arithmetic(_) => {}
        }
    }

    fn redirect(&mut self, redirect: &IoRedirect, cwd: &Path) {
        use ast::{IoFileRedirectKind as Kind, IoFileRedirectTarget as Target};
        match redirect {
            IoRedirect::File(_, kind, target) => match (kind, target) {
                (
                    Kind::Write | Kind::Append | Kind::Clobber | Kind::ReadAndWrite,
                    Target::Filename(word),
                )
                | (Kind::DuplicateOutput, Target::Duplicate(word)) => {
                    let word = self.word(word, cwd);
                    let is_fd = !word.dynamic
                        && !word.text.is_empty()
                        && (word.text == "-" || word.text.chars().all(|c| c.is_ascii_digit()));
                    if !is_fd {
                        self.write(cwd, &word, "a redirection would write".to_string());
                    }
                }
                (_, Target::ProcessSubstitution(_, subshell)) => {
                    self.list(&subshell.list, &mut cwd.to_path_buf());
                }
                _ => {}
            },
            IoRedirect::OutputAndError(word, _) => {
                let word = self.word(word, cwd);
                self.write(cwd, &word, "a redirection would write".to_string());
            }
            IoRedirect::HereDocument(_, doc) => self.heredoc = Some(doc.doc.value.clone()),
            IoRedirect::HereString(_, word) => {
                let word = self.word(word, cwd);
                self.heredoc = Some(word.text);
            }
        }
    }

    fn simple(&mut self, simple: &ast::SimpleCommand, cwd: &mut PathBuf) {
        self.heredoc = None;
        let mut words = Vec::new();
        let mut items: Vec<&CommandPrefixOrSuffixItem> = Vec::new();
        if let Some(prefix) = &simple.prefix {
            items.extend(prefix.0.iter());
        }
        let name = simple.word_or_name.as_ref();
        let suffix: Vec<&CommandPrefixOrSuffixItem> =
            simple.suffix.iter().flat_map(|s| s.0.iter()).collect();
        for item in items {
            self.item(item, cwd, &mut words, name.is_some());
        }
        if let Some(name) = name {
            let word = self.word(name, cwd);
            words.push(word);
        }
        for item in suffix {
            self.item(item, cwd, &mut words, true);
        }
        self.run(&words, cwd);
    }

    /// One word, redirection or assignment of a simple command; `named`: the command has a name
    /// (so an assignment before it is the command's environment, not the shell's variable).
    fn item(
        &mut self,
        item: &CommandPrefixOrSuffixItem,
        cwd: &Path,
        words: &mut Vec<ShellWord>,
        named: bool,
    ) {
        match item {
            CommandPrefixOrSuffixItem::IoRedirect(redirect) => self.redirect(redirect, cwd),
            CommandPrefixOrSuffixItem::Word(word) => {
                let word = self.word(word, cwd);
                words.push(word);
            }
            CommandPrefixOrSuffixItem::AssignmentWord(assignment, word) => {
                let name = match &assignment.name {
                    ast::AssignmentName::VariableName(name) => name.clone(),
                    ast::AssignmentName::ArrayElementName(name, _) => name.clone(),
                };
                let value = match &assignment.value {
                    ast::AssignmentValue::Scalar(value) => Some(self.word(value, cwd)),
                    ast::AssignmentValue::Array(_) => None,
                };
                // After the command name, `x=y` is an ordinary argument (`env`, `export`).
                if words.is_empty() {
                    let text = value.as_ref().map(|v| v.text.clone()).unwrap_or_default();
                    self.assignment(&name, &text);
                    let known = value.filter(|v| !named && !v.computed() && !assignment.append);
                    self.vars
                        .insert(name, known.map_or(Var::Computed, |v| Var::Known(v.text)));
                } else {
                    let word = self.word(word, cwd);
                    words.push(word);
                }
            }
            CommandPrefixOrSuffixItem::ProcessSubstitution(_, subshell) => {
                self.list(&subshell.list, &mut cwd.to_path_buf());
            }
        }
    }
}

//! Claude Code's `PowerShell` tool (`tool_input.command`, a PowerShell command line). Read
//! conservatively: statements split at `;`, `|`, `&&`, `||` and new lines; quotes, backtick
//! escapes and here-strings removed; `$var`, `$(...)`, `(...)` and `{...}` make a word computed
//! (and the command lines inside them are read too). The cmdlets that write files (Set-Content,
//! Add-Content, Out-File, New-Item, Remove-Item, Move-Item, Copy-Item, Rename-Item,
//! Clear-Content, Tee-Object and their aliases) and redirections write every path they name;
//! other commands (git, execguard, bash) are read as the shell walk reads them.

use std::path::{Path, PathBuf};

use super::walker::{Walker, MAX_DEPTH, UNREADABLE};
use super::words::ShellWord;

/// A piece of a statement.
enum Token {
    Word(ShellWord),
    /// `>`, `>>`, `2>`, `*>`: the next word is written.
    Redirect,
}

/// Cmdlets (and aliases) that write or remove the paths they are given.
const WRITERS: &[&str] = &[
    "set-content",
    "add-content",
    "out-file",
    "new-item",
    "remove-item",
    "move-item",
    "copy-item",
    "rename-item",
    "clear-content",
    "tee-object",
    "set-item",
    "clear-item",
    "export-csv",
    "export-clixml",
    "sc",
    "ac",
    "ni",
    "ri",
    "del",
    "erase",
    "rd",
    "rmdir",
    "rm",
    "mi",
    "mv",
    "move",
    "cpi",
    "cp",
    "copy",
    "rni",
    "ren",
    "clc",
    "tee",
    "mkdir",
    "md",
];

/// Parameters whose value is not a path.
const NOT_PATHS: &[&str] = &[
    "value",
    "encoding",
    "itemtype",
    "type",
    "credential",
    "delimiter",
    "inputobject",
    "width",
    "stream",
    "filter",
    "include",
    "exclude",
];

impl Walker<'_> {
    /// Every statement of a PowerShell command line.
    pub(super) fn powershell(&mut self, line: &str, cwd: &mut PathBuf) {
        if self.depth > MAX_DEPTH {
            self.bypass(
                UNREADABLE,
                "the PowerShell command nests too deeply to be read".to_string(),
            );
            return;
        }
        self.depth += 1;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        let mut statement = Vec::new();
        while i <= chars.len() {
            let (token, next, ends) = self.ps_token(&chars, i, cwd);
            if let Some(token) = token {
                statement.push(token);
            }
            if ends || next >= chars.len() {
                self.ps_statement(std::mem::take(&mut statement), cwd);
            }
            if next >= chars.len() {
                break;
            }
            i = next;
        }
        self.depth -= 1;
    }

    /// The token at `i`: the token, where the next one starts, and whether a statement ends.
    fn ps_token(
        &mut self,
        chars: &[char],
        mut i: usize,
        cwd: &Path,
    ) -> (Option<Token>, usize, bool) {
        while matches!(chars.get(i), Some(' ' | '\t' | '\r')) {
            i += 1;
        }
        let Some(&c) = chars.get(i) else {
            return (None, i, true);
        };
        match c {
            '\n' | ';' => return (None, i + 1, true),
            '|' | '&' if chars.get(i + 1) == Some(&c) => return (None, i + 2, true),
            '|' => return (None, i + 1, true),
            '#' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == '\n')
                    .map_or(chars.len(), |at| i + at);
                return (None, end, false);
            }
            _ => {}
        }
        // Redirections: `>`, `>>`, `2>`, `*>`, `2>&1` (which names no file).
        let digits = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == '*')
            .count();
        if chars.get(i + digits) == Some(&'>') {
            let mut at = i + digits + 1;
            if chars.get(at) == Some(&'>') {
                at += 1;
            }
            if chars.get(at) == Some(&'&') {
                let fd = chars[at + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                return (None, at + 1 + fd, false);
            }
            return (Some(Token::Redirect), at, false);
        }
        let mut word = ShellWord::literal("");
        let computed = |word: &mut ShellWord| {
            word.dynamic = true;
            if !word.pattern.ends_with('*') {
                word.pattern.push('*');
            }
        };
        while let Some(&c) = chars.get(i) {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '|' => break,
                '`' => {
                    if let Some(next) = chars.get(i + 1) {
                        word.text.push(*next);
                        word.pattern.push_str(&globset::escape(&next.to_string()));
                    }
                    i += 2;
                }
                '\'' => {
                    i += 1;
                    while let Some(&q) = chars.get(i) {
                        if q == '\'' && chars.get(i + 1) == Some(&'\'') {
                            i += 1;
                        } else if q == '\'' {
                            break;
                        }
                        word.text.push(q);
                        word.pattern.push_str(&globset::escape(&q.to_string()));
                        i += 1;
                    }
                    i += 1;
                }
                '@' if matches!(chars.get(i + 1), Some('\'' | '"'))
                    && chars.get(i + 2) == Some(&'\n') =>
                {
                    // A here-string runs to a line starting with its closing quote and `@`.
                    let quote = chars[i + 1];
                    let body_start = i + 3;
                    let mut at = body_start;
                    while at < chars.len()
                        && !(chars[at] == quote
                            && chars.get(at + 1) == Some(&'@')
                            && chars[at - 1] == '\n')
                    {
                        at += 1;
                    }
                    let body: String = chars[body_start..at.min(chars.len())].iter().collect();
                    if quote == '"' && body.contains('$') {
                        self.ps_inner(&body, cwd);
                        computed(&mut word);
                    }
                    word.text.push_str(&body);
                    i = at + 2;
                }
                '"' => {
                    i += 1;
                    while let Some(&q) = chars.get(i) {
                        match q {
                            '"' => break,
                            '`' => {
                                if let Some(next) = chars.get(i + 1) {
                                    word.text.push(*next);
                                }
                                i += 2;
                                continue;
                            }
                            '$' if matches!(chars.get(i + 1), Some(c) if c.is_alphanumeric() || matches!(c, '_' | '{' | '(' | ':')) =>
                            {
                                let end = variable_end(chars, i + 1, false);
                                self.ps_inner(&chars[i + 1..end].iter().collect::<String>(), cwd);
                                computed(&mut word);
                                i = end;
                                continue;
                            }
                            _ => {
                                word.text.push(q);
                                word.pattern.push_str(&globset::escape(&q.to_string()));
                            }
                        }
                        i += 1;
                    }
                    i += 1;
                }
                '$' | '(' | '{' => {
                    let end = variable_end(chars, if c == '$' { i + 1 } else { i }, true);
                    let inner: String = chars[i..end].iter().collect();
                    self.ps_inner(inner.trim_start_matches('$'), cwd);
                    computed(&mut word);
                    i = end.max(i + 1);
                }
                '*' | '?' | '[' => {
                    word.glob = true;
                    word.text.push(c);
                    word.pattern.push(c);
                    i += 1;
                }
                _ => {
                    word.text.push(c);
                    word.pattern.push_str(&globset::escape(&c.to_string()));
                    i += 1;
                }
            }
        }
        (Some(Token::Word(word)), i, false)
    }

    /// The command lines inside `(...)`, `{...}` and `$(...)`.
    fn ps_inner(&mut self, text: &str, cwd: &Path) {
        let trimmed = text.trim();
        let inner = trimmed
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .or_else(|| trimmed.strip_prefix('{').and_then(|t| t.strip_suffix('}')));
        if let Some(inner) = inner {
            self.powershell(inner, &mut cwd.to_path_buf());
        }
    }

    fn ps_statement(&mut self, tokens: Vec<Token>, cwd: &mut PathBuf) {
        let mut words = Vec::new();
        let mut tokens = tokens.into_iter();
        while let Some(token) = tokens.next() {
            match token {
                Token::Word(word) => words.push(word),
                Token::Redirect => {
                    if let Some(Token::Word(path)) = tokens.next() {
                        self.write(cwd, &path, "a redirection would write".to_string());
                    }
                }
            }
        }
        // `& cmd args` and `. script` run a command.
        if words
            .first()
            .is_some_and(|w| w.text == "&" || w.text == ".")
        {
            words.remove(0);
        }
        let Some(first) = words.first() else {
            return;
        };
        let name = first
            .text
            .rsplit('\\')
            .next()
            .unwrap_or(&first.text)
            .to_ascii_lowercase();
        let args = &words[1..];
        match name.as_str() {
            "set-location" | "sl" | "cd" | "chdir" | "push-location" | "pushd" => {
                match args.iter().find(|w| !w.text.starts_with('-')) {
                    Some(dir) if !dir.computed() => *cwd = cwd.join(&dir.text),
                    _ => self.lost_dir = true,
                }
            }
            "invoke-expression" | "iex" => {
                let line: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
                self.powershell(&line.join(" "), cwd);
            }
            "powershell" | "pwsh" | "powershell.exe" | "pwsh.exe" => {
                if let Some(at) = args.iter().position(|w| {
                    let option = w.text.to_ascii_lowercase();
                    option.len() > 1 && "-command".starts_with(&option)
                }) {
                    let line: Vec<&str> = args[at + 1..].iter().map(|w| w.text.as_str()).collect();
                    self.powershell(&line.join(" "), &mut cwd.clone());
                }
            }
            writer if WRITERS.contains(&writer) => {
                let how = format!("`{}` would write or remove", first.text);
                let mut iter = args.iter();
                while let Some(word) = iter.next() {
                    if let Some(parameter) = word.text.strip_prefix('-') {
                        let (parameter, attached) =
                            parameter.split_once(':').unwrap_or((parameter, ""));
                        let parameter = parameter.to_ascii_lowercase();
                        if NOT_PATHS.contains(&parameter.as_str()) && attached.is_empty() {
                            iter.next();
                        }
                        continue;
                    }
                    self.write(cwd, word, how.clone());
                }
            }
            _ => self.run(&words, cwd),
        }
    }
}

/// Where a `$name`, `${...}`, `(...)`, `{...}` or `$(...)` that starts at `start` ends;
/// `members`: outside quotes, `$x.Name` and `$x[0]` are one value.
fn variable_end(chars: &[char], start: usize, members: bool) -> usize {
    match chars.get(start) {
        Some(open @ ('(' | '{')) => {
            let close = if *open == '(' { ')' } else { '}' };
            let mut depth = 0;
            let mut i = start;
            while let Some(&c) = chars.get(i) {
                if c == *open {
                    depth += 1;
                } else if c == close {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                i += 1;
            }
            chars.len()
        }
        _ => {
            let mut i = start;
            while chars.get(i).is_some_and(|c| {
                c.is_alphanumeric()
                    || matches!(c, '_' | ':' | '?')
                    || (members && matches!(c, '.' | '[' | ']'))
            }) {
                i += 1;
            }
            i
        }
    }
}

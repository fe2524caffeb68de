#![allow(clippy::unwrap_used)]
//! What ships around the binaries: shell completions and man pages, generated from the command
//! line itself and exercised by the real bash and man.

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use common::{Run, TestRepo};

/// Runs a bash script with the freshly built binaries first on PATH.
fn bash(repo: &TestRepo, script: &str) -> Run {
    Run::from_command(
        repo.command("bash")
            .args(["--norc", "--noprofile", "-c", script]),
    )
}

/// Sources the generated script and asks bash's completion function for the words of `line`
/// (the last word is the one being completed).
fn bash_completes(repo: &TestRepo, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().unwrap();
    let previous = words[words.len() - 2];
    let script = format!(
        "set -e\nsource <(execguard completions bash)\ncomplete -p execguard\nCOMP_WORDS=({})\nCOMP_CWORD={}\n_execguard execguard '{current}' '{previous}'\nprintf 'reply:%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words.len() - 1
    );
    let run = bash(repo, &script);
    assert!(run.ok(), "{run:#?}");
    assert!(
        run.stdout.contains("-F _execguard execguard"),
        "the script registers a completion for execguard: {run:#?}"
    );
    run.stdout
        .lines()
        .filter_map(|line| line.strip_prefix("reply:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_completes_subcommands_options_and_values() {
    let repo = TestRepo::new();
    assert_eq!(bash_completes(&repo, &["execguard", "ch"]), ["check"]);
    assert_eq!(
        bash_completes(&repo, &["execguard", "check", "--fo"]),
        ["--format"]
    );
    assert_eq!(
        bash_completes(&repo, &["execguard", "check", "--format", ""]),
        ["human", "json", "sarif", "github"]
    );
    let shells = bash_completes(&repo, &["execguard", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        assert!(shells.iter().any(|s| s == shell), "{shell}: {shells:?}");
    }
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_shell_is_refused() {
    let repo = TestRepo::new();
    for (shell, mark) in [
        ("zsh", "#compdef execguard"),
        ("fish", "complete -c execguard"),
        ("elvish", "edit:completion:arg-completer[execguard]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = repo.execguard(["completions", shell]);
        run.assert_ok();
        assert!(run.stdout.contains(mark), "{shell}: {run:#?}");
        assert!(run.stdout.contains("baseline"), "{shell}: {run:#?}");
    }
    let run = repo.execguard(["completions", "tcsh"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("tcsh"), "{run:#?}");
}

/// Renders a roff page with the real man, as the README shows (`execguard man | man -l -`).
fn man_renders(repo: &TestRepo, roff: &str) -> String {
    let man = Command::new("man").arg("--version").output();
    assert!(
        man.is_ok_and(|out| out.status.success()),
        "`man` is missing: install man-db (.ci/run does) to run this test"
    );
    let mut child = repo
        .command("man")
        .env("MANWIDTH", "100")
        .env("PAGER", "cat")
        .env("MANPAGER", "cat")
        .args(["-l", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(roff.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(run.ok(), "{run:#?}");
    assert!(!run.stderr.contains("warning"), "roff warnings: {run:#?}");
    // man may overstrike bold text when writing to a pipe.
    let mut text = String::new();
    let mut chars = run.stdout.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        text.push(c);
    }
    text
}

#[test]
fn man_page_renders_with_every_subcommand_and_global_option() {
    let repo = TestRepo::new();
    let run = repo.execguard(["man"]);
    run.assert_ok();
    assert!(run.stdout.starts_with(".ie"), "roff: {run:#?}");
    assert!(run.stdout.contains(".TH execguard 1"), "{run:#?}");
    let page = man_renders(&repo, &run.stdout);
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "VERSION",
    ] {
        assert!(page.contains(section), "{section}: {page}");
    }
    for name in [
        "install",
        "uninstall",
        "check",
        "explain",
        "init",
        "config",
        "baseline",
        "completions",
        "man",
        "--color",
        "--quiet",
        "--verbose",
        "--config",
    ] {
        assert!(page.contains(name), "{name}: {page}");
    }
}

#[test]
fn man_prints_a_page_per_subcommand_and_refuses_an_unknown_one() {
    let repo = TestRepo::new();
    let run = repo.execguard(["man", "check"]);
    run.assert_ok();
    assert!(run.stdout.contains(".TH execguard-check 1"), "{run:#?}");
    let page = man_renders(&repo, &run.stdout);
    for option in ["--range", "--format", "--pusher", "--quiet"] {
        assert!(page.contains(option), "{option}: {page}");
    }
    let run = repo.execguard(["man", "frobnicate"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("`frobnicate` is not a subcommand"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("check"),
        "names the valid ones: {run:#?}"
    );
}

#![allow(clippy::unwrap_used)]
//! What ships around the binaries: shell completions and man pages, generated from the command
//! line itself and exercised by the real bash and man.

use crate::common;
#[path = "shipping/ci.rs"]
mod ci;

use std::process::Command;

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
    assert_eq!(
        bash_completes(&repo, &["execguard", "ch"]),
        ["check", "check-path"]
    );
    assert_eq!(bash_completes(&repo, &["execguard", "ini"]), ["init"]);
    assert_eq!(
        bash_completes(&repo, &["execguard", "check", "--fo"]),
        ["--format"]
    );
    assert_eq!(
        bash_completes(&repo, &["execguard", "check", "--format", ""]),
        ["human", "json", "sarif", "github", "gitlab"]
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
        "`man` is missing: install man-db (tests/prerequisites.sh does) to run this test"
    );
    let run = Run::with_stdin(
        repo.command("man")
            .env("MANWIDTH", "100")
            .env("PAGER", "cat")
            .env("MANPAGER", "cat")
            .args(["-l", "-"]),
        roff.as_bytes(),
    );
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
        "EXIT STATUS",
        "ENVIRONMENT",
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
        "EXECGUARD_COLOR",
        "EXECGUARD_SKIP",
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

/// The binaries are linked with packed relative relocations (DT_RELR) wherever the C toolchain
/// and library support them, as the build script probes: the loader then reads a few kilobytes of
/// relocations at every start instead of half a megabyte.
#[test]
fn binaries_are_linked_with_packed_relative_relocations_where_supported() {
    let repo = TestRepo::new();
    let probe = repo.root.join("relr-probe");
    let linked = Run::with_stdin(
        repo.command("cc")
            .args(["-x", "c", "-", "-o"])
            .arg(&probe)
            .arg("-Wl,-z,pack-relative-relocs"),
        b"int main(void) { return 0; }\n",
    );
    let supported = linked.ok()
        && linked.stderr.is_empty()
        && Command::new(&probe).status().is_ok_and(|s| s.success());
    if !supported {
        eprintln!("cc here cannot link with -z pack-relative-relocs ({linked:?}): not checked");
        return;
    }
    let dynamic = Run::from_command(
        Command::new("readelf")
            .arg("-d")
            .arg(common::execguard_bin()),
    );
    assert!(dynamic.ok(), "readelf (binutils) runs: {dynamic:#?}");
    assert!(
        dynamic.stdout.contains("(RELR)"),
        "execguard has no DT_RELR entry: {}",
        dynamic.stdout
    );
}

// ---- install.sh -----------------------------------------------------------------------------

/// The repository's `install.sh`.
fn install_script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../install.sh")
}

/// A folder holding a stand-in `cargo` (a real `cargo install` takes minutes; the CI smoke test
/// runs the real one): it records its arguments, prints a line as cargo's progress would, and
/// copies the binaries this test run built into `$CARGO_INSTALL_ROOT/bin`.
fn stand_in_cargo(repo: &TestRepo) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = repo.root.join("tools");
    std::fs::create_dir_all(&dir).unwrap();
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{args}'\necho '   Compiling execguard (stand-in)' >&2\nmkdir -p \"$CARGO_INSTALL_ROOT/bin\"\nfor name in execguard execguard-pre-commit execguard-commit-msg execguard-pre-push execguard-pre-receive; do cp '{bin}'/\"$name\" \"$CARGO_INSTALL_ROOT/bin/\"; done\n",
        args = repo.root.join("cargo-args").display(),
        bin = common::bin_dir().display(),
    );
    let cargo = dir.join("cargo");
    std::fs::write(&cargo, script).unwrap();
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// A PATH of symbolic links to the named tools only (found on the caller's PATH), plus `extra`.
fn only_tools(repo: &TestRepo, tools: &[&str], extra: &std::path::Path) -> String {
    let dir = repo.root.join("only");
    std::fs::create_dir_all(&dir).unwrap();
    for tool in tools {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{tool} is not on PATH"));
        std::os::unix::fs::symlink(found, dir.join(tool)).unwrap();
    }
    format!("{}:{}", extra.display(), dir.display())
}

fn run_install_sh(repo: &TestRepo, path: &str, install_root: &std::path::Path) -> Run {
    Run::from_command(
        repo.command(install_script())
            .env("PATH", path)
            .env("CARGO_INSTALL_ROOT", install_root)
            .env_remove("CC")
            .arg(&repo.dir),
    )
}

#[test]
fn install_sh_shows_the_build_and_warns_when_the_install_folder_is_not_on_path() {
    let repo = TestRepo::new();
    let tools = stand_in_cargo(&repo);
    let root = repo.root.join("install-root");
    let bin = root.join("bin");
    // A PATH with cargo, git and a C compiler, but not the install folder.
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", tools.display());
    let run = run_install_sh(&repo, &path, &root);
    run.assert_ok();
    let args = std::fs::read_to_string(repo.root.join("cargo-args")).unwrap();
    assert!(args.lines().any(|a| a == "install"), "{args}");
    assert!(args.lines().any(|a| a == "--locked"), "{args}");
    assert!(
        !args.lines().any(|a| a == "--quiet" || a == "-q"),
        "the build shows its progress: {args}"
    );
    assert!(run.stderr.contains("takes a few minutes"), "{run:#?}");
    assert!(
        run.stderr.contains("Compiling"),
        "cargo's progress is shown: {run:#?}"
    );
    let warning = format!("install.sh: warning: {} is not on PATH", bin.display());
    assert!(run.stderr.contains(&warning), "{run:#?}");
    assert!(
        repo.hooks_dir().join("pre-commit").is_file(),
        "the hooks are installed: {run:#?}"
    );

    // The line the warning prints puts `execguard` on PATH.
    let export = run
        .stderr
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("export PATH="))
        .unwrap_or_else(|| panic!("no export line: {run:#?}"));
    let follow = Run::from_command(
        repo.command("sh")
            .env("PATH", &path)
            .args(["-c", &format!("{export}\nexecguard --version")]),
    );
    follow.assert_ok();
    assert!(follow.stdout.starts_with("execguard "), "{follow:#?}");

    // With the folder on PATH there is no warning.
    let on_path = format!("{}:{path}", bin.display());
    let run = run_install_sh(&repo, &on_path, &root);
    run.assert_ok();
    assert!(!run.stderr.contains("is not on PATH"), "{run:#?}");
}

#[test]
fn install_sh_names_the_missing_c_compiler_and_builds_nothing() {
    let repo = TestRepo::new();
    let tools = stand_in_cargo(&repo);
    let root = repo.root.join("install-root");
    let path = only_tools(&repo, &["git", "dirname"], &tools);
    let run = run_install_sh(&repo, &path, &root);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("no C compiler found"), "{run:#?}");
    assert!(run.stderr.contains("libgit2"), "{run:#?}");
    assert!(run.stderr.contains("build-essential"), "{run:#?}");
    assert!(
        !repo.root.join("cargo-args").exists(),
        "cargo never ran: {run:#?}"
    );
    assert!(
        !repo.hooks_dir().join("pre-commit").exists(),
        "nothing installed"
    );
}

// ---- the published crates -------------------------------------------------------------------

/// The files a crate embeds live inside it, so that `cargo package` ships them; the repository's
/// top-level `config/` and `hooks/` keep copies for people browsing it, held identical here.
#[test]
fn top_level_config_and_hooks_are_copies_of_what_the_crates_embed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut pairs = vec![(
        "config/execguard.toml".to_string(),
        "crates/execguard-core/config/execguard.toml".to_string(),
    )];
    for hook in ["pre-commit", "commit-msg", "pre-push", "pre-receive"] {
        pairs.push((
            format!("hooks/{hook}"),
            format!("crates/execguard/hooks/{hook}"),
        ));
    }
    for (copy, embedded) in pairs {
        let copy_bytes = std::fs::read(root.join(&copy)).unwrap();
        let embedded_bytes = std::fs::read(root.join(&embedded)).unwrap();
        assert!(
            copy_bytes == embedded_bytes,
            "{copy} differs from {embedded}, the file the binaries embed: edit {embedded} and copy it to {copy}"
        );
    }
}

#[test]
fn init_writes_the_embedded_default_and_install_writes_the_embedded_hooks() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let repo = TestRepo::new();
    repo.execguard(["install"]).assert_ok();
    repo.execguard(["init"]).assert_ok();
    assert_eq!(
        repo.read(".execguard.toml"),
        std::fs::read_to_string(root.join("crates/execguard-core/config/execguard.toml")).unwrap()
    );
    let template = std::fs::read_to_string(root.join("crates/execguard/hooks/pre-commit")).unwrap();
    let written = std::fs::read_to_string(repo.hooks_dir().join("pre-commit")).unwrap();
    let (before, after) = template.split_once("@EXECGUARD_BIN@").unwrap();
    assert!(
        written.starts_with(before) && written.ends_with(after),
        "{written}"
    );
}

#[path = "shipping/documentation.rs"]
mod documentation;
#[path = "shipping/first_feature.rs"]
mod first_feature;
#[path = "shipping/machine.rs"]
mod machine;

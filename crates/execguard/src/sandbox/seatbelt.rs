//! macOS: a Seatbelt profile (`sandbox-exec -p`) that allows everything the user may do but any
//! write to the guarded paths: `file-write*` covers writing, creating, removing, renaming onto,
//! changing the mode or the extended attributes. Seatbelt judges paths, not files: a hard link
//! made outside beforehand is another path. The profile's text is built on every platform so
//! that it is tested everywhere; it runs on macOS only.

use std::ffi::OsString;
use std::path::Path;

/// The profile that denies writes to `paths` (`true`: a folder, and everything below it).
pub fn profile(paths: &[(&Path, bool)]) -> String {
    let mut filters = String::new();
    for (path, is_dir) in paths {
        let text = path.to_string_lossy();
        let quoted = format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
        filters.push_str(&format!(
            "\n    ({} {quoted})",
            if *is_dir { "subpath" } else { "literal" }
        ));
    }
    format!("(version 1)\n(allow default)\n(deny file-write*{filters})\n")
}

/// The `sandbox-exec` command line that runs `command` under `profile`.
pub fn command_line(profile: &str, command: &[OsString]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["-p".into(), profile.into()];
    args.extend(command.iter().cloned());
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_denies_writes_to_each_guarded_path_only() {
        let text = profile(&[
            (Path::new("/repo/specs/login.md"), false),
            (Path::new("/repo/.git/hooks"), true),
            (Path::new("/repo/odd \"name\".md"), false),
        ]);
        assert_eq!(
            text,
            "(version 1)\n(allow default)\n(deny file-write*\n    (literal \"/repo/specs/login.md\")\n    (subpath \"/repo/.git/hooks\")\n    (literal \"/repo/odd \\\"name\\\".md\"))\n"
        );
        let line = command_line(&text, &["codex".into()]);
        assert_eq!(line[0], "-p");
        assert_eq!(line[2], "codex");
    }
}

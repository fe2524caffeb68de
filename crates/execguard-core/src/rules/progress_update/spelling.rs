//! A plan word respelled as a repository-wide spelling sweep respells it: British and American
//! spellings of the same word (`parameterisation` and `parameterization`, `Artifacts` and
//! `Artefacts`, `centered` and `centred`). A sweep enforcing one spelling touches every plan, and
//! the word respelled need not be a word of the code's changed lines, so `synced` would see a
//! rewording. The word's meaning is unchanged, as in a formatting pass.
//!
//! Only known patterns count, not any small edit: one or two letters changed also turn `encode`
//! into `decode`, `include` into `exclude`, `valid` into `invalid`, `filled` into `filed`. The
//! changed letters are lowercase (a case change is not a spelling), both words are letters only
//! (a number, a version or an id is never respelled) and at least five letters long, and the
//! changed letters sit where the patterns put them.
//!
//! A word changed only in letter case (`## Artifacts and Notes` to `## Artefacts and notes`) is
//! formatting too, outside code: see [`case_only`] and [`CodeSpans`].

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::common_ends::common_ends;

/// Words respelled outside the patterns below, British spelling first; a word containing either
/// is respelled when it contains the other in its place.
const IRREGULAR: &[(&str, &str)] = &[
    ("artefact", "artifact"),
    ("programme", "program"),
    ("sceptic", "skeptic"),
    ("aluminium", "aluminum"),
];

/// Shorter words are not compared: few letters leave too many real words a letter apart.
const MIN_LETTERS: usize = 5;

/// Whether `from` and `to` are two spellings of the same word.
pub(super) fn respelled(from: &str, to: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (from.chars().collect(), to.chars().collect());
    if a == b
        || a.len().max(b.len()) < MIN_LETTERS
        || !a.iter().chain(&b).all(|c| c.is_alphabetic())
    {
        return false;
    }
    let (prefix, suffix) = common_ends(&a, &b, PartialEq::eq);
    let (x, y) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    // A letter whose case changes is a change of case, not of spelling.
    if !x.iter().chain(y).all(|c| c.is_lowercase()) {
        return false;
    }
    let (x, y): (String, String) = (x.iter().collect(), y.iter().collect());
    let before: String = a[..prefix].iter().collect::<String>().to_lowercase();
    let after: String = a[a.len() - suffix..]
        .iter()
        .collect::<String>()
        .to_lowercase();
    pattern(&before, &x, &y, &after)
        || pattern(&before, &y, &x, &after)
        || irregular(&from.to_lowercase(), &to.to_lowercase())
}

/// Whether replacing `x` by `y` between `before` and `after` is one of the British and American
/// spelling patterns (either way round: the caller tries both).
fn pattern(before: &str, x: &str, y: &str, after: &str) -> bool {
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| before.ends_with(s));
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| after.starts_with(p));
    match (x, y) {
        // -ise/-ize, -isation/-ization, -ising, -iser, -yse/-yze.
        ("s", "z") => ends(&["i", "y"]) && starts(&["e", "a", "i"]),
        // -our/-or: colour, behaviour.
        ("u", "") => ends(&["o"]) && starts(&["r"]),
        // -re/-er: centre, centres.
        ("re", "er") => !ends(&["a", "e", "i", "o", "u"]) && (after.is_empty() || after == "s"),
        // centred/centered, centring/centering.
        ("", "e") => {
            (!ends(&["a", "e", "i", "o", "u"]) && matches!(after, "red" | "ring"))
                // likeable/likable, judgement/judgment, ageing/aging.
                || (before.len() > 2 && after.starts_with("able"))
                || (ends(&["g"]) && starts(&["ment", "ing"]))
        }
        // -lled/-led, -lling/-ling: travelled, modelling, signalling.
        ("l", "") => ends(&["el", "al"]) && starts(&["e", "i"]),
        // -ae-/-e-, -oe-/-e-: paediatric, oestrogen.
        ("a" | "o", "") => starts(&["e"]) && !ends(&["a", "e", "i", "o", "u"]),
        // -ward/-wards: afterward, towards. Only the adverbs: `award`, `reward` or a hospital
        // `ward` take an `s` as a plural.
        ("", "s") => {
            after.is_empty()
                && before.strip_suffix("ward").is_some_and(|head| {
                    matches!(
                        head,
                        "after"
                            | "back"
                            | "for"
                            | "to"
                            | "up"
                            | "down"
                            | "in"
                            | "out"
                            | "on"
                            | "home"
                            | "east"
                            | "west"
                            | "north"
                            | "south"
                            | "side"
                    )
                })
        }
        // -ogue/-og: catalogue, dialogue.
        ("ue", "") => ends(&["og"]) && (after.is_empty() || after == "s"),
        // -ence/-ense: licence, defence.
        ("c", "s") => ends(&["n"]) && starts(&["e"]),
        _ => false,
    }
}

/// Whether `from` and `to` are the same word in another case: equal once case-folded (upper,
/// then lower, so that `STRASSE` and `straße` match), letters only, and each written in one of
/// the cases prose uses (`notes`, `Notes`, `NOTES`). A camel-case or mixed word (`motionPanel`)
/// is an identifier's spelling, and a number or `_` makes a word an id: their case is not
/// formatting.
pub(super) fn case_only(from: &str, to: &str) -> bool {
    let fold = |w: &str| w.to_uppercase().to_lowercase();
    let prose = |w: &str| {
        let mut tail = w.chars();
        tail.next().is_some()
            && w.chars().all(char::is_alphabetic)
            && (tail.all(char::is_lowercase) || w.chars().all(char::is_uppercase))
    };
    from != to && fold(from) == fold(to) && prose(from) && prose(to)
}

/// The byte ranges of a Markdown text that are code: inline code spans and code blocks. A word's
/// case there is an identifier's, which only the code can change.
pub(super) struct CodeSpans(Vec<Range<usize>>);

impl CodeSpans {
    pub(super) fn of(text: &str) -> Self {
        let mut spans = Vec::new();
        let mut block: Option<usize> = None;
        for (event, range) in Parser::new(text).into_offset_iter() {
            match event {
                Event::Code(_) => spans.push(range),
                Event::Start(Tag::CodeBlock(_)) => block = Some(range.start),
                Event::End(TagEnd::CodeBlock) => {
                    spans.push(block.take().unwrap_or(range.start)..range.end)
                }
                _ => {}
            }
        }
        CodeSpans(spans)
    }

    /// Whether `word`, a slice of `text` (the text these spans were read from), is code; a word
    /// not a slice of it counts as code, so that it is never taken for formatting.
    pub(super) fn holds(&self, text: &str, word: &str) -> bool {
        let start = (word.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        if start
            .checked_add(word.len())
            .is_none_or(|end| end > text.len())
        {
            return true;
        }
        self.0.iter().any(|span| span.contains(&start))
    }
}

/// Whether the lowercase words differ by one of the [`IRREGULAR`] spellings.
fn irregular(from: &str, to: &str) -> bool {
    IRREGULAR.iter().any(|&(gb, us)| {
        [(gb, us), (us, gb)].into_iter().any(|(x, y)| {
            from.match_indices(x)
                .any(|(at, _)| to == format!("{}{y}{}", &from[..at], &from[at + x.len()..]))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{case_only, respelled, CodeSpans};

    #[test]
    fn british_and_american_spellings_are_the_same_word() {
        for (from, to) in [
            ("parameterisation", "parameterization"),
            ("initialiser", "initializer"),
            ("Initialisers", "Initializers"),
            ("analyse", "analyze"),
            ("centered", "centred"),
            ("centre", "center"),
            ("colour", "color"),
            ("behaviours", "behaviors"),
            ("modelling", "modeling"),
            ("Artifacts", "Artefacts"),
            ("catalogue", "catalog"),
            ("licence", "license"),
            ("overrideable", "overridable"),
            ("judgement", "judgment"),
            ("paediatric", "pediatric"),
            ("programme", "program"),
            ("afterward", "afterwards"),
            ("Towards", "Toward"),
        ] {
            assert!(respelled(from, to), "{from} -> {to}");
            assert!(respelled(to, from), "{to} -> {from}");
        }
    }

    #[test]
    fn other_small_edits_are_not_spellings() {
        for (from, to) in [
            ("encode", "decode"),
            ("include", "exclude"),
            ("valid", "invalid"),
            ("possible", "impossible"),
            ("filled", "filed"),
            ("Notes", "notes"),
            ("client", "clients"),
            ("enable", "enabled"),
            ("affect", "effect"),
            ("version2", "version3"),
            ("never", "ever"),
            ("colour", "colours"),
            ("four", "for"),
            ("award", "awards"),
            ("reward", "rewards"),
            ("steward", "stewards"),
        ] {
            assert!(!respelled(from, to), "{from} -> {to}");
        }
    }

    #[test]
    fn a_word_in_another_case_is_the_same_word_outside_identifiers() {
        for (from, to) in [
            ("Notes", "notes"),
            ("notes", "NOTES"),
            ("Straße", "STRASSE"),
            ("Ωμέγα", "ωμέγα"),
        ] {
            assert!(case_only(from, to), "{from} -> {to}");
            assert!(case_only(to, from), "{to} -> {from}");
        }
        for (from, to) in [
            ("notes", "notes"),
            ("Notes", "Note"),
            ("motionPanel", "motionpanel"),
            ("MotionPanel", "motionPanel"),
            ("REQ8", "req8"),
            ("api_key", "API_KEY"),
        ] {
            assert!(!case_only(from, to), "{from} -> {to}");
        }
    }

    #[test]
    fn code_spans_and_blocks_hold_their_words() {
        let text = "Use `Foo` here.\n\n```\nBar\n```\n\nBaz\n";
        let spans = CodeSpans::of(text);
        let at = |w: &str| &text[text.find(w).unwrap()..][..w.len()];
        assert!(spans.holds(text, at("Foo")));
        assert!(spans.holds(text, at("Bar")));
        assert!(!spans.holds(text, at("Baz")));
        assert!(!spans.holds(text, at("Use")));
        assert!(spans.holds(text, "Baz"), "a word from elsewhere is code");
    }
}

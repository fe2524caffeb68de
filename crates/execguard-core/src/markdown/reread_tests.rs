use super::super::entries::EntryReader;
use super::super::sections::OutlineReader;
use super::*;

/// A small deterministic generator (splitmix64), so a failure names a case that can be run again.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Lines that open, continue, interrupt and close every kind of block the readers see.
const LINES: &[&str] = &[
    "# Plan",
    "## Progress",
    "### Sub",
    "## Decision Log",
    "Setext title",
    "===",
    "---",
    "***",
    "- [x] (2026-01-01 10:00Z) Step one.",
    "- [ ] Step two.",
    "- [x] Step three, *done*.",
    "  - nested item",
    "  continued text",
    "    indented four",
    "1. first",
    "2) second",
    "* star",
    "+ plus",
    "-",
    "> quoted",
    "> - quoted item",
    ">",
    "```",
    "~~~md",
    "<!-- comment",
    "-->",
    "<!-- whole -->",
    "<div>",
    "</div>",
    "<del>gone</del> kept",
    "| a | b |",
    "|---|---|",
    "| c | ~~d~~ |",
    "a | b",
    "--|--",
    "plain text",
    "more *plain* text",
    "\ttabbed",
    "",
    "",
    "",
    "",
];

fn line(random: &mut Random) -> String {
    if random.below(200) == 0 {
        return "[ref]: http://example.com".to_string();
    }
    if random.below(100) == 0 {
        return "see [ref] here".to_string();
    }
    let mut line = LINES[random.below(LINES.len())].to_string();
    if random.below(8) == 0 {
        line.push_str(&format!(" {}", random.below(1000)));
    }
    line
}

fn ending(random: &mut Random) -> &'static str {
    match random.below(40) {
        0 => "\r\n",
        1 => "\r",
        _ => "\n",
    }
}

fn document(random: &mut Random) -> String {
    let lines = 1 + random.below(60);
    let mut text = String::new();
    for _ in 0..lines {
        text.push_str(&line(random));
        text.push_str(ending(random));
    }
    if random.below(10) == 0 {
        text.pop();
    }
    text
}

/// The offsets of the starts of the lines of `text`, and its end.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut at = 0;
    while let Some(next) = next_line(text.as_bytes(), at) {
        starts.push(next);
        at = next;
    }
    if *starts.last().unwrap() != text.len() {
        starts.push(text.len());
    }
    starts
}

/// `text` edited at random: lines inserted, deleted or replaced, or a few bytes typed in a line.
fn edited(random: &mut Random, text: &str) -> String {
    let starts = line_starts(text);
    let pick = |random: &mut Random| starts[random.below(starts.len())];
    match random.below(6) {
        0 | 1 => {
            let at = pick(random);
            let mut inserted = String::new();
            for _ in 0..1 + random.below(3) {
                inserted.push_str(&line(random));
                inserted.push_str(ending(random));
            }
            format!("{}{}{}", &text[..at], inserted, &text[at..])
        }
        2 => {
            let (a, b) = (pick(random), pick(random));
            let (a, b) = (a.min(b), a.max(b));
            format!("{}{}", &text[..a], &text[b..])
        }
        3 => {
            let a = starts[random.below(starts.len())];
            let b = next_line(text.as_bytes(), a).unwrap_or(text.len());
            format!(
                "{}{}{}{}",
                &text[..a],
                line(random),
                ending(random),
                &text[b..]
            )
        }
        _ => {
            let mut at = random.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let typed = [
                "|", "-", "`", "\n", " ", "x", "<", "#", "> ", "\r", "1. ", "]",
            ];
            format!(
                "{}{}{}",
                &text[..at],
                typed[random.below(typed.len())],
                &text[at..]
            )
        }
    }
}

fn same_as_whole<R: Reader>(seed: u64, cases: usize)
where
    R::Item: PartialEq + std::fmt::Debug,
{
    let mut random = Random(seed);
    for case in 0..cases {
        let old_text = document(&mut random);
        let mut old = R::read(&old_text);
        let mut text = old_text;
        // A chain of versions, each read from the reading of the one before.
        for step in 0..1 + random.below(6) {
            let new = edited(&mut random, &text);
            let again = read_again::<R>(&text, &old, &new);
            let whole = R::read(&new);
            assert_eq!(
                again, whole,
                "seed {seed}, case {case}, step {step}:\nold {text:?}\nnew {new:?}"
            );
            (text, old) = (new, again);
        }
    }
}

#[test]
fn entries_read_again_are_the_entries_read_whole() {
    same_as_whole::<EntryReader>(1, 4000);
}

#[test]
fn outlines_read_again_are_the_outlines_read_whole() {
    same_as_whole::<OutlineReader>(2, 4000);
}

#[test]
fn a_table_under_a_paragraph_depends_on_the_line_after_its_header() {
    let old = "intro\n| a | b |\n|---|---|\n| c | d |\n\n- [x] one\n";
    let new = "intro\n| a | b |\n|-x-|---|\n| c | d |\n\n- [x] one\n";
    let again = read_again::<EntryReader>(old, &EntryReader::read(old), new);
    assert_eq!(again, EntryReader::read(new));
    let entries: Vec<&str> = again.found.iter().map(|(_, entry)| &**entry).collect();
    assert_eq!(
        entries[0], "intro | a | b | |-x-|---| | c | d |",
        "{entries:?}"
    );
    let before = EntryReader::read(old);
    assert_eq!(&*before.found[1].1, "a | b", "the old version had a table");
}

#[test]
fn a_growing_list_is_read_again_from_its_last_items() {
    let mut old = String::from("## Progress\n\n");
    for step in 0..200 {
        old.push_str(&format!("- [x] (2026-01-01 10:00Z) Step {step}.\n"));
    }
    old.push_str("- Keep it simple.\n\n## Outcomes\n\nPending.\n");
    let new = old.replace(
        "- Keep it simple.",
        "- [x] (2026-01-02 10:00Z) Step 200.\n- Keep it simple.",
    );
    let reading = EntryReader::read(&old);
    let again = read_again::<EntryReader>(&old, &reading, &new);
    assert_eq!(again, EntryReader::read(&new));
    assert_eq!(again.found.len(), reading.found.len() + 1);
}

#[test]
fn a_link_reference_anywhere_makes_the_text_read_whole() {
    let old = "- see [spec]\n\n- two\n";
    let new = "- see [spec]\n\n- two\n\n[spec]: http://example.com\n";
    let again = read_again::<EntryReader>(old, &EntryReader::read(old), new);
    assert_eq!(&*again.found[0].1, "see spec");
    assert!(again.references);
    let back = read_again::<EntryReader>(new, &again, old);
    assert_eq!(&*back.found[0].1, "see [spec]");
}

#[test]
fn the_common_ends_are_found_across_chunks() {
    let a = "x".repeat(200);
    let mut b = a.clone();
    b.insert(130, 'y');
    assert_eq!(common_prefix(a.as_bytes(), b.as_bytes()), 130);
    assert_eq!(common_suffix(a.as_bytes(), b.as_bytes(), 200 - 130), 70);
    assert_eq!(common_prefix(b"abc", b"abc"), 3);
    assert_eq!(common_suffix(b"abc", b"abc", 0), 0);
    assert_eq!(common_prefix(b"", b"abc"), 0);
}

#[test]
fn several_plans_are_each_read_again_from_their_own_last_version() {
    let plan = |feature: &str, steps: usize| {
        let entries: String = (0..steps)
            .map(|step| format!("- [x] Step {step} of {feature}.\n"))
            .collect();
        format!("# {feature}\n\n## Progress\n\n{entries}\n## Outcomes\n\nPending.\n")
    };
    let kept: Vec<(String, std::rc::Rc<Reading<std::rc::Rc<str>>>)> = ["login", "search"]
        .iter()
        .map(|feature| {
            let text = plan(feature, 40);
            let reading = std::rc::Rc::new(EntryReader::read(&text));
            (text, reading)
        })
        .collect();
    // The last text kept is the other plan's.
    let next = plan("login", 41);
    let (base, _) = closest(&kept, &next).expect("a text is kept");
    assert_eq!(base, &kept[0].0);
}

/// Counts the readings it makes (read whole or in part), per thread.
struct Counted;

thread_local! {
    static READS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static COUNTED: RefCell<Rereads<Rc<str>>> = const { RefCell::new(Rereads::new(2, 1 << 20)) };
}

impl Reader for Counted {
    type Item = Rc<str>;

    fn read(text: &str) -> Reading<Rc<str>> {
        READS.with(|reads| reads.set(reads.get() + 1));
        EntryReader::read(text)
    }
}

#[test]
fn a_text_asked_about_again_is_kept_over_older_ones() {
    let reads = || READS.with(std::cell::Cell::get);
    // Three unrelated texts, so none is read from another's reading.
    let (a, b, c) = ("- alpha\n", "Beta paragraph.\n", "# Gamma\n");
    reading::<Counted>(&COUNTED, a);
    reading::<Counted>(&COUNTED, b);
    reading::<Counted>(&COUNTED, a);
    assert_eq!(reads(), 2, "a text kept is not read again");
    // Room for two: the one asked about least recently (b) makes room, not the first kept (a).
    reading::<Counted>(&COUNTED, c);
    reading::<Counted>(&COUNTED, a);
    assert_eq!(reads(), 3, "the text in use was kept");
    reading::<Counted>(&COUNTED, b);
    assert!(reads() > 3, "the text left unused made room");
}

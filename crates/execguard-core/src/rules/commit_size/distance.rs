//! How many lines a change of one text file adds and deletes, computed only as far as it matters.
//!
//! The count is the minimal line edit distance (inserted plus deleted lines, what
//! `git diff --numstat` reports for a Myers diff), each line weighing one per started
//! `line_bytes` bytes. Time is bounded by the input and the limit, never by a clock, so that every
//! machine reaches the same verdict on the same commit: common leading and trailing lines are
//! trimmed, lines are interned to integers, lines found on one side only are counted without
//! search, and the Myers search for the rest stops once the distance passes the limit
//! (O((N+M)·D) with D at most the limit). A configured limit large enough to make that search
//! quadratic is served by [`super::matching`] once the search has spent its budget of steps.

// Lines are hashed with a fast hasher seeded per process: quick on the many short keys of a
// diff, and no crafted set of lines collides on every machine.
use foldhash::{HashMap, HashMapExt};

use super::matching;
use crate::common_ends::common_ends;

/// A changed-line count: exact, or known only to be larger than a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Exact(u64),
    MoreThan(u64),
}

/// The lines of a text, each with its line feed (the last one may lack it, as git sees it).
pub fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split_inclusive(|&b| b == b'\n')
}

/// What one line weighs: one per started `line_bytes` bytes, line feed not counted; at least one.
pub fn line_weight(line: &[u8], line_bytes: u64) -> u64 {
    let content = line.strip_suffix(b"\n").unwrap_or(line);
    (content.len() as u64).div_ceil(line_bytes.max(1)).max(1)
}

/// What a whole text weighs: its lines added or deleted whole.
pub fn text_weight(data: &[u8], line_bytes: u64) -> u64 {
    lines(data).map(|line| line_weight(line, line_bytes)).sum()
}

/// The weighted lines deleted from `old` plus those added in `new`, minimal over all line edits,
/// or `MoreThan(limit)` once it is known to exceed `limit`.
pub fn changed_lines(old: &[u8], new: &[u8], line_bytes: u64, limit: u64) -> Count {
    let old_lines: Vec<&[u8]> = lines(old).collect();
    let new_lines: Vec<&[u8]> = lines(new).collect();
    let (prefix, suffix) = common_ends(&old_lines, &new_lines, PartialEq::eq);
    let old_mid = &old_lines[prefix..old_lines.len() - suffix];
    let new_mid = &new_lines[prefix..new_lines.len() - suffix];

    // Equal lines get equal numbers; `sides` records where each number occurs (1 old, 2 new).
    let mut numbers: HashMap<&[u8], u32> = HashMap::with_capacity(old_mid.len() + new_mid.len());
    let mut sides: Vec<u8> = Vec::new();
    let old_ids: Vec<u32> = old_mid
        .iter()
        .map(|line| number(&mut numbers, &mut sides, line, 1))
        .collect();
    let new_ids: Vec<u32> = new_mid
        .iter()
        .map(|line| number(&mut numbers, &mut sides, line, 2))
        .collect();

    // A line found on one side only is added or deleted in every edit: count it and drop it.
    // What remains is expanded into one token per weight unit, so that an unweighted edit
    // distance over tokens is the weighted distance over lines.
    let mut count = 0u64;
    let mut tokens = |mid: &[&[u8]], ids: &[u32]| -> Vec<u64> {
        let mut out = Vec::with_capacity(ids.len());
        for (line, &id) in mid.iter().zip(ids) {
            let weight = line_weight(line, line_bytes);
            if sides.get(id as usize).copied() != Some(3) {
                count = count.saturating_add(weight);
                continue;
            }
            let units = weight.min(u64::from(u32::MAX));
            out.extend((0..units).map(|unit| (u64::from(id) << 32) | unit));
        }
        out
    };
    let old_tokens = tokens(old_mid, &old_ids);
    let new_tokens = tokens(new_mid, &new_ids);
    let gap = old_tokens.len().abs_diff(new_tokens.len()) as u64;
    if count.saturating_add(gap) > limit {
        return Count::MoreThan(limit);
    }
    match token_distance(&old_tokens, &new_tokens, limit - count) {
        Some(distance) => Count::Exact(count + distance),
        None => Count::MoreThan(limit),
    }
}

/// The edit distance between two token sequences, or `None` when it exceeds `limit`: Myers'
/// search while it stays within its budget of steps, else the longest common subsequence over
/// matching pairs, else (lines that repeat a lot and a large distance) the size of an anchored
/// edit, which is at least the minimal one.
fn token_distance(a: &[u64], b: &[u64], limit: u64) -> Option<u64> {
    if multiset_gap(a, b) > limit {
        return None;
    }
    let budget = matching::work_budget(a.len() + b.len());
    let distance = match search(a, b, limit, budget) {
        Search::Found(distance) => distance,
        Search::OverLimit => return None,
        Search::OverBudget => matching::distance_by_matches(a, b, budget)
            .unwrap_or_else(|| matching::anchored_distance(a, b, budget)),
    };
    (distance <= limit).then_some(distance)
}

/// A lower bound of the edit distance: the tokens one side has more of than the other.
fn multiset_gap(a: &[u64], b: &[u64]) -> u64 {
    let mut balance: HashMap<u64, i64> = HashMap::with_capacity(a.len());
    for token in a {
        *balance.entry(*token).or_default() += 1;
    }
    for token in b {
        *balance.entry(*token).or_default() -= 1;
    }
    balance.values().map(|v| v.unsigned_abs()).sum()
}

/// The number of `line`, the same for equal lines; `sides` records the side it was seen on.
fn number<'a>(
    numbers: &mut HashMap<&'a [u8], u32>,
    sides: &mut Vec<u8>,
    line: &'a [u8],
    side: u8,
) -> u32 {
    let next = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
    let id = *numbers.entry(line).or_insert(next);
    if id as usize == sides.len() {
        sides.push(0);
    }
    if let Some(seen) = sides.get_mut(id as usize) {
        *seen |= side;
    }
    id
}

/// Myers' greedy edit distance (insertions plus deletions) between `a` and `b`, or `None` when it
/// exceeds `limit`. Each round d costs O(d) plus the matches it follows, and a diagonal's
/// matches are followed once in all: O((N+M)·D) time, O(D) memory.
#[cfg(test)]
pub fn bounded_distance<T: PartialEq>(a: &[T], b: &[T], limit: u64) -> Option<u64> {
    match search(a, b, limit, u64::MAX) {
        Search::Found(distance) => Some(distance),
        _ => None,
    }
}

/// How a bounded search ended.
enum Search {
    Found(u64),
    OverLimit,
    OverBudget,
}

/// Rounds a search always runs, whatever its budget: the default limits stay exact.
const EXACT_ROUNDS: usize = 1024;

/// Myers' search bounded by `limit` and, past [`EXACT_ROUNDS`] rounds, by `budget` steps (a
/// diagonal visited or a match followed).
fn search<T: PartialEq>(a: &[T], b: &[T], limit: u64, budget: u64) -> Search {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        let distance = (n + m) as u64;
        return if distance <= limit {
            Search::Found(distance)
        } else {
            Search::OverLimit
        };
    }
    let mut steps = 0u64;
    let max = usize::try_from(limit).unwrap_or(usize::MAX).min(n + m);
    let offset = max + 1;
    // furthest[offset + k]: the furthest x reached on diagonal k = x - y.
    let mut furthest = vec![0usize; 2 * max + 3];
    for d in 0..=max {
        if d > EXACT_ROUNDS && steps > budget {
            return Search::OverBudget;
        }
        steps += d as u64 + 1;
        let mut k = -(d as isize);
        while k <= d as isize {
            let at = (offset as isize + k) as usize;
            let mut x =
                if k == -(d as isize) || (k != d as isize && furthest[at - 1] < furthest[at + 1]) {
                    furthest[at + 1]
                } else {
                    furthest[at - 1] + 1
                };
            let mut y = (x as isize - k) as usize;
            let start = x;
            while x < n && y < m && a[x] == b[y] {
                x += 1;
                y += 1;
            }
            steps += (x - start) as u64;
            furthest[at] = x;
            if x >= n && y >= m {
                return Search::Found(d as u64);
            }
            k += 2;
        }
    }
    Search::OverLimit
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::oracle::{exact, Random};

    fn text(lines: &[u8]) -> Vec<u8> {
        lines.iter().flat_map(|&c| [b'a' + c, b'\n']).collect()
    }

    #[test]
    fn bounded_distance_equals_an_exact_diff_under_the_cap() {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        for round in 0..3000 {
            let alphabet = 1 + random.below(6);
            let a: Vec<u64> = (0..random.below(25))
                .map(|_| random.below(alphabet))
                .collect();
            let b: Vec<u64> = (0..random.below(25))
                .map(|_| random.below(alphabet))
                .collect();
            let want = exact(&a, &b);
            assert_eq!(
                bounded_distance(&a, &b, want),
                Some(want),
                "{round}: {a:?} {b:?}"
            );
            assert_eq!(bounded_distance(&a, &b, 1000), Some(want), "{round}");
            if want > 0 {
                assert_eq!(bounded_distance(&a, &b, want - 1), None, "{round}: capped");
            }
        }
    }

    #[test]
    fn changed_lines_equals_an_exact_diff_and_caps() {
        let mut random = Random(0x2545_f491_4f6c_dd1d);
        for round in 0..2000 {
            let alphabet = 1 + random.below(5) as u8;
            let old: Vec<u8> = (0..random.below(30))
                .map(|_| random.below(u64::from(alphabet)) as u8)
                .collect();
            let mut new = old.clone();
            for _ in 0..random.below(6) {
                let at = random.below(new.len() as u64 + 1) as usize;
                if random.below(2) == 0 && at < new.len() {
                    new.remove(at);
                } else {
                    new.insert(at, random.below(u64::from(alphabet) + 2) as u8);
                }
            }
            let want = exact(&old, &new);
            let (old_text, new_text) = (text(&old), text(&new));
            assert_eq!(
                changed_lines(&old_text, &new_text, 200, want),
                Count::Exact(want),
                "{round}: {old:?} {new:?}"
            );
            if want > 0 {
                assert_eq!(
                    changed_lines(&old_text, &new_text, 200, want - 1),
                    Count::MoreThan(want - 1),
                    "{round}: capped"
                );
            }
        }
    }

    #[test]
    fn counts_like_git_numstat() {
        let count = |old: &[u8], new: &[u8]| changed_lines(old, new, 200, 100);
        assert_eq!(count(b"", b"a\nb\n"), Count::Exact(2));
        assert_eq!(count(b"a\nb\n", b""), Count::Exact(2));
        assert_eq!(count(b"a\nb\nc\n", b"a\nB\nc\n"), Count::Exact(2));
        assert_eq!(count(b"a\n", b"a\nb"), Count::Exact(1));
        // A last line that gains its line feed is a changed line, as git shows it.
        assert_eq!(count(b"a\nb", b"a\nb\n"), Count::Exact(2));
        assert_eq!(count(b"x\n", b"x\n"), Count::Exact(0));
    }

    #[test]
    fn long_lines_weigh_one_per_started_line_bytes() {
        assert_eq!(line_weight(b"\n", 200), 1);
        assert_eq!(line_weight(&[b'x'; 200], 200), 1);
        assert_eq!(line_weight(&[b'x'; 201], 200), 2);
        let long = vec![b'x'; 500_000];
        assert_eq!(text_weight(&long, 200), 2500);
        let mut edited = long.clone();
        edited[10] = b'y';
        // The old line is deleted and the new one added: both weigh 2,500.
        assert_eq!(
            changed_lines(&long, &edited, 200, 10_000),
            Count::Exact(5000)
        );
        assert_eq!(
            changed_lines(&long, &edited, 200, 400),
            Count::MoreThan(400)
        );
    }

    #[test]
    fn a_full_rewrite_is_capped_without_search() {
        let old: Vec<u8> = (0..120_000)
            .flat_map(|i| format!("{i:07}\n").into_bytes())
            .collect();
        let new: Vec<u8> = (0..120_000)
            .flat_map(|i| format!("x{i:06}\n").into_bytes())
            .collect();
        assert_eq!(changed_lines(&old, &new, 200, 400), Count::MoreThan(400));
        assert_eq!(
            changed_lines(&old, &new, 200, 1_000_000),
            Count::Exact(240_000)
        );
    }

    #[test]
    fn a_reversed_file_is_counted_exactly_past_the_search_budget() {
        let old: Vec<u8> = (0..30_000)
            .flat_map(|i| format!("{i:07}\n").into_bytes())
            .collect();
        let new: Vec<u8> = (0..30_000)
            .rev()
            .flat_map(|i| format!("{i:07}\n").into_bytes())
            .collect();
        assert_eq!(
            changed_lines(&old, &new, 200, 1_000_000),
            Count::Exact(59_998)
        );
        assert_eq!(
            changed_lines(&old, &new, 200, 59_997),
            Count::MoreThan(59_997)
        );
    }

    #[test]
    fn repeated_lines_past_every_budget_count_a_valid_edit() {
        // Two blocks of one repeated line swapped: 6,000 is minimal; an edit of at most
        // 12,000 is counted, of the same parity, and never less than the minimum.
        let block = |line: &str| line.repeat(3_000);
        let old = format!("{}{}", block("x\n"), block("y\n"));
        let new = format!("{}{}", block("y\n"), block("x\n"));
        let Count::Exact(count) = changed_lines(old.as_bytes(), new.as_bytes(), 200, 1_000_000)
        else {
            panic!("counted in full under the limit")
        };
        assert!(
            (6_000..=12_000).contains(&count) && count % 2 == 0,
            "{count}"
        );
    }

    #[test]
    fn weighted_lines_match_an_exact_weighted_diff() {
        // Lines of 1 to 3 units; the oracle expands each line into its units.
        let mut random = Random(0xdead_beef_cafe_f00d);
        for round in 0..1000 {
            let pick = |random: &mut Random| -> Vec<u8> {
                (0..random.below(12))
                    .map(|_| random.below(4) as u8)
                    .collect()
            };
            let (old, new) = (pick(&mut random), pick(&mut random));
            let render = |items: &[u8]| -> Vec<u8> {
                items
                    .iter()
                    .flat_map(|&c| {
                        let mut line = vec![b'a' + c; 1 + 4 * usize::from(c % 3)];
                        line.push(b'\n');
                        line
                    })
                    .collect()
            };
            let expand = |items: &[u8]| -> Vec<(u8, u8)> {
                items
                    .iter()
                    .flat_map(|&c| {
                        let units = (1 + 4 * (c % 3)).div_ceil(4);
                        (0..units).map(move |u| (c, u))
                    })
                    .collect()
            };
            let want = exact(&expand(&old), &expand(&new));
            assert_eq!(
                changed_lines(&render(&old), &render(&new), 4, 1000),
                Count::Exact(want),
                "{round}: {old:?} {new:?}"
            );
        }
    }
}

//! Edit distances for inputs where Myers' search would cost too much: a large configured limit
//! and a large distance, as when a long file is reordered.
//!
//! Work is counted in steps, never timed, so every machine reaches the same verdict. The exact
//! distance comes from the longest common subsequence computed over matching pairs
//! (Hunt–Szymanski: O(r log n) for r pairs of equal tokens), which is fast whenever lines repeat
//! little. When they repeat a lot as well, the distance is that of a valid edit anchored on the
//! tokens found once on each side (as patience diff anchors): an upper bound, as git's own diff
//! reports on such inputs.

use foldhash::{HashMap, HashMapExt};

use crate::common_ends::common_ends;

/// The steps an exact search may take on `n` tokens in all before giving way.
pub fn work_budget(n: usize) -> u64 {
    16 * n as u64 + (1 << 20)
}

/// The minimal edit distance between `a` and `b` from their longest common subsequence, or `None`
/// when the pairs of equal tokens number more than `budget`.
pub fn distance_by_matches(a: &[u64], b: &[u64], budget: u64) -> Option<u64> {
    let mut positions: HashMap<u64, Vec<u32>> = HashMap::new();
    for (j, token) in b.iter().enumerate() {
        positions
            .entry(*token)
            .or_default()
            .push(u32::try_from(j).ok()?);
    }
    let pairs: u64 = a
        .iter()
        .map(|token| positions.get(token).map_or(0, |p| p.len() as u64))
        .sum();
    if pairs > budget {
        return None;
    }
    // thresholds[k]: the smallest position in `b` that ends a common subsequence of length k + 1.
    let mut thresholds: Vec<u32> = Vec::new();
    for token in a {
        let Some(found) = positions.get(token) else {
            continue;
        };
        // Descending, so that one token of `a` extends a subsequence at most once.
        for &j in found.iter().rev() {
            let at = thresholds.partition_point(|&t| t < j);
            if at == thresholds.len() {
                thresholds.push(j);
            } else {
                thresholds[at] = j;
            }
        }
    }
    Some((a.len() + b.len() - 2 * thresholds.len()) as u64)
}

/// The size of a valid edit from `a` to `b`, at least the minimal one: the longest chain of
/// tokens found once on each side, in the same order on both, is kept, and each stretch between
/// two kept tokens is edited on its own (its common head and tail kept, the rest by an exact
/// search while `budget` lasts, else deleted and added whole).
pub fn anchored_distance(a: &[u64], b: &[u64], budget: u64) -> u64 {
    let mut count: HashMap<u64, (u32, u32, u32)> = HashMap::new();
    for (i, token) in a.iter().enumerate() {
        let slot = count.entry(*token).or_insert((0, 0, 0));
        slot.0 += 1;
        slot.2 = i as u32;
    }
    for token in b {
        if let Some(slot) = count.get_mut(token) {
            slot.1 += 1;
        }
    }
    // Pairs (i, j) of tokens found once on each side, in the order of `a`.
    let mut pairs: Vec<(u32, u32)> = b
        .iter()
        .enumerate()
        .filter_map(|(j, token)| {
            let &(in_a, in_b, i) = count.get(token)?;
            (in_a == 1 && in_b == 1).then_some((i, j as u32))
        })
        .collect();
    pairs.sort_unstable();
    let chain = increasing_chain(&pairs);
    let mut total = 0;
    let mut remaining = budget;
    let (mut i, mut j) = (0usize, 0usize);
    for &(ai, bj) in chain
        .iter()
        .chain(std::iter::once(&(a.len() as u32, b.len() as u32)))
    {
        let (ai, bj) = (ai as usize, bj as usize);
        total += stretch_distance(&a[i..ai], &b[j..bj], &mut remaining);
        (i, j) = (ai + 1, bj + 1);
    }
    total
}

/// The longest chain of `pairs` (sorted by their first item) increasing in their second item.
fn increasing_chain(pairs: &[(u32, u32)]) -> Vec<(u32, u32)> {
    // tails[k]: the index in `pairs` ending the best chain of length k + 1 found so far.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; pairs.len()];
    for (index, &(_, j)) in pairs.iter().enumerate() {
        let at = tails.partition_point(|&t| pairs[t].1 < j);
        previous[index] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(index);
        } else {
            tails[at] = index;
        }
    }
    let mut chain = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(index) = at {
        chain.push(pairs[index]);
        at = previous[index];
    }
    chain.reverse();
    chain
}

/// One stretch between anchors: common head and tail kept, the rest searched exactly while the
/// budget lasts.
fn stretch_distance(a: &[u64], b: &[u64], remaining: &mut u64) -> u64 {
    let (head, tail) = common_ends(a, b, PartialEq::eq);
    let (a, b) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let whole = (a.len() + b.len()) as u64;
    if a.is_empty() || b.is_empty() {
        return whole;
    }
    let pairs_bound = (a.len() as u64).saturating_mul(b.len() as u64);
    if pairs_bound <= *remaining {
        *remaining -= pairs_bound;
        if let Some(distance) = distance_by_matches(a, b, pairs_bound) {
            return distance;
        }
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::oracle::{exact, Random};

    #[test]
    fn distance_by_matches_is_exact() {
        let mut random = Random(0x1234_5678_9abc_def1);
        for round in 0..3000 {
            let alphabet = 1 + random.below(8);
            let a: Vec<u64> = (0..random.below(30))
                .map(|_| random.below(alphabet))
                .collect();
            let b: Vec<u64> = (0..random.below(30))
                .map(|_| random.below(alphabet))
                .collect();
            assert_eq!(
                distance_by_matches(&a, &b, u64::MAX),
                Some(exact(&a, &b)),
                "{round}: {a:?} {b:?}"
            );
        }
    }

    #[test]
    fn distance_by_matches_gives_way_past_its_budget() {
        let a = vec![1u64; 100];
        assert_eq!(distance_by_matches(&a, &a, 100 * 100 - 1), None);
        assert_eq!(distance_by_matches(&a, &a, 100 * 100), Some(0));
    }

    #[test]
    fn anchored_distance_is_the_size_of_a_valid_edit() {
        let mut random = Random(0x0fed_cba9_8765_4321);
        for round in 0..3000 {
            let alphabet = 1 + random.below(40);
            let a: Vec<u64> = (0..random.below(40))
                .map(|_| random.below(alphabet))
                .collect();
            let b: Vec<u64> = (0..random.below(40))
                .map(|_| random.below(alphabet))
                .collect();
            let want = exact(&a, &b);
            for budget in [0, u64::MAX] {
                let found = anchored_distance(&a, &b, budget);
                assert!(found >= want, "{round}: {found} < {want}");
                assert!(found <= (a.len() + b.len()) as u64, "{round}");
                // Every edit keeps a common subsequence: the parity of n + m.
                assert_eq!(found % 2, want % 2, "{round}");
            }
        }
    }

    #[test]
    fn anchored_distance_keeps_the_unique_lines_in_order() {
        // Unique lines 10..20 kept in order, a repeated line around them rewritten.
        let a: Vec<u64> = (10..20).flat_map(|u| [u, 1]).collect();
        let b: Vec<u64> = (10..20).flat_map(|u| [u, 2]).collect();
        assert_eq!(anchored_distance(&a, &b, 0), 20);
    }
}

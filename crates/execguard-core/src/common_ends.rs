//! Where two sequences stop agreeing from the front and from the back: the rules that compare
//! two versions (lines, entries, letters) keep what both share at either end and look only at
//! what lies between.

/// The lengths of the common start and the common end of `a` and `b`, elements told equal by
/// `same`. The end is counted only beyond the start, so the two never overlap: what is left
/// between them is where the sequences differ.
pub(crate) fn common_ends<T>(a: &[T], b: &[T], same: impl Fn(&T, &T) -> bool) -> (usize, usize) {
    let start = a.iter().zip(b).take_while(|(x, y)| same(x, y)).count();
    let end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| same(x, y))
        .count();
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::common_ends;

    fn ends(a: &str, b: &str) -> (usize, usize) {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        common_ends(&a, &b, PartialEq::eq)
    }

    #[test]
    fn the_end_is_counted_beyond_the_start() {
        assert_eq!(ends("color", "colour"), (4, 1));
        // Both ends could claim the repeated letter; the start keeps it.
        assert_eq!(ends("aa", "aaa"), (2, 0));
        assert_eq!(ends("same", "same"), (4, 0));
        assert_eq!(ends("", "abc"), (0, 0));
        assert_eq!(ends("abc", "xbc"), (0, 2));
    }

    #[test]
    fn elements_are_compared_by_the_predicate() {
        let (a, b) = (["A", "b", "C"], ["a", "x", "c"]);
        assert_eq!(
            common_ends(&a, &b, |x, y| x.eq_ignore_ascii_case(y)),
            (1, 1)
        );
    }
}

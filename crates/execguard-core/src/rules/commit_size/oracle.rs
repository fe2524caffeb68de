//! What the commit-size counting tests check against: the exact edit distance by dynamic
//! programming, and a small deterministic generator of inputs.

/// The exact edit distance by dynamic programming over the longest common subsequence.
pub(super) fn exact<T: PartialEq>(a: &[T], b: &[T]) -> u64 {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    (a.len() + b.len() - 2 * row[b.len()]) as u64
}

/// A small deterministic generator (xorshift), so that failures reproduce.
pub(super) struct Random(pub(super) u64);

impl Random {
    pub(super) fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

//! Helpers for the crate's own tests.

/// A fixed pseudo-random sequence (xorshift64) from `seed`, so generated test inputs are the
/// same on every run: each call gives a number below its argument.
pub(crate) fn numbers_below(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}

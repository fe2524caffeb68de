//! Small memos of pure functions of a document's text, kept per thread.
//!
//! A range check judges neighbouring commits on one worker, and an execplan's version in one
//! commit is the base version in the next: reading each version once (its headings, its Progress
//! entries, whether it carries a marker) instead of once per rule and per side is most of the cost
//! of judging a commit. A memo holds the last few texts it was asked about, with a label (the
//! section title, the markers) that the function also depends on; texts above a size are not
//! kept, so a memo never holds more than `capacity × max_text` bytes.

use std::cell::RefCell;
use std::thread::LocalKey;

/// The last `capacity` answers of one function, by text and label.
pub struct TextMemo<V> {
    capacity: usize,
    max_text: usize,
    entries: Vec<(String, String, V)>,
}

impl<V: Clone> TextMemo<V> {
    pub const fn new(capacity: usize, max_text: usize) -> Self {
        Self {
            capacity,
            max_text,
            entries: Vec::new(),
        }
    }

    fn get(&self, text: &str, label: &str) -> Option<V> {
        self.entries
            .iter()
            .rev()
            .find(|(t, l, _)| t.len() == text.len() && l == label && t == text)
            .map(|(_, _, value)| value.clone())
    }

    fn put(&mut self, text: &str, label: &str, value: V) {
        if text.len() > self.max_text || self.capacity == 0 {
            return;
        }
        if self.entries.len() >= self.capacity {
            self.entries.remove(0);
        }
        self.entries
            .push((text.to_string(), label.to_string(), value));
    }
}

/// `compute(text)`, remembered in `memo` under `text` and `label`. The memo is not borrowed while
/// `compute` runs, so `compute` may use other memos (or this one).
pub fn remembered<V: Clone + 'static>(
    memo: &'static LocalKey<RefCell<TextMemo<V>>>,
    text: &str,
    label: &str,
    compute: impl FnOnce(&str) -> V,
) -> V {
    if let Some(found) = memo.with(|memo| memo.borrow().get(text, label)) {
        return found;
    }
    let value = compute(text);
    memo.with(|memo| memo.borrow_mut().put(text, label, value.clone()));
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static LENGTHS: RefCell<TextMemo<usize>> = const { RefCell::new(TextMemo::new(2, 8)) };
        static CALLS: Cell<usize> = const { Cell::new(0) };
    }

    fn length(text: &str, label: &str) -> usize {
        remembered(&LENGTHS, text, label, |text| {
            CALLS.with(|calls| calls.set(calls.get() + 1));
            text.len()
        })
    }

    #[test]
    fn answers_are_remembered_by_text_and_label_and_the_oldest_goes_first() {
        let calls = || CALLS.with(Cell::get);
        assert_eq!(length("abc", "x"), 3);
        assert_eq!(length("abc", "x"), 3);
        assert_eq!(calls(), 1);
        length("abc", "y");
        assert_eq!(calls(), 2, "another label is another question");
        length("abd", "x");
        assert_eq!(calls(), 3);
        length("abc", "x");
        assert_eq!(calls(), 4, "the oldest answer made room for the newest");
        length("a text over the size", "x");
        length("a text over the size", "x");
        assert_eq!(calls(), 6, "a text over the size is not kept");
    }
}

//! The dotted key at a position of a config's text, read with the TOML parser: serde names the
//! wrong type of a value (`invalid type: string "x", expected i64`) but not the key it belongs to.
//!
//! A value always follows its key, and anything between them is part of the value, so the key of
//! a position is the last key that starts before it.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// The dotted key of the value at `offset`; `None` when the text does not parse or no key comes
/// before it.
pub(super) fn key_at(text: &str, offset: usize) -> Option<String> {
    let root: Node = toml::from_str(text).ok()?;
    let mut keys = Vec::new();
    root.collect(&mut Vec::new(), &mut keys);
    keys.into_iter()
        .filter(|(_, start)| *start <= offset)
        .max_by_key(|(_, start)| *start)
        .map(|(path, _)| path)
}

/// A parsed value: a table keeps each key with where the key starts; anything else is a leaf.
enum Node {
    Table(Vec<(Spanned<String>, Node)>),
    Leaf,
}

impl Node {
    /// Every key below this node as a dotted path, with where it starts.
    fn collect(&self, path: &mut Vec<String>, out: &mut Vec<(String, usize)>) {
        let Node::Table(entries) = self else {
            return;
        };
        for (key, value) in entries {
            path.push(key.get_ref().clone());
            out.push((path.join("."), key.span().start));
            value.collect(path, out);
            path.pop();
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            entries.push((key, map.next_value::<Node>()?));
        }
        Ok(Node::Table(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        // An element's error is reported for the array's key.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Node::Leaf)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Leaf)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Leaf)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Leaf)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Leaf)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Leaf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str) -> Option<String> {
        key_at(text, text.find(needle).unwrap())
    }

    #[test]
    fn finds_the_key_of_a_value() {
        for (text, value, key) in [
            (
                "[rules.commit-size]\nmax-lines = \"x\"\n[scope]\nbranches = [1]\n",
                "\"x\"",
                "rules.commit-size.max-lines",
            ),
            (
                "[rules.commit-size]\nmax-lines = \"x\"\n[scope]\nbranches = [1]\n",
                "1]",
                "scope.branches",
            ),
            (
                "rules = { frozen-spec = { enabled = \"no\" } }\n",
                "\"no\"",
                "rules.frozen-spec.enabled",
            ),
            (
                "rules.frozen-spec.enabled = 'no'\n",
                "'no'",
                "rules.frozen-spec.enabled",
            ),
            (
                "[rules.protected-path]\npaths = [\n  \"a\",\n  1,\n]\nenabled = true\n",
                "1,",
                "rules.protected-path.paths",
            ),
            ("layout = 3\n", "3", "layout"),
        ] {
            assert_eq!(at(text, value).as_deref(), Some(key), "{text}");
        }
    }

    #[test]
    fn text_that_does_not_parse_has_no_keys() {
        assert_eq!(key_at("a = \n", 3), None);
    }
}

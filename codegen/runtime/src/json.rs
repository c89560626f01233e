//! Reading JSON from the server with the whole path of an error.
//!
//! [`read`] decodes in one pass. Only a failure pays for more: a second
//! reading that tracks the JSON path, and, when the JSON is well formed, a
//! third over the same document with the tag of every discriminated union
//! moved to the front of its object (the rest in order, repeats kept). Then
//! no union has to keep entries read
//! before its tag, each reads its variant straight from the input, and the
//! path of an error inside a variant is whole and structured
//! (`data.content.quick_replies[0].title`), never written into a message.
//!
//! Every byte here may come from an attacker (a signed webhook from someone
//! who holds one channel's secret, a hostile server). No walk in this module
//! recurses: serde_json's readings stop at [`MAX_DEPTH`], and the tags-first
//! rewrite, which runs on documents serde_json refused and so may be nested
//! without bound, keeps its own stack and is linear in the body's size.

use std::ops::Range;

use serde::de::DeserializeOwned;

/// A value that did not decode, with where and why.
#[derive(Debug)]
pub struct PathError {
    /// The JSON path of the value at fault, `.` for the root, as
    /// serde_path_to_error writes it (`data.messages[0].id`).
    pub path: String,
    /// The parser's error. Its line and column are those of the body as
    /// received for a syntax error; a data error may come from the reordered
    /// reading, so only its path and message describe the body.
    pub error: serde_json::Error,
    /// Whether the error is the depth limit ([`MAX_DEPTH`]).
    too_deep: bool,
}

impl PathError {
    /// The parser's message without the position serde_json appends to it.
    pub fn message(&self) -> String {
        let message = self.error.to_string();
        let suffix = format!(
            " at line {} column {}",
            self.error.line(),
            self.error.column()
        );
        match message.strip_suffix(&suffix) {
            Some(message) if self.error.line() != 0 => message.to_owned(),
            _ => message,
        }
    }

    /// Whether the body nests deeper than [`MAX_DEPTH`] where it was read:
    /// serde_json's recursion limit, which this crate's own walks share.
    pub fn is_too_deep(&self) -> bool {
        self.too_deep
    }

    /// Whether the body is well-formed JSON that does not match the type
    /// (rather than malformed or truncated JSON).
    pub fn is_data(&self) -> bool {
        self.error.classify() == serde_json::error::Category::Data
    }
}

/// How deep any reading of JSON in this crate goes: serde_json's own
/// recursion limit. A document that nests deeper where it is read is refused
/// ([`PathError::is_too_deep`], [`too_deep`]); walks that only delimit
/// values keep their own stack and have no limit.
pub const MAX_DEPTH: usize = 128;

/// Whether `error`, from reading `raw` with serde_json, is its recursion
/// limit: a syntax error on an opening bracket at least [`MAX_DEPTH`]
/// levels deep. serde_json reports that limit as a syntax error with a
/// message only; this tells it apart as data. Linear in `raw`, no recursion.
pub fn too_deep(raw: &[u8], error: &serde_json::Error) -> bool {
    if error.classify() != serde_json::error::Category::Syntax || error.line() == 0 {
        return false;
    }
    // The byte the error points at: `line` and `column` count from 1.
    let mut line = 1;
    let mut line_start = 0;
    if error.line() > 1 {
        for (at, _) in raw.iter().enumerate().filter(|(_, b)| **b == b'\n') {
            line += 1;
            if line == error.line() {
                line_start = at + 1;
                break;
            }
        }
        if line != error.line() {
            return false;
        }
    }
    let Some(position) = (line_start + error.column()).checked_sub(1) else {
        return false;
    };
    if !matches!(raw.get(position), Some(b'[' | b'{')) {
        return false;
    }
    depth_at(raw, position) >= MAX_DEPTH
}

/// How many containers are open just after the byte at `position`, which is
/// outside any string.
fn depth_at(raw: &[u8], position: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in raw.iter().take(position + 1) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    depth
}

/// Reads a `T` from `raw`, with the path of the fault on failure. `tags` are
/// the tag properties of the unions `T` may hold (a generated crate's
/// `types::UNION_TAGS`). Never panics, whatever the bytes.
pub fn read<T: DeserializeOwned>(raw: &[u8], tags: &[&str]) -> Result<T, PathError> {
    serde_json::from_slice(raw).map_err(|first| locate::<T>(raw, tags, first))
}

/// The error of a body that does not decode, with the JSON path of the fault.
#[cold]
fn locate<T: DeserializeOwned>(raw: &[u8], tags: &[&str], first: serde_json::Error) -> PathError {
    let mut as_received = tracked::<T>(raw).unwrap_or(PathError {
        path: ".".to_owned(),
        error: first,
        too_deep: false,
    });
    as_received.too_deep = too_deep(raw, &as_received.error);
    if !as_received.is_data() {
        return as_received;
    }
    // Well-formed JSON: read it again with the tags first. If that reading
    // passes (it should not: it is the same document), the first answer
    // stands.
    match tags_first(raw, tags).and_then(|reordered| tracked::<T>(&reordered)) {
        Some(reordered) if reordered.is_data() => reordered,
        _ => as_received,
    }
}

/// A path-tracking reading of `raw`; `None` if it succeeds.
fn tracked<T: DeserializeOwned>(raw: &[u8]) -> Option<PathError> {
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => Some(PathError {
            path: error.path().to_string(),
            error: error.into_inner(),
            too_deep: false,
        }),
        // Only whitespace may follow the value.
        Ok(_) => deserializer.end().err().map(|error| PathError {
            path: ".".to_owned(),
            error,
            too_deep: false,
        }),
    }
}

/// `raw` written again with, in every object, the keys in `tags` first; the
/// rest as received, in order, a key given twice still given twice, so that
/// the reading that follows meets the same document.
///
/// Untrusted input: the walk keeps its own stack (no recursion, whatever the
/// nesting) and touches each byte a bounded number of times, so its time and
/// memory are linear in the body's size. `None` when `raw` is not one JSON
/// value this walk can delimit (the readings around it report why).
fn tags_first(raw: &[u8], tags: &[&str]) -> Option<Vec<u8>> {
    let tree = Tree::read(raw, tags)?;
    Some(tree.write(raw))
}

/// One value of the document, by byte ranges into it.
enum Node {
    /// A string, number or literal, written back as received.
    Leaf(Range<usize>),
    /// An array's items.
    List(Vec<usize>),
    /// An object's entries (the key as received, quotes included, and the
    /// value), the tag entries moved first once the object is closed.
    Object(Vec<(Range<usize>, usize)>),
}

/// A document as a flat list of nodes; the root is the last one closed.
struct Tree {
    nodes: Vec<Node>,
    root: usize,
}

/// An open container while reading: its node, and for an object the key
/// whose value comes next.
struct Open {
    node: usize,
    key: Option<Range<usize>>,
}

impl Tree {
    /// Reads `raw` into nodes with an explicit stack of open containers.
    fn read(raw: &[u8], tags: &[&str]) -> Option<Self> {
        let mut at = 0;
        let mut nodes = Vec::new();
        let mut open: Vec<Open> = Vec::new();
        loop {
            // A value starts here.
            skip_whitespace(raw, &mut at);
            let mut done = match *raw.get(at)? {
                b'{' | b'[' => {
                    let object = raw[at] == b'{';
                    at += 1;
                    nodes.push(if object {
                        Node::Object(Vec::new())
                    } else {
                        Node::List(Vec::new())
                    });
                    let node = nodes.len() - 1;
                    skip_whitespace(raw, &mut at);
                    if raw.get(at) == Some(&if object { b'}' } else { b']' }) {
                        at += 1;
                        node
                    } else {
                        let key = if object {
                            Some(key(raw, &mut at)?)
                        } else {
                            None
                        };
                        open.push(Open { node, key });
                        continue;
                    }
                }
                b'"' => {
                    let start = at;
                    skip_string(raw, &mut at)?;
                    nodes.push(Node::Leaf(start..at));
                    nodes.len() - 1
                }
                _ => {
                    let start = at;
                    while raw.get(at).is_some_and(|b| {
                        !matches!(b, b',' | b']' | b'}' | b':' | b'"') && !is_whitespace(*b)
                    }) {
                        at += 1;
                    }
                    if at == start {
                        return None;
                    }
                    nodes.push(Node::Leaf(start..at));
                    nodes.len() - 1
                }
            };
            // A value ended: give it to its container, then read on, or
            // close the container (a value itself) and go on up.
            loop {
                let Some(parent) = open.last_mut() else {
                    skip_whitespace(raw, &mut at);
                    return (at == raw.len()).then_some(Tree { nodes, root: done });
                };
                let object = match &mut nodes[parent.node] {
                    Node::List(items) => {
                        items.push(done);
                        false
                    }
                    Node::Object(entries) => {
                        entries.push((parent.key.take()?, done));
                        true
                    }
                    Node::Leaf(_) => return None,
                };
                skip_whitespace(raw, &mut at);
                match *raw.get(at)? {
                    b',' => {
                        at += 1;
                        if object {
                            parent.key = Some(key(raw, &mut at)?);
                        }
                        break;
                    }
                    b'}' if object => {
                        at += 1;
                        done = parent.node;
                        open.pop();
                        if let Node::Object(entries) = &mut nodes[done] {
                            tags_to_front(raw, entries, tags)?;
                        }
                    }
                    b']' if !object => {
                        at += 1;
                        done = parent.node;
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Writes the document, without its whitespace, keeping its own stack.
    fn write(&self, raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(raw.len());
        // Each open container and how many of its children are written.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut next = Some(self.root);
        loop {
            if let Some(node) = next.take() {
                match &self.nodes[node] {
                    Node::Leaf(range) => out.extend_from_slice(&raw[range.clone()]),
                    Node::List(_) => {
                        out.push(b'[');
                        open.push((node, 0));
                    }
                    Node::Object(_) => {
                        out.push(b'{');
                        open.push((node, 0));
                    }
                }
            }
            let Some((node, written)) = open.last_mut() else {
                return out;
            };
            let child = match &self.nodes[*node] {
                Node::List(items) => items.get(*written).map(|&item| {
                    if *written > 0 {
                        out.push(b',');
                    }
                    item
                }),
                Node::Object(entries) => entries.get(*written).map(|(key, value)| {
                    if *written > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(&raw[key.clone()]);
                    out.push(b':');
                    *value
                }),
                Node::Leaf(_) => None,
            };
            match child {
                Some(child) => {
                    *written += 1;
                    next = Some(child);
                }
                None => {
                    out.push(match self.nodes[*node] {
                        Node::List(_) => b']',
                        _ => b'}',
                    });
                    open.pop();
                }
            }
        }
    }
}

/// Moves the entries whose key is one of `tags` to the front, each side in
/// its order. Keys are compared unescaped, as the typed reading compares them.
fn tags_to_front(
    raw: &[u8],
    entries: &mut Vec<(Range<usize>, usize)>,
    tags: &[&str],
) -> Option<()> {
    let mut first = Vec::new();
    let mut rest = Vec::with_capacity(entries.len());
    for (key, value) in entries.drain(..) {
        let quoted = raw.get(key.clone())?;
        let inner = quoted.get(1..quoted.len().checked_sub(1)?)?;
        let is_tag = if inner.contains(&b'\\') {
            let key: String = serde_json::from_slice(quoted).ok()?;
            tags.contains(&key.as_str())
        } else {
            tags.iter().any(|tag| tag.as_bytes() == inner)
        };
        if is_tag {
            first.push((key, value))
        } else {
            rest.push((key, value))
        }
    }
    first.append(&mut rest);
    *entries = first;
    Some(())
}

/// Reads an object's key and the `:` after it; the key's range keeps its
/// quotes.
fn key(raw: &[u8], at: &mut usize) -> Option<Range<usize>> {
    skip_whitespace(raw, at);
    if raw.get(*at) != Some(&b'"') {
        return None;
    }
    let start = *at;
    skip_string(raw, at)?;
    let key = start..*at;
    skip_whitespace(raw, at);
    (raw.get(*at) == Some(&b':')).then(|| {
        *at += 1;
        key
    })
}

/// Past the string that starts at `at` (on its opening quote).
fn skip_string(raw: &[u8], at: &mut usize) -> Option<()> {
    *at += 1;
    loop {
        match *raw.get(*at)? {
            b'"' => {
                *at += 1;
                return Some(());
            }
            b'\\' => *at += 2,
            _ => *at += 1,
        }
    }
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_whitespace(raw: &[u8], at: &mut usize) {
    while raw.get(*at).copied().is_some_and(is_whitespace) {
        *at += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    #[allow(dead_code, reason = "read, never used")]
    enum Shape {
        Square { side: u32 },
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "read, never used")]
    struct Drawing {
        shapes: Vec<Shape>,
    }

    #[test]
    fn a_syntax_error_keeps_its_position_and_path() {
        let error = read::<Drawing>(br#"{"shapes": [ {"type": "square", "side": 1}, tru"#, &[])
            .unwrap_err();
        assert!(!error.is_data());
        assert_eq!(error.path, "shapes[1]");
        assert_eq!(error.error.line(), 1);
    }

    #[test]
    fn the_tags_come_first_in_every_object() {
        let raw = br#"{"b":[{"x":1,"type":"t","a":{"z":null,"event":"e"}}],"type":"u"}"#;
        let reordered = tags_first(raw, &["type", "event"]).unwrap();
        assert_eq!(
            String::from_utf8(reordered).unwrap(),
            r#"{"type":"u","b":[{"type":"t","x":1,"a":{"event":"e","z":null}}]}"#
        );
    }

    #[test]
    fn a_key_given_twice_is_still_given_twice_when_tags_come_first() {
        let raw =
            br#"{"shapes":[{"type":"square","side":1}],"shapes":[{"side":2,"type":"square"}]}"#;
        let error = read::<Drawing>(raw, &["type"]).unwrap_err();
        assert!(error.is_data());
        assert!(
            error.message().contains("duplicate field `shapes`"),
            "{}",
            error.message()
        );
        assert_eq!(
            String::from_utf8(tags_first(raw, &["type"]).unwrap()).unwrap(),
            r#"{"shapes":[{"type":"square","side":1}],"shapes":[{"type":"square","side":2}]}"#
        );
    }

    #[test]
    fn trailing_data_is_refused_at_the_root() {
        let error = read::<Drawing>(br#"{"shapes": []} {}"#, &["type"]).unwrap_err();
        assert_eq!(error.path, ".");
        assert!(!error.is_data());
    }

    #[test]
    fn a_data_error_reads_without_position() {
        let error = read::<Drawing>(
            br#"{"shapes": [{"type": "square", "side": "one"}]}"#,
            &["type"],
        )
        .unwrap_err();
        assert!(error.is_data());
        assert!(
            !error.message().contains(" at line "),
            "{}",
            error.message()
        );
    }

    /// `{"shapes":[{"type":"square","side":X}]}` with X nested `depth` deep
    /// in the given brackets (`[`, `{"k":` or both, taking turns).
    fn nested(depth: usize, open: &[&str]) -> String {
        let mut body = String::from(r#"{"shapes":[{"type":"square","side":"#);
        let mut closes = Vec::with_capacity(depth);
        for level in 0..depth {
            let opener = open[level % open.len()];
            body.push_str(opener);
            closes.push(if opener == "[" { ']' } else { '}' });
        }
        body.push('1');
        body.extend(closes.into_iter().rev());
        body.push_str("}]}");
        body
    }

    const ARRAY: &[&str] = &["["];
    const OBJECT: &[&str] = &[r#"{"k":"#];
    const MIXED: &[&str] = &["[", r#"{"k":"#];

    #[test]
    fn a_body_nested_a_million_deep_is_an_error_not_an_abort() {
        for open in [ARRAY, OBJECT, MIXED] {
            for depth in [10_000, 1_000_000] {
                let body = nested(depth, open);
                let error = read::<Drawing>(body.as_bytes(), &["type"]).unwrap_err();
                // `side` is a number: the fault is where it should be.
                assert!(
                    error.path.strip_prefix("shapes[0].side").is_some(),
                    "{open:?} {depth}: {}",
                    error.path
                );
                assert!(
                    error.is_data() || error.is_too_deep(),
                    "{open:?} {depth}: {}",
                    error.message()
                );
                let reordered = tags_first(body.as_bytes(), &["type"]).unwrap();
                assert_eq!(reordered.len(), body.len(), "no byte lost or added");
            }
        }
    }

    #[test]
    fn a_reading_that_descends_past_the_limit_says_so() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "read, never used")]
        struct Anything {
            shapes: Vec<serde_json::Value>,
        }
        for open in [ARRAY, OBJECT, MIXED] {
            let body = nested(10_000, open);
            let error = read::<Anything>(body.as_bytes(), &["type"]).unwrap_err();
            assert!(error.is_too_deep(), "{open:?}: {}", error.message());
            assert!(!error.is_data());
            // Within the limit it reads.
            let body = nested(MAX_DEPTH - 4, open);
            read::<Anything>(body.as_bytes(), &["type"]).unwrap();
        }
        // An ordinary syntax error on a bracket is not the limit.
        let error = read::<Anything>(br#"{"shapes" ["#, &[]).unwrap_err();
        assert!(!error.is_too_deep());
        // Nor is one deep inside a string.
        let body = format!(r#"{{"shapes":["{}"],}}"#, "[".repeat(500));
        let error = read::<Anything>(body.as_bytes(), &[]).unwrap_err();
        assert!(!error.is_too_deep());
    }

    #[test]
    fn the_limit_is_found_on_any_line() {
        let body = format!("{{\n\"a\":\n  {}1{}}}", "[".repeat(300), "]".repeat(300));
        let error = serde_json::from_str::<serde_json::Value>(&body).unwrap_err();
        assert!(too_deep(body.as_bytes(), &error));
        let error = serde_json::from_str::<serde_json::Value>("{\n\"a\" [").unwrap_err();
        assert!(!too_deep(b"{\n\"a\" [", &error));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A body nested `depth` deep, then broken: a byte changed, or the
        /// body cut short.
        fn broken() -> impl Strategy<Value = Vec<u8>> {
            (
                0usize..20_000,
                0usize..3,
                any::<prop::sample::Index>(),
                any::<u8>(),
                any::<bool>(),
            )
                .prop_map(|(depth, kind, at, byte, cut)| {
                    let mut body = nested(depth, [ARRAY, OBJECT, MIXED][kind]).into_bytes();
                    let at = at.index(body.len());
                    if cut {
                        body.truncate(at);
                    } else {
                        body[at] = byte;
                    }
                    body
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn any_depth_and_any_breakage_is_an_answer(body in broken()) {
                // No panic, no abort: an answer, whichever it is.
                let _ = read::<Drawing>(&body, &["type"]);
                if let Some(reordered) = tags_first(&body, &["type", "k"]) {
                    // The rewrite drops whitespace only: never longer.
                    prop_assert!(reordered.len() <= body.len());
                }
            }
        }
    }
}

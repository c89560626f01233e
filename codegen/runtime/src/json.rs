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
    if !disordered(raw, tags) {
        // Every tag is first already: the reordered reading would be this one.
        return as_received;
    }
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

/// One value of the document, by byte offsets into it.
#[derive(Clone, Copy)]
enum Node {
    /// A string, number or literal, written back as received.
    Leaf { start: usize, end: usize },
    /// An array or an object: its first child (an index into
    /// [`Tree::children`]), or `None` when empty.
    List { object: bool, first: Option<usize> },
}

/// An item of an array or an entry of an object; the children of one
/// container are linked in the order they are written.
#[derive(Clone, Copy)]
struct Child {
    /// The entry's key as received, quotes included (`start..end`), or
    /// `None` for an array's item.
    key: Option<(usize, usize)>,
    value: usize,
    next: Option<usize>,
}

/// A document as flat lists (no allocation per container, no recursion);
/// the root is the last node.
struct Tree {
    nodes: Vec<Node>,
    children: Vec<Child>,
}

/// An open container while reading: its node, its last child so far, and
/// for an object the key whose value comes next.
struct Open {
    node: usize,
    object: bool,
    last: Option<usize>,
    key: Option<(usize, usize)>,
}

impl Tree {
    /// Reads `raw` into nodes with an explicit stack of open containers,
    /// moving each object's tag entries first as it closes.
    fn read(raw: &[u8], tags: &[&str]) -> Option<Self> {
        let mut tree = Tree {
            nodes: Vec::with_capacity(raw.len() / 8),
            children: Vec::with_capacity(raw.len() / 8),
        };
        let mut at = 0;
        let mut open: Vec<Open> = Vec::new();
        loop {
            // A value starts here.
            skip_whitespace(raw, &mut at);
            let mut done = match *raw.get(at)? {
                opening @ (b'{' | b'[') => {
                    let object = opening == b'{';
                    at += 1;
                    tree.nodes.push(Node::List {
                        object,
                        first: None,
                    });
                    let node = tree.nodes.len() - 1;
                    skip_whitespace(raw, &mut at);
                    if raw.get(at) == Some(if object { &b'}' } else { &b']' }) {
                        at += 1;
                        node
                    } else {
                        let key = if object {
                            Some(key(raw, &mut at)?)
                        } else {
                            None
                        };
                        open.push(Open {
                            node,
                            object,
                            last: None,
                            key,
                        });
                        continue;
                    }
                }
                b'"' => {
                    let start = at;
                    skip_string(raw, &mut at)?;
                    tree.nodes.push(Node::Leaf { start, end: at });
                    tree.nodes.len() - 1
                }
                _ => {
                    let start = at;
                    while raw.get(at).is_some_and(|&byte| {
                        !matches!(byte, b',' | b']' | b'}' | b':' | b'"') && !is_whitespace(byte)
                    }) {
                        at += 1;
                    }
                    if at == start {
                        return None;
                    }
                    tree.nodes.push(Node::Leaf { start, end: at });
                    tree.nodes.len() - 1
                }
            };
            // A value ended: link it into its container, then read on, or
            // close the container (a value itself) and go on up.
            loop {
                let Some(parent) = open.last_mut() else {
                    skip_whitespace(raw, &mut at);
                    return (at == raw.len()).then_some(tree);
                };
                let entry_key = if parent.object {
                    Some(parent.key.take()?)
                } else {
                    None
                };
                tree.children.push(Child {
                    key: entry_key,
                    value: done,
                    next: None,
                });
                let child = tree.children.len() - 1;
                match parent.last {
                    Some(last) => tree.children[last].next = Some(child),
                    None => {
                        tree.nodes[parent.node] = Node::List {
                            object: parent.object,
                            first: Some(child),
                        }
                    }
                }
                parent.last = Some(child);
                skip_whitespace(raw, &mut at);
                match *raw.get(at)? {
                    b',' => {
                        at += 1;
                        if parent.object {
                            parent.key = Some(key(raw, &mut at)?);
                        }
                        break;
                    }
                    b'}' if parent.object => {
                        at += 1;
                        done = parent.node;
                        open.pop();
                        tree.tags_to_front(raw, done, tags)?;
                    }
                    b']' if !parent.object => {
                        at += 1;
                        done = parent.node;
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Relinks the entries of the object `node` so that those whose key is
    /// one of `tags` come first, each side in its order.
    fn tags_to_front(&mut self, raw: &[u8], node: usize, tags: &[&str]) -> Option<()> {
        let Node::List { object, first } = self.nodes[node] else {
            return Some(());
        };
        // The two chains: (head, tail) of the tags and of the rest.
        let mut tag_chain: Option<(usize, usize)> = None;
        let mut rest_chain: Option<(usize, usize)> = None;
        let mut next = first;
        while let Some(child) = next {
            next = self.children[child].next;
            self.children[child].next = None;
            let (start, end) = self.children[child].key?;
            let chain = if is_tag(raw.get(start..end)?, tags)? {
                &mut tag_chain
            } else {
                &mut rest_chain
            };
            match chain {
                Some((_, tail)) => {
                    self.children[*tail].next = Some(child);
                    *tail = child;
                }
                None => *chain = Some((child, child)),
            }
        }
        let first = match (tag_chain, rest_chain) {
            (Some((head, tail)), rest) => {
                self.children[tail].next = rest.map(|(head, _)| head);
                Some(head)
            }
            (None, rest) => rest.map(|(head, _)| head),
        };
        self.nodes[node] = Node::List { object, first };
        Some(())
    }

    /// Writes the document, without its whitespace, keeping its own stack.
    fn write(&self, raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(raw.len());
        // Each open container: whether it is an object, its next child, and
        // whether a child is written already (a comma goes before the next).
        let mut open: Vec<(bool, Option<usize>, bool)> = Vec::new();
        // The root is the first value read.
        let mut next = (!self.nodes.is_empty()).then_some(0);
        loop {
            if let Some(node) = next.take() {
                match self.nodes[node] {
                    Node::Leaf { start, end } => out.extend_from_slice(&raw[start..end]),
                    Node::List { object, first } => {
                        out.push(if object { b'{' } else { b'[' });
                        open.push((object, first, false));
                    }
                }
            }
            let Some((object, child, written)) = open.last_mut() else {
                return out;
            };
            match *child {
                Some(at) => {
                    let Child {
                        key,
                        value,
                        next: after,
                    } = self.children[at];
                    *child = after;
                    if *written {
                        out.push(b',');
                    }
                    *written = true;
                    if let Some((start, end)) = key {
                        out.extend_from_slice(&raw[start..end]);
                        out.push(b':');
                    }
                    next = Some(value);
                }
                None => {
                    out.push(if *object { b'}' } else { b']' });
                    open.pop();
                }
            }
        }
    }
}

/// Whether `quoted` (a key with its quotes) is one of `tags`, compared
/// unescaped, as the typed reading compares keys.
fn is_tag(quoted: &[u8], tags: &[&str]) -> Option<bool> {
    let inner = quoted.get(1..quoted.len().checked_sub(1)?)?;
    Some(if inner.contains(&b'\\') {
        let key: String = serde_json::from_slice(quoted).ok()?;
        tags.contains(&key.as_str())
    } else {
        tags.iter().any(|tag| tag.as_bytes() == inner)
    })
}

/// Whether some object of `raw` has a tag after another key: only then does
/// [`tags_first`] change anything. One pass with a byte per open container,
/// so the common case (every tag already first) costs no tree. A body it
/// cannot delimit counts as disordered: the rewrite then decides.
fn disordered(raw: &[u8], tags: &[&str]) -> bool {
    // Per open container: `[`, `{` (no key but tags yet) or `o` (an object
    // with another key already).
    let mut open: Vec<u8> = Vec::new();
    let mut expect_key = false;
    let mut at = 0;
    while let Some(&byte) = raw.get(at) {
        match byte {
            b'"' => {
                let start = at;
                if skip_string(raw, &mut at).is_none() {
                    return true;
                }
                if expect_key {
                    expect_key = false;
                    let Some(is_tag) = is_tag(&raw[start..at], tags) else {
                        return true;
                    };
                    match open.last_mut() {
                        Some(b'o') if is_tag => return true,
                        Some(top) if !is_tag => *top = b'o',
                        _ => {}
                    }
                }
                continue;
            }
            b'{' => {
                open.push(b'{');
                expect_key = true;
            }
            b'[' => {
                open.push(b'[');
                expect_key = false;
            }
            b']' | b'}' => {
                open.pop();
                expect_key = false;
            }
            b',' => expect_key = matches!(open.last(), Some(b'{' | b'o')),
            _ => {}
        }
        at += 1;
    }
    false
}

/// Reads an object's key and the `:` after it; the key's range keeps its
/// quotes.
fn key(raw: &[u8], at: &mut usize) -> Option<(usize, usize)> {
    skip_whitespace(raw, at);
    if raw.get(*at) != Some(&b'"') {
        return None;
    }
    let start = *at;
    skip_string(raw, at)?;
    let key = (start, *at);
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

        /// Any JSON value, with keys that are sometimes tags.
        fn value() -> impl Strategy<Value = serde_json::Value> {
            let leaf = prop_oneof![
                Just(serde_json::Value::Null),
                any::<bool>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                "[a-z\\\\\"é]{0,6}".prop_map(serde_json::Value::from),
            ];
            leaf.prop_recursive(6, 64, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
                    prop::collection::btree_map(
                        prop_oneof![Just("type".to_owned()), Just("k".to_owned()), "[a-z]{1,3}"],
                        inner,
                        0..5
                    )
                    .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn the_rewrite_is_the_same_document_with_tags_first(value in value()) {
                let text = serde_json::to_string(&value).unwrap();
                let rewritten = tags_first(text.as_bytes(), &["type"]).expect("JSON is rewritten");
                let reread: serde_json::Value = serde_json::from_slice(&rewritten).unwrap();
                prop_assert_eq!(&reread, &value);
                // The pre-check says exactly whether the rewrite moves anything.
                prop_assert_eq!(disordered(text.as_bytes(), &["type"]), rewritten != text.as_bytes());
            }
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

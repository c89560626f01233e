//! The one reading of an unverified body: `data.channel.id` (to choose the
//! secret) and `event`, in a single borrowed pass.
//!
//! Keys are compared after JSON unescaping (`"\u0069d"` is `"id"`), as the
//! typed parser compares them. A key that appears twice on the path the
//! secret is chosen by is refused: two readers (this one, the typed parser,
//! the user's own) could otherwise take different channels from one body.
//! Any other shape (`data` not an object, an `id` that is not a string)
//! names no channel, and the scan goes on, so a repeated key later on the
//! path is still found. A body that is not JSON names no channel.
//!
//! The scan reads the JSON grammar itself rather than through serde: off the
//! path it only has to find where each value ends, and converting the values
//! it skips (numbers above all) was most of its cost. It checks the grammar
//! as it goes (literals, numbers, string escapes and control characters),
//! so a body it reads is one the typed parser reads the same way. As in
//! serde_json, UTF-8 is checked in the strings it decodes (the keys on the
//! path and the channel id), not in the strings it skips: a stray byte in a
//! field nobody reads must not make the scan and the typed parse disagree on
//! the channel. Strings with escapes are unescaped by serde_json.
//! Nesting is counted, never recursed into, so depth costs no stack.

use std::borrow::Cow;

/// What the scan read.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Scan<'a> {
    /// `data.channel.id`, when the body is a JSON object with that string.
    pub(super) channel_id: Option<Cow<'a, str>>,
    /// The top-level `event`, when it is a string (the first, if repeated).
    pub(super) event: Option<Cow<'a, str>>,
    /// Whether the top-level key `event` appears more than once.
    pub(super) repeated_event: bool,
}

/// Scans `body`; `Err` names a key repeated on the secret's path.
pub(super) fn scan(body: &[u8]) -> Result<Scan<'_>, &'static str> {
    let mut cursor = Cursor { bytes: body, at: 0 };
    let mut found = Found::default();
    let read = cursor
        .object(Depth::Root, &mut found)
        .and_then(|()| cursor.end());
    if let Some(path) = found.repeated {
        return Err(path);
    }
    Ok(match read {
        Some(()) => Scan {
            channel_id: found.channel_id,
            event: found.event,
            repeated_event: found.repeated_event,
        },
        // Not a JSON document: it names no channel.
        None => Scan::default(),
    })
}

#[derive(Default)]
struct Found<'a> {
    channel_id: Option<Cow<'a, str>>,
    event: Option<Cow<'a, str>>,
    repeated_event: bool,
    repeated: Option<&'static str>,
}

/// Where on the path an object is.
#[derive(Clone, Copy)]
enum Depth {
    /// The body.
    Root,
    /// `data`.
    Data,
    /// `data.channel`.
    Channel,
}

/// A position in the body. Every reading returns `None` at the first byte
/// that is not JSON; the scan then names no channel.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn whitespace(&mut self) {
        self.at = whitespace(self.bytes, self.at);
    }

    /// `byte`, after whitespace.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.whitespace();
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    /// Only whitespace is left.
    fn end(&mut self) -> Option<()> {
        self.whitespace();
        (self.at == self.bytes.len()).then_some(())
    }

    /// An object on the secret's path: its keys are read, and the value of
    /// the next key on the path is read as that level. Called at the value.
    fn object(&mut self, depth: Depth, found: &mut Found<'a>) -> Option<()> {
        self.expect(b'{')?;
        let mut seen = 0_u32;
        let mut seen_event = 0_u32;
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            self.whitespace();
            let key = self.key()?;
            self.expect(b':')?;
            self.whitespace();
            let mut event = false;
            let (next, path) = match (depth, &*key) {
                (Depth::Root, b"event") => {
                    seen_event += 1;
                    found.repeated_event |= seen_event > 1;
                    event = seen_event == 1;
                    (None, "")
                }
                (Depth::Root, b"data") => (Some(Depth::Data), "data"),
                (Depth::Data, b"channel") => (Some(Depth::Channel), "data.channel"),
                (Depth::Channel, b"id") => (None, "data.channel.id"),
                _ => (None, ""),
            };
            if !path.is_empty() {
                seen += 1;
                if seen > 1 {
                    found.repeated = Some(path);
                    return None;
                }
            }
            match (next, self.peek()) {
                (Some(next), Some(b'{')) => self.object(next, found)?,
                // `data.channel.id`: a string is the channel.
                (None, Some(b'"')) if path == "data.channel.id" => {
                    found.channel_id = Some(self.string()?);
                }
                (None, Some(b'"')) if event => found.event = Some(self.string()?),
                _ => self.skip_value()?,
            }
            self.whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A key, at its opening quote, as bytes to compare with the keys on the
    /// path: borrowed, or unescaped by serde_json. A key that is not UTF-8
    /// is none of them, whatever its bytes.
    fn key(&mut self) -> Option<Cow<'a, [u8]>> {
        let start = self.at;
        let escaped = self.skip_string()?;
        if !escaped {
            return self.bytes.get(start + 1..self.at - 1).map(Cow::Borrowed);
        }
        let quoted = self.bytes.get(start..self.at)?;
        serde_json::from_slice::<String>(quoted)
            .ok()
            .map(|key| Cow::Owned(key.into_bytes()))
    }

    /// A string, at its opening quote: borrowed, or unescaped by serde_json.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.at;
        let escaped = self.skip_string()?;
        if !escaped {
            let inner = self.bytes.get(start + 1..self.at - 1)?;
            return std::str::from_utf8(inner).ok().map(Cow::Borrowed);
        }
        let quoted = self.bytes.get(start..self.at)?;
        serde_json::from_slice::<String>(quoted)
            .ok()
            .map(Cow::Owned)
    }

    /// Past a string, at its opening quote; whether it has escapes.
    fn skip_string(&mut self) -> Option<bool> {
        let (end, escaped) = skip_string(self.bytes, self.at)?;
        self.at = end;
        Some(escaped)
    }

    /// Past one value of any kind, counting nesting instead of recursing.
    fn skip_value(&mut self) -> Option<()> {
        self.at = skip_value(self.bytes, self.at)?;
        Some(())
    }
}

/// The first position from `at` that is not whitespace.
#[inline]
fn whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
        at += 1;
    }
    at
}

/// Past a string whose opening quote is at `at`; whether it has escapes.
#[inline]
fn skip_string(bytes: &[u8], at: usize) -> Option<(usize, bool)> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut at = at + 1;
    let mut escaped = false;
    loop {
        // To the next byte that ends the run, eight bytes at a time; past
        // two clean words (a long text), 32 bytes at a time first.
        let mut clean = 0_u32;
        loop {
            if clean >= 2 {
                at = clean_chunks(bytes, at);
            }
            let Some(word) = bytes.get(at..at + 8) else {
                break;
            };
            let Ok(word) = <[u8; 8]>::try_from(word) else {
                break;
            };
            let found = special(u64::from_le_bytes(word));
            if found != 0 {
                at += (found.trailing_zeros() / 8) as usize;
                break;
            }
            at += 8;
            clean += 1;
        }
        let byte = *bytes.get(at)?;
        at += 1;
        match byte {
            b'"' => return Some((at, escaped)),
            b'\\' => {
                escaped = true;
                match *bytes.get(at)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 1,
                    b'u' => {
                        let hex = bytes.get(at + 1..at + 5)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        at += 5;
                    }
                    _ => return None,
                }
            }
            0x00..=0x1f => return None,
            _ => {}
        }
    }
}

/// Past the 32-byte chunks from `at` that hold no byte ending a string run
/// (see [`special`]).
fn clean_chunks(bytes: &[u8], mut at: usize) -> usize {
    while let Some(chunk) = bytes.get(at..at + 32) {
        let (words, _) = chunk.as_chunks::<8>();
        let found = words
            .iter()
            .fold(0, |found, word| found | special(u64::from_le_bytes(*word)));
        if found != 0 || words.len() != 4 {
            break;
        }
        at += 32;
    }
    at
}

/// Past a key and its colon, the key's opening quote at `at`.
#[inline]
fn skip_key(bytes: &[u8], at: usize) -> Option<usize> {
    let (at, _) = skip_string(bytes, at)?;
    let at = whitespace(bytes, at);
    (bytes.get(at) == Some(&b':')).then_some(at + 1)
}

/// Past one value of any kind starting at `at` (after whitespace), counting
/// nesting instead of recursing.
fn skip_value(bytes: &[u8], mut at: usize) -> Option<usize> {
    // What each open container expects next.
    let mut open = Open::default();
    loop {
        at = whitespace(bytes, at);
        match *bytes.get(at)? {
            b'{' => {
                at = whitespace(bytes, at + 1);
                if bytes.get(at) == Some(&b'}') {
                    at += 1;
                } else {
                    at = skip_key(bytes, at)?;
                    open.push(b'}');
                    continue;
                }
            }
            b'[' => {
                at = whitespace(bytes, at + 1);
                if bytes.get(at) == Some(&b']') {
                    at += 1;
                } else {
                    open.push(b']');
                    continue;
                }
            }
            b'"' => at = skip_string(bytes, at)?.0,
            b't' => at = literal(bytes, at, b"true")?,
            b'f' => at = literal(bytes, at, b"false")?,
            b'n' => at = literal(bytes, at, b"null")?,
            b'-' | b'0'..=b'9' => at = number(bytes, at)?,
            _ => return None,
        }
        // A value ended: close what it ends, or go on to the next one.
        loop {
            let Some(close) = open.last() else {
                return Some(at);
            };
            at = whitespace(bytes, at);
            match *bytes.get(at)? {
                b',' => {
                    at += 1;
                    if close == b'}' {
                        at = skip_key(bytes, whitespace(bytes, at))?;
                    }
                    break;
                }
                byte if byte == close => {
                    at += 1;
                    open.pop();
                }
                _ => return None,
            }
        }
    }
}

/// Past `word` at `at`.
fn literal(bytes: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    let end = at + word.len();
    (bytes.get(at..end)? == word).then_some(end)
}

/// Past a number as JSON writes it, from `at`:
/// `-`? int (`.` digits)? (`e` sign? digits)?
#[inline]
fn number(bytes: &[u8], mut at: usize) -> Option<usize> {
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    match *bytes.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at = digits(bytes, at + 1),
        _ => return None,
    }
    if bytes.get(at) == Some(&b'.') {
        at = some_digits(bytes, at + 1)?;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        if let Some(b'+' | b'-') = bytes.get(at) {
            at += 1;
        }
        at = some_digits(bytes, at)?;
    }
    Some(at)
}

/// Past the digits from `at`, if any.
#[inline]
fn digits(bytes: &[u8], at: usize) -> usize {
    at + bytes.get(at..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_digit()).count()
    })
}

/// Past one digit or more from `at`.
#[inline]
fn some_digits(bytes: &[u8], at: usize) -> Option<usize> {
    let end = digits(bytes, at);
    (end > at).then_some(end)
}

/// The containers open around a skipped value, innermost last: a bit per
/// level (set: an object, `}` closes it; clear: an array), the innermost 64
/// in a word, the outer ones beyond those in a vector that only a body
/// nested that deep allocates.
#[derive(Default)]
struct Open {
    /// The innermost levels, the innermost at bit 0.
    word: u64,
    /// The levels pushed out of `word`, innermost last.
    outer: Vec<bool>,
    /// How many are open.
    depth: usize,
}

impl Open {
    fn push(&mut self, close: u8) {
        if self.depth >= 64 {
            self.outer.push(self.word >> 63 != 0);
        }
        self.word = (self.word << 1) | u64::from(close == b'}');
        self.depth += 1;
    }

    /// The byte that closes the innermost open container.
    fn last(&self) -> Option<u8> {
        if self.depth == 0 {
            return None;
        }
        Some(if self.word & 1 != 0 { b'}' } else { b']' })
    }

    fn pop(&mut self) {
        self.word >>= 1;
        if self.depth > 64 {
            self.word |= u64::from(self.outer.pop().unwrap_or(false)) << 63;
        }
        self.depth = self.depth.saturating_sub(1);
    }
}

/// The bytes of `word` (little-endian) that are a quote, a backslash or a
/// control character (below 0x20), the bytes a string scan has to look at,
/// as the high bit of each: zero when there are none. A byte above one that
/// is found may be marked too (a borrow), so only the lowest mark is exact:
/// the first such byte.
const fn special(word: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    const fn has_zero(word: u64) -> u64 {
        word.wrapping_sub(ONES) & !word & HIGH
    }
    let quote = has_zero(word ^ (ONES * b'"' as u64));
    let backslash = has_zero(word ^ (ONES * b'\\' as u64));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(body: &str) -> Result<Option<String>, &'static str> {
        scan(body.as_bytes()).map(|scan| scan.channel_id.map(Cow::into_owned))
    }

    #[test]
    fn reads_the_channel_id_borrowed_or_unescaped() {
        let body =
            r#"{"event":"x","data":{"contact":{"id":"9"},"channel":{"type":"viber","id":"A1"}}}"#;
        let scan = scan(body.as_bytes()).unwrap();
        assert!(matches!(scan.channel_id, Some(Cow::Borrowed("A1"))));
        assert_eq!(scan.event.as_deref(), Some("x"));
        assert!(!scan.repeated_event);
        assert_eq!(
            channel(r#"{"data":{"channel":{"id":"\u0041\n"}}}"#),
            Ok(Some("A\n".to_owned()))
        );
        // Escaped keys are the same keys.
        assert_eq!(
            channel(r#"{"d\u0061ta":{"\u0063hannel":{"\u0069d":"B"}}}"#),
            Ok(Some("B".to_owned()))
        );
    }

    #[test]
    fn a_key_repeated_on_the_path_is_refused_however_it_is_spelled() {
        for (body, path) in [
            (r#"{"data":{"channel":{"id":"A"}},"data":{}}"#, "data"),
            (r#"{"data":{},"d\u0061ta":{"channel":{"id":"A"}}}"#, "data"),
            (
                r#"{"data":{"channel":{"id":"A"},"channel":{"id":"B"}}}"#,
                "data.channel",
            ),
            (
                r#"{"data":{"channel":{"id":"A","id":"B"}}}"#,
                "data.channel.id",
            ),
            (
                r#"{"data":{"channel":{"id":"A","\u0069d":"B"}}}"#,
                "data.channel.id",
            ),
            // After a value of another shape the scan goes on.
            (
                r#"{"data":{"channel":{"id":5,"id":"B"}}}"#,
                "data.channel.id",
            ),
            (r#"{"data":7,"data":{"channel":{"id":"B"}}}"#, "data"),
        ] {
            assert_eq!(channel(body), Err(path), "{body}");
        }
    }

    #[test]
    fn repeated_keys_elsewhere_are_not_the_scans_business() {
        assert_eq!(
            channel(
                r#"{"data":{"contact":{"id":"1","id":"2"},"channel":{"id":"A"}},"timestamp":1,"timestamp":2}"#
            ),
            Ok(Some("A".to_owned()))
        );
        assert_eq!(
            channel(r#"{"channel":{"id":"A"},"channel":{"id":"B"}}"#),
            Ok(None)
        );
        let scan = scan(br#"{"event":"a","event":"b"}"#).unwrap();
        assert!(scan.repeated_event);
    }

    #[test]
    fn other_shapes_and_broken_json_name_no_channel() {
        for body in [
            r#"{"data":{"channel":{"id":5}}}"#,
            r#"{"data":{"channel":"A"}}"#,
            r#"{"data":[{"channel":{"id":"A"}}]}"#,
            r#"[{"data":{"channel":{"id":"A"}}}]"#,
            r#"{"data":{"channel":{"id":"A"}}"#,
            r#"{"data":{"channel":{"id":"A"}}} trailing"#,
            "",
            "\u{feff}{}",
        ] {
            assert_eq!(channel(body), Ok(None), "{body}");
        }
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(channel(&deep), Ok(None));
    }

    #[test]
    fn what_is_not_json_names_no_channel() {
        for body in [
            r#"{"data":{"channel":{"id":"A"}},"x":tru}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":01}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":1.}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":-}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":"\q"}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":"\u12G4"}"#,
            "{\"data\":{\"channel\":{\"id\":\"A\"}},\"x\":\"\u{1}\"}",
            r#"{"data":{"channel":{"id":"A"}},"x":[1,]}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":{"a" 1}}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":{"a":1,}}"#,
            r#"{"data":{"channel":{"id":"A"}},"x":[}"#,
            r#"{"data":{"channel":{"id":"A"}},}"#,
            r#"{"data":{"channel":{"id":"A"}} "x":1}"#,
        ] {
            assert_eq!(channel(body), Ok(None), "{body}");
            assert!(
                serde_json::from_str::<serde_json::Value>(body).is_err(),
                "{body}"
            );
        }
        assert_eq!(
            scan(b"{\"data\":{\"channel\":{\"id\":\"\xff\"}}}"),
            Ok(Scan::default())
        );
        assert_eq!(
            scan(b"{\"d\xffta\":{\"channel\":{\"id\":\"A\"}}}"),
            Ok(Scan::default())
        );
    }

    /// serde_json checks UTF-8 only in the strings it decodes; so does the
    /// scan, so a stray byte in a skipped value changes nothing.
    #[test]
    fn bytes_that_are_not_utf8_in_a_skipped_string_change_nothing() {
        #[derive(serde::Deserialize)]
        struct Channel {
            id: String,
        }
        #[derive(serde::Deserialize)]
        struct Data {
            channel: Channel,
        }
        #[derive(serde::Deserialize)]
        struct Body {
            data: Data,
        }
        let body = b"{\"event\":\"postback\",\"x\":\"\xff\",\"data\":{\"channel\":{\"id\":\"A\",\"id\":\"B\"}}}";
        assert_eq!(scan(body), Err("data.channel.id"));
        let body =
            b"{\"event\":\"postback\",\"x\":[\"\xfe\xff\"],\"data\":{\"channel\":{\"id\":\"A\"}}}";
        assert_eq!(scan(body).unwrap().channel_id.as_deref(), Some("A"));
        let typed: Body = serde_json::from_slice(body).expect("serde_json skips the stray bytes");
        assert_eq!(typed.data.channel.id, "A");
    }

    #[test]
    fn a_word_is_special_when_any_byte_ends_a_run() {
        for byte in 0..=255_u8 {
            for position in 0..8 {
                let mut word = *b"abcdefgh";
                word[position] = byte;
                let expected = byte == b'"' || byte == b'\\' || byte < 0x20;
                let found = special(u64::from_le_bytes(word));
                assert_eq!(found != 0, expected, "{byte:#x} at {position}");
                if expected {
                    assert_eq!(found.trailing_zeros() / 8, position as u32);
                }
            }
        }
    }

    /// Containers past the 64 levels kept in a word are kept too: each
    /// closes with its own bracket, however deep.
    #[test]
    fn skipped_values_nest_past_the_levels_of_a_word() {
        for depth in [1, 63, 64, 65, 130, 1_000] {
            let (mut open, mut close) = (String::new(), String::new());
            for level in 0..depth {
                if level % 3 == 0 {
                    open.push_str(r#"{"k":"#);
                    close.insert(0, '}');
                } else {
                    open.push('[');
                    close.insert(0, ']');
                }
            }
            let value = format!("{open}1{close}");
            let body = format!(r#"{{"x":{value},"data":{{"channel":{{"id":"A"}}}}}}"#);
            assert_eq!(channel(&body), Ok(Some("A".to_owned())), "depth {depth}");
            // The same with two brackets swapped somewhere deep: not JSON.
            if depth > 2 {
                let swapped = close.replacen("]}", "}]", 1);
                let broken =
                    format!(r#"{{"x":{open}1{swapped},"data":{{"channel":{{"id":"A"}}}}}}"#);
                if swapped != close {
                    assert_eq!(channel(&broken), Ok(None), "depth {depth}");
                    assert!(serde_json::from_str::<serde_json::Value>(&broken).is_err());
                }
            }
        }
    }

    /// A long string is read 32 bytes at a time: a quote, a backslash or a
    /// control character at any offset still ends or breaks it there.
    #[test]
    fn a_long_string_ends_at_its_first_special_byte_at_any_offset() {
        for offset in 0..100 {
            let text = "x".repeat(offset);
            let ended = format!(r#"{{"x":"{text}","data":{{"channel":{{"id":"A"}}}}}}"#);
            assert_eq!(channel(&ended), Ok(Some("A".to_owned())), "{offset}");
            let escaped = format!(r#"{{"x":"{text}\"{text}","data":{{"channel":{{"id":"B"}}}}}}"#);
            assert_eq!(channel(&escaped), Ok(Some("B".to_owned())), "{offset}");
            let control = format!(
                "{{\"x\":\"{text}{}{text}\",\"data\":{{\"channel\":{{\"id\":\"C\"}}}}}}",
                '\u{1}'
            );
            assert_eq!(channel(&control), Ok(None), "{offset}");
            // A quote inside the run ends the string early: what follows is
            // not JSON.
            let cut = format!(r#"{{"x":"{text}"{text}","data":{{"channel":{{"id":"D"}}}}}}"#);
            if offset > 0 {
                assert_eq!(channel(&cut), Ok(None), "{offset}");
            }
        }
    }

    #[test]
    fn values_of_every_kind_are_skipped() {
        let body = r#" { "a" : [ 1 , -0.5e+3 , 2E-2 , true , false , null , "s\"\u00e9" , { } , [ ] , { "k" : [ { "id" : "Z" } ] } ] , "data" : { "x" : { "channel" : { "id" : "no" } } , "channel" : { "n" : 1 , "id" : "C" } } } "#;
        assert_eq!(channel(body), Ok(Some("C".to_owned())));
        assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
    }

    mod differential {
        use super::*;
        use proptest::prelude::*;
        use serde_json::Value;

        fn json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<f64>()
                    .prop_filter("finite", |f| f.is_finite())
                    .prop_map(Value::from),
                "(id|\\PC{0,6})".prop_map(Value::from),
            ];
            leaf.prop_recursive(4, 32, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                    prop::collection::btree_map("(id|data|channel|event|\\PC{0,4})", inner, 0..4)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        /// A body with `data.channel.id` somewhere in a random tree.
        fn body() -> impl Strategy<Value = Value> {
            (json(), json(), json(), "\\PC{0,8}").prop_map(|(a, b, c, id)| {
                serde_json::json!({"a": a, "data": {"b": b, "channel": {"c": c, "id": id}}})
            })
        }

        proptest! {
            /// On JSON, the scan reads what serde_json reads.
            #[test]
            fn the_scan_reads_what_serde_json_reads(value in body(), pretty in any::<bool>()) {
                let text = if pretty {
                    serde_json::to_string_pretty(&value).unwrap()
                } else {
                    serde_json::to_string(&value).unwrap()
                };
                let scanned = scan(text.as_bytes()).unwrap();
                prop_assert_eq!(
                    scanned.channel_id.as_deref(),
                    value["data"]["channel"]["id"].as_str()
                );
            }

            /// A body cut anywhere is not JSON, and names no channel.
            #[test]
            fn a_cut_body_names_no_channel(value in body(), cut in any::<prop::sample::Index>()) {
                let text = serde_json::to_string(&value).unwrap();
                let cut = cut.index(text.len());
                let bytes = &text.as_bytes()[..cut];
                prop_assume!(serde_json::from_slice::<Value>(bytes).is_err());
                prop_assert_eq!(scan(bytes).map(|s| s.channel_id), Ok(None));
            }
        }
    }
}

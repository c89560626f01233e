//! Path parameters: every value is exactly one path segment.
//!
//! Each generated operation builds its URL with [`segment`] (the generator
//! writes the call; see `codegen/src/client.rs`). A value is percent-encoded
//! so that nothing in it can end the segment or the path: `/`, `\` (a
//! separator too in `http` URLs), `?`, `#`, `%` and everything else outside
//! RFC 3986's `pchar` are encoded. The values that would still be read as a
//! path step (empty, `.` and `..`: the URL parser removes or climbs them, so
//! `delete_contact("123", "..")` would delete `/channels/123/`) are refused
//! before anything is sent.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, PercentEncode, utf8_percent_encode};

/// What is encoded in a segment: everything but RFC 3986's unreserved
/// characters, sub-delims, `:` and `@`. `.` is left alone: a segment that is
/// only dots is refused instead, since `%2E` reads as `.` to the URL parser.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Why a path parameter was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathProblem {
    /// The value is empty: the URL would lose a segment.
    Empty,
    /// The value is `.`: the URL parser drops it.
    Dot,
    /// The value is `..`: the URL parser climbs to the parent.
    DotDot,
}

/// A path parameter that cannot be sent as one segment. Names the
/// parameter; the value is one of `""`, `.` or `..`, so nothing else of it
/// is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathParameterError {
    parameter: &'static str,
    problem: PathProblem,
}

impl PathParameterError {
    /// The parameter's name, as the operation's argument is named.
    pub fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// What is wrong with its value.
    pub fn problem(&self) -> PathProblem {
        self.problem
    }
}

impl fmt::Display for PathParameterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (value, effect) = match self.problem {
            PathProblem::Empty => ("empty", "the URL would lose a path segment"),
            PathProblem::Dot => ("`.`", "the URL parser would drop it"),
            PathProblem::DotDot => ("`..`", "the URL parser would climb to the parent path"),
        };
        write!(
            f,
            "path parameter `{}` is {value}: {effect}, so the request was not sent",
            self.parameter
        )
    }
}

impl std::error::Error for PathParameterError {}

/// `value` as one percent-encoded path segment (it displays as the encoded
/// text), or why it cannot be one. `parameter` names it in the error.
///
/// ```
/// use bindings_runtime::path::{PathProblem, segment};
///
/// assert_eq!(segment("id", "a/b?c#d%e").unwrap().to_string(), "a%2Fb%3Fc%23d%25e");
/// assert_eq!(segment("id", "...").unwrap().to_string(), "...");
/// let refused = segment("contact_id", "..").unwrap_err();
/// assert_eq!(refused.parameter(), "contact_id");
/// assert_eq!(refused.problem(), PathProblem::DotDot);
/// ```
pub fn segment<'a>(
    parameter: &'static str,
    value: &'a str,
) -> Result<PercentEncode<'a>, PathParameterError> {
    let problem = match value {
        "" => PathProblem::Empty,
        "." => PathProblem::Dot,
        ".." => PathProblem::DotDot,
        _ => return Ok(utf8_percent_encode(value, SEGMENT)),
    };
    Err(PathParameterError { parameter, problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(value: &str) -> String {
        segment("p", value).unwrap().to_string()
    }

    #[test]
    fn separators_and_escapes_are_encoded() {
        assert_eq!(encoded("a/b"), "a%2Fb");
        assert_eq!(encoded("a\\b"), "a%5Cb");
        assert_eq!(encoded("?x=1"), "%3Fx=1");
        assert_eq!(encoded("#f"), "%23f");
        assert_eq!(encoded("%2e%2E"), "%252e%252E");
        assert_eq!(encoded("a b\n"), "a%20b%0A");
        assert_eq!(encoded("é"), "%C3%A9");
        assert_eq!(encoded("6350078530425603803"), "6350078530425603803");
        assert_eq!(encoded("a.b-c_d~e"), "a.b-c_d~e");
    }

    #[test]
    fn an_encoded_segment_stays_one_segment_in_a_url() {
        for value in [
            "../x",
            "..\\x",
            "%2e%2e",
            ".%2e",
            "a/../../b",
            "?",
            "#",
            "...",
            " ..",
        ] {
            let url = format!("http://127.0.0.1/v1/channels/{}", encoded(value));
            let url = reqwest::Url::parse(&url).unwrap();
            let segments: Vec<_> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 3, "{value:?} gave {url}");
            assert_eq!(segments[..2], ["v1", "channels"], "{value:?} gave {url}");
            assert!(url.query().is_none() && url.fragment().is_none(), "{url}");
        }
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused_naming_the_parameter() {
        for (value, problem) in [
            ("", PathProblem::Empty),
            (".", PathProblem::Dot),
            ("..", PathProblem::DotDot),
        ] {
            let error = segment("channel_id", value).unwrap_err();
            assert_eq!(error.problem(), problem);
            assert!(error.to_string().contains("`channel_id`"), "{error}");
        }
    }
}

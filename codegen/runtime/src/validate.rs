//! Checking a request before it is sent: strict on what we send.
//!
//! The generator keeps the spec's constraints (`maxLength`, `minLength`,
//! `maxItems`, `minItems`, `pattern`, `minimum`, `maximum`, and the spec's own
//! `x-max-bytes`) out of deserialization, so that nothing the server sends is
//! refused for a rule that exists to stop the client from sending it. It writes
//! them instead as a [`Validate`] implementation for every type a request can
//! carry, and the generated operation methods run it before sending.
//!
//! Rules no schema keyword can say are written by hand, once per crate, as a
//! [`Rules`] implementation for each schema that lists them under `x-rules`;
//! the generated [`Validate`] calls it.
//!
//! A [`ValidationError`] names the JSON path of the value at fault, the rule
//! and the value's size, never the value itself: a refused string may be a
//! secret.

use std::fmt;

/// A type whose values can be checked against the spec's constraints before
/// they are sent.
pub trait Validate {
    /// Checks `self`, found at `at` in the request.
    fn validate_at(&self, at: &Path<'_>) -> Result<(), ValidationError>;

    /// Checks `self` as a whole request body.
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_at(&Path::ROOT)
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_at(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        (**self).validate_at(at)
    }
}

/// The hand-written rules of a schema, those no schema keyword can say (the
/// schema lists them under `x-rules`). The generated [`Validate`] of the type
/// calls [`Rules::check_rules`] after the keyword checks of its fields.
pub trait Rules {
    /// Checks the hand-written rules of `self`, found at `at`.
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError>;
}

/// Where a value sits in a request: a chain of object keys and array indices
/// from the body. Built on the stack as the checks descend; it becomes a
/// string only when a check fails.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The request body itself.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };

    /// The member `key` of the object at `self`.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    /// The element `index` of the array at `self`.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// The error for `rule`, broken at this path.
    pub fn error(&self, rule: Rule) -> ValidationError {
        ValidationError {
            path: self.to_string(),
            rule,
        }
    }
}

/// As serde_path_to_error writes paths: `content.quick_replies[0].title`,
/// `.` for the body itself.
impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut segments = Vec::new();
        let mut next = Some(self);
        while let Some(path) = next {
            segments.push(path.segment);
            next = path.parent;
        }
        let mut wrote = false;
        for segment in segments.iter().rev() {
            match segment {
                Segment::Root => {}
                Segment::Key(key) => {
                    if wrote {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                    wrote = true;
                }
                Segment::Index(index) => {
                    write!(f, "[{index}]")?;
                    wrote = true;
                }
            }
        }
        if !wrote {
            f.write_str(".")?;
        }
        Ok(())
    }
}

/// A request that breaks a rule of the spec or of the documentation; it was
/// not sent. The message names the path and the rule, and the size of the
/// value (never a string value: it may be a secret).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("`{path}` {rule}")]
#[non_exhaustive]
pub struct ValidationError {
    /// The JSON path of the value at fault, as serde_path_to_error writes it
    /// (`content.quick_replies[0].title`; `.` for the body).
    pub path: String,
    /// The rule it breaks.
    pub rule: Rule,
}

impl ValidationError {
    /// The JSON path of the value at fault (`content.quick_replies[0].title`;
    /// `.` for the body).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rule the value breaks.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

/// A rule a request breaks, with the size of the value that breaks it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// `maxLength`: a string has more characters (Unicode scalar values).
    MaxLength {
        /// The most characters allowed.
        max: usize,
        /// The characters the string has.
        length: usize,
    },
    /// `minLength`: a string has fewer characters.
    MinLength {
        /// The fewest characters allowed.
        min: usize,
        /// The characters the string has.
        length: usize,
    },
    /// `x-max-bytes`: a string has more bytes in UTF-8, or a value more bytes
    /// as compact JSON.
    MaxBytes {
        /// The most bytes allowed.
        max: usize,
        /// The bytes the value has.
        length: usize,
    },
    /// `maxItems`: an array has more elements.
    MaxItems {
        /// The most elements allowed.
        max: usize,
        /// The elements the array has.
        count: usize,
    },
    /// `minItems`: an array has fewer elements.
    MinItems {
        /// The fewest elements allowed.
        min: usize,
        /// The elements the array has.
        count: usize,
    },
    /// `minimum` (`exclusiveMinimum` when `exclusive`): a number is smaller.
    Minimum {
        /// The bound.
        min: f64,
        /// Whether the bound itself is refused too.
        exclusive: bool,
        /// The number sent.
        value: f64,
    },
    /// `maximum` (`exclusiveMaximum` when `exclusive`): a number is larger.
    Maximum {
        /// The bound.
        max: f64,
        /// Whether the bound itself is refused too.
        exclusive: bool,
        /// The number sent.
        value: f64,
    },
    /// `pattern`: a string does not match the regular expression.
    Pattern {
        /// The regular expression of the spec.
        pattern: &'static str,
        /// The characters the string has.
        length: usize,
    },
    /// A rule of the documentation that no schema keyword can say, written by
    /// hand.
    Documented {
        /// The rule, in a few words.
        rule: &'static str,
        /// Where the documentation states it, such as `seed 000, "Settings"`.
        source: &'static str,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MaxLength { max, length } => {
                write!(f, "has {length} characters; at most {max} (maxLength)")
            }
            Self::MinLength { min, length } => {
                write!(f, "has {length} characters; at least {min} (minLength)")
            }
            Self::MaxBytes { max, length } => {
                write!(f, "is {length} bytes long; at most {max} (x-max-bytes)")
            }
            Self::MaxItems { max, count } => {
                write!(f, "has {count} items; at most {max} (maxItems)")
            }
            Self::MinItems { min, count } => {
                write!(f, "has {count} items; at least {min} (minItems)")
            }
            Self::Minimum {
                min,
                exclusive: false,
                value,
            } => write!(f, "is {value}; at least {min} (minimum)"),
            Self::Minimum {
                min,
                exclusive: true,
                value,
            } => write!(f, "is {value}; more than {min} (exclusiveMinimum)"),
            Self::Maximum {
                max,
                exclusive: false,
                value,
            } => write!(f, "is {value}; at most {max} (maximum)"),
            Self::Maximum {
                max,
                exclusive: true,
                value,
            } => write!(f, "is {value}; less than {max} (exclusiveMaximum)"),
            Self::Pattern { pattern, length } => write!(
                f,
                "({length} characters) does not match the pattern `{pattern}`"
            ),
            Self::Documented { rule, source } => {
                write!(f, "breaks a documented rule: {rule} ({source})")
            }
        }
    }
}

/// A number the `minimum` and `maximum` checks can compare.
pub trait Number: Copy {
    /// The number as a double (exact for every value a JSON number of the
    /// spec's examples can hold).
    fn to_f64(self) -> f64;
}

macro_rules! numbers {
    ($($ty:ty),*) => {$(
        impl Number for $ty {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless, reason = "a bound check, not arithmetic")]
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
numbers!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize, f32, f64);

macro_rules! non_zero_numbers {
    ($($ty:ty),*) => {$(
        impl Number for $ty {
            fn to_f64(self) -> f64 {
                self.get().to_f64()
            }
        }
    )*};
}
non_zero_numbers!(
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroI8,
    std::num::NonZeroI16,
    std::num::NonZeroI32,
    std::num::NonZeroI64
);

/// `maxLength`: at most `max` characters.
pub fn max_length(value: &str, max: usize, at: &Path<'_>) -> Result<(), ValidationError> {
    // Counting stops early: a string can be long.
    if value.len() <= max {
        return Ok(());
    }
    let length = value.chars().count();
    if length > max {
        return Err(at.error(Rule::MaxLength { max, length }));
    }
    Ok(())
}

/// `minLength`: at least `min` characters.
pub fn min_length(value: &str, min: usize, at: &Path<'_>) -> Result<(), ValidationError> {
    let length = value.chars().count();
    if length < min {
        return Err(at.error(Rule::MinLength { min, length }));
    }
    Ok(())
}

/// `x-max-bytes` on a string: at most `max` bytes of UTF-8.
pub fn max_bytes(value: &str, max: usize, at: &Path<'_>) -> Result<(), ValidationError> {
    if value.len() > max {
        return Err(at.error(Rule::MaxBytes {
            max,
            length: value.len(),
        }));
    }
    Ok(())
}

/// `x-max-bytes` on any other value: at most `max` bytes as compact JSON, as
/// the client sends it.
pub fn max_json_bytes<T: serde::Serialize + ?Sized>(
    value: &T,
    max: usize,
    at: &Path<'_>,
) -> Result<(), ValidationError> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // A value that does not serialize is refused when the request is built;
    // here it counts as what was written before the failure.
    let _ = serde_json::to_writer(&mut count, value);
    if count.0 > max {
        return Err(at.error(Rule::MaxBytes {
            max,
            length: count.0,
        }));
    }
    Ok(())
}

/// `maxItems`: at most `max` elements.
pub fn max_items(count: usize, max: usize, at: &Path<'_>) -> Result<(), ValidationError> {
    if count > max {
        return Err(at.error(Rule::MaxItems { max, count }));
    }
    Ok(())
}

/// `minItems`: at least `min` elements.
pub fn min_items(count: usize, min: usize, at: &Path<'_>) -> Result<(), ValidationError> {
    if count < min {
        return Err(at.error(Rule::MinItems { min, count }));
    }
    Ok(())
}

/// `minimum`, or `exclusiveMinimum` when `exclusive`.
pub fn minimum<N: Number>(
    value: N,
    min: f64,
    exclusive: bool,
    at: &Path<'_>,
) -> Result<(), ValidationError> {
    let value = value.to_f64();
    let refused = if exclusive { value <= min } else { value < min };
    if refused {
        return Err(at.error(Rule::Minimum {
            min,
            exclusive,
            value,
        }));
    }
    Ok(())
}

/// `maximum`, or `exclusiveMaximum` when `exclusive`.
pub fn maximum<N: Number>(
    value: N,
    max: f64,
    exclusive: bool,
    at: &Path<'_>,
) -> Result<(), ValidationError> {
    let value = value.to_f64();
    let refused = if exclusive { value >= max } else { value > max };
    if refused {
        return Err(at.error(Rule::Maximum {
            max,
            exclusive,
            value,
        }));
    }
    Ok(())
}

/// A documented rule, broken at `at`: the error for a [`Rules`] check.
pub fn documented(rule: &'static str, source: &'static str, at: &Path<'_>) -> ValidationError {
    at.error(Rule::Documented { rule, source })
}

/// A `pattern` of the spec, compiled once on first use.
#[cfg(feature = "pattern")]
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: std::sync::OnceLock<Option<regex_lite::Regex>>,
}

#[cfg(feature = "pattern")]
impl Pattern {
    /// The pattern `source` (the generator has checked that it compiles).
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// `pattern`: `value` matches the regular expression (searched anywhere in
    /// the string, as JSON Schema does; anchor it with `^…$`).
    pub fn check(&self, value: &str, at: &Path<'_>) -> Result<(), ValidationError> {
        let compiled = self
            .compiled
            .get_or_init(|| regex_lite::Regex::new(self.source).ok());
        match compiled {
            Some(regex) if regex.is_match(value) => Ok(()),
            _ => Err(at.error(Rule::Pattern {
                pattern: self.source,
                length: value.chars().count(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_serde_path_to_error_writes_them() {
        let root = Path::ROOT;
        assert_eq!(root.to_string(), ".");
        let content = root.key("content");
        let replies = content.key("quick_replies");
        let first = replies.index(0);
        let title = first.key("title");
        assert_eq!(title.to_string(), "content.quick_replies[0].title");
        let element = root.index(3);
        assert_eq!(element.to_string(), "[3]");
    }

    #[test]
    fn lengths_count_characters_and_bytes() {
        let at = Path::ROOT;
        assert!(max_length("ééé", 3, &at).is_ok());
        assert_eq!(
            max_length("éééé", 3, &at),
            Err(at.error(Rule::MaxLength { max: 3, length: 4 }))
        );
        assert!(max_bytes("ééé", 6, &at).is_ok());
        assert_eq!(
            max_bytes("éééé", 6, &at).unwrap_err().rule,
            Rule::MaxBytes { max: 6, length: 8 }
        );
        assert!(min_length("ab", 2, &at).is_ok());
        assert!(min_length("a", 2, &at).is_err());
    }

    #[test]
    fn json_bytes_are_counted_as_sent() {
        let at = Path::ROOT;
        let value = serde_json::json!({"a": "bc"});
        assert!(max_json_bytes(&value, 10, &at).is_ok());
        assert_eq!(
            max_json_bytes(&value, 9, &at).unwrap_err().rule,
            Rule::MaxBytes { max: 9, length: 10 }
        );
    }

    #[test]
    fn bounds_and_counts() {
        let at = Path::ROOT;
        assert!(maximum(51_840_000_u64, 51_840_000.0, false, &at).is_ok());
        assert!(maximum(51_840_001_u64, 51_840_000.0, false, &at).is_err());
        assert!(maximum(2_i64, 2.0, true, &at).is_err());
        assert!(minimum(0_i64, 0.0, false, &at).is_ok());
        assert!(minimum(0_i64, 0.0, true, &at).is_err());
        assert!(max_items(11, 11, &at).is_ok());
        assert!(max_items(12, 11, &at).is_err());
        assert!(min_items(0, 1, &at).is_err());
    }

    #[test]
    fn messages_name_the_path_and_the_rule_never_the_value() {
        let at = Path::ROOT;
        let replies = at.key("quick_replies");
        let first = replies.index(0);
        let title = first.key("title");
        let error = max_length("a secret title here!!", 20, &title).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`quick_replies[0].title` has 21 characters; at most 20 (maxLength)"
        );
        let rule = documented(
            "a menu needs a `default` locale",
            "seed 000, \"Settings\"",
            &at,
        );
        assert_eq!(
            rule.to_string(),
            "`.` breaks a documented rule: a menu needs a `default` locale (seed 000, \"Settings\")"
        );
    }

    #[cfg(feature = "pattern")]
    #[test]
    fn patterns_are_searched_and_never_echo_the_value() {
        static SHA1: Pattern = Pattern::new("^sha1=[0-9a-f]{40}$");
        let at = Path::ROOT;
        assert!(SHA1.check(&format!("sha1={}", "a".repeat(40)), &at).is_ok());
        let error = SHA1.check("sha1=secret", &at).unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}

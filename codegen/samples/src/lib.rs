//! The generator's output for each sample spec in `codegen/tests/specs/`, one
//! module per spec. Each file is written by `cargo xtask regen`; the tests in
//! `tests/` exercise the behaviour each sample isolates.

#[rustfmt::skip]
#[allow(missing_docs, reason = "generated from a sample spec without descriptions everywhere")]
pub mod unions;

#[rustfmt::skip]
#[allow(missing_docs, reason = "generated from a sample spec without descriptions everywhere")]
pub mod open_enums;

#[rustfmt::skip]
#[allow(missing_docs, reason = "generated from a sample spec without descriptions everywhere")]
pub mod tri_state;

/// Construction without `None`. The compiler checks the required properties:
///
/// ```compile_fail,E0061
/// let _ = codegen_samples::construction::types::Order::new("o-1", ["a"]);
/// ```
///
/// and no code outside the crate may write a struct literal, so a property
/// added to the spec breaks no caller:
///
/// ```compile_fail,E0639
/// let _ = codegen_samples::construction::types::Address { city: None };
/// ```
///
/// Only the required properties are named:
///
/// ```
/// let _ = codegen_samples::construction::types::Order::new("o-1", ["a"], 2);
/// ```
#[rustfmt::skip]
#[allow(missing_docs, reason = "generated from a sample spec without descriptions everywhere")]
pub mod construction;

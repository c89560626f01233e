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

//! The checks every API shares, written against
//! [`ApiUnderTest`](crate::suite::ApiUnderTest) only: [`examples`] (every
//! example through its type and its schema), [`properties`] (generated
//! values), [`fuzz`] (generated responses and callbacks with what the spec
//! does not describe), [`cases`] (captured traffic), [`live`] (what live
//! modes share); [`compare`], the one judge of pass, drift and fail; and
//! [`report`], which counts the verdicts.

pub mod case_file;
pub mod cases;
pub mod compare;
pub mod examples;
pub mod fuzz;
pub mod live;
pub mod properties;
pub mod report;
pub mod requests;

/// `Ok` when `condition` holds, else the error `message()`.
pub(crate) fn expect(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(message()) }
}

/// A port on 127.0.0.1 that was free a moment ago: nothing listens there,
/// so a connection to it is refused.
pub(crate) fn unused_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|address| address.port())
        .map_err(|e| e.to_string())
}

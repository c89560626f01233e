//! Webex Connect's live mode. Its one operation sends a message, and a real
//! message costs money: it sends **one SMS**, and only to the number given
//! explicitly (`--msisdn`). Without one it sends nothing and says so.
//!
//! The request is built from the spec's shapes and judged as sent before it
//! leaves; the answer is checked by [`Live::step`] like a captured
//! `response` case: `Client::send` must give what its codes mean, a code the
//! spec does not document is drift, and so is anything else the spec does
//! not describe.

use reqwest::header::HeaderName;
use serde_json::{Value, json};

use super::SERVICE_KEY_HEADER;
use crate::mock::MockApi;
use crate::shared::compare::Direction;
use crate::shared::examples::round_trip;
use crate::shared::live::{AREA, Live, LiveOptions, TEST_MESSAGE};
use crate::shared::report::Area;
use crate::suite::Suite;

/// The operation live mode calls.
pub const OPERATION: &str = "send_message";

/// The request live mode sends: one SMS of [`TEST_MESSAGE`] to `msisdn`.
pub fn request(msisdn: &str) -> Value {
    json!({
        "deliverychannel": "sms",
        "channels": { "sms": { "text": TEST_MESSAGE } },
        "destination": [{ "msisdn": [msisdn] }],
    })
}

/// Sends one SMS to `options.msisdn` with the service key
/// `options.credential`, and checks the answer; without `msisdn`, nothing.
pub async fn check(suite: &Suite, options: &LiveOptions) -> Area {
    let mut area = Area::new(AREA);
    let Some(msisdn) = options.msisdn.as_deref() else {
        area.coverage = format!(
            "nothing sent: {OPERATION} sends a real message, and no --msisdn names a number \
             to send it to"
        );
        return area;
    };
    let body = request(msisdn);
    let shape = suite
        .require_operation(OPERATION)
        .ok()
        .and_then(|o| o.request.as_ref())
        .map(|r| r.shape.clone());
    let Some(shape) = shape else {
        area.record(
            "live request",
            Err(format!("{OPERATION} has no request body in the spec")),
        );
        return area;
    };
    if let Err(message) = round_trip(suite, &shape, Direction::Sent, &body) {
        area.record("live request", Err(message));
        return area;
    }
    let header = HeaderName::from_static(SERVICE_KEY_HEADER);
    let mock = MockApi::start().await;
    let mut live = match Live::new(
        suite,
        &mock,
        &options.base_url,
        (header, &options.credential),
    ) {
        Ok(live) => live,
        Err(message) => {
            area.record("live", Err(message));
            return area;
        }
    };
    live.step(OPERATION, &[], Some(body)).await;
    let mut area = live.area;
    area.coverage = format!(
        "one SMS sent to {msisdn} through {} (a real message: it is charged)",
        options.base_url
    );
    area
}

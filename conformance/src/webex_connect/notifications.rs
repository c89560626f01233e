//! Delivery notifications: every callback example of the spec reads with
//! `notification::parse`, serializes back to the example, carries a
//! documented delivery code known to `DeliveryCode`, and has a `timeStamp`
//! that reads; every documented delivery code has an example.

use ::webex_connect::notification::{self, DeliveryCode};

use super::{DELIVERY_CODE_TABLE, DocumentedCode, code_list, documented_codes};
use crate::shared::compare::first_difference;
use crate::shared::expect;
use crate::shared::report::Area;
use crate::spec::Example;
use crate::suite::Suite;

/// The area's name in the report (prefixed with the API's name).
pub const AREA: &str = "notifications";

/// Every delivery notification example (the callback bodies of the spec)
/// through [`notification::parse`]: it reads, serializes back to the
/// example, its code is documented and known to [`DeliveryCode`], and its
/// `timeStamp` reads. Every documented delivery code has an example.
pub fn check(suite: &Suite) -> Area {
    let mut area = Area::new(AREA);
    let (table, property) = DELIVERY_CODE_TABLE;
    let documented = documented_codes(suite, DELIVERY_CODE_TABLE).unwrap_or_else(|message| {
        area.record(format!("the codes of {table}.{property}"), Err(message));
        Vec::new()
    });
    let examples: Vec<&Example> = suite.webhook_examples().collect();
    if examples.is_empty() {
        area.record(
            "delivery notifications",
            Err("the spec documents no callback example".to_owned()),
        );
    }
    let mut served = Vec::new();
    for example in &examples {
        let outcome = check_notification(example, &documented).map(|code| served.push(code));
        area.record(format!("{} ({})", example.name, example.shape), outcome);
    }
    for code in &documented {
        area.record(
            format!("delivery code {} ({})", code.code, code.message),
            expect(served.contains(&code.code), || {
                "documented, but no notification example carries it: add one to the spec".to_owned()
            }),
        );
    }
    area.coverage = format!(
        "{} notification examples read by notification::parse; {} documented codes of \
         {table}.{property}: {}",
        examples.len(),
        documented.len(),
        code_list(&documented)
    );
    area
}

/// Checks one notification example; its delivery code when it passes.
fn check_notification(example: &Example, documented: &[DocumentedCode]) -> Result<String, String> {
    let body = serde_json::to_vec(&example.value).map_err(|e| e.to_string())?;
    let parsed =
        notification::parse(&body).map_err(|e| format!("notification::parse refuses it: {e}"))?;
    let back = serde_json::to_value(&parsed).map_err(|e| e.to_string())?;
    if let Some(difference) = first_difference(&example.value, &back) {
        return Err(format!(
            "the parsed notification does not round-trip: {difference}"
        ));
    }
    let info = &parsed.delivery_info_notification.delivery_info;
    let (table, property) = DELIVERY_CODE_TABLE;
    expect(
        documented.iter().any(|d| d.code == info.code.as_str()),
        || {
            format!(
                "delivery code `{}` is not documented: {table}.{property} lists {}",
                info.code,
                code_list(documented)
            )
        },
    )?;
    if let DeliveryCode::Unknown(code) = &info.code {
        return Err(format!(
            "DeliveryCode does not know the documented code `{code}`"
        ));
    }
    if let Some(Err(error)) = info.timestamp() {
        return Err(format!(
            "timeStamp {:?} does not read: {error}",
            info.time_stamp.as_deref().unwrap_or_default()
        ));
    }
    Ok(info.code.as_str().to_owned())
}

//! The documented limits a request is checked against before it is sent, so
//! that a request the platform would refuse (or truncate) fails early with a
//! clear error instead of a response code.

use crate::types::{
    Destination, FbAttachment, FbButton, FbMessage, FbTemplatePayload, SendMessageRequest,
    SmsMessage, SmsType, VoiceMessage,
};

/// The most destinations one request may carry (seed 002, lines 24, 157).
pub const MAX_DESTINATIONS: usize = 1000;
/// The longest SMS text, in characters (seed 002, line 202).
pub const MAX_SMS_TEXT_CHARS: usize = 1024;
/// The longest `correlationid`, in bytes (seed 002, lines 92, 145).
pub const MAX_CORRELATIONID_BYTES: usize = 50;
/// The most quick replies on one Messenger message (seed 002, line 1840).
pub const MAX_QUICK_REPLIES: usize = 10;
/// The most buttons on one Messenger template or bubble (seed 002, lines 909, 1033).
pub const MAX_BUTTONS: usize = 3;
/// The most bubbles in one Messenger generic template (seed 002, line 902).
pub const MAX_GENERIC_ELEMENTS: usize = 10;

/// A documented limit that a request breaks. Each variant names the line of
/// the Webex Connect documentation ("Send Message v1", seed 002) that sets it;
/// `at` fields give the JSON path of the offending value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// More than 1000 destinations: "a maximum of 1000 destinations at once"
    /// (seed 002, line 24; line 157: "an array of up to 1,000 entries").
    /// Counted as recipient identifiers over every `destination` entry (an
    /// entry without identifiers counts as one).
    #[error("{count} destinations; at most {MAX_DESTINATIONS} per request")]
    TooManyDestinations {
        /// How many destinations the request has.
        count: usize,
    },
    /// An SMS text longer than 1024 characters: "Text message up to 1024
    /// characters" (seed 002, line 202).
    #[error("the SMS text has {chars} characters; at most {MAX_SMS_TEXT_CHARS}")]
    SmsTextTooLong {
        /// The text's length in characters.
        chars: usize,
    },
    /// A `correlationid` longer than 50 bytes: "can be up to 50 bytes long"
    /// (seed 002, line 145; line 92 for a destination's).
    #[error("{at} is {bytes} bytes long; at most {MAX_CORRELATIONID_BYTES}")]
    CorrelationIdTooLong {
        /// Where it is: `correlationid` or `destination[i].correlationid`.
        at: String,
        /// Its length in bytes (UTF-8).
        bytes: usize,
    },
    /// A binary SMS (`type` 3) whose `body` is missing, empty or not
    /// hexadecimal: "When type is set to 3, the body shall contain hexadecimal
    /// content" (seed 002, line 214).
    #[error("a binary SMS (type 3) needs a hexadecimal body")]
    BinarySmsWithoutHexBody,
    /// More than 10 quick replies: "You can add up to 10 buttons" (seed 002,
    /// line 1840).
    #[error("{count} quick replies; at most {MAX_QUICK_REPLIES}")]
    TooManyQuickReplies {
        /// How many quick replies the message has.
        count: usize,
    },
    /// More than 3 buttons on a generic-template bubble or a button template:
    /// "You can add up to 3 buttons only" (seed 002, lines 909, 1033).
    #[error("{at} has {count} buttons; at most {MAX_BUTTONS}")]
    TooManyButtons {
        /// Where the buttons are, as a JSON path.
        at: String,
        /// How many buttons there are.
        count: usize,
    },
    /// More than 10 bubbles in a generic template: "You can add up to 10
    /// images per message" (seed 002, line 902).
    #[error("{count} generic-template elements; at most {MAX_GENERIC_ELEMENTS}")]
    TooManyGenericElements {
        /// How many elements the template has.
        count: usize,
    },
    /// A voice message with both `callflowid` and `promptid`: each is
    /// "Yes*", one or the other: a call flow or a prompt is played (seed 002,
    /// lines 235-246).
    #[error("a voice message takes a callflowid or a promptid, not both")]
    VoiceCallflowAndPrompt,
}

/// Checks `request` against the documented limits that the generated types
/// cannot express; returns the first one it breaks.
/// [`Client::send`](crate::Client::send) calls it before sending.
///
/// Every channel block present is checked, whatever `deliverychannel` says:
/// it is sent all the same.
pub fn validate(request: &SendMessageRequest) -> Result<(), ValidationError> {
    destinations(&request.destination)?;
    correlation_id("correlationid", request.correlationid.as_deref())?;
    for (i, destination) in request.destination.iter().enumerate() {
        correlation_id(
            &format!("destination[{i}].correlationid"),
            destination.correlationid.as_deref(),
        )?;
    }
    let channels = &request.channels;
    if let Some(sms) = &channels.sms {
        self::sms(sms)?;
    }
    if let Some(voice) = &channels.voice {
        self::voice(voice)?;
    }
    if let Some(fb) = channels.ott_messaging.as_ref().and_then(|o| o.fb.as_ref()) {
        messenger(fb)?;
    }
    Ok(())
}

fn destinations(destinations: &[Destination]) -> Result<(), ValidationError> {
    let count: usize = destinations.iter().map(recipients).sum();
    if count > MAX_DESTINATIONS {
        return Err(ValidationError::TooManyDestinations { count });
    }
    Ok(())
}

/// The recipients of one destination entry: its identifiers, at least one.
fn recipients(destination: &Destination) -> usize {
    let Destination {
        abc_user_id,
        android_pushid,
        chrome_pushid,
        correlationid: _,
        customerid,
        email,
        ios_pushid,
        msisdn,
        psid,
        safari_pushid,
        userid,
        waid,
    } = destination;
    let ids: usize = [
        abc_user_id,
        android_pushid,
        chrome_pushid,
        customerid,
        email,
        ios_pushid,
        msisdn,
        psid,
        safari_pushid,
        userid,
        waid,
    ]
    .into_iter()
    .flatten()
    .map(Vec::len)
    .sum();
    ids.max(1)
}

fn correlation_id(at: &str, value: Option<&str>) -> Result<(), ValidationError> {
    match value {
        Some(value) if value.len() > MAX_CORRELATIONID_BYTES => {
            Err(ValidationError::CorrelationIdTooLong {
                at: at.to_owned(),
                bytes: value.len(),
            })
        }
        _ => Ok(()),
    }
}

fn sms(sms: &SmsMessage) -> Result<(), ValidationError> {
    let chars = sms.text.chars().count();
    if chars > MAX_SMS_TEXT_CHARS {
        return Err(ValidationError::SmsTextTooLong { chars });
    }
    let binary = match &sms.type_ {
        Some(SmsType::Value3) => true,
        Some(SmsType::Unknown(other)) => other.trim() == "3",
        _ => false,
    };
    let hex = |body: &str| !body.is_empty() && body.bytes().all(|b| b.is_ascii_hexdigit());
    if binary && !sms.body.as_deref().is_some_and(hex) {
        return Err(ValidationError::BinarySmsWithoutHexBody);
    }
    Ok(())
}

fn voice(voice: &VoiceMessage) -> Result<(), ValidationError> {
    if voice.callflowid.is_some() && voice.promptid.is_some() {
        return Err(ValidationError::VoiceCallflowAndPrompt);
    }
    Ok(())
}

fn messenger(fb: &FbMessage) -> Result<(), ValidationError> {
    const AT: &str = "channels.OTT-Messaging.fb";
    if let Some(replies) = &fb.quick_replies
        && replies.len() > MAX_QUICK_REPLIES
    {
        return Err(ValidationError::TooManyQuickReplies {
            count: replies.len(),
        });
    }
    let Some(FbAttachment::Template(template)) = &fb.attachment else {
        return Ok(());
    };
    let payload = format!("{AT}.attachment.payload");
    match &template.payload {
        FbTemplatePayload::Generic(generic) => {
            if generic.elements.len() > MAX_GENERIC_ELEMENTS {
                return Err(ValidationError::TooManyGenericElements {
                    count: generic.elements.len(),
                });
            }
            for (i, element) in generic.elements.iter().enumerate() {
                buttons(
                    &format!("{payload}.elements[{i}].buttons"),
                    element.buttons.as_deref(),
                )?;
            }
        }
        FbTemplatePayload::Button(button) => {
            buttons(&format!("{payload}.buttons"), button.buttons.as_deref())?;
        }
        _ => {}
    }
    Ok(())
}

fn buttons(at: &str, buttons: Option<&[FbButton]>) -> Result<(), ValidationError> {
    match buttons {
        Some(buttons) if buttons.len() > MAX_BUTTONS => Err(ValidationError::TooManyButtons {
            at: at.to_owned(),
            count: buttons.len(),
        }),
        _ => Ok(()),
    }
}

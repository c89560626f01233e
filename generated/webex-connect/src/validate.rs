//! The documented rules a request is checked against before it is sent, so
//! that a request the platform would refuse (or truncate) fails early with a
//! clear error instead of a response code.
//!
//! Most of them are keywords of the spec (`maxItems`, `maxLength`,
//! `minimum`, `maximum`, `x-max-bytes`) that the generator turns into the
//! [`Validate`] implementation of each request type. This module holds the
//! others, the rules no schema keyword can say: one [`Rules`] implementation
//! per schema that lists them under `x-rules`, each rule citing the line of
//! the Webex Connect documentation ("Send Message v1", seed 002) that states
//! it. Where a rule needs a limit, it reads the constant generated from the
//! spec.
//!
//! [`Client::send`](crate::Client::send) runs the checks before sending, and
//! so does every generated operation method.
//!
//! ```
//! use webex_connect::Validate;
//! use webex_connect::types::{Channels, DeliveryChannel, Destination, SendMessageRequest};
//!
//! let request = SendMessageRequest::new(
//!     DeliveryChannel::Push,
//!     Channels::new(),
//!     [Destination::new().with_userid(["4545"])],
//! );
//! let error = request.validate().unwrap_err();
//! assert_eq!(error.path, "appid");
//! ```

use bindings_runtime::validate::{Path, Rules, ValidationError, documented};

use crate::types::{
    Destination, FbBoardingPass, FbMessage, NotificationAction, PushMessage,
    PushNotificationAction, SendMessageRequest, SmsMessage, SmsType, VoiceMessage, WebTimeToLive,
    WebTimeToLiveSeconds,
};

pub use bindings_runtime::validate::{Rule, Validate};

/// The channels that need an `appid` (seed 002, line 35: "required only for
/// Push, In-App, Messenger, WhatsApp, and Apple Messages for Business").
const CHANNELS_WITH_APPID: [&str; 5] = [
    "push",
    "appmessaging",
    "fb",
    "whatsapp",
    "applebusinesschat",
];

fn is_blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

impl Rules for SendMessageRequest {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        let channel = self.deliverychannel.as_str().to_ascii_lowercase();
        if CHANNELS_WITH_APPID.contains(&channel.as_str()) && is_blank(self.appid.as_deref()) {
            return Err(documented(
                "`appid` is required for push, in-app, Messenger, WhatsApp and Apple Messages for Business",
                "seed 002, line 35",
                &at.key("appid"),
            ));
        }
        if let Some(gtr_ids) = &self.gtr_id
            && gtr_ids.len() != self.destination.len()
        {
            return Err(documented(
                "`gtrId` needs one id per `destination` entry",
                "seed 002, lines 95-96",
                &at.key("gtrId"),
            ));
        }
        let recipients: usize = self.destination.iter().map(recipients).sum();
        if recipients > SendMessageRequest::DESTINATION_MAX_ITEMS {
            return Err(at.key("destination").error(Rule::MaxItems {
                max: SendMessageRequest::DESTINATION_MAX_ITEMS,
                count: recipients,
            }));
        }
        Ok(())
    }
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

impl Rules for SmsMessage {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        let binary = match &self.type_ {
            Some(SmsType::Value3) => true,
            Some(SmsType::Unknown(other)) => other.trim() == "3",
            _ => false,
        };
        let hex = |body: &str| !body.is_empty() && body.bytes().all(|b| b.is_ascii_hexdigit());
        if binary && !self.body.as_deref().is_some_and(hex) {
            return Err(documented(
                "a binary SMS (type 3) needs a hexadecimal `body`",
                "seed 002, line 214",
                &at.key("body"),
            ));
        }
        Ok(())
    }
}

impl Rules for VoiceMessage {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        if self.callflowid.is_some() && self.media.is_some() {
            return Err(documented(
                "`media` must not be used with `callflowid`",
                "seed 002, lines 239, 246",
                &at.key("media"),
            ));
        }
        if self.callflowid.is_some() && self.promptid.is_some() {
            return Err(documented(
                "a voice message takes a `callflowid` or a `promptid`, not both",
                "seed 002, lines 235-246",
                &at.key("promptid"),
            ));
        }
        Ok(())
    }
}

impl Rules for PushMessage {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        if self.android.is_none() && self.ios.is_none() && self.web.is_none() {
            return Err(documented(
                "a push message needs `android`, `ios` or `web`",
                "seed 002, line 296",
                at,
            ));
        }
        Ok(())
    }
}

impl Rules for PushNotificationAction {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        match &self.action {
            Some(NotificationAction::OpenApp) | None => Ok(()),
            Some(NotificationAction::Unknown(action)) if action.eq_ignore_ascii_case("OPENAPP") => {
                Ok(())
            }
            Some(_) if is_blank(self.value.as_deref()) => Err(documented(
                "a notification action other than `OPEN_APP` needs a `value`",
                "seed 002, lines 372-385, 450-465",
                &at.key("value"),
            )),
            Some(_) => Ok(()),
        }
    }
}

impl Rules for WebTimeToLive {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        let Self::String(text) = self else {
            // The integer form is checked by its schema's `minimum` and `maximum`.
            return Ok(());
        };
        let text = text.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(documented(
                "a web push time to live is a whole number of seconds",
                "seed 002, lines 505, 524",
                at,
            ));
        }
        let max = WebTimeToLiveSeconds::MAXIMUM;
        // Digits only: a value too long for an i64 is too large.
        let seconds = text.parse::<i64>().unwrap_or(i64::MAX);
        if seconds > max {
            #[allow(clippy::cast_precision_loss, reason = "shown in an error message")]
            return Err(at.error(Rule::Maximum {
                max: max as f64,
                exclusive: false,
                value: seconds as f64,
            }));
        }
        Ok(())
    }
}

impl Rules for FbMessage {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        if self.text.is_none() && self.attachment.is_none() && self.sender_action.is_none() {
            return Err(documented(
                "a Messenger message needs `text`, `attachment` or `sender_action`",
                "seed 002, lines 752, 758, 769",
                at,
            ));
        }
        Ok(())
    }
}

impl Rules for FbBoardingPass {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        if self.qr_code.is_none() && self.barcode_image_url.is_none() {
            return Err(documented(
                "a boarding pass needs `qr_code` or `barcode_image_url`",
                "seed 002, lines 1685-1686",
                at,
            ));
        }
        Ok(())
    }
}

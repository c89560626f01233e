//! Messages in the API's own words, on top of the generated types.
//!
//! Every generated struct already has `new(required…)` and `with_<property>`
//! setters. This module adds what the spec cannot say: a request per
//! channel, which sets `deliverychannel` and fills the matching block of
//! `channels` ([`SendMessageRequest::sms`], [`voice`](SendMessageRequest::voice),
//! [`push`](SendMessageRequest::push), [`messenger`](SendMessageRequest::messenger),
//! [`whatsapp`](SendMessageRequest::whatsapp)); a binary SMS from its bytes;
//! a voice call by call flow or prompt; and the Facebook Messenger text,
//! attachments, templates, buttons and quick replies.
//!
//! Nothing here checks a limit: [`Client::send`](crate::Client::send) (and
//! every generated operation method) checks the request against the
//! documented limits before sending it, and refuses it with a
//! [`ValidationError`](crate::ValidationError) naming the JSON path. Call
//! [`Validate::validate`](crate::Validate::validate) to check earlier.
//!
//! ```
//! use webex_connect::types::{Destination, FbAttachment, FbMessage, SendMessageRequest};
//!
//! let request = SendMessageRequest::messenger(
//!     "my-app-id",
//!     FbMessage::attachment(FbAttachment::image("https://example.com/menu.png")),
//!     [Destination::new().with_psid(["1254459154682919"])],
//! );
//! assert_eq!(
//!     serde_json::to_value(&request).unwrap()["channels"]["OTT-Messaging"]["fb"]["attachment"]["type"],
//!     "image"
//! );
//! ```

use crate::types::{
    Channels, DeliveryChannel, Destination, FbAttachment, FbAudioAttachment, FbButton,
    FbFileAttachment, FbImageAttachment, FbMediaPayload, FbMessage, FbPhoneNumberButton,
    FbPostbackButton, FbQuickReply, FbQuickReplyContentType, FbTemplateAttachment,
    FbTemplatePayload, FbVideoAttachment, FbWebUrlButton, OttMessaging, PushMessage,
    SendMessageRequest, SenderAction, SmsMessage, SmsType, VoiceMessage, WhatsAppMessage,
};

impl SendMessageRequest {
    /// An SMS: `deliverychannel` `sms`, the message in `channels.sms`.
    ///
    /// ```
    /// use webex_connect::types::{Destination, SendMessageRequest, SmsMessage};
    ///
    /// let request = SendMessageRequest::sms(
    ///     SmsMessage::new("Your code is 1234").with_senderid("CONNCT"),
    ///     [Destination::new().with_msisdn(["+447700900123"])],
    /// )
    /// .with_correlationid("login-42");
    /// # assert_eq!(serde_json::to_value(&request).unwrap()["deliverychannel"], "sms");
    /// ```
    pub fn sms(message: SmsMessage, destination: impl IntoIterator<Item = Destination>) -> Self {
        Self::new(
            DeliveryChannel::Sms,
            Channels::new().with_sms(message),
            destination,
        )
    }

    /// A voice call: `deliverychannel` `voice`, the call in `channels.voice`
    /// ([`VoiceMessage::call_flow`] or [`VoiceMessage::prompt`]).
    pub fn voice(
        message: VoiceMessage,
        destination: impl IntoIterator<Item = Destination>,
    ) -> Self {
        Self::new(
            DeliveryChannel::Voice,
            Channels::new().with_voice(message),
            destination,
        )
    }

    /// A push notification of the app asset `appid`: `deliverychannel`
    /// `push`, the notification in `channels.push` (Android, iOS, web,
    /// Windows or interactive blocks).
    pub fn push(
        appid: impl Into<String>,
        message: PushMessage,
        destination: impl IntoIterator<Item = Destination>,
    ) -> Self {
        Self::new(
            DeliveryChannel::Push,
            Channels::new().with_push(message),
            destination,
        )
        .with_appid(appid)
    }

    /// A Facebook Messenger message of the app asset `appid`:
    /// `deliverychannel` `fb`, the message in `channels.OTT-Messaging.fb`;
    /// address people by page-scoped id (`Destination::with_psid`).
    pub fn messenger(
        appid: impl Into<String>,
        message: FbMessage,
        destination: impl IntoIterator<Item = Destination>,
    ) -> Self {
        Self::new(
            DeliveryChannel::Fb,
            Channels::new().with_ott_messaging(OttMessaging::new().with_fb(message)),
            destination,
        )
        .with_appid(appid)
    }

    /// A WhatsApp message of the app asset `appid`: `deliverychannel`
    /// `whatsapp`, the message in `channels.OTT-Messaging.wa`; address people
    /// by WhatsApp id (`Destination::with_waid`). Seed 002 documents no
    /// field of the WhatsApp block, so [`WhatsAppMessage`] is free-form
    /// (`WhatsAppMessage::new().with_entry(…)`).
    pub fn whatsapp(
        appid: impl Into<String>,
        message: WhatsAppMessage,
        destination: impl IntoIterator<Item = Destination>,
    ) -> Self {
        Self::new(
            DeliveryChannel::Whatsapp,
            Channels::new().with_ott_messaging(OttMessaging::new().with_wa(message)),
            destination,
        )
        .with_appid(appid)
    }
}

impl SmsMessage {
    /// A binary SMS (`type` `3`): `body` is `bytes` as hexadecimal, as seed
    /// 002 requires; `text` is the message's text, which the API requires
    /// as well.
    ///
    /// ```
    /// use webex_connect::types::SmsMessage;
    ///
    /// let sms = SmsMessage::binary("vCard", [0x0b, 0x05, 0x04, 0xff]);
    /// assert_eq!(
    ///     serde_json::to_value(&sms).unwrap(),
    ///     serde_json::json!({"text": "vCard", "type": "3", "body": "0b0504ff"})
    /// );
    /// ```
    pub fn binary(text: impl Into<String>, bytes: impl AsRef<[u8]>) -> Self {
        Self::new(text)
            .with_type(SmsType::Value3)
            .with_body(hex::encode(bytes))
    }
}

impl VoiceMessage {
    /// A call that runs the voice flow `callflowid`, built with the flow
    /// builder (`{"callflowid": "…"}`); set the caller id with `with_cli`.
    pub fn call_flow(callflowid: impl Into<String>) -> Self {
        Self::new().with_callflowid(callflowid)
    }

    /// A call that plays the uploaded audio file `promptid`
    /// (`{"promptid": "…"}`).
    pub fn prompt(promptid: impl Into<String>) -> Self {
        Self::new().with_promptid(promptid)
    }
}

impl FbMessage {
    /// A text message: `{"text": "…"}`; add quick replies with
    /// `with_quick_replies`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new().with_text(text)
    }

    /// An attachment: `{"attachment": {"type": …, "payload": …}}`, an image,
    /// audio, video or file by URL ([`FbAttachment::image`], …) or a
    /// template ([`FbMessage::template`]).
    pub fn attachment(attachment: impl Into<FbAttachment>) -> Self {
        Self::new().with_attachment(attachment)
    }

    /// A template attachment: `{"attachment": {"type": "template", "payload":
    /// {"template_type": …}}}`: generic, button, receipt, or an airline one.
    pub fn template(payload: impl Into<FbTemplatePayload>) -> Self {
        Self::attachment(FbTemplateAttachment::new(payload))
    }

    /// A sender action (`markseen`, `typing_on`, `typing_off`) instead of a
    /// message.
    pub fn sender_action(action: SenderAction) -> Self {
        Self::new().with_sender_action(action)
    }
}

impl FbAttachment {
    /// An image, by URL: `{"type": "image", "payload": {"url": "…"}}`.
    pub fn image(url: impl Into<String>) -> Self {
        Self::Image(FbImageAttachment::new(FbMediaPayload::new(url)))
    }

    /// An audio file, by URL: `{"type": "audio", "payload": {"url": "…"}}`.
    pub fn audio(url: impl Into<String>) -> Self {
        Self::Audio(FbAudioAttachment::new(FbMediaPayload::new(url)))
    }

    /// A video, by URL: `{"type": "video", "payload": {"url": "…"}}`.
    pub fn video(url: impl Into<String>) -> Self {
        Self::Video(FbVideoAttachment::new(FbMediaPayload::new(url)))
    }

    /// Any file, by URL: `{"type": "file", "payload": {"url": "…"}}`.
    pub fn file(url: impl Into<String>) -> Self {
        Self::File(FbFileAttachment::new(FbMediaPayload::new(url)))
    }
}

impl FbButton {
    /// A button that opens `url`: `{"type": "web_url", "title", "url"}`.
    pub fn web_url(title: impl Into<String>, url: impl Into<String>) -> Self {
        Self::WebUrl(FbWebUrlButton::new(title, url))
    }

    /// A button that sends `payload` back: `{"type": "postback", "title",
    /// "payload"}`.
    pub fn postback(title: impl Into<String>, payload: impl Into<String>) -> Self {
        Self::Postback(FbPostbackButton::new(title, payload))
    }

    /// A button that calls `phone_number`: `{"type": "phone_number",
    /// "title", "payload"}`.
    pub fn phone_number(title: impl Into<String>, phone_number: impl Into<String>) -> Self {
        Self::PhoneNumber(FbPhoneNumberButton::new(title, phone_number))
    }
}

impl FbQuickReply {
    /// A text quick reply: `{"content_type": "text", "title", "payload"}`
    /// (a title of up to 20 characters, a payload of up to 1000).
    pub fn text(title: impl Into<String>, payload: impl Into<String>) -> Self {
        Self::new(FbQuickReplyContentType::Text)
            .with_title(title)
            .with_payload(payload)
    }

    /// A quick reply that asks for the user's location:
    /// `{"content_type": "location"}`.
    pub fn location() -> Self {
        Self::new(FbQuickReplyContentType::Location)
    }
}

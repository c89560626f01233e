//! Message content and addressing in the API's own words, on top of the
//! generated types.
//!
//! Every generated struct already has `new(required…)` and `with_<property>`
//! setters (see the crate's cookbook). This module adds what the generated
//! code cannot know: one constructor per content `type` (`Content::text`,
//! `Content::image`, …, as the official Node SDK's `typeText`, `typeImage`),
//! the buttons and the four kinds of quick replies, quick replies attached to
//! any content, and the three ways to address a contact.
//!
//! Nothing here checks a limit, and neither do the generated constructors:
//! the client checks a request when it is sent, against every limit of the
//! spec (a text quick reply's `title` of at most 20 characters, its
//! `payload` of at most 1000, …), and refuses it before anything goes on
//! the wire (`Error::InvalidRequest`, naming the JSON path). To check
//! earlier, call [`Validate::validate`](crate::Validate::validate) on the
//! request.
//!
//! The crate's [cookbook](crate::cookbook) has one example per content kind
//! and per way of addressing a contact, each compared with the documented
//! JSON.
//!
//! ```
//! use amio::types::{Button, ChannelRef, ContactById, Content, QuickReply, SendMessageRequest, StructureCard};
//!
//! let card = StructureCard::new()
//!     .with_title("Today's menu")
//!     .with_button(Button::postback("Order", "ORDER_MENU"))
//!     .with_button(Button::url("Details", "https://example.com/menu"));
//! let request = SendMessageRequest::new(ChannelRef::new("6456078759331238786"), ContactById::new("6456078781510718339"))
//!     .with_content(Content::structure(card).with_quick_reply(QuickReply::location()));
//! assert_eq!(request.content.as_ref().map(Content::type_), Some("structure"));
//! ```

use crate::types::{
    Button, ContactById, ContactByPhoneNumber, ContactByUserRef, ContactIdentifier, Content,
    EmailQuickReply, LocationContent, LocationPayload, LocationQuickReply, MediaContent,
    MediaPayload, PhoneButton, PhoneNumberQuickReply, PostbackButton, QuickReplies, QuickReply,
    ReceiptContent, ReceiptPayload, StructureCard, StructureCards, StructureContent,
    StructurePayload, TextContent, TextQuickReply, UrlButton,
};

impl Content {
    /// A text message: `{"type": "text", "payload": "…"}`.
    pub fn text(payload: impl Into<String>) -> Self {
        Self::Text(TextContent::new(payload))
    }

    /// An image, by URL: `{"type": "image", "payload": {"url": "…"}}`.
    pub fn image(url: impl Into<String>) -> Self {
        Self::Image(media(url))
    }

    /// An audio file, by URL: `{"type": "audio", "payload": {"url": "…"}}`.
    pub fn audio(url: impl Into<String>) -> Self {
        Self::Audio(media(url))
    }

    /// A video, by URL: `{"type": "video", "payload": {"url": "…"}}`.
    pub fn video(url: impl Into<String>) -> Self {
        Self::Video(media(url))
    }

    /// Any file, by URL: `{"type": "file", "payload": {"url": "…"}}`.
    pub fn file(url: impl Into<String>) -> Self {
        Self::File(media(url))
    }

    /// A structure message of one card: `{"type": "structure", "payload": {…}}`.
    pub fn structure(card: StructureCard) -> Self {
        Self::Structure(StructureContent::new(StructurePayload::Card(card)))
    }

    /// A horizontal scroll of cards: `{"type": "structure", "payload": [{…}, …]}`.
    pub fn horizontal_scroll(cards: impl IntoIterator<Item = StructureCard>) -> Self {
        Self::Structure(StructureContent::new(StructurePayload::Cards(
            StructureCards(cards.into_iter().collect()),
        )))
    }

    /// A receipt (an order confirmation): `{"type": "receipt", "payload": {…}}`.
    pub fn receipt(payload: ReceiptPayload) -> Self {
        Self::Receipt(ReceiptContent::new(payload))
    }

    /// A location: `{"type": "location", "payload": {"latitude": …, "longitude": …}}`.
    /// Facebook Messenger only receives locations; it cannot send them.
    pub fn location(latitude: f64, longitude: f64) -> Self {
        Self::Location(LocationContent::new(LocationPayload::new(
            latitude, longitude,
        )))
    }

    /// The quick replies attached to this content, if any.
    pub fn quick_replies(&self) -> Option<&QuickReplies> {
        match self {
            Self::Text(c) => c.quick_replies.as_ref(),
            Self::Image(c) | Self::Audio(c) | Self::Video(c) | Self::File(c) => {
                c.quick_replies.as_ref()
            }
            Self::Location(c) => c.quick_replies.as_ref(),
            Self::Structure(c) => c.quick_replies.as_ref(),
            Self::Receipt(c) => c.quick_replies.as_ref(),
            Self::Unknown(_) => None,
        }
    }

    fn quick_replies_mut(&mut self) -> Option<&mut Option<QuickReplies>> {
        Some(match self {
            Self::Text(c) => &mut c.quick_replies,
            Self::Image(c) | Self::Audio(c) | Self::Video(c) | Self::File(c) => {
                &mut c.quick_replies
            }
            Self::Location(c) => &mut c.quick_replies,
            Self::Structure(c) => &mut c.quick_replies,
            Self::Receipt(c) => &mut c.quick_replies,
            Self::Unknown(_) => return None,
        })
    }

    /// Sets the quick replies (`content.quick_replies`, any message type):
    /// replaces those already attached. On content of a type this version
    /// does not know, the JSON member is set as it would be on a known one.
    pub fn with_quick_replies(
        mut self,
        replies: impl IntoIterator<Item = impl Into<QuickReply>>,
    ) -> Self {
        let replies = QuickReplies(replies.into_iter().map(Into::into).collect());
        match self.quick_replies_mut() {
            Some(slot) => *slot = Some(replies),
            None => {
                if let (Self::Unknown(serde_json::Value::Object(object)), Ok(value)) =
                    (&mut self, serde_json::to_value(&replies))
                {
                    object.insert("quick_replies".to_owned(), value);
                }
            }
        }
        self
    }

    /// Adds one quick reply after those already attached.
    pub fn with_quick_reply(mut self, reply: impl Into<QuickReply>) -> Self {
        let reply = reply.into();
        match self.quick_replies_mut() {
            Some(slot) => slot
                .get_or_insert_with(|| QuickReplies(Vec::new()))
                .0
                .push(reply),
            None => {
                if let (Self::Unknown(serde_json::Value::Object(object)), Ok(value)) =
                    (&mut self, serde_json::to_value(&reply))
                {
                    match object.get_mut("quick_replies") {
                        Some(serde_json::Value::Array(list)) => list.push(value),
                        _ => {
                            object.insert(
                                "quick_replies".to_owned(),
                                serde_json::Value::Array(vec![value]),
                            );
                        }
                    }
                }
            }
        }
        self
    }
}

fn media(url: impl Into<String>) -> MediaContent {
    MediaContent::new(MediaPayload::new(url))
}

impl QuickReply {
    /// A Text quick reply, `{"type": "text", "title": "…", "payload": "…"}`:
    /// a button showing `title` (at most 20 characters); tapping it sends
    /// the title as text and `payload` (at most 1000 characters) in the
    /// Message Received webhook. Add an icon with
    /// [`TextQuickReply::with_image_url`] on the struct before converting it.
    pub fn text(title: impl Into<String>, payload: impl Into<String>) -> Self {
        Self::Text(TextQuickReply::new(title, payload))
    }

    /// A User Location quick reply, `{"type": "location"}`: a Send Location
    /// button; the location arrives in the Message Received webhook.
    pub fn location() -> Self {
        Self::Location(LocationQuickReply::new())
    }

    /// An Email quick reply, `{"type": "email"}`, pre-filled with the email
    /// of the user's profile.
    pub fn email() -> Self {
        Self::Email(EmailQuickReply::new())
    }

    /// A Phone Number quick reply, `{"type": "phone_number"}`, pre-filled
    /// with the phone number of the user's profile.
    pub fn phone_number() -> Self {
        Self::PhoneNumber(PhoneNumberQuickReply::new())
    }
}

impl Button {
    /// A postback button: tapping it fires the Postback webhook with `payload`.
    pub fn postback(title: impl Into<String>, payload: impl Into<String>) -> Self {
        Self::Postback(PostbackButton::new(title, payload))
    }

    /// A URL button: tapping it opens `url`.
    pub fn url(title: impl Into<String>, url: impl Into<String>) -> Self {
        Self::Url(UrlButton::new(title, url))
    }

    /// A phone button: tapping it calls `phone_number` (e.g. `+420777111222`).
    pub fn phone(title: impl Into<String>, phone_number: impl Into<String>) -> Self {
        Self::Phone(PhoneButton::new(title, phone_number))
    }
}

impl StructureCard {
    /// Adds one call-to-action button after those already on the card.
    pub fn with_button(mut self, button: Button) -> Self {
        self.buttons.get_or_insert_with(Vec::new).push(button);
        self
    }
}

impl ContactIdentifier {
    /// The contact with this Amio contact id: `{"id": "…"}`.
    pub fn id(id: impl Into<String>) -> Self {
        Self::Id(ContactById::new(id))
    }

    /// The contact with this phone number, in any common format:
    /// `{"phone_number": "…"}` (seeds 000 and 003). On Facebook Messenger the
    /// user gets the message as a pending request; a first and last name help
    /// to match the number ([`ContactByPhoneNumber::with_first_name`]).
    pub fn phone_number(phone_number: impl Into<String>) -> Self {
        Self::PhoneNumber(ContactByPhoneNumber::new(phone_number))
    }

    /// The Facebook Messenger contact of a Checkbox opt-in, until its id is
    /// known: `{"user_ref": "…"}` (seed 001).
    pub fn user_ref(user_ref: impl Into<String>) -> Self {
        Self::UserRef(ContactByUserRef::new(user_ref))
    }
}

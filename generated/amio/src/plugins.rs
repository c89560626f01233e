//! The Facebook Messenger web plugins of seed 001 ("From Webpage"), for the
//! backend that serves the page: typed attributes, escaped output.
//!
//! - [`UserRef`]: the Checkbox plugin's `user_ref`, which "must be unique for
//!   every render" (even a refresh): 128 bits from the operating system's
//!   CSPRNG, never reused.
//! - [`messenger_link`]: an `m.me` link with a URL-encoded `ref`.
//! - [`SendToMessenger`], [`Checkbox`], [`MessageUs`] and [`ChatPlugin`]:
//!   the four plugins' `<div>`s. Every attribute value is HTML-escaped;
//!   `data-ref` is written in single quotes, as the seed requires for JSON.
//! - [`CheckboxConfirmation`]: the `MessengerCheckboxUserConfirmation` call
//!   that confirms a Checkbox opt-in, every value escaped as a JavaScript
//!   string (safe inside a `<script>` element).
//! - [`DEFAULT_APP_ID`]: the Amio Facebook app, used unless you have your own.
//!
//! The output is markup, not a template engine: put it where the plugin
//! goes. The Facebook JavaScript SDK must be loaded on the page (seed 001,
//! "Facebook JavaScript SDK").
//!
//! ```
//! use amio::plugins::{Checkbox, CheckboxSize, UserRef};
//!
//! # fn main() -> Result<(), amio::plugins::RandomError> {
//! let user_ref = UserRef::generate()?; // store it: the Opt-in webhook carries it
//! let checkbox = Checkbox::new("https://shop.example.com", "747722755375845", &user_ref)
//!     .with_prechecked(false)
//!     .with_size(CheckboxSize::Small);
//! let confirmation = checkbox.confirmation().with_ref("order-1234");
//! let html = format!(
//!     "{checkbox}<script>function confirmOptIn() {{ {confirmation} }}</script>"
//! );
//! assert!(html.contains(&format!(r#"user_ref="{user_ref}""#)));
//! # Ok(()) }
//! ```

use std::fmt::{self, Write as _};

/// The Facebook app id of Amio: the `messenger_app_id` (and the SDK's
/// `appId`) to use unless you connect your own Facebook app (seed 001).
pub const DEFAULT_APP_ID: &str = "1806054702946735";

/// The operating system's random number generator failed.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct RandomError(getrandom::Error);

/// A Checkbox plugin `user_ref`: unique for every render, as seed 001
/// requires ("Value must be unique for every render!", "Even for every single
/// page refresh!"). 128 bits from the operating system's CSPRNG, written as
/// 32 lowercase hex digits, so it needs no escaping anywhere.
///
/// Keep it with the user's session: the Opt-in webhook carries it in
/// `data.contact.user_ref`, and until Amio knows the contact's id, a message
/// is sent to it with [`ContactIdentifier::user_ref`](crate::types::ContactIdentifier::user_ref)
/// (or `ContactByUserRef::from(&user_ref)`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UserRef(String);

impl UserRef {
    /// A fresh value; make one for every render.
    pub fn generate() -> Result<Self, RandomError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(RandomError)?;
        Ok(Self(hex::encode(bytes)))
    }

    /// The value, as sent in `user_ref`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserRef").field(&self.0).finish()
    }
}

impl From<UserRef> for String {
    fn from(value: UserRef) -> Self {
        value.0
    }
}

impl From<&UserRef> for crate::types::ContactByUserRef {
    fn from(value: &UserRef) -> Self {
        Self::new(value.as_str())
    }
}

impl From<&UserRef> for crate::types::ContactIdentifier {
    fn from(value: &UserRef) -> Self {
        Self::user_ref(value.as_str())
    }
}

/// What `m.me` links and URLs leave unencoded: RFC 3986's unreserved characters.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A Messenger link to a page, `https://m.me/<page>`, with the optional
/// `ref` parameter (`https://m.me/<page>?ref=<REF>`, seed 001, "Messenger
/// Link"). Both are percent-encoded; the `ref` reaches your webhook as sent.
///
/// A page name that is empty, `.` or `..` names no page (a URL parser reads
/// the last two as the root), and is refused.
///
/// ```
/// assert_eq!(
///     amio::plugins::messenger_link("amio.io", Some("order 12&3")).unwrap(),
///     "https://m.me/amio.io?ref=order%2012%263"
/// );
/// assert!(amio::plugins::messenger_link("..", None).is_err());
/// ```
pub fn messenger_link(
    page_username: &str,
    ref_param: Option<&str>,
) -> Result<String, InvalidPageName> {
    if matches!(page_username, "" | "." | "..") {
        return Err(InvalidPageName);
    }
    let mut link = format!(
        "https://m.me/{}",
        percent_encoding::utf8_percent_encode(page_username, UNRESERVED)
    );
    if let Some(value) = ref_param {
        let _ = write!(
            link,
            "?ref={}",
            percent_encoding::utf8_percent_encode(value, UNRESERVED)
        );
    }
    Ok(link)
}

/// A page name for [`messenger_link`] that names no page: empty, `.` or `..`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a Messenger page name is not empty, `.` or `..`")]
pub struct InvalidPageName;

/// The `color` of the Send to Messenger and Message Us buttons (default `blue`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Color {
    /// `blue`.
    Blue,
    /// `white`.
    White,
}

impl Color {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blue => "blue",
            Self::White => "white",
        }
    }
}

/// The `size` of the Send to Messenger and Message Us buttons (default `large`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ButtonSize {
    /// `standard`.
    Standard,
    /// `large`.
    Large,
    /// `xlarge`.
    XLarge,
}

impl ButtonSize {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Large => "large",
            Self::XLarge => "xlarge",
        }
    }
}

/// The `size` of the Checkbox plugin (default `large`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckboxSize {
    /// `small`.
    Small,
    /// `medium`.
    Medium,
    /// `large`.
    Large,
    /// `standard`.
    Standard,
    /// `xlarge`.
    XLarge,
}

impl CheckboxSize {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
            Self::Standard => "standard",
            Self::XLarge => "xlarge",
        }
    }
}

macro_rules! cta_texts {
    ($( $(#[$doc:meta])* $variant:ident => $value:expr, $english:expr; )*) => {
        /// The text of the Send to Messenger button: the 22 values of seed 001's
        /// "Button Text" table. With any but [`CtaText::SendToMessenger`] (the
        /// table's `null`, no attribute), most signed-in users opt in with one
        /// click and the Opt-in webhook comes at once.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum CtaText {
            $( $(#[$doc])* $variant, )*
        }

        impl CtaText {
            /// Every value, in the seed's order.
            pub const ALL: [CtaText; 22] = [$( Self::$variant, )*];

            /// The `cta_text` attribute value; `None` for the default text
            /// (no attribute).
            pub fn value(self) -> Option<&'static str> {
                match self { $( Self::$variant => $value, )* }
            }

            /// The button's text in English.
            pub fn english(self) -> &'static str {
                match self { $( Self::$variant => $english, )* }
            }
        }
    };
}

cta_texts! {
    /// No `cta_text` (the table's `null`): "Send to Messenger".
    SendToMessenger => None, "Send to Messenger";
    /// `GET_THIS_IN_MESSENGER`.
    GetThisInMessenger => Some("GET_THIS_IN_MESSENGER"), "Get this in Messenger";
    /// `RECEIVE_THIS_IN_MESSENGER`.
    ReceiveThisInMessenger => Some("RECEIVE_THIS_IN_MESSENGER"), "Receive this in Messenger";
    /// `SEND_THIS_TO_ME`.
    SendThisToMe => Some("SEND_THIS_TO_ME"), "Send this to me";
    /// `GET_CUSTOMER_ASSISTANCE`.
    GetCustomerAssistance => Some("GET_CUSTOMER_ASSISTANCE"), "Get customer assistance";
    /// `GET_CUSTOMER_SERVICE`.
    GetCustomerService => Some("GET_CUSTOMER_SERVICE"), "Get customer service";
    /// `GET_SUPPORT`.
    GetSupport => Some("GET_SUPPORT"), "Get support";
    /// `LET_US_CHAT`.
    LetUsChat => Some("LET_US_CHAT"), "Let us chat";
    /// `SEND_ME_MESSAGES`.
    SendMeMessages => Some("SEND_ME_MESSAGES"), "Send me messages";
    /// `ALERT_ME_IN_MESSENGER`.
    AlertMeInMessenger => Some("ALERT_ME_IN_MESSENGER"), "Alert me in Messenger";
    /// `SEND_ME_UPDATES`.
    SendMeUpdates => Some("SEND_ME_UPDATES"), "Send me updates";
    /// `MESSAGE_ME`.
    MessageMe => Some("MESSAGE_ME"), "Message me";
    /// `LET_ME_KNOW`.
    LetMeKnow => Some("LET_ME_KNOW"), "Let me know";
    /// `KEEP_ME_UPDATED`.
    KeepMeUpdated => Some("KEEP_ME_UPDATED"), "Keep me updated";
    /// `TELL_ME_MORE`.
    TellMeMore => Some("TELL_ME_MORE"), "Tell me more";
    /// `SUBSCRIBE_IN_MESSENGER`.
    SubscribeInMessenger => Some("SUBSCRIBE_IN_MESSENGER"), "Subscribe in Messenger";
    /// `SUBSCRIBE_TO_UPDATES`.
    SubscribeToUpdates => Some("SUBSCRIBE_TO_UPDATES"), "Subscribe to updates";
    /// `GET_MESSAGES`.
    GetMessages => Some("GET_MESSAGES"), "Get messages";
    /// `SUBSCRIBE`.
    Subscribe => Some("SUBSCRIBE"), "Subscribe";
    /// `GET_STARTED_IN_MESSENGER`.
    GetStartedInMessenger => Some("GET_STARTED_IN_MESSENGER"), "Get started in Messenger";
    /// `LEARN_MORE_IN_MESSENGER`.
    LearnMoreInMessenger => Some("LEARN_MORE_IN_MESSENGER"), "Learn more in Messenger";
    /// `GET_STARTED`.
    GetStarted => Some("GET_STARTED"), "Get started";
}

/// Writes ` name="value"` with the value HTML-escaped for a double-quoted
/// attribute, or ` name='value'` for a single-quoted one. A carriage return
/// is written as the character reference `&#13;` (HTML parsers turn a literal
/// one into a line feed; the reference is a parse error from which every
/// parser recovers by keeping the carriage return); U+0000, which HTML cannot carry, becomes U+FFFD, as every
/// HTML parser would make of it.
fn attribute(out: &mut String, name: &str, value: &str, single: bool) {
    let quote = if single { '\'' } else { '"' };
    out.push(' ');
    out.push_str(name);
    out.push('=');
    out.push(quote);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            '"' if !single => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\0' => out.push('\u{FFFD}'),
            other => out.push(other),
        }
    }
    out.push(quote);
}

/// `value` as a single-quoted JavaScript string literal. Only ASCII letters,
/// digits and ` _.,:/@-` are written as they are; every other character is a
/// `\uXXXX` escape, so the literal holds no quote, backslash, line break,
/// `<` or `&`, and can close neither the string nor a `<script>` element.
fn js_string(out: &mut String, value: &str) {
    out.push('\'');
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || " _.,:/@-".contains(c) {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out.push('\'');
}

fn element(class: &str, attributes: impl FnOnce(&mut String)) -> String {
    let mut out = String::from("<div");
    attribute(&mut out, "class", class, false);
    attributes(&mut out);
    out.push_str("></div>");
    out
}

/// The Send to Messenger button (`fb-send-to-messenger`): binds a Messenger
/// user to your application; a click fires the Opt-in webhook with
/// `data-ref` as its payload.
#[derive(Clone, Debug, PartialEq)]
pub struct SendToMessenger {
    app_id: String,
    page_id: String,
    data_ref: Option<String>,
    color: Option<Color>,
    size: Option<ButtonSize>,
    cta_text: CtaText,
}

impl SendToMessenger {
    /// The button for the Facebook page `page_id`, with the Amio app.
    pub fn new(page_id: impl Into<String>) -> Self {
        Self {
            app_id: DEFAULT_APP_ID.to_owned(),
            page_id: page_id.into(),
            data_ref: None,
            color: None,
            size: None,
            cta_text: CtaText::SendToMessenger,
        }
    }

    /// Your own Facebook app's id instead of [`DEFAULT_APP_ID`].
    pub fn with_app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = app_id.into();
        self
    }

    /// `data-ref`: any data, delivered to the Opt-in webhook.
    pub fn with_ref(mut self, data_ref: impl Into<String>) -> Self {
        self.data_ref = Some(data_ref.into());
        self
    }

    /// `data-ref` holding JSON (written compactly, in single quotes).
    pub fn with_json_ref(mut self, data_ref: &serde_json::Value) -> Self {
        self.data_ref = Some(data_ref.to_string());
        self
    }

    /// `color`.
    pub fn with_color(mut self, color: Color) -> Self {
        self.color = Some(color);
        self
    }

    /// `size`.
    pub fn with_size(mut self, size: ButtonSize) -> Self {
        self.size = Some(size);
        self
    }

    /// `cta_text`: the button's text.
    pub fn with_cta_text(mut self, cta_text: CtaText) -> Self {
        self.cta_text = cta_text;
        self
    }
}

impl fmt::Display for SendToMessenger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&element("fb-send-to-messenger", |out| {
            attribute(out, "messenger_app_id", &self.app_id, false);
            attribute(out, "page_id", &self.page_id, false);
            if let Some(data_ref) = &self.data_ref {
                attribute(out, "data-ref", data_ref, true);
            }
            if let Some(color) = self.color {
                attribute(out, "color", color.as_str(), false);
            }
            if let Some(size) = self.size {
                attribute(out, "size", size.as_str(), false);
            }
            if let Some(cta_text) = self.cta_text.value() {
                attribute(out, "cta_text", cta_text, false);
            }
        }))
    }
}

/// The Checkbox plugin (`fb-messenger-checkbox`): opts a Messenger user in
/// from a form; confirm it with [`Checkbox::confirmation`].
#[derive(Clone, Debug, PartialEq)]
pub struct Checkbox {
    app_id: String,
    origin: String,
    page_id: String,
    user_ref: String,
    prechecked: Option<bool>,
    allow_login: Option<bool>,
    size: Option<CheckboxSize>,
}

impl Checkbox {
    /// The checkbox for the Facebook page `page_id` on a page served from
    /// `origin` (the base domain where the plugin is loaded; it must be
    /// whitelisted), for this render's `user_ref`.
    pub fn new(origin: impl Into<String>, page_id: impl Into<String>, user_ref: &UserRef) -> Self {
        Self {
            app_id: DEFAULT_APP_ID.to_owned(),
            origin: origin.into(),
            page_id: page_id.into(),
            user_ref: user_ref.as_str().to_owned(),
            prechecked: None,
            allow_login: None,
            size: None,
        }
    }

    /// Your own Facebook app's id instead of [`DEFAULT_APP_ID`].
    pub fn with_app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = app_id.into();
        self
    }

    /// `prechecked`: whether the box is checked when rendered (default true).
    pub fn with_prechecked(mut self, prechecked: bool) -> Self {
        self.prechecked = Some(prechecked);
        self
    }

    /// `allow_login`: whether people without a Facebook session may log in
    /// (and see "Not you?") (default true).
    pub fn with_allow_login(mut self, allow_login: bool) -> Self {
        self.allow_login = Some(allow_login);
        self
    }

    /// `size`.
    pub fn with_size(mut self, size: CheckboxSize) -> Self {
        self.size = Some(size);
        self
    }

    /// The `MessengerCheckboxUserConfirmation` event that confirms this
    /// checkbox's opt-in (same app, page and `user_ref`).
    pub fn confirmation(&self) -> CheckboxConfirmation {
        CheckboxConfirmation {
            app_id: self.app_id.clone(),
            page_id: self.page_id.clone(),
            ref_param: None,
            user_ref: self.user_ref.clone(),
        }
    }
}

impl fmt::Display for Checkbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&element("fb-messenger-checkbox", |out| {
            attribute(out, "messenger_app_id", &self.app_id, false);
            attribute(out, "origin", &self.origin, false);
            attribute(out, "page_id", &self.page_id, false);
            if let Some(prechecked) = self.prechecked {
                attribute(
                    out,
                    "prechecked",
                    if prechecked { "true" } else { "false" },
                    false,
                );
            }
            if let Some(allow_login) = self.allow_login {
                attribute(
                    out,
                    "allow_login",
                    if allow_login { "true" } else { "false" },
                    false,
                );
            }
            attribute(out, "user_ref", &self.user_ref, false);
            if let Some(size) = self.size {
                attribute(out, "size", size.as_str(), false);
            }
        }))
    }
}

/// The JavaScript call that confirms a Checkbox opt-in and triggers the
/// Opt-in webhook (seed 001, "5. Confirm Opt-in"):
/// `FB.AppEvents.logEvent('MessengerCheckboxUserConfirmation', null, {…})`.
/// Every value is a JavaScript string escaped so that it can close neither
/// the string nor a `<script>` element; inside an HTML attribute
/// (`onclick="…"`) it holds no `"`, `&` or `<` either.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckboxConfirmation {
    app_id: String,
    page_id: String,
    ref_param: Option<String>,
    user_ref: String,
}

impl CheckboxConfirmation {
    /// `ref`: any data, delivered in the Opt-in webhook as `data.opt_in.payload`.
    pub fn with_ref(mut self, ref_param: impl Into<String>) -> Self {
        self.ref_param = Some(ref_param.into());
        self
    }
}

impl fmt::Display for CheckboxConfirmation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from(
            "FB.AppEvents.logEvent('MessengerCheckboxUserConfirmation', null, { app_id: ",
        );
        js_string(&mut out, &self.app_id);
        out.push_str(", page_id: ");
        js_string(&mut out, &self.page_id);
        if let Some(ref_param) = &self.ref_param {
            out.push_str(", ref: ");
            js_string(&mut out, ref_param);
        }
        out.push_str(", user_ref: ");
        js_string(&mut out, &self.user_ref);
        out.push_str(" })");
        f.write_str(&out)
    }
}

/// The Message Us button (`fb-messengermessageus`): opens a conversation
/// with the page on messenger.com or in the Messenger app.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageUs {
    app_id: String,
    page_id: String,
    color: Option<Color>,
    size: Option<ButtonSize>,
}

impl MessageUs {
    /// The button for the Facebook page `page_id`, with the Amio app.
    pub fn new(page_id: impl Into<String>) -> Self {
        Self {
            app_id: DEFAULT_APP_ID.to_owned(),
            page_id: page_id.into(),
            color: None,
            size: None,
        }
    }

    /// Your own Facebook app's id instead of [`DEFAULT_APP_ID`].
    pub fn with_app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = app_id.into();
        self
    }

    /// `color`.
    pub fn with_color(mut self, color: Color) -> Self {
        self.color = Some(color);
        self
    }

    /// `size`.
    pub fn with_size(mut self, size: ButtonSize) -> Self {
        self.size = Some(size);
        self
    }
}

impl fmt::Display for MessageUs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&element("fb-messengermessageus", |out| {
            attribute(out, "messenger_app_id", &self.app_id, false);
            attribute(out, "page_id", &self.page_id, false);
            if let Some(color) = self.color {
                attribute(out, "color", color.as_str(), false);
            }
            if let Some(size) = self.size {
                attribute(out, "size", size.as_str(), false);
            }
        }))
    }
}

/// The customer Chat Plugin (`fb-customerchat`): a Messenger chat on your
/// pages, served over HTTPS from a whitelisted domain.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatPlugin {
    page_id: String,
}

impl ChatPlugin {
    /// The chat with the Facebook page `page_id`.
    pub fn new(page_id: impl Into<String>) -> Self {
        Self {
            page_id: page_id.into(),
        }
    }
}

impl fmt::Display for ChatPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&element("fb-customerchat", |out| {
            attribute(out, "page_id", &self.page_id, false);
        }))
    }
}

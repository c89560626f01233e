//! Seed 001's web plugin helpers: hostile values survive the HTML and the
//! JavaScript they are written into, read back by a real HTML parser, and a
//! `UserRef` is never repeated.

use std::collections::HashSet;

use amio::plugins::{
    ButtonSize, ChatPlugin, Checkbox, CheckboxSize, Color, CtaText, DEFAULT_APP_ID,
    InvalidPageName, MessageUs, SendToMessenger, UserRef, messenger_link,
};
use scraper::{Html, Selector};

/// Values that break naive markup: quotes of both kinds, `</script>`, a tag,
/// entities, line breaks (CRLF too), a backslash, JavaScript line
/// separators and non-ASCII text.
const HOSTILE: &[&str] = &[
    r#"a"b'c"#,
    "</script><script>alert(1)</script>",
    "<div class=\"x\">&amp;&</div>",
    "line\nbreak\r\nand\rcarriage",
    "back\\slash \\' \\\" ${x} `tick`",
    "sep\u{2028}ara\u{2029}tors",
    "Příliš žluťoučký kůň 🐴 日本語",
    "' onmouseover='alert(1)",
    "\" onmouseover=\"alert(1)",
    "-->{{x}}<!--",
];

/// The one `<div>` of a rendered plugin, as an HTML parser reads it.
fn parsed_div(html: &str) -> scraper::ElementRef<'static> {
    let document: &'static Html = Box::leak(Box::new(Html::parse_fragment(html)));
    let divs: Vec<_> = document.select(&Selector::parse("div").unwrap()).collect();
    assert_eq!(divs.len(), 1, "exactly one element in {html}");
    assert_eq!(
        document.root_element().children().count(),
        1,
        "nothing beside the element in {html}"
    );
    // A carriage return is written as `&#13;` (a literal one would be read
    // as a line feed): HTML calls that reference a parse error, from which
    // every parser recovers by keeping the carriage return. Nothing else is.
    let carriage_returns = html.matches("&#13;").count();
    assert!(
        document.errors.len() == carriage_returns
            && document
                .errors
                .iter()
                .all(|e| e.contains("numeric character reference")),
        "parse errors {:?} in {html}",
        document.errors
    );
    divs[0]
}

fn attributes(div: scraper::ElementRef<'_>) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = div
        .value()
        .attrs()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    all.sort();
    all
}

fn expected(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    all.sort();
    all
}

#[test]
fn send_to_messenger_keeps_every_hostile_value_intact() {
    for value in HOSTILE {
        let html = SendToMessenger::new(*value)
            .with_app_id(*value)
            .with_ref(*value)
            .with_color(Color::White)
            .with_size(ButtonSize::XLarge)
            .with_cta_text(CtaText::GetThisInMessenger)
            .to_string();
        let div = parsed_div(&html);
        assert!(div.text().next().is_none(), "no text in {html}");
        assert_eq!(
            attributes(div),
            expected(&[
                ("class", "fb-send-to-messenger"),
                ("messenger_app_id", value),
                ("page_id", value),
                ("data-ref", value),
                ("color", "white"),
                ("size", "xlarge"),
                ("cta_text", "GET_THIS_IN_MESSENGER"),
            ]),
            "{html}"
        );
    }
}

#[test]
fn data_ref_json_is_single_quoted_and_reads_back_as_the_same_json() {
    let json = serde_json::json!({"order": "12'34", "note": "</script>&\"x\""});
    let html = SendToMessenger::new("1").with_json_ref(&json).to_string();
    assert!(html.contains("data-ref='{\""), "{html}");
    let div = parsed_div(&html);
    let read: serde_json::Value =
        serde_json::from_str(div.value().attr("data-ref").unwrap()).unwrap();
    assert_eq!(read, json);
}

#[test]
fn the_seed_example_of_send_to_messenger() {
    // Seed 001, "Send to Messenger Button": the printed snippet with its
    // placeholders filled, and the defaults this crate writes.
    let html = SendToMessenger::new("747722755375845")
        .with_ref("PASS_THROUGH_PARAM")
        .with_color(Color::Blue)
        .with_size(ButtonSize::Standard)
        .to_string();
    assert_eq!(
        html,
        r#"<div class="fb-send-to-messenger" messenger_app_id="1806054702946735" page_id="747722755375845" data-ref='PASS_THROUGH_PARAM' color="blue" size="standard"></div>"#
    );
}

#[test]
fn checkbox_message_us_and_chat_keep_every_hostile_value_intact() {
    let user_ref = UserRef::generate().unwrap();
    for value in HOSTILE {
        let html = Checkbox::new(*value, *value, &user_ref)
            .with_app_id(*value)
            .with_prechecked(false)
            .with_allow_login(true)
            .with_size(CheckboxSize::Medium)
            .to_string();
        assert_eq!(
            attributes(parsed_div(&html)),
            expected(&[
                ("class", "fb-messenger-checkbox"),
                ("messenger_app_id", value),
                ("origin", value),
                ("page_id", value),
                ("prechecked", "false"),
                ("allow_login", "true"),
                ("user_ref", user_ref.as_str()),
                ("size", "medium"),
            ]),
            "{html}"
        );

        let html = MessageUs::new(*value)
            .with_app_id(*value)
            .with_color(Color::Blue)
            .with_size(ButtonSize::Large)
            .to_string();
        assert_eq!(
            attributes(parsed_div(&html)),
            expected(&[
                ("class", "fb-messengermessageus"),
                ("messenger_app_id", value),
                ("page_id", value),
                ("color", "blue"),
                ("size", "large"),
            ]),
            "{html}"
        );

        let html = ChatPlugin::new(*value).to_string();
        assert_eq!(
            attributes(parsed_div(&html)),
            expected(&[("class", "fb-customerchat"), ("page_id", value)]),
            "{html}"
        );
    }
}

#[test]
fn the_default_app_id_is_amios() {
    assert_eq!(DEFAULT_APP_ID, "1806054702946735");
    let html = MessageUs::new("1").to_string();
    assert_eq!(
        parsed_div(&html).value().attr("messenger_app_id"),
        Some(DEFAULT_APP_ID)
    );
}

#[test]
fn cta_text_has_the_seeds_22_values() {
    let values: Vec<Option<&str>> = CtaText::ALL.iter().map(|c| c.value()).collect();
    assert_eq!(values.len(), 22);
    assert_eq!(values[0], None, "the table's first row is `null`");
    let distinct: HashSet<_> = values.iter().collect();
    assert_eq!(distinct.len(), 22);
    assert_eq!(CtaText::GetStarted.value(), Some("GET_STARTED"));
    assert_eq!(CtaText::SendToMessenger.english(), "Send to Messenger");
    // The default writes no attribute at all.
    let html = SendToMessenger::new("1").to_string();
    assert_eq!(parsed_div(&html).value().attr("cta_text"), None);
    for cta in CtaText::ALL.iter().skip(1) {
        let html = SendToMessenger::new("1").with_cta_text(*cta).to_string();
        assert_eq!(parsed_div(&html).value().attr("cta_text"), cta.value());
    }
}

/// Reads back the single-quoted JavaScript string literals of `js`, in order.
/// Only `\uXXXX` escapes are accepted inside them (that is all the renderer
/// writes); anything else fails the test.
fn js_strings(js: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = js.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut units = Vec::new();
        loop {
            match chars.next().expect("an unterminated string") {
                '\'' => break,
                '\\' => {
                    assert_eq!(chars.next(), Some('u'), "only \\u escapes in {js}");
                    let hex: String = (0..4).map(|_| chars.next().unwrap()).collect();
                    units.push(u16::from_str_radix(&hex, 16).unwrap());
                }
                c => {
                    assert!(
                        c.is_ascii() && !c.is_ascii_control(),
                        "a raw {c:?} in a string of {js}"
                    );
                    units.push(c as u16);
                }
            }
        }
        out.push(String::from_utf16(&units).unwrap());
    }
    out
}

#[test]
fn the_confirmation_snippet_escapes_every_hostile_value() {
    let user_ref = UserRef::generate().unwrap();
    for value in HOSTILE {
        let checkbox =
            Checkbox::new("https://shop.example.com", *value, &user_ref).with_app_id(*value);
        let js = checkbox.confirmation().with_ref(*value).to_string();
        assert!(
            js.starts_with(
                "FB.AppEvents.logEvent('MessengerCheckboxUserConfirmation', null, { app_id: '"
            ),
            "{js}"
        );
        assert_eq!(
            js_strings(&js),
            vec![
                "MessengerCheckboxUserConfirmation".to_owned(),
                (*value).to_owned(),
                (*value).to_owned(),
                (*value).to_owned(),
                user_ref.to_string(),
            ],
            "{js}"
        );
        // Inside a <script> element, an HTML parser gives back exactly the
        // script: nothing closes it early.
        let page = format!(
            "<!DOCTYPE html><html><head><script>function confirmOptIn() {{ {js} }}</script></head><body></body></html>"
        );
        let document = Html::parse_document(&page);
        let scripts: Vec<String> = document
            .select(&Selector::parse("script").unwrap())
            .map(|s| s.text().collect())
            .collect();
        assert_eq!(scripts, vec![format!("function confirmOptIn() {{ {js} }}")]);
        assert!(document.errors.is_empty(), "{:?}", document.errors);
        // Inside a double-quoted attribute too.
        let html = format!(r#"<div onclick="{js}"></div>"#);
        assert_eq!(parsed_div(&html).value().attr("onclick"), Some(js.as_str()));
    }
}

#[test]
fn the_confirmation_leaves_out_an_absent_ref() {
    let user_ref = UserRef::generate().unwrap();
    let js = Checkbox::new("https://a.example", "42", &user_ref)
        .confirmation()
        .to_string();
    assert_eq!(
        js,
        format!(
            "FB.AppEvents.logEvent('MessengerCheckboxUserConfirmation', null, {{ app_id: '{DEFAULT_APP_ID}', page_id: '42', user_ref: '{user_ref}' }})"
        )
    );
}

#[test]
fn user_refs_are_unique_over_100_000_renders() {
    let mut seen = HashSet::with_capacity(100_000);
    for _ in 0..100_000 {
        let user_ref = UserRef::generate().unwrap();
        assert_eq!(user_ref.as_str().len(), 32);
        assert!(
            user_ref
                .as_str()
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert!(seen.insert(user_ref), "a repeated user_ref");
    }
    assert_eq!(seen.len(), 100_000);
}

#[test]
fn messenger_links_percent_encode_the_page_and_the_ref() {
    assert_eq!(
        messenger_link("amio.io", None).unwrap(),
        "https://m.me/amio.io"
    );
    assert_eq!(
        messenger_link("my page/x", Some("{\"a\":\"b&c=d\"}")).unwrap(),
        "https://m.me/my%20page%2Fx?ref=%7B%22a%22%3A%22b%26c%3Dd%22%7D"
    );
    for value in HOSTILE {
        let link = messenger_link("page", Some(value)).unwrap();
        let url = reqwest::Url::parse(&link).expect("a valid URL");
        assert_eq!(url.host_str(), Some("m.me"));
        let refs: Vec<String> = url
            .query_pairs()
            .filter(|(k, _)| k == "ref")
            .map(|(_, v)| v.into_owned())
            .collect();
        assert_eq!(refs, vec![(*value).to_owned()], "{link}");
    }
    // A name a URL parser reads as the root names no page, and is refused;
    // any other lands in the path as one segment.
    for name in ["", ".", ".."] {
        assert_eq!(messenger_link(name, Some("r")), Err(InvalidPageName));
    }
    for name in ["...", "%2e%2e", "//evil.example", "a/../b"] {
        let link = messenger_link(name, None).unwrap();
        let url = reqwest::Url::parse(&link).expect("a valid URL");
        assert_eq!(url.host_str(), Some("m.me"), "{link}");
        assert_eq!(url.path_segments().map(Iterator::count), Some(1), "{link}");
    }
}

//! Strict on what we send, lenient on what we receive: the spec's limits
//! (`maxLength`, `maxItems`) and the documented rules refuse a request before
//! it is sent, naming the path and the rule, and never refuse what the server
//! sends.

use amio::types::{
    ChannelRef, ContactById, Content, Menu, Metadata, QuickReplies, SendMessageRequest,
    SettingsUpdate, TextQuickReply, UserInput, WebhookEvent,
};
use amio::webhook::{self, Event, Secrets};
use amio::{Client, Rule, Validate, ValidationError};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A `message_echo` of a text whose quick reply is over every limit of
/// seed 000: a 30-character title (limit 20, "longer text gets truncated"), a
/// 1500-character payload (limit 1000), and platform metadata of 1500.
fn long_echo() -> Vec<u8> {
    let title = "t".repeat(30);
    let long = "p".repeat(1500);
    format!(
        r#"{{"event":"message_echo","timestamp":"2016-10-06T13:42:48Z","data":{{"id":"6456078996108088196","channel":{{"id":"6456078759331238786","type":"facebook_messenger"}},"contact":{{"id":"6456078781510718339"}},"content":{{"type":"text","payload":"Pick one","quick_replies":[{{"type":"text","title":"{title}","payload":"{long}"}},{{"type":"location"}}]}},"metadata":{{"platform_metadata":"{long}"}}}}}}"#
    )
    .into_bytes()
}

#[test]
fn an_over_long_quick_reply_echo_parses() {
    let body = long_echo();
    let secrets = Secrets::single("secret");
    let header = webhook::sign(b"secret", &body);
    let event = webhook::verify_and_parse(&secrets, &body, Some(&header)).expect("it parses");
    let Event::MessageEcho(echo) = event else {
        panic!("a message_echo")
    };
    let Content::Text(text) = &echo.data.content else {
        panic!("a text")
    };
    let replies = text.quick_replies.as_ref().expect("quick replies");
    let amio::types::QuickReply::Text(first) = &replies.0[0] else {
        panic!("a text quick reply")
    };
    assert_eq!(first.title.chars().count(), 30);
    assert_eq!(first.payload.len(), 1500);
    let metadata = echo.data.metadata.as_ref().expect("metadata");
    assert_eq!(
        metadata.platform_metadata.as_deref().map(str::len),
        Some(1500)
    );
}

fn text_with_replies(replies: Vec<TextQuickReply>) -> SendMessageRequest {
    let replies = QuickReplies(replies.into_iter().map(Into::into).collect());
    SendMessageRequest::new(
        ChannelRef::new("6350078530425603803"),
        ContactById::new("6353980497470726231"),
    )
    .with_content(amio::types::TextContent::new("Pick one").with_quick_replies(replies))
}

fn reply(title: &str) -> TextQuickReply {
    TextQuickReply::new(title, "DEVELOPER_DEFINED_PAYLOAD")
}

#[tokio::test]
async fn the_same_title_in_a_request_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("test-token")
        .build()
        .unwrap();
    let title = "t".repeat(30);
    let request = text_with_replies(vec![reply("Fine"), reply(&title)]);

    let error = request.validate().unwrap_err();
    assert_eq!(error.path, "content.quick_replies[1].title");
    assert_eq!(
        error.rule,
        Rule::MaxLength {
            max: TextQuickReply::TITLE_MAX_LENGTH,
            length: 30
        }
    );

    let error = client.send_message(&request).await.unwrap_err();
    assert_eq!(error.path(), Some("content.quick_replies[1].title"));
    let amio::Error::InvalidRequest(refused) = &error else {
        panic!("refused before sending: {error:?}")
    };
    assert_eq!(refused.path(), "content.quick_replies[1].title");
    assert_eq!(
        refused.rule(),
        &Rule::MaxLength {
            max: TextQuickReply::TITLE_MAX_LENGTH,
            length: 30
        }
    );
    let message = error.to_string();
    assert!(
        message.contains("`content.quick_replies[1].title` has 30 characters; at most 20"),
        "{message}"
    );
    assert!(!message.contains(&title), "the value is never shown");
    // The server saw nothing.
    server.verify().await;
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

fn refused(request: &impl Validate) -> (String, Rule) {
    let ValidationError { path, rule, .. } = request.validate().expect_err("refused");
    (path, rule)
}

#[test]
fn at_most_11_quick_replies() {
    assert_eq!(QuickReplies::MAX_ITEMS, 11);
    let request = |n| text_with_replies(vec![reply("A"); n]);
    assert_eq!(request(11).validate(), Ok(()));
    assert_eq!(
        refused(&request(12)),
        (
            "content.quick_replies".into(),
            Rule::MaxItems { max: 11, count: 12 }
        )
    );
}

fn menu(locale: &str, items: usize) -> Menu {
    let item = json!({"type": "postback", "title": "Start", "payload": "START"});
    serde_json::from_value(json!({"locale": locale, "items": vec![item; items]})).unwrap()
}

fn input(locale: &str, enabled: bool) -> UserInput {
    UserInput::new(locale, enabled)
}

fn documented(request: &impl Validate) -> (String, &'static str) {
    match refused(request) {
        (path, Rule::Documented { source, .. }) => (path, source),
        other => panic!("not a documented rule: {other:?}"),
    }
}

#[test]
fn menus_have_at_most_3_items_and_a_default_locale() {
    assert_eq!(Menu::ITEMS_MAX_ITEMS, 3);
    let with = |menus: Vec<Menu>| SettingsUpdate::new().with_menu(menus);
    assert_eq!(
        with(vec![menu("default", 3), menu("cs_CZ", 1)]).validate(),
        Ok(())
    );
    assert_eq!(
        refused(&with(vec![menu("default", 4)])),
        ("menu[0].items".into(), Rule::MaxItems { max: 3, count: 4 })
    );
    assert_eq!(
        documented(&with(vec![menu("cs_CZ", 1)])),
        ("menu".into(), "seed 000, \"Settings\"")
    );
    // Deleting the menu needs no default.
    assert_eq!(SettingsUpdate::new().with_menu_null().validate(), Ok(()));
}

#[test]
fn a_menu_is_not_set_while_the_get_started_button_is_deleted() {
    let request = SettingsUpdate::new()
        .with_menu(vec![menu("default", 1)])
        .with_get_started_button_null();
    assert_eq!(
        documented(&request),
        ("get_started_button".into(), "seed 000, \"Settings\"")
    );
}

#[test]
fn user_inputs_have_a_default_locale_and_need_a_menu_to_be_disabled() {
    let with = |inputs: Vec<UserInput>| SettingsUpdate::new().with_user_inputs(inputs);
    assert_eq!(with(vec![input("default", false)]).validate(), Ok(()));
    assert_eq!(
        documented(&with(vec![input("en_US", true)])),
        ("user_inputs".into(), "seed 000, \"Settings\"")
    );
    assert_eq!(
        documented(&with(vec![input("default", false)]).with_menu_null()),
        ("menu".into(), "seed 000, \"User Inputs requires Menu\"")
    );
    assert_eq!(
        with(vec![input("default", true)])
            .with_menu_null()
            .validate(),
        Ok(())
    );
}

#[test]
fn a_message_type_is_set_only_without_a_tag() {
    let metadata = |value: Value| -> Metadata { serde_json::from_value(value).unwrap() };
    let mut request = text_with_replies(vec![]);
    request.metadata = Some(metadata(json!({"type": "update"})));
    assert_eq!(request.validate(), Ok(()));
    request.metadata = Some(metadata(
        json!({"type": "update", "tag": "shipping_update"}),
    ));
    assert_eq!(
        documented(&request),
        ("metadata.type".into(), "seed 000, \"Metadata\", Types")
    );
    // Received, the same metadata reads.
    let echo: WebhookEvent = serde_json::from_value(json!({
        "event": "message_echo", "timestamp": "2016-10-06T13:42:48Z",
        "data": {"id": "1", "channel": {"id": "2"}, "contact": {"id": "3"},
                 "content": {"type": "text", "payload": "x"},
                 "metadata": {"type": "update", "tag": "shipping_update"}}
    }))
    .unwrap();
    assert!(matches!(echo, WebhookEvent::MessageEcho(_)));
}

/// Every request example of the spec passes the checks.
#[test]
fn the_spec_request_examples_pass() {
    let spec = spec();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(media) = operation.pointer("/requestBody/content/application~1json") else {
                continue;
            };
            let schema = media["schema"]["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            for (name, example) in media["examples"].as_object().into_iter().flatten() {
                let value = resolve(&spec, example)["value"].clone();
                let outcome = match schema {
                    "SendMessageRequest" => check::<SendMessageRequest>(value),
                    "SettingsUpdate" => check::<SettingsUpdate>(value),
                    "SendNotificationRequest" => {
                        check::<amio::types::SendNotificationRequest>(value)
                    }
                    "CreateChannelRequest" => check::<amio::types::CreateChannelRequest>(value),
                    "UpdateChannelRequest" => check::<amio::types::UpdateChannelRequest>(value),
                    other => {
                        panic!("{method} {path}: a request of {other} this test does not know")
                    }
                };
                assert_eq!(outcome, Ok(()), "{method} {path} {name}");
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "{checked} examples");
}

fn check<T: Validate + serde::de::DeserializeOwned>(value: Value) -> Result<(), ValidationError> {
    serde_json::from_value::<T>(value)
        .expect("the example reads")
        .validate()
}

fn spec() -> Value {
    let text = std::fs::read_to_string(crate::root().join("spec/amio.yaml")).expect("spec reads");
    serde_yaml::from_str(&text).expect("spec is YAML")
}

/// `value`, or what its `$ref` points to.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            resolve(spec, spec.pointer(pointer).expect("the $ref resolves"))
        }
        None => value,
    }
}

/// Lengthening the strings of examples beyond every `maxLength` of the spec.
mod lenient {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{FileFailurePersistence, RngSeed};

    /// The longest `maxLength` anywhere in the spec.
    fn longest_limit(value: &Value) -> usize {
        match value {
            Value::Object(object) => object
                .iter()
                .map(|(key, child)| match (key.as_str(), child.as_u64()) {
                    ("maxLength", Some(n)) => usize::try_from(n).unwrap(),
                    _ => longest_limit(child),
                })
                .max()
                .unwrap_or(0),
            Value::Array(items) => items.iter().map(longest_limit).max().unwrap_or(0),
            _ => 0,
        }
    }

    /// Appends `extra` to every free string of `value` (a string whose
    /// schema is a plain `type: string`: no `enum`, no `format`, not a tag),
    /// walking the schema beside the value. Returns how many were lengthened.
    fn lengthen(spec: &Value, schema: &Value, value: &mut Value, extra: &str) -> usize {
        let schema = resolve(spec, schema);
        if let Some(all_of) = schema.get("allOf").and_then(Value::as_array) {
            return all_of.iter().map(|s| lengthen(spec, s, value, extra)).sum();
        }
        if let Some(discriminator) = schema.get("discriminator") {
            let tag = discriminator["propertyName"].as_str().unwrap();
            let Some(target) = value
                .get(tag)
                .and_then(Value::as_str)
                .and_then(|t| discriminator["mapping"].get(t))
            else {
                return 0;
            };
            let variant = json!({"$ref": target});
            return lengthen(spec, &variant, value, extra);
        }
        match value {
            Value::String(text) => {
                let free = schema.get("type").and_then(Value::as_str) == Some("string")
                    && schema.get("enum").is_none()
                    && schema.get("format").is_none();
                if free {
                    text.push_str(extra);
                    1
                } else {
                    0
                }
            }
            Value::Array(items) => match schema.get("items") {
                Some(items_schema) => items
                    .iter_mut()
                    .map(|item| lengthen(spec, items_schema, item, extra))
                    .sum(),
                None => 0,
            },
            Value::Object(object) => {
                let properties = schema.get("properties");
                object
                    .iter_mut()
                    .map(|(key, child)| match properties.and_then(|p| p.get(key)) {
                        Some(property) => lengthen(spec, property, child, extra),
                        None => 0,
                    })
                    .sum()
            }
            _ => 0,
        }
    }

    fn examples(spec: &Value) -> Vec<(String, Value)> {
        let callbacks = spec
            .pointer("/paths/~1channels/post/callbacks/webhook")
            .and_then(Value::as_object)
            .expect("the webhook callback of create_channel");
        callbacks
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .flat_map(|operation| {
                operation
                    .pointer("/requestBody/content/application~1json/examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
            })
            .map(|(name, example)| (name.clone(), resolve(spec, example)["value"].clone()))
            .chain(echoes(spec))
            .collect()
    }

    /// A `message_echo` of every message the `send_message` request examples
    /// send ("The structure matches Send Message response structure", seed
    /// 000, "Webhooks"): the echoes carry what the webhook examples lack,
    /// quick replies and platform metadata, whose strings have a `maxLength`.
    fn echoes(spec: &Value) -> Vec<(String, Value)> {
        let examples = spec
            .pointer("/paths/~1messages/post/requestBody/content/application~1json/examples")
            .and_then(Value::as_object)
            .expect("send_message has request examples");
        examples
            .iter()
            .filter_map(|(name, example)| {
                let request = &resolve(spec, example)["value"];
                let content = request.get("content")?;
                let mut data = json!({
                    "id": "6456078996108088196",
                    "channel": request["channel"],
                    "contact": {"id": "6456078781510718339"},
                    "content": content,
                });
                if let Some(metadata) = request.get("metadata") {
                    data["metadata"] = metadata.clone();
                }
                let echo = json!({"event": "message_echo", "timestamp": "2016-10-06T13:42:48Z", "data": data});
                Some((format!("echo of {name}"), echo))
            })
            .collect()
    }

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: 96,
            rng_seed: RngSeed::Fixed(0x1e41_e4c7),
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "proptest-regressions/validation.txt",
            ))),
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_webhook_example_with_its_strings_beyond_every_max_length_parses(
            index in any::<prop::sample::Index>(),
            over in 1_usize..64,
            filler in "[a-zA-Z0-9 é✓\"\\\\]{1,4}",
        ) {
            let spec = spec();
            let examples = examples(&spec);
            let limit = longest_limit(&spec);
            prop_assert!(limit >= 1000, "the spec's longest maxLength is {}", limit);
            let (name, mut value) = examples[index.index(examples.len())].clone();
            let extra = filler.repeat((limit + over) / filler.chars().count() + 1);
            let schema = json!({"$ref": "#/components/schemas/WebhookEvent"});
            let lengthened = lengthen(&spec, &schema, &mut value, &extra);
            prop_assert!(lengthened > 0, "{}: no string to lengthen", name);
            let body = serde_json::to_vec(&value).unwrap();
            let event = webhook::parse(&body);
            prop_assert!(event.is_ok(), "{}: {:?}", name, event.err());
            let event = event.unwrap();
            prop_assert_eq!(event.event(), value["event"].as_str().unwrap_or_default());
            prop_assert!(!event.is_unknown() || name.contains("envelope"), "{}", name);
        }
    }

    #[test]
    fn the_echoes_carry_limited_strings() {
        let spec = spec();
        let echoes: Vec<String> = echoes(&spec)
            .iter()
            .map(|(_, echo)| echo.to_string())
            .collect();
        assert!(echoes.iter().any(|e| e.contains("quick_replies")));
        assert!(echoes.iter().any(|e| e.contains("platform_metadata")));
    }

    #[test]
    fn the_walk_reaches_the_limited_strings() {
        // The quick-reply title of an echo is one of the strings lengthened.
        let spec = spec();
        let mut value: Value = serde_json::from_slice(&long_echo()).unwrap();
        let schema = json!({"$ref": "#/components/schemas/WebhookEvent"});
        lengthen(&spec, &schema, &mut value, "+");
        let title = value
            .pointer("/data/content/quick_replies/0/title")
            .unwrap();
        assert_eq!(title.as_str().unwrap().len(), 31);
        // The tags and timestamps are left alone.
        assert_eq!(value["event"], "message_echo");
        assert_eq!(value["timestamp"], "2016-10-06T13:42:48Z");
        assert_eq!(value.pointer("/data/content/type").unwrap(), "text");
    }
}

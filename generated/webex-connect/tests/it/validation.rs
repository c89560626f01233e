//! The documented limits: each rule passes at its limit and fails just over
//! it, naming the path and the rule, and a request that breaks one is never
//! sent. The limits are the constants generated from the spec.

use serde_json::{Value, json};
use webex_connect::types::{
    FbGenericElement, FbQuickReply, SendMessageRequest, SmsType, VoiceMessage, WebTimeToLiveSeconds,
};
use webex_connect::{Client, Error, Rule, Validate, ValidationError};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request(value: Value) -> SendMessageRequest {
    serde_json::from_value(value).expect("a valid request shape")
}

fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("+4477009{i:05}")).collect()
}

/// The path and rule of the refusal.
fn refused(request: &SendMessageRequest) -> (String, Rule) {
    let ValidationError { path, rule, .. } = request.validate().expect_err("refused");
    (path, rule)
}

/// The path of a refusal by a hand-written rule, with its source.
fn documented(request: &SendMessageRequest) -> (String, &'static str) {
    match refused(request) {
        (path, Rule::Documented { source, .. }) => (path, source),
        other => panic!("not a documented rule: {other:?}"),
    }
}

#[test]
fn at_most_1000_destinations() {
    let max = SendMessageRequest::DESTINATION_MAX_ITEMS;
    assert_eq!(max, 1000);
    let one_entry = |n| {
        let mut r = crate::sms("Hello", &[]);
        r.destination[0].msisdn = Some(numbers(n));
        r
    };
    assert_eq!(one_entry(max).validate(), Ok(()));
    assert_eq!(
        refused(&one_entry(max + 1)),
        ("destination".into(), Rule::MaxItems { max, count: 1001 })
    );

    let entries = |n| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        r.destination = vec![r.destination[0].clone(); n];
        r
    };
    assert_eq!(entries(max).validate(), Ok(()));
    assert_eq!(
        refused(&entries(max + 1)),
        ("destination".into(), Rule::MaxItems { max, count: 1001 })
    );
}

#[test]
fn sms_text_is_at_most_1024_bytes_of_its_encoding() {
    let to = ["+447700900123"];
    let at = "channels.sms.text".to_owned();
    // `é` is in the GSM-7 alphabet: one septet each, so 1024 characters fit.
    assert_eq!(crate::sms(&"é".repeat(1024), &to).validate(), Ok(()));
    assert_eq!(refused(&crate::sms(&"é".repeat(1025), &to)).0, at);
    // `ж` is not: two bytes each in UCS-2, so 512 fit and 513 do not.
    assert_eq!(crate::sms(&"ж".repeat(512), &to).validate(), Ok(()));
    assert_eq!(refused(&crate::sms(&"ж".repeat(513), &to)).0, at);
}

#[test]
fn correlationid_is_at_most_50_bytes() {
    let max = SendMessageRequest::CORRELATIONID_MAX_BYTES;
    assert_eq!(max, 50);
    let with = |id: String| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        r.correlationid = Some(id);
        r
    };
    assert_eq!(with("a".repeat(50)).validate(), Ok(()));
    assert_eq!(with("é".repeat(25)).validate(), Ok(()));
    assert_eq!(
        refused(&with("a".repeat(51))),
        ("correlationid".into(), Rule::MaxBytes { max, length: 51 })
    );
    // 26 characters, 52 bytes: the limit counts bytes.
    assert_eq!(
        refused(&with("é".repeat(26))),
        ("correlationid".into(), Rule::MaxBytes { max, length: 52 })
    );

    let in_destination = |id: String| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        r.destination.push(r.destination[0].clone());
        r.destination[1].correlationid = Some(id);
        r
    };
    assert_eq!(in_destination("b".repeat(50)).validate(), Ok(()));
    assert_eq!(
        refused(&in_destination("b".repeat(51))),
        (
            "destination[1].correlationid".into(),
            Rule::MaxBytes { max, length: 51 }
        )
    );
}

#[test]
fn a_binary_sms_needs_a_hex_body() {
    let binary = |type_: SmsType, body: Option<&str>| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        let sms = r.channels.sms.as_mut().unwrap();
        sms.type_ = Some(type_);
        sms.body = body.map(str::to_owned);
        r
    };
    assert_eq!(
        binary(SmsType::Value3, Some("48656C6c6f")).validate(),
        Ok(())
    );
    assert_eq!(binary(SmsType::Value1, None).validate(), Ok(()));
    for body in [None, Some(""), Some("48 65"), Some("<hex>")] {
        assert_eq!(
            documented(&binary(SmsType::Value3, body)),
            ("channels.sms.body".into(), "seed 002, line 214"),
            "body {body:?}"
        );
    }
    let from_wire = request(json!({
        "deliverychannel": "sms",
        "channels": {"sms": {"text": "x", "type": "3"}},
        "destination": [{"msisdn": ["+447700900123"]}]
    }));
    assert_eq!(
        documented(&from_wire),
        ("channels.sms.body".into(), "seed 002, line 214")
    );
}

fn messenger(fb: Value) -> SendMessageRequest {
    request(json!({
        "appid": "a-1",
        "deliverychannel": "fb",
        "channels": {"OTT-Messaging": {"fb": fb}},
        "destination": [{"psid": ["<psid>"]}]
    }))
}

#[test]
fn at_most_10_quick_replies_with_short_titles() {
    let replies = |n: usize, title: &str| {
        let replies: Vec<Value> = (0..n)
            .map(|_| json!({"content_type": "text", "title": title, "payload": "P"}))
            .collect();
        messenger(json!({"text": "Pick one", "quick_replies": replies}))
    };
    assert_eq!(replies(10, "Red").validate(), Ok(()));
    assert_eq!(
        refused(&replies(11, "Red")),
        (
            "channels.OTT-Messaging.fb.quick_replies".into(),
            Rule::MaxItems { max: 10, count: 11 }
        )
    );
    let max = FbQuickReply::TITLE_MAX_LENGTH;
    assert_eq!(replies(2, &"r".repeat(max)).validate(), Ok(()));
    assert_eq!(
        refused(&replies(2, &"r".repeat(max + 1))),
        (
            "channels.OTT-Messaging.fb.quick_replies[0].title".into(),
            Rule::MaxLength { max, length: 21 }
        )
    );
}

fn buttons(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"type": "postback", "title": format!("B{i}"), "payload": "P"}))
        .collect()
}

#[test]
fn at_most_3_buttons() {
    let button_template = |n| {
        messenger(json!({"attachment": {"type": "template", "payload": {
            "template_type": "button", "text": "Choose", "buttons": buttons(n)
        }}}))
    };
    assert_eq!(button_template(3).validate(), Ok(()));
    assert_eq!(
        refused(&button_template(4)),
        (
            "channels.OTT-Messaging.fb.attachment.payload.buttons".into(),
            Rule::MaxItems { max: 3, count: 4 }
        )
    );

    let bubble = |n| {
        messenger(json!({"attachment": {"type": "template", "payload": {
            "template_type": "generic",
            "elements": [{"title": "First"}, {"title": "Second", "buttons": buttons(n)}]
        }}}))
    };
    assert_eq!(bubble(3).validate(), Ok(()));
    assert_eq!(
        refused(&bubble(4)),
        (
            "channels.OTT-Messaging.fb.attachment.payload.elements[1].buttons".into(),
            Rule::MaxItems { max: 3, count: 4 }
        )
    );
}

#[test]
fn generic_templates_have_at_most_10_bubbles_of_80_characters() {
    let generic = |n: usize, title: &str, subtitle: &str| {
        let elements: Vec<Value> = (0..n)
            .map(|_| json!({"title": title, "subtitle": subtitle}))
            .collect();
        messenger(json!({"attachment": {"type": "template", "payload": {
            "template_type": "generic", "elements": elements
        }}}))
    };
    assert_eq!(generic(10, "E", "S").validate(), Ok(()));
    assert_eq!(
        refused(&generic(11, "E", "S")),
        (
            "channels.OTT-Messaging.fb.attachment.payload.elements".into(),
            Rule::MaxItems { max: 10, count: 11 }
        )
    );
    let max = FbGenericElement::TITLE_MAX_LENGTH;
    assert_eq!(max, 80);
    assert_eq!(FbGenericElement::SUBTITLE_MAX_LENGTH, 80);
    assert_eq!(
        generic(1, &"t".repeat(80), &"s".repeat(80)).validate(),
        Ok(())
    );
    assert_eq!(
        refused(&generic(1, "t", &"s".repeat(81))),
        (
            "channels.OTT-Messaging.fb.attachment.payload.elements[0].subtitle".into(),
            Rule::MaxLength { max, length: 81 }
        )
    );
}

#[test]
fn a_messenger_message_needs_text_an_attachment_or_a_sender_action() {
    assert_eq!(
        messenger(json!({"sender_action": "typing_on"})).validate(),
        Ok(())
    );
    assert_eq!(
        documented(&messenger(json!({"notification_type": "NO_PUSH"}))),
        (
            "channels.OTT-Messaging.fb".into(),
            "seed 002, lines 752, 758, 769"
        )
    );
}

#[test]
fn boarding_passes_need_a_code_and_at_most_5_fields() {
    let pass = |code: Value, fields: usize| {
        let mut pass = json!({
            "passenger_name": "A B", "pnr_number": "X1", "logo_image_url": "https://l",
            "above_bar_code_image_url": "https://a",
            "flight_info": {"flight_number": "1", "departure_airport": {"airport_code": "PRG", "city": "Prague"},
                "arrival_airport": {"airport_code": "LHR", "city": "London"},
                "flight_schedule": {"departure_time": "2016-01-05T15:05"}},
            "auxiliary_fields": vec![json!({"label": "L", "value": "V"}); fields]
        });
        pass.as_object_mut()
            .unwrap()
            .extend(code.as_object().unwrap().clone());
        messenger(json!({"attachment": {"type": "template", "payload": {
            "template_type": "airline_boardingpass", "intro_message": "Hi", "locale": "en_US",
            "boarding_pass": [pass]
        }}}))
    };
    assert_eq!(pass(json!({"qr_code": "M1"}), 5).validate(), Ok(()));
    assert_eq!(
        pass(json!({"barcode_image_url": "https://b"}), 0).validate(),
        Ok(())
    );
    assert_eq!(
        documented(&pass(json!({}), 0)),
        (
            "channels.OTT-Messaging.fb.attachment.payload.boarding_pass[0]".into(),
            "seed 002, lines 1685-1686"
        )
    );
    assert_eq!(
        refused(&pass(json!({"qr_code": "M1"}), 6)).1,
        Rule::MaxItems { max: 5, count: 6 }
    );
}

#[test]
fn voice_takes_a_callflow_or_a_prompt_and_no_media_with_a_callflow() {
    let voice = |callflowid: Option<&str>, promptid: Option<&str>, media: Option<&str>| {
        let mut r = crate::sms("unused", &["+447700900123"]);
        r.deliverychannel = "voice".into();
        r.channels.sms = None;
        let mut message = VoiceMessage::new().with_cli("0453745878");
        message.callflowid = callflowid.map(str::to_owned);
        message.promptid = promptid.map(str::to_owned);
        message.media = media.map(str::to_owned);
        r.channels.voice = Some(message);
        r
    };
    assert_eq!(voice(Some("184"), None, None).validate(), Ok(()));
    assert_eq!(voice(None, Some("354"), None).validate(), Ok(()));
    assert_eq!(voice(None, Some("354"), Some("file")).validate(), Ok(()));
    assert_eq!(
        documented(&voice(Some("184"), Some("354"), None)),
        ("channels.voice.promptid".into(), "seed 002, lines 235-246")
    );
    assert_eq!(
        documented(&voice(Some("184"), None, Some("file"))),
        ("channels.voice.media".into(), "seed 002, lines 239, 246")
    );
}

fn push(block: Value) -> SendMessageRequest {
    request(json!({
        "appid": "app-1",
        "deliverychannel": "push",
        "channels": {"push": block},
        "destination": [{"userid": ["4545"]}]
    }))
}

#[test]
fn push_needs_android_ios_or_web_and_fits_4_kb() {
    assert_eq!(push(json!({"ios": {"text": "Hi"}})).validate(), Ok(()));
    assert_eq!(
        documented(&push(json!({"pushref": "r"}))),
        ("channels.push".into(), "seed 002, line 296")
    );
    // `{"android":{"text":"…"}}` is 23 bytes around the text.
    let max = webex_connect::types::PushMessage::MAX_BYTES;
    assert_eq!(max, 4096);
    let text = |n: usize| push(json!({"android": {"text": "x".repeat(n)}}));
    assert_eq!(text(max - 23).validate(), Ok(()));
    assert_eq!(
        refused(&text(max - 22)),
        ("channels.push".into(), Rule::MaxBytes { max, length: 4097 })
    );
}

#[test]
fn notification_actions_need_a_value_except_open_app() {
    let action = |action: Value| {
        push(json!({"android": {"text": "Hi", "extras": {"notificationaction": action}}}))
    };
    assert_eq!(action(json!({"action": "OPEN_APP"})).validate(), Ok(()));
    assert_eq!(action(json!({"action": "OPENAPP"})).validate(), Ok(()));
    assert_eq!(
        action(json!({"action": "OPEN_URL", "value": "www.bbc.com"})).validate(),
        Ok(())
    );
    for bad in [
        json!({"action": "DEEPLINK"}),
        json!({"action": "OPEN_URL", "value": " "}),
    ] {
        assert_eq!(
            documented(&action(bad)),
            (
                "channels.push.android.extras.notificationaction.value".into(),
                "seed 002, lines 372-385, 450-465"
            )
        );
    }
}

#[test]
fn web_push_lives_at_most_51840000_seconds_in_either_form() {
    let max = WebTimeToLiveSeconds::MAXIMUM;
    assert_eq!(max, 51_840_000);
    let ttl = |ttl: Value| {
        push(
            json!({"web": {"title": "T", "text": "x", "platform_types": ["chrome"],
            "extras": {"time_to_live": ttl}}}),
        )
    };
    let at = "channels.push.web.extras.time_to_live".to_owned();
    let over = Rule::Maximum {
        max: 51_840_000.0,
        exclusive: false,
        value: 51_840_001.0,
    };
    assert_eq!(ttl(json!(max)).validate(), Ok(()));
    assert_eq!(ttl(json!("51840000")).validate(), Ok(()));
    assert_eq!(refused(&ttl(json!(max + 1))).1, over);
    for bad in ["51840001", "<integer value>"] {
        assert_eq!(
            documented(&ttl(json!(bad))),
            (at.clone(), "seed 002, lines 505, 524")
        );
    }
}

#[test]
fn appid_is_required_for_push_in_app_messenger_whatsapp_and_apple() {
    let without = |channel: &str| {
        request(json!({
            "deliverychannel": channel,
            "channels": {"OTT-Messaging": {"fb": {"text": "hi"}}, "push": {"ios": {"text": "hi"}},
                "sms": {"text": "hi"}, "appmessaging": {}, "AppleBusinessChat": {}},
            "destination": [{"psid": ["1"]}]
        }))
    };
    for channel in [
        "push",
        "appmessaging",
        "fb",
        "whatsapp",
        "applebusinesschat",
        "AppleBusinessChat",
    ] {
        assert_eq!(
            documented(&without(channel)),
            ("appid".into(), "seed 002, line 35"),
            "{channel}"
        );
    }
    assert_eq!(without("sms").validate(), Ok(()));
    let mut with = without("fb");
    with.appid = Some("app-1".into());
    assert_eq!(with.validate(), Ok(()));
}

#[test]
fn one_gtr_id_per_destination_entry() {
    let with = |ids: usize| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        r.destination.push(r.destination[0].clone());
        r.gtr_id = Some(vec!["gtr".to_owned(); ids]);
        r
    };
    assert_eq!(with(2).validate(), Ok(()));
    for ids in [1, 3] {
        assert_eq!(
            documented(&with(ids)),
            ("gtrId".into(), "seed 002, lines 95-96")
        );
    }
}

/// The seed's own request examples respect every limit.
#[test]
fn the_spec_request_examples_pass() {
    for (name, value) in crate::spec_examples("request_") {
        let request: SendMessageRequest =
            serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(request.validate(), Ok(()), "{name}");
    }
}

/// What the platform sends is never refused for a rule about what we send:
/// the answer and the notifications have no limits to break, and a request
/// over the limits still reads (a captured request, say).
#[test]
fn a_request_over_the_limits_still_reads() {
    let long = request(json!({
        "deliverychannel": "fb",
        "channels": {"OTT-Messaging": {"fb": {"quick_replies": [
            {"content_type": "text", "title": "t".repeat(200), "payload": "p".repeat(5000)}
        ]}}},
        "destination": [{"psid": ["1"], "correlationid": "c".repeat(300)}]
    }));
    assert!(long.validate().is_err());
}

#[tokio::test]
async fn a_request_over_a_limit_is_not_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .service_key("test-service-key")
        .build()
        .unwrap();
    let mut request = crate::sms("Hello", &["+447700900123"]);
    request.correlationid = Some("x".repeat(51));
    let error = client.send(&request).await.unwrap_err();
    assert!(
        matches!(
            error.validation(),
            Some(ValidationError { path, rule: Rule::MaxBytes { length: 51, .. }, .. })
                if path == "correlationid"
        ),
        "{error:?}"
    );
    assert!(matches!(error, Error::Invalid(_)));
    assert!(!error.to_string().contains("xxxx"), "{error}");
    // The generated method refuses it too, before sending.
    let error = client.send_message(&request).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("`correlationid` is 51 bytes long; at most 50 (x-max-bytes)"),
        "{message}"
    );
    server.verify().await;
}

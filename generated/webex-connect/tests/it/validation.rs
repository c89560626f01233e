//! The documented limits: each rule passes at its limit and fails just over
//! it, and a request that breaks one is never sent.

use serde_json::{Value, json};
use webex_connect::types::{SendMessageRequest, SmsType, VoiceMessage};
use webex_connect::{Client, Error, ValidationError, validate};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request(value: Value) -> SendMessageRequest {
    serde_json::from_value(value).expect("a valid request shape")
}

fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("+4477009{i:05}")).collect()
}

#[test]
fn at_most_1000_destinations() {
    let one_entry = |n| {
        let mut r = crate::sms("Hello", &[]);
        r.destination[0].msisdn = Some(numbers(n));
        r
    };
    assert_eq!(validate(&one_entry(1000)), Ok(()));
    assert_eq!(
        validate(&one_entry(1001)),
        Err(ValidationError::TooManyDestinations { count: 1001 })
    );

    let entries = |n| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        r.destination = vec![r.destination[0].clone(); n];
        r
    };
    assert_eq!(validate(&entries(1000)), Ok(()));
    assert_eq!(
        validate(&entries(1001)),
        Err(ValidationError::TooManyDestinations { count: 1001 })
    );
}

#[test]
fn sms_text_is_at_most_1024_characters() {
    // Two bytes per character: the limit counts characters.
    let text = |n| "é".repeat(n);
    assert_eq!(
        validate(&crate::sms(&text(1024), &["+447700900123"])),
        Ok(())
    );
    assert_eq!(
        validate(&crate::sms(&text(1025), &["+447700900123"])),
        Err(ValidationError::SmsTextTooLong { chars: 1025 })
    );
}

#[test]
fn correlationid_is_at_most_50_bytes() {
    let with = |id: String| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        r.correlationid = Some(id);
        r
    };
    assert_eq!(validate(&with("a".repeat(50))), Ok(()));
    assert_eq!(validate(&with("é".repeat(25))), Ok(()));
    assert_eq!(
        validate(&with("a".repeat(51))),
        Err(ValidationError::CorrelationIdTooLong {
            at: "correlationid".into(),
            bytes: 51
        })
    );
    // 26 characters, 52 bytes: the limit counts bytes.
    assert_eq!(
        validate(&with("é".repeat(26))),
        Err(ValidationError::CorrelationIdTooLong {
            at: "correlationid".into(),
            bytes: 52
        })
    );

    let in_destination = |id: String| {
        let mut r = crate::sms("Hello", &["+447700900123"]);
        r.destination.push(r.destination[0].clone());
        r.destination[1].correlationid = Some(id);
        r
    };
    assert_eq!(validate(&in_destination("b".repeat(50))), Ok(()));
    assert_eq!(
        validate(&in_destination("b".repeat(51))),
        Err(ValidationError::CorrelationIdTooLong {
            at: "destination[1].correlationid".into(),
            bytes: 51
        })
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
        validate(&binary(SmsType::Value3, Some("48656C6c6f"))),
        Ok(())
    );
    assert_eq!(validate(&binary(SmsType::Value1, None)), Ok(()));
    for body in [None, Some(""), Some("48 65"), Some("<hex>")] {
        assert_eq!(
            validate(&binary(SmsType::Value3, body)),
            Err(ValidationError::BinarySmsWithoutHexBody),
            "body {body:?}"
        );
    }
    let from_wire = request(json!({
        "deliverychannel": "sms",
        "channels": {"sms": {"text": "x", "type": "3"}},
        "destination": [{"msisdn": ["+447700900123"]}]
    }));
    assert_eq!(
        validate(&from_wire),
        Err(ValidationError::BinarySmsWithoutHexBody)
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
fn at_most_10_quick_replies() {
    let replies = |n: usize| {
        let replies: Vec<Value> = (0..n)
            .map(|i| json!({"content_type": "text", "title": format!("R{i}"), "payload": "P"}))
            .collect();
        messenger(json!({"text": "Pick one", "quick_replies": replies}))
    };
    assert_eq!(validate(&replies(10)), Ok(()));
    assert_eq!(
        validate(&replies(11)),
        Err(ValidationError::TooManyQuickReplies { count: 11 })
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
    assert_eq!(validate(&button_template(3)), Ok(()));
    assert_eq!(
        validate(&button_template(4)),
        Err(ValidationError::TooManyButtons {
            at: "channels.OTT-Messaging.fb.attachment.payload.buttons".into(),
            count: 4
        })
    );

    let bubble = |n| {
        messenger(json!({"attachment": {"type": "template", "payload": {
            "template_type": "generic",
            "elements": [{"title": "First"}, {"title": "Second", "buttons": buttons(n)}]
        }}}))
    };
    assert_eq!(validate(&bubble(3)), Ok(()));
    assert_eq!(
        validate(&bubble(4)),
        Err(ValidationError::TooManyButtons {
            at: "channels.OTT-Messaging.fb.attachment.payload.elements[1].buttons".into(),
            count: 4
        })
    );
}

#[test]
fn at_most_10_generic_template_elements() {
    let generic = |n: usize| {
        let elements: Vec<Value> = (0..n).map(|i| json!({"title": format!("E{i}")})).collect();
        messenger(json!({"attachment": {"type": "template", "payload": {
            "template_type": "generic", "elements": elements
        }}}))
    };
    assert_eq!(validate(&generic(10)), Ok(()));
    assert_eq!(
        validate(&generic(11)),
        Err(ValidationError::TooManyGenericElements { count: 11 })
    );
}

#[test]
fn voice_takes_a_callflow_or_a_prompt_not_both() {
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
    assert_eq!(validate(&voice(Some("184"), None, None)), Ok(()));
    assert_eq!(validate(&voice(None, Some("354"), None)), Ok(()));
    assert_eq!(
        validate(&voice(Some("184"), Some("354"), None)),
        Err(ValidationError::VoiceCallflowAndPrompt)
    );
}

/// The seed's own request examples respect every limit.
#[test]
fn the_spec_request_examples_pass() {
    for (name, value) in crate::spec_examples("request_") {
        let request: SendMessageRequest =
            serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(validate(&request), Ok(()), "{name}");
    }
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
            Some(ValidationError::CorrelationIdTooLong { bytes: 51, .. })
        ),
        "{error:?}"
    );
    assert!(matches!(error, Error::Invalid(_)));
    server.verify().await;
}

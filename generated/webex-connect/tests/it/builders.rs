//! The per-channel builders, each compared with a request example of seed
//! 002 (as the spec holds it), or with the shape seed 002 documents where it
//! prints no example (a binary SMS, WhatsApp).

use serde_json::{Value, json};
use webex_connect::Validate;
use webex_connect::types::{
    AndroidPush, AndroidPushExtras, Destination, FbAttachment, FbButton, FbButtonTemplate,
    FbGenericElement, FbGenericTemplate, FbMessage, FbNotificationType, FbQuickReply, IosPush,
    MessagingType, PushMessage, SendMessageRequest, SenderAction, SmartLink, SmsMessage,
    VoiceMessage, WhatsAppMessage,
};

fn example(name: &str) -> Value {
    let found = crate::spec_examples(name);
    let (_, value) = found
        .into_iter()
        .find(|(found, _)| found == name)
        .unwrap_or_else(|| panic!("no example named {name}"));
    value
}

fn value(request: impl serde::Serialize) -> Value {
    serde_json::to_value(request).expect("a built request serializes")
}

fn psid() -> [Destination; 1] {
    [Destination::new().with_psid(["<psid>"])]
}

#[test]
fn an_sms_with_a_smartlink() {
    let mut request = SendMessageRequest::sms(
        SmsMessage::new(
            "Sending first SMS with smart link using imiconnect. Click the link to download the mobile app {{link_5}}",
        )
        .with_senderid("SENDER"),
        [Destination::new().with_msisdn(["+4490XXXXX009"])],
    );
    request.channels = request
        .channels
        .with_smartlinks([SmartLink::new(5).with_validity(30)]);
    assert_eq!(value(&request), example("request_sms_smartlink_e164"));
    request.validate().unwrap();
}

#[test]
fn a_binary_sms_has_a_hex_body_and_passes_the_binary_rule() {
    let bytes = [0x06u8, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0xff];
    let request = SendMessageRequest::sms(
        SmsMessage::binary("ringtone", bytes),
        [Destination::new().with_msisdn(["+447700900123"])],
    );
    assert_eq!(
        value(&request)["channels"]["sms"],
        json!({"text": "ringtone", "type": "3", "body": "0605040b8423f000ff"})
    );
    request.validate().unwrap();
    // The rule the builder satisfies is a real one: a binary SMS whose body
    // is not hexadecimal is refused.
    let mut broken = request.clone();
    if let Some(sms) = broken.channels.sms.as_mut() {
        sms.body = Some("not hex".to_owned());
    }
    let error = broken.validate().unwrap_err();
    assert_eq!(error.path, "channels.sms.body");
}

#[test]
fn voice_calls_by_prompt_and_by_call_flow() {
    assert_eq!(
        value(VoiceMessage::prompt("354")),
        example("voice_message_prompt")
    );
    assert_eq!(
        value(VoiceMessage::call_flow("184").with_cli("0453745878")),
        example("voice_message_callflow")
    );
    let request = SendMessageRequest::voice(
        VoiceMessage::prompt("354"),
        [Destination::new().with_msisdn(["+447700900123"])],
    );
    assert_eq!(value(&request)["deliverychannel"], "voice");
    assert_eq!(
        value(&request)["channels"]["voice"],
        json!({"promptid": "354"})
    );
    request.validate().unwrap();
}

#[test]
fn an_android_push() {
    let request = SendMessageRequest::push(
        "<appid>",
        PushMessage::new().with_android(
            AndroidPush::new("<Android message>")
                .with_title("android message title")
                .with_extras(AndroidPushExtras::new()),
        ),
        [Destination::new().with_userid(["4545"])],
    );
    assert_eq!(value(&request), example("request_push_android_userid"));
    request.validate().unwrap();
    assert_eq!(
        value(
            PushMessage::new()
                .with_android(AndroidPush::new("This is a push notification").with_title("Hello"))
        ),
        example("push_android_simple")
    );
}

#[test]
fn a_messenger_text_with_quick_replies() {
    let message = FbMessage::text("Welcome to Webex Connect")
        .with_notification_type(FbNotificationType::NoPush)
        .with_messaging_type(MessagingType::MessageTag)
        .with_tag("ACCOUNT_UPDATE")
        .with_quick_replies([
            FbQuickReply::text("Red", "DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_RED"),
            FbQuickReply::text("Green", "DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_GREEN"),
        ])
        .with_type("conversation");
    let request = SendMessageRequest::messenger("<app-id>", message, psid());
    assert_eq!(value(&request), example("request_fb_text_quick_replies"));
    request.validate().unwrap();
    assert_eq!(
        value(FbQuickReply::location()),
        json!({"content_type": "location"})
    );
}

#[test]
fn messenger_attachments_by_url() {
    for (kind, attachment) in [
        ("image", FbAttachment::image("<image-url>")),
        ("audio", FbAttachment::audio("<audio-url>")),
        ("video", FbAttachment::video("<video-url>")),
        ("file", FbAttachment::file("<file-url>")),
    ] {
        let request =
            SendMessageRequest::messenger("<appid>", FbMessage::attachment(attachment), psid());
        assert_eq!(
            value(&request),
            example(&format!("request_fb_attachment_{kind}")),
            "{kind}"
        );
        request.validate().unwrap();
    }
}

#[test]
fn a_messenger_generic_template() {
    let shirt = FbGenericElement::new("Classic White T-Shirt")
        .with_image_url("http://petersapparel.parseapp.com/img/item100-thumb.png")
        .with_subtitle("Soft white cotton t-shirt is back in style")
        .with_buttons([
            FbButton::web_url(
                "View Item",
                "https://petersapparel.parseapp.com/view_item?item_id=100",
            ),
            FbButton::web_url(
                "Buy Item",
                "https://petersapparel.parseapp.com/buy_item?item_id=100",
            ),
            FbButton::postback("Bookmark Item", "check"),
        ]);
    let watch = FbGenericElement::new("Giordano 60058 Black/Orange Analog Watch - For Men")
        .with_image_url("http://img6a.flixcart.com/image/watch/g/q/z/60058-black-orange-giordano-400x400-imae7c8rhnp4rfze.jpeg")
        .with_subtitle("Watch Watch")
        .with_buttons([
            FbButton::web_url(
                "View Item",
                "http://www.flipkart.com/giordano-60058-black-orange-analog-watch-men/p/itmdw4v6gkgejetj?pid=WATDW4V5GYEYQGQZ&al=rWnbPKcgb3ESJptH0q72XsldugMWZuE7Phn6Yd2VMSLMQz8fzEH13Ce0tGaT7ePiWmFmBeJJs7Q%3D&offer=nb%3Amp%3A0405c80713&ref=L%3A-7770517350658453810&srno=b_1",
            ),
            FbButton::web_url(
                "Buy Item",
                "https://petersapparel.parseapp.com/buy_item?item_id=101",
            ),
            FbButton::postback("Bookmark Item", "USER_DEFINED_PAYLOAD_FOR_ITEM101"),
        ]);
    let request = SendMessageRequest::messenger(
        "<appid>",
        FbMessage::template(FbGenericTemplate::new([shirt, watch])),
        psid(),
    );
    assert_eq!(value(&request), example("request_fb_generic_template"));
    request.validate().unwrap();
}

#[test]
fn a_messenger_button_template() {
    let buttons = FbButtonTemplate::new("").with_buttons([
        FbButton::web_url(
            "Show location",
            "https://www.google.co.in/maps/@17.4495157,78.4000172,16z?hl=en",
        ),
        FbButton::postback("Start Chatting", "1232"),
        FbButton::phone_number("Call Representative", "+9177xxxxxxxx"),
    ]);
    let request = SendMessageRequest::messenger("<appid>", FbMessage::template(buttons), psid());
    assert_eq!(value(&request), example("request_fb_button_template"));
    request.validate().unwrap();
}

#[test]
fn a_messenger_sender_action() {
    let request = SendMessageRequest::messenger(
        "<app-id>",
        FbMessage::sender_action(SenderAction::TypingOn),
        psid(),
    );
    assert_eq!(value(&request), example("request_fb_sender_action"));
}

#[test]
fn a_whatsapp_message_goes_in_the_wa_block() {
    let message = WhatsAppMessage::new()
        .with_entry("type", "text")
        .with_entry("text", json!({"body": "Your order has shipped"}));
    let request = SendMessageRequest::whatsapp(
        "my-whatsapp-app",
        message,
        [Destination::new().with_waid(["447700900123"])],
    );
    assert_eq!(
        value(&request),
        json!({
            "appid": "my-whatsapp-app",
            "deliverychannel": "whatsapp",
            "channels": {"OTT-Messaging": {"wa": {"type": "text", "text": {"body": "Your order has shipped"}}}},
            "destination": [{"waid": ["447700900123"]}]
        })
    );
    request.validate().unwrap();
}

#[test]
fn channels_that_need_an_app_id_get_one() {
    // `appid` is required for push, Messenger and WhatsApp (seed 002,
    // line 35): each builder takes it, and the check before sending agrees.
    for request in [
        SendMessageRequest::push(
            "a",
            PushMessage::new().with_ios(IosPush::new("t")),
            [Destination::new().with_userid(["4545"])],
        ),
        SendMessageRequest::messenger("a", FbMessage::text("t"), psid()),
        SendMessageRequest::whatsapp("a", WhatsAppMessage::new(), psid()),
    ] {
        request.validate().unwrap();
        let mut without = request.clone();
        without.appid = None;
        assert_eq!(without.validate().unwrap_err().path, "appid");
    }
}

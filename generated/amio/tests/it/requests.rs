//! Every request example of the spec (seeds 000, 001 and 003, and Amio's
//! Postman collection) written with the builders, and compared with the
//! example itself. A request example added to the spec without an entry here
//! fails `every_request_example_has_a_builder_path`.

use std::collections::{BTreeMap, BTreeSet};

use amio::plugins::UserRef;
use amio::types::{
    Button, ChannelMode, ChannelRef, ChannelType, ContactById, ContactByPhoneNumber,
    ContactIdentifier, Content, CreateChannelRequest, EmailAddress, FacebookPage, GetStartedButton,
    Menu, MessageTag, MessageTemplate, MessageTemplateLocalization, MessageTemplateSubstitution,
    MessageType, Metadata, NestedMenu, NestedMenuItem, NotificationType, PostbackMenuItem,
    Provider, ProviderDefaultAttributes, ProviderType, QuickReplies, QuickReply, RbmAgent,
    ReceiptAddress, ReceiptItem, ReceiptPayload, ReceiptSummary, SendMessageRequest,
    SendNotificationRequest, SettingsUpdate, StructureCard, TelegramBot, TextQuickReply,
    UpdateChannelRequest, UrlMenuItem, UserInput, ViberBot, ViberBusinessMessagesAccount,
    ViberSettingsUpdate, WebhookRequest, WhatsappBusinessAccount,
};
use serde_json::{Value, json};

type Build = fn() -> Value;

fn value(request: impl serde::Serialize) -> Value {
    serde_json::to_value(request).expect("a built request serializes")
}

const FB_CHANNEL: &str = "6456078759331238786";
const FB_CONTACT: &str = "6456078781510718339";

fn fb_text(text: &str) -> SendMessageRequest {
    SendMessageRequest::new(ChannelRef::new(FB_CHANNEL), ContactById::new(FB_CONTACT))
        .with_content(Content::text(text))
}

fn text_reply(title: &str, payload: &str) -> TextQuickReply {
    TextQuickReply::new(title, payload)
}

fn daily_menu_card(title: &str, price: &str, image: &str, food: u32) -> StructureCard {
    StructureCard::new()
        .with_title(title)
        .with_text(price)
        .with_image_url(image)
        .with_item_url("https://example.com/daily-menu")
        .with_button(Button::url(
            "Show Details",
            format!("https://example.com/daily-menu/food-{food}"),
        ))
}

fn postman_fb(content: Content) -> SendMessageRequest {
    SendMessageRequest::new(
        ChannelRef::new("{{fb.channel.id}}"),
        ContactById::new("{{fb.contact.id}}"),
    )
    .with_content(content)
}

fn amio_chat_notification(kind: NotificationType) -> SendNotificationRequest {
    SendNotificationRequest::new(
        ChannelRef::new("{{amio_chat.channel.id}}"),
        ContactById::new("{{amio_chat.contact.id}}"),
        kind,
    )
}

/// Every request example by name, and how to build it.
const BUILT: &[(&str, Build)] = &[
    // Seed 000: send_message.
    ("send_message_metadata", || {
        value(
            fb_text("Hello world!")
                .with_metadata(Metadata::new().with_extra("any", "arbitrary data")),
        )
    }),
    ("amio_chat_send_message_metadata", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new("6456078759331248741"),
                ContactById::new("6456078781510715474"),
            )
            .with_content(Content::text("Hello world!"))
            .with_metadata(Metadata::new().with_extra("any", "arbitrary data")),
        )
    }),
    ("facebook_messenger_send_message_contact_id_request", || {
        value(fb_text("Hello world!"))
    }),
    (
        "facebook_messenger_send_message_phone_number_request",
        || {
            value(
                SendMessageRequest::new(
                    ChannelRef::new(FB_CHANNEL),
                    ContactByPhoneNumber::new("+1 (555) 857-6309")
                        .with_first_name("Anthony")
                        .with_last_name("Hopkins"),
                )
                .with_content(Content::text("Hello world!")),
            )
        },
    ),
    ("facebook_messenger_location_message", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new(FB_CHANNEL),
                ContactIdentifier::id(FB_CONTACT),
            )
            .with_content(Content::location(50.0902163, 14.3973905)),
        )
    }),
    ("facebook_messenger_quick_replies_message", || {
        value(
            SendMessageRequest::new(ChannelRef::new(FB_CHANNEL), ContactById::new(FB_CONTACT))
                .with_content(Content::text("...").with_quick_replies([
                    text_reply("Pilsner Urquell", "DEVELOPER_DEFINED_PAYLOAD").into(),
                    QuickReply::location(),
                    QuickReply::email(),
                ])),
        )
    }),
    ("facebook_messenger_send_message_metadata", || {
        value(
            fb_text("Hello world!")
                .with_metadata(Metadata::new().with_extra("any", "arbitrary data")),
        )
    }),
    ("facebook_messenger_platform_metadata", || {
        value(fb_text("Hello world!").with_metadata(Metadata::new().with_platform_metadata(
            "these data are going to be sent directly to Facebook Messenger API as metadata attribute",
        )))
    }),
    ("facebook_messenger_message_type_metadata", || {
        value(
            fb_text("Hello world!").with_metadata(Metadata::new().with_type(MessageType::Response)),
        )
    }),
    ("mobile_send_message_request", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new(FB_CHANNEL),
                ContactIdentifier::phone_number("+1 (555) 857-6309"),
            )
            .with_content(Content::text("Hello world!")),
        )
    }),
    ("mobile_send_message_metadata", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new(FB_CHANNEL),
                ContactByPhoneNumber::new("+1 (555) 857-6309"),
            )
            .with_content(Content::text("Hello world!"))
            .with_metadata(Metadata::new().with_extra("any", "arbitrary data")),
        )
    }),
    // Seed 001: a message to the `user_ref` of a Checkbox opt-in.
    ("checkbox_send_message_user_ref", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new("{{CHANNEL_ID}}"),
                ContactIdentifier::user_ref("{{YOUR_CUSTOM_USER_REF}}"),
            )
            .with_content(Content::text("You just signed in to our FB Page!")),
        )
    }),
    // Seed 003: a message to a phone number.
    ("phone_number_entry_send_message_request", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new(FB_CHANNEL),
                ContactByPhoneNumber::new("+1 (555) 857-6309"),
            )
            .with_content(Content::text("Hello world!")),
        )
    }),
    // Seed 000: settings (PATCH).
    ("patch_set_property", || {
        value(SettingsUpdate::new().with_extra("key", "value"))
    }),
    ("patch_delete_property", || {
        value(SettingsUpdate::new().with_extra("key", Value::Null))
    }),
    ("amio_chat_settings_delete_domains_whitelist", || {
        value(SettingsUpdate::new().with_domains_whitelist_null())
    }),
    ("facebook_messenger_settings_delete_menu", || {
        value(SettingsUpdate::new().with_menu_null())
    }),
    ("facebook_messenger_settings_user_inputs", || {
        value(SettingsUpdate::new().with_user_inputs([UserInput::new("default", true)]))
    }),
    ("facebook_messenger_settings_domains_whitelist", || {
        value(SettingsUpdate::new().with_domains_whitelist(["https://app.amio.io"]))
    }),
    // Seed 000: the four kinds of quick replies (`content.quick_replies`).
    ("facebook_messenger_text_quick_replies", || {
        value(QuickReplies(vec![
            text_reply("Pilsner Urquell", "DEVELOPER_DEFINED_PAYLOAD")
                .with_image_url("http://www.logotypes101.com/logos/778/70D1EF7E13BFAC232F2D05DE2E5594E0/pubisc.png")
                .into(),
            text_reply("Heineken", "DEVELOPER_DEFINED_PAYLOAD")
                .with_image_url("http://www.logotypes101.com/free_vector_logo_png/33082/85D3F063102F2476DC36D26D4D7A15C1/Heineken29")
                .into(),
        ]))
    }),
    ("facebook_messenger_location_quick_reply", || {
        value([QuickReply::location()])
    }),
    ("facebook_messenger_email_quick_reply", || {
        value([QuickReply::email()])
    }),
    ("facebook_messenger_phone_number_quick_reply", || {
        value([QuickReply::phone_number()])
    }),
    // The Postman collection: send_message.
    (
        "postman_send_message_facebook_messenger_user_ref_request",
        || {
            value(
                SendMessageRequest::new(
                    ChannelRef::new("{{fb.channel.id}}"),
                    ContactIdentifier::user_ref("{{fb.contact.user_ref}}"),
                )
                .with_content(Content::text("Hello world!")),
            )
        },
    ),
    (
        "postman_send_message_facebook_messenger_phone_number_request",
        || {
            value(
                SendMessageRequest::new(
                    ChannelRef::new("{{fb.channel.id}}"),
                    ContactByPhoneNumber::new("{{fb.contact.phone_number}}")
                        .with_first_name("{{fb.contact.first_name}}")
                        .with_last_name("{{fb.contact.last_name}}"),
                )
                .with_content(Content::text("Hello world!")),
            )
        },
    ),
    (
        "postman_send_message_facebook_messenger_image_request",
        || {
            value(postman_fb(Content::image(
                "https://upload.wikimedia.org/wikipedia/commons/1/11/V%C3%A1clav_Havel_cut_out.jpg",
            )))
        },
    ),
    (
        "postman_send_message_facebook_messenger_audio_request",
        || {
            value(postman_fb(Content::audio(
                "http://dubioza.org/site/wp-content/uploads/2016/02/1.-All-Equal-feat-BEE2.mp3",
            )))
        },
    ),
    (
        "postman_send_message_facebook_messenger_receipt_request",
        || {
            let receipt = ReceiptPayload::new()
                .with_order_id("id546584")
                .with_timestamp(
                    "2016-10-06T13:42:48Z"
                        .parse::<chrono::DateTime<chrono::Utc>>()
                        .unwrap(),
                )
                .with_currency("USD")
                .with_payment_method("Visa ***8138.")
                .with_url_order("http://petersapparel.parseapp.com/order?order_id=id546584")
                .with_shipping_address(
                    ReceiptAddress::new()
                        .with_name("TomÃƒÂ¡Ã…Â¡ BaÃ…Â¥a")
                        .with_address_line_1("tÃ…â„¢. TomÃƒÂ¡Ã…Â¡e Bati 46")
                        .with_address_line_2("company Bata a.s.")
                        .with_city("Otrokovice")
                        .with_postal_code("765 02")
                        .with_state("ZlÃƒÂ\u{ad}n Region")
                        .with_country_code("CZ"),
                )
                .with_items([ReceiptItem::new()
                    .with_title("Winter Mens' Footware")
                    .with_text("100% Leather")
                    .with_quantity(1)
                    .with_price(67.5)
                    .with_image_url("http://3-cz-cdn.bata.eu/gallery/1/6/4/5/7/c.jpg")])
                .with_summary(
                    ReceiptSummary::new()
                        .with_shipping(4.95)
                        .with_tax(6.19)
                        .with_total(78.64),
                );
            value(postman_fb(Content::receipt(receipt)))
        },
    ),
    (
        "postman_send_message_facebook_messenger_structure_request",
        || {
            value(postman_fb(Content::structure(daily_menu_card(
                "Leaf salad with smoked eggplant and zuchhini and dried tomatoes",
                "9.5 Ã¢â€šÂ¬",
                "https://upload.wikimedia.org/wikipedia/commons/f/fa/Fish_-lunch.jpg",
                1,
            ))))
        },
    ),
    (
        "postman_send_message_facebook_messenger_horizontal_scroll_request",
        || {
            value(postman_fb(Content::horizontal_scroll([
                daily_menu_card(
                    "Leaf salad with smoked eggplant and zuchhini and dried tomatoes",
                    "9.5 Ã¢â€šÂ¬",
                    "https://upload.wikimedia.org/wikipedia/commons/f/fa/Fish_-lunch.jpg",
                    1,
                ),
                daily_menu_card(
                    "Beef burger with Coleslaw salad",
                    "12.0 Ã¢â€šÂ¬",
                    "https://upload.wikimedia.org/wikipedia/commons/9/9b/YOKOSUKA-NAVY-BURGER-TSUNAMI.JPG",
                    2,
                ),
            ])))
        },
    ),
    (
        "postman_send_message_facebook_messenger_buttons_request",
        || {
            value(postman_fb(Content::structure(
                StructureCard::new()
                    .with_text("9.5 Ã¢â€šÂ¬")
                    .with_button(Button::url(
                        "Show Details",
                        "https://example.com/daily-menu/food-1",
                    ))
                    .with_button(Button::postback("List Items", "{{PASS_THROUGH_PARAM}}"))
                    .with_button(Button::phone("Call Us", "+420777111222")),
            )))
        },
    ),
    (
        "postman_send_message_facebook_messenger_quick_replies_request",
        || {
            value(postman_fb(
            Content::text("See all different quick replies!")
                .with_quick_reply(
                    text_reply("Pilsner Urquell", "DEVELOPER_DEFINED_PAYLOAD")
                        .with_image_url("http://www.logotypes101.com/logos/778/70D1EF7E13BFAC232F2D05DE2E5594E0/pubisc.png"),
                )
                .with_quick_reply(QuickReply::location())
                .with_quick_reply(QuickReply::phone_number())
                .with_quick_reply(QuickReply::email()),
        ))
        },
    ),
    (
        "postman_send_message_facebook_messenger_tags_request",
        || {
            value(
                postman_fb(Content::text("Hello world!"))
                    .with_metadata(Metadata::new().with_tag(MessageTag::TicketUpdate)),
            )
        },
    ),
    ("postman_send_message_mobile_text_request", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new("{{mobile.channel.id}}"),
                ContactByPhoneNumber::new("{{mobile.contact.phone_number}}"),
            )
            .with_content(Content::text("Hello world!")),
        )
    }),
    ("postman_send_message_whatsapp_structure_request", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new("{{whatsapp.channel.id}}"),
                ContactById::new("{{whatsapp.contact.id}}"),
            )
            .with_content(Content::structure(
                StructureCard::new()
                    .with_text("🚚📦 Your Order #12374 has been shipped")
                    .with_buttons([
                        Button::postback("Track Package", "button_payload1"),
                        Button::postback("Get Receipt", "button_payload2"),
                        Button::postback("Change Address", "button_payload3"),
                    ]),
            )),
        )
    }),
    ("postman_send_message_whatsapp_template_request", || {
        value(
            SendMessageRequest::new(
                ChannelRef::new("{{whatsapp.channel.id}}"),
                ContactByPhoneNumber::new("{{whatsapp.contact.phone_number}}"),
            )
            .with_message_template(
                MessageTemplate::new("4726078759445238153").with_substitution(
                    MessageTemplateSubstitution::new().with_localizations([(
                        "default",
                        MessageTemplateLocalization::new().with_entry("name", "Albert"),
                    )]),
                ),
            ),
        )
    }),
    // The Postman collection: send_notification.
    ("postman_send_notification_typing_on_request", || {
        value(amio_chat_notification(NotificationType::TypingOn))
    }),
    ("postman_send_notification_typing_off_request", || {
        value(amio_chat_notification(NotificationType::TypingOff))
    }),
    ("postman_send_notification_messages_read_request", || {
        value(amio_chat_notification(NotificationType::MessagesRead))
    }),
    ("postman_send_notification_custom_request", || {
        value(
            amio_chat_notification(NotificationType::Custom).with_payload(
                serde_json::Map::from_iter([("any".to_owned(), json!("arbitrary data"))]),
            ),
        )
    }),
    // The Postman collection: create_channel.
    ("postman_create_channel_amio_chat_request", || {
        value(
            CreateChannelRequest::new(ChannelType::AmioChat, "Amio")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://requestb.in/tqp125tq")),
        )
    }),
    ("postman_create_channel_email_request", || {
        value(
            CreateChannelRequest::new(ChannelType::Email, "Support Email")
                .with_webhook(WebhookRequest::new("https://your-company.com/webhooks"))
                .with_provider(
                    Provider::new()
                        .with_type(ProviderType::Mailgun)
                        .with_access_token("123456789abcdef-9c999993-sdaf82cfd9")
                        .with_domain("your-company.com")
                        .with_default_attributes(
                            ProviderDefaultAttributes::new().with_from(
                                EmailAddress::new()
                                    .with_email("support@your-company.com")
                                    .with_name("Customer Support"),
                            ),
                        ),
                ),
        )
    }),
    ("postman_create_channel_facebook_messenger_request", || {
        value(
            CreateChannelRequest::new(ChannelType::FacebookMessenger, "Amio")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://requestb.in/tqp125tq"))
                .with_facebook_page(
                    FacebookPage::new()
                        .with_id("747722755375845")
                        .with_access_token("{{fb.access_token}}"),
                ),
        )
    }),
    ("postman_create_channel_mobile_request", || {
        value(
            CreateChannelRequest::new(ChannelType::Mobile, "Amio Mobile")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://requestb.in/tqp125tq"))
                .with_provider(
                    Provider::new()
                        .with_type(ProviderType::Messagebird)
                        .with_sender_id("phonenumber")
                        .with_access_token("m4tswKaIwXMhWp1pn1CK0ftGZ")
                        .with_signing_key("GDVCrN9tgECUrkouzh4gyn7k"),
                ),
        )
    }),
    ("postman_create_channel_viber_request", || {
        value(
            CreateChannelRequest::new(ChannelType::Viber, "Amio Viber")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://example.com/webhook"))
                .with_viber(ViberBot::new().with_access_token("{{viber_bot.access_token}}")),
        )
    }),
    (
        "postman_create_channel_viber_business_messages_request",
        || {
            value(
                CreateChannelRequest::new(ChannelType::ViberBusinessMessages, "Example")
                    .with_mode(ChannelMode::Production)
                    .with_webhook(WebhookRequest::new("https://example.com/webhook"))
                    .with_viber_business_messages(
                        ViberBusinessMessagesAccount::new()
                            .with_sender_id("Example")
                            .with_default_message_ttl("PT20M")
                            .with_mode("amio"),
                    ),
            )
        },
    ),
    ("postman_create_channel_rbm_request", || {
        value(
            CreateChannelRequest::new(ChannelType::Rbm, "Example")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://example.com/webhook"))
                .with_rbm(
                    RbmAgent::new()
                        .with_agent_name("ACME")
                        .with_agent_state("create_requested")
                        .with_region("europe"),
                ),
        )
    }),
    ("postman_create_channel_telegram_request", || {
        value(
            CreateChannelRequest::new(ChannelType::Telegram, "Your Telegram Bot")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://example.com/webhook"))
                .with_telegram(
                    TelegramBot::new().with_access_token("Fill with your telegram bot 'token'."),
                ),
        )
    }),
    ("postman_create_channel_whatsapp_request", || {
        value(
            CreateChannelRequest::new(ChannelType::Whatsapp, "Your WA Business Account")
                .with_mode(ChannelMode::Sandbox)
                .with_webhook(WebhookRequest::new("https://my-project.com/webhooks"))
                .with_whatsapp_business_account(
                    WhatsappBusinessAccount::new().with_phone_number("+11 123 456 789"),
                ),
        )
    }),
    // The Postman collection: update_channel.
    ("postman_update_channel_amio_chat_request", || {
        value(
            UpdateChannelRequest::new()
                .with_name("Amio")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://requestb.in/tqp125tq")),
        )
    }),
    ("postman_update_channel_email_request", || {
        value(
            UpdateChannelRequest::new()
                .with_name("New Support Email")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://new-company.com/webhooks"))
                .with_provider(
                    Provider::new()
                        .with_access_token("123456789abcdef-9c999993-sdaf82cfd9")
                        .with_domain("new-company.com")
                        .with_default_attributes(
                            ProviderDefaultAttributes::new().with_from(
                                EmailAddress::new()
                                    .with_email("support@new-company.com")
                                    .with_name("Customer Support"),
                            ),
                        ),
                ),
        )
    }),
    ("postman_update_channel_mobile_request", || {
        value(
            UpdateChannelRequest::new()
                .with_name("Amio")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://requestb.in/tqp125tq"))
                .with_provider(
                    Provider::new()
                        .with_sender_id("phonenumber")
                        .with_access_token("m4tswKaIwXMhWp1pn1CK0ftGZ")
                        .with_signing_key("GDVCrN9tgECUrkouzh4gyn7k"),
                ),
        )
    }),
    (
        "postman_update_channel_viber_business_messages_request",
        || {
            value(
                UpdateChannelRequest::new()
                    .with_name("My New Name")
                    .with_mode(ChannelMode::Production)
                    .with_webhook(WebhookRequest::new("https://example.com/new-webhook"))
                    .with_viber(
                        ViberSettingsUpdate::new()
                            .with_default_message_ttl("PT20M")
                            .with_mode("amio"),
                    ),
            )
        },
    ),
    ("postman_update_channel_rbm_request", || {
        value(
            UpdateChannelRequest::new()
                .with_name("My New Name")
                .with_mode(ChannelMode::Production)
                .with_webhook(WebhookRequest::new("https://example.com/new-webhook"))
                .with_rbm(
                    RbmAgent::new()
                        .with_agent_name("ACME")
                        .with_agent_state("create_requested")
                        .with_region("europe"),
                ),
        )
    }),
    // The Postman collection: update_settings.
    ("postman_update_settings_amio_chat_request", || {
        value(SettingsUpdate::new().with_domains_whitelist(["https://app.amio.io"]))
    }),
    ("postman_update_settings_facebook_messenger_request", || {
        value(
            SettingsUpdate::new()
                .with_get_started_button(GetStartedButton::new("{{GET_STARTED_PAYLOAD}}"))
                .with_menu([Menu::new(
                    "default",
                    [
                        UrlMenuItem::new("URL Item", "http://www.google.com").into(),
                        PostbackMenuItem::new("POSTBACK Item", "POSTBACK DATA").into(),
                        amio::types::MenuItem::from(NestedMenuItem::new(
                            "NESTED Item",
                            NestedMenu::new([
                                amio::types::MenuItem::from(UrlMenuItem::new(
                                    "NESTED URL Item",
                                    "http://www.google.com",
                                )),
                                PostbackMenuItem::new("NESTED POSTBACK Item", "POSTBACK DATA")
                                    .into(),
                            ]),
                        )),
                    ],
                )])
                .with_user_inputs([UserInput::new("default", true)])
                .with_domains_whitelist(["https://app.amio.io"]),
        )
    }),
];

/// The spec as JSON.
fn spec() -> Value {
    let text = std::fs::read_to_string(crate::root().join("spec/amio.yaml")).expect("the spec");
    serde_yaml::from_str(&text).expect("the spec is YAML")
}

fn ref_name(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.rsplit('/').next()
}

/// Every schema name a value refers to, at any depth.
fn schema_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.push(name.to_owned());
            }
            for (key, child) in map {
                if key != "x-examples" && key != "example" {
                    schema_refs(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| schema_refs(v, out)),
        _ => {}
    }
}

/// The request examples: those of the operations' request bodies, and the
/// `x-examples` of every schema a request body reaches.
fn request_examples(spec: &Value) -> BTreeMap<String, Value> {
    let mut names = BTreeSet::new();
    let mut reached = BTreeSet::new();
    let mut queue = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            for media in operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flat_map(|c| c.values())
            {
                schema_refs(&media["schema"], &mut queue);
                for example in media["examples"]
                    .as_object()
                    .into_iter()
                    .flat_map(|e| e.values())
                {
                    names.insert(ref_name(example).expect("examples are $refs").to_owned());
                }
            }
        }
    }
    let schemas = &spec["components"]["schemas"];
    while let Some(name) = queue.pop() {
        if reached.insert(name.clone()) {
            schema_refs(&schemas[&name], &mut queue);
        }
    }
    for name in &reached {
        for example in schemas[name]["x-examples"]
            .as_object()
            .into_iter()
            .flat_map(|e| e.values())
        {
            names.insert(ref_name(example).expect("x-examples are $refs").to_owned());
        }
    }
    let examples = &spec["components"]["examples"];
    names
        .into_iter()
        .map(|name| {
            let value = examples[&name]["value"].clone();
            (name, value)
        })
        .collect()
}

#[test]
fn every_request_example_has_a_builder_path() {
    let examples = request_examples(&spec());
    let built: BTreeSet<&str> = BUILT.iter().map(|(name, _)| *name).collect();
    let missing: Vec<&String> = examples
        .keys()
        .filter(|name| !built.contains(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "request examples with no builder path in tests/it/requests.rs: {missing:?}"
    );
    let stale: Vec<&&str> = built
        .iter()
        .filter(|name| !examples.contains_key(**name))
        .collect();
    assert!(
        stale.is_empty(),
        "builder paths for no request example: {stale:?}"
    );
    // Not vacuous: the request examples of each seed are among them.
    let spec = spec();
    for seed in ["Seed 000", "Seed 001", "Seed 003"] {
        let from_seed = examples
            .keys()
            .filter(|name| {
                spec["components"]["examples"][name.as_str()]["description"]
                    .as_str()
                    .is_some_and(|d| d.starts_with(seed))
            })
            .count();
        assert!(from_seed > 0, "no request example of {seed}");
    }
    assert!(examples.len() > 50, "{} request examples", examples.len());
}

#[test]
fn every_request_example_is_built_exactly() {
    let examples = request_examples(&spec());
    for (name, build) in BUILT {
        let expected = &examples[*name];
        assert_eq!(&build(), expected, "{name}");
    }
}

#[test]
fn a_user_ref_addresses_a_contact() {
    let user_ref = UserRef::generate().unwrap();
    let request = SendMessageRequest::new(ChannelRef::new("1"), &user_ref);
    assert_eq!(
        value(&request)["contact"],
        json!({"user_ref": user_ref.as_str()})
    );
}

#[test]
fn quick_replies_attach_to_every_content_type() {
    let contents = [
        Content::text("t"),
        Content::image("https://x/i.png"),
        Content::audio("https://x/a.mp3"),
        Content::video("https://x/v.mp4"),
        Content::file("https://x/f.pdf"),
        Content::location(1.0, 2.0),
        Content::structure(StructureCard::new().with_title("c")),
        Content::horizontal_scroll([StructureCard::new()]),
        Content::receipt(ReceiptPayload::new()),
        Content::Unknown(json!({"type": "hologram"})),
    ];
    for content in contents {
        let with = content
            .clone()
            .with_quick_replies([QuickReply::email()])
            .with_quick_reply(QuickReply::location());
        let json = value(&with);
        assert_eq!(
            json["quick_replies"],
            json!([{"type": "email"}, {"type": "location"}]),
            "{json}"
        );
        assert_eq!(json["type"], value(&content)["type"]);
        if !with.is_unknown() {
            assert_eq!(with.quick_replies().map(|q| q.len()), Some(2));
        }
        let replaced = with.with_quick_replies([QuickReply::phone_number()]);
        assert_eq!(
            value(&replaced)["quick_replies"],
            json!([{"type": "phone_number"}])
        );
    }
}

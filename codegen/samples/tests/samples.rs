//! Behaviour of the generator's output, one module per sample spec.

mod unions {
    use codegen_samples::unions::types::{Content, MediaContent, MediaContentPayload, TextContent};
    use serde_json::json;

    fn round_trip(value: serde_json::Value) -> Content {
        let content: Content = serde_json::from_value(value.clone()).expect("deserializes");
        assert_eq!(serde_json::to_value(&content).expect("serializes"), value);
        content
    }

    #[test]
    fn known_tags_dispatch_to_their_variant() {
        let text = round_trip(json!({"type": "text", "payload": "hi"}));
        assert_eq!(text, Content::Text(TextContent::new("hi")));
        assert_eq!(text.type_(), "text");
        let video = round_trip(json!({"type": "video", "payload": {"url": "https://x/v.mp4"}}));
        assert!(matches!(video, Content::Video(MediaContent { .. })));
        assert_eq!(video.type_(), "video");
    }

    #[test]
    fn one_schema_for_several_tags_keeps_the_tag() {
        let media = MediaContent::new(MediaContentPayload::new("https://x/i.png"));
        let image = serde_json::to_value(Content::Image(media.clone())).unwrap();
        let video = serde_json::to_value(Content::Video(media)).unwrap();
        assert_eq!(image["type"], "image");
        assert_eq!(video["type"], "video");
    }

    #[test]
    fn a_variant_with_only_its_tag_round_trips() {
        let location = round_trip(json!({"type": "location"}));
        assert!(matches!(location, Content::Location(_)));
        assert_eq!(
            serde_json::to_string(&location).unwrap(),
            r#"{"type":"location"}"#
        );
    }

    #[test]
    fn an_unknown_tag_keeps_the_raw_json() {
        let raw = json!({"type": "carousel", "cards": [1, 2], "nested": {"a": null}});
        let unknown = round_trip(raw.clone());
        assert_eq!(unknown, Content::Unknown(raw));
        assert!(unknown.is_unknown());
        assert_eq!(unknown.type_(), "carousel");
    }

    #[test]
    fn errors_for_a_known_tag_carry_the_field_path() {
        fn path_of(text: &str) -> (String, String) {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let error =
                serde_path_to_error::deserialize::<_, Content>(&mut deserializer).unwrap_err();
            (error.path().to_string(), error.into_inner().to_string())
        }
        // The usual wire order, the tag first: the path of the bad field is
        // structured, serde_path_to_error sees through the union.
        let (path, message) = path_of(r#"{"type": "image", "payload": {"url": 5}}"#);
        assert_eq!(path, "payload.url", "{message}");
        assert!(message.contains("expected a string"), "{message}");
        // Fields read before the tag were buffered: the message names the path.
        let (_, message) = path_of(r#"{"payload": {"url": 5}, "type": "image"}"#);
        assert!(message.contains("`payload.url`"), "{message}");
        let (_, missing) = path_of(r#"{"type": "text"}"#);
        assert!(missing.contains("payload"), "{missing}");
    }

    #[test]
    fn a_missing_or_malformed_tag_is_an_error_not_a_panic() {
        for bad in [
            json!({"payload": "x"}),
            json!({"type": 3}),
            json!("text"),
            json!(null),
            json!([]),
        ] {
            let error = serde_json::from_value::<Content>(bad.clone())
                .unwrap_err()
                .to_string();
            assert!(error.contains("Content"), "{bad}: {error}");
        }
    }

    /// One object, one reading: a tag given twice is refused, for a known
    /// tag and an unknown one, with the first before or after other keys.
    #[test]
    fn a_tag_given_twice_is_refused() {
        for text in [
            r#"{"type":"text","payload":"x","type":"video"}"#,
            r#"{"payload":"x","type":"text","type":"video"}"#,
            r#"{"type":"carousel","cards":[],"type":"text"}"#,
            r#"{"cards":[],"type":"carousel","type":"carousel"}"#,
        ] {
            let error = serde_json::from_str::<Content>(text)
                .unwrap_err()
                .to_string();
            assert!(
                error.starts_with("Content: duplicate field `type`"),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn variants_convert_into_the_union() {
        let content: Content = TextContent::new("x").into();
        assert_eq!(content.type_(), "text");
    }
}

mod open_enums {
    use codegen_samples::open_enums::types::{Channel, ChannelType};
    use serde_json::json;

    #[test]
    fn known_values_are_variants() {
        let channel: Channel =
            serde_json::from_value(json!({"id": "1", "type": "amio_chat"})).unwrap();
        assert_eq!(channel.type_, ChannelType::AmioChat);
        assert_eq!(
            ChannelType::FacebookMessenger.as_str(),
            "facebook_messenger"
        );
        assert_eq!(ChannelType::Value1.as_str(), "1");
    }

    #[test]
    fn unknown_values_are_kept_and_sent_back() {
        let raw = json!({"id": "1", "type": "carrier_pigeon"});
        let channel: Channel = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(channel.type_, ChannelType::Unknown("carrier_pigeon".into()));
        assert!(channel.type_.is_unknown());
        assert_eq!(serde_json::to_value(&channel).unwrap(), raw);
    }

    #[test]
    fn strings_convert_both_ways() {
        assert_eq!(ChannelType::from("sms"), ChannelType::Sms);
        assert_eq!("sms".parse::<ChannelType>(), Ok(ChannelType::Sms));
        assert_eq!(ChannelType::from(String::from("new")).to_string(), "new");
    }

    #[test]
    fn a_non_string_is_an_error() {
        assert!(serde_json::from_value::<ChannelType>(json!(5)).is_err());
    }
}

mod tri_state {
    use codegen_samples::tri_state::types::{Menu, SettingsUpdate};
    use serde_json::json;

    fn update() -> SettingsUpdate {
        SettingsUpdate::new(None)
    }

    #[test]
    fn absent_null_and_value_serialize_differently() {
        let mut patch = update();
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({"revision": null})
        );
        patch.menu = Some(None);
        assert_eq!(
            serde_json::to_string(&patch).unwrap(),
            r#"{"menu":null,"revision":null}"#
        );
        patch.menu = Some(Some(Menu::new().with_items(["a"])));
        patch.type_ = Some(None);
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            json!({"menu": {"items": ["a"]}, "revision": null, "type": null})
        );
    }

    #[test]
    fn null_and_absence_deserialize_differently() {
        let null: SettingsUpdate =
            serde_json::from_value(json!({"menu": null, "revision": 1})).unwrap();
        assert_eq!(null.menu, Some(None));
        let absent: SettingsUpdate = serde_json::from_value(json!({"revision": 1})).unwrap();
        assert_eq!(absent.menu, None);
        let keyword: SettingsUpdate =
            serde_json::from_value(json!({"type": null, "revision": 1})).unwrap();
        assert_eq!(keyword.type_, Some(None));
    }

    #[test]
    fn an_empty_collection_and_an_absent_one_stay_different() {
        let empty: Menu = serde_json::from_value(json!({"items": []})).unwrap();
        assert_eq!(empty.items, Some(vec![]));
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!({"items": []}));
        let absent: Menu = serde_json::from_value(json!({})).unwrap();
        assert_eq!(absent.items, None);
        assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
    }

    #[test]
    fn an_any_value_property_keeps_null_apart_from_absence() {
        let null: SettingsUpdate =
            serde_json::from_value(json!({"anything": null, "revision": 1})).unwrap();
        assert_eq!(null.anything, Some(None));
        assert_eq!(
            serde_json::to_value(&null).unwrap(),
            json!({"anything": null, "revision": 1})
        );
        let value: SettingsUpdate =
            serde_json::from_value(json!({"anything": [1, "a"], "revision": 1})).unwrap();
        assert_eq!(value.anything, Some(Some(json!([1, "a"]))));
        let absent: SettingsUpdate = serde_json::from_value(json!({"revision": 1})).unwrap();
        assert_eq!(absent.anything, None);
    }

    #[test]
    fn explicit_nulls_round_trip() {
        let raw = json!({"menu": null, "greeting": "hi", "revision": 3});
        let patch: SettingsUpdate = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&patch).unwrap(), raw);
    }
}

mod construction {
    use codegen_samples::construction::types::{Address, Attributes, Order};
    use serde_json::json;

    #[test]
    fn new_takes_the_required_properties_and_leaves_the_rest_out() {
        let order = Order::new("o-1", ["a", "b"], 2);
        assert_eq!(
            serde_json::to_value(&order).unwrap(),
            json!({"orderId": "o-1", "items": ["a", "b"], "quantity": 2})
        );
    }

    #[test]
    fn setters_write_every_kind_of_property() {
        let order = Order::new("o-1", Vec::<String>::new(), 1)
            .with_note("ring twice")
            .with_urgent(true)
            .with_labels([("gift", "yes")])
            .with_address(Address::new().with_city("Brno"))
            .with_attributes(
                Attributes::new()
                    .with_entry("floor", 3)
                    .with_entry("lift", false),
            )
            .with_quantity(3)
            .with_order_id("o-2");
        assert_eq!(
            serde_json::to_value(&order).unwrap(),
            json!({
                "orderId": "o-2",
                "items": [],
                "quantity": 3,
                "note": "ring twice",
                "urgent": true,
                "labels": {"gift": "yes"},
                "address": {"city": "Brno"},
                "attributes": {"floor": 3, "lift": false}
            })
        );
    }

    #[test]
    fn a_map_setter_takes_a_map_too() {
        let labels: std::collections::HashMap<String, String> =
            [("a".to_owned(), "1".to_owned())].into();
        let order = Order::new("o", ["x"], 1).with_labels(labels.clone());
        assert_eq!(order.labels, Some(labels));
    }

    #[test]
    fn a_later_entry_replaces_one_of_the_same_name() {
        let attributes = Attributes::new().with_entry("k", 1).with_entry("k", 2);
        assert_eq!(serde_json::to_value(attributes).unwrap(), json!({"k": 2}));
        assert_eq!(Attributes::new(), Attributes::default());
    }
}

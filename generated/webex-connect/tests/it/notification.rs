//! Delivery notifications: the spec's examples parse into typed values, keys
//! are matched whatever their case, and bad bodies name what is wrong.

use webex_connect::notification::{DeliveryCode, NotificationError, parse};

#[test]
fn every_spec_example_parses() {
    let examples = crate::spec_examples("delivery_notification_");
    for (name, value) in &examples {
        let raw = serde_json::to_vec(value).unwrap();
        let notification = parse(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));
        let body = &notification.delivery_info_notification;
        let info = &body.delivery_info;
        let wire = &value["deliveryInfoNotification"];
        assert_eq!(info.code.as_str(), wire["deliveryInfo"]["code"], "{name}");
        assert!(!info.code.is_unknown(), "{name}");
        assert_eq!(
            body.transid.as_deref(),
            wire["transid"].as_str(),
            "{name}: transid"
        );
        assert_eq!(
            info.description.as_deref(),
            wire["deliveryInfo"]["Description"].as_str(),
            "{name}: Description"
        );
        let stamp = info
            .timestamp()
            .unwrap_or_else(|| panic!("{name}: no timeStamp"))
            .unwrap_or_else(|e| panic!("{name}: timeStamp: {e}"));
        let printed = wire["deliveryInfo"]["timeStamp"].as_str().unwrap();
        assert_eq!(
            stamp.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            printed,
            "{name}"
        );
        assert_eq!(
            serde_json::to_value(&notification).unwrap(),
            *value,
            "{name}: round trip"
        );
    }
    println!("{} delivery notification examples parsed", examples.len());
}

#[test]
fn the_documented_codes_are_typed() {
    let statuses: Vec<DeliveryCode> = crate::spec_examples("delivery_notification_")
        .iter()
        .map(|(_, v)| {
            DeliveryCode::from(
                v["deliveryInfoNotification"]["deliveryInfo"]["code"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    for code in [
        DeliveryCode::Delivered,
        DeliveryCode::Submitted,
        DeliveryCode::Expired,
    ] {
        assert!(statuses.contains(&code), "no example for {code}");
    }
    assert_eq!(
        DeliveryCode::from("7777"),
        DeliveryCode::Unknown("7777".into())
    );
    assert_eq!(DeliveryCode::from("7777").description(), None);
    assert_eq!(
        DeliveryCode::Expired.description(),
        Some("Message expired. The message expired before it could be delivered.")
    );
}

#[test]
fn keys_in_another_case_are_read() {
    let body = br#"{"DeliveryInfoNotification":{"DeliveryInfo":{
        "DeliveryChannel":"SMS","description":"Delivered","DestinationType":"msisdn",
        "timestamp":"2016-07-20T17:13:17.908","Code":"7500","DeliveryStatus":"Delivered",
        "Destination":"918800000000","somethingNew":1},
        "CorrelationId":"c-1","CallbackData":"cb","TransId":"t-1"}}"#;
    let notification = parse(body).unwrap();
    let body = notification.delivery_info_notification;
    assert_eq!(body.transid.as_deref(), Some("t-1"));
    assert_eq!(body.correlationid.as_deref(), Some("c-1"));
    assert_eq!(body.callback_data.as_deref(), Some("cb"));
    let info = body.delivery_info;
    assert_eq!(info.code, DeliveryCode::Delivered);
    assert_eq!(info.description.as_deref(), Some("Delivered"));
    assert_eq!(info.delivery_channel.as_deref(), Some("SMS"));
    assert_eq!(info.destination.as_deref(), Some("918800000000"));
    assert_eq!(
        info.timestamp().unwrap().unwrap().to_string(),
        "2016-07-20 17:13:17.908"
    );
}

#[test]
fn a_body_that_is_not_a_notification_names_the_problem() {
    assert!(matches!(
        parse(b"deliveryInfo=1"),
        Err(NotificationError::NotJson(_))
    ));
    match parse(br#"{"deliveryInfoNotification":{"deliveryInfo":{"code":7500}}}"#) {
        Err(NotificationError::Shape { path, .. }) => {
            assert_eq!(path, "deliveryInfoNotification.deliveryInfo.code");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
    match parse(br#"{"deliveryInfoNotification":{}}"#) {
        Err(NotificationError::Shape { message, .. }) => {
            assert!(message.contains("deliveryInfo"), "{message}");
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
}

#[test]
fn a_missing_or_unreadable_timestamp_is_told_apart() {
    let none = parse(br#"{"deliveryInfoNotification":{"deliveryInfo":{"code":"7501"}}}"#).unwrap();
    assert!(
        none.delivery_info_notification
            .delivery_info
            .timestamp()
            .is_none()
    );
    let bad = parse(
        br#"{"deliveryInfoNotification":{"deliveryInfo":{"code":"7501","timeStamp":"soon"}}}"#,
    )
    .unwrap();
    assert!(matches!(
        bad.delivery_info_notification.delivery_info.timestamp(),
        Some(Err(_))
    ));
}

//! The Amio API over HTTP: auth, the error format, validation by the spec,
//! and the state behind channels, contacts, messages and settings.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TOKEN, amio, error_details, http, send, start};

#[tokio::test]
async fn a_request_without_the_token_is_refused_in_the_documented_format() {
    let sim = start(|_| {}).await;
    let url = format!("{}/channels", sim.amio_base_url());
    let (status, headers, body) = send(http().get(&url)).await;
    assert_eq!(status, 401);
    // The live platform's shape: a numeric code (checked by `error_details`),
    // its message, and the rate-limit headers, counting nothing.
    assert_eq!(
        error_details(401, &body)[0]["message"],
        "Wrong accessToken."
    );
    let remaining = &headers["x-ratelimit-remaining"];
    let (_, again, _) = send(http().get(&url)).await;
    assert_eq!(&again["x-ratelimit-remaining"], remaining);
    let (status, _, _) = send(http().get(&url).bearer_auth("wrong-token")).await;
    assert_eq!(status, 401);
    let (status, _, _) = send(http().get(&url).bearer_auth(&TOKEN[..TOKEN.len() - 1])).await;
    assert_eq!(status, 401);
    // The same token as the `access_token` query parameter (seed 000).
    let (status, _, body) = send(http().get(format!("{url}?access_token={TOKEN}"))).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = send(http().get(format!("{url}?access_token=nope"))).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn unknown_ids_are_404_and_wrong_methods_405_with_allow() {
    let sim = start(|_| {}).await;
    let (status, headers, body) = send(amio(&sim, Method::GET, "/channels/123")).await;
    assert_eq!(status, 404);
    assert!(
        error_details(404, &body)[0]["message"]
            .as_str()
            .unwrap()
            .contains("123")
    );
    assert!(headers.get("x-ratelimit-limit").is_some());
    let (status, _, body) = send(amio(&sim, Method::GET, "/nothing/here")).await;
    assert_eq!(status, 404);
    error_details(404, &body);
    let seeded = messaging_simulator::SEEDED_CHANNEL_ID;
    let path = format!("/channels/{seeded}/contacts/999/messages");
    let (status, _, body) = send(amio(&sim, Method::GET, &path)).await;
    assert_eq!(status, 404, "{body}");
    let (status, headers, body) = send(amio(&sim, Method::PUT, "/channels")).await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "GET, POST");
    assert_eq!(
        error_details(405, &body)[0]["message"],
        "Method PUT is not allowed for resource /v1/channels."
    );
    let (status, headers, _) = send(amio(&sim, Method::POST, &format!("/channels/{seeded}"))).await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "GET, DELETE, PATCH");
}

#[tokio::test]
async fn a_request_the_spec_refuses_is_422_naming_each_field() {
    let sim = start(|_| {}).await;
    let body = json!({"channel": {"id": 5}, "content": {"type": "text"}});
    let (status, _, answer) = send(amio(&sim, Method::POST, "/messages").json(&body)).await;
    assert_eq!(status, 422);
    let details = error_details(422, &answer);
    let field = |name: &str| {
        details
            .iter()
            .find(|d| d["field"] == name)
            .unwrap_or_else(|| panic!("no error names {name}: {answer}"))
            .clone()
    };
    assert_eq!(field("channel.id")["rejected_value"], 5);
    assert_eq!(field("contact")["rejected_value"], Value::Null);
    assert_eq!(
        field("contact")["message"],
        "Property 'contact' is required."
    );
    field("content.payload");
    // Query parameters too, by their schemas: `max` is 1 to 100.
    for query in [
        "max=101",
        "max=0",
        "max=ten",
        "offset=-1",
        "offset=2147483648",
    ] {
        let (status, _, answer) =
            send(amio(&sim, Method::GET, &format!("/channels?{query}"))).await;
        assert_eq!(status, 422, "{query}: {answer}");
        let name = query.split('=').next().unwrap();
        assert_eq!(error_details(422, &answer)[0]["field"], name, "{query}");
    }
    let (status, _, answer) = send(amio(&sim, Method::GET, "/channels?max=1&max=2")).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(error_details(400, &answer)[0]["field"], "max");
    // A nullable property may be null, a plain one may not.
    let seeded = messaging_simulator::SEEDED_CHANNEL_ID;
    let path = format!("/channels/{seeded}");
    let (status, _, _) =
        send(amio(&sim, Method::PATCH, &path).json(&json!({"webhook": null}))).await;
    assert_eq!(status, 200);
    let (status, _, answer) =
        send(amio(&sim, Method::PATCH, &path).json(&json!({"name": null}))).await;
    assert_eq!(status, 422);
    assert_eq!(error_details(422, &answer)[0]["field"], "name");
}

#[tokio::test]
async fn bodies_that_are_not_one_json_document_are_400_and_big_ones_413() {
    let sim = start(|c| c.body_limit = 1000).await;
    let post = |body: &'static str| {
        amio(&sim, Method::POST, "/channels")
            .header("content-type", "application/json")
            .body(body)
    };
    let (status, _, answer) = send(post("{\"type\": ")).await;
    assert_eq!(status, 400);
    error_details(400, &answer);
    let (status, _, answer) = send(post(r#"{"type": "mobile", "name": "a", "name": "b"}"#)).await;
    assert_eq!(status, 400);
    let message = error_details(400, &answer)[0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("`name` is given twice"), "{message}");
    let (status, _, _) = send(post("")).await;
    assert_eq!(status, 400);
    let (status, _, _) = send(post(r#"{"type": "mobile", "name": "a"} trailing"#)).await;
    assert_eq!(status, 400);
    let big = format!(r#"{{"type": "mobile", "name": "{}"}}"#, "x".repeat(2000));
    let (status, _, answer) = send(amio(&sim, Method::POST, "/channels").body(big)).await;
    assert_eq!(status, 413);
    error_details(413, &answer);
}

async fn create(sim: &messaging_simulator::Running, body: Value) -> (Value, String) {
    let (status, headers, channel) = send(amio(sim, Method::POST, "/channels").json(&body)).await;
    assert_eq!(status, 201, "{channel}");
    let location = headers["location"].to_str().unwrap().to_owned();
    (channel, location)
}

#[tokio::test]
async fn channels_are_created_read_listed_patched_and_deleted() {
    let sim = start(|_| {}).await;
    let (channel, location) = create(
        &sim,
        json!({"type": "amio_chat", "name": "Chat", "webhook": {"url": "http://127.0.0.1:9/hook"}}),
    )
    .await;
    let id = channel["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 19);
    assert_eq!(location, format!("{}/channels/{id}", sim.amio_base_url()));
    assert_eq!(channel["mode"], "production");
    let secret = channel["webhook"]["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 30);
    assert_eq!(channel["webhook"]["ssl_verification"], true);
    let (status, _, read) = send(http().get(&location).bearer_auth(TOKEN)).await;
    assert_eq!((status, &read), (200, &channel));

    // Listed after the seeded channel, paginated with x-total-count.
    let (status, headers, list) = send(amio(&sim, Method::GET, "/channels")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-total-count"], "2");
    assert_eq!(list[0]["id"], messaging_simulator::SEEDED_CHANNEL_ID);
    assert_eq!(list[1]["id"], id.as_str());
    let (_, headers, page) = send(amio(&sim, Method::GET, "/channels?max=1&offset=1")).await;
    assert_eq!(headers["x-total-count"], "2");
    assert_eq!(page, json!([channel]));
    let (_, _, page) = send(amio(&sim, Method::GET, "/channels?offset=5")).await;
    assert_eq!(page, json!([]));

    // PATCH: a new url keeps the webhook's id and secret; null removes it.
    let path = format!("/channels/{id}");
    let patch = json!({"name": "Renamed", "webhook": {"url": "http://127.0.0.1:9/new"}});
    let (status, _, patched) = send(amio(&sim, Method::PATCH, &path).json(&patch)).await;
    assert_eq!(status, 200);
    assert_eq!(patched["name"], "Renamed");
    assert_eq!(patched["webhook"]["url"], "http://127.0.0.1:9/new");
    assert_eq!(patched["webhook"]["secret"], secret.as_str());
    assert_eq!(patched["webhook"]["id"], channel["webhook"]["id"]);
    let (_, _, patched) =
        send(amio(&sim, Method::PATCH, &path).json(&json!({"webhook": null}))).await;
    assert_eq!(patched["webhook"], Value::Null);
    assert_eq!(patched["name"], "Renamed");
    // Only the properties of UpdateChannelRequest change: not `id` or `type`.
    let (_, _, patched) = send(
        amio(&sim, Method::PATCH, &path).json(&json!({"id": "1", "type": "email", "extra": 1})),
    )
    .await;
    assert_eq!(patched["id"], id.as_str());
    assert_eq!(patched["type"], "amio_chat");
    assert!(patched.get("extra").is_none());

    let (status, _, body) = send(amio(&sim, Method::DELETE, &path)).await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, _, _) = send(amio(&sim, Method::GET, &path)).await;
    assert_eq!(status, 404);
    let (status, _, _) = send(amio(&sim, Method::DELETE, &path)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn sends_create_contacts_by_phone_number_and_user_ref_and_are_listed() {
    let sim = start(|_| {}).await;
    let (channel, _) = create(&sim, json!({"type": "mobile", "name": "SMS"})).await;
    let channel_id = channel["id"].as_str().unwrap();
    let message = |contact: Value, text: &str| {
        json!({"channel": {"id": channel_id}, "contact": contact,
               "content": {"type": "text", "payload": text}, "metadata": {"k": "v"}})
    };
    let by_phone = message(json!({"phone_number": "+420 (777) 111-222"}), "one");
    let (status, headers, sent) = send(amio(&sim, Method::POST, "/messages").json(&by_phone)).await;
    assert_eq!(status, 201, "{sent}");
    let contact_id = sent["contact"]["id"].as_str().unwrap().to_owned();
    assert_eq!(sent["contact"]["phone_number"], "420777111222");
    assert_eq!(sent["channel"], json!({"id": channel_id, "type": "mobile"}));
    assert_eq!(sent["metadata"], json!({"k": "v"}));
    assert_eq!(
        headers["location"],
        format!(
            "{}/channels/{channel_id}/contacts/{contact_id}/messages",
            sim.amio_base_url()
        )
    );
    // The same number, written otherwise, is the same contact.
    let again = message(json!({"phone_number": "420777111222"}), "two");
    let (_, _, second) = send(amio(&sim, Method::POST, "/messages").json(&again)).await;
    assert_eq!(second["contact"]["id"], contact_id.as_str());
    let by_id = message(json!({"id": contact_id}), "three");
    let (status, _, third) = send(amio(&sim, Method::POST, "/messages").json(&by_id)).await;
    assert_eq!(status, 201);
    assert_eq!(third["contact"], json!({"id": contact_id}));
    let by_ref = message(json!({"user_ref": "checkbox-42"}), "four");
    let (_, _, fourth) = send(amio(&sim, Method::POST, "/messages").json(&by_ref)).await;
    assert_eq!(fourth["contact"]["user_ref"], "checkbox-42");
    assert_ne!(fourth["contact"]["id"], contact_id.as_str());

    let contacts_path = format!("/channels/{channel_id}/contacts");
    let (_, headers, contacts) = send(amio(&sim, Method::GET, &contacts_path)).await;
    assert_eq!(headers["x-total-count"], "2");
    assert_eq!(
        contacts[0],
        json!({"id": contact_id, "name": "420777111222", "phone_number": "420777111222"})
    );
    let messages_path = format!("{contacts_path}/{contact_id}/messages");
    let (_, headers, messages) = send(amio(&sim, Method::GET, &messages_path)).await;
    assert_eq!(headers["x-total-count"], "3");
    // Newest first; sent, delivered (production mode), not read.
    let texts: Vec<&str> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"]["payload"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["three", "two", "one"]);
    assert_eq!(messages[2]["id"], sent["id"]);
    assert_eq!(messages[2]["direction"], "sent");
    assert!(messages[2]["sent"].is_string() && messages[2]["delivered"].is_string());
    assert_eq!(messages[2]["read"], Value::Null);

    // Unknown channel or contact: 404 naming the field.
    let wrong = json!({"channel": {"id": "1"}, "contact": {"id": contact_id},
        "content": {"type": "text", "payload": "x"}});
    let (status, _, answer) = send(amio(&sim, Method::POST, "/messages").json(&wrong)).await;
    assert_eq!(status, 404);
    assert_eq!(error_details(404, &answer)[0]["field"], "channel.id");
    let wrong = message(json!({"id": "1"}), "x");
    let (status, _, answer) = send(amio(&sim, Method::POST, "/messages").json(&wrong)).await;
    assert_eq!(status, 404);
    assert_eq!(error_details(404, &answer)[0]["field"], "contact.id");
    let wrong = message(json!({"phone_number": "call me"}), "x");
    let (status, _, answer) = send(amio(&sim, Method::POST, "/messages").json(&wrong)).await;
    assert_eq!(status, 422);
    assert_eq!(
        error_details(422, &answer)[0]["field"],
        "contact.phone_number"
    );

    // Deleting the contact deletes its messages.
    let contact_path = format!("{contacts_path}/{contact_id}");
    let (status, _, _) = send(amio(&sim, Method::DELETE, &contact_path)).await;
    assert_eq!(status, 204);
    let (status, _, _) = send(amio(&sim, Method::GET, &contact_path)).await;
    assert_eq!(status, 404);
    let (status, _, _) = send(amio(&sim, Method::GET, &messages_path)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_seeded_test_channel_accepts_sends_without_delivering_them() {
    let sim = start(|_| {}).await;
    let send_body = json!({
        "channel": {"id": messaging_simulator::SEEDED_CHANNEL_ID},
        "contact": {"phone_number": "+1 (555) 857-6309"},
        "content": {"type": "text", "payload": "Hello world!"},
    });
    let (status, _, sent) = send(amio(&sim, Method::POST, "/messages").json(&send_body)).await;
    assert_eq!(status, 201);
    // The spec's example number is the seeded contact (mobile_send_message_response).
    assert_eq!(
        sent["contact"],
        json!({"id": messaging_simulator::SEEDED_CONTACT_ID, "phone_number": messaging_simulator::SEEDED_PHONE_NUMBER})
    );
    let path = format!(
        "/channels/{}/contacts/{}/messages",
        messaging_simulator::SEEDED_CHANNEL_ID,
        messaging_simulator::SEEDED_CONTACT_ID
    );
    let (_, _, messages) = send(amio(&sim, Method::GET, &path)).await;
    assert_eq!(messages[0]["delivered"], Value::Null);
    assert!(sim.deliveries().is_empty());
}

#[tokio::test]
async fn settings_are_patched_with_null_deleting_and_exist_only_where_documented() {
    let sim = start(|_| {}).await;
    let (channel, _) = create(&sim, json!({"type": "amio_chat", "name": "Chat"})).await;
    let path = format!("/channels/{}/settings", channel["id"].as_str().unwrap());
    let (status, _, settings) = send(amio(&sim, Method::GET, &path)).await;
    assert_eq!(
        (status, settings),
        (200, json!({"domains_whitelist": null}))
    );
    let set = json!({"domains_whitelist": ["https://app.amio.io"], "get_started_button": {"payload": "GO"}});
    let (status, _, settings) = send(amio(&sim, Method::PATCH, &path).json(&set)).await;
    assert_eq!(status, 200);
    assert_eq!(settings, set);
    let delete = json!({"get_started_button": null, "domains_whitelist": null});
    let (_, _, settings) = send(amio(&sim, Method::PATCH, &path).json(&delete)).await;
    assert_eq!(settings, json!({"domains_whitelist": null}));
    let mobile = format!(
        "/channels/{}/settings",
        messaging_simulator::SEEDED_CHANNEL_ID
    );
    let (status, _, answer) = send(amio(&sim, Method::GET, &mobile)).await;
    assert_eq!(status, 422);
    error_details(422, &answer);
}

#[tokio::test]
async fn notifications_go_to_known_contacts_and_messages_read_marks_received_messages() {
    let sim = start(|_| {}).await;
    let (channel, _) = create(
        &sim,
        json!({"type": "facebook_messenger", "name": "FB",
        "facebook_page": {"id": "1", "access_token": "page-token"}}),
    )
    .await;
    assert_eq!(channel["facebook_page"]["access_token"], "***");
    let channel_id = channel["id"].as_str().unwrap();
    let remote = messaging_simulator::cli::Remote {
        url: sim.base_url(),
        token: TOKEN.to_owned(),
    };
    let received = remote
        .inbound(channel_id, "fb-user-1", "Hi there")
        .await
        .unwrap();
    assert_eq!(received["direction"], "received");
    let notify = |kind: &str| json!({"channel": {"id": channel_id}, "contact": {"id": "fb-user-1"}, "type": kind});
    let (status, _, answer) =
        send(amio(&sim, Method::POST, "/notifications").json(&notify("messages_read"))).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["channel"],
        json!({"id": channel_id, "type": "facebook_messenger"})
    );
    assert_eq!(answer["type"], "messages_read");
    let path = format!("/channels/{channel_id}/contacts/fb-user-1/messages");
    let (_, _, messages) = send(amio(&sim, Method::GET, &path)).await;
    assert!(messages[0]["read"].is_string(), "{messages}");
    let (status, _, answer) =
        send(amio(&sim, Method::POST, "/notifications").json(&notify("custom"))).await;
    assert_eq!(status, 422);
    assert_eq!(error_details(422, &answer)[0]["field"], "type");
    let mut unknown = notify("typing_on");
    unknown["contact"]["id"] = json!("nobody");
    let (status, _, _) = send(amio(&sim, Method::POST, "/notifications").json(&unknown)).await;
    assert_eq!(status, 404);
}

/// For every operation and every request example of the spec (path
/// parameters: the spec's examples, which are the seeded ids), the
/// simulator's answer has a documented status and fits its schema.
#[tokio::test]
async fn every_example_request_gets_a_documented_answer_that_fits_its_schema() {
    use messaging_openapi::spec::Shape;
    let suite = messaging_openapi::Document::from_text(
        "spec/amio.yaml",
        messaging_simulator::AMIO_SPEC.to_owned(),
    )
    .unwrap();
    let mut checked = 0;
    for operation in &suite.operations {
        let bodies: Vec<Option<Value>> = match &operation.request {
            Some(request) => request
                .examples
                .iter()
                .map(|e| Some(e.value.clone()))
                .collect(),
            None => vec![None],
        };
        for body in bodies {
            // A fresh simulator each time: a delete must not hide the rest.
            let sim = start(|_| {}).await;
            let path = operation.example_path().unwrap();
            let method = Method::from_bytes(operation.method.as_bytes()).unwrap();
            let mut request = amio(&sim, method, &path);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let (status, _, answer) = send(request).await;
            let documented = operation
                .response(status)
                .unwrap_or_else(|| panic!("{}: undocumented {status}: {answer}", operation.id));
            match &documented.shape {
                Some(shape) => suite
                    .schemas
                    .validate(shape, &answer)
                    .unwrap_or_else(|e| panic!("{} {status}: {e}\n{answer}", operation.id)),
                None => assert_eq!(answer, Value::Null, "{}", operation.id),
            }
            if documented.is_success() {
                // And what the generated types read, as the client would.
                if let Some(Shape::Named(name) | Shape::ArrayOf(name)) = &documented.shape {
                    let values = match &documented.shape {
                        Some(Shape::ArrayOf(_)) => answer.as_array().cloned().unwrap_or_default(),
                        _ => vec![answer.clone()],
                    };
                    for value in values {
                        conformance::amio::registry::round_trip(name, value)
                            .unwrap()
                            .unwrap_or_else(|e| panic!("{}: {e}", operation.id));
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} requests");
}

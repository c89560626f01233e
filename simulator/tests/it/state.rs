//! `--state FILE`: loaded on start, written on exit, atomically; a file
//! that is not a state is refused with its path, never a panic.

use reqwest::Method;
use serde_json::json;

use crate::support::{amio, send, start};

#[tokio::test]
async fn the_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let sim = start(|c| c.state_file = Some(file.clone())).await;
    assert!(
        file.is_file(),
        "written at start, so a bad path fails at once"
    );
    let (status, _, channel) = send(
        amio(&sim, Method::POST, "/channels").json(&json!({"type": "mobile", "name": "Kept"})),
    )
    .await;
    assert_eq!(status, 201);
    let id = channel["id"].as_str().unwrap().to_owned();
    sim.shutdown().await.unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["state.json"], "no temporary file is left");

    let sim = start(|c| c.state_file = Some(file.clone())).await;
    let (status, _, read) = send(amio(&sim, Method::GET, &format!("/channels/{id}"))).await;
    assert_eq!((status, read), (200, channel));
    // New ids never collide with the loaded ones.
    let (_, _, other) =
        send(amio(&sim, Method::POST, "/channels").json(&json!({"type": "mobile", "name": "New"})))
            .await;
    assert!(other["id"].as_str().unwrap() > id.as_str());
}

#[tokio::test]
async fn a_file_that_is_not_a_state_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    for (content, expected) in [
        ("{ half a file", "not a simulator state file"),
        (
            r#"{"version": 99, "ids_issued": 0, "channels": {}}"#,
            "format version 99",
        ),
        (
            r#"{"version": 1, "ids_issued": 0, "channels": {"1": {"channel": {"id": "1", "type": "mobile"}, "settings": {}, "contacts": {}}}}"#,
            "channels.1.channel",
        ),
    ] {
        std::fs::write(&file, content).unwrap();
        let mut config = messaging_simulator::Config::default();
        config.port = 0;
        config.state_file = Some(file.clone());
        let error = messaging_simulator::start(config)
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{error}");
        assert!(error.contains("state.json"), "{error}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), content);
    }
}

#[tokio::test]
async fn a_failed_write_leaves_the_previous_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let sim = start(|c| c.state_file = Some(file.clone())).await;
    let before = std::fs::read_to_string(&file).unwrap();
    send(amio(&sim, Method::POST, "/channels").json(&json!({"type": "mobile", "name": "Lost"})))
        .await;
    // The temporary file's place is taken by a directory: the write fails.
    let blocker = dir
        .path()
        .join(format!(".state.json.{}.tmp", std::process::id()));
    std::fs::create_dir(&blocker).unwrap();
    assert!(sim.snapshot().is_err());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    std::fs::remove_dir(&blocker).unwrap();
    sim.snapshot().unwrap();
    assert!(std::fs::read_to_string(&file).unwrap().contains("Lost"));
}

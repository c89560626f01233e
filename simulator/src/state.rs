//! What the simulator remembers: channels, their settings, contacts and
//! messages, as the API returns them. In memory; with `--state FILE` loaded
//! on start and written on exit, atomically (a temporary file beside it,
//! flushed, then renamed over it), so a crash never leaves half a file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use messaging_openapi::schema::Schemas;
use messaging_openapi::spec::Shape;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The version of the state file's format.
pub const FORMAT_VERSION: u32 = 1;

/// The id of the channel every fresh state starts with: the channel id of
/// the spec's examples, so that they address a channel that exists.
pub const SEEDED_CHANNEL_ID: &str = "6456078759331238786";
/// The id of the seeded channel's contact (the contact id of the spec's
/// examples).
pub const SEEDED_CONTACT_ID: &str = "6456078781510718339";
/// The seeded contact's phone number (E.164 without `+`, as Amio returns it;
/// the spec's Mobile examples send `+1 (555) 857-6309`).
pub const SEEDED_PHONE_NUMBER: &str = "15558576309";

/// The first id handed out: above the seeded ones and of the same width, so
/// that ids sort in the order they were created.
const FIRST_ID: u64 = 6_500_000_000_000_000_000;
/// The step between two ids, so that they do not look consecutive.
const ID_STEP: u64 = 1_000_003;

/// Why a state file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The file is not a state file of this version.
    #[error("{path} is not a simulator state file: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its JSON path.
        message: String,
    },
}

/// A contact and its conversation.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct ContactRecord {
    /// The contact as `get_contact` returns it.
    pub(crate) contact: Map<String, Value>,
    /// Its messages as `list_messages` returns them, oldest first.
    pub(crate) messages: Vec<Map<String, Value>>,
}

/// A channel, its settings and its contacts.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct ChannelRecord {
    /// The channel as `get_channel` returns it (with its webhook secret).
    pub(crate) channel: Map<String, Value>,
    /// Its settings as `get_settings` returns them.
    pub(crate) settings: Map<String, Value>,
    /// Its contacts by id.
    pub(crate) contacts: BTreeMap<String, ContactRecord>,
}

impl ChannelRecord {
    /// The channel's `type`.
    pub(crate) fn type_(&self) -> &str {
        self.channel
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The contact whose `key` (`phone_number`, `user_ref`) is `value`.
    pub(crate) fn contact_by(&self, key: &str, value: &str) -> Option<&str> {
        self.contacts
            .iter()
            .find(|(_, c)| c.contact.get(key).and_then(Value::as_str) == Some(value))
            .map(|(id, _)| id.as_str())
    }
}

/// Everything the simulator remembers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct State {
    /// The file format's version.
    pub(crate) version: u32,
    /// How many ids were handed out.
    pub(crate) ids_issued: u64,
    /// Channels by id (ids sort in creation order).
    pub(crate) channels: BTreeMap<String, ChannelRecord>,
}

impl State {
    /// A fresh state: one Mobile channel in `test` mode, without webhook,
    /// with one contact, under the ids of the spec's examples.
    pub(crate) fn seeded() -> Self {
        let channel = json!({
            "id": SEEDED_CHANNEL_ID,
            "type": "mobile",
            "name": "Simulator",
            "mode": "test",
            "webhook": null,
        });
        let contact = json!({
            "id": SEEDED_CONTACT_ID,
            "name": SEEDED_PHONE_NUMBER,
            "phone_number": SEEDED_PHONE_NUMBER,
        });
        let mut record = ChannelRecord {
            channel: into_map(channel),
            ..ChannelRecord::default()
        };
        record.contacts.insert(
            SEEDED_CONTACT_ID.to_owned(),
            ContactRecord {
                contact: into_map(contact),
                messages: Vec::new(),
            },
        );
        Self {
            version: FORMAT_VERSION,
            ids_issued: 0,
            channels: BTreeMap::from([(SEEDED_CHANNEL_ID.to_owned(), record)]),
        }
    }

    /// A new id: a decimal string of 19 digits, as Amio's ids are.
    pub(crate) fn next_id(&mut self) -> String {
        self.ids_issued += 1;
        FIRST_ID
            .saturating_add(self.ids_issued.saturating_mul(ID_STEP))
            .to_string()
    }

    /// Reads a state file, checking every channel, contact and message
    /// against the spec's schemas (`Channel`, `Contact`, `MessageListItem`),
    /// so that what it serves fits the spec whatever the file held.
    pub(crate) fn load(path: &Path, schemas: &Schemas) -> Result<Self, StateError> {
        let bytes = std::fs::read(path).map_err(|source| StateError::Io {
            path: path.to_owned(),
            source,
        })?;
        let invalid = |message: String| StateError::Invalid {
            path: path.to_owned(),
            message,
        };
        let value = crate::json::parse(&bytes).map_err(invalid)?;
        let state: State = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        if state.version != FORMAT_VERSION {
            return Err(invalid(format!(
                "format version {}, this simulator reads {FORMAT_VERSION}",
                state.version
            )));
        }
        for (id, record) in &state.channels {
            let check = |shape: &str, value: &Map<String, Value>, at: String| {
                schemas
                    .validate(
                        &Shape::Named(shape.to_owned()),
                        &Value::Object(value.clone()),
                    )
                    .map_err(|e| invalid(format!("{at}: {e}")))
            };
            if record.channel.get("id").and_then(Value::as_str) != Some(id) {
                return Err(invalid(format!("channels.{id}: its `id` is not {id}")));
            }
            check("Channel", &record.channel, format!("channels.{id}.channel"))?;
            for (contact_id, contact) in &record.contacts {
                if contact.contact.get("id").and_then(Value::as_str) != Some(contact_id) {
                    return Err(invalid(format!(
                        "channels.{id}.contacts.{contact_id}: its `id` is not {contact_id}"
                    )));
                }
                let at = format!("channels.{id}.contacts.{contact_id}");
                check("Contact", &contact.contact, format!("{at}.contact"))?;
                for (i, message) in contact.messages.iter().enumerate() {
                    check("MessageListItem", message, format!("{at}.messages[{i}]"))?;
                }
            }
        }
        Ok(state)
    }

    /// Writes the state to `path` atomically: into a temporary file in the
    /// same directory, flushed to disk, then renamed over `path`. Until the
    /// rename, `path` keeps its previous content.
    pub(crate) fn save(&self, path: &Path) -> Result<(), StateError> {
        let io = |source| StateError::Io {
            path: path.to_owned(),
            source,
        };
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| io(e.into()))?;
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".to_owned());
        let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        result.map_err(io)
    }
}

/// The object inside `value` (empty if it is not one).
pub(crate) fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_decimal_strings_that_sort_in_creation_order() {
        let mut state = State::seeded();
        let ids: Vec<String> = (0..5).map(|_| state.next_id()).collect();
        assert!(
            ids.iter()
                .all(|id| id.len() == 19 && id.parse::<u64>().is_ok())
        );
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        assert!(SEEDED_CHANNEL_ID < ids[0].as_str());
    }
}

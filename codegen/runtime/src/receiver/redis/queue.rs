//! [`RedisQueue`]: the durable queue on a Redis stream, and its dead letters.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use ::redis::aio::ConnectionManager;
use ::redis::{Script, Value};
use bytes::Bytes;

use super::{DEFAULT_TIMEOUT, RedisError, bounded};
use crate::receiver::{HandOverError, Sink, SinkFuture};

/// The consumer group the workers of a queue share: `workers`.
pub const DEFAULT_GROUP: &str = "workers";

/// The most entries a queue's stream holds: 100,000. When as many are
/// waiting (not yet acknowledged), the receiver answers `503` and the
/// platform re-delivers later: entries are never trimmed before they are
/// acknowledged.
pub const DEFAULT_MAX_LEN: u64 = 100_000;

/// The names of the fields a dead letter adds to the entry it keeps.
const FAILED_ID: &str = "failed-id";
const FAILED_ERROR: &str = "failed-error";
const FAILED_ATTEMPTS: &str = "failed-attempts";

/// What a delivery is as a stream entry: the fields it is written as, and
/// how it is read back by a [`Worker`](super::Worker).
///
/// The fields should be what the receiver verified (the raw body, its key,
/// the verified channel), so that the entry can be read again as received;
/// none may be named `failed-id`, `failed-error` or `failed-attempts`
/// (a dead letter's own).
pub trait StreamEntry: Sized + Send + 'static {
    /// The entry's fields, name then value, in order.
    fn to_fields(&self) -> Vec<(&'static str, Bytes)>;

    /// Reads a delivery back from the fields [`StreamEntry::to_fields`] wrote.
    ///
    /// # Errors
    ///
    /// A field is missing or not what was written: the entry goes to the
    /// dead-letter stream with this error.
    fn from_fields(fields: &Fields) -> Result<Self, EntryError>;
}

/// The fields of a stream entry, as read from Redis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pairs: Vec<(String, Bytes)>,
}

impl Fields {
    /// The value of the field `name` (the first, if it is repeated).
    pub fn get(&self, name: &str) -> Option<&Bytes> {
        self.pairs
            .iter()
            .find_map(|(field, value)| (field == name).then_some(value))
    }

    /// Every field, in the entry's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }

    /// The fields of a flat `[name, value, name, value…]` array, as
    /// `XRANGE` and the scripts return them; `None` when it is not one.
    pub(super) fn from_flat(value: Value) -> Option<Self> {
        let Value::Array(items) = value else {
            return None;
        };
        if items.len() % 2 != 0 {
            return None;
        }
        let mut pairs = Vec::with_capacity(items.len() / 2);
        let mut items = items.into_iter();
        while let (Some(name), Some(value)) = (items.next(), items.next()) {
            pairs.push((
                String::from_utf8(bulk(name)?).ok()?,
                Bytes::from(bulk(value)?),
            ));
        }
        Some(Self { pairs })
    }

    /// The fields of a map, as `StreamReadReply` gives them.
    pub(super) fn from_map(map: std::collections::HashMap<String, Value>) -> Option<Self> {
        let mut pairs = Vec::with_capacity(map.len());
        for (name, value) in map {
            pairs.push((name, Bytes::from(bulk(value)?)));
        }
        Some(Self { pairs })
    }

    fn without_failure(self) -> Self {
        Self {
            pairs: self
                .pairs
                .into_iter()
                .filter(|(name, _)| ![FAILED_ID, FAILED_ERROR, FAILED_ATTEMPTS].contains(&&**name))
                .collect(),
        }
    }
}

impl<const N: usize> From<[(&str, &[u8]); N]> for Fields {
    fn from(pairs: [(&str, &[u8]); N]) -> Self {
        Self {
            pairs: pairs
                .into_iter()
                .map(|(name, value)| (name.to_owned(), Bytes::copy_from_slice(value)))
                .collect(),
        }
    }
}

/// The bytes of a string reply.
pub(super) fn bulk(value: Value) -> Option<Vec<u8>> {
    match value {
        Value::BulkString(bytes) => Some(bytes),
        Value::SimpleString(text) => Some(text.into_bytes()),
        Value::Int(number) => Some(number.to_string().into_bytes()),
        _ => None,
    }
}

/// The text of a string reply.
pub(super) fn text(value: Value) -> Option<String> {
    String::from_utf8(bulk(value)?).ok()
}

/// A stream entry that is not a delivery: a field is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    field: &'static str,
    problem: String,
}

impl EntryError {
    /// The field `field` is missing.
    pub fn missing(field: &'static str) -> Self {
        Self {
            field,
            problem: "missing".to_owned(),
        }
    }

    /// The field `field` is there but not what was written: `problem`.
    pub fn invalid(field: &'static str, problem: impl fmt::Display) -> Self {
        Self {
            field,
            problem: problem.to_string(),
        }
    }

    /// The field at fault.
    pub fn field(&self) -> &str {
        self.field
    }
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the stream entry's field `{}` is {}",
            self.field, self.problem
        )
    }
}

impl StdError for EntryError {}

/// Why the queue did not do what it was asked.
#[derive(Debug)]
#[non_exhaustive]
pub enum QueueError {
    /// Redis failed, or did not answer within the timeout.
    Redis(RedisError),
    /// The stream holds as many entries as it may; none was added.
    Full {
        /// The entries it holds.
        length: u64,
    },
    /// Redis answered something these scripts never return.
    Unexpected(&'static str),
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Redis(error) => write!(f, "Redis failed: {error}"),
            Self::Full { length } => write!(
                f,
                "the stream holds {length} entries not yet acknowledged, as many as it may"
            ),
            Self::Unexpected(what) => write!(f, "Redis answered an unexpected {what}"),
        }
    }
}

impl StdError for QueueError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Redis(error) => Some(error),
            Self::Full { .. } | Self::Unexpected(_) => None,
        }
    }
}

impl From<RedisError> for QueueError {
    fn from(error: RedisError) -> Self {
        Self::Redis(error)
    }
}

/// An entry of the dead-letter stream: a delivery whose handler failed as
/// many times as the worker allows, with its last error.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DeadLetter {
    /// Its id in the dead-letter stream (what [`RedisQueue::replay`] takes).
    pub id: String,
    /// Its id in the stream it failed in.
    pub failed_id: String,
    /// The last error: the handler's, or why the entry could not be read.
    pub error: String,
    /// How many times it was handed to a worker.
    pub attempts: u32,
    /// The delivery's own fields ([`StreamEntry::from_fields`] reads them).
    pub fields: Fields,
}

impl DeadLetter {
    fn from_entry(entry: Value) -> Option<Self> {
        let Value::Array(parts) = entry else {
            return None;
        };
        let mut parts = parts.into_iter();
        let id = text(parts.next()?)?;
        let fields = Fields::from_flat(parts.next()?)?;
        let field_text = |name| {
            fields
                .get(name)
                .map(|value| String::from_utf8_lossy(value).into_owned())
        };
        Some(Self {
            failed_id: field_text(FAILED_ID).unwrap_or_default(),
            error: field_text(FAILED_ERROR).unwrap_or_default(),
            attempts: field_text(FAILED_ATTEMPTS)
                .and_then(|text| text.parse().ok())
                .unwrap_or(0),
            fields: fields.without_failure(),
            id,
        })
    }
}

/// How much of a queue is left: entries handed to a worker and not yet
/// acknowledged, entries not yet handed to any, and dead letters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Backlog {
    /// Read by a worker of the group, not yet acknowledged.
    pub pending: u64,
    /// Not yet read by any worker of the group.
    pub undelivered: u64,
    /// In the dead-letter stream.
    pub dead: u64,
}

impl Backlog {
    /// Whether every entry was acknowledged (dead letters aside).
    pub fn is_drained(&self) -> bool {
        self.pending == 0 && self.undelivered == 0
    }
}

/// The Lua function both adding scripts share: makes sure the group exists
/// (reading from the start, so that a stream created here loses nothing),
/// trims what every group has acknowledged (every 64 entries, and when the
/// stream looks full), and adds the entry unless the stream is full.
/// Returns the new id, or the length when full.
const ADD_FUNCTION: &str = r"
local function split(id)
  local dash = string.find(id, '-', 1, true)
  return string.sub(id, 1, dash - 1), tonumber(string.sub(id, dash + 1))
end
local function less(a, b)
  local ams, aseq = split(a)
  local bms, bseq = split(b)
  ams, bms = tonumber(ams), tonumber(bms)
  return ams < bms or (ams == bms and aseq < bseq)
end
local function trim(stream, group)
  local floor = nil
  local found = false
  for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local name, last
    for i = 1, #info, 2 do
      if info[i] == 'name' then name = info[i + 1]
      elseif info[i] == 'last-delivered-id' then last = info[i + 1] end
    end
    if name == group then found = true end
    -- The oldest entry this group has not acknowledged: its first
    -- pending entry, or else the first after its last delivered one.
    local ms, seq = split(last)
    local candidate = ms .. '-' .. string.format('%d', seq + 1)
    local pending = redis.call('XPENDING', stream, name)
    if pending[1] > 0 then candidate = pending[2] end
    if floor == nil or less(candidate, floor) then floor = candidate end
  end
  if not found then
    redis.call('XGROUP', 'CREATE', stream, group, '0')
  end
  if floor ~= nil then
    redis.call('XTRIM', stream, 'MINID', '~', floor)
  end
  return redis.call('XLEN', stream)
end
local function add(stream, group, max_len, fields)
  local length = 0
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
  else
    length = redis.call('XLEN', stream)
    -- Trimming looks at every group: done every 64 entries, and whenever
    -- the stream looks full (so that what was acknowledged makes room).
    if length >= max_len or length % 64 == 0 then
      length = trim(stream, group)
    end
  end
  if length >= max_len then return length end
  return redis.call('XADD', stream, '*', unpack(fields))
end
";

/// `KEYS`: stream; `ARGV`: group, max length, then the fields.
const ADD: &str = r"
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
return add(KEYS[1], ARGV[1], tonumber(ARGV[2]), fields)
";

/// `KEYS`: stream, dead-letter stream; `ARGV`: group, max length, dead id.
/// Returns the new id, the length when full, or `false` when there is no
/// such dead letter.
const REPLAY: &str = r"
local entries = redis.call('XRANGE', KEYS[2], ARGV[3], ARGV[3])
if #entries == 0 then return false end
local fields = {}
local kept = entries[1][2]
for i = 1, #kept, 2 do
  local name = kept[i]
  if name ~= 'failed-id' and name ~= 'failed-error' and name ~= 'failed-attempts' then
    fields[#fields + 1] = name
    fields[#fields + 1] = kept[i + 1]
  end
end
local added = add(KEYS[1], ARGV[1], tonumber(ARGV[2]), fields)
if type(added) == 'number' then return added end
redis.call('XDEL', KEYS[2], ARGV[3])
return added
";

/// `KEYS`: stream, dead-letter stream; `ARGV`: group. The backlog:
/// pending, undelivered, dead.
const BACKLOG: &str = r"
local pending, undelivered = 0, 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  for _, info in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
    local name, last
    for i = 1, #info, 2 do
      if info[i] == 'name' then name = info[i + 1]
      elseif info[i] == 'last-delivered-id' then last = info[i + 1] end
    end
    if name == ARGV[1] then
      pending = redis.call('XPENDING', KEYS[1], name)[1]
      undelivered = #redis.call('XRANGE', KEYS[1], '(' .. last, '+')
    end
  end
end
return {pending, undelivered, redis.call('XLEN', KEYS[2])}
";

/// The names of a queue's keys.
#[derive(Clone, Debug)]
pub(super) struct Names {
    pub(super) stream: String,
    pub(super) dead: String,
    pub(super) errors: String,
    pub(super) group: String,
}

impl Names {
    pub(super) fn new(stream: &str, group: &str) -> Self {
        Self {
            stream: stream.to_owned(),
            dead: format!("{stream}:dead"),
            errors: format!("{stream}:errors"),
            group: group.to_owned(),
        }
    }
}

/// A durable queue on a Redis stream: a [`Sink`] for any [`StreamEntry`],
/// so a receiver answers `200` only once `XADD` has succeeded.
///
/// - Redis down, or slower than the timeout ([`DEFAULT_TIMEOUT`]): the hand-over
///   fails and the receiver answers `503`, so the platform re-delivers;
///   nothing is acked that is not stored.
/// - Bounded: each `XADD` first trims (`XTRIM MINID ~`) the entries every
///   consumer group of the stream has acknowledged, and none other; when
///   the stream still holds the maximum length ([`DEFAULT_MAX_LEN`]), the
///   delivery is refused ([`HandOverError::Full`], `503`) instead of
///   trimming what is not acknowledged (`MAXLEN ~` would). So the stream
///   holds at most `max_len` entries, every un-acknowledged one is kept,
///   and a backlog that reaches the bound is pushed back to the platform,
///   which re-delivers. Acknowledged entries stay until the oldest entry
///   before them is acknowledged too (and, `~`, until a whole node of about
///   100 entries can go).
/// - Dead letters live in `<stream>:dead`, each with its last error and its
///   attempts ([`RedisQueue::dead_letters`]); [`RedisQueue::replay`] puts one
///   back. That stream is not trimmed: it only grows with failures, and
///   replaying or deleting them is an operator's decision.
///
/// Cheap to clone. `Debug` shows no URL.
#[derive(Clone)]
#[must_use]
pub struct RedisQueue {
    connection: ConnectionManager,
    names: Names,
    max_len: u64,
    timeout: Duration,
    add: Script,
}

impl fmt::Debug for RedisQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisQueue")
            .field("stream", &self.names.stream)
            .field("group", &self.names.group)
            .field("max_len", &self.max_len)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisQueue {
    /// A queue on the stream `stream`, with the default group, maximum
    /// length and timeout.
    pub fn new(connection: ConnectionManager, stream: &str) -> Self {
        Self {
            connection,
            names: Names::new(stream, DEFAULT_GROUP),
            max_len: DEFAULT_MAX_LEN,
            timeout: DEFAULT_TIMEOUT,
            add: Script::new(&format!("{ADD_FUNCTION}{ADD}")),
        }
    }

    /// Connects to `url` (see [`connect`](super::connect)) and makes a
    /// queue on `stream` with the defaults.
    ///
    /// # Errors
    ///
    /// The URL is not a Redis URL, or Redis does not answer.
    pub async fn connect(url: &str, stream: &str) -> Result<Self, RedisError> {
        Ok(Self::new(
            super::connect(url, DEFAULT_TIMEOUT).await?,
            stream,
        ))
    }

    /// The consumer group whose acknowledgements let entries be trimmed,
    /// and that this queue creates when the stream has none
    /// ([`DEFAULT_GROUP`] by default; the workers' must be the same).
    pub fn group(mut self, group: &str) -> Self {
        self.names = Names::new(&self.names.stream, group);
        self
    }

    /// The most entries the stream holds ([`DEFAULT_MAX_LEN`] by default; at
    /// least one).
    pub fn max_len(mut self, entries: u64) -> Self {
        self.max_len = entries.max(1);
        self
    }

    /// The bound on each call to Redis ([`DEFAULT_TIMEOUT`] by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The name of the stream.
    pub fn stream(&self) -> &str {
        &self.names.stream
    }

    /// The name of the dead-letter stream: `<stream>:dead`.
    pub fn dead_letter_stream(&self) -> &str {
        &self.names.dead
    }

    /// Adds `entry` to the stream; its id.
    ///
    /// # Errors
    ///
    /// [`QueueError::Full`] when the stream holds the maximum length,
    /// [`QueueError::Redis`] when Redis fails or is slower than the timeout.
    pub async fn add(&self, entry: &impl StreamEntry) -> Result<String, QueueError> {
        self.add_fields(entry.to_fields()).await
    }

    async fn add_fields(&self, fields: Vec<(&'static str, Bytes)>) -> Result<String, QueueError> {
        let mut invocation = self.add.key(&self.names.stream);
        invocation.arg(&self.names.group).arg(self.max_len);
        for (name, value) in &fields {
            invocation.arg(*name).arg(&value[..]);
        }
        let mut connection = self.connection.clone();
        let added: Value = bounded(self.timeout, invocation.invoke_async(&mut connection)).await?;
        added_id(added)
    }

    /// The first `count` dead letters, oldest first.
    ///
    /// # Errors
    ///
    /// Redis fails or is slower than the timeout.
    pub async fn dead_letters(&self, count: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let mut connection = self.connection.clone();
        let entries: Value = bounded(
            self.timeout,
            ::redis::cmd("XRANGE")
                .arg(&self.names.dead)
                .arg("-")
                .arg("+")
                .arg("COUNT")
                .arg(count)
                .query_async(&mut connection),
        )
        .await?;
        let Value::Array(entries) = entries else {
            return Err(QueueError::Unexpected("XRANGE reply"));
        };
        entries
            .into_iter()
            .map(|entry| DeadLetter::from_entry(entry).ok_or(QueueError::Unexpected("dead letter")))
            .collect()
    }

    /// Moves the dead letter `id` back into the stream, as a new entry
    /// whose attempts start again at zero: its new id, or `None` when there
    /// is no such dead letter. One script: the letter is never in both
    /// streams, nor in neither.
    ///
    /// # Errors
    ///
    /// [`QueueError::Full`] (the letter stays), or Redis failed.
    pub async fn replay(&self, id: &str) -> Result<Option<String>, QueueError> {
        let script = Script::new(&format!("{ADD_FUNCTION}{REPLAY}"));
        let mut connection = self.connection.clone();
        let replayed: Value = bounded(
            self.timeout,
            script
                .key(&self.names.stream)
                .key(&self.names.dead)
                .arg(&self.names.group)
                .arg(self.max_len)
                .arg(id)
                .invoke_async(&mut connection),
        )
        .await?;
        match replayed {
            Value::Nil => Ok(None),
            other => added_id(other).map(Some),
        }
    }

    /// Replays every dead letter, oldest first ([`RedisQueue::replay`]);
    /// how many.
    ///
    /// # Errors
    ///
    /// As [`RedisQueue::replay`]; those replayed before the error stay
    /// replayed.
    pub async fn replay_all(&self) -> Result<usize, QueueError> {
        let mut replayed = 0;
        loop {
            let letters = self.dead_letters(100).await?;
            if letters.is_empty() {
                return Ok(replayed);
            }
            for letter in letters {
                if self.replay(&letter.id).await?.is_some() {
                    replayed += 1;
                }
            }
        }
    }

    /// How much is left to do. Counts the undelivered entries one by one:
    /// for monitoring and tests, not for every request.
    ///
    /// # Errors
    ///
    /// Redis fails or is slower than the timeout.
    pub async fn backlog(&self) -> Result<Backlog, QueueError> {
        let mut connection = self.connection.clone();
        let counts: (u64, u64, u64) = bounded(
            self.timeout,
            Script::new(BACKLOG)
                .key(&self.names.stream)
                .key(&self.names.dead)
                .arg(&self.names.group)
                .invoke_async(&mut connection),
        )
        .await?;
        Ok(Backlog {
            pending: counts.0,
            undelivered: counts.1,
            dead: counts.2,
        })
    }
}

/// The id an adding script returned, or why there is none.
fn added_id(added: Value) -> Result<String, QueueError> {
    match added {
        Value::Int(length) => Err(QueueError::Full {
            length: u64::try_from(length).unwrap_or(0),
        }),
        other => text(other).ok_or(QueueError::Unexpected("XADD reply")),
    }
}

impl<D: StreamEntry> Sink<D> for RedisQueue {
    fn hand_over(&self, item: D) -> SinkFuture<'_> {
        let fields = item.to_fields();
        Box::pin(async move {
            match self.add_fields(fields).await {
                Ok(_) => Ok(()),
                Err(QueueError::Full { .. }) => Err(HandOverError::Full),
                Err(error) => Err(HandOverError::Failed(Box::new(error))),
            }
        })
    }
}

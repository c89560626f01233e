//! Webhooks out: events POSTed to a channel's webhook url, signed with its
//! secret (`X-Hub-Signature`, by `amio::webhook::sign`), and re-delivered
//! after a failure on Amio's schedule (seed 000, "Webhooks": after 1, 5, 20,
//! 60, 180 and 480 minutes, then discarded). Webex Connect's delivery
//! notifications go out the same way, unsigned.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

/// Amio's re-delivery schedule: minutes after a failed delivery.
pub const REDELIVERY_MINUTES: [u64; 6] = [1, 5, 20, 60, 180, 480];

/// How long a receiver may take to answer (seed 000: "we close the
/// connections which takes longer then 60 seconds"), before time scaling.
const RECEIVER_TIMEOUT: Duration = Duration::from_secs(60);

/// How many deliveries the log keeps (the oldest are forgotten).
const LOG_SIZE: usize = 1000;

/// One attempt to deliver an event.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Attempt {
    /// When it was made (ISO 8601).
    pub at: String,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Why it failed without an answer.
    pub error: Option<String>,
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Not delivered yet; another attempt is scheduled.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every attempt failed.
    Discarded,
}

/// An event sent out, with every attempt to deliver it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Delivery {
    /// Its number, in the order events were sent.
    pub id: u64,
    /// The event (`message_echo`, `delivery_notification`).
    pub event: String,
    /// Where it is sent.
    pub url: String,
    /// The attempts so far.
    pub attempts: Vec<Attempt>,
    /// Where it stands.
    pub outcome: Outcome,
}

/// One event to send. Not `Debug`: it holds the channel's secret.
pub(crate) struct Post {
    /// The event's name, for the log.
    pub(crate) event: String,
    /// The receiver.
    pub(crate) url: String,
    /// The channel's webhook secret; `None` sends it unsigned.
    pub(crate) secret: Option<Vec<u8>>,
    /// The exact bytes sent (and signed).
    pub(crate) body: Vec<u8>,
}

/// Sends events and keeps a log of their deliveries.
#[derive(Debug)]
pub(crate) struct Outbox {
    http: reqwest::Client,
    minute: Duration,
    log: Mutex<Vec<Delivery>>,
    next: AtomicU64,
    quiet: bool,
}

impl Outbox {
    /// An outbox whose minutes last `minute`.
    pub(crate) fn new(minute: Duration, quiet: bool) -> Result<Self, String> {
        let timeout = RECEIVER_TIMEOUT.mul_f64(minute.as_secs_f64() / 60.0);
        let http = amio::http_client_builder()
            .map_err(|e| format!("building the webhook client: {e}"))?
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout.max(Duration::from_millis(500)))
            .user_agent(concat!("amio-simulator/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("building the webhook client: {e}"))?;
        Ok(Self {
            http,
            minute,
            log: Mutex::new(Vec::new()),
            next: AtomicU64::new(1),
            quiet,
        })
    }

    /// Every delivery the log keeps, oldest first.
    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Delivery>> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn update(&self, id: u64, attempt: Attempt, outcome: Outcome) {
        let mut log = self.lock();
        if let Some(delivery) = log.iter_mut().find(|d| d.id == id) {
            delivery.attempts.push(attempt);
            delivery.outcome = outcome;
        }
    }

    /// Sends `posts` in order (each first attempt waits for the one before),
    /// then re-delivers each failed one on its own schedule.
    pub(crate) fn send(self: &Arc<Self>, posts: Vec<Post>) {
        if posts.is_empty() {
            return;
        }
        let outbox = Arc::clone(self);
        tokio::spawn(async move {
            for post in posts {
                let id = outbox.next.fetch_add(1, Ordering::Relaxed);
                {
                    let mut log = outbox.lock();
                    if log.len() >= LOG_SIZE {
                        log.remove(0);
                    }
                    log.push(Delivery {
                        id,
                        event: post.event.clone(),
                        url: post.url.clone(),
                        attempts: Vec::new(),
                        outcome: Outcome::Pending,
                    });
                }
                if !outbox.attempt(id, &post, 0).await {
                    let outbox = Arc::clone(&outbox);
                    tokio::spawn(async move { outbox.redeliver(id, post).await });
                }
            }
        });
    }

    async fn redeliver(&self, id: u64, post: Post) {
        for (i, minutes) in REDELIVERY_MINUTES.iter().enumerate() {
            tokio::time::sleep(self.minute.saturating_mul(*minutes as u32)).await;
            if self.attempt(id, &post, i + 1).await {
                return;
            }
        }
    }

    /// One attempt; `true` when delivered.
    async fn attempt(&self, id: u64, post: &Post, number: usize) -> bool {
        let mut request = self
            .http
            .post(&post.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(post.body.clone());
        if let Some(secret) = &post.secret {
            request = request.header(
                amio::webhook::SIGNATURE_HEADER,
                amio::webhook::sign(secret, &post.body),
            );
        }
        let (status, error) = match request.send().await {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(e) => (None, Some(e.without_url().to_string())),
        };
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        let last = number == REDELIVERY_MINUTES.len();
        let outcome = match (delivered, last) {
            (true, _) => Outcome::Delivered,
            (false, true) => Outcome::Discarded,
            (false, false) => Outcome::Pending,
        };
        if !self.quiet {
            let answer = status.map_or_else(
                || error.clone().unwrap_or_default(),
                |s| format!("answered {s}"),
            );
            let next = match outcome {
                Outcome::Delivered => String::new(),
                Outcome::Discarded => "; discarded".to_owned(),
                Outcome::Pending => {
                    format!("; re-delivery in {} min", REDELIVERY_MINUTES[number])
                }
            };
            crate::log(format_args!(
                "webhook {} #{id} to {}: {answer}{next}",
                post.event, post.url
            ));
        }
        self.update(
            id,
            Attempt {
                at: crate::now(),
                status,
                error,
            },
            outcome,
        );
        delivered
    }
}

//! Amio's rate limits (seed 000, "Rate Limiting"): a number of requests per
//! hour and a number of simultaneous connections, by pricing plan. The hour
//! passes `time_scale` times faster, like every other simulated delay.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// An Amio pricing plan and its documented limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Plan {
    /// 1000 requests per hour, 3 simultaneous connections.
    Free,
    /// 2000 requests per hour, 10 simultaneous connections.
    Developer,
    /// "custom": no limit unless `--rate-limit` and `--connections` set one.
    Enterprise,
}

impl Plan {
    /// The plan named `name` (`free`, `developer`, `enterprise`).
    pub fn from_name(name: &str) -> Result<Self, String> {
        match name {
            "free" => Ok(Self::Free),
            "developer" => Ok(Self::Developer),
            "enterprise" => Ok(Self::Enterprise),
            other => Err(format!(
                "unknown plan `{other}`: expected free, developer or enterprise"
            )),
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Developer => "developer",
            Self::Enterprise => "enterprise",
        }
    }

    /// Requests per hour, if limited.
    pub fn requests_per_hour(self) -> Option<u64> {
        match self {
            Self::Free => Some(1000),
            Self::Developer => Some(2000),
            Self::Enterprise => None,
        }
    }

    /// Simultaneous connections, if limited.
    pub fn connections(self) -> Option<usize> {
        match self {
            Self::Free => Some(3),
            Self::Developer => Some(10),
            Self::Enterprise => None,
        }
    }
}

/// How a request stands against the hourly budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Standing {
    /// Whether it may be served.
    pub(crate) allowed: bool,
    /// `X-RateLimit-Limit`.
    pub(crate) limit: u64,
    /// `X-RateLimit-Remaining`.
    pub(crate) remaining: u64,
    /// `X-RateLimit-Reset`: when the budget is renewed, in UTC epoch seconds.
    pub(crate) reset: u64,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    started_at: SystemTime,
    used: u64,
}

/// The hourly request budget.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: Option<u64>,
    window: Duration,
    current: Mutex<Window>,
}

impl Limiter {
    /// A budget of `limit` requests per hour (none: unlimited), the hour
    /// lasting `window`.
    pub(crate) fn new(limit: Option<u64>, window: Duration) -> Self {
        Self {
            limit,
            window,
            current: Mutex::new(Window {
                started: Instant::now(),
                started_at: SystemTime::now(),
                used: 0,
            }),
        }
    }

    /// Counts one request; `None` when there is no limit.
    pub(crate) fn take(&self) -> Option<Standing> {
        let limit = self.limit?;
        let mut window = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if window.started.elapsed() >= self.window {
            *window = Window {
                started: Instant::now(),
                started_at: SystemTime::now(),
                used: 0,
            };
        }
        let allowed = window.used < limit;
        if allowed {
            window.used += 1;
        }
        let reset = (window.started_at + self.window)
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
            .unwrap_or_default();
        Some(Standing {
            allowed,
            limit,
            remaining: limit - window.used,
            reset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_runs_out_and_is_renewed_with_the_window() {
        let limiter = Limiter::new(Some(2), Duration::from_millis(200));
        let first = limiter.take().unwrap();
        assert_eq!((first.allowed, first.limit, first.remaining), (true, 2, 1));
        assert!(limiter.take().unwrap().allowed);
        let third = limiter.take().unwrap();
        assert_eq!((third.allowed, third.remaining), (false, 0));
        std::thread::sleep(Duration::from_millis(250));
        let renewed = limiter.take().unwrap();
        assert_eq!((renewed.allowed, renewed.remaining), (true, 1));
        assert!(renewed.reset >= first.reset);
        assert_eq!(Limiter::new(None, Duration::from_secs(1)).take(), None);
    }
}

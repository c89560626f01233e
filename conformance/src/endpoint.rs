//! Where a live endpoint is and how to reach it: what the live modes are
//! given. Data only, so that the trait of an API under test can take it
//! without importing the live checks.

/// Where the live endpoint is and how to reach it.
#[derive(Clone, Default)]
pub struct LiveOptions {
    /// The API's base URL, such as `https://api.amio.io/v1` or
    /// `https://api.imiconnect.io`.
    pub base_url: String,
    /// The credential: Amio's access token, Webex Connect's service key.
    /// Never printed.
    pub credential: String,
    /// Amio: the channel to read (and, if its mode is `test`, send to); by
    /// default the first channel listed.
    pub channel_id: Option<String>,
    /// Webex Connect: the number to send one SMS to; without it nothing is
    /// sent.
    pub msisdn: Option<String>,
}

impl std::fmt::Debug for LiveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveOptions")
            .field("base_url", &self.base_url)
            .field("credential", &"<redacted>")
            .field("channel_id", &self.channel_id)
            .field("msisdn", &self.msisdn)
            .finish()
    }
}

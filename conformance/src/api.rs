//! The APIs under test, by name: what a case file's `api` and `--api` say,
//! each one's report heading and spec. Data only: this module imports
//! nothing of the crate. What checking each one means is its
//! [`ApiUnderTest`](crate::suite::ApiUnderTest), in its folder
//! ([`crate::amio`], [`crate::webex_connect`]); which folder serves which
//! [`Api`] is said once, at the top of the crate (`From<Api>` for
//! `&dyn ApiUnderTest`, in `lib.rs`).

/// An API whose bindings the suite checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Api {
    /// The Amio REST API and its webhooks (`spec/amio.yaml`, crate `amio`).
    Amio,
    /// The Webex Connect Messaging API v1 and its delivery notifications
    /// (`spec/webex-connect.yaml`, crate `webex-connect`).
    WebexConnect,
}

impl Api {
    /// Every API the suite checks, in the order the report shows them.
    pub const ALL: &[Api] = &[Api::Amio, Api::WebexConnect];

    /// The name a case file gives in its `api` field, and `--api` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Amio => "amio",
            Self::WebexConnect => "webex-connect",
        }
    }

    /// The heading of its section of the report.
    pub fn title(self) -> &'static str {
        match self {
            Self::Amio => "Amio",
            Self::WebexConnect => "Webex Connect",
        }
    }

    /// The API named `name`; an error names the ones supported.
    pub fn from_name(name: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|api| api.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|a| a.name()).collect();
                format!("unknown api `{name}`: expected one of {}", known.join(", "))
            })
    }

    /// Its spec, relative to the repository root.
    pub fn spec_path(self) -> &'static str {
        match self {
            Self::Amio => "spec/amio.yaml",
            Self::WebexConnect => "spec/webex-connect.yaml",
        }
    }
}

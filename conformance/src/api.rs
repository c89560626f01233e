//! The APIs under test, and the one trait each implements: its spec, its
//! client (behind the dispatch table generated from the spec), what it makes
//! of a response or a callback, its own areas, and its live mode.
//!
//! The shared checks ([`crate::shared`]) are written against
//! [`ApiUnderTest`] only; what differs between the APIs lives in their folders,
//! [`crate::amio`] and [`crate::webex_connect`].

use futures::future::BoxFuture;
use serde_json::Value;

use crate::dispatch::Input;
use crate::mock::{Canned, MockApi};
use crate::shared::compare::Drift;
use crate::shared::live::LiveOptions;
use crate::shared::report::Area;
use crate::spec::Operation;
use crate::suite::Suite;

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

    /// What the suite knows about checking it.
    pub fn under_test(self) -> &'static dyn ApiUnderTest {
        match self {
            Self::Amio => &crate::amio::Amio,
            Self::WebexConnect => &crate::webex_connect::WebexConnect,
        }
    }
}

/// What the client made of a response it was served: its typed reading,
/// serialized back to JSON, for [`crate::shared::compare::judge`] to compare
/// with what was served; and the drift only the API knows how to see.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Read {
    /// The typed body (the success value, or the typed API error) as JSON;
    /// `None` when the response has no body.
    pub body: Option<Value>,
    /// Drift the API's own rules found (Webex Connect: a response code the
    /// spec does not document).
    pub drift: Vec<Drift>,
}

/// A client of a mock, reading the responses the mock serves.
pub trait Reader: Send + Sync {
    /// Has the mock serve `canned` to the client calling `operation` with
    /// `input`, and says what the client made of it. An error is a failure:
    /// the client could not read the response, or read it as something other
    /// than what it means (a success for an error status, another code). The
    /// documented headers of `canned` must read through the typed accessors.
    fn read<'a>(
        &'a self,
        operation: &'a Operation,
        input: &'a Input,
        canned: &'a Canned,
    ) -> BoxFuture<'a, Result<Read, String>>;
}

/// One API under test. The suite holds one `&'static dyn ApiUnderTest` per
/// [`Api`] ([`Api::under_test`]).
pub trait ApiUnderTest: Sync {
    /// Which API it is.
    fn api(&self) -> Api;

    /// The registry function of its generated types: a schema name and a JSON
    /// value in, the value's round trip through the Rust type out; `None`
    /// when the spec has no such schema.
    fn round_trip(&self, schema: &str, value: Value) -> Option<Result<Value, String>>;

    /// Every `operationId` its dispatch table (generated from the spec) calls.
    fn dispatch_table(&self) -> &'static [&'static str];

    /// Its own areas against the in-process mock, in report order; the
    /// shared ones (examples, properties, fuzzing) go around them.
    fn areas<'a>(&'a self, suite: &'a Suite) -> BoxFuture<'a, Vec<Area>>;

    /// A reader of responses served by `mock`: a client of it, built once.
    fn reader<'a>(&'a self, suite: &'a Suite, mock: &'a MockApi) -> Box<dyn Reader + 'a>;

    /// Reads a callback body (an Amio webhook, a Webex Connect delivery
    /// notification) as a receiver built on the bindings does, and gives the
    /// typed value back as JSON. Amio's body is signed with a test secret and
    /// verified first.
    fn read_callback(&self, body: &[u8]) -> Result<Value, String>;

    /// The checks that are safe on a live endpoint.
    fn live<'a>(&'a self, suite: &'a Suite, options: &'a LiveOptions) -> BoxFuture<'a, Area>;
}

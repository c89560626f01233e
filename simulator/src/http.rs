//! Responses: JSON bodies, and Amio's documented error format (seed 000,
//! "Errors": `{"timestamp","status":{"code","message"},"errors":[...]}`).

use axum::body::Body;
use axum::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use axum::http::{Response, StatusCode};
use serde_json::{Value, json};

use crate::routes::FieldProblem;
use crate::webhooks::Post;

/// What a handler answers: a status, a JSON body, extra headers, and the
/// events to send once the state is unlocked.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Value>,
    pub(crate) headers: Vec<(HeaderName, String)>,
    pub(crate) posts: Vec<Post>,
}

impl Reply {
    /// `status` with `body`.
    pub(crate) fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
            posts: Vec::new(),
        }
    }

    /// `status` without a body (204).
    pub(crate) fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: None,
            headers: Vec::new(),
            posts: Vec::new(),
        }
    }

    /// An error in Amio's format with one detail error.
    pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Self {
        Self::json(
            status,
            error_body(status, vec![json!({ "message": message.into() })]),
        )
    }

    /// An error about one field of the request.
    pub(crate) fn field_error(
        status: StatusCode,
        field: &str,
        rejected_value: Value,
        message: impl Into<String>,
    ) -> Self {
        Self::json(
            status,
            error_body(
                status,
                vec![json!({
                    "field": field,
                    "rejected_value": rejected_value,
                    "message": message.into(),
                })],
            ),
        )
    }

    /// A 422 naming every field at fault.
    pub(crate) fn invalid(problems: &[FieldProblem]) -> Self {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let errors = problems
            .iter()
            .map(|problem| {
                let mut detail = json!({
                    "rejected_value": problem.rejected_value,
                    "message": problem.message,
                });
                if let Some(field) = &problem.field {
                    detail["field"] = json!(field);
                }
                detail
            })
            .collect();
        Self::json(status, error_body(status, errors))
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Adds events to send.
    pub(crate) fn with_posts(mut self, posts: Vec<Post>) -> Self {
        self.posts.extend(posts);
        self
    }

    /// The HTTP response, and the events to send.
    pub(crate) fn into_parts(self) -> (Response<Body>, Vec<Post>) {
        let mut response = Response::new(match &self.body {
            Some(body) => Body::from(serde_json::to_vec(body).unwrap_or_default()),
            None => Body::empty(),
        });
        *response.status_mut() = self.status;
        if self.body.is_some() {
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(name, value);
            }
        }
        (response, self.posts)
    }
}

/// The body of an Amio error.
pub(crate) fn error_body(status: StatusCode, errors: Vec<Value>) -> Value {
    json!({
        "timestamp": crate::now(),
        "status": {
            "code": status.as_u16().to_string(),
            "message": status.canonical_reason().unwrap_or("Error"),
        },
        "errors": errors,
    })
}

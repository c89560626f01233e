//! The simulator's tests, one binary: every request goes to a simulator
//! started in the test, on 127.0.0.1.

mod amio_api;
mod cli;
mod library;
mod limits;
mod state;
mod support;
mod webex;
mod webhooks;

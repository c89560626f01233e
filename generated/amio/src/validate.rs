//! The documented rules a request is checked against before it is sent that
//! no schema keyword can say, in one place: one [`Rules`] implementation per
//! schema that lists them under `x-rules`, each rule citing the section of
//! the Amio API reference (seed 000) that states it.
//!
//! The keyword rules (`maxLength`, `maxItems`: 20-character quick-reply
//! titles, 11 quick replies, 3 menu items, ...) are the generated
//! [`Validate`] of each request type; it calls these. Every
//! generated operation method runs it before sending, and refuses the call
//! with `Error::InvalidRequest` (naming the path and the rule) without
//! sending anything; call [`Validate::validate`]
//! on a body yourself for the structured [`ValidationError`].

use bindings_runtime::validate::{Path, Rules, ValidationError, documented};

use crate::types::{Menu, Metadata, SettingsUpdate, UserInput};

pub use bindings_runtime::validate::{Rule, Validate};

/// The locale every menu and user-input list must have.
const DEFAULT_LOCALE: &str = "default";

fn has_default<T>(entries: &[T], locale: impl Fn(&T) -> &str) -> bool {
    entries
        .iter()
        .any(|entry| locale(entry).trim().eq_ignore_ascii_case(DEFAULT_LOCALE))
}

impl Rules for SettingsUpdate {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        if let Some(Some(menus)) = &self.menu {
            if !has_default(menus, |menu: &Menu| &menu.locale) {
                return Err(documented(
                    "a menu needs a `default` locale",
                    "seed 000, \"Settings\"",
                    &at.key("menu"),
                ));
            }
            if matches!(self.get_started_button, Some(None)) {
                return Err(documented(
                    "a menu needs the get started button; this request deletes it",
                    "seed 000, \"Settings\"",
                    &at.key("get_started_button"),
                ));
            }
        }
        if let Some(Some(inputs)) = &self.user_inputs {
            if !has_default(inputs, |input: &UserInput| &input.locale) {
                return Err(documented(
                    "user inputs need a `default` locale",
                    "seed 000, \"Settings\"",
                    &at.key("user_inputs"),
                ));
            }
            if inputs.iter().any(|input| !input.enabled) && matches!(self.menu, Some(None)) {
                return Err(documented(
                    "disabling user input needs a menu; this request deletes it",
                    "seed 000, \"User Inputs requires Menu\"",
                    &at.key("menu"),
                ));
            }
        }
        Ok(())
    }
}

impl Rules for Metadata {
    fn check_rules(&self, at: &Path<'_>) -> Result<(), ValidationError> {
        if self.tag.is_some() && self.type_.is_some() {
            return Err(documented(
                "a message type can be set only without a tag",
                "seed 000, \"Metadata\", Types",
                &at.key("type"),
            ));
        }
        Ok(())
    }
}

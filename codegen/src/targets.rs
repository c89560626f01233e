//! Every file the generator writes in this repository, in one list shared by
//! `cargo xtask regen`, `cargo xtask regen --check` and the freshness test.

use std::path::{Path, PathBuf};

pub use crate::REGEN_COMMAND;
use crate::{DispatchOptions, Error, Options, dispatch, generate, registry};

/// One generated file and the spec it comes from.
#[derive(Clone, Debug)]
pub struct Target {
    /// The spec, relative to the workspace root.
    pub spec: &'static str,
    /// The generated file, relative to the workspace root.
    pub output: &'static str,
    /// What the file holds.
    pub kind: Kind,
}

/// What a generated file holds.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A crate's bindings ([`generate`]).
    Bindings {
        /// The Rust module path of the generated file inside its crate.
        module_path: &'static str,
        /// The crate's feature the client is behind, if any.
        client_feature: Option<&'static str>,
    },
    /// A registry of a crate's types for data-driven tests ([`registry`]).
    Registry {
        /// The Rust path of the bindings' `types` module.
        types_path: &'static str,
        /// The Rust path of the module holding `RoundTripError`.
        support_path: &'static str,
    },
    /// The `operationId` → client method table of a spec ([`dispatch`]).
    Dispatch(DispatchOptions),
}

/// The options of the conformance suite's dispatch tables: shared helpers in
/// `conformance::dispatch`, the API's `Caller` and `Outcome` in the module
/// holding the table.
const CONFORMANCE_DISPATCH: DispatchOptions = DispatchOptions {
    support_path: "crate::dispatch",
    api_path: "super",
};

const fn bindings(spec: &'static str, output: &'static str, module_path: &'static str) -> Target {
    Target {
        spec,
        output,
        kind: Kind::Bindings {
            module_path,
            client_feature: None,
        },
    }
}

/// An API crate's bindings: the client behind its `client` feature.
const fn api_bindings(spec: &'static str, output: &'static str) -> Target {
    Target {
        spec,
        output,
        kind: Kind::Bindings {
            module_path: "crate::generated",
            client_feature: Some("client"),
        },
    }
}

/// The generated files of this repository.
pub const TARGETS: &[Target] = &[
    api_bindings("spec/amio.yaml", "generated/amio/src/generated.rs"),
    Target {
        spec: "spec/amio.yaml",
        output: "conformance/src/amio/registry.rs",
        kind: Kind::Registry {
            types_path: "amio::types",
            support_path: "crate::dispatch",
        },
    },
    Target {
        spec: "spec/amio.yaml",
        output: "conformance/src/amio/dispatch.rs",
        kind: Kind::Dispatch(CONFORMANCE_DISPATCH),
    },
    api_bindings(
        "spec/webex-connect.yaml",
        "generated/webex-connect/src/generated.rs",
    ),
    Target {
        spec: "spec/webex-connect.yaml",
        output: "conformance/src/webex_connect/registry.rs",
        kind: Kind::Registry {
            types_path: "webex_connect::types",
            support_path: "crate::dispatch",
        },
    },
    Target {
        spec: "spec/webex-connect.yaml",
        output: "conformance/src/webex_connect/dispatch.rs",
        kind: Kind::Dispatch(CONFORMANCE_DISPATCH),
    },
    bindings(
        "codegen/tests/specs/unions.yaml",
        "codegen/samples/src/unions.rs",
        "crate::unions",
    ),
    bindings(
        "codegen/tests/specs/open_enums.yaml",
        "codegen/samples/src/open_enums.rs",
        "crate::open_enums",
    ),
    bindings(
        "codegen/tests/specs/tri_state.yaml",
        "codegen/samples/src/tri_state.rs",
        "crate::tri_state",
    ),
    bindings(
        "codegen/tests/specs/construction.yaml",
        "codegen/samples/src/construction.rs",
        "crate::construction",
    ),
];

/// The workspace root, found from this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A target's freshly generated text.
#[derive(Debug)]
pub struct Rendered {
    /// The target it was rendered for.
    pub target: Target,
    /// The freshly generated text.
    pub fresh: String,
    /// The text on disk, if the file exists.
    pub on_disk: Option<String>,
}

impl Rendered {
    /// Whether the file on disk is the fresh text, line endings aside: a
    /// checkout that writes CRLF (Git's `core.autocrlf` on Windows) is not
    /// stale. Generated text always ends its lines with LF.
    pub fn is_fresh(&self) -> bool {
        self.on_disk
            .as_deref()
            .is_some_and(|on_disk| same_lines(on_disk, &self.fresh))
    }
}

/// Whether `on_disk` is `fresh` once every CRLF in it is read as LF.
fn same_lines(on_disk: &str, fresh: &str) -> bool {
    if on_disk.contains('\r') {
        on_disk.replace("\r\n", "\n") == fresh
    } else {
        on_disk == fresh
    }
}

/// Generates one target, reading its spec and its current output under `root`.
pub fn render(root: &Path, target: &Target) -> Result<Rendered, TargetError> {
    let spec_path = root.join(target.spec);
    let text = std::fs::read_to_string(&spec_path).map_err(|source| TargetError::Read {
        path: target.spec.to_owned(),
        source,
    })?;
    let fresh = match &target.kind {
        Kind::Bindings {
            module_path,
            client_feature,
        } => {
            let options = Options {
                module_path: (*module_path).to_owned(),
                spec_name: target.spec.to_owned(),
                regen_command: REGEN_COMMAND.to_owned(),
                client_feature: client_feature.map(str::to_owned),
            };
            generate(&text, &options)
        }
        Kind::Registry {
            types_path,
            support_path,
        } => registry(&text, target.spec, types_path, support_path),
        Kind::Dispatch(options) => dispatch(&text, target.spec, options),
    }
    .map_err(|source| TargetError::Generate {
        spec: target.spec.to_owned(),
        source,
    })?;
    let on_disk = std::fs::read_to_string(root.join(target.output)).ok();
    Ok(Rendered {
        target: target.clone(),
        fresh,
        on_disk,
    })
}

/// Why a target could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The spec could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The spec's path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The spec could not be turned into code.
    #[error("{spec}: {source}")]
    Generate {
        /// The spec's path.
        spec: String,
        /// What went wrong.
        source: Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(on_disk: Option<&str>) -> Rendered {
        Rendered {
            target: TARGETS[0].clone(),
            fresh: "line one\nline two\n".to_owned(),
            on_disk: on_disk.map(str::to_owned),
        }
    }

    #[test]
    fn a_crlf_checkout_of_fresh_text_is_fresh() {
        assert!(rendered(Some("line one\nline two\n")).is_fresh());
        assert!(rendered(Some("line one\r\nline two\r\n")).is_fresh());
    }

    #[test]
    fn other_text_or_a_missing_file_is_stale() {
        assert!(!rendered(Some("line one\r\nline 2\r\n")).is_fresh());
        assert!(!rendered(Some("line one\rline two\r")).is_fresh());
        assert!(!rendered(Some("line one\nline two")).is_fresh());
        assert!(!rendered(None).is_fresh());
    }
}

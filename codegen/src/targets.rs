//! Every file the generator writes in this repository, in one list shared by
//! `cargo xtask regen`, `cargo xtask regen --check` and the freshness test.

use std::path::{Path, PathBuf};

use crate::{DispatchOptions, Error, Options, dispatch, generate, registry, rules_table};

/// The command that rewrites every target.
pub const REGEN_COMMAND: &str = "cargo xtask regen";

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
    },
    /// A registry of a crate's types for data-driven tests ([`registry`]).
    Registry {
        /// The Rust path of the bindings' `types` module.
        types_path: &'static str,
    },
    /// The `operationId` → client method table of a spec ([`dispatch`]).
    Dispatch(DispatchOptions),
    /// The rules table of the target's spec and of `others` ([`rules_table`]).
    Rules {
        /// The other specs, relative to the workspace root.
        others: &'static [&'static str],
    },
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
        kind: Kind::Bindings { module_path },
    }
}

/// The generated files of this repository.
pub const TARGETS: &[Target] = &[
    bindings(
        "spec/amio.yaml",
        "generated/amio/src/generated.rs",
        "crate::generated",
    ),
    Target {
        spec: "spec/amio.yaml",
        output: "conformance/src/registry/amio.rs",
        kind: Kind::Registry {
            types_path: "amio::types",
        },
    },
    Target {
        spec: "spec/amio.yaml",
        output: "conformance/src/amio/dispatch.rs",
        kind: Kind::Dispatch(CONFORMANCE_DISPATCH),
    },
    bindings(
        "spec/webex-connect.yaml",
        "generated/webex-connect/src/generated.rs",
        "crate::generated",
    ),
    Target {
        spec: "spec/webex-connect.yaml",
        output: "conformance/src/registry/webex_connect.rs",
        kind: Kind::Registry {
            types_path: "webex_connect::types",
        },
    },
    Target {
        spec: "spec/webex-connect.yaml",
        output: "conformance/src/webex_connect/dispatch.rs",
        kind: Kind::Dispatch(CONFORMANCE_DISPATCH),
    },
    Target {
        spec: "spec/amio.yaml",
        output: "spec/RULES.md",
        kind: Kind::Rules {
            others: &["spec/webex-connect.yaml"],
        },
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
    /// Whether the file on disk is exactly the fresh text.
    pub fn is_fresh(&self) -> bool {
        self.on_disk.as_deref() == Some(self.fresh.as_str())
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
        Kind::Bindings { module_path } => {
            let options = Options {
                module_path: (*module_path).to_owned(),
                spec_name: target.spec.to_owned(),
                regen_command: REGEN_COMMAND.to_owned(),
            };
            generate(&text, &options)
        }
        Kind::Registry { types_path } => registry(&text, target.spec, types_path),
        Kind::Dispatch(options) => dispatch(&text, target.spec, options),
        Kind::Rules { others } => {
            let mut specs = vec![(target.spec, text.clone())];
            for other in *others {
                let other_text = std::fs::read_to_string(root.join(other)).map_err(|source| {
                    TargetError::Read {
                        path: (*other).to_owned(),
                        source,
                    }
                })?;
                specs.push((other, other_text));
            }
            let borrowed: Vec<(&str, &str)> = specs.iter().map(|(n, t)| (*n, t.as_str())).collect();
            rules_table(&borrowed)
        }
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

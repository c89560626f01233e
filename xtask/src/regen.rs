//! `cargo xtask regen [--check]`: one code path writes and checks.

use std::path::Path;

use codegen::targets::{REGEN_COMMAND, Rendered, TARGETS, render};

fn render_all(root: &Path) -> Result<Vec<Rendered>, String> {
    TARGETS
        .iter()
        .map(|target| render(root, target).map_err(|e| e.to_string()))
        .collect()
}

/// Rewrites every generated file whose content changed.
pub(crate) fn write(root: &Path) -> Result<(), String> {
    for rendered in render_all(root)? {
        let output = rendered.target.output;
        if rendered.is_fresh() {
            println!("unchanged {output}");
            continue;
        }
        let path = root.join(output);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{output}: {e}"))?;
        }
        std::fs::write(&path, &rendered.fresh).map_err(|e| format!("{output}: {e}"))?;
        println!("wrote     {output}");
    }
    Ok(())
}

/// Fails with a unified diff for every stale generated file.
pub(crate) fn check(root: &Path) -> Result<(), String> {
    let mut stale = Vec::new();
    for rendered in render_all(root)? {
        if rendered.is_fresh() {
            continue;
        }
        let output = rendered.target.output;
        let old = rendered.on_disk.as_deref().unwrap_or("");
        let diff = similar::TextDiff::from_lines(old, &rendered.fresh);
        print!(
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{output}"), &format!("b/{output}"))
        );
        stale.push(output);
    }
    if stale.is_empty() {
        println!("generated code is up to date ({} files)", TARGETS.len());
        Ok(())
    } else {
        Err(format!(
            "stale generated code: {}; run `{REGEN_COMMAND}`",
            stale.join(", ")
        ))
    }
}

//! The outcome of a run: named checks grouped by area, each with its
//! verdict (pass, drift or fail), and the report `cargo xtask conformance`
//! prints.

use std::fmt;

use crate::shared::compare::Drift;

/// How a check ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The bindings and the spec agree with what was checked.
    Pass,
    /// The server sent something the spec does not describe, and the bindings
    /// survived it: each thing by its JSON path, with a suggested spec change.
    Drift(Vec<Drift>),
    /// The bindings broke (or the spec contradicts itself): why, with the
    /// JSON path where there is one.
    Fail(String),
}

/// One named check and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What was checked, naming the example, operation, status or file.
    pub name: String,
    /// How it ended.
    pub verdict: Verdict,
}

impl Check {
    /// Why it failed, if it did.
    pub fn failure(&self) -> Option<&str> {
        match &self.verdict {
            Verdict::Fail(reason) => Some(reason),
            _ => None,
        }
    }

    /// The drift it found, if any.
    pub fn drift(&self) -> &[Drift] {
        match &self.verdict {
            Verdict::Drift(drift) => drift,
            _ => &[],
        }
    }
}

/// The longest failure reason kept, in characters: a reason quoting a
/// hostile body in full would drown the report.
pub const MAX_REASON: usize = 2_000;

fn shorten(reason: String) -> String {
    let length = reason.chars().count();
    if length <= MAX_REASON {
        return reason;
    }
    let kept: String = reason.chars().take(MAX_REASON).collect();
    format!("{kept}… ({} more characters)", length - MAX_REASON)
}

/// The checks of one area of the suite.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Area {
    /// The section of the report it is printed under: the API's title
    /// (`Webex Connect`), or `Case files`; empty for none.
    pub section: String,
    /// The area's name, such as `examples: round trip`.
    pub name: String,
    /// What the checks cover, printed beside the counts.
    pub coverage: String,
    /// The checks, in the order run.
    pub checks: Vec<Check>,
}

impl Area {
    /// An empty area.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Records a check that passes or fails.
    pub fn record(&mut self, name: impl Into<String>, outcome: Result<(), String>) {
        self.judged(name, outcome.map(|()| Vec::new()));
    }

    /// Records a check that may find drift: `Ok` with none passes, `Ok` with
    /// some is drift, `Err` fails.
    pub fn judged(&mut self, name: impl Into<String>, outcome: Result<Vec<Drift>, String>) {
        let verdict = match outcome {
            Ok(drift) if drift.is_empty() => Verdict::Pass,
            Ok(drift) => Verdict::Drift(drift),
            Err(reason) => Verdict::Fail(shorten(reason)),
        };
        self.checks.push(Check {
            name: name.into(),
            verdict,
        });
    }

    /// How many checks passed.
    pub fn passed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.verdict == Verdict::Pass)
            .count()
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.failure().is_some())
    }

    /// How many checks failed.
    pub fn failed(&self) -> usize {
        self.failures().count()
    }

    /// The checks that found drift.
    pub fn drifted(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.drift().is_empty())
    }

    /// How many checks found drift.
    pub fn drift(&self) -> usize {
        self.drifted().count()
    }
}

/// Every area of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The areas, in the order run.
    pub areas: Vec<Area>,
}

impl Report {
    /// How many checks passed in all.
    pub fn passed(&self) -> usize {
        self.areas.iter().map(Area::passed).sum()
    }

    /// How many checks failed in all.
    pub fn failed(&self) -> usize {
        self.areas.iter().map(Area::failed).sum()
    }

    /// How many checks found drift in all.
    pub fn drift(&self) -> usize {
        self.areas.iter().map(Area::drift).sum()
    }

    /// Whether no check failed (drift allowed).
    pub fn is_success(&self) -> bool {
        self.failed() == 0
    }

    /// Whether no check failed or found drift (`--strict`).
    pub fn is_strict_success(&self) -> bool {
        self.failed() == 0 && self.drift() == 0
    }

    /// The area named `name` in the section `section`, if the run had it.
    pub fn area(&self, section: &str, name: &str) -> Option<&Area> {
        self.areas
            .iter()
            .find(|a| a.section == section && a.name == name)
    }
}

/// The heading of the drift section.
pub const DRIFT_SECTION: &str = "Drift";

/// Per area: its counts, what they cover, each failure with its reason,
/// under a heading (`== Amio ==`) where its section starts; then the drift
/// section, every drift by check and JSON path; then `D drift` and the
/// totals, `N passed, M failed`, alone on the last line.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut section = "";
        for area in &self.areas {
            if area.section != section {
                if !section.is_empty() {
                    writeln!(f)?;
                }
                section = &area.section;
                if !section.is_empty() {
                    writeln!(f, "== {section} ==")?;
                }
            }
            write!(f, "{}: {} passed, ", area.name, area.passed())?;
            if area.drift() > 0 {
                write!(f, "{} drift, ", area.drift())?;
            }
            write!(f, "{} failed", area.failed())?;
            if !area.coverage.is_empty() {
                write!(f, " ({})", area.coverage)?;
            }
            writeln!(f)?;
            for check in area.failures() {
                let reason = check.failure().unwrap_or_default();
                writeln!(
                    f,
                    "  FAILED {}: {}",
                    check.name,
                    reason.replace('\n', "\n    ")
                )?;
            }
        }
        if self.drift() > 0 {
            if !section.is_empty() {
                writeln!(f)?;
            }
            writeln!(f, "== {DRIFT_SECTION} ==")?;
            for area in &self.areas {
                for check in area.drifted() {
                    let place = if area.section.is_empty() {
                        area.name.clone()
                    } else {
                        format!("{}, {}", area.section, area.name)
                    };
                    writeln!(f, "  DRIFT {} ({place}):", check.name)?;
                    for drift in check.drift() {
                        writeln!(f, "    {drift}")?;
                    }
                }
            }
        }
        writeln!(f)?;
        writeln!(f, "{} drift", self.drift())?;
        writeln!(f, "{} passed, {} failed", self.passed(), self.failed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::compare::DriftKind;

    fn drift(path: &str) -> Drift {
        Drift {
            path: path.to_owned(),
            kind: DriftKind::UndocumentedProperty,
            detail: "undocumented property `x`".to_owned(),
            suggestion: "add `x`".to_owned(),
        }
    }

    #[test]
    fn the_last_lines_are_the_drift_and_the_totals() {
        let mut area = Area::new("examples");
        area.record("a", Ok(()));
        area.record("b", Err("at $.x: wrong".into()));
        area.judged("c", Ok(vec![drift("$.x")]));
        area.judged("d", Ok(vec![]));
        let report = Report { areas: vec![area] };
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[lines.len() - 2..], ["1 drift", "2 passed, 1 failed"]);
        assert!(
            text.contains("examples: 2 passed, 1 drift, 1 failed"),
            "{text}"
        );
        assert!(text.contains("FAILED b: at $.x: wrong"));
        assert!(
            text.contains("== Drift ==\n  DRIFT c (examples):\n    $.x: undocumented property `x`; suggested spec change: add `x`\n"),
            "{text}"
        );
        assert!(!report.is_success());
        assert_eq!(
            (report.passed(), report.drift(), report.failed()),
            (2, 1, 1)
        );
    }

    #[test]
    fn long_reasons_are_cut() {
        let mut area = Area::new("a");
        area.record("long", Err("x".repeat(MAX_REASON + 10)));
        let reason = area.checks[0].failure().unwrap();
        assert!(reason.ends_with("… (10 more characters)"), "{reason}");
    }

    #[test]
    fn drift_alone_succeeds_unless_strict() {
        let mut area = Area::new("cases");
        area.judged("c", Ok(vec![drift("$.x")]));
        let report = Report { areas: vec![area] };
        assert!(report.is_success());
        assert!(!report.is_strict_success());
    }

    #[test]
    fn each_section_has_a_heading_where_it_starts() {
        let area = |section: &str, name: &str| Area {
            section: section.to_owned(),
            ..Area::new(name)
        };
        let report = Report {
            areas: vec![area("A", "one"), area("A", "two"), area("B", "three")],
        };
        let text = report.to_string();
        assert_eq!(
            text,
            "== A ==\none: 0 passed, 0 failed\ntwo: 0 passed, 0 failed\n\n\
             == B ==\nthree: 0 passed, 0 failed\n\n0 drift\n0 passed, 0 failed\n"
        );
    }
}

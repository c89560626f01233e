//! The outcome of a run: named checks grouped by area, and the report that
//! `cargo xtask conformance` prints.

use std::fmt;

/// One named check and, if it failed, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What was checked, naming the example, operation, status or file.
    pub name: String,
    /// `None` when it passed; the reason (with a JSON path where there is one) when it failed.
    pub failure: Option<String>,
}

/// The checks of one area of the suite.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Area {
    /// The section of the report it is printed under, such as `Webex
    /// Connect`; empty for none.
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

    /// Records the outcome of one check.
    pub fn record(&mut self, name: impl Into<String>, outcome: Result<(), String>) {
        self.checks.push(Check {
            name: name.into(),
            failure: outcome.err(),
        });
    }

    /// How many checks passed.
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.failure.is_none()).count()
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.failure.is_some())
    }

    /// How many checks failed.
    pub fn failed(&self) -> usize {
        self.failures().count()
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

    /// Whether every check passed.
    pub fn is_success(&self) -> bool {
        self.failed() == 0
    }

    /// The area named `name`, if the run had it.
    pub fn area(&self, name: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.name == name)
    }
}

/// Per area: passed and failed counts, what they cover, each failure with
/// its reason, under a heading (`== Amio ==`) where its section starts;
/// then the totals, `N passed, M failed`, alone on the last line.
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
            write!(
                f,
                "{}: {} passed, {} failed",
                area.name,
                area.passed(),
                area.failed()
            )?;
            if !area.coverage.is_empty() {
                write!(f, " ({})", area.coverage)?;
            }
            writeln!(f)?;
            for check in area.failures() {
                let reason = check.failure.as_deref().unwrap_or_default();
                writeln!(
                    f,
                    "  FAILED {}: {}",
                    check.name,
                    reason.replace('\n', "\n    ")
                )?;
            }
        }
        writeln!(f)?;
        writeln!(f, "{} passed, {} failed", self.passed(), self.failed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_is_the_totals() {
        let mut area = Area::new("examples");
        area.record("a", Ok(()));
        area.record("b", Err("at $.x: wrong".into()));
        let report = Report { areas: vec![area] };
        let text = report.to_string();
        assert_eq!(text.lines().last(), Some("1 passed, 1 failed"));
        assert!(text.contains("examples: 1 passed, 1 failed"));
        assert!(text.contains("FAILED b: at $.x: wrong"));
        assert!(!report.is_success());
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
             == B ==\nthree: 0 passed, 0 failed\n\n0 passed, 0 failed\n"
        );
    }
}

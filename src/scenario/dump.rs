//! A catalogue written out as a scenario file (`zonesim catalog --format toml|json`).

use super::Format;
use crate::catalog;
use crate::deployment::Deployment;
use crate::topology::{CommonCause, Region, Zone};

// ---------------------------------------------------------------------------
// A catalogue written as a scenario file (`zonesim catalog --format toml|json`).

/// The scenario-file shape of a catalogue: no `catalog` key, every region,
/// zone and common cause written out, then example deployments.
#[derive(serde::Serialize)]
struct CatalogScenario<'a> {
    #[serde(rename = "region")]
    regions: &'a [Region],
    #[serde(rename = "zone")]
    zones: &'a [Zone],
    #[serde(rename = "common_cause")]
    common_causes: &'a [CommonCause],
    #[serde(rename = "deployment", skip_serializing_if = "Vec::is_empty")]
    deployments: Vec<Deployment>,
}

/// The default study's deployments whose zones the catalogue holds (all of
/// them for the full eu-hubs catalogue), so that a dump runs as it is.
fn example_deployments(cat: &catalog::Catalog) -> Vec<Deployment> {
    if cat.name != "eu-hubs" {
        return Vec::new();
    }
    catalog::default_study()
        .deployments
        .into_iter()
        .filter(|d| {
            d.replicas
                .iter()
                .all(|r| cat.zones.iter().any(|z| &z.id == r))
        })
        .collect()
}

/// A catalogue as the text of a scenario file: its regions (with their
/// facts: provider code, zone codes, status, confidence, sources, note), zones
/// and common causes, and (for eu-hubs) the default study's deployments, so
/// the dump runs as it is. Loading the text back
/// ([`super::Scenario::from_str`]) gives exactly the catalogue's regions, zones and
/// common causes, so a user can dump it, edit it, add `[[deployment]]`
/// tables and run it. The TOML text opens with the catalogue's parameter
/// notes (value, reasoning, sources) as comments; JSON has no comments.
///
/// ```
/// use zonesim::scenario::{Format, Scenario, catalog_scenario};
///
/// let cat = zonesim::catalog::eu_hubs();
/// for format in [Format::Toml, Format::Json] {
///     let text = catalog_scenario(&cat, format);
///     let back = Scenario::from_str(&text, format, "cat").unwrap();
///     assert_eq!(back.study().zones, cat.zones);
///     assert_eq!(back.study().deployments, zonesim::catalog::default_study().deployments);
/// }
/// ```
///
/// # Panics
/// Never for a catalogue: its types always serialise.
pub fn catalog_scenario(cat: &catalog::Catalog, format: Format) -> String {
    let file = CatalogScenario {
        regions: &cat.regions,
        zones: &cat.zones,
        common_causes: &cat.common_causes,
        deployments: example_deployments(cat),
    };
    match format {
        Format::Toml => {
            let mut out = catalog_comments(cat);
            out.push_str(&toml::to_string(&file).expect("a catalogue serialises to TOML"));
            out
        }
        Format::Json => {
            let mut out =
                serde_json::to_string_pretty(&file).expect("a catalogue serialises to JSON");
            out.push('\n');
            out
        }
    }
}

/// The head of a TOML catalogue dump: what it is, then the parameter notes.
fn catalog_comments(cat: &catalog::Catalog) -> String {
    let mut lines = vec![
        format!(
            "The {} catalogue as a scenario file: {}.",
            cat.name, cat.description
        ),
        "Written by `zonesim catalog --format toml`. It ends with the default study's \
         deployments: edit or replace them, edit any parameter (every duration is in \
         hours), then `zonesim validate` and `zonesim run` it."
            .to_string(),
        String::new(),
        "Default parameters (estimates) and their reasoning:".to_string(),
    ];
    for n in &cat.parameter_notes {
        lines.push(String::new());
        lines.push(format!("- {}: {}", n.parameter, n.value));
        lines.push(format!("  Why: {}", n.reasoning));
        for s in &n.sources {
            lines.push(format!("  Source: {s}"));
        }
    }
    let mut out = String::new();
    for line in lines {
        if line.starts_with("  Source: ") {
            // A URL is not broken across lines.
            out.push_str(&format!("# {line}\n"));
            continue;
        }
        let indent = if line.starts_with("  ") { "    " } else { "  " };
        for l in wrap_comment(&line, 78, indent) {
            out.push_str(l.trim_end());
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

/// `# `-prefixed lines of at most `width` characters where the words allow;
/// continuation lines start with `indent`.
fn wrap_comment(text: &str, width: usize, indent: &str) -> Vec<String> {
    let lead = text.len() - text.trim_start().len();
    let mut lines = vec![format!("# {}", &text[..lead])];
    let mut fresh = true;
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line at least");
        if !fresh && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(format!("# {indent}{word}"));
        } else {
            if !fresh {
                last.push(' ');
            }
            last.push_str(word);
        }
        fresh = false;
    }
    lines
}

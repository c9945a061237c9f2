//! `docs/CATALOG.md`, rendered from the data file and a template of prose.
//!
//! The committed doc must equal the rendering; run
//! `ZONESIM_BLESS=1 cargo test --lib catalog::doc` to rewrite it after editing
//! `eu-hubs.json` or `catalog.md.in`.

use std::fmt::Write as _;

use super::data::{CatalogFile, eu_hubs_file};
use crate::topology::{RegionStatus, is_eu_country};

/// The prose of the doc, with `{{...}}` where the data goes.
const TEMPLATE: &str = include_str!("catalog.md.in");

const HEADER: &str = "<!-- Generated: do not edit. The data is src/catalog/eu-hubs.json, the prose \
src/catalog/catalog.md.in; after editing either, run\n     \
ZONESIM_BLESS=1 cargo test --release --lib catalog::doc\n     \
to rewrite this file (a unit test fails while the two differ). -->";

/// The markdown of `docs/CATALOG.md`.
pub(crate) fn render(file: &CatalogFile) -> String {
    let mut out = TEMPLATE.to_string();
    for (key, text) in [
        ("{{header}}", HEADER.to_string()),
        ("{{regions}}", regions(file)),
        ("{{statuses}}", statuses(file)),
        ("{{unknowns}}", unknowns(file)),
        ("{{parameters}}", parameters(file)),
        ("{{provider_events}}", provider_events(file)),
    ] {
        assert_eq!(out.matches(key).count(), 1, "{key} in catalog.md.in");
        out = out.replace(key, &text);
    }
    assert!(
        !out.contains("{{"),
        "an unknown placeholder in catalog.md.in"
    );
    out
}

fn regions(file: &CatalogFile) -> String {
    let mut s = String::from(
        "| Provider | Region id | Name | Provider code | Country | EU | Zones (provider names) \
         | Beta | Confidence | Sources |\n|---|---|---|---|---|---|---|---|---|---|",
    );
    for r in &file.regions {
        let zones: Vec<String> = r
            .zones
            .iter()
            .map(|z| format!("`{}` ({})", z.suffix, z.code))
            .collect();
        let sources: Vec<String> = r
            .sources
            .iter()
            .enumerate()
            .map(|(i, k)| format!("[{}]({})", i + 1, file.source(k).url))
            .collect();
        let _ = write!(
            s,
            "\n| {} | `{}` | {} | `{}` | {} | {} | {} | {} | {} | {} |",
            r.provider,
            r.id,
            r.name,
            r.provider_code,
            r.country,
            if is_eu_country(&r.country) {
                "yes"
            } else {
                "**no**"
            },
            zones.join(", "),
            file.beta(r),
            r.confidence,
            sources.join(" "),
        );
    }
    s
}

fn statuses(file: &CatalogFile) -> String {
    let closed: Vec<String> = file
        .regions
        .iter()
        .filter(|r| match r.status {
            RegionStatus::Open => false,
            RegionStatus::Closed => true,
        })
        .map(|r| format!("`{}`", r.id))
        .collect();
    if closed.is_empty() {
        "Every region is `open`.".into()
    } else {
        format!(
            "Closed: {}; every other region is `open`.",
            closed.join(", ")
        )
    }
}

fn unknowns(file: &CatalogFile) -> String {
    let bullets: Vec<String> = file.unknowns.iter().map(|u| wrap_bullet(u, 80)).collect();
    bullets.join("\n")
}

/// `- text`, wrapped at `width` with continuation lines indented by two.
fn wrap_bullet(text: &str, width: usize) -> String {
    let mut lines = vec![String::from("-")];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line at least");
        if last.len() + 1 + word.len() > width && last.trim() != "-" {
            lines.push(format!("  {word}"));
        } else {
            last.push(' ');
            last.push_str(word);
        }
    }
    lines.join("\n")
}

fn parameters(file: &CatalogFile) -> String {
    let mut s = String::from("| Parameter | Default | Reasoning | Sources |\n|---|---|---|---|");
    for n in &file.parameter_notes {
        let sources: Vec<String> = n
            .sources
            .iter()
            .map(|k| {
                let src = file.source(k);
                format!("[{}]({})", src.title, src.url)
            })
            .collect();
        let _ = write!(
            s,
            "\n| {} | {} | {} | {} |",
            capitalised(&n.parameter),
            n.value,
            capitalised(&n.reasoning),
            sources.join(", ")
        );
    }
    s
}

fn provider_events(file: &CatalogFile) -> String {
    let mut s = String::from(
        "| Provider | Events a year (sweep) | Median h (sweep) | Sigma (sweep) | Mean h a year down \
         | Confidence | Evidence | Sources |\n|---|---|---|---|---|---|---|---|",
    );
    for e in &file.parameters.provider_events {
        let sources: Vec<String> = e
            .sources
            .iter()
            .map(|k| {
                let src = file.source(k);
                format!("[{}]({})", src.title, src.url)
            })
            .collect();
        let mean_down = e.per_year * e.median_hours * libm::exp(e.sigma * e.sigma / 2.0);
        let _ = write!(
            s,
            "\n| {} | {} ({}-{}) | {} ({}-{}) | {} ({}-{}) | {:.2} | {} | {} | {} |",
            e.provider,
            e.per_year,
            e.per_year_range[0],
            e.per_year_range[1],
            e.median_hours,
            e.median_hours_range[0],
            e.median_hours_range[1],
            e.sigma,
            e.sigma_range[0],
            e.sigma_range[1],
            mean_down,
            e.confidence,
            capitalised(&e.evidence),
            sources.join(", ")
        );
    }
    s
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// `docs/CATALOG.md` is the rendering of the data; `ZONESIM_BLESS=1`
    /// rewrites it.
    #[test]
    fn catalog_md_is_rendered_from_the_data() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CATALOG.md");
        let rendered = render(eu_hubs_file());
        if std::env::var_os("ZONESIM_BLESS").is_some_and(|v| v != "0") {
            std::fs::write(&path, &rendered).expect("write docs/CATALOG.md");
            return;
        }
        let committed = std::fs::read_to_string(&path).expect("read docs/CATALOG.md");
        if committed != rendered {
            let line = committed
                .lines()
                .zip(rendered.lines())
                .position(|(a, b)| a != b)
                .map_or(
                    committed.lines().count().min(rendered.lines().count()),
                    |i| i,
                )
                + 1;
            panic!(
                "docs/CATALOG.md differs from the rendering of src/catalog/eu-hubs.json and \
                 catalog.md.in (first at line {line}); run \
                 `ZONESIM_BLESS=1 cargo test --release --lib catalog::doc` and commit the result"
            );
        }
    }

    #[test]
    fn the_doc_names_every_region_zone_and_source() {
        let file = eu_hubs_file();
        let doc = render(file);
        for r in &file.regions {
            assert!(doc.contains(&format!("`{}`", r.id)), "{}", r.id);
        }
        for s in &file.sources {
            assert!(doc.contains(&s.url), "{} is cited nowhere", s.key);
        }
        assert!(doc.contains("| GB | **no** |"));
    }
}

//! The built-in catalogue against the scenario files that use it, loaded by
//! the one scenario loader (`zonesim::scenario`).

use std::path::Path;

use zonesim::catalog::{self, default_study, eu_hubs, provider_wide_event};
use zonesim::scenario::Scenario;
use zonesim::study::Study;

const SCENARIOS: [&str; 7] = [
    "eu-hubs",
    "paris-two-zones",
    "eu-hubs-strategies",
    "two-zone-quorum",
    "issue3-example",
    "eu-provider-wide",
    "two-providers",
];

fn load(name: &str) -> (Scenario, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let s = Scenario::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    (s, text)
}

#[test]
fn scenario_files_load_and_name_catalogue_zones() {
    let cat = eu_hubs();
    for name in SCENARIOS {
        let (s, text) = load(name);
        let study: &Study = s.study();
        assert!(!study.deployments.is_empty(), "{name}");
        assert_eq!(
            s.catalog().is_some(),
            text.contains("catalog = \"eu-hubs\""),
            "{name}"
        );
        if s.catalog() == Some("eu-hubs") {
            for d in &study.deployments {
                for z in &d.replicas {
                    assert!(cat.zones.iter().any(|c| &c.id == z), "{name}: {z}");
                }
            }
            // The catalogue comes first, unchanged unless the file overrides it.
            assert_eq!(
                study.regions[..cat.regions.len()],
                cat.regions[..],
                "{name}"
            );
        }
    }
}

#[test]
fn eu_hubs_file_is_the_default_study() {
    let (s, _) = load("eu-hubs");
    assert_eq!(s.study(), &default_study());
}

#[test]
fn provider_wide_file_overrides_the_catalogue_event_in_place() {
    let (s, _) = load("eu-provider-wide");
    let cat = eu_hubs();
    let layer = provider_wide_event(&cat, "alibaba").unwrap();
    let causes = &s.study().common_causes;
    // Same place, same zones, the sweep's high end instead of the default.
    assert_eq!(causes.len(), cat.common_causes.len());
    let i = cat.common_causes.iter().position(|c| c == &layer).unwrap();
    assert_eq!(causes[i].name, layer.name);
    assert_eq!(causes[i].affects, layer.affects);
    assert!((8760.0 / causes[i].time_to_failure.mean() - 0.5).abs() < 1e-12);
    assert_eq!(causes[..i], cat.common_causes[..i]);
    assert_eq!(causes[i + 1..], cat.common_causes[i + 1..]);
}

#[test]
fn catalogue_lookup_by_name() {
    for name in catalog::CATALOG_NAMES {
        assert_eq!(
            catalog::catalog(name).map(|c| c.name),
            Some(name.to_string())
        );
    }
    assert!(catalog::catalog("nowhere").is_none());
}

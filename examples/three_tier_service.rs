//! A three-tier service (web active-active, a database quorum, a cache)
//! placed France-only, EU-wide and on two providers, judged as one service
//! on the same sampled outages as its tiers.
//!
//! ```text
//!   shop = all of [web, db, cache]            (plus a bad release ~2 a year)
//!   france-only     AWS Paris az1..az3         db: majority of 3 zones
//!   eu-wide         AWS Paris, Frankfurt, London (one db member per region)
//!   two-providers   AWS + Google Cloud, Paris and Frankfurt
//! ```
//!
//! The study is `scenarios/three-tier-service.toml`. It is run as written,
//! then again with one provider-wide outage process per provider in the
//! study (the catalogue's default layer, `catalog::provider_wide_event`),
//! unless the catalogue already holds such causes.
//!
//! Run with `cargo run --release --example three_tier_service`.

#[path = "support/mod.rs"]
mod support;
use support::say;
use zonesim::StudyResult;
use zonesim::catalog;
use zonesim::scenario::Scenario;

const PLACEMENTS: [&str; 3] = ["france-only", "eu-wide", "two-providers"];

fn main() -> Result<(), zonesim::Error> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/three-tier-service.toml"
    );
    let study = Scenario::from_path(path)?.into_study();
    say("The three-tier shop on the catalogue as it is (100,000 simulated years):");
    let plain = zonesim::run(&study)?;
    report(&plain);

    // Provider-wide outages: every region of one provider down together.
    let cat = catalog::eu_hubs();
    let mut layered = study.clone();
    for provider in ["aws", "gcp"] {
        let layer = catalog::provider_wide_event(&cat, provider).expect("a provider of eu-hubs");
        let covered = layered
            .common_causes
            .iter()
            .any(|c| layer.affects.iter().all(|r| c.affects.contains(r)));
        if !covered {
            layered = layered.common_cause(layer);
        }
    }
    if layered.common_causes.len() > study.common_causes.len() {
        println!();
        say(
            "The same shop with one provider-wide outage process per provider (the \
             catalogue's default layer: every region of AWS, or of Google Cloud, down together):",
        );
        report(&zonesim::run(&layered)?);
    }
    println!();
    say(
        "The release floor: each shop's own release failures (about two a year, an hour each) \
         are the same whatever the placement, and they dominate once the tiers are spread; \
         compare each shop with its tiers-* service, the same tiers without them.",
    );
    Ok(())
}

/// Prints each placement's shop and tiers, and checks what must hold: a
/// shop is never up when its tiers are down (its release failures only add
/// downtime), and spreading the tiers beats France only, whose tiers share
/// every Paris region event.
fn report(r: &StudyResult) {
    let avail = |name: &str| r.service(name).expect("a service").availability.clone();
    for p in PLACEMENTS {
        let (shop, tiers) = (avail(&format!("shop-{p}")), avail(&format!("tiers-{p}")));
        assert!(
            shop.mean <= tiers.mean,
            "{p}: the release floor adds downtime"
        );
    }
    let (fr, eu) = (avail("tiers-france-only"), avail("tiers-eu-wide"));
    assert!(
        eu.ci95[0] > fr.ci95[1],
        "EU-wide tiers beat France-only ones"
    );
    summary(r);
}

fn summary(r: &StudyResult) {
    println!(
        "  {:<15} {:>11} {:>10} {:>9} {:>10} | {:>11} {:>12}",
        "placement", "shop avail", "min/year", "p99 min", "P(>=99.9%)", "tiers avail", "vs france"
    );
    for p in PLACEMENTS {
        let shop = r
            .service(&format!("shop-{p}"))
            .expect("a service of the study");
        let tiers = r
            .service(&format!("tiers-{p}"))
            .expect("a service of the study");
        let vs = r
            .paired(&format!("shop-{p}"))
            .map_or("baseline".to_string(), |d| {
                let d = &d.downtime_minutes_diff;
                format!("{:+.1} min", d.mean)
            });
        println!(
            "  {:<15} {:>11.7} {:>10.1} {:>9.1} {:>10.4} | {:>11.7} {:>12}",
            p,
            shop.availability.mean,
            shop.downtime_minutes.mean,
            shop.downtime_minutes.percentiles.p99,
            shop.sla(0.999).map_or(f64::NAN, |s| s.p_meets),
            tiers.availability.mean,
            vs,
        );
    }
}

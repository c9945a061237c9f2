//! France-only vs Paris+Frankfurt vs the three hubs, on the same outages.
//!
//! ```text
//!   france-only        Paris [a][b]
//!   paris+frankfurt    Paris [a][b] + Frankfurt [a][b]
//!   three-hubs         Paris [a][b] + Frankfurt [a][b] + London [a][b]  (London: not EU)
//!   alibaba+ovh-paris  Paris [a][b] + OVHcloud Paris [a][b]   (two providers, France only)
//!
//!   each zone: own outages;  each region: region-wide events;
//!   each provider: provider-wide events over all its regions (on by default)
//! ```
//!
//! Active-active deployments on Alibaba Cloud (any replica serves), judged on
//! the same sampled outages, with the paired comparison against France-only
//! (`result.comparison`): the difference in yearly downtime, and how often a
//! strategy has less or more downtime than France-only in the same year.
//! First without the catalogue's provider-wide events (as the catalogue was
//! before issue 13), then with them (`catalog::provider_wide_event`, on by
//! default): once all of one provider's regions can fail together, spreading
//! across the EU stops paying, and a second provider in France (OVHcloud
//! Paris) does better.
//!
//! Run with `cargo run --release --example eu_hubs_strategies`.

#[path = "support/mod.rs"]
mod support;
use support::say;
use zonesim::StudyResult;
use zonesim::analytic::steady_state_availability;
use zonesim::catalog;
use zonesim::prelude::*;
use zonesim::stats::Z95;

const PARIS: [&str; 2] = ["alibaba-fr-par-a", "alibaba-fr-par-b"];
const FRANKFURT: [&str; 2] = ["alibaba-de-fra-a", "alibaba-de-fra-b"];
const LONDON: [&str; 2] = ["alibaba-gb-lon-a", "alibaba-gb-lon-b"];
const OVH_PARIS: [&str; 2] = ["ovh-fr-par-a", "ovh-fr-par-b"];

fn main() -> Result<(), zonesim::Error> {
    let cat =
        catalog::eu_hubs().filter_regions(|r| r.provider == "alibaba" || r.id == "ovh-fr-par");
    let par_fra = [PARIS, FRANKFURT].concat();
    let hubs = [PARIS, FRANKFURT, LONDON].concat();
    let two_providers = [PARIS, OVH_PARIS].concat();
    let study = cat
        .study(Settings::new(400_000, 8760.0))
        .deployment(Deployment::new("france-only", &PARIS, Rule::AtLeast(1)))
        .deployment(Deployment::new(
            "paris+frankfurt",
            &par_fra,
            Rule::AtLeast(1),
        ))
        .deployment(Deployment::new("three-hubs", &hubs, Rule::AtLeast(1)))
        .deployment(Deployment::new(
            "alibaba+ovh-paris",
            &two_providers,
            Rule::AtLeast(1),
        ));
    // The catalogue's provider-wide events (Alibaba's and OVHcloud's) come
    // last, so without them every other process draws exactly what it drew
    // with them: the two runs see the same zone and region outages.
    let with_layer = study.clone();
    let mut study = study;
    study
        .common_causes
        .retain(|c| !c.name.ends_with("-provider-wide-event"));
    assert_eq!(
        with_layer.common_causes.len(),
        study.common_causes.len() + 2
    );

    let plain = zonesim::run(&study)?;
    let wide = zonesim::run(&with_layer)?;
    // The default SLA targets are 99.9%, 99.95% and 99.99%; the tables use the last.
    assert_eq!(plain.deployments[0].sla[2].target, 0.9999);
    println!(
        "Alibaba Cloud EU hubs, active-active: {} one-year trials, seed {}",
        plain.trials, plain.seed
    );
    for (title, s, r) in [
        (
            "Zones and regions only (no provider-wide events)",
            &study,
            &plain,
        ),
        (
            "The catalogue's defaults (provider-wide events on)",
            &with_layer,
            &wide,
        ),
    ] {
        println!("\n{title}");
        table(s, r);
    }

    for r in [&plain, &wide] {
        // A superset of replicas with `at least 1` is never down longer, trial by trial.
        for c in &r.comparison.against {
            assert_eq!(c.p_more_downtime, 0.0, "{}", c.name);
            assert!(c.downtime_minutes_diff.ci95[1] < 0.0, "{}", c.name);
        }
    }
    for (p, w) in plain.deployments.iter().zip(&wide.deployments) {
        // The layer only adds outages to the same timelines.
        assert!(w.downtime_minutes.mean >= p.downtime_minutes.mean);
        assert!(w.availability.percentiles.p1 <= p.availability.percentiles.p1);
    }
    let gain = |r: &StudyResult, i: usize| -r.comparison.against[i].downtime_minutes_diff.mean;
    // Frankfurt buys nearly all that three hubs buy; London adds little.
    assert!(gain(&plain, 1) >= gain(&plain, 0));
    assert!(gain(&plain, 1) - gain(&plain, 0) < 0.01 * gain(&plain, 0));
    let (fr, pf, th) = (
        &plain.deployments[0],
        &plain.deployments[1],
        &plain.deployments[2],
    );
    let (wfr, wpf, wth, wovh) = (
        &wide.deployments[0],
        &wide.deployments[1],
        &wide.deployments[2],
        &wide.deployments[3],
    );
    // With the layer on, two providers in France beat one provider EU-wide, in
    // the same years: France-only minus each, paired, with disjoint intervals.
    let (hubs_diff, ovh_diff) = (
        &wide.comparison.against[1].downtime_minutes_diff,
        &wide.comparison.against[2].downtime_minutes_diff,
    );
    assert!(ovh_diff.ci95[1] < hubs_diff.ci95[0]);
    println!();
    say(&format!(
        "Reading: France-only (both Paris zones) is down {:.1} minutes in a mean year, all \
         of it Paris region events, and misses 99.99% in {:.1}% of years. Adding Frankfurt \
         removes that ({:.3} min, misses 99.99% in {:.3}% of years); London adds almost \
         nothing on top ({:.3} min) and is outside the EU. With the provider-wide layer on, \
         every Alibaba-only strategy shares its ~{:.0} minutes a year: France-only {:.1}, \
         Paris+Frankfurt {:.1}, three hubs {:.1}. Placement across one provider's regions \
         is then bounded by that provider; a second provider in France (both Alibaba Paris \
         zones plus two OVHcloud Paris zones) removes the common cause: {:.2} minutes.",
        fr.downtime_minutes.mean,
        100.0 * (1.0 - fr.sla[2].p_meets),
        pf.downtime_minutes.mean,
        100.0 * (1.0 - pf.sla[2].p_meets),
        th.downtime_minutes.mean,
        wth.downtime_minutes.mean,
        wfr.downtime_minutes.mean,
        wpf.downtime_minutes.mean,
        wth.downtime_minutes.mean,
        wovh.downtime_minutes.mean,
    ));
    Ok(())
}

/// The simulated mean agrees with the exact availability within 4 standard
/// errors. When no trial saw any downtime (standard error 0), the exact
/// unavailability must be in the rare-event regime (under 3 seconds a year:
/// outages lasting hours that come less than once in ~10^5 years, which 400,000
/// trials may well never see).
fn check(s: &zonesim::stats::DeploymentSummary, exact: f64) {
    let se = (s.availability.ci95[1] - s.availability.ci95[0]) / (2.0 * Z95);
    if se > 0.0 {
        assert!(
            (s.availability.mean - exact).abs() <= 4.0 * se,
            "{}: simulated {} vs exact {exact} (se {se})",
            s.name,
            s.availability.mean
        );
    } else {
        assert!(1.0 - exact < 1e-7, "{}: exact {exact}", s.name);
    }
}

fn table(study: &Study, r: &StudyResult) {
    println!(
        "{:<17} {:>9} {:>9} {:>8} {:>8} {:>9} {:>18} {:>8}",
        "strategy",
        "avail %",
        "exact %",
        "mean min",
        "p99 min",
        "P(99.99%)",
        "diff vs fr (CI)",
        "P(less)"
    );
    for (i, (d, s)) in study.deployments.iter().zip(&r.deployments).enumerate() {
        let exact = steady_state_availability(study, d).expect("counting rule");
        check(s, exact);
        let (diff, less) = match i.checked_sub(1).map(|j| &r.comparison.against[j]) {
            Some(c) => (
                format!(
                    "{:.1} [{:.1}, {:.1}]",
                    c.downtime_minutes_diff.mean,
                    c.downtime_minutes_diff.ci95[0],
                    c.downtime_minutes_diff.ci95[1]
                ),
                format!("{:.4}", c.p_less_downtime),
            ),
            None => ("baseline".into(), "-".into()),
        };
        println!(
            "{:<17} {:>9.5} {:>9.5} {:>8.3} {:>8.1} {:>9.4} {:>18} {:>8}",
            s.name,
            100.0 * s.availability.mean,
            100.0 * exact,
            s.downtime_minutes.mean,
            s.downtime_minutes.percentiles.p99,
            s.sla[2].p_meets,
            diff,
            less
        );
    }
}

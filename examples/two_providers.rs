//! Do two providers help once provider-wide outages exist?
//!
//! ```text
//!   web tier (any replica serves)        db tier (3-member majority)
//!   france-only    Alibaba Paris a, b     Alibaba Paris a, a, b
//!   eu-wide        Alibaba Paris a, Fra a Alibaba Paris a, b + Frankfurt a
//!   two providers  Alibaba + OVH Paris    Alibaba Paris a, b + OVH Paris a
//!   three providers                       Alibaba + OVH + AWS, Paris
//!   eu-wide, patched                      as eu-wide, rolling weekly maintenance
//! ```
//!
//! The eu-hubs catalogue counts provider-wide events (global control plane,
//! identity, DNS, front door, backbone) as one event process per provider over
//! all its regions. This example runs `scenarios/two-providers.toml` and
//! checks every counting-rule figure against the exact steady-state value
//! (`zonesim::analytic`): within 4.5 standard errors, by plain Monte Carlo or
//! by importance sampling for the placements too reliable for it.
//!
//! Run with `cargo run --release --example two_providers`.

#[path = "support/mod.rs"]
mod support;
use std::path::Path;

use support::say;
use zonesim::analytic::steady_state_availability;
use zonesim::scenario::Scenario;
use zonesim::stats::Z95;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two-providers.toml");
    let scenario = Scenario::from_path(&path)?;
    let study = scenario.study();
    let r = zonesim::run(study)?;
    println!(
        "{}: {} one-year trials, seed {}; minutes per year",
        path.file_name().unwrap_or_default().to_string_lossy(),
        r.trials,
        r.seed
    );
    println!(
        "\n{:<27} {:>12} {:>12} {:>10} {:>9} {:>10}",
        "deployment", "unavail.", "exact", "mean min", "P(99.99%)", "estimator"
    );
    let mut exact_u = Vec::new();
    for (d, s) in study.deployments.iter().zip(&r.deployments) {
        let exact = steady_state_availability(study, d).map(|a| 1.0 - a);
        let u = &s.unavailability;
        let se = (u.ci95[1] - u.ci95[0]) / (2.0 * Z95);
        if let Some(e) = exact {
            assert!(
                (u.mean - e).abs() <= 4.5 * se.max(1e-12),
                "{}: estimate {} [{}, {}] vs exact {e}",
                s.name,
                u.mean,
                u.ci95[0],
                u.ci95[1]
            );
        }
        exact_u.push(exact);
        println!(
            "{:<27} {:>12.3e} {:>12} {:>10.2} {:>9.4} {:>10}",
            s.name,
            u.mean,
            exact.map_or("-".into(), |e| format!("{e:.3e}")),
            u.mean * 525_600.0,
            s.sla[2].p_meets,
            format!("{:?}", s.estimator).to_lowercase()
        );
    }
    let by = |name: &str| {
        study
            .deployments
            .iter()
            .position(|d| d.name == name)
            .expect("a deployment of the file")
    };
    let exact = |name: &str| exact_u[by(name)].expect("a counting rule");
    let minutes = |name: &str| r.deployments[by(name)].unavailability.mean * 525_600.0;
    // Spreading Alibaba across the EU leaves Alibaba's own events (~36 min).
    let alibaba_event =
        zonesim::catalog::provider_wide_event(&zonesim::catalog::eu_hubs(), "alibaba")
            .expect("alibaba")
            .process();
    let q_alibaba = 1.0 - alibaba_event.steady_state_availability();
    assert!(exact("web-eu-wide") > q_alibaba);
    assert!(exact("web-eu-wide") < 1.01 * q_alibaba);
    // A second provider removes that: only coincident outages are left.
    assert!(exact("web-two-providers") < q_alibaba / 1000.0);
    // With two providers a 3-member quorum still puts two members on one of
    // them: its provider-wide events take the quorum down. Three providers
    // do not share any.
    assert!(exact("db-two-providers") > q_alibaba);
    assert!(exact("db-three-providers") < exact("db-two-providers") / 500.0);
    // Rolling patching only adds downtime to the same zone timelines, and
    // little: one member at a time.
    let patched = minutes("db-eu-wide-patched");
    assert!(patched >= minutes("db-eu-wide") && patched < 1.1 * minutes("db-eu-wide"));
    // A failover that can fail costs more than active-active, far less than
    // one provider.
    let ap = minutes("web-two-providers-failover");
    assert!(ap > minutes("web-two-providers") && ap < minutes("web-eu-wide"));
    println!();
    say(&format!(
        "Reading: one provider in France (web tier on both Alibaba Paris zones) is down \
         {:.1} minutes a year, Paris region events and Alibaba's provider-wide events. \
         Spreading it to Frankfurt removes the region events but not the provider's: \
         {:.1} minutes, against {:.1} expected from Alibaba-wide events, which no \
         placement on Alibaba alone avoids. A second provider in Paris (OVHcloud) leaves only \
         coincident outages: {:.4} minutes a year. Active-passive over the same two \
         providers, with a failover that is noticed after 6 minutes, takes 15 and fails \
         one time in ten, pays {:.1} minutes. A database quorum of three members over two \
         providers is no better than EU-wide on one ({:.1} minutes: one provider holds \
         two members); it takes three providers ({:.5} minutes). Patching the EU-wide \
         quorum weekly, one member at a time for 30 minutes, costs {:.2} minutes a year \
         more.",
        minutes("web-france-only"),
        minutes("web-eu-wide"),
        q_alibaba * 525_600.0,
        minutes("web-two-providers"),
        ap,
        minutes("db-two-providers"),
        minutes("db-three-providers"),
        patched - minutes("db-eu-wide"),
    ));
    Ok(())
}

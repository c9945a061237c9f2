//! Value stability: pinned outcomes of a fixed study and seed.
//!
//! These numbers are what `mixed_study(2026, steady_state)` (see
//! `determinism.rs`) gives today. They pin the whole chain: seeding of the
//! per-trial streams, the order of draws, every sampler, the residual-life
//! start, the timeline merge, the rules, and the statistics. A change that
//! moves any of them changes the results users get for the same seed: it is
//! reproducibility-breaking, must be deliberate, and goes in CHANGELOG (then
//! update the numbers here). Floats are compared to 1e-12 relative, so a
//! harmless reordering of floating-point operations may pass while any
//! change in the random draws fails.

use zonesim::prelude::*;
use zonesim::stats::TrialOutcome;

use crate::common::assert_close;
use crate::determinism::mixed_study;

const REL: f64 = 1e-12;

/// (downtime hours, outages, longest hours) per deployment, trials 0 to 3.
/// Deployments: single, 2of3, maj5, zones2 (+replicas), ap, ap+replicas.
const TRIALS: [[(f64, u32, f64); 6]; 4] = [
    [
        (129.902580092437, 12, 33.36373228078082),
        (39.563748853112884, 3, 33.36373228078082),
        (39.563748853112884, 3, 33.36373228078082),
        (16.13785969556193, 2, 15.637859695561929),
        (3.0, 12, 0.25),
        (2.000000000004178, 20, 0.1000000000003638),
    ],
    [
        (72.53966163007453, 10, 41.52434556514254),
        (10.19462394054699, 3, 4.821435532702708),
        (6.904603806388877, 2, 4.821435532702708),
        (0.0, 0, 0.0),
        (2.5, 10, 0.25),
        (2.6000000000052523, 26, 0.1000000000003638),
    ],
    [
        (106.99244763914697, 6, 39.70450476609949),
        (4.850916394358308, 2, 2.770660403421232),
        (2.0802559909370757, 1, 2.0802559909370757),
        (0.0, 0, 0.0),
        (1.5, 6, 0.25),
        (2.20000000000411, 22, 0.1000000000003638),
    ],
    [
        (75.94857603747758, 13, 21.625964434423167),
        (13.439804992650352, 2, 11.919289638442024),
        (13.439804992650352, 2, 11.919289638442024),
        (0.5, 1, 0.5),
        (3.25, 13, 0.25),
        (2.0000000000035243, 20, 0.1000000000003638),
    ],
];

#[test]
fn first_trials_are_pinned() {
    let sim = Simulation::new(&mixed_study(2026, Start::SteadyState)).unwrap();
    let mut out: Vec<TrialOutcome> = Vec::new();
    for (t, want) in TRIALS.iter().enumerate() {
        sim.trial(t as u64, &mut out).unwrap();
        assert_eq!(out.len(), want.len());
        for (j, (o, &(down, outages, longest))) in out.iter().zip(want).enumerate() {
            let at = format!("trial {t}, deployment {j}");
            assert_close(&format!("{at}: downtime"), o.downtime_hours, down, REL);
            assert_eq!(o.outages, outages, "{at}: outages");
            assert_close(&format!("{at}: longest"), o.longest_hours, longest, REL);
        }
    }
}

#[test]
fn summary_is_pinned() {
    let r = Simulation::new(&mixed_study(2026, Start::SteadyState))
        .unwrap()
        .run(&RunOptions::default())
        .unwrap();
    // name, mean availability, downtime std (min), mean outages, downtime p99 (min),
    // mean longest outage (min)
    let want: [(&str, f64, f64, f64, f64, f64); 6] = [
        (
            "single",
            0.9899192202109778,
            3276.398699867386,
            10.4336,
            15977.676800000001,
            2012.2701910476385,
        ),
        (
            "2of3",
            0.9979084743503936,
            1310.3041008284208,
            2.0926,
            5747.5072,
            744.0821041690153,
        ),
        (
            "maj5",
            0.9980406364132245,
            1296.686446611518,
            1.8036,
            5655.7568,
            722.8858592182833,
        ),
        (
            "zones2",
            0.9999052153657343,
            116.47108536494183,
            0.5884,
            554.4618666666667,
            43.04789971402672,
        ),
        (
            "ap",
            0.9996883909859884,
            66.57061077187196,
            10.499,
            409.1904,
            21.543161890823356,
        ),
        (
            "ap+replicas",
            0.9997518992421911,
            63.62044904563425,
            19.1736,
            473.36106666666666,
            20.868758305215394,
        ),
    ];
    for (d, &(name, mean, std, outages, p99, longest)) in r.deployments.iter().zip(&want) {
        assert_eq!(d.name, name);
        assert_close(&format!("{name}: mean"), d.availability.mean, mean, REL);
        assert_close(&format!("{name}: std"), d.downtime_minutes.std, std, REL);
        assert_close(&format!("{name}: outages"), d.outages.mean, outages, REL);
        assert_close(
            &format!("{name}: p99"),
            d.downtime_minutes.percentiles.p99,
            p99,
            REL,
        );
        assert_close(
            &format!("{name}: longest"),
            d.longest_outage_minutes.mean,
            longest,
            REL,
        );
    }
    let zones = [
        ("a", 0.9899192202109778),
        ("b", 0.992199387704001),
        ("c", 0.9911247427890414),
        ("d", 0.9954334629864621),
        ("e", 0.9977522130596697),
    ];
    for (z, &(id, a)) in r.zones.iter().zip(&zones) {
        assert_eq!(z.id, id);
        assert_close(&format!("zone {id}"), z.mean_availability, a, REL);
    }
    let diffs = [
        -4199.151975676998,
        -4268.616355900898,
        -5248.639053340055,
        -5134.676159345625,
        -5168.056098805736,
    ];
    for (c, &d) in r.comparison.against.iter().zip(&diffs) {
        assert_close(
            &format!("{}: diff", c.name),
            c.downtime_minutes_diff.mean,
            d,
            REL,
        );
    }
}

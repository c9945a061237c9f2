//! JSON output checked against hand-computed values.
//!
//! Both studies use fixed durations and an all-up start, so every trial has
//! the same timeline and every figure is exact. Means come from exact sums and
//! must match to rounding; percentiles come from an HDR histogram with 3
//! significant digits (`stats::PERCENTILE_SIGNIFICANT_DIGITS`), so they match
//! within its stated resolution of 0.1%.

use serde_json::Value;

use crate::{data, run_json};

fn close(got: &Value, want: f64) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{got} is not a number"));
    assert!(
        (g - want).abs() <= 1e-9 * want.abs().max(1.0),
        "got {g}, want {want}"
    );
}

/// Within the histogram's resolution: 0.1% (plus 1 ms for values near 0).
fn hist_close(got: &Value, want_minutes: f64) {
    let g = got.as_f64().expect("number");
    assert!(
        (g - want_minutes).abs() <= 1e-3 * want_minutes + 1.0 / 60_000.0,
        "got {g}, want {want_minutes} within 0.1%"
    );
}

fn deployment<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["deployments"]
        .as_array()
        .expect("deployments")
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no deployment {name}"))
}

struct Expect {
    name: &'static str,
    downtime_minutes: f64,
    outages: f64,
    longest_minutes: f64,
    sla: [f64; 3],
}

/// Timelines over 250 h: zone a down [100,110) and [210,220); zone b down
/// [150,180). See tests/data/fixed_all_up.toml.
#[test]
fn fixed_durations_all_up_every_rule() {
    let r = run_json(&data("fixed_all_up.toml"), &[]);
    assert_eq!(r["trials"], 64);
    assert_eq!(r["seed"], 2026);
    assert_eq!(r["start"], "all_up");
    close(&r["horizon_hours"], 250.0);
    let expect = [
        // a alone: 2 outages of 10 h.
        Expect {
            name: "a-only",
            downtime_minutes: 1200.0,
            outages: 2.0,
            longest_minutes: 600.0,
            sla: [1.0, 0.0, 0.0],
        },
        // both needed: down whenever either is: 10 + 30 + 10 h, 3 outages, longest 30 h.
        Expect {
            name: "both",
            downtime_minutes: 3000.0,
            outages: 3.0,
            longest_minutes: 1800.0,
            sla: [0.0, 0.0, 0.0],
        },
        // either suffices: the outages never overlap.
        Expect {
            name: "either",
            downtime_minutes: 0.0,
            outages: 0.0,
            longest_minutes: 0.0,
            sla: [1.0, 1.0, 1.0],
        },
        // a serves; each of a's failures costs the 1 h failover to b (up both times).
        Expect {
            name: "a-then-b",
            downtime_minutes: 120.0,
            outages: 2.0,
            longest_minutes: 60.0,
            sla: [1.0, 1.0, 0.0],
        },
        // two distinct zones up: the same as "both".
        Expect {
            name: "two-zones-up",
            downtime_minutes: 3000.0,
            outages: 3.0,
            longest_minutes: 1800.0,
            sla: [0.0, 0.0, 0.0],
        },
        // majority of a,a,b: losing a loses the quorum, losing b does not.
        Expect {
            name: "majority-2+1",
            downtime_minutes: 1200.0,
            outages: 2.0,
            longest_minutes: 600.0,
            sla: [1.0, 0.0, 0.0],
        },
    ];
    for e in expect {
        let d = deployment(&r, e.name);
        let a = 1.0 - e.downtime_minutes / 60.0 / 250.0;
        close(&d["availability"]["mean"], a);
        close(&d["availability"]["std"], 0.0);
        close(&d["availability"]["ci95"][0], a);
        close(&d["availability"]["ci95"][1], a);
        close(&d["downtime_minutes"]["mean"], e.downtime_minutes);
        close(&d["downtime_minutes"]["std"], 0.0);
        for p in [
            "p0.1", "p1", "p5", "p10", "p50", "p90", "p95", "p99", "p99.9",
        ] {
            hist_close(&d["downtime_minutes"]["percentiles"][p], e.downtime_minutes);
            let ap = d["availability"]["percentiles"][p]
                .as_f64()
                .expect("number");
            // The same resolution, on downtime hours over the 250 h horizon.
            let tol = (1e-3 * e.downtime_minutes / 60.0 + 1.0 / 3.6e6) / 250.0;
            assert!((ap - a).abs() <= tol, "{}: {p} {ap} vs {a}", e.name);
        }
        close(&d["outages"]["mean"], e.outages);
        close(
            &d["outages"]["p_none"],
            if e.outages == 0.0 { 1.0 } else { 0.0 },
        );
        close(&d["longest_outage_minutes"]["mean"], e.longest_minutes);
        hist_close(&d["longest_outage_minutes"]["p99"], e.longest_minutes);
        let sla = d["sla"].as_array().expect("sla");
        assert_eq!(sla.len(), 3);
        for (s, (t, p)) in sla.iter().zip([0.9, 0.95, 1.0].into_iter().zip(e.sla)) {
            close(&s["target"], t);
            close(&s["p_meets"], p);
        }
    }
    // Zones: a up 230 of 250 h, b up 220 of 250 h.
    assert_eq!(r["zones"][0]["id"], "a");
    close(&r["zones"][0]["mean_availability"], 0.92);
    assert_eq!(r["zones"][1]["id"], "b");
    close(&r["zones"][1]["mean_availability"], 0.88);
    // Paired comparison against the first deployment: constant differences.
    let c = &r["comparison"];
    assert_eq!(c["baseline"], "a-only");
    let against = c["against"].as_array().expect("against");
    assert_eq!(against.len(), 5);
    let both = &against[0];
    assert_eq!(both["name"], "both");
    close(&both["downtime_minutes_diff"]["mean"], 1800.0);
    close(&both["downtime_minutes_diff"]["ci95"][0], 1800.0);
    close(&both["downtime_minutes_diff"]["ci95"][1], 1800.0);
    close(&both["p_less_downtime"], 0.0);
    close(&both["p_more_downtime"], 1.0);
    assert!(both["variance_reduction"].is_null(), "Var(X - Y) is 0");
    let failover = &against[2];
    assert_eq!(failover["name"], "a-then-b");
    close(&failover["downtime_minutes_diff"]["mean"], -1080.0);
    close(&failover["p_less_downtime"], 1.0);
}

/// `--baseline` changes the reference of the comparison.
#[test]
fn baseline_flag_picks_the_reference() {
    let r = run_json(&data("fixed_all_up.toml"), &["--baseline", "either"]);
    assert_eq!(r["comparison"]["baseline"], "either");
    let a = &r["comparison"]["against"][0];
    assert_eq!(a["name"], "a-only");
    close(&a["downtime_minutes_diff"]["mean"], 1200.0);
}

/// A JSON scenario: zone w never fails within the 100 h horizon; zone z only
/// through a common cause (down [40,42) and [82,84)); one deployment on z adds
/// its replica's own failure [60,61).
#[test]
fn never_down_and_common_cause_from_json() {
    let r = run_json(&data("never_down.json"), &[]);
    assert_eq!(r["trials"], 50);
    let w = deployment(&r, "on-w");
    close(&w["availability"]["mean"], 1.0);
    close(&w["downtime_minutes"]["mean"], 0.0);
    close(&w["downtime_minutes"]["percentiles"]["p99.9"], 0.0);
    close(&w["outages"]["p_none"], 1.0);
    close(&w["longest_outage_minutes"]["p99"], 0.0);
    close(&w["sla"][1]["target"], 1.0);
    close(&w["sla"][1]["p_meets"], 1.0);

    let z = deployment(&r, "on-z");
    close(&z["availability"]["mean"], 0.96);
    close(&z["downtime_minutes"]["mean"], 240.0);
    close(&z["outages"]["mean"], 2.0);
    close(&z["longest_outage_minutes"]["mean"], 120.0);
    close(&z["sla"][0]["p_meets"], 1.0); // 0.96 >= 0.955

    let f = deployment(&r, "on-z-flaky");
    close(&f["availability"]["mean"], 0.95);
    close(&f["downtime_minutes"]["mean"], 300.0);
    close(&f["outages"]["mean"], 3.0);
    close(&f["longest_outage_minutes"]["mean"], 120.0);
    close(&f["sla"][0]["p_meets"], 0.0); // 0.95 < 0.955

    let zones: Vec<(&str, f64)> = r["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .map(|z| {
            (
                z["id"].as_str().expect("id"),
                z["mean_availability"].as_f64().expect("a"),
            )
        })
        .collect();
    assert_eq!(zones, vec![("z", 0.96), ("w", 1.0)]);
}

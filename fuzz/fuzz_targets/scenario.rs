//! Arbitrary bytes as a scenario file, TOML and JSON: `Scenario::from_str`
//! must give a validated study or a clean error, never a panic. A study that
//! loads is then prepared and one trial of it run (a valid but absurd study
//! must be refused cleanly by the size checks, not hang).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zonesim::Simulation;
use zonesim::scenario::{Format, Scenario};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [Format::Toml, Format::Json] {
        let Ok(scenario) = Scenario::from_str(text, format, "fuzz") else {
            continue;
        };
        let study = scenario.study();
        assert!(study.validate().is_ok(), "a loaded scenario is valid");
        if study.deployments.is_empty() {
            continue;
        }
        let Ok(sim) = Simulation::new(study).and_then(|s| s.with_trials(study, 1)) else {
            continue;
        };
        let mut out = Vec::new();
        if sim.trial(0, &mut out).is_ok() {
            let h = study.simulation.horizon_hours;
            for o in &out {
                assert!(o.downtime_hours >= 0.0 && o.downtime_hours <= h * (1.0 + 1e-9));
            }
        }
    }
});

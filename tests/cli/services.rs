//! Services and release failures through the binary: JSON `"services"`, the
//! table's service block, a service as `--baseline`, `validate`, and errors.

use crate::{scratch, stderr, stdout, zonesim};

/// Two zones with fixed durations over 100 h from an all-up start (see
/// tests/integration/services.rs for the timelines): x = {a} is down 16 h,
/// y = {b} 25 h; `both` (all) 37 h, `either` (any) 4 h, `either` with
/// release failures [40,41] [81,82] 6 h.
const FILE: &str = r#"
[simulation]
trials = 300
horizon_hours = 100
start = "all_up"
sla_targets = [0.9]

[[region]]
id = "ra"
country = "FR"

[[region]]
id = "rb"
country = "DE"

[[zone]]
id = "a"
region = "ra"
time_to_failure = { dist = "fixed", value = 10.0 }
time_to_repair = { dist = "fixed", value = 2.0 }

[[zone]]
id = "b"
region = "rb"
time_to_failure = { dist = "fixed", value = 15.0 }
time_to_repair = { dist = "fixed", value = 5.0 }

[[deployment]]
name = "x"
replicas = ["a"]
rule = { at_least = 1 }

[[deployment]]
name = "y"
replicas = ["b"]
rule = { at_least = 1 }

[[service]]
name = "both"
up_when = { all = ["x", "y"] }

[[service]]
name = "either"
up_when = { any = ["x", "y"] }
release_failures = { time_to_failure = { dist = "fixed", value = 40.0 }, time_to_repair = { dist = "fixed", value = 1.0 } }
"#;

#[test]
fn services_in_json_table_and_comparison() {
    let dir = scratch("services");
    let path = dir.join("shop.toml");
    std::fs::write(&path, FILE).unwrap();
    let o = zonesim([
        "run".as_ref(),
        path.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--baseline".as_ref(),
        "either".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let services = v["services"].as_array().unwrap();
    let minutes: Vec<f64> = services
        .iter()
        .map(|s| s["downtime_minutes"]["mean"].as_f64().unwrap())
        .collect();
    assert_eq!(minutes, [37.0 * 60.0, 6.0 * 60.0]);
    assert_eq!(services[1]["outages"]["mean"].as_f64(), Some(5.0));
    // The same fields as a deployment's.
    let keys = |x: &serde_json::Value| {
        let mut k: Vec<String> = x.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&services[0]), keys(&v["deployments"][0]));
    assert_eq!(v["comparison"]["baseline"], "either");
    let against: Vec<&str> = v["comparison"]["against"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(against, ["x", "y", "both"]);
    let both = &v["comparison"]["against"][2]["downtime_minutes_diff"]["mean"];
    assert_eq!(both.as_f64(), Some(31.0 * 60.0));

    let svg = dir.join("ccdf.svg");
    let o = zonesim([
        "run".as_ref(),
        path.as_os_str(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let picture = std::fs::read_to_string(&svg).unwrap();
    for name in ["either", "both"] {
        let legend = format!("{name}  (P(any downtime) = 1)");
        assert!(picture.contains(&legend), "{name} is not drawn");
    }
    let t = stdout(&o);
    assert!(t.contains("\nservice "), "{t}");
    assert!(t.contains("both: up when all of x, y\n"), "{t}");
    assert!(
        t.contains("either: up when any of x, y, and its release process is up"),
        "{t}"
    );

    let o = zonesim(["validate".as_ref(), path.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 deployments, 2 services"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_service_of_unknown_parts_is_bad_input() {
    let dir = scratch("services-bad");
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        FILE.replace("any = [\"x\", \"y\"]", "any = [\"x\", \"z\"]"),
    )
    .unwrap();
    let o = zonesim(["run".as_ref(), path.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("service[1] \"either\".up_when.any[1]: unknown deployment or service \"z\""),
        "{e}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn services_have_monthly_windows_in_the_table_and_json() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/three-tier-service.toml"
    );
    let o = zonesim(["run", path, "--trials", "2000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    let from = t.find("SLA windows:").expect("a windows block");
    let to = t.find("Paired comparison").expect("a comparison");
    let windows = &t[from..to];
    assert!(windows.contains("\nshop-eu-wide "), "{windows}");
    let o = zonesim(["run", path, "--trials", "2000", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["services"][0]["windows"]["per_trial"].as_f64(),
        Some(12.0)
    );
}

#[test]
fn plan_a_tier_within_a_service() {
    let dir = scratch("services-plan");
    let path = dir.join("plan.toml");
    let file = format!(
        "{FILE}\n[plan]\nrule = {{ at_least = 1 }}\nmax_replicas = 2\n\
         target = {{ availability = 0.7, in_fraction_of_years = 0.5 }}\n\
         within = {{ service = \"both\", part = \"y\" }}\n"
    );
    std::fs::write(&path, file).unwrap();
    let o = zonesim(["plan".as_ref(), path.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(
        t.contains("stands in for deployment \"y\" and is judged by the availability"),
        "{t}"
    );
    // y in a shares x's outages: the service is down only with a (16 h).
    assert!(t.contains("best: a (cost 1)"), "{t}");
    assert!(t.contains("mean availability 0.8400000"), "{t}");
    let o = zonesim([
        "plan".as_ref(),
        path.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["within"]["service"], "both");
    // A part the service is not made of: bad input, located.
    std::fs::write(
        &path,
        std::fs::read_to_string(&path)
            .unwrap()
            .replace("part = \"y\"", "part = \"both\""),
    )
    .unwrap();
    let o = zonesim(["plan".as_ref(), path.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("plan.within.part: \"both\" is a service; the plan places one deployment"),
        "{}",
        stderr(&o)
    );
}

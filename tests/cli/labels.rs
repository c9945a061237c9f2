//! Issue #9, items 9, 10 and 13, and names with control characters: what the
//! table and the pictures say.

use std::path::{Path, PathBuf};

use crate::{scratch, stderr, stdout, zonesim};

/// A monthly study: two zones, one deployment repeated under another name
/// (identical results), and a name with a newline and an escape code.
const MONTHLY: &str = r#"
[simulation]
trials = 4000
seed = 7
horizon_hours = 720
sla_targets = [0.999, 0.9999]

[[region]]
id = "r"

[[zone]]
id = "a"
region = "r"
time_to_failure = { dist = "exponential", mean = 2000.0 }
time_to_repair = { dist = "exponential", mean = 4.0 }

[[zone]]
id = "b"
region = "r"
time_to_failure = { dist = "exponential", mean = 2000.0 }
time_to_repair = { dist = "exponential", mean = 4.0 }

[[deployment]]
name = "single"
replicas = ["a"]
rule = { at_least = 1 }

[[deployment]]
name = "single-again"
replicas = ["a"]
rule = { at_least = 1 }

[[deployment]]
name = "evil\nname\u001b[31m"
replicas = ["a", "b"]
rule = { at_least = 1 }
"#;

fn monthly(dir: &Path) -> PathBuf {
    let f = dir.join("monthly.toml");
    std::fs::write(&f, MONTHLY).expect("write");
    f
}

/// A 720 h study is labelled per trial everywhere: no "year", no 8760 h
/// (item 9).
#[test]
fn monthly_study_is_labelled_per_trial() {
    let dir = scratch("monthly");
    let f = monthly(&dir);
    let svg = dir.join("m.svg");
    let o = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    for needle in ["per 720 h trial", "P(trial meets)", "per trial"] {
        assert!(table.contains(needle), "missing {needle:?}:\n{table}");
    }
    for wrong in ["8760", "year"] {
        assert!(
            !table.contains(wrong),
            "{wrong:?} in a 720 h table:\n{table}"
        );
    }
    let svg = std::fs::read_to_string(&svg).expect("svg");
    for needle in [
        "Downtime per 720 h trial: how often a trial is worse than x",
        "downtime in a 720 h trial",
    ] {
        assert!(svg.contains(needle), "picture lacks {needle:?}");
    }
    assert!(
        !svg.contains("year") && !svg.contains("Year"),
        "year in a 720 h picture"
    );
}

/// The outages column of a 720 h study is per trial, not annualised: with
/// fixed durations every trial has exactly the same outages.
#[test]
fn monthly_outages_are_per_trial() {
    let dir = scratch("monthly-outages");
    let f = dir.join("fixed.toml");
    std::fs::write(
        &f,
        std::fs::read_to_string(crate::data("fixed_all_up.toml")).expect("read"),
    )
    .expect("write");
    let o = zonesim(["run".as_ref(), f.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    // a-only: 2 outages in every 250 h trial (annualised that was 70.08).
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("a-only ") && l.contains("  2.0000  ")),
        "{table}"
    );
    assert!(!table.contains("70.08"), "{table}");
}

/// Identical deployments are both visible: the later is dashed and named
/// as identical (item 13).
#[test]
fn identical_series_are_marked() {
    let dir = scratch("twins");
    let f = monthly(&dir);
    let svg = dir.join("t.svg");
    let o = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&svg).expect("svg");
    assert!(svg.contains("identical to single, drawn dashed"), "no note");
    assert!(
        !svg.contains("single  (P(any downtime) = 0.2); identical"),
        "first one marked"
    );
}

/// Budget labels stay inside the picture (the right-hand one was clipped to
/// "526 mi") and off their lines (item 13).
#[test]
fn budget_labels_are_not_clipped() {
    let dir = scratch("budgets");
    let svg = dir.join("d.svg");
    let o = zonesim([
        "run".as_ref(),
        "--trials".as_ref(),
        "20000".as_ref(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).expect("svg");
    let width: i32 = attr(&text, "<svg", "width").expect("width");
    let mut seen = 0;
    for (i, _) in text.match_indices("budget: ") {
        let open = text[..i].rfind("<text").expect("text element");
        let tag = &text[open..i];
        let x: i32 = attr(tag, "<text", "x").expect("x");
        let label_end = text[i..].find('<').map_or(i, |e| i + e);
        let label = text[open..label_end]
            .rsplit('>')
            .next()
            .expect("label")
            .trim();
        // 0.6 em per character of the 13 px font errs wide.
        let w = (label.chars().count() as f64 * 13.0 * 0.6) as i32;
        if tag.contains("text-anchor=\"end\"") {
            assert!(x - w >= 0, "{label} clipped on the left");
        } else {
            assert!(
                x + w <= width,
                "{label} clipped on the right (x {x}, width {width})"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 3, "three budgets");
}

/// The value of `name="..."` in the first `tag` element of `text`.
fn attr(text: &str, tag: &str, name: &str) -> Option<i32> {
    let start = text.find(tag)?;
    let rest = &text[start..];
    let at = rest.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = rest[at..].find('"')? + at;
    rest[at..end].parse::<f64>().ok().map(|v| v as i32)
}

/// No downtime in N trials is not availability 1 with `inf` nines: the
/// table says so and gives the rule-of-three bound (item 10).
#[test]
fn no_downtime_is_bounded_not_infinite() {
    let dir = scratch("no-downtime");
    let file = dir.join("three-hubs.toml");
    std::fs::write(
        &file,
        "catalog = \"eu-hubs\"\n[simulation]\ntrials = 2000\n\n[[deployment]]\n\
         name = \"three-providers\"\n\
         replicas = [\"alibaba-fr-par-a\", \"aws-de-fra-az1\", \"ovh-fr-par-a\"]\n\
         rule = { at_least = 1 }\n",
    )
    .expect("write");
    let o = zonesim([std::ffi::OsStr::new("run"), file.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(!table.contains("inf"), "{table}");
    assert!(!table.contains("±0.0000000"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("three-providers"))
        .expect("row");
    assert!(
        row.contains("no downtime") && row.contains("> 2.82"),
        "{row}"
    );
    assert!(
        table.contains(
            "three-providers: no downtime in 2000 trials; P(a year has any downtime) < 1.5e-3 (95%)"
        ),
        "{table}"
    );
    assert!(table.contains("estimator = \"importance\""), "{table}");
}

/// The default study estimates three-hubs-active and alibaba+ovh-paris by
/// importance sampling: their rows show the unavailability in scientific
/// notation, marked (IS), and the JSON carries the estimator and the estimate
/// with its diagnostics.
#[test]
fn importance_sampled_rows_are_marked() {
    let o = zonesim(["run", "--trials", "20000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    let row = table
        .lines()
        .find(|l| l.starts_with("three-hubs-active (IS)"))
        .unwrap_or_else(|| panic!("{table}"));
    // Alibaba's provider-wide events (~6.8e-5) are nearly all of it.
    assert!(row.contains("U ") && row.contains("e-5"), "{row}");
    let row = table
        .lines()
        .find(|l| l.starts_with("alibaba+ovh-paris (IS)"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains("U ") && row.contains("e-8"), "{row}");
    assert!(
        table.contains("three-hubs-active (importance sampling, 20000 cycles)"),
        "{table}"
    );
    let o = zonesim(["run", "--trials", "20000", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let d = &v["deployments"][4];
    assert_eq!(d["name"], "three-hubs-active");
    assert_eq!(d["estimator"], "importance");
    let u = d["unavailability"]["mean"].as_f64().unwrap();
    let lo = d["unavailability"]["ci95"][0].as_f64().unwrap();
    let hi = d["unavailability"]["ci95"][1].as_f64().unwrap();
    // The exact value from the catalogue's parameters (6.833e-5: Alibaba's
    // provider-wide events plus 3.70e-12 of coincident site outages) is
    // within 4.5 standard errors of the estimate.
    let study = zonesim::catalog::default_study();
    let exact =
        1.0 - zonesim::analytic::steady_state_availability(&study, &study.deployments[4]).unwrap();
    assert!((exact / 6.832966e-5 - 1.0).abs() < 1e-6, "{exact}");
    let se = (hi - lo) / (2.0 * 1.959964);
    assert!((u - exact).abs() < 4.5 * se, "{u} [{lo}, {hi}] vs {exact}");
    assert!(d["importance"]["diagnostics"]["ess"].as_f64().unwrap() > 100.0);
    // Every other deployment is crude, with an unavailability of its own.
    assert_eq!(v["deployments"][0]["estimator"], "crude");
    assert!(v["deployments"][0]["unavailability"]["relative_error"].is_number());
}

/// Names with newlines or escape codes are shown escaped, never raw, in the
/// table and the picture.
#[test]
fn control_characters_in_names_are_escaped() {
    let dir = scratch("evil");
    let f = monthly(&dir);
    let svg = dir.join("e.svg");
    let o = zonesim([
        "run".as_ref(),
        f.as_os_str(),
        "--plot".as_ref(),
        svg.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(!table.contains('\u{1b}'), "raw escape code in the table");
    assert!(table.contains(r"evil\nname\x1b[31m"), "{table}");
    assert!(!table.lines().any(|l| l.starts_with("name")), "{table}");
    let svg = std::fs::read_to_string(&svg).expect("svg");
    assert!(!svg.contains('\u{1b}'), "raw escape code in the SVG");
    assert!(svg.contains(r"evil\nname\x1b[31m"));
}

//! The catalogue as text (`zonesim catalog`).

use std::fmt::Write as _;

use zonesim::catalog::Catalog;
use zonesim::distributions::Duration;

use super::format::{fmt_hours, fmt_num};
use super::layout::{Table, WIDTH, wrap};

/// The catalogue as text: regions with their facts, zones with their
/// parameters, common causes, and the reasoning behind each default.
pub fn catalog_table(cat: &Catalog) -> String {
    let mut out = String::new();
    out.push_str(&wrap(
        &format!("catalogue {}: {}", cat.name, cat.description),
        WIDTH,
        "  ",
    ));
    out.push('\n');
    let mut t = Table::new(&[
        ("", "region"),
        ("", "name"),
        ("", "provider"),
        ("", "country"),
        ("", "EU"),
        ("provider", "code"),
        ("", "confidence"),
    ])
    .left_align(1)
    .left_align(2)
    .left_align(6);
    for r in &cat.regions {
        let info = cat.region_info.iter().find(|i| i.id == r.id);
        t.row(vec![
            r.id.clone(),
            r.name.clone(),
            r.provider.clone(),
            r.country.clone(),
            if r.is_in_eu() { "yes" } else { "no" }.into(),
            info.map_or(String::new(), |i| i.provider_code.clone()),
            info.map_or(String::new(), |i| i.confidence.to_string()),
        ]);
    }
    out.push_str(&t.render(WIDTH));
    out.push('\n');
    for r in &cat.regions {
        if let Some(i) = cat.region_info.iter().find(|i| i.id == r.id) {
            let zones: Vec<&str> = cat
                .zones
                .iter()
                .filter(|z| z.region == r.id)
                .map(|z| z.id.as_str())
                .collect();
            out.push_str(&wrap(
                &format!(
                    "{} ({}, {}): zones {}; {}",
                    r.id,
                    r.name,
                    i.status,
                    zones.join(", "),
                    i.note
                ),
                WIDTH,
                "    ",
            ));
            for s in &i.sources {
                let _ = writeln!(out, "    source: {s}");
            }
        }
    }
    out.push_str("\nZones (time to failure, then time to repair, in hours)\n\n");
    for z in &cat.zones {
        let _ = writeln!(out, "{}  (region {})", z.id, z.region);
        let _ = writeln!(
            out,
            "    availability on its own: {:.6}",
            z.process().steady_state_availability()
        );
        describe_process(&mut out, &z.time_to_failure, &z.time_to_repair);
    }
    out.push_str("\nCommon causes\n\n");
    for c in &cat.common_causes {
        let _ = writeln!(out, "{}  (affects {})", c.name, c.affects.join(", "));
        describe_process(&mut out, &c.time_to_failure, &c.time_to_repair);
        if let Some(r) = &c.zone_recovery {
            let _ = writeln!(
                out,
                "    each zone then recovers in: {}",
                describe_duration(r)
            );
        }
    }
    out.push_str("\nProvider-wide events (sensitivity ranges in brackets)\n\n");
    for e in &cat.provider_events {
        let _ = writeln!(
            out,
            "{}: {} a year [{}-{}], median {} h [{}-{}], sigma {} [{}-{}]; {}",
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
            e.confidence
        );
        out.push_str(&wrap(
            &format!("    evidence: {}", e.evidence),
            WIDTH,
            "    ",
        ));
    }
    out.push_str("\nDefault parameters and their reasoning\n\n");
    for n in &cat.parameter_notes {
        out.push_str(&wrap(
            &format!("{}: {}", n.parameter, n.value),
            WIDTH,
            "    ",
        ));
        out.push_str(&wrap(&format!("    why: {}", n.reasoning), WIDTH, "    "));
    }
    out
}

/// A duration in words: `lognormal median 2 h, sigma 1.5 (mean 6.16 h)`.
pub fn describe_duration(d: &Duration) -> String {
    let v = serde_json::to_value(d).unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(obj) = v.as_object() {
        for (k, val) in obj {
            if k == "dist" {
                continue;
            }
            let shown = match val {
                serde_json::Value::Array(a) => format!("{} samples", a.len()),
                serde_json::Value::Number(n) => n.as_f64().map_or(n.to_string(), fmt_num),
                other => other.to_string(),
            };
            let unit = match k.as_str() {
                "mean" | "median" | "scale" | "value" | "low" | "high" => " h",
                _ => "",
            };
            parts.push(format!("{k} {shown}{unit}"));
        }
    }
    let mean = match d.name() {
        "exponential" | "fixed" => String::new(),
        _ => format!(" (mean {})", fmt_hours(d.mean())),
    };
    format!("{} {}{mean}", d.name(), parts.join(", "))
}

/// Two indented lines: how long a process stays up, and how long it stays down.
fn describe_process(out: &mut String, ttf: &Duration, ttr: &Duration) {
    let _ = writeln!(out, "    fails after: {}", describe_duration(ttf));
    let _ = writeln!(out, "    repaired in: {}", describe_duration(ttr));
}

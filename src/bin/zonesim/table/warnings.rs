//! Quorum warnings printed under the study table.

use zonesim::deployment::{Deployment, Rule};
use zonesim::study::Study;

use super::format::count;

/// Why a counting deployment does not survive the loss of one zone: the zone
/// that holds too many members, and how many distinct zones it spans. `None`
/// when every single-zone outage leaves enough members, or for rules that are
/// not quorums (`at_least(k)` with `2k <= n`, `zones_up`, `active_passive`).
/// Members and the number that must be live, for a rule that is a quorum
/// (more than half must be up); `None` for other rules.
fn quorum_size(d: &Deployment) -> Option<(usize, usize)> {
    let n = d.replicas.len();
    match d.rule {
        Rule::Majority => Some((n, n / 2 + 1)),
        Rule::AtLeast(k) if n >= 2 && 2 * k as usize > n => Some((n, k as usize)),
        _ => None,
    }
}

/// For a quorum whose members span enough zones, a warning when one common
/// cause (a region-wide event, say) covers more members than the quorum can
/// lose: e.g. a majority over two Paris zones and one in Frankfurt falls with
/// every Paris region event.
pub fn common_cause_weakness(study: &Study, d: &Deployment) -> Option<String> {
    let (n, quorum) = quorum_size(d)?;
    let weak: Vec<(&str, usize)> = study
        .common_causes
        .iter()
        .filter_map(|c| {
            let zones = study.affected_zones(c).ok()?;
            let hit = d
                .replicas
                .iter()
                .filter(|r| zones.iter().any(|&z| &study.zones[z].id == *r))
                .count();
            (n - hit < quorum).then_some((c.name.as_str(), hit))
        })
        .collect();
    let (cause, hit) = *weak.iter().max_by_key(|(_, hit)| *hit)?;
    let others = if weak.len() > 1 {
        format!(" and {} other common cause(s)", weak.len() - 1)
    } else {
        String::new()
    };
    Some(format!(
        "warning: {}: one common-cause event takes down the quorum\n  ({cause}{others} covers {hit} of {n} members, {quorum} needed; a quorum that survives it keeps at most {} under one common cause)",
        d.name,
        count(n - quorum, "member")
    ))
}

/// For a quorum, a warning when one zone holds more members than the quorum
/// can lose.
pub fn single_zone_weakness(d: &Deployment) -> Option<String> {
    let (n, quorum) = quorum_size(d)?;
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for r in &d.replicas {
        match counts.iter_mut().find(|(z, _)| *z == r.as_str()) {
            Some((_, c)) => *c += 1,
            None => counts.push((r.as_str(), 1)),
        }
    }
    let (zone, most) = counts.iter().copied().max_by_key(|&(_, c)| c)?;
    if n - most >= quorum {
        return None;
    }
    let spread = if counts.len() < 3 {
        format!(
            "; the members span only {} zone{}, a quorum that survives a zone outage needs 3 or more",
            counts.len(),
            if counts.len() == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    Some(format!(
        "warning: {}: a single zone outage takes down the quorum\n  ({zone} holds {most} of {n} members, {quorum} needed{spread})",
        d.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_weakness() {
        let d = |r: &[&str], rule| Deployment::new("d", r, rule);
        assert!(single_zone_weakness(&d(&["a", "a", "b"], Rule::Majority)).is_some());
        assert!(single_zone_weakness(&d(&["a", "b"], Rule::Majority)).is_some());
        assert!(single_zone_weakness(&d(&["a", "b", "c"], Rule::Majority)).is_none());
        assert!(single_zone_weakness(&d(&["a", "a", "b", "b", "c"], Rule::Majority)).is_none());
        assert!(single_zone_weakness(&d(&["a", "b"], Rule::AtLeast(1))).is_none());
        assert!(single_zone_weakness(&d(&["a", "a", "b", "b"], Rule::AtLeast(3))).is_some());
        assert!(single_zone_weakness(&d(&["a", "a", "b", "b"], Rule::AtLeast(2))).is_none());
    }
}

//! Exchangeable placements: zones with identical parameters and common-cause
//! membership can be swapped without changing any placement's distribution,
//! so placements that differ only by such swaps are one class, judged once.
//!
//! Two levels, both exact:
//! - **Zones** with the same own process and the same set of covering
//!   common causes are exchangeable for every rule. A placement's key is
//!   the sequence, replica by replica in list order, of (zone class, rank
//!   of the zone among the placement's zones of that class): two placements
//!   with one key are mapped onto each other, in order, by a permutation
//!   within classes (so active-passive's priority order is respected).
//! - **Blocks**: when no zone of the study is covered by more than one
//!   common cause, the zones under one cause form a block, and for counting
//!   rules (order does not matter) a placement's outcome depends only on the
//!   multiset over the blocks it uses of (the cause's parameters, the
//!   multiset of (zone parameters, replicas)). Blocks with identical
//!   parameters are then exchangeable too (two regions alike).

use std::collections::HashMap;

use crate::deployment::Rule;
use crate::study::Study;

/// Keys placements by exchangeability class.
#[derive(Debug)]
pub(super) struct Classifier {
    /// Zone class of each candidate zone.
    zone_class: Vec<u32>,
    /// Parameter class of each candidate zone's own process.
    own_param: Vec<u32>,
    /// Block of each candidate zone and its type (by parameters), when
    /// blocks apply.
    block: Option<Vec<(u32, u32)>>,
}

/// A placement's class key.
pub(super) type ClassKey = Vec<u32>;

fn intern(map: &mut HashMap<String, u32>, key: String) -> u32 {
    let n = map.len() as u32;
    *map.entry(key).or_insert(n)
}

impl Classifier {
    /// Classes of the candidate zones `zones` (indices into `study.zones`)
    /// for placements judged by `rule`.
    pub(super) fn new(study: &Study, zones: &[usize], rule: &Rule) -> Self {
        let mut covering: Vec<Vec<usize>> = vec![Vec::new(); study.zones.len()];
        for (c, cause) in study.common_causes.iter().enumerate() {
            if let Ok(hit) = study.affected_zones(cause) {
                let mut hit = hit;
                hit.sort_unstable();
                hit.dedup();
                for z in hit {
                    covering[z].push(c);
                }
            }
        }
        let mut params = HashMap::new();
        let mut classes = HashMap::new();
        let mut zone_class = Vec::new();
        let mut own_param = Vec::new();
        for &z in zones {
            let own = format!("{:?}", study.zones[z].process());
            own_param.push(intern(&mut params, own.clone()));
            zone_class.push(intern(&mut classes, format!("{own}|{:?}", covering[z])));
        }
        let counting = !matches!(rule, Rule::ActivePassive { .. });
        let partition = covering.iter().all(|c| c.len() <= 1);
        let block = (counting && partition).then(|| {
            let mut types = HashMap::new();
            zones
                .iter()
                .map(|&z| match covering[z].first() {
                    // Zones under no cause are blocks of their own, all of one type.
                    None => (u32::MAX - z as u32, u32::MAX),
                    Some(&c) => {
                        let p = study.common_causes[c].process();
                        (c as u32, intern(&mut types, format!("{p:?}")))
                    }
                })
                .collect()
        });
        Classifier {
            zone_class,
            own_param,
            block,
        }
    }

    /// The class key of a placement (nondecreasing candidate positions).
    pub(super) fn key(&self, idx: &[usize]) -> ClassKey {
        match &self.block {
            Some(block) => {
                // (block type, sorted (zone params, replicas) of the block),
                // sorted over blocks; flattened with separators.
                // (block id, block type, its (zone params, replicas)).
                type Block = (u32, u32, Vec<(u32, u32)>);
                let mut blocks: Vec<Block> = Vec::new();
                let mut i = 0;
                while i < idx.len() {
                    let z = idx[i];
                    let mut n = 0;
                    while i < idx.len() && idx[i] == z {
                        n += 1;
                        i += 1;
                    }
                    let (b, t) = block[z];
                    let entry = (self.own_param[z], n);
                    match blocks.iter_mut().find(|x| x.0 == b) {
                        Some(x) => x.2.push(entry),
                        None => blocks.push((b, t, vec![entry])),
                    }
                }
                let mut parts: Vec<Vec<u32>> = blocks
                    .into_iter()
                    .map(|(_, t, mut zs)| {
                        zs.sort_unstable();
                        let mut v = vec![t];
                        for (p, n) in zs {
                            v.extend([p, n]);
                        }
                        v
                    })
                    .collect();
                parts.sort_unstable();
                let mut key = vec![0];
                for p in parts {
                    key.extend(p);
                    key.push(u32::MAX - 1);
                }
                key
            }
            None => {
                let mut key = vec![1];
                let mut seen: Vec<(usize, u32)> = Vec::new();
                for &z in idx {
                    let c = self.zone_class[z];
                    let rank = match seen.iter().position(|&(x, _)| x == z) {
                        Some(p) => seen[p].1,
                        None => {
                            let r = seen
                                .iter()
                                .filter(|&&(x, _)| self.zone_class[x] == c)
                                .count() as u32;
                            seen.push((z, r));
                            r
                        }
                    };
                    key.extend([c, rank]);
                }
                key
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    /// Regions r1, r2 alike (two zones, one cause each); r3 has a worse
    /// cause; zone r1-c has other parameters.
    fn study() -> Study {
        let exp = |m| Duration::exponential(m).unwrap();
        let mut s = Study::new(Settings::new(10, 100.0));
        for r in ["r1", "r2", "r3"] {
            s = s.region(Region::new(r, r, "p", "FR"));
            for z in ["a", "b"] {
                s = s.zone(Zone::new(format!("{r}-{z}"), r, exp(1000.0), exp(5.0)));
            }
            let mean = if r == "r3" { 5000.0 } else { 9000.0 };
            s = s.common_cause(CommonCause::new(format!("{r}-e"), [r], exp(mean), exp(6.0)));
        }
        s.zone(Zone::new("r1-c", "r1", exp(800.0), exp(5.0)))
    }

    #[test]
    fn mirror_images_share_a_key_and_others_do_not() {
        let s = study();
        let zones: Vec<usize> = (0..s.zones.len()).collect();
        // Candidate positions: r1-a 0, r1-b 1, r2-a 2, r2-b 3, r3-a 4, r3-b 5, r1-c 6.
        let c = Classifier::new(&s, &zones, &Rule::Majority);
        assert_eq!(c.key(&[0, 1, 2]), c.key(&[0, 2, 3])); // 2+1 over r1, r2
        assert_eq!(c.key(&[0, 2]), c.key(&[1, 3]));
        assert_eq!(c.key(&[0, 0, 2]), c.key(&[2, 2, 1]));
        assert_ne!(c.key(&[0, 1, 2]), c.key(&[0, 1, 4])); // r3's cause differs
        assert_ne!(c.key(&[0, 2]), c.key(&[0, 1])); // two regions vs one
        assert_ne!(c.key(&[0, 2]), c.key(&[6, 2])); // r1-c differs
        assert_ne!(c.key(&[0, 0]), c.key(&[0, 1])); // stacked vs spread
        // Active-passive: only swaps within a zone class, in order.
        let ap = Classifier::new(
            &s,
            &zones,
            &Rule::ActivePassive {
                failover_hours: 0.1,
            },
        );
        assert_eq!(ap.key(&[0, 2]), ap.key(&[1, 2]));
        assert_eq!(ap.key(&[0, 2]), ap.key(&[0, 3]));
        assert_ne!(ap.key(&[0, 2]), ap.key(&[2, 4]));
        assert_ne!(ap.key(&[0, 6]), ap.key(&[6, 0]));
    }
}

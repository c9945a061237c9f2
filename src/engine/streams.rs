//! The reproducibility contract: which random stream each trial draws from.
//!
//! Trial `t` of the zones and common causes is seeded with
//! `stream_key(seed, 0) ^ t`; the replica failures of a deployment with
//! `stream_key(seed, name_stream(name)) ^ t`; the release failures of a
//! deployment or service with `stream_key(seed, release_stream(name)) ^ t`.
//! Changing any of this moves every
//! result for a given seed (see `CHANGELOG.md`).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// SplitMix64's finaliser: a bijective mix of 64 bits.
#[inline(always)]
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The key of random stream `stream` under `seed`; trial `t` of that stream is
/// seeded with `key ^ t`, distinct for every trial.
pub(super) fn stream_key(seed: u64, stream: u64) -> u64 {
    mix(mix(seed) ^ mix(stream.wrapping_add(0x9e37_79b9_7f4a_7c15)))
}

/// The stream number of a deployment's replica failures: FNV-1a of its name
/// (names are unique in a study), never 0, the zones' stream.
pub(super) fn name_stream(name: &str) -> u64 {
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    h.max(1)
}

/// The stream number of the release failures of a deployment or service:
/// its name's [`name_stream`] mixed with a constant of its own, so that it
/// is independent of the same deployment's replica failures (names are
/// unique across a study's deployments and services). Never 0.
pub(super) fn release_stream(name: &str) -> u64 {
    // "release!" in ASCII.
    mix(name_stream(name) ^ 0x7265_6c65_6173_6521).max(1)
}

/// The generator of one trial of the stream with key `key`: exactly
/// `Xoshiro256PlusPlus::seed_from_u64(key ^ trial)` (its state is four
/// consecutive SplitMix64 outputs), written out so that it inlines (the
/// library's is a call, about 90 instructions a trial).
#[inline(always)]
pub(super) fn trial_rng(key: u64, trial: u64) -> Xoshiro256PlusPlus {
    const PHI: u64 = 0x9e37_79b9_7f4a_7c15;
    let x = key ^ trial;
    let mut seed = [0u8; 32];
    for (i, word) in seed.chunks_exact_mut(8).enumerate() {
        let z = mix(x.wrapping_add(PHI.wrapping_mul(i as u64 + 1)));
        word.copy_from_slice(&z.to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(seed)
}

/// Stream number of the zones' recovery draws after common causes end.
const RECOVERY_STREAM: u64 = 0x7265_636f_7665_7279; // "recovery"
/// Stream number of the maintenance windows' phases.
const MAINTENANCE_STREAM: u64 = 0x6d61_696e_7465_6e61; // "maintena"
/// Stream number of active-passive failover outcomes.
const FAILOVER_STREAM: u64 = 0x6661_696c_6f76_6572; // "failover"

/// The key of the zones' recovery draws (common causes with `zone_recovery`):
/// a stream of its own, so a study without them draws exactly as before.
pub(super) fn recovery_key(seed: u64) -> u64 {
    stream_key(seed, RECOVERY_STREAM)
}

/// The key of the zone maintenance windows' phases.
pub(super) fn maintenance_key(seed: u64) -> u64 {
    stream_key(seed, MAINTENANCE_STREAM)
}

/// The key of a deployment's replica maintenance phase.
pub(super) fn replica_maintenance_key(seed: u64, name: &str) -> u64 {
    stream_key(seed, mix(name_stream(name)) ^ MAINTENANCE_STREAM)
}

/// The key of a deployment's failover outcomes and manual recoveries.
pub(super) fn failover_key(seed: u64, name: &str) -> u64 {
    stream_key(seed, mix(name_stream(name)) ^ FAILOVER_STREAM)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The written-out seeding is the library's, bit for bit: every trial's
    /// stream (and so every result for a given seed) is unchanged.
    #[test]
    fn trial_rng_equals_seed_from_u64() {
        use rand::Rng;
        let keys = [0, 1, u64::MAX, 0x9e37_79b9_7f4a_7c15, stream_key(2026, 0)];
        for &key in &keys {
            for trial in (0..2000u64).chain([u64::MAX - 1, u64::MAX, 1 << 63]) {
                let mut a = trial_rng(key, trial);
                let mut b = Xoshiro256PlusPlus::seed_from_u64(key ^ trial);
                assert_eq!(a, b, "key {key:#x} trial {trial}");
                assert_eq!(a.next_u64(), b.next_u64());
            }
        }
    }
}

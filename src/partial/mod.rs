//! Partial results: one shard of a run, written by one process and merged
//! by another with not one bit different from a single run.
//!
//! A run's trials come in batches ([`crate::engine::BATCH_TRIALS`] each),
//! every batch from its own random streams, and every accumulator merges
//! exactly. A [`Partial`] holds the exact accumulators of some of the
//! batches (not their summaries), the importance-sampling sums of the same
//! batches of excursions, and what identifies the work: a SHA-256 of the
//! validated study (which holds the seed, trials and estimators), the seed,
//! each deployment's estimator, the batch ranges held, the crate version
//! and the format version. Partials of one study merge in any order and
//! grouping ([`Partial::merge`]); once every batch is held,
//! [`Partial::finish`] gives exactly the [`StudyResult`] of one run.
//!
//! ```
//! use zonesim::prelude::*;
//! use zonesim::partial::Partial;
//!
//! let exp = |m| Duration::exponential(m).unwrap();
//! let study = Study::new(Settings::new(5_000, 720.0))
//!     .region(Region::new("r", "R", "p", "FR"))
//!     .zone(Zone::new("a", "r", exp(2190.0), exp(4.0)))
//!     .zone(Zone::new("b", "r", exp(2190.0), exp(4.0)))
//!     .deployment(Deployment::new("pair", ["a", "b"], Rule::AtLeast(1)));
//! let sim = Simulation::new(&study).unwrap();
//! let opts = RunOptions::new();
//! // Three shards, written to bytes and read back (files in practice).
//! let mut parts = Vec::new();
//! for i in 0..3 {
//!     let part = Partial::run(&sim, sim.shard_batches(i, 3), &opts).unwrap();
//!     let bytes = part.to_bytes();
//!     parts.push(Partial::from_bytes(&bytes, &format!("part-{i}.zsp")).unwrap());
//! }
//! let merged = Partial::merge_all(parts.into_iter().zip(["0", "1", "2"])).unwrap();
//! assert!(merged.is_complete());
//! assert_eq!(merged.finish(&sim, &opts).unwrap(), sim.run(&opts).unwrap());
//! ```
//!
//! # The file format (version 1)
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `ZSPART\r\n` |
//! | 4 | format version, little-endian `u32` |
//! | 8 | body length `L`, little-endian `u64` |
//! | `L` | body: [postcard](https://docs.rs/postcard) of ([`Header`], accumulators, importance-sampling sums) |
//! | 4 | CRC-32 (IEEE) of every byte before it, little-endian |
//!
//! Exact sums are stored as their non-zero fixed-point limbs, histograms as
//! the count of each non-empty bucket. `docs/SHARDS.md` in the repository
//! describes the fields and the checks made when reading and merging.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::engine::{Accumulators, RarePart, RunError, RunOptions, Simulation, StudyResult};
use crate::study::{Estimator, Study};

mod frame;
mod plan;
pub use frame::is_plan_partial;
use frame::{frame, unframe};
pub use plan::{PlanHeader, PlanPartial};

/// The version of the file format this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The first bytes of every partial file (a `\r\n` catches text-mode
/// mangling, as PNG's magic does).
pub const MAGIC: [u8; 8] = *b"ZSPART\r\n";

/// The first bytes of a plan's partial ([`PlanPartial`]).
pub const PLAN_MAGIC: [u8; 8] = *b"ZSPLAN\r\n";

/// The usual extension of a partial file.
pub const EXTENSION: &str = "zsp";

/// What a partial holds besides its accumulators: what identifies the work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Header {
    /// The crate version that wrote it (`CARGO_PKG_VERSION`).
    pub crate_version: String,
    /// SHA-256 (hex) of the validated study as JSON.
    pub study_sha256: String,
    /// The study's seed.
    pub seed: u64,
    /// Each deployment's estimator, in study order.
    pub estimators: Vec<Estimator>,
    /// Trials of the whole run.
    pub trials: u64,
    /// Batches of the whole run.
    pub batches: u64,
    /// The batch ranges held: sorted, disjoint, not adjacent.
    pub ranges: Vec<Range<u64>>,
    /// The validated study as JSON (a scenario file that loads back into
    /// the same study), so that a merge needs nothing but partials.
    pub study_json: String,
}

/// The exact accumulators of some batches of a run, with what identifies
/// the run (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Partial {
    header: Header,
    acc: Accumulators,
    rare: Vec<RarePart>,
}

/// Why a partial could not be read or merged, naming the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct PartialError {
    /// The file (or the name given for it).
    pub file: String,
    /// What is wrong.
    pub problem: PartialProblem,
}

/// What is wrong with a partial.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PartialProblem {
    /// The bytes do not start with [`MAGIC`] (or [`PLAN_MAGIC`]).
    #[error("not a zonesim partial result (no ZSPART header)")]
    NotPartial,
    /// A partial of the other kind: a plan's where a run's was expected,
    /// or the reverse.
    #[error("{found}, not {expected} like the others: merge each kind on its own")]
    OtherKind {
        /// What the file is.
        found: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// Another format version.
    #[error(
        "partial format version {found}, this zonesim reads version {FORMAT_VERSION}; merge with the zonesim that wrote it"
    )]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// Fewer (or more) bytes than the header says.
    #[error("truncated: {got} bytes, the header says {expected}")]
    Truncated {
        /// Bytes the header implies.
        expected: u64,
        /// Bytes present.
        got: u64,
    },
    /// The checksum does not match: the file was changed or damaged.
    #[error("corrupted: checksum {found:08x}, the content gives {computed:08x}")]
    Corrupted {
        /// The checksum stored.
        found: u32,
        /// The checksum of the content.
        computed: u32,
    },
    /// The body could not be decoded, or is inconsistent.
    #[error("corrupted: {0}")]
    Invalid(String),
    /// It comes from another run than the partials before it.
    #[error("{what} differs from {other}'s: {this_value} here, {other_value} there")]
    Mismatch {
        /// What differs (`the seed`, `the study`, ...).
        what: &'static str,
        /// The file it was compared with.
        other: String,
        /// The value in this file.
        this_value: String,
        /// The value in the other.
        other_value: String,
    },
    /// It holds batches another partial holds too.
    #[error("batches {}..{} overlap those of {other}", overlap.start, overlap.end)]
    Overlap {
        /// The batches held twice.
        overlap: Range<u64>,
        /// The other file.
        other: String,
    },
    /// The merged partials do not cover every batch.
    #[error(
        "incomplete: batches {} are missing (of {batches}); merge the missing shards too, or use --partial",
        ranges_text(missing)
    )]
    Missing {
        /// The missing batch ranges.
        missing: Vec<Range<u64>>,
        /// Batches of the whole run.
        batches: u64,
    },
    /// It does not fit the study it names (another build or a forged file).
    #[error("its accumulators do not fit its study: {0}")]
    Misfit(String),
}

fn ranges_text(r: &[Range<u64>]) -> String {
    r.iter()
        .map(|r| format!("{}..{}", r.start, r.end))
        .collect::<Vec<_>>()
        .join(", ")
}

/// SHA-256 (hex) of a study as JSON: what identifies it in a partial.
pub fn study_sha256(study: &Study) -> String {
    hex(&Sha256::digest(study_json(study).as_bytes()))
}

fn study_json(study: &Study) -> String {
    serde_json::to_string(study).expect("a study serialises to JSON")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sorts and coalesces ranges; `Err` with the first overlap.
fn normalise(mut ranges: Vec<Range<u64>>) -> Result<Vec<Range<u64>>, Range<u64>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<u64>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start < last.end => return Err(r.start..r.end.min(last.end)),
            Some(last) if r.start == last.end => last.end = r.end,
            _ => out.push(r),
        }
    }
    Ok(out)
}

impl Partial {
    /// Runs batches `batches` of `sim` (e.g. [`Simulation::shard_batches`])
    /// with the importance-sampled deployments' excursions of the same
    /// batches, into a partial.
    ///
    /// # Errors
    /// As [`Simulation::run`]; [`RunError::Unsupported`] for a study with a
    /// target precision (its stopping test needs every trial so far).
    pub fn run(
        sim: &Simulation,
        batches: Range<u64>,
        opts: &RunOptions<'_>,
    ) -> Result<Partial, RunError> {
        Partial::run_for(sim, sim.study(), batches, opts)
    }

    fn run_for(
        sim: &Simulation,
        source: &Study,
        batches: Range<u64>,
        opts: &RunOptions<'_>,
    ) -> Result<Partial, RunError> {
        let study = sim.study();
        if study.simulation.precision.is_some() {
            return Err(RunError::Unsupported(
                "a run to a target precision cannot be split into shards: its stopping test \
                 needs every trial so far; run it in one process, or give a fixed number of \
                 trials"
                    .into(),
            ));
        }
        let batches = batches.start.min(sim.batches())..batches.end.min(sim.batches());
        let acc = sim.run_range(batches.clone(), opts)?;
        let rare = sim.rare_range(batches.clone(), opts)?;
        let json = study_json(source);
        let default = study.simulation.estimator;
        Ok(Partial {
            header: Header {
                crate_version: env!("CARGO_PKG_VERSION").to_string(),
                study_sha256: hex(&Sha256::digest(json.as_bytes())),
                seed: study.simulation.seed,
                estimators: study
                    .deployments
                    .iter()
                    .map(|d| d.estimator.unwrap_or(default))
                    .collect(),
                trials: sim.trials(),
                batches: sim.batches(),
                ranges: normalise(vec![batches]).unwrap_or_default(),
                study_json: json,
            },
            acc,
            rare,
        })
    }

    /// What identifies the work.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The accumulators of the batches held.
    pub fn accumulators(&self) -> &Accumulators {
        &self.acc
    }

    /// The importance-sampling sums of the batches held.
    pub fn rare_parts(&self) -> &[RarePart] {
        &self.rare
    }

    /// Whether every batch of the run is held.
    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }

    /// The batch ranges not held.
    pub fn missing(&self) -> Vec<Range<u64>> {
        let mut out = Vec::new();
        let mut at = 0;
        for r in &self.header.ranges {
            if r.start > at {
                out.push(at..r.start);
            }
            at = r.end;
        }
        if at < self.header.batches {
            out.push(at..self.header.batches);
        }
        out
    }

    /// The partial as bytes (the file format of the [module docs](self)).
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = postcard::to_stdvec(&(&self.header, &self.acc, &self.rare))
            .expect("accumulators serialise");
        frame(&MAGIC, &body)
    }

    /// Reads a partial from its bytes; `file` names it in errors. Checks
    /// the magic, the version, the length, the checksum, then that the
    /// content is consistent (ranges, trial counts, shapes).
    ///
    /// # Errors
    /// A [`PartialError`] naming `file`.
    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<Partial, PartialError> {
        let err = |problem| PartialError {
            file: file.to_string(),
            problem,
        };
        let body = unframe(bytes, &MAGIC, file)?;
        let (header, acc, rare): (Header, Accumulators, Vec<RarePart>) =
            postcard::from_bytes(body).map_err(|e| err(PartialProblem::Invalid(e.to_string())))?;
        let part = Partial { header, acc, rare };
        part.check().map_err(|m| err(PartialProblem::Invalid(m)))?;
        Ok(part)
    }

    /// The consistency of a partial read from bytes.
    fn check(&self) -> Result<(), String> {
        let h = &self.header;
        let ranges = normalise(h.ranges.clone())
            .map_err(|o| format!("batches {}..{} held twice", o.start, o.end))?;
        if ranges != h.ranges {
            return Err("batch ranges not in order".into());
        }
        if h.batches != h.trials.div_ceil(crate::engine::BATCH_TRIALS)
            || ranges.last().is_some_and(|r| r.end > h.batches)
        {
            return Err(format!(
                "batch ranges {} do not fit {} trials",
                ranges_text(&ranges),
                h.trials
            ));
        }
        let trials: u64 = ranges
            .iter()
            .map(|r| {
                (r.end * crate::engine::BATCH_TRIALS).min(h.trials)
                    - r.start * crate::engine::BATCH_TRIALS
            })
            .sum();
        if self.acc.trials != trials || self.acc.deployments.iter().any(|d| d.trials() != trials) {
            return Err(format!(
                "{} trials recorded, its batches hold {trials}",
                self.acc.trials
            ));
        }
        if h.estimators.len() != self.acc.deployments.len() {
            return Err("one estimator per deployment expected".into());
        }
        Ok(())
    }

    /// Merges another partial of the same run (`other_name` names it in
    /// errors; `self_name` names this one). Exact: any order and grouping
    /// of merges gives the same bits.
    ///
    /// # Errors
    /// [`PartialProblem::Mismatch`] when the two come from different
    /// versions, studies, seeds or estimators; [`PartialProblem::Overlap`]
    /// when they share batches. The error names `other_name`.
    pub fn merge(
        mut self,
        self_name: &str,
        other: Partial,
        other_name: &str,
    ) -> Result<Partial, PartialError> {
        let err = |problem| PartialError {
            file: other_name.to_string(),
            problem,
        };
        let (a, b) = (&self.header, &other.header);
        let mismatch = |what, this: String, that: String| {
            err(PartialProblem::Mismatch {
                what,
                other: self_name.to_string(),
                this_value: this,
                other_value: that,
            })
        };
        if a.crate_version != b.crate_version {
            return Err(mismatch(
                "the zonesim version",
                b.crate_version.clone(),
                a.crate_version.clone(),
            ));
        }
        if a.seed != b.seed {
            return Err(mismatch("the seed", b.seed.to_string(), a.seed.to_string()));
        }
        if a.estimators != b.estimators {
            let text = |e: &[Estimator]| {
                if e.len() <= 8 {
                    format!("{e:?}").to_lowercase()
                } else {
                    let is = e.iter().filter(|e| **e == Estimator::Importance).count();
                    format!("{} deployments, {is} importance-sampled", e.len())
                }
            };
            return Err(mismatch(
                "the estimator of each deployment",
                text(&b.estimators),
                text(&a.estimators),
            ));
        }
        if a.trials != b.trials {
            return Err(mismatch(
                "the number of trials",
                b.trials.to_string(),
                a.trials.to_string(),
            ));
        }
        if a.study_sha256 != b.study_sha256 {
            return Err(mismatch(
                "the study (SHA-256)",
                b.study_sha256.clone(),
                a.study_sha256.clone(),
            ));
        }
        let mut ranges = a.ranges.clone();
        ranges.extend(b.ranges.iter().cloned());
        let ranges = normalise(ranges).map_err(|overlap| {
            err(PartialProblem::Overlap {
                overlap,
                other: self_name.to_string(),
            })
        })?;
        if !self.acc.same_shape(&other.acc) || self.rare.len() != other.rare.len() {
            return Err(err(PartialProblem::Misfit(
                "another shape of accumulators for the same study".into(),
            )));
        }
        self.acc.merge(&other.acc);
        for (x, y) in self.rare.iter_mut().zip(&other.rare) {
            if x.deployment != y.deployment {
                return Err(err(PartialProblem::Misfit(format!(
                    "importance-sampled deployment \"{}\" where \"{}\" was expected",
                    y.deployment, x.deployment
                ))));
            }
            x.acc.merge(&y.acc);
        }
        self.header.ranges = ranges;
        Ok(self)
    }

    /// Merges named partials, in the order given (any order gives the same
    /// bits).
    ///
    /// # Errors
    /// As [`Partial::merge`], naming the file that does not fit; a
    /// [`PartialProblem::Missing`] error for an empty list.
    pub fn merge_all<N: fmt::Display>(
        parts: impl IntoIterator<Item = (Partial, N)>,
    ) -> Result<Partial, PartialError> {
        let mut it = parts.into_iter();
        let Some((mut total, first)) = it.next() else {
            return Err(PartialError {
                file: "(no files)".into(),
                problem: PartialProblem::Missing {
                    missing: Vec::new(),
                    batches: 0,
                },
            });
        };
        let first = first.to_string();
        for (p, name) in it {
            total = total.merge(&first, p, &name.to_string())?;
        }
        Ok(total)
    }

    /// The study this partial is a part of, read back from its JSON and
    /// checked against its hash.
    ///
    /// # Errors
    /// [`PartialProblem::Misfit`] when the JSON does not load back into the
    /// study it was hashed from.
    #[cfg(feature = "scenario")]
    pub fn study(&self, file: &str) -> Result<Study, PartialError> {
        let err = |m: String| PartialError {
            file: file.to_string(),
            problem: PartialProblem::Misfit(m),
        };
        let scenario = crate::scenario::Scenario::from_str(
            &self.header.study_json,
            crate::scenario::Format::Json,
            file,
        )
        .map_err(|e| err(format!("its study does not load: {e}")))?;
        let study = scenario.into_study();
        if study_sha256(&study) != self.header.study_sha256 {
            return Err(err(
                "its study loads back into another study than the one hashed".into(),
            ));
        }
        Ok(study)
    }

    /// The result of the whole run, from a partial that holds every batch:
    /// exactly [`Simulation::run`]'s. `sim` must be the simulation of the
    /// partial's study.
    ///
    /// # Errors
    /// [`PartialProblem::Missing`] when batches are missing,
    /// [`PartialProblem::Mismatch`] when `sim` is another study, and the
    /// importance-sampling estimator's errors.
    pub fn finish(&self, sim: &Simulation, opts: &RunOptions<'_>) -> Result<StudyResult, Error> {
        let file = "the merged partials";
        let err = |problem| {
            Error::from(PartialError {
                file: file.to_string(),
                problem,
            })
        };
        if !self.is_complete() {
            return Err(err(PartialProblem::Missing {
                missing: self.missing(),
                batches: self.header.batches,
            }));
        }
        let hash = study_sha256(sim.study());
        if hash != self.header.study_sha256 {
            return Err(err(PartialProblem::Mismatch {
                what: "the study (SHA-256)",
                other: "the simulation".into(),
                this_value: self.header.study_sha256.clone(),
                other_value: hash,
            }));
        }
        if !self.acc.fits(sim) {
            return Err(err(PartialProblem::Misfit(
                "another shape of accumulators than its study gives".into(),
            )));
        }
        let mut result = sim.summarise(&self.acc);
        sim.finish_rare(&mut result, &self.rare, opts)?;
        Ok(result)
    }
}

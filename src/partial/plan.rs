//! Partial results of a plan: one shard of `zonesim plan`'s judging runs.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{
    PLAN_MAGIC, PartialError, PartialProblem, frame, hex, normalise, ranges_text, study_json,
    unframe,
};
use crate::engine::{BATCH_TRIALS, RunOptions};
use crate::plan::search::{self, Prepared, Screened};
use crate::plan::shard::{Merged, Work, run_work};
use crate::plan::{PlanResult, PlanSpec};
use crate::study::Study;

/// What identifies a plan's partial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanHeader {
    /// The crate version that wrote it.
    pub crate_version: String,
    /// SHA-256 (hex) of the validated study's JSON, a newline and the plan
    /// spec's JSON.
    pub plan_sha256: String,
    /// The study's seed.
    pub seed: u64,
    /// Trials of the whole plan (each placement is judged on all of them).
    pub trials: u64,
    /// Batches of the whole plan.
    pub batches: u64,
    /// The batch ranges held: sorted, disjoint, not adjacent.
    pub ranges: Vec<Range<u64>>,
    /// The validated study as JSON (its deployments are the plan's to
    /// choose; they are ignored).
    pub study_json: String,
    /// The plan (`[plan]`) as JSON.
    pub spec_json: String,
    /// What the screening decided on every shard (the same on each: it is
    /// seeded); `None` when the plan needed no judging.
    screened: Option<Screened>,
}

/// The exact judging counts of some batches of a plan, with what
/// identifies the plan (`docs/SHARDS.md` in the repository, "Plan shards").
///
/// ```
/// use zonesim::partial::PlanPartial;
/// use zonesim::plan::{plan, PlanSpec, PlanTarget};
/// use zonesim::prelude::*;
///
/// let exp = |m| Duration::exponential(m).unwrap();
/// let mut study = Study::new(Settings::new(5_000, 8760.0))
///     .region(Region::new("r", "R", "example", "FR"));
/// for z in ["a", "b", "c"] {
///     study = study.zone(Zone::new(z, "r", exp(4380.0), exp(8.0)));
/// }
/// let spec = PlanSpec::new(Rule::AtLeast(1), 3, PlanTarget::new(0.999, 0.9));
/// let opts = RunOptions::new();
/// let parts = (0..3).map(|i| {
///     let part = PlanPartial::run(&study, &spec, i, 3, &opts).unwrap();
///     (PlanPartial::from_bytes(&part.to_bytes(), "part").unwrap(), i)
/// });
/// let merged = PlanPartial::merge_all(parts).unwrap();
/// assert_eq!(merged.finish("merged").unwrap(), plan(&study, &spec, &opts).unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct PlanPartial {
    header: PlanHeader,
    work: Option<Work>,
}

fn plan_hash(study_json: &str, spec_json: &str) -> String {
    hex(&Sha256::digest(
        format!("{study_json}\n{spec_json}").as_bytes(),
    ))
}

/// Trials the batch ranges hold, of a run of `trials`.
fn range_trials(ranges: &[Range<u64>], trials: u64) -> u64 {
    ranges
        .iter()
        .map(|r| (r.end * BATCH_TRIALS).min(trials) - r.start * BATCH_TRIALS)
        .sum()
}

impl PlanPartial {
    /// The batches of shard `index` of `count` (0-based) of a plan of
    /// `trials` trials: split as [`crate::engine::Simulation::shard_batches`]
    /// splits a run.
    pub fn shard_batches(trials: u64, index: u64, count: u64) -> Range<u64> {
        let count = count.max(1);
        let index = index.min(count);
        let n = trials.div_ceil(BATCH_TRIALS);
        let at = |i: u64| ((n as u128 * i as u128) / count as u128) as u64;
        at(index)..at(index + 1)
    }

    /// Runs shard `index` of `count` of the plan `spec` over `study`: the
    /// screening stages (all of them: they are cheap and seeded), then the
    /// judging runs on the shard's batches only.
    ///
    /// # Errors
    /// As [`crate::plan::plan`]; [`crate::engine::RunError::Unsupported`] when the plan has
    /// more pairs to count than a shard holds
    /// ([`crate::plan::MAX_SHARD_PAIRS`]).
    pub fn run(
        study: &Study,
        spec: &PlanSpec,
        index: u64,
        count: u64,
        opts: &RunOptions<'_>,
    ) -> Result<PlanPartial, crate::Error> {
        let trials = study.simulation.trials;
        let batches = PlanPartial::shard_batches(trials, index, count);
        let (screened, work) = match search::prepare(study, spec, opts, true, None)? {
            Prepared::Done(_) => (None, None),
            Prepared::Ready(ready) => {
                let work = run_work(&ready, batches.clone(), opts)?;
                (Some(ready.screened.clone()), Some(work))
            }
        };
        let study_json = study_json(study);
        let spec_json = serde_json::to_string(spec).expect("a plan serialises to JSON");
        Ok(PlanPartial {
            header: PlanHeader {
                crate_version: env!("CARGO_PKG_VERSION").to_string(),
                plan_sha256: plan_hash(&study_json, &spec_json),
                seed: study.simulation.seed,
                trials,
                batches: trials.div_ceil(BATCH_TRIALS),
                ranges: normalise(vec![batches]).unwrap_or_default(),
                study_json,
                spec_json,
                screened,
            },
            work,
        })
    }

    /// What identifies the work.
    pub fn header(&self) -> &PlanHeader {
        &self.header
    }

    /// Whether every batch of the plan is held.
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

    /// The partial as bytes: the run partial's framing with the magic
    /// [`PLAN_MAGIC`] and a postcard body of (header, judging counts).
    pub fn to_bytes(&self) -> Vec<u8> {
        let body =
            postcard::to_stdvec(&(&self.header, &self.work)).expect("judging counts serialise");
        frame(&PLAN_MAGIC, &body)
    }

    /// Reads a plan's partial from its bytes; `file` names it in errors.
    ///
    /// # Errors
    /// A [`PartialError`] naming `file`: not a partial, a run's partial,
    /// another format version, truncated, corrupted or inconsistent.
    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<PlanPartial, PartialError> {
        let err = |problem| PartialError {
            file: file.to_string(),
            problem,
        };
        let body = unframe(bytes, &PLAN_MAGIC, file)?;
        let (header, work): (PlanHeader, Option<Work>) =
            postcard::from_bytes(body).map_err(|e| err(PartialProblem::Invalid(e.to_string())))?;
        let part = PlanPartial { header, work };
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
        if h.batches != h.trials.div_ceil(BATCH_TRIALS)
            || ranges.last().is_some_and(|r| r.end > h.batches)
        {
            return Err(format!(
                "batch ranges {} do not fit {} trials",
                ranges_text(&ranges),
                h.trials
            ));
        }
        if plan_hash(&h.study_json, &h.spec_json) != h.plan_sha256 {
            return Err("the study and plan it holds are not those hashed".into());
        }
        let trials = range_trials(&ranges, h.trials);
        match (&h.screened, &self.work) {
            (None, None) => Ok(()),
            (Some(s), Some(w)) => {
                if w.hits.len() != s.survivors.len() || w.hits.iter().any(|&n| n > trials) {
                    return Err("judging counts that do not fit its classes".into());
                }
                match w.trials().find(|&n| n != trials) {
                    Some(n) => Err(format!("{n} trials recorded, its batches hold {trials}")),
                    None => Ok(()),
                }
            }
            _ => Err("a screening without judging counts, or the reverse".into()),
        }
    }

    /// Merges another partial of the same plan (`other_name` names it in
    /// errors, `self_name` this one). Exact in any order and grouping.
    ///
    /// # Errors
    /// [`PartialProblem::Mismatch`] for another version, seed, number of
    /// trials, study or plan, or screening; [`PartialProblem::Overlap`] when
    /// they share batches.
    pub fn merge(
        mut self,
        self_name: &str,
        other: PlanPartial,
        other_name: &str,
    ) -> Result<PlanPartial, PartialError> {
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
        if a.trials != b.trials {
            return Err(mismatch(
                "the number of trials",
                b.trials.to_string(),
                a.trials.to_string(),
            ));
        }
        if a.plan_sha256 != b.plan_sha256 {
            return Err(mismatch(
                "the study and plan (SHA-256)",
                b.plan_sha256.clone(),
                a.plan_sha256.clone(),
            ));
        }
        if a.screened != b.screened {
            let text = |s: &Option<Screened>| match s {
                Some(s) => format!("{} classes to judge", s.survivors.len()),
                None => "none to judge".into(),
            };
            return Err(mismatch(
                "the screening",
                text(&b.screened),
                text(&a.screened),
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
        if let (Some(x), Some(y)) = (&mut self.work, &other.work) {
            x.merge(y).map_err(|m| err(PartialProblem::Misfit(m)))?;
        }
        self.header.ranges = ranges;
        Ok(self)
    }

    /// Merges named partials, in the order given (any order gives the same
    /// bits).
    ///
    /// # Errors
    /// As [`PlanPartial::merge`]; [`PartialProblem::Missing`] for an empty
    /// list.
    pub fn merge_all<N: fmt::Display>(
        parts: impl IntoIterator<Item = (PlanPartial, N)>,
    ) -> Result<PlanPartial, PartialError> {
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

    /// The study and the plan, read back and checked against the hash.
    ///
    /// # Errors
    /// [`PartialProblem::Misfit`] when they do not load back into what was
    /// hashed.
    #[cfg(feature = "scenario")]
    pub fn study_and_spec(&self, file: &str) -> Result<(Study, PlanSpec), PartialError> {
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
        let spec: PlanSpec = serde_json::from_str(&self.header.spec_json)
            .map_err(|e| err(format!("its plan does not load: {e}")))?;
        let again = serde_json::to_string(&spec).expect("a plan serialises to JSON");
        if plan_hash(&study_json(&study), &again) != self.header.plan_sha256 {
            return Err(err(
                "its study and plan load back into others than those hashed".into(),
            ));
        }
        Ok((study, spec))
    }

    /// The plan's answer from partials that hold every batch: exactly
    /// [`crate::plan::plan`]'s. Nothing is simulated: the screening is the
    /// one the shards ran, the figures and paired counts are merged.
    ///
    /// # Errors
    /// [`PartialProblem::Missing`] when batches are missing, a misfit for
    /// a file that does not fit its plan, and [`crate::engine::RunError::Unsupported`] when
    /// the plan needs the stage a shard cannot run (the module docs of
    /// `plan::shard`).
    #[cfg(feature = "scenario")]
    pub fn finish(&self, file: &str) -> Result<PlanResult, crate::Error> {
        let misfit = |m: String| {
            crate::Error::from(PartialError {
                file: file.to_string(),
                problem: PartialProblem::Misfit(m),
            })
        };
        if !self.is_complete() {
            return Err(PartialError {
                file: file.to_string(),
                problem: PartialProblem::Missing {
                    missing: self.missing(),
                    batches: self.header.batches,
                },
            }
            .into());
        }
        let (study, spec) = self.study_and_spec(file)?;
        let opts = RunOptions::new().threads(1);
        let prepared = search::prepare(&study, &spec, &opts, true, self.header.screened.as_ref())
            .map_err(|e| misfit(e.to_string()))?;
        match (prepared, &self.work) {
            (Prepared::Done(result), None) => Ok(*result),
            (Prepared::Ready(ready), Some(work)) => {
                let mut merged = Merged::new(&ready, work).map_err(misfit)?;
                search::finish(&ready, &mut merged)
            }
            _ => Err(misfit("its screening does not fit its plan".into())),
        }
    }
}

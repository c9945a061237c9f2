//! zonesim against a plain reference simulator (issue #9, "Keep hunting").
//!
//! `sim` is a second, deliberately simple implementation of the README's
//! model: each process's up/down intervals are sampled over the horizon, zone
//! and replica states are built from them, and each rule is judged by walking
//! every change instant in time order, all changes at one instant applied
//! before judging. It shares no code with the engine except the duration
//! samplers (`DurationSampler::sample` and `sample_residual`, tested on their
//! own in tests/integration/samplers.rs) and draws from its own generator, so
//! engine and reference agree only statistically:
//! - `exact`: the reference on hand-computed timelines, and the engine against
//!   it where both are deterministic;
//! - `compare`: a few hundred seeded random studies, figure by figure, with a
//!   tolerance of 4.5 combined standard errors (exact equality where both
//!   have no variance).
// The reference simulator and the expected values may use `std`'s
// elementary functions; the library's figures use `libm`'s (clippy.toml,
// issue 16).
#![allow(clippy::disallowed_methods)]

mod compare;
mod exact;
mod generate;
mod model;
mod sim;

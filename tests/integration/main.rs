//! zonesim's validation suite: the engine against exact results.
//!
//! One test binary, one module per topic. Every statistical check compares an
//! estimate with a value derived by hand (closed forms in the comments), with a
//! tolerance of at least 4 standard errors of the estimate itself and a fixed
//! seed, so each test is deterministic and cannot pass with a wrong engine.
// Expected values may use `std`'s elementary functions; the library's
// figures use `libm`'s (clippy.toml, issue 16).
#![allow(clippy::disallowed_methods)]

mod common;

mod analytic;
mod catalog;
mod determinism;
mod issue13b;
mod issue9;
mod samplers;
mod services;
mod shard;
mod timelines;
mod validation;
mod value_stability;
mod windows;

//! Plain-text rendering for the terminal: the [`layout`] engine, number
//! [`format`]ting, and one renderer per result (study, plan, catalogue).

pub mod catalog;
pub mod format;
pub mod layout;
pub mod plan;
pub mod study;
pub mod warnings;
pub mod windows;

pub use catalog::catalog_table;
pub use plan::plan_table;
pub use study::study_table;

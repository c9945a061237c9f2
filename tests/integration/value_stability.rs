//! value_stability

//! Tests of the screen classifier: shared fixtures, derived variants, garbage input, units.

mod agents;
mod fixtures;
mod garbage;
mod units;
mod variants;

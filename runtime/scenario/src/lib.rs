//! The steps of `capsule test`'s scenario files, checked as a file loads: an unknown step, a
//! key a step does not know, a value of the wrong type or a check with nothing to check is
//! an error that names the step. A library of its own (the `capsule` binary plays the
//! steps) so that the cargo-fuzz target `scenario` can build on it.

mod steps;

pub use steps::{Answer, Element, Expect, STEP_NAMES, Screenshot, Step, Wait};

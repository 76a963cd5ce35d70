//! Teacher tooling, apart from the student's runtime: the headless solver, course and lesson
//! scaffolds, the JSON Schema of the course YAML, and class reports. (Space export is
//! in `space`: students export from the shell too.)

pub mod classroom;
pub mod scaffold;
pub mod schema;
pub mod solver;

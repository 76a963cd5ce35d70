//! Teacher tooling, apart from the student's runtime: the headless solver, course and lesson
//! scaffolds, the JSON Schema of the course YAML, class reports, and Space export.

pub mod classroom;
pub mod export_space;
pub mod scaffold;
pub mod schema;
pub mod solver;

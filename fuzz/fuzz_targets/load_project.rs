//! Any bytes given to the project loader must give a project or an error, never a panic;
//! whatever loads must validate without panicking, and its canonical text must be stable:
//! loading the text written for a project and writing it again gives the same text.
//!
//! Text equality, not `==` on projects: NaN parameters are not equal to themselves, and
//! writing drops layout entries of missing nodes, yet both must reach a fixed point.

#![no_main]

use eventloom::model::validate;
use eventloom::project::{from_ron_bytes, from_ron_str, to_ron_string};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(project) = from_ron_bytes(data) else {
        return;
    };
    let _ = validate(&project);
    let text = to_ron_string(&project);
    let again = match from_ron_str(&text) {
        Ok(p) => p,
        Err(e) => panic!("the canonical text of a loaded project does not load: {e}\n{text}"),
    };
    let _ = validate(&again);
    let text2 = to_ron_string(&again);
    assert!(
        text == text2,
        "canonical text is not stable:\n--- first\n{text}\n--- second\n{text2}"
    );
});

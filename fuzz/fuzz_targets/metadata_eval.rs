//! The `_metadata.ts` evaluator on arbitrary text: it must return a value or
//! an error naming the file, never panic, loop or overflow the stack.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The evaluator takes text; invalid UTF-8 is rejected before it (lossy
    // conversion keeps the rest of the input interesting).
    let text = String::from_utf8_lossy(data);
    let env = |key: &str| (key == "NEXT_PUBLIC_WEBAPP_URL").then(|| "http://localhost:3000".to_string());
    let _ = warmstart_appstore::evaluate_metadata(
        Path::new("packages/app-store/fuzz/_metadata.ts"),
        "packages/app-store/fuzz/_metadata.ts",
        &text,
        &env,
    );
});

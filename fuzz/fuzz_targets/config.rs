//! `warmstart.json` parsing: JSON-with-comments, then every section's
//! config type. Errors must carry a line:column inside the text; nothing may
//! panic (including `locate`, which maps a serde path back into the text).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use warmstart_workspace::jsonc;

fn section<T: serde::de::DeserializeOwned>(text: &str, value: &serde_json::Value, key: &str) {
    let v = value.get(key).cloned().unwrap_or(serde_json::Value::Null);
    if let Err(e) = jsonc::deserialize::<T>(Path::new("warmstart.json"), text, v) {
        // Rendering the diagnostic walks the span: it must stay in the text.
        let _ = e.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("warmstart.json");
    match jsonc::parse(path, text) {
        Ok(value) => {
            section::<warmstart_appstore::AppsConfig>(text, &value, "apps");
            section::<warmstart_assets::AssetsConfig>(text, &value, "assets");
            section::<warmstart_graph::GraphConfig>(text, &value, "graph");
            section::<warmstart_cache::CacheConfig>(text, &value, "cache");
            // A whole-file path lookup, as a type error deep in a section does.
            for p in ["apps.registries[0].file", "assets.rules[1].to", "graph", "."] {
                if let Some(r) = jsonc::locate(text, p) {
                    assert!(r.start <= r.end && r.end <= text.len(), "range {r:?} outside text");
                    assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                }
            }
            let mut base = serde_json::json!({"apps": {"x": 1}, "assets": [1]});
            jsonc::merge(&mut base, value);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});

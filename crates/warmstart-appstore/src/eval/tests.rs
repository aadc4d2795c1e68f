use super::*;

fn eval_with(text: &str, env: &[(&str, &str)]) -> JsValue {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name": "@calcom/x", "description": "From package.json"}"#,
    )
    .unwrap();
    let path = dir.path().join("_metadata.ts");
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    evaluate_metadata(&path, "app/_metadata.ts", text, &lookup)
        .unwrap()
        .metadata
}

const GOOGLE: &str = r#"
import { validJson } from "@calcom/lib/jsonUtils";
import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

// A comment.
export const metadata = {
  name: "Google",
  description: _package.description,
  installed: !!(process.env.GOOGLE_API_CREDENTIALS && validJson(process.env.GOOGLE_API_CREDENTIALS)),
  key: { apikey: process.env.DAILY_API_KEY },
  categories: ["calendar", "video"],
  appData: { location: { type: "integrations:google:meet" } },
  n: -1,
} as AppMeta;

export default metadata;
"#;

#[test]
fn evaluates_the_calcom_shapes() {
    let v = eval_with(GOOGLE, &[]);
    assert_eq!(v.get("name").unwrap(), JsValue::String("Google".into()));
    assert_eq!(
        v.get("description").unwrap(),
        JsValue::String("From package.json".into())
    );
    // With the variable unset, `&&` short-circuits before the helper call.
    assert_eq!(v.get("installed").unwrap(), JsValue::Bool(false));
    assert_eq!(v.get_path("key.apikey").unwrap(), JsValue::Undefined);
    assert_eq!(
        v.get_path("categories.1").unwrap(),
        JsValue::String("video".into())
    );
    assert!(v.get_path("appData.location").unwrap().truthy().unwrap());
    assert_eq!(v.get("n").unwrap(), JsValue::Number(-1.0));
}

#[test]
fn a_needed_helper_call_stays_opaque() {
    let v = eval_with(
        GOOGLE,
        &[("GOOGLE_API_CREDENTIALS", "{}"), ("DAILY_API_KEY", "k")],
    );
    assert_eq!(
        v.get_path("key.apikey").unwrap(),
        JsValue::String("k".into())
    );
    let JsValue::Opaque(o) = v.get("installed").unwrap() else {
        panic!("expected opaque")
    };
    assert_eq!(
        &GOOGLE[o.span.clone()],
        "validJson(process.env.GOOGLE_API_CREDENTIALS)"
    );
    assert_eq!(o.reason, "a call of `validJson`");
}

#[test]
fn logical_operators_follow_javascript() {
    let src = r#"export const metadata = {
      a: !!process.env.A, b: process.env.B || "fallback", c: null ?? 3, d: 0 && x(),
      e: !0, f: `plain`, g: true ? "y" : "n", h: undefined, i: (1 as number)!,
    };"#;
    let v = eval_with(src, &[("A", "1")]);
    assert_eq!(v.get("a").unwrap(), JsValue::Bool(true));
    assert_eq!(v.get("b").unwrap(), JsValue::String("fallback".into()));
    assert_eq!(v.get("c").unwrap(), JsValue::Number(3.0));
    assert_eq!(v.get("d").unwrap(), JsValue::Number(0.0));
    assert_eq!(v.get("e").unwrap(), JsValue::Bool(true));
    assert_eq!(v.get("f").unwrap(), JsValue::String("plain".into()));
    assert_eq!(v.get("g").unwrap(), JsValue::String("y".into()));
    assert_eq!(v.get("h").unwrap(), JsValue::Undefined);
    assert_eq!(v.get("i").unwrap(), JsValue::Number(1.0));
}

#[test]
fn local_constants_and_reexports() {
    let src = r#"const base = { location: { type: "x" } };
    const meta = { appData: base, slug: base.location.type };
    export { meta as metadata };"#;
    let v = eval_with(src, &[]);
    assert_eq!(v.get("slug").unwrap(), JsValue::String("x".into()));
    assert!(v.get_path("appData.location").unwrap().truthy().unwrap());
}

#[test]
fn spreads_and_templates_are_opaque_with_their_place() {
    let src = "const a = {};\nexport const metadata = { appData: { ...a }, t: `x${a}` };";
    let v = eval_with(src, &[]);
    let o = v.get_path("appData.location").unwrap_err();
    assert_eq!(&src[o.span.clone()], "...a");
    assert_eq!(o.reason, "an object spread");
    assert!(matches!(v.get("t").unwrap(), JsValue::Opaque(_)));
}

#[test]
fn no_metadata_export_is_an_empty_object() {
    assert_eq!(
        eval_with("export const other = 1;", &[]),
        JsValue::empty_object()
    );
}

#[test]
fn parse_errors_point_at_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("_metadata.ts");
    let err = evaluate_metadata(
        &path,
        "x/_metadata.ts",
        "export const metadata = {\n  a: ,\n};",
        &|_| None,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("x/_metadata.ts:2:"), "{text}");
    assert!(text.contains("cannot parse"), "{text}");
}

#[test]
fn a_missing_json_import_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("_metadata.ts");
    let src = "import p from \"./nope.json\";\nexport const metadata = { d: p.description };";
    let err = evaluate_metadata(&path, "x/_metadata.ts", src, &|_| None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("x/_metadata.ts:1:15: cannot read imported ./nope.json"),
        "{err}"
    );
}

#[test]
fn text_the_parser_would_backtrack_on_is_refused_with_its_name() {
    // Found by the fuzzer: oxc takes minutes on this 586-byte input.
    let text = String::from_utf8_lossy(include_bytes!(
        "../../../../fuzz/regressions/metadata_eval/timeout-26ada8aea50d33d456a11f43cf26ace6da1736a0"
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("_metadata.ts");
    let err = evaluate_metadata(&path, "x/_metadata.ts", &text, &|_| None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("x/_metadata.ts:1:1: not parsed: `<` nests"),
        "{text}"
    );
}

//! `manifest.schema.json` and the `Manifest` type accept and refuse the same manifests.

use capsule_packages::Manifest;
use serde_json::{Value, json};

fn schema() -> jsonschema::Validator {
    let text = include_str!("../manifest.schema.json");
    let schema: Value = serde_json::from_str(text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn minimal() -> Value {
    json!({"appId": "demo.app", "name": "Demo", "version": "1.2.3", "kind": "h5", "entry": "index.html"})
}

fn with(changes: &[(&str, Value)]) -> Value {
    let mut manifest = minimal();
    for (key, value) in changes {
        let nullable = ["dialect", "keyId", "minRuntimeVersion", "csp"];
        if value.is_null() && !nullable.contains(key) {
            manifest.as_object_mut().expect("object").remove(*key);
        } else {
            manifest[*key] = value.clone();
        }
    }
    manifest
}

#[test]
fn schema_and_type_agree_on_every_example() {
    let schema = schema();
    let demo: Value = serde_json::from_str(include_str!("../../examples/h5-demo/manifest.json"))
        .expect("demo manifest is JSON");
    let accepted = [
        minimal(),
        demo,
        with(&[("kind", json!("miniprogram")), ("dialect", json!("wechat"))]),
        with(&[("kind", json!("miniprogram")), ("dialect", json!("alipay"))]),
        with(&[("version", json!("1.0.0-beta.2+build.7"))]),
        with(&[(
            "permissions",
            json!({"apis": ["ui"], "domains": ["https://a.example"]}),
        )]),
        with(&[("permissions", json!({}))]),
        with(&[
            ("minRuntimeVersion", json!("0.1.0")),
            ("keyId", json!("0123456789abcdef")),
        ]),
        with(&[("entry", json!("pages/index/index.html"))]),
        with(&[("entry", json!("..hidden/x.html"))]),
        with(&[("appId", json!("9lives-app.x"))]),
        with(&[("dialect", Value::Null), ("keyId", Value::Null)]),
        with(&[(
            "csp",
            json!("default-src 'self';\tscript-src 'self' 'unsafe-eval'"),
        )]),
        with(&[("csp", Value::Null)]),
        with(&[
            ("kind", json!("miniprogram")),
            ("dialect", json!("wechat")),
            ("csp", Value::Null),
        ]),
    ];
    let refused = [
        json!([]),
        with(&[("appId", Value::Null)]),
        with(&[("name", Value::Null)]),
        with(&[("entry", Value::Null)]),
        with(&[("appId", json!("Demo"))]),
        with(&[("appId", json!(""))]),
        with(&[("appId", json!("-demo"))]),
        with(&[("appId", json!("a".repeat(65)))]),
        with(&[("version", json!("1.0"))]),
        with(&[("version", json!("01.0.0"))]),
        with(&[("version", json!(1))]),
        with(&[("kind", json!("applet"))]),
        with(&[("kind", json!("miniprogram"))]),
        with(&[("kind", json!("miniprogram")), ("dialect", Value::Null)]),
        with(&[("dialect", json!("baidu"))]),
        with(&[("entry", json!("../index.html"))]),
        with(&[("entry", json!("/index.html"))]),
        with(&[("entry", json!("a//b.html"))]),
        with(&[("entry", json!("a/./b.html"))]),
        with(&[("entry", json!("pages/"))]),
        with(&[("entry", json!("a\\b.html"))]),
        with(&[("entry", json!("C:/index.html"))]),
        with(&[("entry", json!("a\u{7}b"))]),
        with(&[("entry", json!(5))]),
        with(&[("permissions", json!({"apis": "ui"}))]),
        with(&[("permissions", json!({"files": []}))]),
        with(&[("minRuntimeVersion", json!("latest"))]),
        with(&[("keyId", json!(7))]),
        with(&[("colour", json!("red"))]),
        with(&[("csp", json!(""))]),
        with(&[("csp", json!(" ; "))]),
        with(&[("csp", json!("script-src 'self', img-src 'self'"))]),
        with(&[("csp", json!("script-src 'self'\nimg-src 'self'"))]),
        with(&[("csp", json!("img-src https://bücher.example"))]),
        with(&[("csp", json!(5))]),
        with(&[
            ("kind", json!("miniprogram")),
            ("dialect", json!("wechat")),
            ("csp", json!("script-src 'self'")),
        ]),
    ];
    for example in &accepted {
        let bytes = example.to_string();
        assert!(schema.is_valid(example), "schema refuses {bytes}");
        Manifest::from_json(bytes.as_bytes()).unwrap_or_else(|e| panic!("{bytes}: {e}"));
    }
    for example in &refused {
        let bytes = example.to_string();
        assert!(!schema.is_valid(example), "schema accepts {bytes}");
        assert!(
            Manifest::from_json(bytes.as_bytes()).is_err(),
            "type accepts {bytes}"
        );
    }
}

//! `channel-index.schema.json` and the `ChannelIndex` type accept and refuse the same index
//! files, signed as the schema's description says (an independent signer, as third-party
//! publishing tools would write one).

use capsule_packages::channel::ChannelIndex;
use capsule_packages::{SecretKey, TrustedKeys};
use serde_json::{Value, json};

fn schema() -> jsonschema::Validator {
    let text = include_str!("../channel-index.schema.json");
    let schema: Value = serde_json::from_str(text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// Canonical JSON as documented: keys sorted by their bytes, no whitespace.
fn canonical(value: &Value) -> String {
    match value {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|key| format!("{}:{}", Value::from(key.as_str()), canonical(&map[key])))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        scalar => scalar.to_string(),
    }
}

/// The index file for `signed`, signed as the schema documents.
fn signed_file(signed: &Value, key: &SecretKey) -> Value {
    let mut message = b"capsule-channel-index-v1\n".to_vec();
    message.extend_from_slice(canonical(signed).as_bytes());
    json!({"signed": signed, "signature": key.sign(&message).trim_end()})
}

fn sha(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

fn valid() -> Value {
    json!({
        "format": "capsule-channel-index/1",
        "appId": "demo.app",
        "sequence": 7,
        "expires": 4_102_444_800u64,
        "releases": [
            {"version": "1.0.0", "package": format!("packages/{}.capsule", sha('a')), "size": 10,
             "sha256": sha('a'), "publishedAt": 1, "rollout": {"stage": "full", "basisPoints": 10000}},
            {"version": "1.1.0-beta.1", "package": format!("packages/{}.capsule", sha('b')),
             "size": 12, "sha256": sha('b'), "minRuntimeVersion": "0.1.0", "publishedAt": 2,
             "rollout": {"stage": "percentage", "basisPoints": 500, "whitelist": [sha('c')],
                         "paused": true, "revoked": false}}
        ]
    })
}

fn with(path: &[&str], value: Option<Value>) -> Value {
    let mut index = valid();
    let (last, parents) = path.split_last().expect("a path");
    let mut target = &mut index;
    for step in parents {
        target = match step.parse::<usize>() {
            Ok(i) => &mut target[i],
            Err(_) => &mut target[*step],
        };
    }
    match value {
        Some(value) => target[*last] = value,
        None => {
            target.as_object_mut().expect("object").remove(*last);
        }
    }
    index
}

#[test]
fn schema_and_type_agree() {
    let schema = schema();
    let key = SecretKey::generate().expect("key");
    let mut trusted = TrustedKeys::new();
    trusted.add(key.public_key());
    let accepted = [
        valid(),
        with(&["releases"], Some(json!([]))),
        with(&["releases", "0", "rollout", "basisPoints"], None),
    ];
    let refused = [
        with(&["format"], Some(json!("capsule-channel-index/2"))),
        with(&["sequence"], None),
        with(&["sequence"], Some(json!(-1))),
        with(&["appId"], Some(json!("Demo"))),
        with(&["extra"], Some(json!(1))),
        with(
            &["releases", "0", "package"],
            Some(json!("../../x.capsule")),
        ),
        with(&["releases", "0", "sha256"], Some(json!("abc"))),
        with(&["releases", "0", "version"], Some(json!("1.0"))),
        with(&["releases", "0", "size"], Some(json!(-5))),
        with(
            &["releases", "1", "rollout", "stage"],
            Some(json!("everyone")),
        ),
        with(
            &["releases", "1", "rollout", "basisPoints"],
            Some(json!(10_001)),
        ),
        with(
            &["releases", "1", "rollout", "whitelist"],
            Some(json!(["alice"])),
        ),
        with(&["releases", "1", "rollout", "gray"], Some(json!(true))),
    ];
    for signed in accepted {
        let file = signed_file(&signed, &key);
        assert!(schema.is_valid(&file), "schema refuses {signed}");
        let bytes = serde_json::to_vec(&file).expect("json");
        let verified = ChannelIndex::verify(&bytes, &trusted)
            .unwrap_or_else(|e| panic!("type refuses {signed}: {e}"));
        assert_eq!(verified.key_id, key.public_key().key_id());
    }
    for signed in refused {
        let file = signed_file(&signed, &key);
        assert!(!schema.is_valid(&file), "schema accepts {signed}");
        let bytes = serde_json::to_vec(&file).expect("json");
        assert!(
            ChannelIndex::verify(&bytes, &trusted).is_err(),
            "type accepts {signed}"
        );
    }
}

#[test]
fn an_index_written_by_the_publisher_matches_the_schema() {
    let key = SecretKey::generate().expect("key");
    let mut index = ChannelIndex::new(capsule_packages::AppId::new("demo").expect("id"));
    index.sequence = 1;
    let bytes = index.sign(&key).expect("signed");
    let file: Value = serde_json::from_slice(&bytes).expect("json");
    assert!(schema().is_valid(&file), "{file}");
}

//! ARM error decoding against the error schema of the official specs in `fixtures/api-examples`.

use arm_core::ArmErrorBody;
use serde_json::{Value, json};

fn spec(path: &str) -> Value {
    let file = format!("{}/../fixtures/api-examples/{path}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"))).unwrap()
}

/// A value for every property the spec's `CloudErrorBody` declares, nested one level in
/// `details` as the spec's recursive definition allows.
fn body_from_schema(schema: &Value) -> Value {
    let mut body = serde_json::Map::new();
    for (name, property) in schema["properties"].as_object().unwrap() {
        let value = match property["type"].as_str() {
            Some("string") => json!(format!("{name}-value")),
            Some("array") => json!([{"code": "InnerCode", "message": "inner message", "target": "inner"}]),
            other => panic!("CloudErrorBody.{name} has type {other:?}, which this test does not know"),
        };
        body.insert(name.clone(), value);
    }
    Value::Object(body)
}

#[test]
fn every_property_of_the_aci_cloud_error_body_is_decoded() {
    let spec = spec("aci/spec-2026-05-01.json");
    let schema = &spec["definitions"]["CloudErrorBody"];
    let body = body_from_schema(schema);
    let envelope = serde_json::to_vec(&json!({ "error": body })).unwrap();
    let decoded = ArmErrorBody::from_json(&envelope).expect("an ARM error envelope");
    let round_trip = serde_json::to_value(&decoded).unwrap();
    for name in schema["properties"].as_object().unwrap().keys() {
        assert_eq!(round_trip[name], body[name], "property {name} of CloudErrorBody");
    }
    assert_eq!(decoded.details[0].target.as_deref(), Some("inner"));
}

#[test]
fn common_types_error_detail_with_additional_info_is_decoded() {
    // The shape of common-types/resource-management/v5 ErrorResponse that the ACI, Image Builder
    // and ACR specs reference for their default responses.
    let for_every_spec = [
        "aci/spec-2026-05-01.json",
        "imagebuilder/spec-2025-10-01.json",
        "acr/spec-2025-03-01-preview.json",
    ];
    for path in for_every_spec {
        let text = serde_json::to_string(&spec(path)).unwrap();
        assert!(
            text.contains("common-types/resource-management/"),
            "{path} uses the common ErrorResponse"
        );
    }
    let body = br#"{"error":{"code":"QuotaExceeded","message":"Not enough vCPU quota.","target":"count",
        "details":[{"code":"PoolQuota","message":"16 of 16 used"}],
        "additionalInfo":[{"type":"QuotaInfo","info":{"limit":16,"used":16}}]}}"#;
    let decoded = ArmErrorBody::from_json(body).unwrap();
    assert_eq!(decoded.code, "QuotaExceeded");
    assert_eq!(decoded.target.as_deref(), Some("count"));
    assert_eq!(decoded.details[0].message, "16 of 16 used");
    assert_eq!(decoded.additional_info[0].kind, "QuotaInfo");
    assert_eq!(decoded.additional_info[0].info["limit"], 16);
    assert_eq!(
        decoded.to_string(),
        "QuotaExceeded: Not enough vCPU quota. (target: count); PoolQuota: 16 of 16 used"
    );
}

//! The v1alpha2 `openAPIV3Schema` of a wgpolicyk8s.io CRD, made strict:
//! unknown fields (which the API server would silently prune) are errors.
//! Shared by the report crate's tests and the harness's scan tests.

use serde_json::Value;

/// The strict v1alpha2 schema of the CRD whose YAML text is `crd_yaml`.
pub fn v1alpha2_schema(crd_yaml: &str) -> Value {
    let crd: Value = serde_yaml::from_str(crd_yaml).unwrap();
    let version = crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "v1alpha2")
        .expect("the CRD serves v1alpha2");
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    strict(&mut schema);
    schema
}

fn strict(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            m.values_mut().for_each(strict);
        }
        Value::Array(a) => a.iter_mut().for_each(strict),
        _ => {}
    }
}

//! The kit's evaluation contract, on a small test family: opt-in, skip,
//! warn-only, exemptions, parameters, response shape and bad input.

use kit::{
    Control, Criteria, Ctx, Family, Finding, KindSet, NoCluster, Param, ParamKind, Severity,
};
use serde_json::{Value, json};

fn no_latest(ctx: &Ctx) -> Vec<Finding> {
    ctx.pod()
        .containers()
        .filter(|c| c.image.ends_with(":latest") || !c.image.contains(':'))
        .map(|c| {
            Finding::container(
                &c,
                "image",
                kit::text!("image \"{}\" has no pinned tag", c.image),
            )
        })
        .collect()
}

fn max_containers(ctx: &Ctx) -> Vec<Finding> {
    let max = ctx.params.int("max");
    let n = ctx.pod().containers().count() as i64;
    if n > max {
        vec![Finding::new(
            ctx.pod().field_path("containers"),
            kit::text!("{n} containers, more than {max}"),
        )]
    } else {
        vec![]
    }
}

fn owner_label(ctx: &Ctx) -> Vec<Finding> {
    let key = ctx.params.string("label");
    match ctx.request.labels().and_then(|l| l.get(&key)) {
        Some(_) => vec![],
        None => vec![Finding::new(
            "metadata.labels",
            kit::text!("label {key} is missing"),
        )],
    }
}

static NO_LATEST: Control = Control {
    id: "image-tag-pinned",
    title: "Images are pinned",
    rationale: "r",
    remediation: "pin the image to a version or digest",
    severity: Severity::High,
    tags: &["default", "images"],
    criteria: Criteria {
        soc2: &["CC8.1"],
        iso27001: &["A.8.32"],
        pss: &[],
        cis: &[],
    },
    check: no_latest,
    ..Control::DEFAULTS
};

static MAX_CONTAINERS: Control = Control {
    id: "max-containers",
    title: "Few containers",
    rationale: "r",
    remediation: "split the pod",
    severity: Severity::Low,
    tags: &["sizing"],
    criteria: Criteria {
        soc2: &["A1.1"],
        iso27001: &["A.8.6"],
        pss: &[],
        cis: &[],
    },
    params: &[Param {
        name: "max",
        kind: ParamKind::Integer { min: 1, max: 100 },
        default: "2",
        description: "d",
    }],
    check: max_containers,
    ..Control::DEFAULTS
};

static OWNER: Control = Control {
    id: "owner-label",
    title: "Owner label",
    rationale: "r",
    remediation: "add the label",
    severity: Severity::Medium,
    tags: &["default"],
    criteria: Criteria {
        soc2: &["CC1.3"],
        iso27001: &["A.5.9"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["ConfigMap", "Deployment"]),
    params: &[Param {
        name: "label",
        kind: ParamKind::String,
        default: "\"owner\"",
        description: "d",
    }],
    check: owner_label,
    ..Control::DEFAULTS
};

static FAMILY: Family = Family {
    name: "test-family",
    title: "t",
    version: "0.0.0",
    groups: &[&[&NO_LATEST, &MAX_CONTAINERS], &[&OWNER]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: None,
};

fn deployment(images: &[&str]) -> Value {
    let containers: Vec<Value> = images
        .iter()
        .enumerate()
        .map(|(i, img)| json!({"name": kit::text!("c{i}"), "image": img}))
        .collect();
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "web", "namespace": "prod", "labels": {"team": "a"}},
           "spec": {"template": {"spec": {"containers": containers, "initContainers": [{"name": "init", "image": "busybox:latest"}]}}}})
}

fn eval(settings: Value, object: Value) -> Value {
    let kind = object["kind"].as_str().unwrap_or("Pod").to_string();
    let payload = json!({"settings": settings, "request": {
        "uid": "1", "kind": {"group": "apps", "version": "v1", "kind": kind},
        "operation": "CREATE", "namespace": "prod", "userInfo": {"username": "alice", "groups": ["dev"]},
        "object": object}});
    serde_json::from_slice(&kit::engine::validate(
        &FAMILY,
        payload.to_string().as_bytes(),
        &NoCluster,
    ))
    .unwrap()
}

fn settings_error(settings: Value) -> String {
    let out: Value = serde_json::from_slice(&kit::engine::validate_settings(
        &FAMILY,
        settings.to_string().as_bytes(),
    ))
    .unwrap();
    assert_eq!(out["valid"], false, "{settings} should be invalid");
    out["message"].as_str().unwrap().to_string()
}

#[test]
fn default_set_denies_with_ids_paths_and_fixes() {
    let r = eval(json!({}), deployment(&["nginx:1.25", "redis"]));
    assert_eq!(r["accepted"], false);
    let msg = r["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Deployment prod/web violates 2 kube-soc2 controls:"),
        "{msg}"
    );
    assert!(msg.contains("[image-tag-pinned] Images are pinned: container \"c1\" at spec.template.spec.containers[1].image"), "{msg}");
    assert!(
        msg.contains("spec.template.spec.initContainers[0].image"),
        "{msg}"
    );
    assert!(msg.contains("Fix: pin the image"), "{msg}");
    assert!(msg.contains("[owner-label]"), "{msg}");
    assert!(
        !msg.contains("max-containers"),
        "not in the default set: {msg}"
    );
    let ann = &r["audit_annotations"];
    assert_eq!(ann["kube-soc2.violations"], "image-tag-pinned,owner-label");
    assert_eq!(ann["kube-soc2.criteria"], "A.5.9,A.8.32,CC1.3,CC8.1");
}

#[test]
fn tags_skip_and_parameters_select_and_tune() {
    let s = json!({"controls": ["sizing"], "parameters": {"max-containers": {"max": 1}}});
    let r = eval(s, deployment(&["nginx:1.25"]));
    assert_eq!(r["accepted"], false);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("2 containers, more than 1")
    );
    let r = eval(
        json!({"controls": ["all"], "skip": ["default"]}),
        deployment(&["nginx:1.25"]),
    );
    assert_eq!(r["accepted"], true, "{r}");
}

#[test]
fn warn_only_turns_findings_into_warnings() {
    let r = eval(
        json!({"controls": ["all"], "warnOnly": ["image-tag-pinned"], "skip": ["owner-label"]}),
        deployment(&["nginx"]),
    );
    assert_eq!(r["accepted"], true, "{r}");
    let w = r["warnings"][0].as_str().unwrap();
    assert!(
        w.starts_with("Deployment prod/web: [image-tag-pinned]"),
        "{w}"
    );
    assert_eq!(
        r["audit_annotations"]["kube-soc2.warnings"],
        "image-tag-pinned"
    );
}

#[test]
fn exemptions_by_image_namespace_label_user_and_control() {
    let obj = deployment(&["nginx:1.25"]);
    let exempt = |e: Value| {
        eval(
            json!({"skip": ["owner-label"], "exemptions": [e]}),
            obj.clone(),
        )
    };
    assert_eq!(
        exempt(json!({"images": ["busybox:*"], "reason": "TICKET-1"}))["accepted"],
        true
    );
    let r = exempt(json!({"images": ["busybox:*"], "reason": "TICKET-1"}));
    assert_eq!(
        r["audit_annotations"]["kube-soc2.exempted"],
        "image-tag-pinned (TICKET-1)"
    );
    assert_eq!(
        exempt(json!({"images": ["busybox:*"], "containers": ["init"]}))["accepted"],
        true
    );
    assert_eq!(
        exempt(json!({"images": ["busybox:*"], "containers": ["c0"]}))["accepted"],
        false
    );
    assert_eq!(exempt(json!({"namespaces": ["prod"]}))["accepted"], true);
    assert_eq!(exempt(json!({"namespaces": ["dev"]}))["accepted"], false);
    assert_eq!(
        exempt(json!({"namespaces": ["prod"], "labels": {"team": "a"}}))["accepted"],
        true
    );
    assert_eq!(
        exempt(json!({"namespaces": ["prod"], "labels": {"team": "b"}}))["accepted"],
        false
    );
    assert_eq!(
        exempt(json!({"namespaces": ["prod"], "kinds": ["apps/Deployment"], "names": ["w*"]}))["accepted"],
        true
    );
    assert_eq!(
        exempt(json!({"namespaces": ["prod"], "kinds": ["Pod"]}))["accepted"],
        false
    );
    assert_eq!(
        exempt(json!({"namespaces": ["prod"], "expires": "2000-01-31"}))["accepted"],
        false,
        "an expired exemption no longer applies"
    );
    assert_eq!(
        exempt(json!({"namespaces": ["prod"], "expires": "2999-12-31"}))["accepted"],
        true
    );
    assert_eq!(exempt(json!({"users": ["bob"]}))["accepted"], false);
    assert_eq!(exempt(json!({"groups": ["de*"]}))["accepted"], true);
    assert_eq!(
        exempt(json!({"namespaces": ["prod"], "controls": ["owner-label"]}))["accepted"],
        false
    );
}

#[test]
fn bad_settings_name_the_key() {
    assert!(settings_error(json!({"contrls": []})).contains("unknown settings key \"contrls\""));
    assert!(settings_error(json!({"controls": ["nope"]})).contains("controls[0]: \"nope\""));
    assert!(
        settings_error(json!({"controls": "default", "skip": 3})).contains("skip must be a list")
    );
    assert!(settings_error(json!({"warnOnly": [1]})).contains("warnOnly[0] must be a string"));
    assert!(
        settings_error(json!({"parameters": {"x": {}}})).contains("parameters.x: no such control")
    );
    let m = settings_error(json!({"parameters": {"max-containers": {"mx": 1}}}));
    assert!(
        m.contains("parameters.max-containers.mx: unknown parameter; valid: max"),
        "{m}"
    );
    assert!(
        settings_error(json!({"parameters": {"max-containers": {"max": 0}}}))
            .contains("between 1 and 100")
    );
    assert!(
        settings_error(json!({"parameters": {"owner-label": {"label": 5}}}))
            .contains("must be a string")
    );
    assert!(settings_error(json!({"exemptions": [{}]})).contains("exemptions[0] names no"));
    // Fields the object's author controls never grant an exemption alone.
    for alone in [
        json!({"labels": {"team": "a"}}),
        json!({"containers": ["c0"]}),
        json!({"names": ["web"], "kinds": ["Deployment"]}),
    ] {
        let m = settings_error(json!({"exemptions": [alone]}));
        assert!(m.contains("chosen by whoever writes the object"), "{m}");
    }
    for everything in [
        json!({"namespaces": ["*"]}),
        json!({"users": ["?*"]}),
        json!({"images": ["**"]}),
    ] {
        let m = settings_error(json!({"exemptions": [everything]}));
        assert!(m.contains("matches everything"), "{m}");
    }
    let m = settings_error(json!({"exemptions": [{"namespaces": ["^kube-.*$"]}]}));
    assert!(m.contains("looks like a regular expression"), "{m}");
    let m = settings_error(json!({"exemptions": [{"namespaces": ["a"], "controls": []}]}));
    assert!(m.contains("exemptions[0].controls is empty"), "{m}");
    let m = settings_error(json!({"exemptions": [{"namespaces": ["a"], "expires": "2025-02-30"}]}));
    assert!(m.contains("exemptions[0].expires must be a date"), "{m}");
    // Settings that would leave nothing enforced.
    assert!(settings_error(json!({"controls": []})).contains("enable no control"));
    assert!(settings_error(json!({"skip": ["all"]})).contains("enable no control"));
    assert!(settings_error(json!({"skip": ["default"]})).contains("enable no control"));
    assert!(
        settings_error(json!({"controls": ["owner-label", "images"], "skip": ["owner-label"]}))
            .contains("also listed in controls")
    );
    assert!(settings_error(json!({"warnOnly": ["all"]})).contains("would only warn"));
    assert!(
        settings_error(json!({"exemptions": [{"namespace": ["x"]}]}))
            .contains("exemptions[0]: unknown key \"namespace\"")
    );
    assert!(settings_error(json!({"exemptions": {"a": 1}})).contains("exemptions must be a list"));
    assert!(settings_error(json!([1, 2])).contains("settings must be an object"));
    let out: Value =
        serde_json::from_slice(&kit::engine::validate_settings(&FAMILY, b"{not json")).unwrap();
    assert!(out["message"].as_str().unwrap().contains("not valid JSON"));
    let ok: Value =
        serde_json::from_slice(&kit::engine::validate_settings(&FAMILY, b"{}")).unwrap();
    assert_eq!(ok, json!({"valid": true, "message": null}));
}

fn raw(payload: &[u8]) -> Value {
    serde_json::from_slice(&kit::engine::validate(&FAMILY, payload, &NoCluster)).unwrap()
}

/// A Pod request whose first container's image is the raw JSON `image`.
fn pod_payload(image: &str, status: &str, settings: &str) -> String {
    kit::text!(
        r#"{{"settings":{settings},"request":{{"uid":"1","kind":{{"group":"","version":"v1","kind":"Pod"}},"operation":"CREATE","namespace":"prod","userInfo":{{"username":"alice"}},"object":{{"kind":"Pod","metadata":{{"name":"p"}},"spec":{{"containers":[{{"name":"a","image":{image}}}]}},"status":{status}}}}}}}"#
    )
}

#[test]
fn a_malformed_part_is_refused_when_a_control_reads_it() {
    let fine = pod_payload(r#""nginx:1.27""#, r#"{"phase":"Pending"}"#, "{}");
    assert_eq!(raw(fine.as_bytes())["accepted"], true);
    // The image is read by the default controls: refused with the parser's
    // reason, as a payload that is not JSON at all, whatever the controls found.
    for image in ["nginx", r#""nginx:latest"#, "tru", r#""nginx"x"#, "01"] {
        let payload = pod_payload(image, r#"{"phase":"Pending"}"#, "{}");
        let reason = kit::dom::parse(payload.as_bytes()).unwrap_err();
        let r = raw(payload.as_bytes());
        let refusal = kit::text!("the validate payload is not valid JSON: {reason}");
        assert_eq!(r["code"], 400, "{payload}");
        assert_eq!(r["message"], kit::text!("kube-soc2/test-family: {refusal}"));
        assert!(r["auditAnnotations"].is_null(), "{r}");
        let x: Value = serde_json::from_slice(&kit::engine::explain(
            &FAMILY,
            payload.as_bytes(),
            &NoCluster,
        ))
        .unwrap();
        assert_eq!(x["refused"], refusal);
        assert!(
            x["controls"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["status"] == "disabled"),
            "{x}"
        );
    }
    let refused_as_not_json = |family: &Family, payload: &str| {
        let answer = kit::engine::validate(family, payload.as_bytes(), &NoCluster);
        let r: Value = serde_json::from_slice(&answer).unwrap();
        r["message"]
            .as_str()
            .is_some_and(|m| m.contains("not valid JSON"))
    };
    // Settings are read whole: a malformed one is refused too.
    let payload = pod_payload(r#""nginx:1.27""#, "{}", r#"{"controls":[all]}"#);
    assert!(refused_as_not_json(&FAMILY, &payload));
    // What no enabled control reads is never parsed: its strings and brackets
    // match, which is all that is checked of it (the engines serialise the
    // requests they send, so it is JSON anyway).
    let unread_bare_word = pod_payload(r#""nginx:1.27""#, r#"{"phase":Pending}"#, "{}");
    assert_eq!(raw(unread_bare_word.as_bytes())["accepted"], true);
    let payload = pod_payload(r#""nginx:1.27""#, r#"{"phase":"Pending"]"#, "{}");
    assert!(refused_as_not_json(&FAMILY, &payload));
    // A family that parses requests whole refuses it wherever it is.
    assert!(refused_as_not_json(&WHOLE, &unread_bare_word));
}

/// The test family, parsing requests whole.
static WHOLE: Family = Family {
    reads_whole_request: true,
    ..FAMILY
};

#[test]
fn bad_input_gets_a_clear_answer() {
    let r = raw(b"{\"request\":");
    assert_eq!(
        (r["accepted"].clone(), r["code"].clone()),
        (json!(false), json!(400))
    );
    assert!(r["message"].as_str().unwrap().contains("not valid JSON"));
    assert!(
        raw(b"")
            .get("message")
            .unwrap()
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
    assert!(
        raw(b"{}")["message"]
            .as_str()
            .unwrap()
            .contains("no \"request\"")
    );
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert!(
        raw(kit::text!("{{\"request\":{deep}}}").as_bytes())["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
    let big = vec![b' '; kit::MAX_PAYLOAD_BYTES + 1];
    assert_eq!(raw(&big)["code"], 413);
    // Unknown kinds and DELETE without an object are accepted: nothing to check.
    let r =
        raw(br#"{"request":{"kind":{"kind":"Widget"},"operation":"CREATE","object":{"spec":1}}}"#);
    assert_eq!(r["accepted"], true);
    let r = raw(br#"{"request":{"kind":{"kind":"Deployment"},"operation":"DELETE"}}"#);
    assert_eq!(r["accepted"], true);
    // Wrong types where controls look are refused with the field named.
    let r = raw(br#"{"request":{"kind":{"kind":"Deployment"},"operation":"CREATE","object":{"spec":{"template":{"spec":{"containers":"x"}}}}}}"#);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("spec.template.spec.containers must be a list"),
        "{r}"
    );
    let r = raw(br#"{"request":{"kind":{"kind":"Deployment"},"operation":"PATCH","object":{}}}"#);
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("unknown operation \"PATCH\"")
    );
}

fn explain(settings: Value, object: Value) -> Value {
    let kind = object["kind"].as_str().unwrap_or("Pod").to_string();
    let payload = json!({"settings": settings, "request": {
        "uid": "1", "kind": {"group": "apps", "version": "v1", "kind": kind},
        "operation": "CREATE", "namespace": "prod", "userInfo": {"username": "alice", "groups": ["dev"]},
        "object": object}});
    serde_json::from_slice(&kit::engine::explain(
        &FAMILY,
        payload.to_string().as_bytes(),
        &NoCluster,
    ))
    .unwrap()
}

fn status<'a>(x: &'a Value, id: &str) -> &'a Value {
    x["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing from {x}"))
}

#[test]
fn explain_gives_every_control_its_status_and_findings_as_data() {
    let x = explain(json!({}), deployment(&["nginx:1.25", "redis"]));
    assert_eq!(x["family"], "test-family");
    assert_eq!(x["response"]["accepted"], false);
    let pinned = status(&x, "image-tag-pinned");
    assert_eq!(pinned["status"], "fail");
    assert_eq!(pinned["total"], 2, "{pinned}");
    let f = &pinned["findings"][0];
    assert_eq!(f["container"], "c1");
    assert_eq!(f["containerList"], "containers");
    assert_eq!(f["image"], "redis");
    assert!(
        f["path"].as_str().unwrap().ends_with("containers[1].image"),
        "{f}"
    );
    assert_eq!(pinned["findings"][1]["containerList"], "initContainers");
    assert_eq!(status(&x, "owner-label")["status"], "fail");
    assert_eq!(status(&x, "max-containers")["status"], "disabled");

    let x = explain(
        json!({"controls": ["all"], "warnOnly": ["owner-label"],
               "parameters": {"max-containers": {"max": 3}},
               "exemptions": [{"images": ["busybox:*", "redis"], "reason": "CHG-7"}]}),
        deployment(&["nginx:1.25", "redis"]),
    );
    assert_eq!(x["response"]["accepted"], true, "{x}");
    assert_eq!(status(&x, "image-tag-pinned")["status"], "exempted");
    assert_eq!(status(&x, "image-tag-pinned")["exemption"], "CHG-7");
    assert_eq!(status(&x, "owner-label")["status"], "warn");
    assert_eq!(status(&x, "max-containers")["status"], "pass");

    // Not this kind: enabled, not applicable.
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"owner": "x"}}});
    let x = explain(json!({"controls": ["all"]}), cm);
    assert_eq!(status(&x, "image-tag-pinned")["status"], "not-applicable");
    assert_eq!(status(&x, "owner-label")["status"], "pass");

    // A request that cannot be evaluated says why.
    let x = explain(json!({"controls": ["nope"]}), deployment(&["a:1"]));
    assert!(
        x["refused"].as_str().unwrap().contains("invalid settings"),
        "{x}"
    );
    assert_eq!(x["response"]["code"], 400);
}

#[test]
fn unverified_findings_keep_only_the_first_line_of_a_host_error() {
    let f = Finding::unverified(
        "spec",
        "the PodDisruptionBudgets of namespace prod",
        "kubernetes/list failed: forbidden\nstack backtrace:\n   0: policy_server::...",
    );
    assert!(f.is_unverified());
    assert_eq!(
        f.message,
        "could not verify the PodDisruptionBudgets of namespace prod: kubernetes/list failed: forbidden"
    );
    let long = Finding::unverified("spec", "x", &"e".repeat(5000));
    assert!(long.message.len() < 400, "{}", long.message.len());
}

#[test]
fn explain_without_a_request_reads_the_settings_like_the_engine() {
    let x: Value = serde_json::from_slice(&kit::engine::explain(
        &FAMILY,
        br#"{"settings": {"controls": ["all"], "skip": ["owner-label"], "warnOnly": ["sizing"]}}"#,
        &NoCluster,
    ))
    .unwrap();
    assert_eq!(status(&x, "image-tag-pinned")["status"], "enabled");
    assert!(status(&x, "image-tag-pinned")["warnOnly"].is_null());
    assert_eq!(status(&x, "max-containers")["warnOnly"], true);
    assert_eq!(status(&x, "owner-label")["status"], "disabled");
    let x: Value = serde_json::from_slice(&kit::engine::explain(
        &FAMILY,
        br#"{"settings": {"skip": ["all"]}}"#,
        &NoCluster,
    ))
    .unwrap();
    assert!(
        x["refused"].as_str().unwrap().contains("enable no control"),
        "{x}"
    );
}

#[test]
fn no_mutant_of_an_object_makes_the_engine_answer_anything_but_a_verdict() {
    let subject = deployment(&["nginx:1.25", "redis"]);
    let values = kit::testing::odd_values();
    let mut n = 0;
    for mutant in kit::testing::mutants(&subject, &values) {
        let r = eval(json!({"controls": ["all"]}), mutant.clone());
        assert!(r["code"].is_null() || r["code"] == 400, "{mutant}: {r}");
        n += 1;
    }
    assert!(n > 100, "{n}");
}

#[test]
fn explain_is_written_as_the_tree_it_describes() {
    use kit::explain::{Explanation, Status};
    use kit::response::Response;
    let mut x = Explanation::new(&FAMILY);
    x.enable(&NO_LATEST, Status::NotApplicable, false);
    x.record(
        &NO_LATEST,
        &[
            Finding {
                path: "spec.template.spec.initContainers[0].image".into(),
                container: Some(("init \"quoted\"".into(), "busybox".into())),
                message: "image \"busybox\" has no pinned tag\n".into(),
            },
            Finding::new("spec.template.spec.containers", "ünïcode ✓"),
        ],
        false,
    );
    x.enable(&MAX_CONTAINERS, Status::Passed, true);
    x.set(&OWNER, Status::Exempted("CHG-7 \\ reason".into()));
    let response = Response {
        accepted: false,
        message: Some("denied: \"x\"".into()),
        code: Some(400),
        audit_annotations: Vec::new(),
        warnings: vec!["w".into()],
    };
    // The same JSON (the response's own keys keep the order `validate`
    // writes them in).
    let written = |x: &Explanation| serde_json::from_slice::<Value>(&x.to_json(&response)).unwrap();
    assert_eq!(written(&x), x.to_value(&response));
    x.refused = Some("invalid settings: \u{1}".into());
    x.set(&NO_LATEST, Status::Unverified);
    assert_eq!(written(&x), x.to_value(&response));
}

#[test]
fn explain_leaves_out_what_did_not_run_when_asked() {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"owner": "x"}}});
    let payload = |only: bool| {
        let mut p = json!({"settings": {"controls": ["image-tag-pinned", "owner-label"]}, "request": {
            "uid": "1", "kind": {"group": "", "version": "v1", "kind": "ConfigMap"},
            "operation": "CREATE", "namespace": "prod", "userInfo": {"username": "alice"},
            "object": cm}});
        if only {
            p["applicableOnly"] = json!(true);
        }
        let answer = kit::engine::explain(&FAMILY, p.to_string().as_bytes(), &NoCluster);
        serde_json::from_slice::<Value>(&answer).unwrap()
    };
    let all = payload(false);
    let ran = payload(true);
    let ids = |x: &Value| -> Vec<(String, String)> {
        x["controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().into(),
                    c["status"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(
        ids(&all),
        [
            ("image-tag-pinned".to_string(), "not-applicable".to_string()),
            ("max-containers".into(), "disabled".into()),
            ("owner-label".into(), "pass".into())
        ]
    );
    assert_eq!(ids(&ran), [("owner-label".to_string(), "pass".to_string())]);
    assert_eq!(all["response"], ran["response"]);
}

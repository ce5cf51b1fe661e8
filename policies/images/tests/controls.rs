//! Native tests of the images controls through the engine, as the waPC
//! `validate` runs them: every Pod-bearing kind, every container list, the
//! parameters, settings refusals, host-capability answers and hostile input.

use images::FAMILY;
use images::host::{Host, with_fake};
use kit::testing::*;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::rc::Rc;

const DIGEST: &str = "sha256:5d0c2b5f7a4e8e9f1c3b2a1d0e9f8c7b6a5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";
const OTHER: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn pinned() -> String {
    kit::text!("registry.example.com/shop/api:2.31.4@{DIGEST}")
}

/// A pod spec whose every container runs `image` in list `list`
/// (the other lists run the pinned image).
fn spec_with(list: &str, image: &str) -> Value {
    let mut spec = json!({
        "containers": [{"name": "app", "image": pinned()}],
        "initContainers": [{"name": "init", "image": pinned()}],
        "ephemeralContainers": [{"name": "debug", "image": pinned()}],
    });
    spec[list][0]["image"] = json!(image);
    spec
}

const LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

fn run(control: &str, params: Value, object: Value) -> Value {
    check(&FAMILY, object, only(control, params), vec![])
}

/// `control` refuses `image` in every list of every Pod-bearing kind, naming the path.
fn refused_everywhere(control: &str, params: Value, image: &str, needle: &str) {
    for list in LISTS {
        for (kind, obj) in every_pod_kind(spec_with(list, image)) {
            let r = run(control, params.clone(), obj);
            let path = kit::text!("{}.{list}[0]", spec_path(kind));
            assert_denied(&r, &[&kit::text!("[{control}]"), &path, needle]);
        }
    }
}

fn allowed_everywhere(control: &str, params: Value, image: &str) {
    for list in LISTS {
        for (_, obj) in every_pod_kind(spec_with(list, image)) {
            assert_allowed(&run(control, params.clone(), obj));
        }
    }
}

#[test]
fn the_default_set_passes_a_pinned_internal_image() {
    for (_, obj) in every_pod_kind(spec_with("containers", &pinned())) {
        assert_allowed(&check(&FAMILY, obj, json!({}), vec![]));
    }
}

#[test]
fn reference_valid() {
    refused_everywhere(
        "image-reference-valid",
        Value::Null,
        "Nginx:1",
        "must be lowercase",
    );
    refused_everywhere(
        "image-reference-valid",
        Value::Null,
        "nginx@sha256:abc",
        "64 lower-case",
    );
    refused_everywhere("image-reference-valid", Value::Null, "nginx:", "empty tag");
    allowed_everywhere("image-reference-valid", Value::Null, "localhost:5000/a/b:1");
    let mut spec = spec_with("containers", "x");
    spec["containers"][0]
        .as_object_mut()
        .unwrap()
        .remove("image");
    let r = run(
        "image-reference-valid",
        Value::Null,
        workload("Deployment", spec, json!({})),
    );
    assert_denied(
        &r,
        &["has no image", "spec.template.spec.containers[0].image"],
    );
}

#[test]
fn tag_not_latest() {
    refused_everywhere(
        "image-tag-not-latest",
        Value::Null,
        "nginx:latest",
        "\"latest\"",
    );
    refused_everywhere(
        "image-tag-not-latest",
        Value::Null,
        "nginx:LATEST",
        "denied",
    );
    refused_everywhere(
        "image-tag-not-latest",
        Value::Null,
        &kit::text!("nginx:latest@{DIGEST}"),
        "floating tag",
    );
    // Untagged is image-tag-required's.
    allowed_everywhere("image-tag-not-latest", Value::Null, "nginx");
    allowed_everywhere("image-tag-not-latest", Value::Null, "nginx:1.27");
    refused_everywhere(
        "image-tag-not-latest",
        json!({"deniedTags": ["latest", "main", "*-snapshot"]}),
        "nginx:1.0-SNAPSHOT",
        "denied",
    );
}

#[test]
fn tag_required() {
    refused_everywhere("image-tag-required", Value::Null, "nginx", "has no tag");
    refused_everywhere(
        "image-tag-required",
        Value::Null,
        "registry.example.com:5000/x",
        "pulls registry.example.com:5000/x:latest",
    );
    allowed_everywhere(
        "image-tag-required",
        Value::Null,
        &kit::text!("nginx@{DIGEST}"),
    );
    refused_everywhere(
        "image-tag-required",
        json!({"requireTagWithDigest": true}),
        &kit::text!("nginx@{DIGEST}"),
        "names no version tag",
    );
    allowed_everywhere(
        "image-tag-required",
        json!({"requireTagWithDigest": true}),
        &pinned(),
    );
}

#[test]
fn registry_denied() {
    refused_everywhere(
        "image-registry-denied",
        Value::Null,
        "k8s.gcr.io/pause:3.9",
        "registry k8s.gcr.io is denied",
    );
    refused_everywhere(
        "image-registry-denied",
        Value::Null,
        "gcr.io/google_containers/pause:3.1",
        "repository gcr.io/google_containers/pause is denied",
    );
    allowed_everywhere(
        "image-registry-denied",
        Value::Null,
        "registry.k8s.io/pause:3.9",
    );
    allowed_everywhere(
        "image-registry-denied",
        Value::Null,
        "k8s.gcr.io.example.com/pause:3.9",
    );
    let p =
        json!({"registries": ["docker.io"], "repositories": ["registry.example.com/legacy/**"]});
    refused_everywhere(
        "image-registry-denied",
        p.clone(),
        "nginx:1",
        "registry docker.io",
    );
    refused_everywhere(
        "image-registry-denied",
        p.clone(),
        "registry.example.com/legacy/a/b:1",
        "legacy",
    );
    allowed_everywhere("image-registry-denied", p, &pinned());
}

#[test]
fn registry_allowed() {
    let p = json!({"registries": ["registry.example.com"]});
    allowed_everywhere("image-registry-allowed", p.clone(), &pinned());
    refused_everywhere(
        "image-registry-allowed",
        p.clone(),
        "registry.example.com.evil.io/shop/api:1",
        "not allowed",
    );
    refused_everywhere(
        "image-registry-allowed",
        p.clone(),
        "nginx:1",
        "docker.io/library/nginx",
    );
    refused_everywhere(
        "image-registry-allowed",
        p.clone(),
        "Bad:Ref",
        "cannot be verified",
    );
    let p = json!({"repositories": ["registry.example.com/shop/*", "gcr.io/distroless/**"]});
    allowed_everywhere(
        "image-registry-allowed",
        p.clone(),
        "gcr.io/distroless/static:nonroot",
    );
    refused_everywhere(
        "image-registry-allowed",
        p.clone(),
        "registry.example.com/shopping/x:1",
        "not allowed",
    );
    refused_everywhere(
        "image-registry-allowed",
        p,
        "registry.example.com/shop/a/b:1",
        "not allowed",
    );
}

#[test]
fn digest_pinned() {
    allowed_everywhere("image-digest-pinned", Value::Null, &pinned());
    allowed_everywhere(
        "image-digest-pinned",
        Value::Null,
        &kit::text!("nginx@{DIGEST}"),
    );
    refused_everywhere(
        "image-digest-pinned",
        Value::Null,
        "registry.example.com/shop/api:2.31.4",
        "not pinned",
    );
    refused_everywhere(
        "image-digest-pinned",
        Value::Null,
        &kit::text!("nginx@sha512:{}", "a".repeat(128)),
        "it uses sha512",
    );
    refused_everywhere(
        "image-digest-pinned",
        Value::Null,
        "nginx@sha256:ABC",
        "cannot be verified",
    );
}

#[test]
fn pull_policy_always() {
    let mut spec = spec_with("initContainers", "registry.example.com/shop/api:2.31.4");
    for (kind, obj) in every_pod_kind(spec.clone()) {
        let r = run("image-pull-policy-always", Value::Null, obj);
        assert_denied(
            &r,
            &[
                &kit::text!("{}.initContainers[0].imagePullPolicy", spec_path(kind)),
                "IfNotPresent (the default",
            ],
        );
    }
    spec["initContainers"][0]["imagePullPolicy"] = json!("Always");
    assert_allowed(&run(
        "image-pull-policy-always",
        Value::Null,
        workload("Pod", spec.clone(), json!({})),
    ));
    for odd in [
        json!("always"),
        json!(true),
        json!({"a": 1}),
        json!("Never"),
    ] {
        spec["initContainers"][0]["imagePullPolicy"] = odd.clone();
        let r = run(
            "image-pull-policy-always",
            Value::Null,
            workload("Pod", spec.clone(), json!({})),
        );
        assert_denied(&r, &["[image-pull-policy-always]"]);
    }
    // Untagged images default to Always; pinned ones are immutable.
    allowed_everywhere("image-pull-policy-always", Value::Null, "nginx");
    allowed_everywhere("image-pull-policy-always", Value::Null, &pinned());
}

#[test]
fn pull_secrets_required() {
    let p = json!({"privateRegistries": ["registry.example.com"]});
    for (list, noun) in LISTS.iter().zip([
        "container \"app\"",
        "init container \"init\"",
        "ephemeral container \"debug\"",
    ]) {
        let mut spec = json!({
            "containers": [{"name": "app", "image": "nginx:1"}],
            "initContainers": [{"name": "init", "image": "nginx:1"}],
            "ephemeralContainers": [{"name": "debug", "image": "nginx:1"}],
        });
        spec[*list][0]["image"] = json!(pinned());
        for (kind, obj) in every_pod_kind(spec) {
            let r = run("image-pull-secrets-required", p.clone(), obj);
            assert_denied(
                &r,
                &[
                    &kit::text!("{}.imagePullSecrets", spec_path(kind)),
                    noun,
                    "is not set",
                ],
            );
            assert_eq!(message(&r).matches("registry.example.com").count(), 1);
        }
    }
    let mut spec = json!({"containers": [{"name": "app", "image": pinned()}]});
    spec["imagePullSecrets"] = json!([{"name": "regcred"}]);
    assert_allowed(&run(
        "image-pull-secrets-required",
        p.clone(),
        workload("Deployment", spec.clone(), json!({})),
    ));
    for bad in [
        json!([]),
        json!([{"name": ""}]),
        json!("regcred"),
        json!([{}]),
    ] {
        spec["imagePullSecrets"] = bad;
        assert_denied(
            &run(
                "image-pull-secrets-required",
                p.clone(),
                workload("Deployment", spec.clone(), json!({})),
            ),
            &["imagePullSecrets"],
        );
    }
    let public = json!({"containers": [{"name": "app", "image": "nginx:1"}]});
    assert_allowed(&run(
        "image-pull-secrets-required",
        p,
        workload("Pod", public, json!({})),
    ));
}

fn settings_error(settings: Value) -> String {
    let out: Value =
        serde_json::from_slice(&images::validate_settings(settings.to_string().as_bytes()))
            .unwrap();
    assert_eq!(out["valid"], false, "{settings} accepted");
    out["message"].as_str().unwrap_or("").to_string()
}

fn settings_ok(settings: Value) {
    let out: Value =
        serde_json::from_slice(&images::validate_settings(settings.to_string().as_bytes()))
            .unwrap();
    assert_eq!(out["valid"], true, "{settings}: {}", out["message"]);
}

#[test]
fn settings_are_validated_naming_the_key() {
    let e = settings_error(only("image-registry-allowed", json!({"registries": []})));
    assert!(
        e.contains("image-registry-allowed") && e.contains("registries or repositories"),
        "{e}"
    );
    let e = settings_error(only(
        "image-registry-allowed",
        json!({"registries": ["a.com/x"]}),
    ));
    assert!(e.contains("registries[0]"), "{e}");
    let e = settings_error(only(
        "image-registry-denied",
        json!({"repositories": ["nginx:"]}),
    ));
    assert!(e.contains("repositories[0]"), "{e}");
    let e = settings_error(only(
        "image-pull-secrets-required",
        json!({"privateRegistries": []}),
    ));
    assert!(e.contains("privateRegistries"), "{e}");
    let sig = "image-signature-verified";
    let e = settings_error(only(sig, json!({"images": ["**"]})));
    assert!(e.contains("at least one verification method"), "{e}");
    let e = settings_error(only(sig, json!({"pubKeys": ["not a key"]})));
    assert!(e.contains("pubKeys[0]"), "{e}");
    let e = settings_error(only(sig, json!({"keylessSubject": "a@b.c"})));
    assert!(e.contains("keylessIssuer is required"), "{e}");
    let e = settings_error(only(
        sig,
        json!({"keylessIssuer": "http://x", "keylessSubject": "a"}),
    ));
    assert!(e.contains("keylessIssuer must be an https"), "{e}");
    let e = settings_error(only(sig, json!({"keylessIssuer": "https://x"})));
    assert!(e.contains("needs keylessSubject"), "{e}");
    let e = settings_error(only(sig, json!({"githubRepo": "x"})));
    assert!(e.contains("githubOwner is required"), "{e}");
    let e = settings_error(only(sig, json!({"githubOwner": "acme", "images": []})));
    assert!(e.contains("images must list"), "{e}");
    let e = settings_error(only(sig, json!({"pubKeys": "x"})));
    assert!(e.contains("pubKeys"), "{e}");
    let e = settings_error(only(
        "image-vulnerability-report",
        json!({"maxCritical": -2}),
    ));
    assert!(e.contains("maxCritical"), "{e}");
    settings_ok(only(sig, json!({"githubOwner": "acme"})));
    settings_ok(only(
        sig,
        json!({"pubKeys": [PUB_KEY], "annotations": {"env": "prod"}}),
    ));
    settings_ok(only(
        "image-registry-allowed",
        json!({"repositories": ["**"]}),
    ));
    settings_ok(json!({}));
}

const PUB_KEY: &str =
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----";

/// A host answering v2/verify from a table (payload → answer), recording the calls.
struct Fake {
    answers: Vec<(Value, Result<Value, String>)>,
    calls: RefCell<Vec<(String, String, Value)>>,
}

impl Host for Fake {
    fn call(&self, ns: &str, op: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
        let p: Value = serde_json::from_slice(payload).unwrap();
        self.calls
            .borrow_mut()
            .push((ns.into(), op.into(), p.clone()));
        match self.answers.iter().find(|(k, _)| *k == p) {
            Some((_, Ok(v))) => Ok(v.to_string().into_bytes()),
            Some((_, Err(e))) => Err(e.clone()),
            None => Err(kit::text!("Host error: unexpected request {p}")),
        }
    }
}

fn pubkey_request(image: &str) -> Value {
    json!({"type": "SigstorePubKeyVerify", "image": image, "pub_keys": [PUB_KEY], "annotations": null})
}

fn sig_run(fake: Rc<Fake>, params: Value, image: &str, list: &str) -> Value {
    let obj = workload("Deployment", spec_with(list, image), json!({}));
    with_fake(fake, || run("image-signature-verified", params, obj))
}

#[test]
fn signatures_are_verified_through_the_host() {
    let image = pinned();
    let params = json!({"pubKeys": [PUB_KEY], "images": ["registry.example.com/shop/**"]});
    let trusted = Rc::new(Fake {
        answers: vec![(
            pubkey_request(&image),
            Ok(json!({"is_trusted": true, "digest": DIGEST})),
        )],
        calls: RefCell::new(vec![]),
    });
    assert_allowed(&sig_run(
        trusted.clone(),
        params.clone(),
        &image,
        "containers",
    ));
    // Three containers share the image: one host call.
    assert_eq!(trusted.calls.borrow().len(), 1);
    assert_eq!(trusted.calls.borrow()[0].0, "oci");
    assert_eq!(trusted.calls.borrow()[0].1, "v2/verify");

    // Not covered by `images`: no call.
    let none = Rc::new(Fake {
        answers: vec![],
        calls: RefCell::new(vec![]),
    });
    let p = json!({"pubKeys": [PUB_KEY], "images": ["other.example.com/**"]});
    assert_allowed(&sig_run(none.clone(), p, &image, "containers"));
    assert!(none.calls.borrow().is_empty());

    for list in LISTS {
        let failing = Rc::new(Fake {
            answers: vec![(
                pubkey_request("registry.example.com/shop/api:9"),
                Err("Host error: Callback evaluation failure: no signatures found\nmore".into()),
            )],
            calls: RefCell::new(vec![]),
        });
        let r = sig_run(
            failing,
            params.clone(),
            "registry.example.com/shop/api:9",
            list,
        );
        assert_denied(
            &r,
            &[
                "could not verify the signature",
                "no signatures found",
                &kit::text!("spec.template.spec.{list}[0].image"),
            ],
        );
        assert!(!message(&r).contains("more"));
    }

    let untrusted = Rc::new(Fake {
        answers: vec![(
            pubkey_request(&image),
            Ok(json!({"is_trusted": false, "digest": DIGEST})),
        )],
        calls: RefCell::new(vec![]),
    });
    assert_denied(
        &sig_run(untrusted, params.clone(), &image, "containers"),
        &["no trusted signature"],
    );

    let mismatch = Rc::new(Fake {
        answers: vec![(
            pubkey_request(&image),
            Ok(json!({"is_trusted": true, "digest": OTHER})),
        )],
        calls: RefCell::new(vec![]),
    });
    assert_denied(
        &sig_run(mismatch, params.clone(), &image, "containers"),
        &["not the referenced one"],
    );

    let garbage = Rc::new(Fake {
        answers: vec![(pubkey_request(&image), Ok(json!("yes")))],
        calls: RefCell::new(vec![]),
    });
    assert_denied(
        &sig_run(garbage, params.clone(), &image, "containers"),
        &["could not verify", "no is_trusted"],
    );

    // Without a host (native, no fake): could not verify, never a pass.
    let obj = workload("Pod", spec_with("containers", &image), json!({}));
    assert_denied(
        &run("image-signature-verified", params, obj),
        &[
            "could not verify",
            "only available inside a Kubewarden host",
        ],
    );
}

#[test]
fn every_configured_method_is_one_request_in_the_sdk_shape() {
    let image = "ghcr.io/acme/app:1.0";
    let params = json!({
        "pubKeys": [PUB_KEY],
        "keylessIssuer": "https://token.actions.githubusercontent.com",
        "keylessSubject": "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main",
        "keylessSubjectPrefix": "https://github.com/acme/",
        "githubOwner": "acme",
        "githubRepo": "app",
        "annotations": {"env": "prod"},
    });
    let ok = json!({"is_trusted": true, "digest": DIGEST});
    let want = [
        json!({"type": "SigstorePubKeyVerify", "image": image, "pub_keys": [PUB_KEY], "annotations": {"env": "prod"}}),
        json!({"type": "SigstoreKeylessVerify", "image": image, "keyless": [{"issuer": "https://token.actions.githubusercontent.com", "subject": "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"}], "annotations": {"env": "prod"}}),
        json!({"type": "SigstoreKeylessPrefixVerify", "image": image, "keyless_prefix": [{"issuer": "https://token.actions.githubusercontent.com", "url_prefix": "https://github.com/acme/"}], "annotations": {"env": "prod"}}),
        json!({"type": "SigstoreGithubActionsVerify", "image": image, "owner": "acme", "repo": "app", "annotations": {"env": "prod"}}),
    ];
    let fake = Rc::new(Fake {
        answers: want.iter().map(|w| (w.clone(), Ok(ok.clone()))).collect(),
        calls: RefCell::new(vec![]),
    });
    let spec = json!({"containers": [{"name": "app", "image": image}]});
    let r = with_fake(fake.clone(), || {
        run(
            "image-signature-verified",
            params.clone(),
            workload("Pod", spec.clone(), json!({})),
        )
    });
    assert_allowed(&r);
    let calls: Vec<Value> = fake.calls.borrow().iter().map(|c| c.2.clone()).collect();
    assert_eq!(calls, want);
    // One failing method is enough to refuse.
    let mut answers: Vec<_> = want.iter().map(|w| (w.clone(), Ok(ok.clone()))).collect();
    answers[3].1 =
        Err("Host error: Callback evaluation failure: certificate identity mismatch".into());
    let fake = Rc::new(Fake {
        answers,
        calls: RefCell::new(vec![]),
    });
    let r = with_fake(fake, || {
        run(
            "image-signature-verified",
            params,
            workload("Pod", spec, json!({})),
        )
    });
    assert_denied(&r, &["GitHub Actions identity", "identity mismatch"]);
}

fn report(ns: &str, server: &str, repo: &str, tag: &str, digest: &str, vulns: Value) -> Value {
    json!({
        "apiVersion": "aquasecurity.github.io/v1alpha1",
        "kind": "VulnerabilityReport",
        "metadata": {"name": kit::text!("replicaset-web-{tag}"), "namespace": ns},
        "report": {
            "registry": {"server": server},
            "artifact": {"repository": repo, "tag": tag, "digest": digest},
            "summary": {"criticalCount": 1, "highCount": 0},
            "vulnerabilities": vulns,
        }
    })
}

#[test]
fn vulnerability_reports_gate_images() {
    let c = "image-vulnerability-report";
    let crit = json!([{"vulnerabilityID": "CVE-2024-1", "severity": "CRITICAL"}, {"vulnerabilityID": "CVE-2024-2", "severity": "HIGH"}]);
    let clean = report(
        NS,
        "registry.example.com",
        "shop/api",
        "2.31.4",
        DIGEST,
        json!([]),
    );
    let dirty = report(
        NS,
        "index.docker.io",
        "library/nginx",
        "1.27",
        "",
        crit.clone(),
    );
    for list in LISTS {
        for (kind, obj) in every_pod_kind(spec_with(list, "nginx:1.27")) {
            let r = check(
                &FAMILY,
                obj,
                only(c, Value::Null),
                vec![clean.clone(), dirty.clone()],
            );
            assert_denied(
                &r,
                &[
                    &kit::text!("{}.{list}[0].image", spec_path(kind)),
                    "1 critical (allowed 0)",
                    "CVE-2024-1",
                ],
            );
        }
    }
    let obj = workload("Deployment", spec_with("containers", &pinned()), json!({}));
    assert_allowed(&check(
        &FAMILY,
        obj.clone(),
        only(c, Value::Null),
        vec![clean.clone()],
    ));
    // Risk accepted.
    let nginx = workload(
        "Pod",
        json!({"containers": [{"name": "a", "image": "nginx:1.27"}]}),
        json!({}),
    );
    assert_allowed(&check(
        &FAMILY,
        nginx.clone(),
        only(c, json!({"ignoreCves": ["CVE-2024-1"]})),
        vec![dirty.clone()],
    ));
    assert_denied(
        &check(
            &FAMILY,
            nginx.clone(),
            only(c, json!({"ignoreCves": ["CVE-2024-1"], "maxHigh": 0})),
            vec![dirty.clone()],
        ),
        &["1 high (allowed 0)"],
    );
    assert_allowed(&check(
        &FAMILY,
        nginx.clone(),
        only(c, json!({"maxCritical": -1})),
        vec![dirty.clone()],
    ));
    // No report: refused unless allowed; another namespace counts only cluster-wide.
    assert_denied(
        &check(&FAMILY, nginx.clone(), only(c, Value::Null), vec![]),
        &["no VulnerabilityReport", "namespace team-a"],
    );
    assert_allowed(&check(
        &FAMILY,
        nginx.clone(),
        only(c, json!({"allowMissingReport": true})),
        vec![],
    ));
    let elsewhere = report(
        "other",
        "index.docker.io",
        "library/nginx",
        "1.27",
        "",
        json!([]),
    );
    assert_denied(
        &check(
            &FAMILY,
            nginx.clone(),
            only(c, Value::Null),
            vec![elsewhere.clone()],
        ),
        &["no VulnerabilityReport"],
    );
    assert_allowed(&check(
        &FAMILY,
        nginx.clone(),
        only(c, json!({"clusterWide": true})),
        vec![elsewhere],
    ));
    // A pinned image matches by digest, not by tag.
    let wrong_digest = report(
        NS,
        "registry.example.com",
        "shop/api",
        "2.31.4",
        OTHER,
        json!([]),
    );
    assert_denied(
        &check(
            &FAMILY,
            obj.clone(),
            only(c, Value::Null),
            vec![wrong_digest],
        ),
        &["no VulnerabilityReport"],
    );
    // Summary only, malformed counts.
    let mut summary = report(
        NS,
        "index.docker.io",
        "library/nginx",
        "1.27",
        "",
        Value::Null,
    );
    assert_denied(
        &check(
            &FAMILY,
            nginx.clone(),
            only(c, Value::Null),
            vec![summary.clone()],
        ),
        &["1 critical"],
    );
    summary["report"]["summary"]["criticalCount"] = json!("many");
    assert_denied(
        &check(&FAMILY, nginx.clone(), only(c, Value::Null), vec![summary]),
        &["could not verify", "criticalCount is malformed"],
    );
    // Lookup refused: could not verify.
    let r = evaluate(&FAMILY, request(nginx), only(c, Value::Null), &REFUSING);
    assert_denied(
        &r,
        &[
            "could not verify the vulnerabilities",
            "has not been granted access",
        ],
    );
}

#[test]
fn hostile_images_and_values_never_panic() {
    let odd_images = [
        json!(""),
        json!("x".repeat(100_000)),
        json!("é".repeat(3000)),
        json!("a@b@c:d/e"),
        json!(kit::text!("{}:{}", "a/".repeat(2000), "t".repeat(500))),
        json!("[::1]:99999999999999999999/x"),
        json!("\u{0}\n\t"),
        json!(":"),
        json!("@"),
    ];
    let all = json!({"controls": ["images"], "parameters": {
        "image-registry-allowed": {"registries": ["**"]},
        "image-pull-secrets-required": {"privateRegistries": ["**"]},
        "image-signature-verified": {"githubOwner": "acme"},
    }});
    for img in odd_images {
        for list in LISTS {
            let mut spec = spec_with(list, "x");
            spec[list][0]["image"] = img.clone();
            spec[list][0]["imagePullPolicy"] = json!({"deep": [[[[1]]]]});
            spec["imagePullSecrets"] = json!(7);
            for (_, obj) in every_pod_kind(spec.clone()) {
                let r = check(
                    &FAMILY,
                    obj,
                    all.clone(),
                    vec![
                        json!({"kind": "VulnerabilityReport", "apiVersion": "aquasecurity.github.io/v1alpha1", "report": [1]}),
                    ],
                );
                assert!(r["code"].is_null() || r["code"] == 400, "{r}");
                assert!(message(&r).len() < 20_000, "unbounded message");
            }
        }
    }
}

fn config_answer(base: Option<&str>) -> Value {
    let labels = match base {
        Some(b) => json!({"org.opencontainers.image.base.name": b}),
        None => json!({}),
    };
    json!({"manifest": {"schemaVersion": 2}, "digest": DIGEST,
           "config": {"architecture": "amd64", "os": "linux", "config": {"User": "10001", "Labels": labels}}})
}

struct Configs(Vec<(String, Result<Value, String>)>);

impl Host for Configs {
    fn call(&self, ns: &str, op: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
        assert_eq!((ns, op), ("oci", "v1/oci_manifest_config"));
        let image: String = serde_json::from_slice(payload).expect("a JSON string payload");
        match self.0.iter().find(|(k, _)| *k == image) {
            Some((_, Ok(v))) => Ok(v.to_string().into_bytes()),
            Some((_, Err(e))) => Err(e.clone()),
            None => Err("Host error: not recorded".into()),
        }
    }
}

#[test]
fn base_images_are_read_from_the_image_configuration() {
    let c = "image-base-allowed";
    let p = json!({"baseImages": ["gcr.io/distroless/**", "registry.example.com/base/*"], "images": ["registry.example.com/shop/**"]});
    let image = pinned();
    let run_with = |answer: Result<Value, String>, params: Value, list: &str| {
        let host = Rc::new(Configs(vec![(image.clone(), answer)]));
        let obj = workload("Deployment", spec_with(list, &image), json!({}));
        with_fake(host, || run(c, params, obj))
    };
    assert_allowed(&run_with(
        Ok(config_answer(Some(
            "gcr.io/distroless/static-debian12:nonroot",
        ))),
        p.clone(),
        "containers",
    ));
    for list in LISTS {
        let r = run_with(
            Ok(config_answer(Some("docker.io/library/ubuntu:22.04"))),
            p.clone(),
            list,
        );
        assert_denied(
            &r,
            &[
                "[image-base-allowed]",
                "built on \"docker.io/library/ubuntu:22.04\"",
                "spec.template.spec.containers[0].image",
            ],
        );
    }
    assert_denied(
        &run_with(Ok(config_answer(None)), p.clone(), "containers"),
        &["does not name its base image"],
    );
    let lenient = json!({"baseImages": ["gcr.io/distroless/**"], "requireLabel": false});
    assert_allowed(&run_with(Ok(config_answer(None)), lenient, "containers"));
    assert_denied(
        &run_with(
            Err("Host error: manifest unknown\nstack".into()),
            p.clone(),
            "containers",
        ),
        &["could not verify the base image", "manifest unknown"],
    );
    assert_denied(
        &run_with(Ok(json!({"digest": DIGEST})), p.clone(), "containers"),
        &["no image configuration"],
    );
    assert_denied(
        &run_with(
            Ok(config_answer(Some("Not A Ref"))),
            p.clone(),
            "containers",
        ),
        &["malformed base image"],
    );
    // Images outside `images` are not looked up.
    let other = json!({"baseImages": ["gcr.io/distroless/**"], "images": ["ghcr.io/**"]});
    assert_allowed(&run_with(Err("never asked".into()), other, "containers"));
    let e = settings_error(only(c, json!({"baseImages": []})));
    assert!(e.contains("baseImages must list"), "{e}");
    let e = settings_error(only(c, json!({"baseImages": ["a:"]})));
    assert!(e.contains("baseImages[0]"), "{e}");
}

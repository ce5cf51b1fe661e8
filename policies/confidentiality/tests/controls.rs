//! Native tests of the confidentiality controls: edge cases, parameters,
//! settings refusals, host errors of the context-aware controls and hostile
//! input. The per-control fixtures (fixtures/*.yaml) are replayed through the
//! compiled module by `kube-soc2 replay`.

use confidentiality::FAMILY;
use kit::testing::{
    self, REFUSING, assert_allowed, assert_denied, check, every_pod_kind, only, request,
};
use serde_json::{Value, json};

fn service(spec: Value, annotations: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "web", "namespace": "team-a", "annotations": annotations},
           "spec": spec})
}

fn ingress(spec: Value, annotations: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "web", "namespace": "team-a", "annotations": annotations},
           "spec": spec})
}

fn namespace(labels: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a", "labels": labels}})
}

fn validate_settings(settings: Value) -> Value {
    serde_json::from_slice(&confidentiality::validate_settings(
        settings.to_string().as_bytes(),
    ))
    .unwrap()
}

#[test]
fn default_set_is_the_one_the_brief_names() {
    let mut defaults: Vec<&str> = FAMILY
        .controls()
        .filter(|c| c.tags.contains(&"default"))
        .map(|c| c.id)
        .collect();
    defaults.sort_unstable();
    assert_eq!(
        defaults,
        [
            "ingress-nginx-dangerous-annotations",
            "ingress-no-catch-all-host",
            "service-load-balancer-source-ranges",
            "service-no-external-ips",
            "service-no-node-port",
        ]
    );
    // Context-aware controls declare what they read and carry the tag.
    for c in FAMILY.controls() {
        assert_eq!(
            c.reads.is_empty(),
            !c.tags.contains(&"context-aware"),
            "{}",
            c.id
        );
        assert!(
            !c.tags.contains(&"default") || c.reads.is_empty(),
            "{}",
            c.id
        );
    }
}

#[test]
fn defaults_admit_a_hardened_shop_and_refuse_the_usual_exposures() {
    let r = check(
        &FAMILY,
        service(
            json!({"type": "ClusterIP", "ports": [{"port": 80}]}),
            json!({}),
        ),
        json!({}),
        vec![],
    );
    assert_allowed(&r);
    let r = check(
        &FAMILY,
        ingress(
            json!({"ingressClassName": "nginx", "rules": [{"host": "shop.example.com"}]}),
            json!({"nginx.ingress.kubernetes.io/force-ssl-redirect": "true"}),
        ),
        json!({}),
        vec![],
    );
    assert_allowed(&r);
    let r = check(
        &FAMILY,
        service(
            json!({"type": "LoadBalancer", "externalIPs": ["1.2.3.4"]}),
            json!({}),
        ),
        json!({}),
        vec![],
    );
    assert_denied(
        &r,
        &[
            "[service-no-external-ips]",
            "[service-load-balancer-source-ranges]",
        ],
    );
}

#[test]
fn aws_scheme_decides_over_the_legacy_annotation() {
    let settings = only("service-load-balancer-internal", Value::Null);
    for (annotations, internal) in [
        (
            json!({"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}),
            true,
        ),
        (
            json!({"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                   "service.beta.kubernetes.io/aws-load-balancer-internal": "true"}),
            false,
        ),
        (
            json!({"service.beta.kubernetes.io/aws-load-balancer-internal": "1"}),
            true,
        ),
        (
            json!({"service.beta.kubernetes.io/aws-load-balancer-internal": "0.0.0.0/0"}),
            false,
        ),
        (
            json!({"service.beta.kubernetes.io/aws-load-balancer-internal": true}),
            false,
        ),
        (
            json!({"networking.gke.io/load-balancer-type": "internal"}),
            false,
        ),
        (
            json!({"cloud.google.com/load-balancer-type": "internal"}),
            true,
        ),
    ] {
        let r = check(
            &FAMILY,
            service(json!({"type": "LoadBalancer"}), annotations.clone()),
            settings.clone(),
            vec![],
        );
        assert_eq!(
            r["accepted"],
            internal,
            "{annotations}: {}",
            testing::message(&r)
        );
    }
}

#[test]
fn settings_refusals_name_the_key() {
    for (settings, needle) in [
        (json!({"classificationLevels": []}), "classificationLevels"),
        (json!({"classificationLevels": ["a", "a"]}), "twice"),
        (
            json!({"classificationLevels": [""]}),
            "classificationLevels[0]",
        ),
        (json!({"classificationLabel": ""}), "classificationLabel"),
        (json!({"classificationLabel": "a b"}), "classificationLabel"),
        (json!({"classificationLabel": 3}), "classificationLabel"),
        (
            json!({"internalLoadBalancerAnnotations": {"": "x"}}),
            "internalLoadBalancerAnnotations",
        ),
        (
            json!({"internalLoadBalancerAnnotations": {"a": 1}}),
            "internalLoadBalancerAnnotations",
        ),
        (
            json!({"parameters": {"ingress-nginx-dangerous-annotations": {"annotationPrefix": ""}}}),
            "annotationPrefix",
        ),
        (
            json!({"parameters": {"secret-references-allowed": {"maxSecrets": 1001}}}),
            "maxSecrets",
        ),
        (
            json!({"parameters": {"service-no-external-ips": {"allowedIPs": "1.2.3.4"}}}),
            "allowedIPs",
        ),
        (
            json!({"parameters": {"service-no-node-port": {"x": 1}}}),
            "x",
        ),
    ] {
        let r = validate_settings(settings.clone());
        assert_eq!(r["valid"], false, "{settings}");
        let m = r["message"].as_str().unwrap_or("");
        assert!(m.contains(needle), "{settings}: {m}");
    }
    let ok = validate_settings(json!({
        "controls": ["all"],
        "classificationLabel": "example.com/class",
        "classificationLevels": ["open", "closed"],
        "internalLoadBalancerAnnotations": {"service.beta.kubernetes.io/do-loadbalancer-internal": "true"}
    }));
    assert_eq!(ok["valid"], true, "{ok}");
}

#[test]
fn classified_exposure_reports_host_errors_instead_of_passing() {
    let settings = only("classified-namespace-no-exposure", Value::Null);
    let r = testing::evaluate(
        &FAMILY,
        request(service(json!({"type": "NodePort"}), json!({}))),
        settings.clone(),
        &REFUSING,
    );
    assert_denied(
        &r,
        &[
            "could not verify the classification of namespace \"team-a\"",
            "not been granted",
        ],
    );
    // Nothing exposed: no lookup, no finding even when the host refuses.
    let r = testing::evaluate(
        &FAMILY,
        request(service(json!({"type": "ClusterIP"}), json!({}))),
        settings.clone(),
        &REFUSING,
    );
    assert_allowed(&r);
    // A label that is not a string is malformed, not absent.
    let r = check(
        &FAMILY,
        service(json!({"type": "NodePort"}), json!({})),
        settings,
        vec![namespace(json!({"data-classification": 3}))],
    );
    assert_denied(&r, &["not a configured level"]);
}

#[test]
fn secret_classification_reports_host_errors_and_reads_custom_levels() {
    let spec = json!({"containers": [{"name": "app", "image": "x",
        "env": [{"name": "K", "valueFrom": {"secretKeyRef": {"name": "key", "key": "k"}}}]}]});
    let settings = only("secret-classification-match", Value::Null);
    for (kind, mut obj) in every_pod_kind(spec.clone()) {
        // Unlabelled pods: the namespace lookup fails first.
        let r = testing::evaluate(&FAMILY, request(obj.clone()), settings.clone(), &REFUSING);
        assert_denied(
            &r,
            &[
                "could not verify the classification of namespace",
                "not been granted",
            ],
        );
        // Labelled pods: the Secret lookup fails, reported at the reference.
        let labels = match kind {
            "Pod" => "/metadata/labels",
            "CronJob" => "/spec/jobTemplate/spec/template/metadata/labels",
            _ => "/spec/template/metadata/labels",
        };
        obj.pointer_mut(labels).unwrap()["data-classification"] = json!("internal");
        let r = testing::evaluate(&FAMILY, request(obj), settings.clone(), &REFUSING);
        let path = kit::text!(
            "{}.containers[0].env[0].valueFrom.secretKeyRef.name",
            testing::spec_path(kind)
        );
        assert_denied(
            &r,
            &[
                "could not verify the classification of Secret \"key\"",
                &path,
            ],
        );
    }
    let secret = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "key", "namespace": "team-a", "labels": {"class": "closed"}}});
    let custom = json!({"controls": ["secret-classification-match"], "classificationLabel": "class",
                        "classificationLevels": ["open", "closed"]});
    let (_, obj) = every_pod_kind(spec).next().unwrap();
    let r = check(
        &FAMILY,
        obj.clone(),
        custom.clone(),
        vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a", "labels": {"class": "open"}}}),
            secret.clone(),
        ],
    );
    assert_denied(&r, &["classified closed", "above the workload's open"]);
    let r = check(
        &FAMILY,
        obj,
        custom,
        vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a", "labels": {"class": "closed"}}}),
            secret,
        ],
    );
    assert_allowed(&r);
}

#[test]
fn source_ranges_edge_cases() {
    let settings = only("service-load-balancer-source-ranges", Value::Null);
    for (ranges, allowed) in [
        (json!(["10.0.0.0/8"]), true),
        (json!(["10.0.0.0/32"]), true),
        (json!(["10.0.0.0/33"]), false),
        (json!(["1.2.3.4/0"]), false),
        (json!(["fd00::/8"]), true),
        (json!(["::/0"]), false),
        (json!(["0.0.0.0/00"]), false),
        (json!(["10.0.0.0/-1"]), false),
        (json!(["not-a-cidr"]), false),
        (json!([null]), false),
        (json!({}), false),
    ] {
        let r = check(
            &FAMILY,
            service(
                json!({"type": "LoadBalancer", "loadBalancerSourceRanges": ranges}),
                json!({}),
            ),
            settings.clone(),
            vec![],
        );
        assert_eq!(r["accepted"], allowed, "{ranges}: {}", testing::message(&r));
    }
    // An empty list falls back to the annotation, as the providers do.
    let r = check(
        &FAMILY,
        service(
            json!({"type": "LoadBalancer", "loadBalancerSourceRanges": []}),
            json!({"service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8"}),
        ),
        settings.clone(),
        vec![],
    );
    assert_allowed(&r);
    let r = check(
        &FAMILY,
        service(
            json!({"type": "LoadBalancer"}),
            json!({"service.beta.kubernetes.io/load-balancer-source-ranges": ","}),
        ),
        settings,
        vec![],
    );
    assert_denied(&r, &["annotation is empty"]);
}

#[test]
fn nginx_checks_every_path_and_ignores_other_prefixes() {
    let settings = only("ingress-nginx-dangerous-annotations", Value::Null);
    let spec = json!({"rules": [
        {"host": "a.example.com", "http": {"paths": [{"path": "/ok"}, {"path": "/a\"b"}]}},
        {"host": "b.example.com", "http": {"paths": [{"path": "/x#y"}]}}]});
    let r = check(&FAMILY, ingress(spec, json!({})), settings.clone(), vec![]);
    assert_denied(
        &r,
        &[
            "spec.rules[0].http.paths[1].path",
            "spec.rules[1].http.paths[0].path",
        ],
    );
    assert!(!testing::message(&r).contains("paths[0].path: path \"/ok\""));
    // A snippet-like annotation of another prefix is not nginx's.
    let r = check(
        &FAMILY,
        ingress(
            json!({"rules": [{"host": "a.example.com"}]}),
            json!({"nginx.ingress.kubernetes.io.evil/configuration-snippet": "x",
                   "xnginx.ingress.kubernetes.io/configuration-snippet": "x"}),
        ),
        settings,
        vec![],
    );
    assert_allowed(&r);
}

#[test]
fn secret_references_cap_counts_distinct_names() {
    let settings = only("secret-references-allowed", json!({"maxSecrets": 2}));
    let spec = json!({
        "containers": [{"name": "a", "image": "x",
            "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "one", "key": "k"}}},
                    {"name": "B", "valueFrom": {"secretKeyRef": {"name": "one", "key": "j"}}}],
            "envFrom": [{"secretRef": {"name": "two"}}]}],
        "volumes": [{"name": "v", "secret": {"secretName": "two"}}]});
    for (kind, obj) in every_pod_kind(spec) {
        let r = check(&FAMILY, obj, settings.clone(), vec![]);
        assert_eq!(r["accepted"], true, "{kind}: {}", testing::message(&r));
    }
}

/// Deep, huge and odd values never panic any control (a panic is a 500).
#[test]
fn hostile_input_does_not_panic() {
    let mut deep = json!("x");
    for _ in 0..64 {
        deep = json!({"a": [deep]});
    }
    let long = "a".repeat(100_000);
    let odd_values = [
        json!(null),
        json!(true),
        json!(1.5),
        json!("é".repeat(1000)),
        json!(long.clone()),
        json!([deep.clone()]),
        deep.clone(),
    ];
    let all = json!({"controls": ["all"]});
    let cluster = vec![
        namespace(json!({"data-classification": long.clone()})),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "team-a", "labels": {"data-classification": [1]}}}),
    ];
    for v in &odd_values {
        for obj in [
            service(
                json!({"type": v, "externalIPs": v, "loadBalancerSourceRanges": v, "externalName": v}),
                json!({"service.beta.kubernetes.io/load-balancer-source-ranges": v}),
            ),
            service(
                json!({"type": "LoadBalancer", "loadBalancerSourceRanges": [v]}),
                json!({}),
            ),
            service(
                json!({"type": "ExternalName", "externalName": v}),
                json!({}),
            ),
            ingress(
                json!({"ingressClassName": v, "rules": v, "defaultBackend": v}),
                json!({"nginx.ingress.kubernetes.io/auth-url": v}),
            ),
            ingress(
                json!({"rules": [{"host": v, "http": {"paths": [{"path": v}, v]}}, v]}),
                json!({}),
            ),
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "g", "namespace": "team-a"},
                   "spec": {"listeners": [{"protocol": v, "hostname": v, "allowedRoutes": {"namespaces": {"from": v, "selector": v}}}, v]}}),
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r", "namespace": "team-a"},
                   "spec": {"hostnames": v}}),
            json!({"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant", "metadata": {"name": "r", "namespace": "team-a"},
                   "spec": {"from": [v, {"namespace": v}], "to": [v, {"name": v, "kind": v}]}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": v, "labels": {"data-classification": v}}}),
        ] {
            let r = check(&FAMILY, obj.clone(), all.clone(), cluster.clone());
            assert!(r["accepted"].is_boolean(), "{obj}");
            assert!(r["code"].is_null() || r["code"] == 400, "{obj}: {r}");
        }
        let spec = json!({"containers": [{"name": "a", "image": "x",
            "env": [v, {"valueFrom": v}, {"valueFrom": {"secretKeyRef": v}}, {"valueFrom": {"secretKeyRef": {"name": v, "optional": v}}}],
            "envFrom": [v, {"secretRef": v}, {"secretRef": {"name": v}}]}],
            "volumes": [{"name": "v", "secret": {"secretName": v}}, {"name": "p", "projected": {"sources": [v, {"secret": {"name": v}}]}}, {"name": "q", "projected": v}]});
        for (kind, obj) in every_pod_kind(spec) {
            let r = check(&FAMILY, obj, all.clone(), cluster.clone());
            assert!(r["accepted"].is_boolean(), "{kind}");
        }
    }
}

#[test]
fn classified_workload_controls_report_host_errors_and_skip_lookups_when_clean() {
    let labelled = |spec: Value, level: &str| {
        let mut obj = testing::workload("Deployment", spec, json!({}));
        obj["spec"]["template"]["metadata"]["labels"]["data-classification"] = json!(level);
        obj
    };
    let clean = json!({"containers": [{"name": "a", "image": "registry.example.com/a:1"}]});
    // A clean pod needs no lookup: admitted even when the host refuses.
    let r = testing::evaluate(
        &FAMILY,
        request(testing::workload("Deployment", clean.clone(), json!({}))),
        only("classified-workload-isolation", Value::Null),
        &REFUSING,
    );
    assert_allowed(&r);
    // A labelled pod needs no namespace lookup either.
    let r = testing::evaluate(
        &FAMILY,
        request(labelled(
            json!({"hostNetwork": true, "containers": [{"name": "a", "image": "x"}]}),
            "restricted",
        )),
        only("classified-workload-isolation", Value::Null),
        &REFUSING,
    );
    assert_denied(
        &r,
        &["spec.template.spec.hostNetwork", "classified restricted"],
    );
    // Default-deny: the NetworkPolicy list fails and is reported.
    let r = testing::evaluate(
        &FAMILY,
        request(labelled(clean.clone(), "confidential")),
        only("classified-namespace-default-deny", Value::Null),
        &REFUSING,
    );
    assert_denied(
        &r,
        &[
            "could not verify the NetworkPolicies of namespace \"team-a\"",
            "not been granted",
        ],
    );
    // Below the level: no NetworkPolicy lookup.
    let r = testing::evaluate(
        &FAMILY,
        request(labelled(clean, "internal")),
        only("classified-namespace-default-deny", Value::Null),
        &REFUSING,
    );
    assert_allowed(&r);
}

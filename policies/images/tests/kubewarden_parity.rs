//! The documented cases of Kubewarden's `trusted-repos` policy (README of
//! kubewarden/trusted-repos-policy, now in kubewarden/policies), expressed
//! with this module's settings: same verdicts, except where noted.

use images::FAMILY;
use kit::testing::*;
use serde_json::{Value, json};

fn pod(image: &str) -> Value {
    workload(
        "Pod",
        json!({"containers": [{"name": "app", "image": image}]}),
        json!({}),
    )
}

fn verdict(control: &str, params: Value, image: &str) -> bool {
    check(&FAMILY, pod(image), only(control, params), vec![])["accepted"] == true
}

#[test]
fn only_allow_images_from_one_registry() {
    // registries.allow: [registry.my-corp.com]
    let p = json!({"registries": ["registry.my-corp.com"]});
    assert!(verdict(
        "image-registry-allowed",
        p.clone(),
        "registry.my-corp.com/team/app:1"
    ));
    assert!(!verdict("image-registry-allowed", p.clone(), "nginx:1.21"));
    // Stricter than a textual match: a look-alike host is not the registry.
    assert!(!verdict(
        "image-registry-allowed",
        p,
        "registry.my-corp.com.evil.io/team/app:1"
    ));
}

#[test]
fn only_reject_docker_hub() {
    // registries.reject: [docker.io]
    let p = json!({"registries": ["docker.io"], "repositories": []});
    assert!(!verdict("image-registry-denied", p.clone(), "nginx:1.21"));
    assert!(!verdict(
        "image-registry-denied",
        p.clone(),
        "docker.io/library/nginx:1.21"
    ));
    assert!(!verdict(
        "image-registry-denied",
        p.clone(),
        "index.docker.io/bitnami/redis:7"
    ));
    assert!(verdict(
        "image-registry-denied",
        p,
        "quay.io/coreos/etcd:v3.4.12"
    ));
}

#[test]
fn reject_the_latest_tag() {
    // tags.reject: [latest]
    assert!(!verdict(
        "image-tag-not-latest",
        Value::Null,
        "nginx:latest"
    ));
    assert!(verdict("image-tag-not-latest", Value::Null, "nginx:1.21"));
    // trusted-repos normalises an untagged image to :latest and rejects it
    // under tags.reject; here the implicit latest is image-tag-required's.
    assert!(verdict("image-tag-not-latest", Value::Null, "nginx"));
    assert!(!verdict("image-tag-required", Value::Null, "nginx"));
}

#[test]
fn only_reject_one_specific_image() {
    // images.reject: [quay.io/etcd/etcd:v3.4.12]
    let p = json!({"registries": [], "repositories": ["quay.io/etcd/etcd:v3.4.12"]});
    assert!(!verdict(
        "image-registry-denied",
        p.clone(),
        "quay.io/etcd/etcd:v3.4.12"
    ));
    assert!(verdict(
        "image-registry-denied",
        p.clone(),
        "quay.io/etcd/etcd:v3.4.13"
    ));
    assert!(verdict("image-registry-denied", p, "nginx:1.21"));
}

#[test]
fn only_accept_a_well_known_set_of_pinned_images() {
    // images.allow: [etcd and redis by tag and digest]
    let etcd = "quay.io/coreos/etcd:v3.4.12@sha256:7ed2739c96eb16de3d7169e2a0aa4ccf3a1f44af24f2bb6cad826935a51bcb3d";
    let redis = "quay.io/bitnami/redis:6.0@sha256:82dfd9ac433eacb5f89e5bf2601659bbc78893c1a9e3e830c5ef4eb489fde079";
    let p = json!({"repositories": [etcd, redis]});
    assert!(verdict("image-registry-allowed", p.clone(), etcd));
    assert!(verdict("image-registry-allowed", p.clone(), redis));
    assert!(!verdict(
        "image-registry-allowed",
        p.clone(),
        "quay.io/coreos/etcd:v3.4.12"
    ));
    assert!(!verdict(
        "image-registry-allowed",
        p,
        "quay.io/bitnami/redis:6.0"
    ));
}

#[test]
fn accept_or_reject_images_with_any_tag() {
    // images.allow / images.reject: [nginx, quay.io/coreos/etcd]
    let p = json!({"repositories": ["nginx", "quay.io/coreos/etcd"]});
    for image in [
        "nginx:1.21",
        "nginx:latest",
        "docker.io/library/nginx:1.21",
        "quay.io/coreos/etcd:1.21",
        "quay.io/coreos/etcd:latest",
    ] {
        assert!(
            verdict("image-registry-allowed", p.clone(), image),
            "{image}"
        );
        let deny = json!({"registries": [], "repositories": ["nginx", "quay.io/coreos/etcd"]});
        assert!(!verdict("image-registry-denied", deny, image), "{image}");
    }
    assert!(!verdict("image-registry-allowed", p, "bitnami/nginx:1.21"));
}

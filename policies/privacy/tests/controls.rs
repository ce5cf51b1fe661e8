//! Native tests of every privacy control: passing and failing cases, the
//! parameters, the family options, and DELETE/UPDATE requests with oldObject.

mod common;

use common::*;
use serde_json::{Value, json};

// --- legal-hold-no-delete -----------------------------------------------------

#[test]
fn held_objects_of_every_holdable_kind_are_not_deleted() {
    let s = only("legal-hold-no-delete", Value::Null);
    let held_pvc = pvc(json!({HOLD: "true"}), json!({}), json!({}));
    denied(
        &run("DELETE", held_pvc.clone(), s.clone()),
        "legal-hold-no-delete",
        &[
            "metadata.labels['privacy.kube-soc2.io/legal-hold']",
            "PersistentVolumeClaim team-a/data is under legal hold",
        ],
    );
    // Part of the default set: no settings at all.
    denied(
        &run("DELETE", held_pvc.clone(), json!({})),
        "legal-hold-no-delete",
        &[],
    );
    // CREATE and UPDATE of a held object are not this control's business.
    assert_allowed(&create(held_pvc.clone(), s.clone()));
    let held = |kind: &str, api: &str| {
        json!({"apiVersion": api, "kind": kind,
               "metadata": {"name": "x", "namespace": "team-a", "annotations": {HOLD: "case-4711"}}})
    };
    for (kind, api) in [
        ("PersistentVolume", "v1"),
        ("Namespace", "v1"),
        ("VolumeSnapshot", "snapshot.storage.k8s.io/v1"),
        ("VolumeSnapshotContent", "snapshot.storage.k8s.io/v1"),
    ] {
        denied(
            &run("DELETE", held(kind, api), s.clone()),
            "legal-hold-no-delete",
            &["metadata.annotations['privacy.kube-soc2.io/legal-hold']"],
        );
    }
    // A VolumeSnapshot of another group is not a CSI snapshot.
    assert_allowed(&run(
        "DELETE",
        held("VolumeSnapshot", "example.com/v1"),
        s.clone(),
    ));
}

#[test]
fn hold_values_are_read_fail_closed() {
    let s = only("legal-hold-no-delete", Value::Null);
    for (value, held) in [
        (json!("true"), true),
        (json!("yes"), true),
        (json!("TRUE"), true),
        (json!(""), true),
        (json!(true), true),
        (json!(1), true),
        (json!("false"), false),
        (json!(false), false),
    ] {
        let r = run(
            "DELETE",
            pvc(json!({HOLD: value.clone()}), json!({}), json!({})),
            s.clone(),
        );
        assert_eq!(r["accepted"], !held, "{value}: {}", message(&r));
    }
    // The label says false, the annotation holds: held, reported at the annotation.
    let r = run(
        "DELETE",
        pvc(json!({HOLD: "false"}), json!({HOLD: "true"}), json!({})),
        s.clone(),
    );
    denied(
        &r,
        "legal-hold-no-delete",
        &["metadata.annotations['privacy.kube-soc2.io/legal-hold']"],
    );
    assert_allowed(&run("DELETE", pvc(json!({}), json!({}), json!({})), s));
}

#[test]
fn allowed_groups_delete_held_objects_with_evidence() {
    let held = pvc(json!({HOLD: "true"}), json!({}), json!({}));
    let r = run(
        "DELETE",
        held.clone(),
        only("legal-hold-no-delete", json!({"allowedGroups": ["dev"]})),
    );
    assert_allowed(&r);
    let evidence = annotation(&r, "kube-soc2.legal-hold-override").unwrap_or("");
    assert!(
        evidence.contains("PersistentVolumeClaim team-a/data")
            && evidence.contains("alice")
            && evidence.contains("group dev"),
        "{evidence}"
    );
    let r = run(
        "DELETE",
        held,
        only("legal-hold-no-delete", json!({"allowedGroups": ["legal"]})),
    );
    denied(&r, "legal-hold-no-delete", &[]);
    assert!(annotation(&r, "kube-soc2.legal-hold-override").is_none());
}

#[test]
fn the_hold_key_is_a_family_option() {
    let s = with_options(
        "legal-hold-no-delete",
        Value::Null,
        json!({"legalHoldKey": "example.com/hold"}),
    );
    assert_allowed(&run(
        "DELETE",
        pvc(json!({HOLD: "true"}), json!({}), json!({})),
        s.clone(),
    ));
    denied(
        &run(
            "DELETE",
            pvc(json!({"example.com/hold": "true"}), json!({}), json!({})),
            s,
        ),
        "legal-hold-no-delete",
        &["metadata.labels['example.com/hold']"],
    );
}

// --- legal-hold-no-weakening --------------------------------------------------

#[test]
fn updates_keep_the_hold_the_retention_and_the_reclaim_policy() {
    let s = only("legal-hold-no-weakening", Value::Null);
    let old = pvc(json!({HOLD: "true"}), json!({RETENTION: "P7Y"}), json!({}));
    assert_allowed(&update(old.clone(), old.clone(), s.clone()));
    // Lengthening is fine.
    assert_allowed(&update(
        old.clone(),
        pvc(json!({HOLD: "true"}), json!({RETENTION: "P10Y"}), json!({})),
        s.clone(),
    ));
    denied(
        &update(
            old.clone(),
            pvc(json!({}), json!({RETENTION: "P7Y"}), json!({})),
            s.clone(),
        ),
        "legal-hold-no-weakening",
        &["metadata.labels['privacy.kube-soc2.io/legal-hold']: the legal hold"],
    );
    denied(
        &update(
            old.clone(),
            pvc(json!({HOLD: "false"}), json!({RETENTION: "P7Y"}), json!({})),
            s.clone(),
        ),
        "legal-hold-no-weakening",
        &["removed or set to \"false\""],
    );
    denied(
        &update(
            old.clone(),
            pvc(json!({HOLD: "true"}), json!({RETENTION: "P1Y"}), json!({})),
            s.clone(),
        ),
        "legal-hold-no-weakening",
        &[
            "metadata.annotations['privacy.kube-soc2.io/retention']",
            "shortened from P7Y to P1Y",
        ],
    );
    denied(
        &update(
            old.clone(),
            pvc(json!({HOLD: "true"}), json!({}), json!({})),
            s.clone(),
        ),
        "legal-hold-no-weakening",
        &["retention annotation (P7Y) is removed"],
    );
    denied(
        &update(
            old.clone(),
            pvc(
                json!({HOLD: "true"}),
                json!({RETENTION: "forever"}),
                json!({}),
            ),
            s.clone(),
        ),
        "legal-hold-no-weakening",
        &["becomes \"forever\""],
    );
    denied(
        &update(
            old.clone(),
            pvc(json!({HOLD: "true"}), json!({RETENTION: 7}), json!({})),
            s.clone(),
        ),
        "legal-hold-no-weakening",
        &["becomes 7"],
    );
    // Not held before: anything goes (the hold may also be added).
    let free = pvc(json!({}), json!({RETENTION: "P7Y"}), json!({}));
    assert_allowed(&update(
        free.clone(),
        pvc(json!({}), json!({RETENTION: "P1D"}), json!({})),
        s.clone(),
    ));
    assert_allowed(&update(free, old.clone(), s.clone()));
    // An UPDATE without oldObject (audit scan) has nothing to compare.
    assert_allowed(&create(old, s));
}

#[test]
fn held_volumes_keep_retain() {
    let s = only("legal-hold-no-weakening", Value::Null);
    let volume = |policy: Value| {
        let mut spec = json!({"capacity": {"storage": "10Gi"}});
        if !policy.is_null() {
            spec["persistentVolumeReclaimPolicy"] = policy;
        }
        pv(json!({HOLD: "true"}), json!({}), spec)
    };
    denied(
        &update(volume(json!("Retain")), volume(json!("Delete")), s.clone()),
        "legal-hold-no-weakening",
        &[
            "spec.persistentVolumeReclaimPolicy: persistentVolumeReclaimPolicy changes from Retain to \"Delete\"",
        ],
    );
    // Absent means Retain for a PersistentVolume.
    denied(
        &update(volume(Value::Null), volume(json!("Recycle")), s.clone()),
        "legal-hold-no-weakening",
        &[],
    );
    assert_allowed(&update(
        volume(Value::Null),
        volume(json!("Retain")),
        s.clone(),
    ));
    assert_allowed(&update(
        volume(json!("Delete")),
        volume(json!("Delete")),
        s.clone(),
    ));
    let content = |policy: &str| {
        json!({"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotContent",
               "metadata": {"name": "snapcontent-1", "labels": {HOLD: "true"}},
               "spec": {"deletionPolicy": policy, "driver": "ebs.csi.aws.com"}})
    };
    denied(
        &update(content("Retain"), content("Delete"), s.clone()),
        "legal-hold-no-weakening",
        &["spec.deletionPolicy"],
    );
    // Allowed groups may, with evidence.
    let r = update(
        volume(json!("Retain")),
        volume(json!("Delete")),
        only(
            "legal-hold-no-weakening",
            json!({"allowedGroups": ["system:authenticated"]}),
        ),
    );
    assert_allowed(&r);
    assert!(
        annotation(&r, "kube-soc2.legal-hold-override")
            .is_some_and(|e| e.contains("PersistentVolume pv-1"))
    );
}

// --- retention-metadata -------------------------------------------------------

#[test]
fn personal_data_declares_retention_and_owner() {
    let s = only("retention-metadata", json!({}));
    let ns = |ann: Value| namespace("crm", json!({PERSONAL: "true"}), ann);
    assert_allowed(&create(
        ns(json!({RETENTION: "P7Y", OWNER: "team-crm"})),
        s.clone(),
    ));
    // Default set.
    denied(&create(ns(json!({})), json!({})), "retention-metadata", &[]);
    denied(
        &create(ns(json!({})), s.clone()),
        "retention-metadata",
        &[
            "metadata.annotations['privacy.kube-soc2.io/retention']: the object holds personal data but has no retention annotation",
            "metadata.annotations['privacy.kube-soc2.io/data-owner']",
        ],
    );
    denied(
        &create(ns(json!({RETENTION: "P7Y", OWNER: "  "})), s.clone()),
        "retention-metadata",
        &["names no data owner"],
    );
    assert_allowed(&create(
        ns(json!({RETENTION: "P7Y"})),
        only("retention-metadata", json!({"requireOwner": false})),
    ));
    for (bad, needle) in [
        ("7 years", "not an ISO 8601 duration"),
        ("P", "has no component after P"),
        ("PT", "T without a time component"),
        ("P1.5Y2M", "component after a fractional one"),
        ("p7y", "must start with P"),
        ("P0D", "is zero"),
    ] {
        denied(
            &create(ns(json!({RETENTION: bad, OWNER: "x"})), s.clone()),
            "retention-metadata",
            &[needle],
        );
    }
    denied(
        &create(ns(json!({RETENTION: 7, OWNER: "x"})), s.clone()),
        "retention-metadata",
        &["is 7, not"],
    );
    // Unmarked objects need nothing, but a retention they declare must parse.
    assert_allowed(&create(namespace("shop", json!({}), json!({})), s.clone()));
    denied(
        &create(
            namespace("shop", json!({}), json!({RETENTION: "7y"})),
            s.clone(),
        ),
        "retention-metadata",
        &[],
    );
    // Claims too, by label or annotation.
    denied(
        &create(
            pvc(json!({}), json!({PERSONAL: "true"}), json!({})),
            s.clone(),
        ),
        "retention-metadata",
        &[],
    );
    assert_allowed(&create(
        pvc(json!({PERSONAL: "false"}), json!({}), json!({})),
        s.clone(),
    ));
}

#[test]
fn retention_bounds_per_class() {
    let params = json!({"minimum": "P1Y", "maximum": "P10Y",
                        "minimumByClass": {"restricted": "P6Y"}, "maximumByClass": {"internal": "P2Y"}});
    let s = only("retention-metadata", params);
    let ns = |class: &str, retention: &str| {
        namespace(
            "crm",
            json!({PERSONAL: "true", "data-classification": class}),
            json!({RETENTION: retention, OWNER: "x"}),
        )
    };
    assert_allowed(&create(ns("confidential", "P5Y"), s.clone()));
    denied(
        &create(ns("confidential", "P6M"), s.clone()),
        "retention-metadata",
        &["shorter than the minimum for class confidential"],
    );
    denied(
        &create(ns("confidential", "P11Y"), s.clone()),
        "retention-metadata",
        &["longer than the maximum"],
    );
    denied(
        &create(ns("restricted", "P5Y"), s.clone()),
        "retention-metadata",
        &["shorter than the minimum for class restricted"],
    );
    assert_allowed(&create(ns("restricted", "P6Y"), s.clone()));
    denied(
        &create(ns("internal", "P3Y"), s.clone()),
        "retention-metadata",
        &["longer than the maximum for class internal"],
    );
    // P12M equals P1Y; P365D is a little shorter.
    assert_allowed(&create(ns("x", "P12M"), s.clone()));
    denied(
        &create(ns("x", "P365D"), s.clone()),
        "retention-metadata",
        &["shorter than the minimum"],
    );
    // Classes that require retention metadata without the personal-data mark.
    let s = only("retention-metadata", json!({"classes": ["restricted"]}));
    denied(
        &create(
            namespace(
                "vault",
                json!({"data-classification": "restricted"}),
                json!({}),
            ),
            s.clone(),
        ),
        "retention-metadata",
        &["classification restricted"],
    );
    assert_allowed(&create(
        namespace("web", json!({"data-classification": "public"}), json!({})),
        s,
    ));
}

#[test]
fn workloads_only_when_included() {
    let mut d = kit::testing::workload(
        "Deployment",
        json!({"containers": [{"name": "a", "image": "a"}]}),
        json!({}),
    );
    d["metadata"]["labels"][PERSONAL] = json!("true");
    assert_allowed(&create(d.clone(), only("retention-metadata", json!({}))));
    denied(
        &create(
            d.clone(),
            only("retention-metadata", json!({"includeWorkloads": true})),
        ),
        "retention-metadata",
        &["no retention annotation"],
    );
    let mut cj = kit::testing::workload(
        "CronJob",
        json!({"containers": [{"name": "a", "image": "a"}]}),
        json!({}),
    );
    cj["metadata"]["annotations"] = json!({PERSONAL: "true", RETENTION: "P90D", OWNER: "ops"});
    assert_allowed(&create(
        cj,
        only("retention-metadata", json!({"includeWorkloads": true})),
    ));
}

// --- inventory-owner-labels ---------------------------------------------------

#[test]
fn owner_and_system_labels() {
    let s = only(
        "inventory-owner-labels",
        json!({"labels": {"owner": "team-*", "app.kubernetes.io/part-of": "*"}}),
    );
    assert_allowed(&create(
        namespace(
            "shop",
            json!({"owner": "team-shop", "app.kubernetes.io/part-of": "shop"}),
            json!({}),
        ),
        s.clone(),
    ));
    denied(
        &create(
            namespace("shop", json!({"owner": "bob"}), json!({})),
            s.clone(),
        ),
        "inventory-owner-labels",
        &[
            "metadata.labels['owner']: the label owner \"bob\" does not match the pattern \"team-*\"",
            "metadata.labels['app.kubernetes.io/part-of']: the label app.kubernetes.io/part-of is missing",
        ],
    );
    denied(
        &create(
            namespace(
                "shop",
                json!({"owner": "team-a b", "app.kubernetes.io/part-of": "x"}),
                json!({}),
            ),
            s.clone(),
        ),
        "inventory-owner-labels",
        &["not a valid label value"],
    );
    denied(
        &create(
            namespace(
                "shop",
                json!({"owner": 5, "app.kubernetes.io/part-of": "x"}),
                json!({}),
            ),
            s.clone(),
        ),
        "inventory-owner-labels",
        &["is 5, not a string"],
    );
    denied(
        &create(
            namespace(
                "shop",
                json!({"owner": "", "app.kubernetes.io/part-of": "x"}),
                json!({}),
            ),
            s.clone(),
        ),
        "inventory-owner-labels",
        &["is empty"],
    );
    // Kinds not listed are not checked; listed ones are.
    assert_allowed(&create(pv(json!({}), json!({}), json!({})), s.clone()));
    let s = only(
        "inventory-owner-labels",
        json!({"kinds": ["PersistentVolume"]}),
    );
    denied(
        &create(pv(json!({}), json!({}), json!({})), s.clone()),
        "inventory-owner-labels",
        &["owner is missing"],
    );
    assert_allowed(&create(namespace("shop", json!({}), json!({})), s));
    // Opt-in.
    assert_allowed(&create(namespace("shop", json!({}), json!({})), json!({})));
}

// --- storage-reclaim-retain ---------------------------------------------------

#[test]
fn regulated_storage_classes_and_volumes_retain() {
    let s = only("storage-reclaim-retain", json!({}));
    let marked = json!({PERSONAL: "true"});
    denied(
        &create(
            storage_class(marked.clone(), json!({}), json!({})),
            json!({}),
        ),
        "storage-reclaim-retain",
        &[
            "reclaimPolicy: reclaim policy Delete (the default) for regulated storage (personal data)",
        ],
    );
    assert_allowed(&create(
        storage_class(
            marked.clone(),
            json!({}),
            json!({"reclaimPolicy": "Retain"}),
        ),
        s.clone(),
    ));
    assert_allowed(&create(
        storage_class(
            marked.clone(),
            json!({DISPOSAL: "DISP-7 crypto-shred"}),
            json!({"reclaimPolicy": "Delete"}),
        ),
        s.clone(),
    ));
    denied(
        &create(
            storage_class(
                marked.clone(),
                json!({DISPOSAL: " "}),
                json!({"reclaimPolicy": "Delete"}),
            ),
            s.clone(),
        ),
        "storage-reclaim-retain",
        &["without a documented disposal path"],
    );
    denied(
        &create(
            storage_class(
                marked.clone(),
                json!({DISPOSAL: "x"}),
                json!({"reclaimPolicy": "Recycle"}),
            ),
            s.clone(),
        ),
        "storage-reclaim-retain",
        &["Recycle"],
    );
    denied(
        &create(
            storage_class(marked.clone(), json!({}), json!({"reclaimPolicy": "Keep"})),
            s.clone(),
        ),
        "storage-reclaim-retain",
        &["\"Keep\" is not Retain"],
    );
    denied(
        &create(
            storage_class(marked, json!({}), json!({"reclaimPolicy": true})),
            s.clone(),
        ),
        "storage-reclaim-retain",
        &["true is not Retain"],
    );
    // Classification among regulatedClasses (a family option).
    denied(
        &create(
            storage_class(
                json!({"data-classification": "restricted"}),
                json!({}),
                json!({}),
            ),
            s.clone(),
        ),
        "storage-reclaim-retain",
        &["classification restricted"],
    );
    assert_allowed(&create(
        storage_class(
            json!({"data-classification": "public"}),
            json!({}),
            json!({}),
        ),
        s.clone(),
    ));
    assert_allowed(&create(
        storage_class(
            json!({"data-classification": "restricted"}),
            json!({}),
            json!({}),
        ),
        with_options(
            "storage-reclaim-retain",
            json!({}),
            json!({"regulatedClasses": ["secret"]}),
        ),
    ));
    // Unmarked classes are not checked unless listed.
    assert_allowed(&create(
        storage_class(json!({}), json!({}), json!({})),
        s.clone(),
    ));
    let listed = only(
        "storage-reclaim-retain",
        json!({"regulatedStorageClasses": ["regulated-*"]}),
    );
    denied(
        &create(
            storage_class(json!({}), json!({}), json!({})),
            listed.clone(),
        ),
        "storage-reclaim-retain",
        &["listed in regulatedStorageClasses"],
    );
    // PersistentVolumes: absent means Retain; the class name counts too.
    assert_allowed(&create(
        pv(json!({PERSONAL: "true"}), json!({}), json!({})),
        s.clone(),
    ));
    denied(
        &create(
            pv(
                json!({PERSONAL: "true"}),
                json!({}),
                json!({"persistentVolumeReclaimPolicy": "Delete"}),
            ),
            s.clone(),
        ),
        "storage-reclaim-retain",
        &["spec.persistentVolumeReclaimPolicy"],
    );
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"storageClassName": "regulated-ssd", "persistentVolumeReclaimPolicy": "Delete"}),
            ),
            listed,
        ),
        "storage-reclaim-retain",
        &[],
    );
}

// --- snapshot-class-retain ----------------------------------------------------

#[test]
fn regulated_snapshot_classes_retain() {
    let s = only("snapshot-class-retain", json!({}));
    let marked = json!({"data-classification": "confidential"});
    assert_allowed(&create(
        snapshot_class(marked.clone(), json!({}), json!("Retain")),
        s.clone(),
    ));
    denied(
        &create(
            snapshot_class(marked.clone(), json!({}), json!("Delete")),
            json!({}),
        ),
        "snapshot-class-retain",
        &["deletionPolicy: deletionPolicy Delete"],
    );
    assert_allowed(&create(
        snapshot_class(marked.clone(), json!({DISPOSAL: "DISP-9"}), json!("Delete")),
        s.clone(),
    ));
    denied(
        &create(
            snapshot_class(marked.clone(), json!({}), Value::Null),
            s.clone(),
        ),
        "snapshot-class-retain",
        &["missing"],
    );
    denied(
        &create(
            snapshot_class(marked, json!({}), json!("retain")),
            s.clone(),
        ),
        "snapshot-class-retain",
        &["\"retain\" is not Retain"],
    );
    assert_allowed(&create(
        snapshot_class(json!({}), json!({}), json!("Delete")),
        s.clone(),
    ));
    denied(
        &create(
            snapshot_class(json!({}), json!({}), json!("Delete")),
            only(
                "snapshot-class-retain",
                json!({"regulatedSnapshotClasses": ["csi-*"]}),
            ),
        ),
        "snapshot-class-retain",
        &[],
    );
}

// --- pv-no-host-path, pv-nfs-allowed-servers -------------------------------------

#[test]
fn host_path_and_nfs_volumes() {
    let s = only("pv-no-host-path", json!({}));
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"hostPath": {"path": "/var/data"}}),
            ),
            json!({}),
        ),
        "pv-no-host-path",
        &["spec.hostPath: the volume is the host directory \"/var/data\""],
    );
    denied(
        &create(
            pv(json!({}), json!({}), json!({"hostPath": "weird"})),
            s.clone(),
        ),
        "pv-no-host-path",
        &["\"weird\""],
    );
    assert_allowed(&create(
        pv(
            json!({}),
            json!({}),
            json!({"local": {"path": "/mnt/disk"}}),
        ),
        s.clone(),
    ));
    let allow = only(
        "pv-no-host-path",
        json!({"allowedPaths": ["/var/local-path/*"]}),
    );
    assert_allowed(&create(
        pv(
            json!({}),
            json!({}),
            json!({"hostPath": {"path": "/var/local-path/pv-1"}}),
        ),
        allow.clone(),
    ));
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"hostPath": {"path": "/var/local-path/../../etc"}}),
            ),
            allow,
        ),
        "pv-no-host-path",
        &[],
    );

    let s = only(
        "pv-nfs-allowed-servers",
        json!({"allowedServers": ["nfs.corp.example"], "allowedPaths": ["/exports/*"]}),
    );
    assert_allowed(&create(
        pv(
            json!({}),
            json!({}),
            json!({"nfs": {"server": "nfs.corp.example", "path": "/exports/team-a"}}),
        ),
        s.clone(),
    ));
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"nfs": {"server": "10.0.0.9", "path": "/"}}),
            ),
            s.clone(),
        ),
        "pv-nfs-allowed-servers",
        &["spec.nfs.server: NFS server \"10.0.0.9\"", "spec.nfs.path"],
    );
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"nfs": {"server": "nfs.corp.example", "path": "/exports/../etc"}}),
            ),
            s.clone(),
        ),
        "pv-nfs-allowed-servers",
        &["spec.nfs.path"],
    );
    denied(
        &create(
            pv(json!({}), json!({}), json!({"nfs": {"path": "/exports/a"}})),
            s,
        ),
        "pv-nfs-allowed-servers",
        &["missing"],
    );
    // Opt-in, and with no servers configured every NFS volume is refused.
    assert_allowed(&create(
        pv(
            json!({}),
            json!({}),
            json!({"nfs": {"server": "x", "path": "/"}}),
        ),
        json!({}),
    ));
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"nfs": {"server": "x", "path": "/"}}),
            ),
            only("pv-nfs-allowed-servers", json!({})),
        ),
        "pv-nfs-allowed-servers",
        &[],
    );
}

// --- pvc-storage-class-allowed, pvc-access-modes, pvc-size-cap -------------------

fn statefulset(templates: Value) -> Value {
    let mut s = kit::testing::workload(
        "StatefulSet",
        json!({"containers": [{"name": "db", "image": "db"}]}),
        json!({}),
    );
    s["spec"]["volumeClaimTemplates"] = templates;
    s
}

#[test]
fn claim_classes_per_classification() {
    let s = only(
        "pvc-storage-class-allowed",
        json!({
        "allowed": ["standard", "fast-*"],
        "allowedByClass": {"restricted": "regulated-ssd", "personal-data": "regulated-ssd, eu-ssd"}}),
    );
    let claim = |labels: Value, class: Value| {
        let mut spec = json!({});
        if !class.is_null() {
            spec["storageClassName"] = class;
        }
        pvc(labels, json!({}), spec)
    };
    assert_allowed(&create(claim(json!({}), json!("fast-nvme")), s.clone()));
    denied(
        &create(claim(json!({}), json!("cheap")), s.clone()),
        "pvc-storage-class-allowed",
        &[
            "spec.storageClassName: StorageClass \"cheap\" is not among the classes allowed (standard, fast-*)",
        ],
    );
    denied(
        &create(
            claim(
                json!({"data-classification": "restricted"}),
                json!("standard"),
            ),
            s.clone(),
        ),
        "pvc-storage-class-allowed",
        &["allowed for restricted (regulated-ssd)"],
    );
    assert_allowed(&create(
        claim(json!({PERSONAL: "true"}), json!("eu-ssd")),
        s.clone(),
    ));
    denied(
        &create(claim(json!({PERSONAL: "true"}), Value::Null), s.clone()),
        "pvc-storage-class-allowed",
        &["no storageClassName"],
    );
    denied(
        &create(claim(json!({}), json!(5)), s.clone()),
        "pvc-storage-class-allowed",
        &["StorageClass 5"],
    );
    // StatefulSet claim templates, each with its path.
    let sts = statefulset(json!([
        {"metadata": {"name": "ok"}, "spec": {"storageClassName": "standard"}},
        {"metadata": {"name": "bad", "labels": {"data-classification": "restricted"}}, "spec": {"storageClassName": "standard"}}]));
    denied(
        &create(sts, s.clone()),
        "pvc-storage-class-allowed",
        &["spec.volumeClaimTemplates[1].spec.storageClassName"],
    );
    // The namespace's classification through context.
    let ctx = only(
        "pvc-storage-class-allowed",
        json!({"allowedByClass": {"restricted": "regulated-ssd"}, "readNamespace": true}),
    );
    let ns = namespace(
        "team-a",
        json!({"data-classification": "restricted"}),
        json!({}),
    );
    let r = run_on(
        "CREATE",
        claim(json!({}), json!("standard")),
        ctx.clone(),
        &kit::Snapshot::new(vec![ns.clone()]),
    );
    denied(&r, "pvc-storage-class-allowed", &["allowed for restricted"]);
    assert_allowed(&run_on(
        "CREATE",
        claim(json!({}), json!("regulated-ssd")),
        ctx.clone(),
        &kit::Snapshot::new(vec![ns]),
    ));
    assert_allowed(&run_on(
        "CREATE",
        claim(json!({}), json!("standard")),
        ctx.clone(),
        &kit::Snapshot::new(vec![]),
    ));
    denied(
        &refusing("CREATE", claim(json!({}), json!("standard")), ctx),
        "pvc-storage-class-allowed",
        &[
            "could not verify the data marks of namespace team-a: Policy has not been granted access",
        ],
    );
}

#[test]
fn access_modes() {
    let s = only("pvc-access-modes", json!({}));
    assert_allowed(&create(
        pvc(
            json!({}),
            json!({}),
            json!({"accessModes": ["ReadWriteOncePod"]}),
        ),
        s.clone(),
    ));
    denied(
        &create(
            pvc(
                json!({}),
                json!({}),
                json!({"accessModes": ["ReadWriteOncePod", "ReadWriteMany"]}),
            ),
            s.clone(),
        ),
        "pvc-access-modes",
        &["spec.accessModes[1]: access mode \"ReadWriteMany\" is not allowed"],
    );
    denied(
        &create(pvc(json!({}), json!({}), json!({})), s.clone()),
        "pvc-access-modes",
        &["spec.accessModes: accessModes is missing"],
    );
    denied(
        &create(
            pvc(
                json!({}),
                json!({}),
                json!({"accessModes": "ReadWriteOncePod"}),
            ),
            s.clone(),
        ),
        "pvc-access-modes",
        &["accessModes is \"ReadWriteOncePod\""],
    );
    denied(
        &create(
            statefulset(json!([{"spec": {"accessModes": ["ReadWriteOnce"]}}])),
            s.clone(),
        ),
        "pvc-access-modes",
        &["spec.volumeClaimTemplates[0].spec.accessModes[0]"],
    );
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"accessModes": ["ReadWriteMany"]}),
            ),
            s,
        ),
        "pvc-access-modes",
        &["spec.accessModes[0]"],
    );
    let regulated = only(
        "pvc-access-modes",
        json!({"onlyRegulated": true, "allowedModes": ["ReadWriteOncePod", "ReadWriteOnce"]}),
    );
    assert_allowed(&create(
        pvc(
            json!({}),
            json!({}),
            json!({"accessModes": ["ReadWriteMany"]}),
        ),
        regulated.clone(),
    ));
    denied(
        &create(
            pvc(
                json!({PERSONAL: "true"}),
                json!({}),
                json!({"accessModes": ["ReadWriteMany"]}),
            ),
            regulated,
        ),
        "pvc-access-modes",
        &[],
    );
}

#[test]
fn size_caps() {
    let s = only("pvc-size-cap", json!({"maxSize": "50Gi"}));
    let claim = |size: Value| {
        pvc(
            json!({}),
            json!({}),
            json!({"resources": {"requests": {"storage": size}}}),
        )
    };
    assert_allowed(&create(claim(json!("50Gi")), s.clone()));
    assert_allowed(&create(claim(json!("53687091200")), s.clone()));
    denied(
        &create(claim(json!("53687091201")), s.clone()),
        "pvc-size-cap",
        &["spec.resources.requests.storage: storage size \"53687091201\" exceeds the cap 50Gi"],
    );
    denied(
        &create(claim(json!("1Ti")), s.clone()),
        "pvc-size-cap",
        &["exceeds"],
    );
    denied(
        &create(claim(json!("60G")), s.clone()),
        "pvc-size-cap",
        &["exceeds"],
    );
    denied(
        &create(claim(json!("10GB")), s.clone()),
        "pvc-size-cap",
        &["not a Kubernetes quantity"],
    );
    denied(
        &create(claim(json!(true)), s.clone()),
        "pvc-size-cap",
        &["not a Kubernetes quantity"],
    );
    assert_allowed(&create(claim(json!(1024)), s.clone()));
    denied(
        &create(pvc(json!({}), json!({}), json!({})), s.clone()),
        "pvc-size-cap",
        &["no storage size"],
    );
    let mut with_limit = claim(json!("1Gi"));
    with_limit["spec"]["resources"]["limits"] = json!({"storage": "1Pi"});
    denied(
        &create(with_limit, s.clone()),
        "pvc-size-cap",
        &["spec.resources.limits.storage"],
    );
    denied(
        &create(
            pv(
                json!({}),
                json!({}),
                json!({"capacity": {"storage": "100Gi"}}),
            ),
            s.clone(),
        ),
        "pvc-size-cap",
        &["spec.capacity.storage"],
    );
    denied(
        &create(
            statefulset(json!([{"spec": {"resources": {"requests": {"storage": "1Ti"}}}}])),
            s,
        ),
        "pvc-size-cap",
        &["spec.volumeClaimTemplates[0].spec.resources.requests.storage"],
    );
}

// --- velero-backup-retention ----------------------------------------------------

#[test]
fn velero_backups_and_schedules() {
    let s = only(
        "velero-backup-retention",
        json!({"minimum": "P30D", "maximum": "P400D", "allowedStorageLocations": ["eu-*"]}),
    );
    assert_allowed(&create(
        backup(json!({"ttl": "2160h0m0s", "storageLocation": "eu-west"})),
        s.clone(),
    ));
    denied(
        &create(
            backup(json!({"ttl": "168h", "storageLocation": "eu-west"})),
            s.clone(),
        ),
        "velero-backup-retention",
        &["spec.ttl: backups expire after 7 days, before the retention minimum (30 days)"],
    );
    denied(
        &create(
            backup(json!({"ttl": "87600h", "storageLocation": "eu-west"})),
            s.clone(),
        ),
        "velero-backup-retention",
        &["beyond the retention maximum"],
    );
    denied(
        &create(
            backup(json!({"ttl": "30d", "storageLocation": "eu-west"})),
            s.clone(),
        ),
        "velero-backup-retention",
        &["ttl \"30d\" is not a Go duration"],
    );
    denied(
        &create(
            backup(json!({"ttl": 720, "storageLocation": "eu-west"})),
            s.clone(),
        ),
        "velero-backup-retention",
        &["not a Go duration string"],
    );
    denied(
        &create(
            backup(json!({"ttl": "-1h", "storageLocation": "eu-west"})),
            s.clone(),
        ),
        "velero-backup-retention",
        &["before the retention minimum"],
    );
    // Absent or 0: the server default (720h = 30 days by default).
    assert_allowed(&create(
        backup(json!({"storageLocation": "eu-west"})),
        s.clone(),
    ));
    assert_allowed(&create(
        backup(json!({"ttl": "0s", "storageLocation": "eu-west"})),
        s.clone(),
    ));
    denied(
        &create(
            backup(json!({"storageLocation": "eu-west"})),
            only(
                "velero-backup-retention",
                json!({"serverDefaultTtl": "24h"}),
            ),
        ),
        "velero-backup-retention",
        &["the server default (1 days)"],
    );
    denied(
        &create(
            backup(json!({"ttl": "720h", "storageLocation": "us-east"})),
            s.clone(),
        ),
        "velero-backup-retention",
        &["spec.storageLocation: storage location \"us-east\" is not allowed"],
    );
    denied(
        &create(backup(json!({"ttl": "720h"})), s.clone()),
        "velero-backup-retention",
        &["absent (the default location)"],
    );
    // Schedules: spec.template, the cron expression, paused.
    let sched = |cron: Value, paused: Value| {
        let mut spec =
            json!({"schedule": cron, "template": {"ttl": "720h", "storageLocation": "eu-1"}});
        if !paused.is_null() {
            spec["paused"] = paused;
        }
        schedule("daily", spec)
    };
    assert_allowed(&create(sched(json!("0 2 * * *"), json!(false)), s.clone()));
    denied(
        &create(sched(json!("0 25 * * *"), Value::Null), s.clone()),
        "velero-backup-retention",
        &["spec.schedule: schedule \"0 25 * * *\" is not a valid cron expression"],
    );
    denied(
        &create(sched(Value::Null, Value::Null), s.clone()),
        "velero-backup-retention",
        &["spec.schedule"],
    );
    denied(
        &create(sched(json!("@daily"), json!(true)), s.clone()),
        "velero-backup-retention",
        &["spec.paused"],
    );
    denied(
        &create(sched(json!("@daily"), json!("false")), s.clone()),
        "velero-backup-retention",
        &["spec.paused"],
    );
    let mut short = sched(json!("@daily"), Value::Null);
    short["spec"]["template"]["ttl"] = json!("24h");
    denied(
        &create(short, s),
        "velero-backup-retention",
        &["spec.template.ttl"],
    );
}

// --- personal-data-backup-coverage ----------------------------------------------

#[test]
fn personal_data_namespaces_are_backed_up() {
    let s = only("personal-data-backup-coverage", json!({"minimum": "P30D"}));
    let ns = namespace("crm", json!({PERSONAL: "true"}), json!({}));
    let covering = schedule(
        "all",
        json!({"schedule": "0 1 * * *", "template": {"includedNamespaces": ["*"], "ttl": "720h"}}),
    );
    let on = |objects: Vec<Value>| {
        run_on(
            "CREATE",
            ns.clone(),
            s.clone(),
            &kit::Snapshot::new(objects),
        )
    };
    assert_allowed(&on(vec![covering.clone()]));
    assert_allowed(&on(vec![schedule(
        "crm",
        json!({"schedule": "@daily", "template": {"includedNamespaces": ["cr?"]}}),
    )]));
    denied(
        &on(vec![]),
        "personal-data-backup-coverage",
        &[
            "metadata.name: namespace crm holds personal data but no Velero Schedule in namespace velero backs it up",
        ],
    );
    denied(
        &on(vec![schedule(
            "other",
            json!({"schedule": "@daily", "template": {"includedNamespaces": ["shop"]}}),
        )]),
        "personal-data-backup-coverage",
        &["other does not include the namespace"],
    );
    denied(
        &on(vec![schedule(
            "ex",
            json!({"schedule": "@daily", "template": {"excludedNamespaces": ["crm"]}}),
        )]),
        "personal-data-backup-coverage",
        &["ex does not include"],
    );
    denied(
        &on(vec![schedule(
            "p",
            json!({"schedule": "@daily", "paused": true, "template": {}}),
        )]),
        "personal-data-backup-coverage",
        &["p is paused"],
    );
    denied(
        &on(vec![schedule(
            "c",
            json!({"schedule": "daily", "template": {}}),
        )]),
        "personal-data-backup-coverage",
        &["c has no valid cron schedule"],
    );
    denied(
        &on(vec![schedule(
            "t",
            json!({"schedule": "@daily", "template": {"ttl": "24h"}}),
        )]),
        "personal-data-backup-coverage",
        &["t keeps backups 1 days only"],
    );
    denied(
        &on(vec![schedule(
            "t",
            json!({"schedule": "@daily", "template": {"ttl": "1 day"}}),
        )]),
        "personal-data-backup-coverage",
        &["unreadable ttl"],
    );
    // A Schedule in another namespace does not count.
    let mut elsewhere = covering;
    elsewhere["metadata"]["namespace"] = json!("backup");
    denied(&on(vec![elsewhere]), "personal-data-backup-coverage", &[]);
    denied(
        &refusing("CREATE", ns.clone(), s.clone()),
        "personal-data-backup-coverage",
        &[
            "could not verify that a Velero Schedule backs up namespace crm: Policy has not been granted access to Kubernetes Schedule resources",
        ],
    );
    // Unmarked namespaces need no lookup.
    assert_allowed(&refusing(
        "CREATE",
        namespace("shop", json!({}), json!({})),
        s,
    ));
}

// --- personal-data-residency ------------------------------------------------------

#[test]
fn residency_of_workloads_and_storage() {
    let s = only(
        "personal-data-residency",
        json!({"allowedRegions": ["eu-*"]}),
    );
    let ns = namespace("team-a", json!({PERSONAL: "true"}), json!({}));
    let cluster = kit::Snapshot::new(vec![ns]);
    let spec = |extra: Value| {
        let mut p = json!({"containers": [{"name": "a", "image": "a"}]});
        if let (Some(o), Some(e)) = (p.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                o.insert(k.clone(), v.clone());
            }
        }
        p
    };
    for kind in ["Pod", "Deployment", "CronJob", "StatefulSet"] {
        let w = |extra: Value| kit::testing::workload(kind, spec(extra), json!({}));
        let path = kit::text!("{}.nodeSelector", kit::testing::spec_path(kind));
        denied(
            &run_on("CREATE", w(json!({})), s.clone(), &cluster),
            "personal-data-residency",
            &[&path, "pods handling personal data are not pinned"],
        );
        assert_allowed(&run_on(
            "CREATE",
            w(json!({"nodeSelector": {"topology.kubernetes.io/region": "eu-west-1"}})),
            s.clone(),
            &cluster,
        ));
        denied(
            &run_on(
                "CREATE",
                w(json!({"nodeSelector": {"topology.kubernetes.io/region": "us-east-1"}})),
                s.clone(),
                &cluster,
            ),
            "personal-data-residency",
            &[],
        );
        let affinity = |op: &str, values: Value| {
            json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "topology.kubernetes.io/region", "operator": op, "values": values}]}]}}}})
        };
        assert_allowed(&run_on(
            "CREATE",
            w(affinity("In", json!(["eu-west-1", "eu-central-1"]))),
            s.clone(),
            &cluster,
        ));
        denied(
            &run_on(
                "CREATE",
                w(affinity("In", json!(["eu-west-1", "us-east-1"]))),
                s.clone(),
                &cluster,
            ),
            "personal-data-residency",
            &[],
        );
        denied(
            &run_on(
                "CREATE",
                w(affinity("NotIn", json!(["us-east-1"]))),
                s.clone(),
                &cluster,
            ),
            "personal-data-residency",
            &[],
        );
        // Not personal data: no constraint.
        assert_allowed(&run_on(
            "CREATE",
            w(json!({})),
            s.clone(),
            &kit::Snapshot::default(),
        ));
    }
    denied(
        &refusing(
            "CREATE",
            kit::testing::workload("Deployment", spec(json!({})), json!({})),
            s.clone(),
        ),
        "personal-data-residency",
        &["could not verify the data marks of namespace team-a"],
    );
    // Zones when configured.
    let zones = only(
        "personal-data-residency",
        json!({"allowedRegions": ["eu-west-1"], "allowedZones": ["eu-west-1a"]}),
    );
    denied(
        &run_on(
            "CREATE",
            kit::testing::workload(
                "Pod",
                spec(json!({"nodeSelector": {"topology.kubernetes.io/region": "eu-west-1"}})),
                json!({}),
            ),
            zones,
            &cluster,
        ),
        "personal-data-residency",
        &["topology.kubernetes.io/zone"],
    );
    // Storage.
    let topo = |values: Value| json!({"allowedTopologies": [{"matchLabelExpressions": [{"key": "topology.kubernetes.io/region", "operator": "In", "values": values}]}]});
    assert_allowed(&create(
        storage_class(
            json!({PERSONAL: "true"}),
            json!({}),
            topo(json!(["eu-west-1"])),
        ),
        s.clone(),
    ));
    denied(
        &create(
            storage_class(json!({PERSONAL: "true"}), json!({}), json!({})),
            s.clone(),
        ),
        "personal-data-residency",
        &["allowedTopologies: storage for personal data is not restricted"],
    );
    denied(
        &create(
            storage_class(
                json!({PERSONAL: "true"}),
                json!({}),
                topo(json!(["us-east-1"])),
            ),
            s.clone(),
        ),
        "personal-data-residency",
        &[],
    );
    assert_allowed(&create(
        storage_class(json!({}), json!({}), json!({})),
        s.clone(),
    ));
    let pv_affinity = json!({"nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.kubernetes.io/region", "operator": "In", "values": ["eu-north-1"]}]}]}}});
    assert_allowed(&create(
        pv(json!({PERSONAL: "true"}), json!({}), pv_affinity),
        s.clone(),
    ));
    denied(
        &create(pv(json!({PERSONAL: "true"}), json!({}), json!({})), s),
        "personal-data-residency",
        &["spec.nodeAffinity.required.nodeSelectorTerms"],
    );
}

// --- deletion-approval ----------------------------------------------------------

#[test]
fn regulated_data_is_deleted_only_with_an_approval() {
    let s = only("deletion-approval", json!({"approvalPattern": "CHG-*"}));
    let approved = pvc(
        json!({PERSONAL: "true"}),
        json!({"privacy.kube-soc2.io/deletion-approved": "CHG-1234"}),
        json!({}),
    );
    let r = run("DELETE", approved, s.clone());
    assert_allowed(&r);
    assert!(
        annotation(&r, "kube-soc2.deletion-approval")
            .is_some_and(|e| e.contains("under approval CHG-1234") && e.contains("alice"))
    );
    denied(
        &run(
            "DELETE",
            pvc(json!({PERSONAL: "true"}), json!({}), json!({})),
            s.clone(),
        ),
        "deletion-approval",
        &[
            "metadata.annotations['privacy.kube-soc2.io/deletion-approved']: PersistentVolumeClaim team-a/data holds personal data and has no deletion approval",
        ],
    );
    denied(
        &run(
            "DELETE",
            pvc(
                json!({PERSONAL: "true"}),
                json!({"privacy.kube-soc2.io/deletion-approved": "ok"}),
                json!({}),
            ),
            s.clone(),
        ),
        "deletion-approval",
        &["does not match \"CHG-*\""],
    );
    denied(
        &run(
            "DELETE",
            namespace(
                "vault",
                json!({"data-classification": "restricted"}),
                json!({"privacy.kube-soc2.io/deletion-approved": 5}),
            ),
            s.clone(),
        ),
        "deletion-approval",
        &["the approval is 5, not a string"],
    );
    // Unregulated data, CREATE, and the default set: not concerned.
    assert_allowed(&run(
        "DELETE",
        pvc(json!({}), json!({}), json!({})),
        s.clone(),
    ));
    assert_allowed(&create(
        pvc(json!({PERSONAL: "true"}), json!({}), json!({})),
        s,
    ));
    assert_allowed(&run(
        "DELETE",
        pvc(json!({PERSONAL: "true"}), json!({}), json!({})),
        json!({}),
    ));
}

// --- snapshot-class-allowed -----------------------------------------------------

#[test]
fn snapshots_of_classified_claims_use_allowed_classes() {
    let s = only(
        "snapshot-class-allowed",
        json!({"allowedByClass": {"restricted": "csi-regulated", "personal-data": "csi-regulated, csi-eu"}}),
    );
    let snap = |class: Value| {
        let mut spec = json!({"source": {"persistentVolumeClaimName": "data"}});
        if !class.is_null() {
            spec["volumeSnapshotClassName"] = class;
        }
        json!({"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshot",
               "metadata": {"name": "snap-1", "namespace": "team-a"}, "spec": spec})
    };
    let restricted = kit::Snapshot::new(vec![pvc(
        json!({"data-classification": "restricted"}),
        json!({}),
        json!({}),
    )]);
    let personal = kit::Snapshot::new(vec![pvc(json!({PERSONAL: "true"}), json!({}), json!({}))]);
    assert_allowed(&run_on(
        "CREATE",
        snap(json!("csi-regulated")),
        s.clone(),
        &restricted,
    ));
    denied(
        &run_on("CREATE", snap(json!("csi-cheap")), s.clone(), &restricted),
        "snapshot-class-allowed",
        &[
            "spec.volumeSnapshotClassName: snapshot class \"csi-cheap\" is not allowed for restricted (csi-regulated)",
        ],
    );
    denied(
        &run_on("CREATE", snap(Value::Null), s.clone(), &restricted),
        "snapshot-class-allowed",
        &["absent (the default class)"],
    );
    assert_allowed(&run_on(
        "CREATE",
        snap(json!("csi-eu")),
        s.clone(),
        &personal,
    ));
    denied(
        &run_on("CREATE", snap(json!("csi-cheap")), s.clone(), &personal),
        "snapshot-class-allowed",
        &["allowed for personal-data"],
    );
    // Unclassified or absent claims are not restricted.
    assert_allowed(&run_on(
        "CREATE",
        snap(json!("csi-cheap")),
        s.clone(),
        &kit::Snapshot::default(),
    ));
    denied(
        &refusing("CREATE", snap(json!("csi-cheap")), s.clone()),
        "snapshot-class-allowed",
        &[
            "spec.source.persistentVolumeClaimName: could not verify the classification of claim data: Policy has not been granted access to Kubernetes PersistentVolumeClaim resources",
        ],
    );
    // Nothing configured: no lookup.
    assert_allowed(&refusing(
        "CREATE",
        snap(json!("csi-cheap")),
        only("snapshot-class-allowed", json!({})),
    ));
}

#[test]
fn partial_schedules_do_not_cover() {
    let s = only("personal-data-backup-coverage", json!({}));
    let ns = namespace("crm", json!({PERSONAL: "true"}), json!({}));
    let on = |sched: Value| {
        run_on(
            "CREATE",
            ns.clone(),
            s.clone(),
            &kit::Snapshot::new(vec![sched]),
        )
    };
    denied(
        &on(schedule(
            "l",
            json!({"schedule": "@daily", "template": {"labelSelector": {"matchLabels": {"backup": "yes"}}}}),
        )),
        "personal-data-backup-coverage",
        &["label selector"],
    );
    denied(
        &on(schedule(
            "r",
            json!({"schedule": "@daily", "template": {"includedResources": ["deployments"]}}),
        )),
        "personal-data-backup-coverage",
        &["some resource kinds"],
    );
    assert_allowed(&on(schedule(
        "a",
        json!({"schedule": "@daily", "template": {"includedResources": ["*"], "labelSelector": null}}),
    )));
}

#[test]
fn statefulset_claim_templates_declare_retention() {
    let s = only("retention-metadata", json!({}));
    let sts = statefulset(json!([
        {"metadata": {"name": "ok", "labels": {PERSONAL: "true"}, "annotations": {RETENTION: "P1Y", OWNER: "db"}}, "spec": {}},
        {"metadata": {"name": "bad", "labels": {PERSONAL: "true"}}, "spec": {}},
        {"metadata": {"name": "plain"}, "spec": {}}]));
    denied(
        &create(sts, s.clone()),
        "retention-metadata",
        &[
            "spec.volumeClaimTemplates[1].metadata.annotations['privacy.kube-soc2.io/retention']: the object holds personal data",
            "spec.volumeClaimTemplates[1].metadata.annotations['privacy.kube-soc2.io/data-owner']",
        ],
    );
    let fine = statefulset(json!([{"metadata": {"name": "plain"}, "spec": {}}]));
    assert_allowed(&create(fine, s));
}

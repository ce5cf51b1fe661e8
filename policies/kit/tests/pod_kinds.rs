//! With empty settings a module takes the controls of a Pod-bearing request
//! from the table it compiled (`settings::PodKinds`): the answer must be the
//! one asking every control gives, for every way a control names its kinds.

use kit::control::{CREATE_UPDATE, KindSet, Operation};
use kit::settings::{Defaults, PodKinds};
use kit::{Control, Criteria, Ctx, Family, Finding, NoCluster, Severity};
use serde_json::json;

const CRITERIA: Criteria = Criteria {
    soc2: &["CC8.1"],
    iso27001: &["A.8.32"],
    pss: &[],
    cis: &[],
};

/// Every control reports its own id, so the message lists those that ran.
fn ran(ctx: &Ctx) -> Vec<Finding> {
    vec![Finding::new("spec", ctx.request.kind.to_string())]
}

macro_rules! control {
    ($name:ident, $id:literal, $kinds:expr, $operations:expr) => {
        static $name: Control = Control {
            id: $id,
            title: $id,
            rationale: "r",
            remediation: "f",
            severity: Severity::Low,
            tags: &["default"],
            criteria: CRITERIA,
            kinds: $kinds,
            operations: $operations,
            check: ran,
            ..Control::DEFAULTS
        };
    };
}

control!(
    POD_BEARING,
    "pod-bearing",
    KindSet::PodBearing,
    CREATE_UPDATE
);
control!(
    BARE,
    "bare-deployment",
    KindSet::Only(&["Deployment"]),
    CREATE_UPDATE
);
control!(
    GROUPED,
    "apps-deployment-or-core-pod",
    KindSet::Only(&["apps/Deployment", "/Pod"]),
    CREATE_UPDATE
);
control!(
    CRONJOB,
    "batch-cronjob",
    KindSet::Only(&["batch/CronJob"]),
    CREATE_UPDATE
);
control!(
    OLD_GROUP,
    "extensions-deployment",
    KindSet::Only(&["extensions/Deployment"]),
    CREATE_UPDATE
);
control!(
    LONGER,
    "cronjob-suffix",
    KindSet::Only(&["XCronJob", "Job2"]),
    CREATE_UPDATE
);
control!(
    SERVICE,
    "service",
    KindSet::Only(&["Service"]),
    CREATE_UPDATE
);
control!(
    DELETES,
    "pod-delete",
    KindSet::Only(&["Pod"]),
    &[Operation::Delete]
);

static FAMILY: Family = Family {
    name: "kinds",
    title: "kinds",
    version: "0.0.0",
    groups: &[
        &[&POD_BEARING, &BARE, &GROUPED],
        &[],
        &[&CRONJOB, &OLD_GROUP, &LONGER, &SERVICE, &DELETES],
    ],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

static TABLE: Option<PodKinds> = PodKinds::of(&FAMILY);

/// The messages of every request, in a thread of its own (what a family
/// remembers is per thread), remembering the defaults with or without the table.
fn messages(with_table: bool) -> Vec<String> {
    std::thread::spawn(move || {
        let defaults = Defaults::of(&FAMILY).expect("every control is a default");
        defaults.assume(&FAMILY, if with_table { TABLE.as_ref() } else { None });
        [
            ("v1", "Pod"),
            ("apps/v1", "Deployment"),
            ("extensions/v1beta1", "Deployment"),
            ("apps/v1", "StatefulSet"),
            ("batch/v1", "CronJob"),
            ("batch/v1", "Job"),
            ("v1", "ReplicationController"),
            ("v1", "Service"),
        ]
        .into_iter()
        .map(|(api_version, kind)| {
            // Every kind's pod template at once: each kind reads its own.
            let pod = json!({"containers": [{"name": "c", "image": "a:1"}]});
            let object = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"},
                                "spec": {"containers": pod["containers"], "template": {"spec": pod},
                                         "jobTemplate": {"spec": {"template": {"spec": pod}}}}});
            let answer = kit::testing::evaluate(
                &FAMILY,
                kit::testing::request(object),
                json!({}),
                &NoCluster,
            );
            kit::text!("{kind} {api_version}: {}", answer["message"])
        })
        .collect()
    })
    .join()
    .unwrap()
}

#[test]
fn the_compiled_table_agrees_with_the_controls_kinds() {
    let table = TABLE.as_ref().unwrap();
    assert_eq!(table.disagreement(&FAMILY), None);
    assert_eq!(kit::catalogue::check_family(&FAMILY), Ok(()));
}

#[test]
fn the_table_selects_what_asking_every_control_selects() {
    let asked = messages(false);
    assert_eq!(messages(true), asked);
    let pod = &asked[0];
    for id in ["pod-bearing", "apps-deployment-or-core-pod"] {
        assert!(pod.contains(id), "{pod}");
    }
    for id in ["bare-deployment", "pod-delete", "service"] {
        assert!(!pod.contains(id), "{pod}");
    }
    let old = &asked[2];
    assert!(
        old.contains("extensions-deployment") && old.contains("bare-deployment"),
        "{old}"
    );
    assert!(!old.contains("apps-deployment-or-core-pod"), "{old}");
    let cronjob = &asked[4];
    assert!(
        cronjob.contains("batch-cronjob") && !cronjob.contains("cronjob-suffix"),
        "{cronjob}"
    );
}

//! Folders as they are (issue 15): a repository with a Helm chart, a
//! kustomization with patches, Go templates, other tools' configuration,
//! OpenAPI and JSON Schema files and a FIFO loads its manifests, skips the
//! rest with one summary line, keeps real input errors, and never blocks.

mod support;

use report::inputs::{LoadOptions, SkipReason, load, load_str, load_with, skipped_summary};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use support::{temp_dir, write};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: web:1}]\n";

/// A repository as people keep them.
fn repository(dir: &Path) {
    // Plain manifests.
    write(dir, "deploy/web.yaml", DEPLOYMENT);
    write(
        dir,
        "deploy/svc.json",
        r#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}"#,
    );
    // A ConfigMap carrying Prometheus alert templates is still a manifest.
    write(
        dir,
        "deploy/alerts.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alerts}\ndata:\n  rule: 'instance {{ $labels.instance }} down {{ range .Alerts }}x{{ end }}'\n",
    );
    // A Helm chart: every file of it is left to `helm template`.
    write(
        dir,
        "charts/shop/Chart.yaml",
        "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
    );
    write(
        dir,
        "charts/shop/values.yaml",
        "replicaCount: 1\nimage: {repository: shop, tag: latest}\n",
    );
    write(
        dir,
        "charts/shop/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"shop.fullname\" . }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n",
    );
    write(
        dir,
        "charts/shop/crds/crd.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a.b}\n",
    );
    // Kustomize: the kustomization and the patch it names are skipped, the
    // resources it lists are scanned.
    write(
        dir,
        "kustomize/base/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\npatches:\n- path: replicas-patch.yaml\n",
    );
    write(dir, "kustomize/base/app.yaml", DEPLOYMENT);
    // An overlay whose patch lives in a sibling folder walked earlier.
    write(
        dir,
        "kustomize/overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatchesStrategicMerge:\n- ../../a-patches/prod.yaml\n",
    );
    write(
        dir,
        "kustomize/a-patches/prod.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 5}\n",
    );
    write(
        dir,
        "kustomize/base/replicas-patch.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
    );
    // A stray template outside a chart, which is not even valid YAML.
    write(
        dir,
        "templates/job.yaml",
        "{{- if .Values.job }}\napiVersion: batch/v1\nkind: Job\n{{- end }}\n",
    );
    // Other tools' configuration, OpenAPI and JSON Schema.
    write(
        dir,
        "api/openapi.yaml",
        "openapi: 3.0.0\ninfo: {title: shop, version: '1'}\npaths: {}\n",
    );
    write(
        dir,
        "api/values.schema.json",
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {}}"#,
    );
    write(
        dir,
        "ci/skaffold.yaml",
        "apiVersion: skaffold/v4beta6\nkind: Config\nbuild: {}\n",
    );
    write(
        dir,
        "docker-compose.yml",
        "services:\n  web: {image: web}\n",
    );
    // A real input error stays one.
    write(dir, "deploy/broken.yaml", "apiVersion: v1\nkind: [\n");
    write(
        dir,
        "deploy/no-kind.yaml",
        "apiVersion: v1\nmetadata: {name: x}\n",
    );
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

fn skipped(loaded: &report::Loaded, reason: SkipReason) -> Vec<String> {
    loaded
        .skipped
        .iter()
        .filter(|s| s.reason == reason)
        .map(|s| s.file.replace('\\', "/"))
        .collect()
}

#[test]
fn a_repository_loads_its_manifests_and_skips_the_rest_in_one_line() {
    let dir = temp_dir("repository");
    repository(&dir);
    let loaded = load(&[&dir], &mut std::io::empty());

    let mut names: Vec<String> = loaded
        .objects
        .iter()
        .map(|o| format!("{} {}", o.kind(), o.name()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "ConfigMap alerts",
            "Deployment web",
            "Deployment web",
            "Service web"
        ]
    );
    // Real errors stay: invalid YAML and a manifest without kind.
    let errors: Vec<String> = loaded.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("broken.yaml") && e.contains("invalid YAML"))
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("no-kind.yaml") && e.contains("no kind"))
    );

    let chart = skipped(&loaded, SkipReason::HelmChart);
    assert_eq!(chart.len(), 4, "{chart:?}");
    assert!(chart.iter().all(|f| f.contains("charts/shop/")));
    let kustomize = skipped(&loaded, SkipReason::Kustomize);
    assert_eq!(kustomize.len(), 4, "{kustomize:?}");
    assert!(
        kustomize
            .iter()
            .any(|f| f.ends_with("base/kustomization.yaml"))
    );
    assert!(
        kustomize
            .iter()
            .any(|f| f.ends_with("prod/kustomization.yaml"))
    );
    assert!(kustomize.iter().any(|f| f.ends_with("replicas-patch.yaml")));
    assert!(kustomize.iter().any(|f| f.ends_with("a-patches/prod.yaml")));
    let template = skipped(&loaded, SkipReason::HelmTemplate);
    assert_eq!(template.len(), 1);
    assert!(template[0].ends_with("templates/job.yaml"));
    let config = skipped(&loaded, SkipReason::NotManifest);
    assert_eq!(config.len(), 4, "{config:?}");

    let line = skipped_summary(&loaded.skipped).unwrap();
    assert!(!line.contains('\n'), "one line: {line}");
    for want in [
        "4 Helm chart files",
        "1 Go/Helm template",
        "4 kustomization or patch files",
        "4 files without Kubernetes objects",
        "helm template <chart> | kube-soc2 scan -",
        "kustomize build <dir> | kube-soc2 scan -",
    ] {
        assert!(line.contains(want), "missing {want:?} in {line}");
    }
    assert_eq!(skipped_summary(&[]), None);
}

#[test]
fn values_and_config_named_explicitly_or_piped_are_skipped_not_errors() {
    for (text, reason) in [
        (
            "replicaCount: 1\nimage: {tag: latest}\n",
            SkipReason::NotManifest,
        ),
        (
            "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
            SkipReason::NotManifest,
        ),
        (
            "{\"swagger\": \"2.0\", \"info\": {}}",
            SkipReason::NotManifest,
        ),
        (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
            SkipReason::Kustomize,
        ),
        (
            "metadata:\n  name: {{ .Release.Name }}\n",
            SkipReason::HelmTemplate,
        ),
    ] {
        let loaded = load_str("x.yaml", text);
        assert!(
            loaded.objects.is_empty() && loaded.errors.is_empty(),
            "{text}: {loaded:?}"
        );
        assert_eq!(loaded.skipped[0].reason, reason, "{text}");
    }
    // A manifest file keeps its objects and its errors, and `helm template`
    // output (no Go actions left) is a manifest stream.
    let loaded = load_str("x.yaml", &format!("{DEPLOYMENT}---\nfoo: bar\n"));
    assert_eq!((loaded.objects.len(), loaded.errors.len()), (1, 1));
    assert!(loaded.skipped.is_empty());
    // Sequence numbers continue across files.
    let dir = temp_dir("seq");
    let a = write(&dir, "a.yaml", DEPLOYMENT);
    let v = write(&dir, "values.yaml", "a: 1\n");
    let b = write(&dir, "b.yaml", DEPLOYMENT);
    let loaded = load(&[a, v, b], &mut std::io::empty());
    let seqs: Vec<usize> = loaded.objects.iter().map(|o| o.seq).collect();
    assert_eq!(seqs, [0, 1]);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_is_skipped_and_never_blocks() {
    let dir = temp_dir("fifo");
    write(&dir, "web.yaml", DEPLOYMENT);
    mkfifo(&dir.join("pipe.yaml"));
    mkfifo(&dir.join("sub-pipe"));
    let (tx, rx) = mpsc::channel();
    let walked = dir.clone();
    std::thread::spawn(move || {
        let _ = tx.send(load(&[walked], &mut std::io::empty()));
    });
    let loaded = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the scan of a folder holding a FIFO finished");
    assert_eq!(loaded.objects.len(), 1);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let special = skipped(&loaded, SkipReason::NotRegularFile);
    assert_eq!(special.len(), 2, "{special:?}");
    assert!(
        skipped_summary(&loaded.skipped)
            .unwrap()
            .contains("2 special files (not a regular file)")
    );

    // A FIFO named explicitly is read: that is `<(helm template ...)`.
    let fifo = dir.join("named.yaml");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, DEPLOYMENT).unwrap())
    };
    let loaded = load(&[&fifo], &mut std::io::empty());
    writer.join().unwrap();
    assert_eq!(loaded.objects.len(), 1);
}

#[test]
fn exclude_globs_leave_out_files_and_folders() {
    let dir = temp_dir("exclude");
    write(&dir, "app/web.yaml", DEPLOYMENT);
    write(&dir, "app/web-test.yaml", DEPLOYMENT);
    write(&dir, "app/tests/fixture.yaml", DEPLOYMENT);
    write(&dir, "vendor/x/dep.yml", DEPLOYMENT);
    write(&dir, "other/keep.yaml", DEPLOYMENT);
    let run = |patterns: &[&str]| {
        let options = LoadOptions::new(patterns).unwrap();
        let loaded = load_with(&[&dir], &mut std::io::empty(), &options);
        let mut files: Vec<String> = loaded
            .objects
            .iter()
            .map(|o| {
                Path::new(&o.origin.file)
                    .strip_prefix(&dir)
                    .unwrap()
                    .display()
                    .to_string()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        (files, skipped(&loaded, SkipReason::Excluded).len())
    };
    let all = run(&[]);
    assert_eq!(all.0.len(), 5);
    assert_eq!(
        run(&["*-test.yaml", "tests/"]),
        (
            vec![
                "app/web.yaml".to_string(),
                "other/keep.yaml".into(),
                "vendor/x/dep.yml".into()
            ],
            2
        )
    );
    assert_eq!(run(&["vendor/**"]).0.len(), 4);
    assert_eq!(run(&["**/*.yml"]).0.len(), 4);
    assert_eq!(run(&["app/*.yaml"]).0.len(), 3);
    assert_eq!(run(&["[ov]*"]).0.len(), 3);
    assert_eq!(run(&["app"]).0.len(), 2);
    let line = skipped_summary(&{
        let options = LoadOptions::new(&["app"]).unwrap();
        load_with(&[&dir], &mut std::io::empty(), &options).skipped
    })
    .unwrap();
    assert!(line.contains("1 excluded by --exclude"), "{line}");
    assert!(LoadOptions::new(&["/"]).is_err());
}

#[test]
fn a_kube_soc2ignore_file_in_a_scanned_folder_adds_exclusions() {
    let dir = temp_dir("ignore-file");
    write(&dir, "app/web.yaml", DEPLOYMENT);
    write(&dir, "app/web-test.yaml", DEPLOYMENT);
    write(&dir, "fixtures/x.yaml", DEPLOYMENT);
    write(
        &dir,
        report::inputs::IGNORE_FILE,
        "# test data\nfixtures/\n\n*-test.yaml\n",
    );
    let loaded = load(&[&dir], &mut std::io::empty());
    assert_eq!(loaded.objects.len(), 1);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert_eq!(skipped(&loaded, SkipReason::Excluded).len(), 2);
    write(&dir, report::inputs::IGNORE_FILE, "!keep.yaml\n");
    let loaded = load(&[&dir], &mut std::io::empty());
    assert_eq!(loaded.errors.len(), 1);
    assert!(loaded.errors[0].to_string().contains("negated patterns"));
}

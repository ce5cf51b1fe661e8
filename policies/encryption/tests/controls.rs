//! Native tests of the encryption family through the engine.

use encryption::FAMILY;
use kit::Snapshot;
use kit::testing::{
    REFUSING, assert_allowed, assert_denied, check, evaluate, every_pod_kind, message, only,
    request, spec_path,
};
use serde_json::{Value, json};

fn run(obj: &Value, control: &str, params: Value) -> Value {
    check(&FAMILY, obj.clone(), only(control, params), vec![])
}

fn settings_error(settings: Value) -> String {
    let out = encryption::validate_settings(settings.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["valid"], false, "settings accepted: {settings}");
    v["message"].as_str().unwrap_or("").to_string()
}

fn b64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | (u32::from(*c) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn ingress(annotations: Value, spec: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "web", "namespace": "team-a", "annotations": annotations}, "spec": spec})
}

fn rule(host: &str) -> Value {
    json!({"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
           "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}})
}

// --- ingress ---------------------------------------------------------------

#[test]
fn ingress_hosts_need_tls_with_wildcards_read_like_certificates() {
    let c = "ingress-tls-hosts";
    let good = ingress(
        json!({}),
        json!({"tls": [{"hosts": ["*.example.com"], "secretName": "w"}],
                                         "rules": [rule("shop.example.com"), rule("api.example.com")]}),
    );
    assert_allowed(&run(&good, c, Value::Null));
    let apex = ingress(
        json!({}),
        json!({"tls": [{"hosts": ["*.example.com"], "secretName": "w"}],
                                         "rules": [rule("example.com"), rule("a.b.example.com")]}),
    );
    assert_denied(
        &run(&apex, c, Value::Null),
        &[
            "[ingress-tls-hosts]",
            "spec.rules[0].host",
            "spec.rules[1].host",
        ],
    );
    let plain = ingress(json!({}), json!({"rules": [rule("shop.example.com")]}));
    assert_denied(
        &run(&plain, c, Value::Null),
        &["spec.rules[0].host", "plain HTTP"],
    );
    let no_secret = ingress(
        json!({}),
        json!({"tls": [{"hosts": ["shop.example.com"]}], "rules": [rule("shop.example.com")]}),
    );
    assert_denied(
        &run(&no_secret, c, Value::Null),
        &["spec.tls[0].secretName"],
    );
    let catch_all = ingress(json!({}), json!({"rules": [{"http": {}}]}));
    assert_denied(
        &run(&catch_all, c, Value::Null),
        &["spec.rules[0].host", "catch-all"],
    );
    let hostless = ingress(
        json!({}),
        json!({"tls": [{"secretName": "d"}], "rules": [{"http": {}}]}),
    );
    assert_allowed(&run(&hostless, c, Value::Null));
    let odd = ingress(json!({}), json!({"tls": "yes", "rules": [{"host": 5}]}));
    assert_denied(
        &run(&odd, c, Value::Null),
        &["spec.tls", "spec.rules[0].host"],
    );
}

#[test]
fn plain_http_is_read_per_controller() {
    let c = "ingress-https-only";
    let tls = json!([{"hosts": ["a.example.com"], "secretName": "a"}]);
    let spec = |class: &str| json!({"ingressClassName": class, "tls": tls, "rules": [rule("a.example.com")]});
    // ingress-nginx redirects by default when TLS is configured.
    assert_allowed(&run(&ingress(json!({}), spec("nginx")), c, Value::Null));
    let off = ingress(
        json!({"nginx.ingress.kubernetes.io/ssl-redirect": "false"}),
        spec("nginx"),
    );
    assert_denied(
        &run(&off, c, Value::Null),
        &["[ingress-https-only]", "ssl-redirect"],
    );
    let forced = ingress(
        json!({"nginx.ingress.kubernetes.io/ssl-redirect": "false",
                                "nginx.ingress.kubernetes.io/force-ssl-redirect": "true"}),
        spec("nginx"),
    );
    assert_allowed(&run(&forced, c, Value::Null));
    assert_denied(
        &run(&ingress(json!({}), spec("gce")), c, Value::Null),
        &["kubernetes.io/ingress.allow-http"],
    );
    assert_allowed(&run(
        &ingress(
            json!({"kubernetes.io/ingress.allow-http": "false"}),
            spec("gce"),
        ),
        c,
        Value::Null,
    ));
    let alb_http = ingress(
        json!({"alb.ingress.kubernetes.io/listen-ports": "[{\"HTTP\": 80}, {\"HTTPS\": 443}]"}),
        spec("alb"),
    );
    assert_denied(
        &run(&alb_http, c, Value::Null),
        &["listen-ports", "plain HTTP listener"],
    );
    let alb_redirect = ingress(
        json!({"alb.ingress.kubernetes.io/listen-ports": "[{\"HTTP\": 80}, {\"HTTPS\": 443}]",
                                      "alb.ingress.kubernetes.io/ssl-redirect": "443"}),
        spec("alb"),
    );
    assert_allowed(&run(&alb_redirect, c, Value::Null));
    let alb_garbage = ingress(
        json!({"alb.ingress.kubernetes.io/listen-ports": "HTTPS:443"}),
        spec("alb"),
    );
    assert_denied(&run(&alb_garbage, c, Value::Null), &["not a JSON list"]);
    assert_denied(
        &run(&ingress(json!({}), spec("traefik")), c, Value::Null),
        &["router.entrypoints"],
    );
    let web = ingress(
        json!({"traefik.ingress.kubernetes.io/router.entrypoints": "web,websecure"}),
        spec("traefik"),
    );
    assert_denied(&run(&web, c, Value::Null), &["entrypoint \"web\""]);
    let secure = ingress(
        json!({"traefik.ingress.kubernetes.io/router.entrypoints": "websecure"}),
        spec("traefik"),
    );
    assert_allowed(&run(&secure, c, Value::Null));
    // Unknown controllers: reported, mappable, or allowed by parameter.
    let custom = ingress(json!({}), spec("edge"));
    assert_denied(
        &run(&custom, c, Value::Null),
        &["cannot tell", "spec.ingressClassName"],
    );
    assert_allowed(&run(
        &custom,
        c,
        json!({"classControllers": {"edge": "nginx"}}),
    ));
    assert_allowed(&run(&custom, c, json!({"allowUnknownControllers": true})));
    let legacy = ingress(
        json!({"kubernetes.io/ingress.class": "gce"}),
        json!({"rules": [rule("a.example.com")]}),
    );
    assert_denied(&run(&legacy, c, Value::Null), &["allow-http"]);
    let msg = settings_error(
        json!({"controls": [c], "parameters": {c: {"classControllers": {"edge": "haproxy"}}}}),
    );
    assert!(msg.contains("classControllers.edge"), "{msg}");
}

#[test]
fn weak_protocols_and_ciphers_are_refused() {
    let c = "ingress-weak-tls";
    let spec = json!({"rules": [rule("a.example.com")]});
    let weak = ingress(
        json!({"nginx.ingress.kubernetes.io/ssl-protocols": "TLSv1 TLSv1.1 TLSv1.2",
                              "nginx.ingress.kubernetes.io/ssl-ciphers": "ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA:!aNULL",
                              "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-2016-08"}),
        spec.clone(),
    );
    assert_denied(
        &run(&weak, c, Value::Null),
        &[
            "[ingress-weak-tls]",
            "TLSv1 TLSv1.1",
            "RC4-SHA",
            "ELBSecurityPolicy-2016-08",
        ],
    );
    let strong = ingress(
        json!({"nginx.ingress.kubernetes.io/ssl-protocols": "TLSv1.2 TLSv1.3",
                                "nginx.ingress.kubernetes.io/ssl-ciphers": "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:!aNULL:!MD5",
                                "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}),
        spec.clone(),
    );
    assert_allowed(&run(&strong, c, Value::Null));
    let odd = ingress(
        json!({"nginx.ingress.kubernetes.io/ssl-protocols": 5}),
        spec,
    );
    assert_allowed(&run(&odd, c, Value::Null));
}

// --- Gateway API and meshes --------------------------------------------------

#[test]
fn gateway_listeners() {
    let c = "gateway-listener-tls";
    let gw = |listeners: Value| {
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "gw", "namespace": "team-a"}, "spec": {"gatewayClassName": "x", "listeners": listeners}})
    };
    let good = gw(
        json!([{"name": "https", "protocol": "HTTPS", "port": 443, "tls": {"certificateRefs": [{"name": "c"}]}},
                         {"name": "pass", "protocol": "TLS", "port": 8443, "tls": {"mode": "Passthrough"}}]),
    );
    assert_allowed(&run(&good, c, Value::Null));
    let bad = gw(json!([{"name": "http", "protocol": "HTTP", "port": 80},
                        {"name": "https", "protocol": "HTTPS", "port": 443, "tls": {}},
                        {"name": "tcp", "protocol": "TCP", "port": 5432}]));
    assert_denied(
        &run(&bad, c, Value::Null),
        &[
            "[gateway-listener-tls]",
            "spec.listeners[0].protocol",
            "spec.listeners[1].tls.certificateRefs",
            "spec.listeners[2].protocol",
        ],
    );
    let redirect = gw(json!([{"name": "http", "protocol": "HTTP", "port": 80}]));
    assert_allowed(&run(&redirect, c, json!({"allowPlainListeners": ["http"]})));
}

#[test]
fn istio_peer_authentication_and_destination_rules() {
    let c = "istio-peer-authentication-strict";
    let pa = |ns: &str, spec: Value| {
        json!({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
        "metadata": {"name": "default", "namespace": ns}, "spec": spec})
    };
    assert_allowed(&run(
        &pa("istio-system", json!({"mtls": {"mode": "STRICT"}})),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(&pa("istio-system", json!({})), c, Value::Null),
        &["spec.mtls.mode", "PERMISSIVE"],
    );
    assert_allowed(&run(
        &pa("team-a", json!({"selector": {"matchLabels": {"app": "x"}}})),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(
            &pa("team-a", json!({"mtls": {"mode": "PERMISSIVE"}})),
            c,
            Value::Null,
        ),
        &["spec.mtls.mode"],
    );
    let port = pa(
        "team-a",
        json!({"mtls": {"mode": "STRICT"}, "portLevelMtls": {"8080": {"mode": "DISABLE"}}}),
    );
    assert_denied(
        &run(&port, c, Value::Null),
        &["spec.portLevelMtls[\"8080\"].mode", "DISABLE"],
    );
    assert_denied(
        &run(
            &pa("team-a", json!({"mtls": {"mode": true}})),
            c,
            Value::Null,
        ),
        &["not a string"],
    );

    let c = "istio-destination-rule-tls";
    let dr = |host: &str, tp: Value| {
        json!({"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
        "metadata": {"name": "d", "namespace": "team-a"}, "spec": {"host": host, "trafficPolicy": tp}})
    };
    assert_allowed(&run(
        &dr(
            "web.team-a.svc.cluster.local",
            json!({"tls": {"mode": "ISTIO_MUTUAL"}}),
        ),
        c,
        Value::Null,
    ));
    assert_allowed(&run(
        &dr("api.stripe.com", json!({"tls": {"mode": "SIMPLE"}})),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(
            &dr("web", json!({"tls": {"mode": "SIMPLE"}})),
            c,
            Value::Null,
        ),
        &["spec.trafficPolicy.tls.mode"],
    );
    let port = dr(
        "api.stripe.com",
        json!({"portLevelSettings": [{"port": {"number": 80}, "tls": {"mode": "DISABLE"}}]}),
    );
    assert_denied(
        &run(&port, c, Value::Null),
        &[
            "spec.trafficPolicy.portLevelSettings[0].tls.mode",
            "plain text",
        ],
    );
}

#[test]
fn mesh_injection_for_istio_and_linkerd() {
    let c = "mesh-pod-injection";
    let spec = json!({"containers": [{"name": "app", "image": "nginx"}]});
    for kind in ["Pod", "Deployment", "CronJob"] {
        let obj = kit::testing::workload(
            kind,
            spec.clone(),
            json!({"sidecar.istio.io/inject": "false"}),
        );
        assert_denied(
            &run(&obj, c, Value::Null),
            &["[mesh-pod-injection]", "sidecar.istio.io/inject"],
        );
        let obj = kit::testing::workload(
            kind,
            spec.clone(),
            json!({"linkerd.io/inject": "disabled",
            "config.linkerd.io/skip-inbound-ports": "5432"}),
        );
        assert_allowed(&run(&obj, c, Value::Null));
        assert_denied(
            &run(&obj, c, json!({"mesh": "linkerd"})),
            &["linkerd.io/inject", "skip-inbound-ports"],
        );
    }
    let msg = settings_error(json!({"controls": [c], "parameters": {c: {"mesh": "consul"}}}));
    assert!(msg.contains("mesh must be istio or linkerd"), "{msg}");

    let c = "mesh-namespace-enrolled";
    let ns = |name: &str, labels: Value, ann: Value| {
        json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": name, "labels": labels, "annotations": ann}})
    };
    assert_allowed(&run(
        &ns("shop", json!({"istio-injection": "enabled"}), json!({})),
        c,
        Value::Null,
    ));
    assert_allowed(&run(
        &ns(
            "shop",
            json!({"istio.io/dataplane-mode": "ambient"}),
            json!({}),
        ),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(&ns("shop", json!({}), json!({})), c, Value::Null),
        &["not enrolled in Istio"],
    );
    assert_denied(
        &run(
            &ns("shop", json!({"istio-injection": "disabled"}), json!({})),
            c,
            Value::Null,
        ),
        &["istio-injection"],
    );
    assert_allowed(&run(
        &ns("kube-system", json!({}), json!({})),
        c,
        Value::Null,
    ));
    assert_allowed(&run(
        &ns("shop", json!({}), json!({"linkerd.io/inject": "enabled"})),
        c,
        json!({"mesh": "linkerd"}),
    ));
    assert_denied(
        &run(
            &ns("shop", json!({}), json!({})),
            c,
            json!({"mesh": "linkerd"}),
        ),
        &["not enrolled in Linkerd"],
    );
}

// --- cert-manager ------------------------------------------------------------

fn certificate(spec: Value) -> Value {
    json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
           "metadata": {"name": "c", "namespace": "team-a"}, "spec": spec})
}

#[test]
fn cert_manager_keys_lifecycle_and_issuers() {
    let c = "cert-manager-key-strength";
    let issuer = json!({"name": "letsencrypt", "kind": "ClusterIssuer"});
    assert_allowed(&run(
        &certificate(json!({"issuerRef": issuer})),
        c,
        Value::Null,
    ));
    for (pk, needle) in [
        (json!({"algorithm": "RSA", "size": 1024}), "1024 bits"),
        (json!({"algorithm": "ECDSA", "size": 224}), "224 bits"),
        (json!({"algorithm": "DSA"}), "not RSA, ECDSA"),
        (
            json!({"algorithm": "RSA", "size": "4096"}),
            "not an integer",
        ),
        (
            json!({"algorithm": "RSA", "size": 2048.5}),
            "not an integer",
        ),
    ] {
        let r = run(
            &certificate(json!({"issuerRef": issuer, "privateKey": pk})),
            c,
            Value::Null,
        );
        assert_denied(
            &r,
            &["[cert-manager-key-strength]", "spec.privateKey", needle],
        );
    }
    let ok = certificate(json!({"privateKey": {"algorithm": "ECDSA", "size": 384.0}}));
    assert_allowed(&run(&ok, c, Value::Null));
    assert_denied(
        &run(&certificate(json!({})), c, json!({"minRsaBits": 3072})),
        &["2048 bits"],
    );

    let c = "cert-manager-certificate-lifecycle";
    let good = certificate(
        json!({"duration": "2160h", "renewBefore": "360h", "privateKey": {"rotationPolicy": "Always"}}),
    );
    assert_allowed(&run(&good, c, Value::Null));
    let bad = certificate(
        json!({"duration": "87600h", "renewBefore": "1h", "privateKey": {"rotationPolicy": "Never"}}),
    );
    assert_denied(
        &run(&bad, c, Value::Null),
        &[
            "spec.privateKey.rotationPolicy",
            "spec.duration",
            "spec.renewBefore",
        ],
    );
    let garbage =
        certificate(json!({"duration": "90d", "privateKey": {"rotationPolicy": "Always"}}));
    assert_denied(&run(&garbage, c, Value::Null), &["not a duration"]);
    let inverted = certificate(
        json!({"duration": "48h", "renewBefore": "72h", "privateKey": {"rotationPolicy": "Always"}}),
    );
    assert_denied(
        &run(&inverted, c, Value::Null),
        &["not shorter than the duration"],
    );

    let c = "cert-manager-issuer-allowed";
    let p = json!({"allowedIssuers": ["ClusterIssuer/letsencrypt*"]});
    assert_allowed(&run(
        &certificate(json!({"issuerRef": issuer})),
        c,
        p.clone(),
    ));
    let other = certificate(json!({"issuerRef": {"name": "selfsigned"}}));
    assert_denied(
        &run(&other, c, p.clone()),
        &["Issuer/selfsigned", "spec.issuerRef.name"],
    );
    let ing = ingress(json!({"cert-manager.io/cluster-issuer": "test"}), json!({}));
    assert_denied(&run(&ing, c, p.clone()), &["ClusterIssuer/test"]);
    let msg = settings_error(json!({"controls": [c], "parameters": {c: {}}}));
    assert!(msg.contains("allowedIssuers"), "{msg}");
    // Enabled without parameters it would approve nothing: the settings are refused.
    let msg = settings_error(json!({"controls": [c]}));
    assert!(
        msg.contains("allowedIssuers") && msg.contains("needs parameters"),
        "{msg}"
    );
    let msg = settings_error(
        json!({"controls": [c], "parameters": {c: {"allowedIssuers": ["letsencrypt"]}}}),
    );
    assert!(msg.contains("ClusterIssuer/<name>"), "{msg}");

    let c = "cert-manager-issuer-hygiene";
    let iss = |kind: &str, spec: Value| {
        json!({"apiVersion": "cert-manager.io/v1", "kind": kind,
        "metadata": {"name": "bootstrap", "namespace": "team-a"}, "spec": spec})
    };
    assert_denied(
        &run(
            &iss("ClusterIssuer", json!({"selfSigned": {}})),
            c,
            Value::Null,
        ),
        &["spec.selfSigned"],
    );
    assert_allowed(&run(
        &iss("ClusterIssuer", json!({"selfSigned": {}})),
        c,
        json!({"selfSignedAllowed": ["boot*"]}),
    ));
    let acme = iss(
        "Issuer",
        json!({"acme": {"server": "http://acme.internal/directory", "skipTLSVerify": "true"}}),
    );
    assert_denied(
        &run(&acme, c, Value::Null),
        &["spec.acme.server", "spec.acme.skipTLSVerify"],
    );
    let good = iss(
        "Issuer",
        json!({"acme": {"server": "https://acme-v02.api.letsencrypt.org/directory"}}),
    );
    assert_allowed(&run(&good, c, Value::Null));
}

// --- TLS Secrets -------------------------------------------------------------

fn tls_secret(crt: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
           "metadata": {"name": "t", "namespace": "team-a"}, "data": {"tls.crt": crt, "tls.key": ""}})
}

const RSA2048: &str = include_str!("certs/rsa2048.pem");
const RSA1024: &str = include_str!("certs/rsa1024.pem");
const EC256: &str = include_str!("certs/ec256.pem");
const EC384: &str = include_str!("certs/ec384.pem");
const ED25519: &str = include_str!("certs/ed25519.pem");
const EXPIRED: &str = include_str!("certs/expired.pem");
const SHA1: &str = include_str!("certs/sha1.pem");

#[test]
fn tls_secrets_are_parsed_in_the_module() {
    let c = "tls-secret-certificate";
    for good in [RSA2048, EC256, EC384, ED25519] {
        assert_allowed(&run(&tls_secret(json!(b64(good))), c, Value::Null));
    }
    assert_denied(
        &run(&tls_secret(json!(b64(EXPIRED))), c, Value::Null),
        &[
            "[tls-secret-certificate]",
            "data[\"tls.crt\"]",
            "expired on 2001-01-01",
        ],
    );
    assert_denied(
        &run(&tls_secret(json!(b64(RSA1024))), c, Value::Null),
        &["weak key: RSA 1024 bits"],
    );
    assert_denied(
        &run(&tls_secret(json!(b64(SHA1))), c, Value::Null),
        &["sha1WithRSAEncryption"],
    );
    assert_denied(
        &run(
            &tls_secret(json!(b64(EC256))),
            c,
            json!({"minDaysRemaining": 36500}),
        ),
        &["expires on 2120-01-01"],
    );
    assert_denied(
        &run(
            &tls_secret(json!(b64(EC256))),
            c,
            json!({"minEcdsaBits": 384}),
        ),
        &["ECDSA P-256"],
    );
    // A chain: the second certificate is checked too.
    let chain = kit::text!("{RSA2048}{EXPIRED}");
    assert_denied(
        &run(&tls_secret(json!(b64(&chain))), c, Value::Null),
        &["chain certificate 2 expired"],
    );
    // stringData (manifests from a repository) is read as PEM text.
    let mut s = tls_secret(json!(""));
    s["stringData"] = json!({"tls.crt": EXPIRED});
    assert_denied(
        &run(&s, c, Value::Null),
        &["stringData[\"tls.crt\"]", "expired"],
    );
    // An UPDATE keeping the certificate is not refused; one writing a bad one is.
    let old = tls_secret(json!(b64(EXPIRED)));
    let mut relabelled = old.clone();
    relabelled["metadata"]["labels"] = json!({"team": "a"});
    let mut req = kit::testing::request_for("UPDATE", relabelled);
    req["oldObject"] = old.clone();
    assert_allowed(&evaluate(
        &FAMILY,
        req,
        only(c, Value::Null),
        &Snapshot::default(),
    ));
    let mut req = kit::testing::request_for("UPDATE", tls_secret(json!(b64(RSA1024))));
    req["oldObject"] = old;
    assert_denied(
        &evaluate(&FAMILY, req, only(c, Value::Null), &Snapshot::default()),
        &["RSA 1024"],
    );
    // Empty placeholders pass; other Secret types are not read.
    assert_allowed(&run(&tls_secret(json!("")), c, Value::Null));
    let mut opaque = tls_secret(json!(b64(EXPIRED)));
    opaque["type"] = json!("Opaque");
    assert_allowed(&run(&opaque, c, Value::Null));
}

#[test]
fn hostile_certificates_never_trap() {
    let c = "tls-secret-certificate";
    let body: String = RSA2048
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let cases: Vec<(Value, &str)> = vec![
        (json!("!!!not base64!!!"), "invalid base64"),
        (json!(b64("hello world")), "no PEM CERTIFICATE block"),
        (
            json!(b64("-----BEGIN CERTIFICATE-----\nAAAA")),
            "no END line",
        ),
        (
            json!(b64(
                "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----"
            )),
            "invalid base64",
        ),
        (
            json!(b64(
                "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----"
            )),
            "does not parse as X.509",
        ),
        (
            json!(b64(&kit::text!(
                "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----",
                &body[..body.len() / 2]
            ))),
            "does not parse",
        ),
        (json!(42), "not a string"),
        (json!("/w=="), "not PEM text"),
    ];
    for (crt, needle) in cases {
        assert_denied(&run(&tls_secret(crt.clone()), c, Value::Null), &[needle]);
    }
    // Every truncation of a real certificate is an error, never a panic.
    let der = encryption::x509::pem_certificates(RSA2048)
        .unwrap()
        .remove(0);
    for n in 0..der.len() {
        assert!(encryption::x509::parse(&der[..n]).is_err() || n > der.len() - 300);
        let mut flipped = der.clone();
        flipped[n] ^= 0xff;
        let _ = encryption::x509::parse(&flipped);
    }
    // A huge chain is bounded.
    let many = RSA2048.repeat(40);
    assert_denied(
        &run(&tls_secret(json!(b64(&many))), c, Value::Null),
        &["more than 16 certificates"],
    );
    // Deep / odd secrets.
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!({"a": deep});
    }
    let mut s = tls_secret(json!(""));
    s["data"] = deep;
    assert_allowed(&run(&s, c, Value::Null));
}

// --- storage -----------------------------------------------------------------

fn sc(provisioner: &str, params: Value) -> Value {
    json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
           "metadata": {"name": "fast", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
           "provisioner": provisioner, "parameters": params})
}

#[test]
fn storage_classes_by_provider() {
    let c = "storage-class-encrypted";
    assert_allowed(&run(
        &sc("ebs.csi.aws.com", json!({"encrypted": "true"})),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(
            &sc("ebs.csi.aws.com", json!({"type": "gp3"})),
            c,
            Value::Null,
        ),
        &[
            "[storage-class-encrypted]",
            "parameters",
            "default StorageClass",
        ],
    );
    assert_denied(
        &run(
            &sc("kubernetes.io/aws-ebs", json!({"encrypted": "True"})),
            c,
            Value::Null,
        ),
        &["parameters.encrypted"],
    );
    assert_denied(
        &run(
            &sc("ebs.csi.aws.com", json!({"encrypted": true})),
            c,
            Value::Null,
        ),
        &["parameters.encrypted", "are strings"],
    );
    let cmk = json!({"requireCustomerManagedKey": true});
    assert_denied(
        &run(
            &sc("ebs.csi.aws.com", json!({"encrypted": "true"})),
            c,
            cmk.clone(),
        ),
        &["kmsKeyId"],
    );
    assert_allowed(&run(
        &sc(
            "ebs.csi.aws.com",
            json!({"encrypted": "true", "kmsKeyId": "arn:aws:kms:x"}),
        ),
        c,
        cmk.clone(),
    ));
    assert_allowed(&run(
        &sc("pd.csi.storage.gke.io", json!({})),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(&sc("pd.csi.storage.gke.io", json!({})), c, cmk.clone()),
        &["disk-encryption-kms-key"],
    );
    assert_denied(
        &run(&sc("disk.csi.azure.com", json!({})), c, cmk.clone()),
        &["diskEncryptionSetID"],
    );
    assert_denied(
        &run(&sc("rook-ceph.rbd.csi.ceph.com", json!({})), c, Value::Null),
        &["encrypted"],
    );
    assert_allowed(&run(
        &sc("rook-ceph.rbd.csi.ceph.com", json!({"encrypted": "true"})),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(&sc("rancher.io/local-path", json!({})), c, Value::Null),
        &["cannot tell", "provisioner"],
    );
    assert_allowed(&run(
        &sc("rancher.io/local-path", json!({})),
        c,
        json!({"allowUnknownProvisioners": true}),
    ));
    let mapped = json!({"provisioners": {"csi.vsphere.vmware.com": "storagepolicyname=encrypted", "nfs.csi.k8s.io": "always"}});
    assert_allowed(&run(
        &sc(
            "csi.vsphere.vmware.com",
            json!({"storagepolicyname": "encrypted"}),
        ),
        c,
        mapped.clone(),
    ));
    assert_denied(
        &run(&sc("csi.vsphere.vmware.com", json!({})), c, mapped.clone()),
        &["storagepolicyname"],
    );
    assert_allowed(&run(&sc("nfs.csi.k8s.io", json!({})), c, mapped));
    let mut other = sc("ebs.csi.aws.com", json!({}));
    other["metadata"] = json!({"name": "scratch"});
    assert_allowed(&run(&other, c, json!({"defaultClassOnly": true})));
    assert_denied(
        &run(
            &sc("ebs.csi.aws.com", json!({})),
            c,
            json!({"defaultClassOnly": true}),
        ),
        &["default StorageClass"],
    );
    let msg = settings_error(
        json!({"controls": [c], "parameters": {c: {"provisioners": {"x": "encrypted"}}}}),
    );
    assert!(msg.contains("provisioners.x"), "{msg}");
}

#[test]
fn claims_are_judged_by_their_class_through_context() {
    let c = "pvc-storage-encrypted";
    let pvc = |class: Value| {
        let mut spec = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}});
        if !class.is_null() {
            spec["storageClassName"] = class;
        }
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "team-a"}, "spec": spec})
    };
    let enc = sc("ebs.csi.aws.com", json!({"encrypted": "true"}));
    let mut plain = sc("ebs.csi.aws.com", json!({}));
    plain["metadata"] = json!({"name": "slow"});
    let cluster = vec![enc.clone(), plain.clone()];
    let s = only(c, Value::Null);
    assert_allowed(&check(
        &FAMILY,
        pvc(json!("fast")),
        s.clone(),
        cluster.clone(),
    ));
    assert_allowed(&check(
        &FAMILY,
        pvc(Value::Null),
        s.clone(),
        cluster.clone(),
    ));
    assert_denied(
        &check(&FAMILY, pvc(json!("slow")), s.clone(), cluster.clone()),
        &[
            "[pvc-storage-encrypted]",
            "spec.storageClassName",
            "StorageClass \"slow\" is not encrypted",
        ],
    );
    assert_denied(
        &check(&FAMILY, pvc(json!("gone")), s.clone(), cluster.clone()),
        &["does not exist"],
    );
    assert_denied(
        &check(&FAMILY, pvc(Value::Null), s.clone(), vec![plain]),
        &["no default StorageClass"],
    );
    assert_allowed(&check(&FAMILY, pvc(json!("")), s.clone(), vec![]));
    assert_denied(
        &check(&FAMILY, pvc(json!(7)), s.clone(), vec![]),
        &["not a string"],
    );
    let r = evaluate(&FAMILY, request(pvc(json!("fast"))), s.clone(), &REFUSING);
    assert_denied(&r, &["could not verify", "has not been granted access"]);
    let r = evaluate(
        &FAMILY,
        request(pvc(Value::Null)),
        s.clone(),
        &kit::NoCluster,
    );
    assert_denied(
        &r,
        &["could not verify encryption of the default StorageClass"],
    );
    // PersistentVolumes: by class through context, unverifiable without one.
    let pv = |class: Value| {
        json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": class,
                 "awsElasticBlockStore": {"volumeID": "vol-1"}}})
    };
    assert_allowed(&check(
        &FAMILY,
        pv(json!("fast")),
        s.clone(),
        cluster.clone(),
    ));
    assert_denied(
        &check(&FAMILY, pv(json!("slow")), s.clone(), cluster.clone()),
        &["StorageClass \"slow\" is not encrypted"],
    );
    assert_denied(
        &check(&FAMILY, pv(Value::Null), s.clone(), cluster.clone()),
        &["no StorageClass", "\"awsElasticBlockStore\""],
    );
    // StatefulSet volumeClaimTemplates are judged like claims.
    let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "team-a"},
        "spec": {"selector": {"matchLabels": {"app": "db"}}, "serviceName": "db",
                 "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "postgres"}]}},
                 "volumeClaimTemplates": [{"metadata": {"name": "a"}, "spec": {"storageClassName": "fast"}},
                                          {"metadata": {"name": "b"}, "spec": {"storageClassName": "slow"}}]}});
    assert_denied(
        &check(&FAMILY, sts.clone(), s.clone(), cluster.clone()),
        &[
            "spec.volumeClaimTemplates[1].spec.storageClassName",
            "\"slow\"",
        ],
    );
    let r = check(&FAMILY, sts, s.clone(), cluster.clone());
    assert!(
        !message(&r).contains("volumeClaimTemplates[0]"),
        "{}",
        message(&r)
    );
    // Malformed classes in the cluster never break the evaluation.
    let odd = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "odd"}, "provisioner": 5, "parameters": "x"});
    let r = evaluate(
        &FAMILY,
        request(pvc(json!("odd"))),
        only(c, Value::Null),
        &Snapshot::new(vec![odd]),
    );
    assert_denied(&r, &["cannot tell"]);
}

// --- control plane -----------------------------------------------------------

fn encryption_config(resources: Value) -> Value {
    json!({"apiVersion": "apiserver.config.k8s.io/v1", "kind": "EncryptionConfiguration", "resources": resources})
}

#[test]
fn encryption_configuration_puts_an_encrypting_provider_first() {
    let c = "encryption-config-secrets";
    let kms = json!({"kms": {"apiVersion": "v2", "name": "k", "endpoint": "unix:///kms.sock"}});
    let good = encryption_config(
        json!([{"resources": ["secrets"], "providers": [kms, {"identity": {}}]}]),
    );
    assert_allowed(&run(&good, c, Value::Null));
    let identity = encryption_config(
        json!([{"resources": ["secrets"], "providers": [{"identity": {}}, {"aescbc": {}}]}]),
    );
    assert_denied(
        &run(&identity, c, Value::Null),
        &[
            "[encryption-config-secrets]",
            "resources[0].providers[0]",
            "identity",
        ],
    );
    let wildcard =
        encryption_config(json!([{"resources": ["*.*"], "providers": [{"identity": {}}]}]));
    assert_denied(&run(&wildcard, c, Value::Null), &["identity"]);
    let none =
        encryption_config(json!([{"resources": ["configmaps"], "providers": [{"aescbc": {}}]}]));
    assert_denied(
        &run(&none, c, Value::Null),
        &["no entry with providers covers \"secrets\""],
    );
    assert_denied(
        &run(&good, c, json!({"resources": ["secrets", "configmaps"]})),
        &["\"configmaps\""],
    );
    let core = encryption_config(json!([{"resources": ["*."], "providers": [{"secretbox": {}}]}]));
    assert_allowed(&run(
        &core,
        c,
        json!({"resources": ["secrets", "configmaps"]}),
    ));
    let odd = encryption_config(json!([{"resources": ["secrets"], "providers": ["aescbc"]}]));
    assert_denied(
        &run(&odd, c, Value::Null),
        &["not a known encrypting provider"],
    );

    let c = "encryption-config-kms-v2";
    assert_allowed(&run(&good, c, Value::Null));
    assert_denied(&run(&core, c, Value::Null), &["secretbox", "not KMS v2"]);
    let v1 = encryption_config(
        json!([{"resources": ["secrets"], "providers": [{"kms": {"name": "k"}}]}]),
    );
    assert_denied(
        &run(&v1, c, Value::Null),
        &["resources[0].providers[0].kms.apiVersion", "KMS v1"],
    );
}

fn static_pod(ns: &str, command: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cp", "namespace": ns},
           "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/kube-apiserver:v1.31.0", "command": command}]}})
}

#[test]
fn apiserver_and_etcd_flags() {
    let api = |flags: &[&str]| {
        let mut cmd = vec!["kube-apiserver".to_string()];
        cmd.extend(flags.iter().map(|f| f.to_string()));
        static_pod("kube-system", json!(cmd))
    };
    let c = "apiserver-encryption-provider-config";
    assert_allowed(&run(
        &api(&["--encryption-provider-config=/etc/kubernetes/enc.yaml"]),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(
            &api(&["--etcd-servers=https://127.0.0.1:2379"]),
            c,
            Value::Null,
        ),
        &[
            "[apiserver-encryption-provider-config]",
            "spec.containers[0].command",
            "not set",
        ],
    );
    assert_denied(
        &run(&api(&["--encryption-provider-config"]), c, Value::Null),
        &["not set"],
    );
    // Outside kube-system, a container named like the binary is not the control plane.
    assert_allowed(&run(
        &static_pod("team-a", json!(["kube-apiserver"])),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(
            &static_pod("kube-system", json!(["kube-apiserver", 5])),
            c,
            Value::Null,
        ),
        &["command[1] is not a string"],
    );

    let c = "control-plane-tls-strength";
    assert_allowed(&run(
        &api(&[
            "--tls-min-version=VersionTLS12",
            "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256",
        ]),
        c,
        Value::Null,
    ));
    assert_allowed(&run(&api(&[]), c, Value::Null));
    assert_denied(
        &run(&api(&[]), c, json!({"requireExplicit": true})),
        &[
            "does not set --tls-min-version",
            "does not set --tls-cipher-suites",
        ],
    );
    let weak = api(&[
        "--tls-min-version",
        "VersionTLS10",
        "--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    ]);
    assert_denied(
        &run(&weak, c, Value::Null),
        &[
            "[control-plane-tls-strength]",
            "spec.containers[0].command[1]",
            "VersionTLS10",
            "spec.containers[0].command[3]",
            "TLS_RSA_WITH_AES_128_CBC_SHA",
        ],
    );
    let etcd = |flags: &[&str]| {
        let mut cmd = vec!["etcd".to_string()];
        cmd.extend(flags.iter().map(|f| f.to_string()));
        let mut p = static_pod("kube-system", json!(cmd));
        p["spec"]["containers"][0]["image"] = json!("registry.k8s.io/etcd:3.5.15-0");
        p
    };
    assert_denied(
        &run(&etcd(&["--tls-min-version=TLS1.1"]), c, Value::Null),
        &["etcd --tls-min-version"],
    );
    assert_denied(
        &run(
            &etcd(&["--cipher-suites=TLS_RSA_WITH_RC4_128_SHA"]),
            c,
            Value::Null,
        ),
        &["etcd --cipher-suites"],
    );

    let c = "etcd-client-cert-auth";
    assert_allowed(&run(
        &etcd(&["--client-cert-auth=true", "--peer-client-cert-auth=true"]),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(
            &etcd(&[
                "--client-cert-auth=false",
                "--auto-tls",
                "--peer-auto-tls=yes",
            ]),
            c,
            Value::Null,
        ),
        &[
            "[etcd-client-cert-auth]",
            "--client-cert-auth is not true",
            "--peer-client-cert-auth is not true",
            "--auto-tls",
            "--peer-auto-tls",
        ],
    );
    assert_allowed(&run(&api(&[]), c, Value::Null));
}

// --- secret hygiene ------------------------------------------------------------

fn env_pod(list: &str, env: Value) -> Value {
    let mut spec = json!({"containers": [{"name": "app", "image": "nginx"}]});
    spec[list] = json!([{"name": "x", "image": "busybox", "env": env}]);
    if list == "containers" {
        spec["containers"] = json!([{"name": "x", "image": "busybox", "env": env}]);
    }
    spec
}

#[test]
fn literal_credentials_in_env_in_every_kind_and_list() {
    let c = "secret-literal-env";
    let env = json!([{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]);
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        for (kind, obj) in every_pod_kind(env_pod(list, env.clone())) {
            let path = kit::text!("{}.{list}[0].env[0].value", spec_path(kind));
            assert_denied(
                &run(&obj, c, Value::Null),
                &["[secret-literal-env]", &path, "named like a credential"],
            );
        }
    }
    for (value, needle) in [
        ("AKIAIOSFODNN7EXAMPLE", "AWS access key id"),
        ("-----BEGIN PRIVATE KEY-----\nMIIE", "PEM private key"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "JSON Web Token",
        ),
        (
            "postgres://app:s3cret-pw@db:5432/shop",
            "URL with an embedded password",
        ),
        ("q8Zt3LmR7vXw2PkN9sHd4GfJ6bYc1TeA5uWo0", "high-entropy"),
    ] {
        let spec = env_pod("containers", json!([{"name": "SETTING", "value": value}]));
        let obj = kit::testing::workload("Deployment", spec, json!({}));
        assert_denied(&run(&obj, c, Value::Null), &[needle]);
    }
    let fine = env_pod(
        "containers",
        json!([
            {"name": "PASSWORD_FILE", "value": "/run/secrets/db"},
            {"name": "TOKEN_TTL", "value": "3600"},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
            {"name": "DB_URL", "value": "postgres://app:$(DB_PASSWORD)@db:5432/shop"},
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "API_TOKEN", "value": ""},
            {"name": "COMMIT", "value": "0123456789abcdef0123456789abcdef01234567"}
        ]),
    );
    assert_allowed(&run(
        &kit::testing::workload("Pod", fine, json!({})),
        c,
        Value::Null,
    ));
    let obj = kit::testing::workload("Pod", env_pod("containers", env.clone()), json!({}));
    assert_allowed(&run(&obj, c, json!({"allowNames": ["DB_*"]})));
    assert_allowed(&run(&obj, c, json!({"allowValues": ["hunter2*"]})));
    let entropy = env_pod(
        "containers",
        json!([{"name": "SETTING", "value": "q8Zt3LmR7vXw2PkN9sHd4GfJ6bYc1TeA5uWo0"}]),
    );
    assert_allowed(&run(
        &kit::testing::workload("Pod", entropy, json!({})),
        c,
        json!({"detectHighEntropy": false}),
    ));
}

#[test]
fn configmaps_secret_env_and_secret_objects() {
    let c = "secret-literal-configmap";
    let cm = |data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "team-a"}, "data": data});
    assert_allowed(&run(
        &cm(
            json!({"API_URL": "http://api:8080", "REDIS_URL": "redis://redis:6379/0", "LOG_LEVEL": "info"}),
        ),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(&cm(json!({"SMTP_PASSWORD": "s3cr3t!!"})), c, Value::Null),
        &["[secret-literal-configmap]", "data[\"SMTP_PASSWORD\"]"],
    );
    assert_denied(
        &run(
            &cm(json!({"app.yaml": "db:\n  host: db\n  password: \"s3cr3t!!\"\n"})),
            c,
            Value::Null,
        ),
        &["data[\"app.yaml\"]", "line 3"],
    );
    assert_denied(
        &run(
            &cm(
                json!({"key.pem": "-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\n"}),
            ),
            c,
            Value::Null,
        ),
        &["PEM private key"],
    );
    assert_allowed(&run(
        &cm(json!({"app.yaml": "db:\n  password_file: /run/secrets/db\n  # password: example\n"})),
        c,
        Value::Null,
    ));
    assert_allowed(&run(&cm(json!({"n": 5, "m": null})), c, Value::Null));

    let c = "secret-env-vars";
    let spec = json!({"containers": [{"name": "app", "image": "nginx",
        "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "p"}}}],
        "envFrom": [{"secretRef": {"name": "all"}}, {"configMapRef": {"name": "cfg"}}]}]});
    for (kind, obj) in every_pod_kind(spec) {
        let p = spec_path(kind);
        assert_denied(
            &run(&obj, c, Value::Null),
            &[
                "[secret-env-vars]",
                &kit::text!("{p}.containers[0].env[0].valueFrom.secretKeyRef"),
                &kit::text!("{p}.containers[0].envFrom[0].secretRef"),
            ],
        );
    }

    let secret = |ann: Value, data: Value| {
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": "s", "namespace": "team-a", "annotations": ann}, "data": data})
    };
    let c = "secret-last-applied-data";
    let last = json!({"apiVersion": "v1", "kind": "Secret", "data": {"password": "aHVudGVyMg=="}})
        .to_string();
    assert_denied(
        &run(
            &secret(
                json!({"kubectl.kubernetes.io/last-applied-configuration": last}),
                json!({}),
            ),
            c,
            Value::Null,
        ),
        &[
            "[secret-last-applied-data]",
            "metadata.annotations[\"kubectl.kubernetes.io/last-applied-configuration\"]",
            "data",
        ],
    );
    let meta_only =
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}).to_string();
    assert_allowed(&run(
        &secret(
            json!({"kubectl.kubernetes.io/last-applied-configuration": meta_only}),
            json!({}),
        ),
        c,
        Value::Null,
    ));
    assert_denied(
        &run(
            &secret(
                json!({"kubectl.kubernetes.io/last-applied-configuration": "{garbage"}),
                json!({}),
            ),
            c,
            Value::Null,
        ),
        &["unparseable"],
    );
    assert_allowed(&run(&secret(json!({}), json!({"a": "b"})), c, Value::Null));

    let c = "secret-manifest-inline-data";
    assert_denied(
        &run(
            &secret(json!({}), json!({"password": "aHVudGVyMg=="})),
            c,
            Value::Null,
        ),
        &["[secret-manifest-inline-data]", "password"],
    );
    assert_allowed(&run(&secret(json!({}), json!({})), c, Value::Null));
    // Not in the default set: enabling nothing leaves it off.
    let r = check(
        &FAMILY,
        secret(json!({}), json!({"password": "aHVudGVyMg=="})),
        json!({}),
        vec![],
    );
    assert_allowed(&r);
}

#[test]
fn default_set_is_conservative() {
    let defaults: Vec<&str> = FAMILY
        .controls()
        .filter(|c| c.tags.contains(&"default"))
        .map(|c| c.id)
        .collect();
    for id in [
        "ingress-tls-hosts",
        "ingress-weak-tls",
        "tls-secret-certificate",
        "secret-literal-env",
        "encryption-config-secrets",
        "apiserver-encryption-provider-config",
    ] {
        assert!(defaults.contains(&id), "{id} should be default");
    }
    for id in [
        "mesh-pod-injection",
        "mesh-namespace-enrolled",
        "secret-manifest-inline-data",
        "secret-env-vars",
        "pvc-storage-encrypted",
    ] {
        assert!(!defaults.contains(&id), "{id} should be opt-in");
    }
    let ctx_aware: Vec<_> = FAMILY.controls().filter(|c| !c.reads.is_empty()).collect();
    assert!(ctx_aware.iter().all(|c| c.tags.contains(&"context-aware")));
    // A hostile pod never trips the default set.
    let mut env = Vec::new();
    for i in 0..2000 {
        env.push(json!({"name": kit::text!("V{i}"), "value": "é".repeat(i % 50)}));
    }
    let spec =
        json!({"containers": [{"name": "a", "image": "x", "env": env, "command": [1, {}, null]}]});
    let r = check(
        &FAMILY,
        kit::testing::workload("Pod", spec, json!({})),
        json!({}),
        vec![],
    );
    assert!(r["code"].is_null(), "{}", message(&r));
}

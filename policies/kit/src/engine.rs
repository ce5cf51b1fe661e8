//! One evaluation: payload in, [`Response`] out. Never panics on input.

use crate::cluster::Cluster;
use crate::control::{Control, Ctx, Family, KindSet, Operation, Shared};
use crate::dom::{self, Value};
use crate::explain::{Explanation, Status};
use crate::pod::PodTemplate;
use crate::request::Request;
use crate::response::{Report, Response, refuse, to_bytes};
use crate::settings::{Selected, Settings};
use kubewarden_policy_sdk::settings::SettingsValidationResponse;

/// waPC `validate_settings`: `{"valid": bool, "message": string|null}`.
pub fn validate_settings(family: &Family, payload: &[u8]) -> Vec<u8> {
    let result = dom::parse(payload)
        .map_err(|e| crate::text!("settings are not valid JSON: {e}"))
        .and_then(|v| Settings::read(family, &v).map(|_| ()));
    let response = SettingsValidationResponse {
        valid: result.is_ok(),
        message: result.err(),
    };
    crate::json::to_vec(&response)
}

/// waPC `validate`.
pub fn validate(family: &Family, payload: &[u8], cluster: &dyn Cluster) -> Vec<u8> {
    to_bytes(&evaluate(family, payload, cluster))
}

/// Whether `control` looks at this request at all. `pod_bearing`: whether
/// the request's kind carries a pod template (`KindSet::PodBearing`'s own
/// test, made once per request rather than once per control).
fn applies(control: &Control, request: &Request, action: &Action, pod_bearing: bool) -> bool {
    let kind_matches = match control.kinds {
        KindSet::PodBearing => pod_bearing,
        kinds => kinds.contains(&request.group, &request.kind),
    };
    kind_matches && applies_to_operation(control, action)
}

/// What a request does: its operation, and the subresource it is about
/// (`None`: the object itself). Worked out once per request, as every
/// selected control is asked whether it looks at it.
struct Action<'r> {
    op: Operation,
    subresource: Option<&'r str>,
}

impl<'r> Action<'r> {
    fn of(request: &'r Request, op: Operation) -> Action<'r> {
        let sub = request.sub_resource.as_str();
        // Adding ephemeral containers is an update of the Pod itself.
        let whole = sub.is_empty() || (sub == "ephemeralcontainers" && request.kind == "Pod");
        Action {
            op,
            subresource: (!whole).then_some(sub),
        }
    }
}

/// Whether `control` looks at this operation (and subresource) of the
/// request's kind, once its kinds include the request's.
fn applies_to_operation(control: &Control, action: &Action) -> bool {
    if !control.operations.contains(&action.op) {
        return false;
    }
    match action.subresource {
        None => control.subresources.is_empty() || control.subresources.contains(&""),
        Some(sub) => control.subresources.contains(&sub),
    }
}

pub fn evaluate(family: &Family, payload: &[u8], cluster: &dyn Cluster) -> Response {
    run_with(family, payload, None, cluster, Explanation::none(family)).0
}

/// waPC `explain`: the same evaluation as `validate`, returned as data for
/// `kube-soc2 scan`, `replay` and the reports (see [`Explanation`]).
pub fn explain(family: &Family, payload: &[u8], cluster: &dyn Cluster) -> Vec<u8> {
    // Parsed once: to tell a settings-only payload, then to evaluate the request.
    // SAFETY: as in `read_and_run`; the explanation is serialised inside.
    unsafe {
        dom::with_parsed(payload, family.reads_whole_request, |parsed| {
            explain_parsed(family, payload, parsed, cluster)
        })
    }
}

fn explain_parsed(
    family: &Family,
    payload: &[u8],
    parsed: Result<(Value, dom::Reading), dom::Error>,
    cluster: &dyn Cluster,
) -> Vec<u8> {
    let mut explanation = Explanation::new(family);
    if let Ok((Value::Object(top), reading)) = &parsed {
        if !top.contains_key("request") {
            let answer = selection(family, top);
            // Otherwise refused below, as a payload that is not JSON.
            if !reading.found_malformed() {
                return answer;
            }
        }
        explanation.applicable_only = top.get("applicableOnly") == Some(&Value::Bool(true));
    }
    let (response, explanation) = run_with(family, payload, Some(parsed), cluster, explanation);
    explanation.to_json(&response)
}

/// `explain` of a payload with settings and no request: which controls these
/// settings enable, and which only warn.
fn selection(family: &Family, top: &dom::Map) -> Vec<u8> {
    let mut explanation = Explanation::new(family);
    let accepted = Response::accepted();
    match Settings::read(family, top.get("settings").unwrap_or(&Value::Null)) {
        Ok(settings) => {
            for s in settings.selection(family) {
                explanation.enable(s.control, Status::Enabled, s.warn);
            }
            explanation.to_json(&accepted)
        }
        Err(e) => {
            let message = crate::text!("invalid settings: {e}");
            let response = refuse(family.name, 400, &message);
            explanation.refused = Some(message);
            explanation.to_json(&response)
        }
    }
}

/// One evaluation: the admission answer and what every control did.
pub fn evaluate_and_explain(
    family: &Family,
    payload: &[u8],
    cluster: &dyn Cluster,
) -> (Response, Explanation) {
    run_with(family, payload, None, cluster, Explanation::new(family))
}

/// The payload already parsed, when the caller had to look into it.
type Parsed = Option<Result<(Value, dom::Reading), dom::Error>>;

fn run_with(
    family: &Family,
    payload: &[u8],
    parsed: Parsed,
    cluster: &dyn Cluster,
    mut explanation: Explanation,
) -> (Response, Explanation) {
    // Evidence recorded by the checks (e.g. break-glass access) is returned as
    // audit annotations whatever the verdict; see `evidence`.
    crate::evidence::begin();
    let mut response = evaluate_request(family, payload, parsed, cluster, &mut explanation);
    crate::evidence::attach(&mut response);
    (response, explanation)
}

fn evaluate_request(
    family: &Family,
    payload: &[u8],
    parsed: Parsed,
    cluster: &dyn Cluster,
    explanation: &mut Explanation,
) -> Response {
    match read_and_run(family, payload, parsed, cluster, explanation) {
        Ok(response) => response,
        Err((code, message)) => {
            let response = refuse(family.name, code, &message);
            explanation.refused = Some(message);
            response
        }
    }
}

/// Reads the payload as `family` does and evaluates it; refused as not JSON
/// when a part the evaluation read is not, whatever the controls found.
fn read_and_run(
    family: &Family,
    payload: &[u8],
    parsed: Parsed,
    cluster: &dyn Cluster,
    explanation: &mut Explanation,
) -> Result<Response, (u16, String)> {
    if payload.len() > crate::MAX_PAYLOAD_BYTES {
        return Err((
            413,
            crate::text!(
                "the request is {} bytes, above the {} bytes this policy evaluates; the API server never sends admission requests this large",
                payload.len(),
                crate::MAX_PAYLOAD_BYTES
            ),
        ));
    }
    match parsed {
        Some(parsed) => run_parsed(family, payload, parsed, cluster, explanation),
        // SAFETY: the tree is dropped inside (`run` owns it and the
        // `Request` taken from it); what an evaluation leaves behind is
        // owned or cloned: the response and the evidence journal hold
        // `String`s, the explanation's findings clones of the request's
        // strings (`Container::identity`), and no check keeps a request's
        // value, let alone a reference into one, in a static.
        None => unsafe {
            dom::with_parsed(payload, family.reads_whole_request, |parsed| {
                run_parsed(family, payload, parsed, cluster, explanation)
            })
        },
    }
}

/// Evaluates the payload `parsed` from, refused as not JSON when a part the
/// evaluation read is not, whatever the controls found.
fn run_parsed(
    family: &Family,
    payload: &[u8],
    parsed: Result<(Value, dom::Reading), dom::Error>,
    cluster: &dyn Cluster,
    explanation: &mut Explanation,
) -> Result<Response, (u16, String)> {
    let not_json = |e: dom::Error| {
        (
            400,
            crate::text!("the validate payload is not valid JSON: {e}"),
        )
    };
    let (top, reading) = parsed.map_err(not_json)?;
    let outcome = run(family, top, cluster, explanation);
    if reading.found_malformed() {
        // As if the payload had been refused before any control ran.
        explanation.restart();
        crate::evidence::begin();
        return Err(match dom::parse(payload) {
            Err(e) => not_json(e),
            Ok(_) => (400, "the validate payload is not valid JSON".into()),
        });
    }
    outcome
}

/// Evaluates the enabled controls, recording each one's outcome in
/// `explanation`; `Err((code, message))` when the request cannot be evaluated.
fn run(
    family: &Family,
    top: Value,
    cluster: &dyn Cluster,
    explanation: &mut Explanation,
) -> Result<Response, (u16, String)> {
    let Value::Object(mut top) = top else {
        return Err((
            400,
            "the validate payload must be an object {\"request\": ..., \"settings\": ...}".into(),
        ));
    };
    let settings = Settings::read(family, top.get("settings").unwrap_or(&Value::Null))
        .map_err(|e| (400, crate::text!("invalid settings: {e}")))?;
    let request = match top.remove("request") {
        None | Some(Value::Null) => {
            return Err((400, "the validate payload has no \"request\"".into()));
        }
        Some(r) => Request::from_value(r).map_err(|e| (400, e))?,
    };
    let Some(op) = request.operation else {
        return Err((
            400,
            crate::text!(
                "unknown operation \"{}\"; expected CREATE, UPDATE, DELETE or CONNECT",
                request.operation_raw
            ),
        ));
    };
    // `validate` records nothing: the bundle's 300 controls cost a lookup each.
    if explanation.records() {
        for s in settings.selection(family) {
            explanation.enable(s.control, Status::NotApplicable, s.warn);
        }
    }
    if request.subject().is_null() {
        // DELETE without oldObject (or a bare CONNECT): nothing to look at.
        return Ok(Report::default().into_response(&request));
    }
    let pod_bearing = KindSet::PodBearing.contains(&request.group, &request.kind);
    let action = Action::of(&request, op);
    let controls: Vec<Selected> =
        match settings.selected_for_kind(family, &request.group, &request.kind) {
            Some(looking) => looking
                .into_iter()
                .filter(|s| applies_to_operation(s.control, &action))
                .collect(),
            None => settings
                .selection(family)
                .iter()
                .copied()
                .filter(|s| applies(s.control, &request, &action, pod_bearing))
                .collect(),
        };
    if controls.is_empty() {
        return Ok(Report::default().into_response(&request));
    }
    let pod = if controls
        .iter()
        .any(|s| matches!(s.control.kinds, KindSet::PodBearing))
    {
        PodTemplate::extract(&request.kind, request.subject()).map_err(|e| {
            (
                400,
                crate::text!("{} is malformed: {e}", request.describe()),
            )
        })?
    } else {
        None
    };
    let mut report = Report::default();
    let shared = Shared::default();
    for Selected {
        control,
        position,
        warn,
    } in controls
    {
        if matches!(control.kinds, KindSet::PodBearing) && pod.is_none() {
            continue;
        }
        let ctx = Ctx {
            request: &request,
            pod: pod.as_ref(),
            params: settings.params(control),
            options: &settings.options,
            cluster,
            shared: &shared,
        };
        let mut findings = match family
            .run_check
            .and_then(|run| run(usize::from(position), control, &ctx))
        {
            Some(findings) => findings,
            None => (control.check)(&ctx),
        };
        let mut exempted_by = None;
        findings.retain(|f| {
            match settings
                .exemptions
                .iter()
                .find(|e| e.covers(&request, control, f))
            {
                Some(e) => {
                    exempted_by = Some(e.reason.clone());
                    false
                }
                None => true,
            }
        });
        if let Some(reason) = &exempted_by {
            report.exempted.push((control, reason.clone()));
        }
        if findings.is_empty() {
            let status = match exempted_by {
                Some(reason) => Status::Exempted(reason),
                None => Status::Passed,
            };
            explanation.set(control, status);
            continue;
        }
        explanation.record(control, &findings, warn);
        if warn {
            report.warned.push((control, findings));
        } else {
            report.denied.push((control, findings));
        }
    }
    if let Some(e) = shared.malformed_template() {
        // A check asked for a template it could not read: refused as if no
        // check had run, as when a Pod-bearing control is selected (above),
        // rather than read as a Pod without containers.
        explanation.restart();
        crate::evidence::begin();
        return Err((
            400,
            crate::text!("{} is malformed: {e}", request.describe()),
        ));
    }
    Ok(report.into_response(&request))
}

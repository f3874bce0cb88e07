//! The order a result answers (`DiagnosticReport.basedOn`). Every path that writes a report
//! (entry, import) asks [`order_gate`] first; it is the one place that knows where orders live.
//!
//! Until the orders area is wired in, the gate knows the visit the order was placed in (the
//! request names it) and the item the request names: it checks that the visit exists and is
//! not cancelled, and takes the patient, the ordering doctor (the visit's doctor) and the
//! department from the visit. Wired to the orders store, it reads `Store::order(order_id)`
//! instead (unknown or cancelled orders are refused there), and the final save moves the order
//! to `reported` in the report's own transaction (`Store::save_report`).

use huimin_domain::i18n::Text;
use huimin_domain::records::VisitStatus;

use crate::error::ApiError;
use crate::state::AppState;

/// What a report needs to know about its order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderFacts {
    pub order_id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    /// The Practitioner who ordered (told of the result and its critical values).
    pub orderer_id: Option<String>,
    /// The ordering department (whose head hears of unacknowledged critical values).
    pub department_id: Option<String>,
    /// The orderable item code.
    pub item: String,
}

/// What the request says about the order, where `field` names it in a refusal.
#[derive(Clone, Debug, Default)]
pub struct Claimed<'a> {
    pub encounter: Option<&'a str>,
    pub item: Option<&'a str>,
    pub patient: Option<&'a str>,
    /// Where these facts sit in the request (`""` for the API body, `Bundle.entry[0].resource.`).
    pub prefix: &'a str,
}

fn refused(field: String, text: Text) -> ApiError {
    ApiError::unprocessable(text).at(field)
}

/// Checks the order `order_id` may receive a report and returns its facts.
pub async fn order_gate(
    state: &AppState,
    order_id: &str,
    claimed: &Claimed<'_>,
) -> Result<OrderFacts, ApiError> {
    let p = claimed.prefix;
    if !huimin_fhir::primitives::is_valid_id(order_id) {
        return Err(refused(
            format!("{p}basedOn"),
            Text::new("检查检验申请单号无效", "The order id is not valid"),
        ));
    }
    let Some(encounter_id) = claimed.encounter else {
        return Err(refused(
            format!("{p}encounter"),
            Text::new(
                "请注明开单时的就诊（encounter）",
                "Name the visit the order was placed in (encounter)",
            ),
        ));
    };
    let encounter_id = huimin_fhir::Reference::local_id("Encounter", encounter_id);
    let Some(encounter) = state.store.encounter(encounter_id).await? else {
        return Err(refused(
            format!("{p}encounter"),
            Text::new(
                format!("找不到开单的就诊 {encounter_id}"),
                format!("The visit {encounter_id} of the order does not exist"),
            ),
        ));
    };
    if encounter.status == VisitStatus::Cancelled {
        return Err(refused(
            format!("{p}basedOn"),
            Text::new(
                "该申请所在的就诊已取消，不能出报告",
                "The order's visit was cancelled: no report can be made for it",
            ),
        ));
    }
    if let Some(patient) = claimed.patient
        && huimin_fhir::Reference::local_id("Patient", patient) != encounter.patient_id
    {
        return Err(refused(
            format!("{p}subject"),
            Text::new(
                "报告的患者与申请单的患者不符",
                "The report's patient is not the order's patient",
            ),
        ));
    }
    let Some(item) = claimed.item else {
        return Err(refused(
            format!("{p}code"),
            Text::new("请注明检查检验项目", "Name the ordered item"),
        ));
    };
    let orderer_id = match &encounter.practitioner_role_id {
        Some(role) => state
            .store
            .read_resource("PractitionerRole", role)
            .await?
            .and_then(|r| {
                r.content["practitioner"]["reference"]
                    .as_str()
                    .and_then(|s| s.strip_prefix("Practitioner/"))
                    .map(str::to_owned)
            }),
        None => None,
    };
    Ok(OrderFacts {
        order_id: order_id.to_owned(),
        patient_id: encounter.patient_id.clone(),
        encounter_id: Some(encounter.id.clone()),
        orderer_id,
        department_id: Some(encounter.department_id.clone()),
        item: item.to_owned(),
    })
}

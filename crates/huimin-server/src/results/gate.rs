//! The order a result answers (`DiagnosticReport.basedOn`). Every path that writes a report
//! (entry, import) asks [`order_gate`] first: it reads the order (`Store::order`), refuses an
//! unknown, cancelled or not yet collected/performed one, checks what the request claims
//! about it (visit, patient, item) and returns the facts a report takes from the order. The
//! final save moves the order to `reported` in the report's own transaction
//! (`Store::save_report`).

use huimin_domain::i18n::Text;
use huimin_domain::orders::OrderStatus;

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

/// What the request says about the order, where `prefix` places it in a refusal.
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
    let based_on = || format!("{p}basedOn");
    if !huimin_fhir::primitives::is_valid_id(order_id) {
        return Err(refused(
            based_on(),
            Text::new("检查检验申请单号无效", "The order id is not valid"),
        ));
    }
    let Some(order) = state.store.order(order_id).await? else {
        return Err(refused(
            based_on(),
            Text::new(
                format!("找不到检查检验申请 {order_id}"),
                format!("The order {order_id} does not exist"),
            ),
        ));
    };
    match order.status {
        OrderStatus::Cancelled => {
            return Err(refused(
                based_on(),
                Text::new(
                    "该申请已撤销，不能出报告",
                    "The order was cancelled: no report can be made for it",
                ),
            ));
        }
        OrderStatus::Ordered | OrderStatus::Paid | OrderStatus::Scheduled => {
            return Err(refused(
                based_on(),
                Text::new(
                    format!(
                        "该申请当前为“{}”，采样或检查后才能出报告",
                        order.status.label().zh
                    ),
                    format!(
                        "The order is {}: a report follows the specimen or the service",
                        order.status.code()
                    ),
                ),
            ));
        }
        _ => {}
    }
    if let Some(encounter) = claimed.encounter
        && huimin_fhir::Reference::local_id("Encounter", encounter) != order.encounter_id
    {
        return Err(refused(
            format!("{p}encounter"),
            Text::new(
                "报告的就诊与申请单的就诊不符",
                "The report's visit is not the order's visit",
            ),
        ));
    }
    if let Some(patient) = claimed.patient
        && huimin_fhir::Reference::local_id("Patient", patient) != order.patient_id
    {
        return Err(refused(
            format!("{p}subject"),
            Text::new(
                "报告的患者与申请单的患者不符",
                "The report's patient is not the order's patient",
            ),
        ));
    }
    if let Some(item) = claimed.item
        && item != order.item_code
    {
        return Err(refused(
            format!("{p}code"),
            Text::new(
                format!("报告的项目与申请单的项目（{}）不符", order.item_code),
                format!(
                    "The report's item is not the order's item ({})",
                    order.item_code
                ),
            ),
        ));
    }
    Ok(OrderFacts {
        order_id: order.id,
        patient_id: order.patient_id,
        encounter_id: Some(order.encounter_id),
        orderer_id: Some(order.orderer_practitioner_id),
        department_id: Some(order.department_id),
        item: order.item_code,
    })
}

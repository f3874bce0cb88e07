//! Names of the directory's entries in the visitor's language, for any page that shows one:
//! a department's name (心血管内科 or Cardiology) read from the API.

use huimin_fhir::Organization;

use crate::api::Api;
use crate::fhir::Named;
use crate::web::Web;

/// The department with `id`, named in the visitor's language; empty when it cannot be read.
pub async fn department_name(api: &Api, web: &Web, id: &str) -> String {
    let reply = api.get(web, &format!("/fhir/Organization/{id}")).await;
    reply
        .resource::<Organization>()
        .filter(|_| reply.ok())
        .map(|org| org.display_name(web.lang))
        .unwrap_or_default()
}

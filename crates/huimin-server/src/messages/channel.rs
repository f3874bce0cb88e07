//! Where a message goes. Every channel takes a rendered message and either delivers it or
//! says why not (the worker retries with back-off). SMS and webhooks are further channels.

use huimin_store::messages::Due;
use huimin_store::{Store, StoreError};

/// A message in both languages, ready for a channel.
pub struct Rendered {
    pub zh: String,
    pub en: String,
}

pub trait Channel: Send + Sync {
    fn name(&self) -> &'static str;
    fn deliver(
        &self,
        due: &Due,
        message: &Rendered,
        now: i64,
    ) -> impl std::future::Future<Output = Result<(), StoreError>> + Send;
}

/// The patient's inbox in the app (`notifications`): keyed by the event id, so a repeated
/// delivery leaves one message; written and settled in one transaction.
pub struct InApp<'a> {
    pub store: &'a Store,
}

impl Channel for InApp<'_> {
    fn name(&self) -> &'static str {
        "in-app"
    }

    async fn deliver(&self, due: &Due, message: &Rendered, now: i64) -> Result<(), StoreError> {
        let to_staff = huimin_domain::messages::kind::EventKind::from_code(&due.kind)
            .is_some_and(|k| k.to_staff());
        match due.params["recipient"].as_str() {
            // A staff event goes to the staff inbox of the Practitioner it names, never to the
            // patient's message centre.
            Some(practitioner) if to_staff => {
                self.store
                    .deliver_to_staff(due, practitioner, (&message.zh, &message.en), now)
                    .await
            }
            _ if to_staff => Err(StoreError::Corrupt(format!(
                "staff event {} names no recipient",
                due.event_id
            ))),
            _ => {
                self.store
                    .deliver_in_app(due, (&message.zh, &message.en), now)
                    .await
            }
        }
    }
}

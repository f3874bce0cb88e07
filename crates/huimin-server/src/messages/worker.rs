//! The outbox worker: claims due deliveries, renders each event in both languages with the
//! templates and the facts of the moment, hands it to its channel, and settles it (or
//! schedules a retry with back-off). Every server process runs one; they share the work by
//! lease, so a message is delivered at least once, and the in-app channel keeps it once.

use std::sync::LazyLock;
use std::time::Duration;

use huimin_domain::i18n::Lang;
use huimin_domain::messages::backoff::retry_after_seconds;
use huimin_domain::messages::kind::EventKind;
use huimin_domain::messages::templates::Templates;
use huimin_store::messages::Due;

use super::channel::{Channel, InApp, Rendered};
use super::facts::facts;
use crate::state::AppState;

/// How often the worker looks for due deliveries.
pub const INTERVAL: Duration = Duration::from_millis(500);
/// How long a claimed delivery is this worker's before another may take it.
const LEASE_MICROS: i64 = 30_000_000;
const BATCH: u32 = 50;

static TEMPLATES: LazyLock<Templates> = LazyLock::new(Templates::builtin);

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub delivered: usize,
    pub retried: usize,
    pub dead: usize,
}

async fn render(state: &AppState, due: &Due) -> Result<Rendered, String> {
    let kind =
        EventKind::from_code(&due.kind).ok_or_else(|| format!("unknown event {}", due.kind))?;
    let facts = facts(state, due)
        .await
        .map_err(|e| format!("facts: {e:?}"))?;
    let text = |lang| {
        TEMPLATES
            .render(kind, lang, &facts)
            .map(|r| r.body)
            .map_err(|e| e.to_string())
    };
    Ok(Rendered {
        zh: text(Lang::Zh)?,
        en: text(Lang::En)?,
    })
}

/// One pass: every due delivery claimed, delivered or rescheduled.
pub async fn dispatch_pending(state: &AppState) -> Result<Outcome, huimin_store::StoreError> {
    let now = state.clock.now().as_microsecond();
    let claimed = state
        .store
        .claim_deliveries(now, LEASE_MICROS, BATCH)
        .await?;
    let in_app = InApp {
        store: &state.store,
    };
    let mut outcome = Outcome::default();
    for due in claimed {
        let delivered = match render(state, &due).await {
            Ok(message) if due.channel == in_app.name() => in_app
                .deliver(&due, &message, now)
                .await
                .map_err(|e| e.to_string()),
            Ok(_) => Err(format!("no channel {}", due.channel)),
            Err(e) => Err(e),
        };
        match delivered {
            Ok(()) => outcome.delivered += 1,
            Err(error) => {
                let retry = retry_after_seconds(due.attempts).map(|s| now + s * 1_000_000);
                tracing::warn!(event = %due.event_id, channel = %due.channel, %error, "delivery failed");
                state.store.mark_failed(&due, &error, retry).await?;
                match retry {
                    Some(_) => outcome.retried += 1,
                    None => outcome.dead += 1,
                }
            }
        }
    }
    Ok(outcome)
}

/// Loops [`dispatch_pending`] until the task is aborted; a full batch goes again at once.
pub async fn run_forever(state: AppState) {
    crate::metrics::worker_started("outbox");
    let mut ticker = tokio::time::interval(INTERVAL);
    loop {
        ticker.tick().await;
        loop {
            match dispatch_pending(&state).await {
                Ok(o) if o.delivered + o.retried + o.dead == BATCH as usize => continue,
                Ok(_) => {
                    crate::metrics::worker_pass("outbox");
                    break;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "outbox pass failed");
                    break;
                }
            }
        }
    }
}

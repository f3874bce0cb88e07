//! Live updates without reloading (SSE): a stream polls one API answer and sends it whenever
//! it changes. Polling the API (the database) rather than an in-process channel keeps it
//! right when several server processes share one database; a stream ends after an hour
//! (browsers reconnect by themselves).

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde_json::Value;

use crate::api::Api;
use crate::web::Web;

const EVERY: Duration = Duration::from_secs(1);
const AT_MOST: Duration = Duration::from_secs(3600);

/// Sends `path`'s JSON (as `view` shapes it) now and at every change.
pub fn follow(
    api: Api,
    web: Web,
    path: String,
    view: fn(&Web, &Value) -> Value,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let started = Instant::now();
    let stream = futures_util::stream::unfold(
        (api, web, path, None::<Value>, true),
        move |(api, web, path, last, first)| async move {
            loop {
                if started.elapsed() > AT_MOST {
                    return None;
                }
                if !first {
                    tokio::time::sleep(EVERY).await;
                }
                let reply = api.get(&web, &path).await;
                if !reply.ok() {
                    return None;
                }
                let shown = view(&web, &reply.body);
                if last.as_ref() != Some(&shown) {
                    let event = Event::default().data(shown.to_string());
                    return Some((Ok(event), (api, web, path, Some(shown), false)));
                }
                // Unchanged: look again after the pause (`first` is false once sent).
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

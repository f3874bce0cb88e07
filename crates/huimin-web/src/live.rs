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
pub fn follow<V>(
    api: Api,
    web: Web,
    path: String,
    view: V,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>>
where
    V: Fn(&Web, &Value) -> Value + Send + Sync + 'static,
{
    follow_with(api, web, (path, Vec::new()), view)
}

/// [`follow`], asking with extra request headers (a call screen's token).
pub fn follow_with<V>(
    api: Api,
    web: Web,
    (path, headers): (String, Vec<(&'static str, String)>),
    view: V,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>>
where
    V: Fn(&Web, &Value) -> Value + Send + Sync + 'static,
{
    let started = Instant::now();
    let view = std::sync::Arc::new(view);
    let stream = futures_util::stream::unfold(
        (api, web, (path, headers), None::<Value>, true),
        move |(api, web, (path, headers), last, first)| {
            let view = view.clone();
            async move {
                loop {
                    if started.elapsed() > AT_MOST {
                        return None;
                    }
                    if !first {
                        tokio::time::sleep(EVERY).await;
                    }
                    let sent: Vec<(&str, &str)> =
                        headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let reply = api
                        .call_with(&web, axum::http::Method::GET, &path, None, &sent)
                        .await;
                    if !reply.ok() {
                        return None;
                    }
                    let shown = view(&web, &reply.body);
                    if last.as_ref() != Some(&shown) {
                        let event = Event::default().data(shown.to_string());
                        let next = (api, web, (path, headers), Some(shown), false);
                        return Some((Ok(event), next));
                    }
                    // Unchanged: look again after the pause (`first` is false once sent).
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

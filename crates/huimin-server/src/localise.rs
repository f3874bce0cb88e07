//! Where error texts meet the caller's language.
//!
//! Errors carry their texts in both languages and never a language. The language is chosen
//! once, where the answer is written: [`localise`], a layer around every route, reads the
//! request's language (`?lang=`, else `Accept-Language`) and has the answer's body written in
//! it. A layer rather than a language passed to every error or a wrapper around each handler:
//! it also reaches errors raised before a handler runs (the `Ctx` extractor's 401, the
//! fallback's 404) and errors from helpers that never see the request, and no handler can
//! forget it. An answer built by [`localised`] is complete in the default language without the
//! layer, so the layer only rewrites the body when the caller asked for another language.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Lang;

/// The body of a localised answer, written in a language on demand.
type Render = Arc<dyn Fn(Lang) -> Vec<u8> + Send + Sync>;

/// Marks an answer whose body [`localise`] writes again in the request's language.
#[derive(Clone)]
struct Localised(Render);

/// An answer with `status` whose body `render` writes in the caller's language: now in the
/// default language (so it is complete even outside the [`localise`] layer), and again by the
/// layer when the request asked for another.
pub fn localised(
    status: StatusCode,
    render: impl Fn(Lang) -> Vec<u8> + Send + Sync + 'static,
) -> Response {
    let mut response = (status, render(Lang::default())).into_response();
    response
        .extensions_mut()
        .insert(Localised(Arc::new(render)));
    response
}

/// The layer that writes localised answers in the request's language (see the module
/// comment). Status and headers stay as the handler set them; only the body is rewritten.
pub async fn localise(mut request: Request, next: Next) -> Response {
    let lang = lang_of(request.uri(), request.headers());
    // Read once per request: the `Ctx` extractor takes it from here.
    request.extensions_mut().insert(lang);
    written_in(next.run(request).await, lang)
}

/// `response` with its body written in `lang` when it is a localised answer: for layers
/// outside [`localise`] that build answers of their own.
pub fn written_in(mut response: Response, lang: Lang) -> Response {
    if let Some(Localised(render)) = response.extensions_mut().remove::<Localised>()
        && lang != Lang::default()
    {
        *response.body_mut() = axum::body::Body::from(render(lang));
    }
    response
}

/// The language a request asks for, from its address and headers: `?lang=`, else
/// `Accept-Language`, else Chinese.
pub fn lang_of(uri: &Uri, headers: &HeaderMap) -> Lang {
    let from_query = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_code(&v))
    });
    from_query.unwrap_or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

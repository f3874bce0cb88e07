//! What every page frame needs: language, text size, who is signed in, the switches.

use huimin_domain::i18n::Lang;

use crate::i18n;
use crate::web::Web;

pub struct Chrome {
    pub lang: Lang,
    pub large: bool,
    pub signed_in: bool,
    pub patient: bool,
    pub staff: bool,
    /// Which staff pages to offer, by the role in the token (the API decides what is allowed).
    pub workbench: bool,
    /// The lab and imaging worklist (technicians).
    pub lab: bool,
    /// The pharmacy's review queue, dispensing counter and stock (pharmacists).
    pub pharmacy: bool,
    pub desk: bool,
    pub triage: bool,
    pub admin: bool,
    /// Unread messages, shown as a badge on the messages link when not 0.
    pub unread: u64,
    /// The hospital's name in the page's language (empty when the directory has none).
    pub hospital: String,
    pub title: String,
    here: String,
}

impl Chrome {
    pub fn new(web: &Web, title: String) -> Self {
        Chrome {
            lang: web.lang,
            large: web.large,
            signed_in: web.signed_in(),
            patient: web.is_patient(),
            staff: web.signed_in() && !web.is_patient(),
            workbench: matches!(web.role.as_deref(), Some("doctor" | "admin")),
            desk: matches!(web.role.as_deref(), Some("registrar" | "admin")),
            triage: matches!(web.role.as_deref(), Some("nurse" | "admin")),
            admin: web.role.as_deref() == Some("admin"),
            lab: matches!(web.role.as_deref(), Some("technician" | "admin")),
            pharmacy: web.role.as_deref() == Some("pharmacist"),
            unread: web.unread,
            hospital: i18n::pick(web.lang, &web.hospital.zh, &web.hospital.en).to_owned(),
            title,
            here: web.here.clone(),
        }
    }

    /// The header's name: the hospital's, or the product's when none is set up.
    pub fn brand(&self) -> String {
        if self.hospital.is_empty() {
            self.t("app.name").to_owned()
        } else {
            format!("{} · {}", self.hospital, self.t("app.service"))
        }
    }

    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }

    pub fn html_lang(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn prefs_link(&self, pair: &str) -> String {
        let back = crate::web::encoded(&self.here);
        format!("/prefs?{pair}&back={back}")
    }

    /// Switches to the other language and comes back here.
    pub fn other_lang_link(&self) -> String {
        self.prefs_link(match self.lang {
            Lang::Zh => "lang=en",
            Lang::En => "lang=zh",
        })
    }

    pub fn other_lang_name(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "English",
            Lang::En => "中文",
        }
    }

    /// The badge's figure: at most two digits fit in it.
    pub fn unread_badge(&self) -> String {
        if self.unread > 99 {
            "99+".into()
        } else {
            self.unread.to_string()
        }
    }

    /// What a screen reader says for the messages link with its badge: `3 条未读消息`.
    pub fn unread_label(&self) -> String {
        match self.lang {
            Lang::Zh => format!("{} 条未读消息", self.unread),
            Lang::En => huimin_domain::i18n::en_count(self.unread, "unread message"),
        }
    }

    /// Turns large text on or off and comes back here.
    pub fn large_link(&self) -> String {
        self.prefs_link(if self.large { "large=0" } else { "large=1" })
    }
}

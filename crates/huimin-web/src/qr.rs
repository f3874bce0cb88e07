//! The check-in QR code on a booking, drawn as inline SVG (no image files, no script).

use qrcode::QrCode;
use qrcode::render::svg;

/// What a kiosk or desk scanner reads: the appointment's reference.
pub fn check_in_payload(appointment_id: &str) -> String {
    format!("huimin:Appointment/{appointment_id}")
}

/// An SVG QR code of `text`, or nothing when it cannot be encoded.
pub fn svg(text: &str) -> String {
    QrCode::new(text.as_bytes())
        .map(|code| {
            code.render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_an_svg() {
        let drawn = super::svg(&super::check_in_payload("abc"));
        assert!(
            drawn.starts_with("<?xml") || drawn.starts_with("<svg"),
            "{drawn}"
        );
        assert!(drawn.contains("<path"));
    }
}

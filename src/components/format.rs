//! Numbers and times as people read them.

use chrono::{DateTime, Utc};

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 conversation", "2 conversations".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// "22 Nov 2026, 08:05" in UTC: the same for every reader of a shared screen.
pub fn date_time(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// The browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// "22 Nov 2026, 09:05" in the browser's time zone (its offset at that instant).
pub fn local_date_time(t: DateTime<Utc>) -> String {
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t.timestamp_millis() as f64));
    // getTimezoneOffset is UTC minus local, in minutes.
    let local = t - chrono::Duration::minutes(at.get_timezone_offset() as i64);
    local.format("%-d %b %Y, %H:%M").to_string()
}

/// The browser's time zone by name ("Europe/Oslo"), if it says.
pub fn time_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
}

pub fn date(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y").to_string()
}

/// "3 min 20 s", "45 s".
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

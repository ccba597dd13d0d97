//! Numbers, dates and times as the reader's language writes them, in the browser's
//! time zone, through the browser's `Intl` (R27). The server keeps RFC 3339 UTC.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use js_sys::{Array, Date, Intl, Object, Reflect};
use leptos_i18n::Locale as _;
use wasm_bindgen::JsValue;

use crate::i18n::Locale;
use crate::language::{browser_languages, primary_language};

/// The formats the app writes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Style {
    Number,
    /// "0.4", "0,4": at most one decimal
    Decimal,
    /// "22 Nov 2026, 09:05"
    DateTime,
    /// "22 Nov 2026"
    Date,
}

thread_local! {
    /// Building an `Intl` formatter costs far more than using one: one per language and style.
    static FORMATTERS: RefCell<HashMap<(Locale, Style), JsValue>> = RefCell::default();
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o
}

/// The browser's own variant of the language when it prefers one ("en-GB" writes
/// "22 Nov 2026", "en-US" "Nov 22, 2026"), else the language itself.
fn tag(locale: Locale) -> String {
    let want = locale.as_str();
    browser_languages()
        .into_iter()
        .find(|l| primary_language(l) == want)
        .unwrap_or_else(|| want.to_string())
}

fn formatter(locale: Locale, style: Style) -> JsValue {
    FORMATTERS.with(|f| {
        f.borrow_mut()
            .entry((locale, style))
            .or_insert_with(|| {
                let tag = Array::of1(&tag(locale).into());
                match style {
                    Style::Number => Intl::NumberFormat::new(&tag, &Object::new()).into(),
                    Style::Decimal => {
                        Intl::NumberFormat::new(&tag, &options(&[("maximumFractionDigits", "1")]))
                            .into()
                    }
                    Style::DateTime => Intl::DateTimeFormat::new(
                        &tag,
                        &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
                    )
                    .into(),
                    Style::Date => {
                        Intl::DateTimeFormat::new(&tag, &options(&[("dateStyle", "medium")])).into()
                    }
                }
            })
            .clone()
    })
}

fn js_date(t: DateTime<Utc>) -> Date {
    Date::new(&JsValue::from_f64(t.timestamp_millis() as f64))
}

/// 1234567 → "1,234,567" in English, "1.234.567" in German, "1 234 567" in Norwegian.
pub fn number(locale: Locale, n: u64) -> String {
    let f: Intl::NumberFormat = formatter(locale, Style::Number).into();
    f.format()
        .call1(&JsValue::UNDEFINED, &JsValue::from_f64(n as f64))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| n.to_string())
}

/// 0.44 → "0.4" in English, "0,4" in German and Norwegian.
pub fn decimal(locale: Locale, n: f64) -> String {
    let f: Intl::NumberFormat = formatter(locale, Style::Decimal).into();
    f.format()
        .call1(&JsValue::UNDEFINED, &JsValue::from_f64(n))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{n:.1}"))
}

/// "22 Nov 2026, 09:05" ("22.11.2026, 09:05", "22. nov. 2026, 09:05") in the
/// browser's time zone.
pub fn date_time(locale: Locale, t: DateTime<Utc>) -> String {
    let f: Intl::DateTimeFormat = formatter(locale, Style::DateTime).into();
    f.format()
        .call1(&JsValue::UNDEFINED, &js_date(t))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| t.to_rfc3339())
}

/// "22 Nov 2026" in the browser's time zone.
pub fn date(locale: Locale, t: DateTime<Utc>) -> String {
    let f: Intl::DateTimeFormat = formatter(locale, Style::Date).into();
    f.format()
        .call1(&JsValue::UNDEFINED, &js_date(t))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| t.to_rfc3339())
}

/// `utc_hour`:00 UTC on the UTC day of `day`.
pub fn hour_on(day: DateTime<Utc>, utc_hour: u8) -> DateTime<Utc> {
    day.date_naive()
        .and_hms_opt(u32::from(utc_hour.min(23)), 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(day)
}

/// R24: a UTC hour of the day (0–23) as the browser's clock shows it today:
/// 2 → "03:00" in Oslo in winter.
pub fn hour_of_day(locale: Locale, utc_hour: u8) -> String {
    let at = hour_on(now(), utc_hour);
    let f = Intl::DateTimeFormat::new(
        &Array::of1(&tag(locale).into()),
        &options(&[("timeStyle", "short")]),
    );
    f.format()
        .call1(&JsValue::UNDEFINED, &js_date(at))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{utc_hour:02}:00 UTC"))
}

/// R24: the hour the browser's clock shows today at `utc_hour`:00 UTC (2 → 3 in
/// Oslo in winter).
pub fn local_hour(utc_hour: u8) -> u32 {
    js_date(hour_on(now(), utc_hour)).get_hours()
}

/// The browser's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Date::now() as i64).unwrap_or_default()
}

/// The browser's time zone by name ("Europe/Oslo"), if it says.
pub fn time_zone() -> Option<String> {
    let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
}

/// R24: a time as a `datetime-local` input shows it, in the browser's clock
/// ("2026-12-04T02:00").
pub fn local_input(t: DateTime<Utc>) -> String {
    let d = js_date(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// R24: what a `datetime-local` input holds, read in the browser's clock;
/// `None` when it holds no time.
pub fn from_local_input(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    // ECMAScript reads a date and time without an offset in the local zone.
    let ms = Date::new(&JsValue::from_str(text)).get_time();
    (ms.is_finite()).then(|| DateTime::from_timestamp_millis(ms as i64))?
}

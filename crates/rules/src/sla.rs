//! R31: when the SLA's clock runs. Around the clock, or in business hours: spans
//! of the week in an IANA time zone, where a due time is found by walking the
//! spans from the start, counting only the time inside them. A span is read as
//! the zone's clock shows it on that day, so across a daylight saving change it
//! starts and ends at the same local times (and counts the real time between).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::codes;
use crate::requests::all_or_errors;
use crate::said::Said;
use crate::validation::FieldError;

codes! {
    /// A day of the week, as business hours name it.
    pub enum Day("weekday") {
        Mon = "mon" => "Monday",
        Tue = "tue" => "Tuesday",
        Wed = "wed" => "Wednesday",
        Thu = "thu" => "Thursday",
        Fri = "fri" => "Friday",
        Sat = "sat" => "Saturday",
        Sun = "sun" => "Sunday",
    }
}

impl Day {
    fn of(date: NaiveDate) -> Day {
        Day::ALL[date.weekday().num_days_from_monday() as usize]
    }

    /// Monday first.
    fn index(self) -> usize {
        Day::ALL.iter().position(|d| *d == self).unwrap_or(0)
    }
}

/// One stretch of business hours: `from` to `to` ("08:00" to "16:00") on `day`,
/// in the policy's time zone. `to` may be "24:00", the end of the day; a span
/// never crosses midnight (two spans do).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub day: Day,
    pub from: String,
    pub to: String,
}

/// Monday to Friday, `from` to `to` each day: the business hours most
/// companies start from.
pub fn weekdays(from: &str, to: &str) -> Vec<Span> {
    [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri]
        .into_iter()
        .map(|day| Span {
            day,
            from: from.into(),
            to: to.into(),
        })
        .collect()
}

/// When the SLA's clock runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum SlaHours {
    /// Every hour of every day.
    #[default]
    Always,
    /// Only inside `spans`, read in `time_zone` (an IANA name, "Europe/Oslo").
    Business { time_zone: String, spans: Vec<Span> },
}

/// The longest target a policy may set: a year.
pub const MAX_TARGET_SECONDS: i64 = 366 * 24 * 3600;

/// Minutes since midnight of "HH:MM" (00:00 to 24:00), if it is one.
pub fn minutes_of(clock: &str) -> Option<u32> {
    if clock == "24:00" {
        return Some(24 * 60);
    }
    let (h, m) = clock.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Whether `name` is an IANA time zone this build knows.
pub fn known_time_zone(name: &str) -> bool {
    name.parse::<Tz>().is_ok()
}

/// What is wrong with business hours, each beside its field: a zone this build
/// doesn't know, no span at all (a week the clock never runs in), a span whose
/// times aren't clock times or that ends before it starts (crossing midnight:
/// make two), spans of a day that overlap.
pub fn validate_hours(hours: &SlaHours) -> Result<(), Vec<FieldError>> {
    let mut errors = zone_errors(hours);
    errors.extend(validate_spans(hours).err().unwrap_or_default());
    all_or_errors(errors, ())
}

/// Business hours in a time zone this build doesn't know.
fn zone_errors(hours: &SlaHours) -> Vec<FieldError> {
    match hours {
        SlaHours::Business { time_zone, .. } if !known_time_zone(time_zone.trim()) => {
            vec![FieldError::new(
                "time_zone",
                Said::UnknownTimeZone {
                    name: time_zone.clone(),
                },
            )]
        }
        _ => Vec::new(),
    }
}

/// [`validate_hours`] but the time zone: what the browser checks as the admin
/// types, without the zone database in the wasm (its zones come from `Intl`).
pub fn validate_spans(hours: &SlaHours) -> Result<(), Vec<FieldError>> {
    let SlaHours::Business { spans, .. } = hours else {
        return Ok(());
    };
    let mut errors = Vec::new();
    if spans.is_empty() {
        errors.push(FieldError::new("spans", Said::NoBusinessHours));
    }
    let mut read: Vec<(Day, u32, u32)> = Vec::new();
    for span in spans {
        match (minutes_of(&span.from), minutes_of(&span.to)) {
            (Some(from), Some(to)) if from < to && from < 24 * 60 => {
                read.push((span.day, from, to))
            }
            (Some(_), Some(_)) => errors.push(FieldError::new(
                "spans",
                Said::SpanBackwards {
                    day: span.day,
                    from: span.from.clone(),
                    to: span.to.clone(),
                },
            )),
            _ => errors.push(FieldError::new(
                "spans",
                Said::NotAClockTime {
                    day: span.day,
                    from: span.from.clone(),
                    to: span.to.clone(),
                },
            )),
        }
    }
    read.sort_by_key(|(day, from, to)| (day.index(), *from, *to));
    if let Some(w) = read
        .windows(2)
        .find(|w| w[0].0 == w[1].0 && w[1].1 < w[0].2)
    {
        errors.push(FieldError::new("spans", Said::SpansOverlap { day: w[0].0 }));
    }
    all_or_errors(errors, ())
}

/// The instant the zone's clock shows `local`: the earlier of two (the autumn
/// night's repeated hour), the first after a skipped hour (the spring night's).
fn instant(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    // Gaps are at most a few hours; step over them by the minute's quarter.
    for _ in 0..(4 * 24) {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        probe += Duration::minutes(15);
    }
    Utc.from_utc_datetime(&local)
}

/// The instant `seconds` of counted time after `start`: around the clock, or
/// inside the business hours only (R31). `None` only for hours that don't
/// validate (no span, an unknown zone).
pub fn due_after(hours: &SlaHours, start: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
    let (time_zone, spans) = match hours {
        SlaHours::Always => return Some(start + Duration::seconds(seconds)),
        SlaHours::Business { time_zone, spans } => (time_zone, spans),
    };
    let tz: Tz = time_zone.trim().parse().ok()?;
    let mut week: Vec<(Day, u32, u32)> = spans
        .iter()
        .filter_map(|s| Some((s.day, minutes_of(&s.from)?, minutes_of(&s.to)?)))
        .filter(|(_, from, to)| from < to)
        .collect();
    week.sort_by_key(|(day, from, to)| (day.index(), *from, *to));
    let weekly: i64 = week.iter().map(|(_, f, t)| i64::from(t - f) * 60).sum();
    if weekly == 0 {
        return None;
    }
    let mut left = Duration::seconds(seconds.max(0));
    let first = start.with_timezone(&tz).date_naive();
    // Enough weeks for the target, and one to spare for the start's.
    let days = 7 * (seconds.max(0) / weekly + 2);
    for offset in 0..days {
        let date = first + Duration::days(offset);
        let day = Day::of(date);
        for (_, from, to) in week.iter().filter(|(d, _, _)| *d == day) {
            let at = |minutes: u32| {
                let local = if minutes == 24 * 60 {
                    (date + Duration::days(1)).and_time(NaiveTime::MIN)
                } else {
                    date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minutes))
                };
                instant(&tz, local)
            };
            let (opens, closes) = (at(*from), at(*to));
            if closes <= start {
                continue;
            }
            let begins = opens.max(start);
            let inside = closes - begins;
            if left <= inside {
                return Some(begins + left);
            }
            left -= inside;
        }
    }
    None
}

/// `PUT /api/sla-policy`: the account's one policy, made or replaced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicyRequest {
    pub name: String,
    pub first_reply_seconds: i64,
    pub close_seconds: i64,
    #[serde(default)]
    pub hours: SlaHours,
}

/// R31: every field of a policy that is wrong, each with what to do.
pub fn validate_sla_policy(r: &SlaPolicyRequest) -> Result<(), Vec<FieldError>> {
    let mut errors = validate_sla_form(r).err().unwrap_or_default();
    errors.extend(zone_errors(&r.hours));
    all_or_errors(errors, ())
}

/// [`validate_sla_policy`] but the time zone: what the browser checks as the
/// admin types (its zones come from `Intl`, not from a zone database in the wasm).
pub fn validate_sla_form(r: &SlaPolicyRequest) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    crate::setup::check_name("name", "policy name", &r.name, &mut errors);
    errors.extend(
        validate_targets(r.first_reply_seconds, r.close_seconds)
            .err()
            .unwrap_or_default(),
    );
    errors.extend(validate_spans(&r.hours).err().unwrap_or_default());
    all_or_errors(errors, ())
}

/// What a policy's targets and hours lack, each beside its field.
pub fn validate_targets(
    first_reply_seconds: i64,
    close_seconds: i64,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (field, seconds) in [
        ("first_reply_seconds", first_reply_seconds),
        ("close_seconds", close_seconds),
    ] {
        if !(1..=MAX_TARGET_SECONDS).contains(&seconds) {
            errors.push(FieldError::new(
                field,
                Said::TargetOutOfRange {
                    max_days: (MAX_TARGET_SECONDS / 86_400) as u32,
                },
            ));
        }
    }
    all_or_errors(errors, ())
}

#[cfg(test)]
mod tests;

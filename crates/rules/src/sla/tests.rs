//! R31's due times, worked out by hand: the rule's own example, the daylight
//! saving nights of Europe/Oslo and America/New_York, targets over a week, and
//! the business hours that are refused.

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;

use super::*;

fn at(zone: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .earliest()
        .expect("a time the clock shows")
        .with_timezone(&Utc)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn span(day: Day, from: &str, to: &str) -> Span {
    Span {
        day,
        from: from.into(),
        to: to.into(),
    }
}

fn office(zone: &str, from: &str, to: &str) -> SlaHours {
    SlaHours::Business {
        time_zone: zone.into(),
        spans: [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri]
            .into_iter()
            .map(|d| span(d, from, to))
            .collect(),
    }
}

const H: i64 = 3600;

#[test]
fn friday_at_four_with_four_business_hours_is_due_monday_at_noon() {
    // R31's own example, in Oslo: Mon–Fri 08:00–16:00.
    let hours = office("Europe/Oslo", "08:00", "16:00");
    let oslo = chrono_tz::Europe::Oslo;
    let friday = at(oslo, 2026, 12, 4, 16, 0);
    assert_eq!(
        due_after(&hours, friday, 4 * H),
        Some(at(oslo, 2026, 12, 7, 12, 0))
    );
    // Inside a span, the clock runs at once; before one, from its opening.
    assert_eq!(
        due_after(&hours, at(oslo, 2026, 12, 9, 10, 0), 4 * H),
        Some(at(oslo, 2026, 12, 9, 14, 0))
    );
    assert_eq!(
        due_after(&hours, at(oslo, 2026, 12, 8, 6, 0), H),
        Some(at(oslo, 2026, 12, 8, 9, 0))
    );
    // What doesn't fit today goes on tomorrow.
    assert_eq!(
        due_after(&hours, at(oslo, 2026, 12, 7, 14, 0), 4 * H),
        Some(at(oslo, 2026, 12, 8, 10, 0))
    );
}

#[test]
fn around_the_clock_is_the_plain_sum() {
    // R8, R13
    let start = utc(2026, 12, 4, 15, 0);
    assert_eq!(
        due_after(&SlaHours::Always, start, 48 * H),
        Some(start + Duration::hours(48))
    );
}

#[test]
fn a_target_longer_than_a_week_walks_the_weeks() {
    // 48 business hours at 40 a week: a week and one more day.
    let hours = office("Europe/Oslo", "08:00", "16:00");
    let oslo = chrono_tz::Europe::Oslo;
    assert_eq!(
        due_after(&hours, at(oslo, 2026, 12, 7, 8, 0), 48 * H),
        Some(at(oslo, 2026, 12, 14, 16, 0))
    );
    // 400 hours: ten weeks exactly, ending a Friday at 16:00.
    assert_eq!(
        due_after(&hours, at(oslo, 2026, 12, 7, 8, 0), 400 * H),
        Some(at(oslo, 2027, 2, 12, 16, 0))
    );
}

#[test]
fn spans_keep_their_clock_times_across_the_oslo_daylight_saving_nights() {
    let oslo = chrono_tz::Europe::Oslo;
    let hours = office("Europe/Oslo", "08:00", "16:00");
    // Spring, 28 March 2027: Friday afternoon into Monday, which opens at 08:00
    // summer time (06:00 UTC, an hour earlier in UTC than the Friday before).
    assert_eq!(
        due_after(&hours, at(oslo, 2027, 3, 26, 14, 0), 4 * H),
        Some(at(oslo, 2027, 3, 29, 10, 0))
    );
    assert_eq!(at(oslo, 2027, 3, 29, 10, 0), utc(2027, 3, 29, 8, 0));
    // Autumn, 31 October 2027.
    assert_eq!(
        due_after(&hours, at(oslo, 2027, 10, 29, 14, 0), 4 * H),
        Some(at(oslo, 2027, 11, 1, 10, 0))
    );
    assert_eq!(at(oslo, 2027, 11, 1, 10, 0), utc(2027, 11, 1, 9, 0));
    // A night span over the skipped hour (01:00–04:00 on the spring night)
    // holds two real hours; over the repeated one in autumn, four.
    let night = |zone: &str| SlaHours::Business {
        time_zone: zone.into(),
        spans: vec![span(Day::Sun, "01:00", "04:00")],
    };
    let sunday = at(oslo, 2027, 3, 28, 0, 0);
    assert_eq!(
        due_after(&night("Europe/Oslo"), sunday, 2 * H),
        Some(utc(2027, 3, 28, 2, 0))
    );
    assert_eq!(
        due_after(&night("Europe/Oslo"), sunday, 2 * H + 1800),
        Some(at(oslo, 2027, 4, 4, 1, 30))
    );
    assert_eq!(
        due_after(&night("Europe/Oslo"), at(oslo, 2027, 10, 31, 0, 0), 4 * H),
        Some(utc(2027, 10, 31, 3, 0))
    );
}

#[test]
fn spans_keep_their_clock_times_across_the_new_york_daylight_saving_nights() {
    let ny = chrono_tz::America::New_York;
    let hours = office("America/New_York", "09:00", "17:00");
    // Spring, 14 March 2027: Friday 15:00 EST, two hours that day, two on Monday
    // from 09:00 EDT.
    assert_eq!(
        due_after(&hours, at(ny, 2027, 3, 12, 15, 0), 4 * H),
        Some(utc(2027, 3, 15, 15, 0))
    );
    // Autumn, 7 November 2027: Monday opens at 09:00 EST.
    assert_eq!(
        due_after(&hours, at(ny, 2027, 11, 5, 15, 0), 4 * H),
        Some(utc(2027, 11, 8, 16, 0))
    );
}

#[test]
fn every_hour_of_the_week_as_business_hours_counts_like_the_plain_clock() {
    // Across both Oslo nights, real time is counted, never the clock's jump.
    let all_week = SlaHours::Business {
        time_zone: "Europe/Oslo".into(),
        spans: Day::ALL
            .into_iter()
            .map(|d| span(d, "00:00", "24:00"))
            .collect(),
    };
    for start in [
        utc(2027, 3, 27, 11, 0),
        utc(2027, 3, 28, 0, 30),
        utc(2027, 10, 30, 22, 15),
        utc(2027, 10, 31, 0, 45),
    ] {
        for hours in [1, 5, 24, 200] {
            assert_eq!(
                due_after(&all_week, start, hours * H),
                due_after(&SlaHours::Always, start, hours * H),
                "{start} + {hours} h"
            );
        }
    }
}

fn fields(hours: SlaHours) -> Vec<&'static str> {
    validate_hours(&hours)
        .err()
        .unwrap_or_default()
        .iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn business_hours_that_could_never_be_due_are_refused() {
    // R31
    assert_eq!(
        validate_hours(&office("Europe/Oslo", "08:00", "16:00")),
        Ok(())
    );
    assert_eq!(validate_hours(&SlaHours::Always), Ok(()));
    let none = SlaHours::Business {
        time_zone: "Europe/Oslo".into(),
        spans: vec![],
    };
    assert_eq!(fields(none.clone()), ["spans"], "a week with no span");
    assert_eq!(due_after(&none, utc(2027, 1, 1, 0, 0), H), None);
    assert_eq!(
        fields(office("Europe/Olso", "08:00", "16:00")),
        ["time_zone"]
    );
    assert_eq!(
        fields(office("Europe/Oslo", "22:00", "02:00")),
        ["spans"; 5],
        "a span crossing midnight: two spans instead"
    );
    assert_eq!(fields(office("Europe/Oslo", "8:00", "16:00")), ["spans"; 5]);
    assert_eq!(
        fields(office("Europe/Oslo", "08:00", "24:01")),
        ["spans"; 5]
    );
    assert_eq!(
        validate_hours(&office("Europe/Oslo", "16:00", "24:00")),
        Ok(())
    );
    let overlapping = SlaHours::Business {
        time_zone: "Europe/Oslo".into(),
        spans: vec![
            span(Day::Mon, "08:00", "12:00"),
            span(Day::Mon, "11:00", "16:00"),
        ],
    };
    assert_eq!(fields(overlapping), ["spans"]);
    let split = SlaHours::Business {
        time_zone: "Europe/Oslo".into(),
        spans: vec![
            span(Day::Mon, "08:00", "12:00"),
            span(Day::Mon, "12:30", "16:00"),
        ],
    };
    assert_eq!(validate_hours(&split), Ok(()));
    let oslo = chrono_tz::Europe::Oslo;
    assert_eq!(
        due_after(&split, at(oslo, 2026, 12, 7, 11, 0), 2 * H),
        Some(at(oslo, 2026, 12, 7, 13, 30)),
        "lunch is not counted"
    );
}

#[test]
fn targets_are_positive_and_at_most_a_year() {
    assert_eq!(validate_targets(4 * H, 48 * H), Ok(()));
    let wrong: Vec<_> = validate_targets(0, MAX_TARGET_SECONDS + 1)
        .unwrap_err()
        .iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(wrong, ["first_reply_seconds", "close_seconds"]);
}

#[test]
fn hours_read_and_write_as_the_api_spells_them() {
    let json = serde_json::json!({"mode": "business", "time_zone": "Europe/Oslo",
        "spans": [{"day": "mon", "from": "08:00", "to": "16:00"}]});
    let hours: SlaHours = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&hours).unwrap(), json);
    let always: SlaHours = serde_json::from_value(serde_json::json!({"mode": "always"})).unwrap();
    assert_eq!(always, SlaHours::Always);
}

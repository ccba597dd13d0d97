//! A move's progress as a person reads it: the share done and the time left (R15).

/// R15: the seconds left, from the rate measured so far. `None` until there is a
/// rate to measure (nothing moved yet, or no time passed), and 0 when all is moved.
pub fn eta_seconds(total: u64, moved: u64, elapsed_ms: u64) -> Option<u64> {
    if moved >= total {
        return Some(0);
    }
    if moved == 0 || elapsed_ms == 0 {
        return None;
    }
    let left = (total - moved) as u128;
    let ms_left = left * elapsed_ms as u128 / moved as u128;
    Some(u64::try_from(ms_left.div_ceil(1000)).unwrap_or(u64::MAX))
}

/// The share moved, 0 to 100 (a move with nothing to move is done at once).
pub fn percent(moved: u64, total: u64) -> u8 {
    if total == 0 {
        return 100;
    }
    (moved.min(total) as u128 * 100 / total as u128) as u8
}

/// R15: how the time left reads, rounded as a person would say it; each language
/// words it ("About 3 minutes left").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeLeft {
    /// No rate measured yet.
    Estimating,
    Finishing,
    UnderAMinute,
    /// Whole minutes, rounded up.
    Minutes(u64),
    HoursAndMinutes(u64, u64),
}

pub fn time_left(eta_seconds: Option<u64>) -> TimeLeft {
    match eta_seconds {
        None => TimeLeft::Estimating,
        Some(0) => TimeLeft::Finishing,
        Some(s) if s < 60 => TimeLeft::UnderAMinute,
        Some(s) if s < 3600 => TimeLeft::Minutes(s.div_ceil(60)),
        Some(s) => TimeLeft::HoursAndMinutes(s / 3600, (s % 3600) / 60),
    }
}

/// The least time between two progress events of one move (at most ~4 a second).
pub const PROGRESS_EVENT_INTERVAL_MS: u64 = 250;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_follows_the_measured_rate() {
        // R15
        assert_eq!(eta_seconds(1000, 250, 10_000), Some(30));
        assert_eq!(eta_seconds(1000, 999, 10_000), Some(1));
        assert_eq!(eta_seconds(10, 10, 5), Some(0));
        assert_eq!(eta_seconds(10, 0, 5_000), None);
        assert_eq!(eta_seconds(10, 3, 0), None);
        assert_eq!(eta_seconds(0, 0, 0), Some(0));
        // Absurd figures saturate instead of wrapping round to a tiny estimate.
        assert_eq!(eta_seconds(u64::MAX, 1, u64::MAX), Some(u64::MAX));
    }

    #[test]
    fn the_share_done_is_a_whole_percent() {
        // R15
        assert_eq!(percent(0, 200), 0);
        assert_eq!(percent(50, 200), 25);
        assert_eq!(percent(300, 200), 100);
        assert_eq!(percent(0, 0), 100);
    }

    #[test]
    fn the_estimate_rounds_as_a_person_says_it() {
        // R15
        assert_eq!(time_left(None), TimeLeft::Estimating);
        assert_eq!(time_left(Some(0)), TimeLeft::Finishing);
        assert_eq!(time_left(Some(42)), TimeLeft::UnderAMinute);
        assert_eq!(time_left(Some(61)), TimeLeft::Minutes(2));
        assert_eq!(time_left(Some(60)), TimeLeft::Minutes(1));
        assert_eq!(
            time_left(Some(3 * 3600 + 120)),
            TimeLeft::HoursAndMinutes(3, 2)
        );
    }
}

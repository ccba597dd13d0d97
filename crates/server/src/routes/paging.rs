//! Query strings and cursor paging shared by the list endpoints.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;

use deskmove_rules::MAX_PAGE;

use crate::error::{AppError, AppResult};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

/// Parses a query string; a malformed one is a 422 that says why.
pub fn parse_query<T: DeserializeOwned>(raw: Option<&str>) -> AppResult<T> {
    serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| AppError::invalid(format!("The query string is not valid: {e}.")))
}

pub fn limit(raw: Option<&str>) -> AppResult<u32> {
    match raw {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(AppError::invalid(format!(
                "limit: a page holds 1 to {MAX_LIMIT} items."
            ))),
        },
    }
}

/// Cursors are opaque to clients: the id to continue below, wrapped.
pub fn encode_cursor(last_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{last_id}"))
}

pub fn decode_cursor(raw: Option<&str>) -> AppResult<Option<i64>> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("v1:").and_then(|n| n.parse::<i64>().ok()))
        .map(Some)
        .ok_or_else(|| {
            AppError::invalid("cursor: this cursor is not valid; ask for the first page again.")
        })
}

/// An id filter of a query string, parsed: absent (or empty), an id of ours, or
/// text that names nothing of ours and so matches nothing.
pub enum IdFilter<T> {
    Any,
    Is(T),
    Nothing,
}

impl<T: std::str::FromStr> IdFilter<T> {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw.filter(|r| !r.is_empty()) {
            None => IdFilter::Any,
            Some(r) => r.parse().map_or(IdFilter::Nothing, IdFilter::Is),
        }
    }

    /// The filter for the store; `Err` when it matches nothing at all.
    pub fn get(self) -> Result<Option<T>, MatchesNothing> {
        match self {
            IdFilter::Any => Ok(None),
            IdFilter::Is(t) => Ok(Some(t)),
            IdFilter::Nothing => Err(MatchesNothing),
        }
    }
}

/// A filter no row can pass: the answer is an empty page.
pub struct MatchesNothing;

/// A page that matches nothing; numbered pages say so with a total of 0.
pub fn empty_page<T>(numbered: bool) -> deskmove_rules::Page<T> {
    deskmove_rules::Page {
        items: Vec::new(),
        next_cursor: None,
        total: numbered.then_some(0),
        total_at_least: false,
    }
}

/// `?page=` and `?sort=`: a numbered page (1 to MAX_PAGE) in a named order, or,
/// with neither, keyset paging by cursor. Answers the order and the offset.
pub fn numbered<S: Copy>(
    page: Option<&str>,
    sort: Option<&str>,
    parse: impl Fn(&str) -> Option<S>,
    default: S,
    names: &str,
    limit: u32,
) -> AppResult<Option<(S, u32)>> {
    let page = match page.filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => Some(n),
            _ => {
                return Err(AppError::invalid(format!(
                    "page: a page number from 1 to {MAX_PAGE}."
                )))
            }
        },
    };
    let sort = match sort.filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(parse(s).ok_or_else(|| AppError::invalid(format!("sort: use {names}.")))?),
    };
    if page.is_none() && sort.is_none() {
        return Ok(None);
    }
    let offset = (page.unwrap_or(1) - 1).saturating_mul(limit);
    Ok(Some((sort.unwrap_or(default), offset)))
}

/// Cuts a page fetched with one extra item and says where the next one starts.
pub fn page<T>(
    mut items: Vec<T>,
    limit: u32,
    id_of: impl Fn(&T) -> i64,
) -> deskmove_rules::Page<T> {
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items.last().map(|t| encode_cursor(id_of(t)))
    } else {
        None
    };
    deskmove_rules::Page {
        items,
        next_cursor,
        total: None,
        total_at_least: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(Some(&encode_cursor(42))).unwrap(), Some(42));
        assert_eq!(decode_cursor(None).unwrap(), None);
        assert!(decode_cursor(Some("nope")).is_err());
        assert!(decode_cursor(Some(&URL_SAFE_NO_PAD.encode("v2:1"))).is_err());
    }

    #[test]
    fn limits_stay_within_a_page() {
        assert_eq!(limit(None).unwrap(), 50);
        assert_eq!(limit(Some("500")).unwrap(), 500);
        assert!(limit(Some("0")).is_err());
        assert!(limit(Some("501")).is_err());
        assert!(limit(Some("-3")).is_err());
    }
}

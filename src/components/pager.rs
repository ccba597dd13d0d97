//! Lists paged by address: the page, the order and the filters live in the URL
//! (`?page=2&sort=oldest&status=open`), so a reload, Back or a shared link lands
//! on the same rows.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::format::number;
use crate::api;
use crate::i18n::{td_string, Locale};
use crate::words::locale;

/// The list's part of the address.
#[derive(Clone, Copy)]
pub struct Address {
    query: Memo<leptos_router::params::ParamsMap>,
    path: &'static str,
}

impl Address {
    pub fn here(path: &'static str) -> Self {
        let query = use_query_map();
        Address {
            query: Memo::new(move |_| query.get()),
            path,
        }
    }

    /// A parameter's value; `None` when absent or empty.
    pub fn get(&self, key: &str) -> Option<String> {
        self.query.with(|q| q.get(key)).filter(|v| !v.is_empty())
    }

    /// The page asked for (1 when absent or not a page).
    pub fn page(&self) -> u32 {
        self.get("page")
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }

    /// This address with `key` set (or removed when `value` is empty); any change
    /// but the page's own goes back to page 1.
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(String, String)> = self.query.with(|q| {
            q.clone()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .filter(|(k, _)| k != key && (key == "page" || k != "page"))
                .collect()
        });
        if !value.is_empty() {
            pairs.push((key.to_string(), value.to_string()));
        }
        pairs.sort();
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", api::encode(k), api::encode(v)))
            .collect();
        if query.is_empty() {
            self.path.to_string()
        } else {
            format!("{}?{}", self.path, query.join("&"))
        }
    }
}

/// Which rows a page shows of how many: "51–100 of 29,637", or "of 1,000+"
/// when the server counted only so far.
pub fn page_range(l: Locale, page: u32, limit: u32, total: u64, at_least: bool) -> String {
    let from = u64::from(page.max(1) - 1) * u64::from(limit) + 1;
    let to = (from + u64::from(limit) - 1).min(total);
    let of = if at_least {
        format!("{}+", number(l, total))
    } else {
        number(l, total)
    };
    if total == 0 || from > total {
        td_string!(l, pager.none_of, of = of).to_string()
    } else {
        td_string!(
            l,
            pager.range,
            from = number(l, from),
            to = number(l, to),
            of = of
        )
        .to_string()
    }
}

/// "1–50 of 29,637" (or "of 1,000+" when the server counted only so far) and
/// Previous / Next as links to the neighbouring pages. A new page scrolls to the
/// top and puts focus on the list (`focus` is its id).
#[component]
pub fn PageNav(
    address: Address,
    /// The page's total, and whether it is only a lower bound.
    #[prop(into)]
    total: Signal<Option<(u64, bool)>>,
    limit: u32,
    focus: &'static str,
    /// The navigation's name, unique on the page: a list has a pager above and below.
    label: &'static str,
) -> impl IntoView {
    let page = move || address.page();
    let last = move || {
        total
            .get()
            .map(|(t, _)| t.div_ceil(u64::from(limit)).max(1) as u32)
    };
    let l = locale();
    let shown = move || {
        total
            .get()
            .map(|(t, at_least)| page_range(l, page(), limit, t, at_least))
    };
    // After a move to another page (not the first load), the list is where the eye
    // and the focus go.
    let seen = StoredValue::new(None::<u32>);
    Effect::new(move |_| {
        let now = page();
        if seen.get_value().is_some_and(|p| p != now) {
            if let Some(w) = web_sys::window() {
                w.scroll_to_with_x_and_y(0.0, 0.0);
                if let Some(el) = w.document().and_then(|d| d.get_element_by_id(focus)) {
                    let _ =
                        wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&el).focus();
                }
            }
        }
        seen.set_value(Some(now));
    });
    view! {
        <nav class="pager" aria-label=label>
            {move || (page() > 1).then(|| view! {
                <a class="button secondary" rel="prev" href=address.with("page", &(page() - 1).to_string())>{td_string!(l, pager.previous)}</a>
            })}
            <span class="muted page-range" aria-live="polite">{shown}</span>
            {move || last().is_some_and(|l| page() < l).then(|| view! {
                <a class="button secondary" rel="next" href=address.with("page", &(page() + 1).to_string())>{td_string!(l, pager.next)}</a>
            })}
        </nav>
    }
}

/// A select that sets one parameter of the address: `options` are (value, label),
/// the first being what holds while the address has none (its value may be
/// empty, or name it).
#[component]
pub fn AddressSelect(
    address: Address,
    key: &'static str,
    label: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let id = format!("filter-{key}");
    let current = move || address.get(key).unwrap_or_default();
    view! {
        <div class="field inline">
            <label for=id.clone()>{label}</label>
            <select
                id=id
                on:change=move |ev| {
                    let to = address.with(key, &event_target_value(&ev));
                    navigate(&to, Default::default());
                }
            >
                {move || options.get().into_iter().map(|(value, text)| {
                    let selected = value == current();
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A search over the list's contacts and subjects, kept in the address as `?q=`.
#[component]
pub fn AddressSearch(address: Address, label: &'static str) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let text = RwSignal::new(address.get("q").unwrap_or_default());
    let error = RwSignal::new(None::<&'static str>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = text.get_untracked().trim().to_string();
        if !q.is_empty() && q.chars().count() < 2 {
            error.set(Some(td_string!(locale(), pager.search_too_short)));
            return;
        }
        error.set(None);
        navigate(&address.with("q", &q), Default::default());
    };
    view! {
        <form class="list-search" role="search" on:submit=submit>
            <label for="list-search">{label}</label>
            <input
                id="list-search"
                type="search"
                prop:value=text
                on:input=move |ev| text.set(event_target_value(&ev))
                aria-describedby="list-search-error"
                aria-invalid=move || error.get().is_some().to_string()
            />
            <button type="submit" class="button secondary">{td_string!(locale(), pager.search)}</button>
            <p id="list-search-error" class="field-error">{move || error.get()}</p>
        </form>
    }
}

//! Lists as pages show them: read, failed, empty or full, in one table markup.

use leptos::prelude::*;

use super::status::{load_error, loading};
use crate::api::ApiResult;
use crate::i18n::td_string;
use crate::words::locale;

/// What a list says while it is read and when it has nothing.
#[derive(Clone, Copy)]
pub struct ListWords {
    pub loading: &'static str,
    pub empty: &'static str,
}

/// A list in each state it can be in: "Loading…", the failure with Try again
/// (`retry`), the empty sentence, or `items` shown by `full`.
pub fn list_view<T>(
    state: Option<ApiResult<Vec<T>>>,
    words: ListWords,
    retry: Callback<()>,
    full: impl FnOnce(Vec<T>) -> AnyView,
) -> AnyView {
    match state {
        None => loading(words.loading),
        Some(Err(e)) => load_error(&e, retry),
        Some(Ok(items)) if items.is_empty() => {
            view! { <p class="empty">{words.empty}</p> }.into_any()
        }
        Some(Ok(items)) => full(items),
    }
}

/// A table of `columns` with the rows as its body; with `actions`, a last
/// column whose heading only a screen reader reads.
#[component]
pub fn DataTable(
    /// The table's own class beside `data-table`.
    class: &'static str,
    /// The headings, in the reader's language.
    columns: Vec<&'static str>,
    #[prop(optional)] actions: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <table class=format!("data-table {class}")>
            <thead>
                <tr>
                    {columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                    {actions.then(|| view! {
                        <th scope="col"><span class="visually-hidden">{td_string!(locale(), common.actions)}</span></th>
                    })}
                </tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

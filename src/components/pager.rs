//! Cursor paging for long lists: one page in the browser at a time, never the whole table.

use leptos::prelude::*;

/// Where the reader is in a cursor-paged list.
#[derive(Clone, Copy)]
pub struct Pager {
    /// The cursors of the pages before this one; the last is this page's.
    stack: RwSignal<Vec<Option<String>>>,
}

impl Pager {
    pub fn new() -> Self {
        Pager {
            stack: RwSignal::new(vec![None]),
        }
    }

    /// This page's cursor (`None` for the first page).
    pub fn cursor(&self) -> Option<String> {
        self.stack.with(|s| s.last().cloned().flatten())
    }

    pub fn number(&self) -> usize {
        self.stack.with(Vec::len)
    }

    pub fn next(&self, cursor: String) {
        self.stack.update(|s| s.push(Some(cursor)));
    }

    pub fn previous(&self) {
        self.stack.update(|s| {
            if s.len() > 1 {
                s.pop();
            }
        });
    }

    pub fn reset(&self) {
        self.stack.set(vec![None]);
    }
}

impl Default for Pager {
    fn default() -> Self {
        Self::new()
    }
}

/// Previous / Next buttons for a pager; `next` is the cursor of the page after this one.
#[component]
pub fn PagerControls(pager: Pager, #[prop(into)] next: Signal<Option<String>>) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            <button type="button" class="button secondary" disabled=move || pager.number() <= 1 on:click=move |_| pager.previous()>
                "Previous"
            </button>
            <span class="muted">{move || format!("Page {}", pager.number())}</span>
            <button
                type="button"
                class="button secondary"
                disabled=move || next.with(Option::is_none)
                on:click=move |_| {
                    if let Some(c) = next.get_untracked() {
                        pager.next(c);
                    }
                }
            >
                "Next"
            </button>
        </nav>
    }
}

//! What a settings form's last change said: done, or why not. Done is a status
//! a screen reader reads when it can; a failure an alert it reads at once.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiResult;
use crate::words::locale;

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Asked, not answered yet: the form's buttons wait (STYLE.md).
    Working,
    Done(String),
    Failed(String),
}

/// Whether a change of `said` is under way: what a button's `disabled` reads.
pub fn working(said: RwSignal<Option<Outcome>>) -> impl Fn() -> bool + Copy {
    move || said.with(|s| s == &Some(Outcome::Working))
}

/// Where `said` shows: the notice of what was done, or the error.
pub fn outcome_view(said: RwSignal<Option<Outcome>>) -> impl IntoView {
    view! {
        <div role="status">
            {move || match said.get() {
                Some(Outcome::Done(t)) => Some(view! { <p class="notice">{t}</p> }),
                _ => None,
            }}
        </div>
        <div role="alert">
            {move || match said.get() {
                Some(Outcome::Failed(t)) => Some(view! { <p class="page-error">{t}</p> }),
                _ => None,
            }}
        </div>
    }
}

/// Runs `change` and says how it went in `said`: `done`, or the failure in the
/// reader's language; a change made calls `on_changed` (the page reads again).
/// One at a time: asked while another runs, it does nothing.
pub fn run<T: 'static>(
    said: RwSignal<Option<Outcome>>,
    on_changed: Callback<()>,
    done: String,
    change: impl std::future::Future<Output = ApiResult<T>> + 'static,
) {
    if working(said)() {
        return;
    }
    said.set(Some(Outcome::Working));
    spawn_local(async move {
        match change.await {
            Ok(_) => {
                said.set(Some(Outcome::Done(done)));
                on_changed.run(());
            }
            Err(e) => said.set(Some(Outcome::Failed(e.words(locale())))),
        }
    });
}

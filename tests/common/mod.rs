//! Mounting helpers shared by the browser tests.

#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use deskmove::i18n::{use_i18n, I18nContextProvider, Locale};
use deskmove_rules::{ChannelId, Move, MoveHistory, MoveId, MoveState, StatusId, UserId};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// A fresh element in the page; removed with the mount.
pub struct Mounted {
    pub root: HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Mounts `view` speaking English.
pub fn mount(view: impl FnOnce() -> AnyView + 'static) -> Mounted {
    mount_in(Locale::en, view)
}

/// Mounts `view` speaking `locale` (R27), as the app's language context does.
pub fn mount_in(locale: Locale, view: impl FnOnce() -> AnyView + 'static) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        // The provider's children must be Send; the view stays on this thread.
        let view = StoredValue::new_local(Some(view));
        view! {
            <I18nContextProvider set_lang_attr_on_html=false>
                {
                    use_i18n().set_locale_untracked(locale);
                    view.try_update_value(Option::take).flatten().map(|v| v())
                }
            </I18nContextProvider>
        }
        .into_any()
    });
    Mounted {
        root,
        _handle: handle,
    }
}

impl Mounted {
    pub fn find(&self, css: &str) -> Option<Element> {
        self.root.query_selector(css).unwrap()
    }

    pub fn get(&self, css: &str) -> Element {
        self.find(css)
            .unwrap_or_else(|| panic!("no {css} in {}", self.root.inner_html()))
    }

    pub fn text(&self, css: &str) -> String {
        self.get(css).text_content().unwrap_or_default()
    }
}

pub fn click(e: &Element) {
    e.unchecked_ref::<HtmlElement>().click();
}

/// Types into a field the way a person does: the value, then an input event.
pub fn type_into(e: &Element, text: &str) {
    let input: web_sys::HtmlInputElement = e.clone().unchecked_into();
    input.focus().unwrap();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// Submits a form as its submit button does.
pub fn submit(form: &Element) {
    form.unchecked_ref::<web_sys::HtmlFormElement>()
        .request_submit()
        .unwrap();
}

/// Sets a select's value the way a person does: the value, then a change event.
pub fn choose(e: &Element, value: &str) {
    e.unchecked_ref::<web_sys::HtmlSelectElement>()
        .set_value(value);
    e.dispatch_event(
        &web_sys::Event::new_with_event_init_dict("change", &{
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            init
        })
        .unwrap(),
    )
    .unwrap();
}

/// Waits for the reactive system to settle after an event.
pub async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

pub fn a_move(state: MoveState, moved: u64, total: u64) -> Move {
    Move {
        id: MoveId::of(7),
        channel_id: ChannelId::of(1),
        requested_by: UserId::of(1),
        history: MoveHistory::All {
            open_status_id: StatusId::of(3),
            closed_status_id: StatusId::of(4),
        },
        mute_notifications: false,
        state,
        total,
        moved,
        tickets_created: moved / 2,
        unassigned: moved / 10,
        arrived: 3,
        started_at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
        finished_at: (state == MoveState::Completed)
            .then(|| Utc.with_ymd_and_hms(2026, 11, 22, 8, 2, 5).unwrap()),
        eta_seconds: (state == MoveState::Running).then_some(90),
        paused_reason: None,
        start_at: (state == MoveState::Scheduled)
            .then(|| Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()),
        failed_reason: None,
        failure: Vec::new(),
        reported: true,
        sla_policy: None,
    }
}

/// Waits a real moment: for what the browser queues as a task (dialog close events).
pub async fn pause(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
    settle().await;
}

//! The native `<dialog>` (Esc, focus and the inert background for free) and its form.

use deskmove_rules::validation::natural_status;
use deskmove_rules::{
    validate_move_request, Channel, ConversationStatus, HistoryChoice, MoveRequest, Pipeline,
    PipelineId, Preview, WarningCode,
};
use leptos::prelude::*;

use crate::i18n::td_string;
use crate::words::{self, locale};
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use super::history::{HistoryForm, HistoryMode};
use super::preview::PreviewSummary;
use super::sample::SampleTable;
use super::when::{When, WhenChoice};
use crate::components::format::{from_local_input, now};
use crate::components::schedule::start_at_error;

/// R25: how many of the history's conversations the dialog shows, oldest and newest.
const SAMPLE: u32 = 10;
use crate::api;
use crate::components::status::loading;
use crate::live::Live;
use crate::session::use_session;

/// The move form, validated through the rules crate as the admin changes it (the
/// same function the server runs). Move channel stays disabled while anything is
/// wrong or a blocker stands.
#[component]
pub fn MoveForm(
    channel: Channel,
    /// The server's preview of this channel's move.
    preview: Preview,
    /// The help desk pipeline (`None` when the account has none yet).
    pipeline: Option<Pipeline>,
    /// While the request is on its way.
    #[prop(into)]
    pending: Signal<bool>,
    /// The server's refusal, in words, shown next to the button.
    #[prop(into)]
    server_error: Signal<Option<String>>,
    on_submit: Callback<MoveRequest>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let natural = |status| {
        pipeline
            .as_ref()
            .and_then(|p| natural_status(p, status))
            .map(|s| s.id.to_string())
            .unwrap_or_default()
    };
    let mode = RwSignal::new(HistoryMode::All);
    let open_status = RwSignal::new(natural(ConversationStatus::Open));
    let closed_status = RwSignal::new(natural(ConversationStatus::Closed));
    let mute = RwSignal::new(false);
    let when = RwSignal::new(When::Now);
    let start_text = RwSignal::new(String::new());
    let start_touched = RwSignal::new(false);
    let channel_id = channel.id.to_string();
    let request = Memo::new(move |_| {
        let chosen = |s: String| Some(s).filter(|s| !s.is_empty());
        MoveRequest {
            channel_id: channel_id.clone(),
            history: match mode.get() {
                HistoryMode::All => HistoryChoice::All {
                    open_status_id: chosen(open_status.get()),
                    closed_status_id: chosen(closed_status.get()),
                },
                HistoryMode::None => HistoryChoice::None,
            },
            mute_notifications: mute.get(),
            start_at: (when.get() == When::At)
                .then(|| from_local_input(&start_text.get()))
                .flatten()
                .map(|at| at.to_rfc3339()),
        }
    });
    let rules_pipeline = pipeline.clone();
    let errors = Memo::new(move |_| {
        validate_move_request(&request.get(), rules_pipeline.as_ref())
            .err()
            .unwrap_or_default()
    });
    let blocked = !preview.blockers.is_empty();
    let l = locale();
    // R24: the start is checked by the rules the server runs, against this clock.
    let start_error = move || {
        (when.get() == When::At)
            .then(|| start_at_error(l, &start_text.get(), now()))
            .flatten()
    };
    let shown_start_error = Signal::derive(move || start_touched.get().then(start_error).flatten());
    let can_move =
        move || !blocked && errors.with(Vec::is_empty) && start_error().is_none() && !pending.get();
    let general_errors = move || {
        errors.with(|e| {
            e.iter()
                .filter(|e| !e.field.starts_with("history."))
                .map(|e| words::field_error(l, e))
                .collect::<Vec<_>>()
        })
    };
    // Ticking "turn off notifications" answers the notifications warning (R22).
    let mut shown = preview.clone();
    let sample = std::mem::take(&mut shown.sample);
    let activity = std::mem::take(&mut shown.activity);
    let notifications_warning = shown
        .warnings
        .iter()
        .position(|w| w.code == WarningCode::Notifications)
        .map(|i| shown.warnings.remove(i));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        start_touched.set(true);
        if can_move() {
            on_submit.run(request.get_untracked());
        }
    };
    view! {
        <form class="move-form" on:submit=submit novalidate>
            <PreviewSummary preview=shown/>
            {(!blocked).then(|| {
                let pipeline = pipeline.clone().unwrap_or(Pipeline { id: PipelineId::of(1), name: String::new(), statuses: vec![] });
                view! {
                    <HistoryForm
                        address=channel.reached_at()
                        pipeline=pipeline.clone()
                        mode=mode
                        open_status=open_status
                        closed_status=closed_status
                        errors=Signal::derive(move || errors.get())
                    />
                    {(!sample.is_empty()).then(|| {
                        let (sample, pipeline) = (sample.clone(), pipeline.clone());
                        view! {
                            <Show when=move || mode.get() == HistoryMode::All>
                                <SampleTable
                                    sample=sample.clone()
                                    pipeline=pipeline.clone()
                                    open_status=open_status
                                    closed_status=closed_status
                                />
                            </Show>
                        }
                    })}
                    {notifications_warning.map(|w| view! {
                        <p class="warning inline" class:hidden=move || mute.get() data-code="Notifications">{words::said(l, &w.said)}</p>
                    })}
                    <WhenChoice
                        activity=activity.clone()
                        when=when
                        start_text=start_text
                        error=shown_start_error
                        touched=start_touched
                    />
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            id="mute-notifications"
                            prop:checked=move || mute.get()
                            on:change=move |ev| mute.set(event_target_checked(&ev))
                        />
                        <span>
                            {td_string!(l, dialog.mute)}
                            <span class="muted block">{td_string!(l, dialog.mute_hint)}</span>
                        </span>
                    </label>
                }
            })}
            <ul class="form-errors">
                {move || general_errors().into_iter().map(|m| view! { <li class="field-error">{m}</li> }).collect_view()}
            </ul>
            <p class="final-note">
                <strong>{td_string!(l, dialog.final_strong)}</strong>
                " "{td_string!(l, dialog.final_rest)}
            </p>
            <div class="dialog-actions">
                <p class="field-error submit-error" role="alert">{move || server_error.get()}</p>
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>{td_string!(l, common.cancel)}</button>
                <button type="submit" class="button primary" data-action="move-channel" disabled=move || !can_move()>
                    {move || match (when.get(), pending.get()) {
                        (When::Now, false) => td_string!(l, dialog.move_channel),
                        (When::Now, true) => td_string!(l, dialog.moving),
                        (When::At, false) => td_string!(l, dialog.schedule_move),
                        (When::At, true) => td_string!(l, dialog.scheduling),
                    }}
                </button>
            </div>
        </form>
    }
}

/// The dialog: open while `channel` is `Some`. It reads the preview and the
/// pipeline, starts the move, and goes to the move's progress page (R15).
#[component]
pub fn MoveDialog(
    /// The channel to move; the dialog shows while this is `Some`.
    #[prop(into)]
    channel: Signal<Option<Channel>>,
    /// Called when the dialog closes (Cancel, Esc, or a started move).
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let live = use_context::<Live>();
    let navigate = use_navigate();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        match (channel.with(Option::is_some), d.open()) {
            (true, false) => {
                let _ = d.show_modal();
            }
            (false, true) => d.close(),
            _ => {}
        }
    });
    let data = LocalResource::new(move || {
        let c = channel.get();
        async move {
            let c = c?;
            let preview = api::move_preview(c.id, SAMPLE).await;
            let pipeline = api::pipeline().await;
            Some(preview.and_then(|p| pipeline.map(|pl| (p, pl))))
        }
    });
    let start = Action::new_local(|(request, csrf): &(MoveRequest, String)| {
        let (request, csrf) = (request.clone(), csrf.clone());
        async move { api::start_move(&request, &csrf).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(m)) = start.value().get() {
            start.value().set(None);
            if let Some(live) = live {
                live.heard(m.clone());
            }
            on_close.run(());
            navigate(&format!("/moves/{}", m.id), NavigateOptions::default());
        }
    });
    let server_error = Signal::derive(move || match start.value().get() {
        Some(Err(e)) => Some(e.words(locale())),
        _ => None,
    });
    let title = move || channel.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let l = locale();
    view! {
        <dialog
            node_ref=dialog
            class="move-dialog"
            aria-labelledby="move-dialog-title"
            on:close=move |_| {
                start.value().set(None);
                on_close.run(());
            }
        >
            <h2 id="move-dialog-title">{move || td_string!(l, dialog.title, channel = title()).to_string()}</h2>
            {move || {
                let c = channel.get()?;
                Some(match data.get().flatten() {
                    None => loading(td_string!(l, dialog.reading)),
                    Some(Err(e)) => view! {
                        <p class="page-error" role="alert">{e.words(l)}</p>
                        <div class="dialog-actions">
                            <button type="button" class="button secondary" on:click=move |_| on_close.run(())>{td_string!(l, common.close)}</button>
                        </div>
                    }.into_any(),
                    Some(Ok((preview, pipeline))) => view! {
                        <MoveForm
                            channel=c
                            preview=preview
                            pipeline=pipeline
                            pending=start.pending()
                            server_error=server_error
                            on_submit=Callback::new(move |req: MoveRequest| {
                                if let Some(csrf) = session.csrf() {
                                    start.dispatch((req, csrf));
                                }
                            })
                            on_cancel=Callback::new(move |_| on_close.run(()))
                        />
                    }.into_any(),
                })
            }}
        </dialog>
    }
}

//! SCREENS 16: a conversation's thread, in and out, with who wrote each message
//! and when, each answer's state (queued, sent, failed and why) as it changes,
//! what came attached and the original to download; and the answer box, with
//! the channel's signature under it (R33, R6). Ctrl+Enter sends.

use deskmove_rules::answers::{validate_answer, with_signature, AnswerRequest};
use deskmove_rules::validation::FieldError;
use deskmove_rules::{Conversation, DeliveryState, Direction, Message};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::field::said_beside;
use crate::components::format::date_time;
use crate::i18n::td_string;
use crate::live::use_live;
use crate::session::use_session;
use crate::words::{self, locale};

/// Puts a message in its place: a new one at the end, a changed one where it was.
fn upsert(list: &mut Vec<Message>, m: Message) {
    match list.iter_mut().find(|x| x.id == m.id) {
        Some(old) => *old = m,
        None => {
            list.push(m);
            list.sort_by_key(|m| m.id);
        }
    }
}

#[component]
pub fn Thread(conversation: Conversation, messages: Vec<Message>) -> impl IntoView {
    let l = locale();
    let live = use_live();
    let list = RwSignal::new(messages);
    let id = conversation.id;
    // Every tab of this conversation hears its answers go out (R33).
    Effect::new(move |_| {
        if let Some(t) = live.thread.get() {
            if t.conversation_id == id {
                list.update(|l| upsert(l, t.message));
            }
        }
    });
    // What was said while the stream was down is read once it is back.
    Effect::new(move |was: Option<bool>| {
        let now = live.connected.get();
        if now && was == Some(false) {
            spawn_local(async move {
                if let Ok(fresh) = api::messages(id).await {
                    list.update(|l| {
                        for m in fresh {
                            upsert(l, m);
                        }
                    });
                }
            });
        }
        now
    });
    view! {
        <section aria-labelledby="messages-title">
            <h2 id="messages-title">{td_string!(l, ticket.messages)}</h2>
            {move || {
                if list.with(Vec::is_empty) {
                    view! { <p class="muted">{td_string!(l, ticket.no_messages)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="messages">
                            <For each=move || list.get() key=|m| (m.id, m.state, m.error.clone()) let:m>
                                <MessageItem m=m/>
                            </For>
                        </ol>
                    }
                    .into_any()
                }
            }}
            <AnswerBox conversation=conversation on_queued=Callback::new(move |m| list.update(|l| upsert(l, m)))/>
        </section>
    }
}

#[component]
fn MessageItem(m: Message) -> impl IntoView {
    let l = locale();
    let out = m.direction == Direction::Out;
    let state = m.state.map(|s| {
        let (class, said) = match s {
            DeliveryState::Queued => ("state queued", td_string!(l, thread.queued)),
            DeliveryState::Sent => ("state sent", td_string!(l, thread.sent)),
            DeliveryState::Failed => ("state failed", td_string!(l, thread.failed)),
        };
        view! { <span class=class>{said}</span> }
    });
    let why = m
        .error
        .clone()
        .filter(|_| m.state != Some(DeliveryState::Sent))
        .map(|e| {
            let said = if m.state == Some(DeliveryState::Failed) {
                td_string!(l, thread.not_sent, reason = e.as_str()).to_string()
            } else {
                td_string!(l, thread.trying_again, reason = e.as_str()).to_string()
            };
            view! { <p class="small message-error" role="status">{said}</p> }
        });
    view! {
        <li class="message" class:outbound=out>
            <div class="muted small message-meta">
                {m.from.map(|f| view! { <span class="message-from">{f}</span>" · " })}
                {date_time(l, m.created_at)}
                {state.map(|s| view! { " · " {s} })}
            </div>
            <p>{m.body}</p>
            {why}
            {(!m.attachments.is_empty()).then(|| view! {
                <ul class="attachments" aria-label=td_string!(l, ticket.attachments)>
                    {m.attachments.into_iter().map(|a| view! {
                        <li>{a.name}" "<span class="muted small">{format_size(a.size)}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {m.eml_url.map(|url| view! {
                <a class="small" href=url download="">{td_string!(l, ticket.download_original)}</a>
            })}
        </li>
    }
}

/// The answer box; without a relay, what the operator must set instead.
#[component]
fn AnswerBox(conversation: Conversation, on_queued: Callback<Message>) -> impl IntoView {
    let l = locale();
    let session = use_session();
    let outbound = Signal::derive(move || {
        session
            .me
            .with(|m| m.as_ref().is_some_and(|m| m.outbound_mail))
    });
    let channel = conversation.original_channel_id;
    let signature = LocalResource::new(move || async move {
        api::channel(channel)
            .await
            .ok()
            .and_then(|c| c.settings.signature)
    });
    let body = RwSignal::new(String::new());
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let refused = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let id = conversation.id;
    let send = move || {
        if sending.get_untracked() {
            return;
        }
        let request = AnswerRequest {
            body: body.get_untracked(),
        };
        if let Err(errors) = validate_answer(&request) {
            missing.set(errors);
            return;
        }
        missing.set(Vec::new());
        refused.set(None);
        let Some(csrf) = session.csrf() else { return };
        sending.set(true);
        spawn_local(async move {
            match api::reply(id, &request, &csrf).await {
                Ok(m) => {
                    body.set(String::new());
                    // The page may be gone meanwhile; then there is nothing to show it on.
                    on_queued.try_run(m);
                }
                Err(e) => refused.set(Some(words::failure(l, &e))),
            }
            sending.set(false);
        });
    };
    let error = said_beside(l, missing, "body", None, || None);
    let to = conversation.contact.clone();
    view! {
        <Show
            when=move || outbound.get()
            fallback=move || view! {
                <p class="notice no-relay" role="status">{td_string!(l, failure.no_outbound_mail)}</p>
            }
        >
            <form class="answer" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send();
            }>
                <label for="answer-body">{td_string!(l, thread.answer_to, contact = to.as_str()).to_string()}</label>
                <textarea id="answer-body" rows="5" prop:value=body
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby="answer-signature answer-hint answer-error"
                    on:input=move |ev| body.set(event_target_value(&ev))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) && !ev.is_composing() {
                            ev.prevent_default();
                            send();
                        }
                    }></textarea>
                <p id="answer-error" class="field-error" role="alert">{move || error.get().or_else(|| refused.get())}</p>
                <div id="answer-signature" class="signature muted small">
                    {move || signature.get().flatten().map(|s| view! {
                        <span>{td_string!(l, thread.signed)}</span>
                        <pre>{with_signature("", Some(&s)).trim_start().to_string()}</pre>
                    })}
                </div>
                <p id="answer-hint" class="field-hint muted small">{td_string!(l, thread.shortcut)}</p>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || sending.get()>
                        {move || if sending.get() { td_string!(l, thread.sending) } else { td_string!(l, thread.send) }}
                    </button>
                </div>
            </form>
        </Show>
    }
}

/// A file's size as people read it: bytes, KB or MB.
fn format_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{} KB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

//! `/help-desk/tickets/<id>`: one ticket, its conversation's messages, and (with
//! help desk access, R23) who owns it and whether it is open.

use deskmove_rules::requests::{ConversationPatch, TicketPatch};
use deskmove_rules::{
    Conversation, ConversationStatus, Direction, Message, Pipeline, StatusState, Ticket, TicketId,
    User,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::format::{date_time, now};
use crate::components::sla::FirstReplyDue;
use crate::components::status::{load_error, loading};
use crate::components::thread::Thread;
use crate::directory::use_directory;
use crate::i18n::td_string;
use crate::live::use_live;
use crate::session::use_session;
use crate::words::{self, locale};

/// What the controls change: the ticket's status, or its conversation (owner, open/closed).
#[derive(Clone)]
enum Change {
    Ticket(TicketPatch),
    Conversation(ConversationPatch),
}

/// Everything the page shows, read together.
#[derive(Clone)]
struct Read {
    ticket: Ticket,
    conversation: Conversation,
    messages: Vec<Message>,
    pipeline: Option<Pipeline>,
}

async fn read(id: Option<TicketId>) -> ApiResult<Read> {
    let id = id.ok_or_else(|| ApiFailure::not_found("ticket"))?;
    let ticket = api::ticket(id).await?;
    let conversation = api::conversation(ticket.conversation_id).await?;
    let messages = api::messages(ticket.conversation_id).await?;
    let pipeline = api::pipeline().await?;
    Ok(Read {
        ticket,
        conversation,
        messages,
        pipeline,
    })
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let session = use_session();
    let access = session.has_help_desk_access();
    let params = use_params_map();
    let directory = use_directory();
    let id = move || params.with(|p| p.get("id").and_then(|id| TicketId::parse(&id)));
    let page = LocalResource::new(move || read(id()));
    let retry = Callback::new(move |_| {
        page.refetch();
        directory.retry_if_failed();
    });
    let l = locale();
    view! {
        <main class="page narrow" id="main">
            <Title text=td_string!(l, help_desk.ticket)/>
            <p><a href="/help-desk">"← "{td_string!(l, shell.help_desk)}</a></p>
            {move || {
                if !access.get() {
                    return view! {
                        <h1>{td_string!(l, help_desk.ticket)}</h1>
                        <p class="notice no-access" role="status">{td_string!(l, help_desk.no_access)}</p>
                    }
                    .into_any();
                }
                match directory.gate(page.get()) {
                    None => loading(td_string!(l, ticket.loading)),
                    Some(Err(e)) => load_error(&e, retry),
                    Some(Ok(r)) => view! { <TicketView read=r on_changed=Callback::new(move |_| page.refetch())/> }.into_any(),
                }
            }}
        </main>
    }
}

#[component]
fn TicketView(read: Read, on_changed: Callback<()>) -> impl IntoView {
    let session = use_session();
    let directory = use_directory();
    let names = directory.names();
    let Read {
        ticket,
        conversation,
        messages,
        pipeline,
    } = read;
    let thread_conversation = conversation.clone();
    let status = pipeline.as_ref().and_then(|p| p.status(ticket.status_id));
    let open = status.is_none_or(|s| s.state == StatusState::Open);
    let now = now();
    let l = locale();
    let due = move |label: &'static str, d: Option<chrono::DateTime<chrono::Utc>>| {
        let text = d
            .map(|d| date_time(l, d))
            .unwrap_or_else(|| td_string!(l, help_desk.no_sla).into());
        let overdue = open && d.is_some_and(|d| d < now);
        view! {
            <div>
                <dt>{label}</dt>
                <dd class:overdue=overdue>
                    {text}
                    {overdue.then(|| view! { " " <span class="overdue-badge">{td_string!(l, help_desk.overdue)}</span> })}
                </dd>
            </div>
        }
    };
    // Only people who work in help desk may own a help desk ticket (R8, R13, R29).
    let mut owners: Vec<User> = names
        .users
        .values()
        .filter(|u| u.works_in_help_desk())
        .cloned()
        .collect();
    owners.sort_by(|a, b| a.name.cmp(&b.name));
    let error = RwSignal::new(None::<String>);
    let ticket_id = ticket.id;
    let change = Action::new_local(move |patch: &Change| {
        let (patch, csrf) = (patch.clone(), session.csrf().unwrap_or_default());
        async move {
            match patch {
                Change::Conversation(p) => api::patch_conversation(conversation.id, &p, &csrf)
                    .await
                    .map(|_| ()),
                Change::Ticket(p) => api::patch_ticket(ticket_id, &p, &csrf).await.map(|_| ()),
            }
        }
    });
    Effect::new(move |_| match change.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            on_changed.run(());
        }
        Some(Err(e)) => error.set(Some(e.words(l))),
        None => {}
    });
    // R33: an answer queued, sent or failed here or in another tab may change
    // the first reply: the ticket is read again for it.
    let replied = RwSignal::new(ticket.clone());
    let live = use_live();
    Effect::new(move |_| {
        let Some(t) = live.thread.get() else { return };
        if t.conversation_id != conversation.id || t.message.direction != Direction::Out {
            return;
        }
        spawn_local(async move {
            if let Ok(fresh) = api::ticket(ticket_id).await {
                replied.set(fresh);
            }
        });
    });
    let owner_now = ticket.owner_id.map(|o| o.to_string()).unwrap_or_default();
    let statuses = pipeline
        .as_ref()
        .map(|p| p.statuses.clone())
        .unwrap_or_default();
    let status_now = ticket.status_id;
    let conversation_status = conversation.status;
    let subject = if ticket.subject.trim().is_empty() {
        td_string!(l, help_desk.no_subject).to_string()
    } else {
        ticket.subject.clone()
    };
    view! {
        <article class="ticket card" aria-labelledby="ticket-title">
            <h1 id="ticket-title">{subject}</h1>
            <p class="muted">
                {format!("#{} · {} · {}", ticket.id, ticket.contact, names.channel(l, ticket.channel_id))}
            </p>
            <dl class="ticket-facts">
                <div>
                    <dt>{td_string!(l, list.status)}</dt>
                    <dd>
                        <span class=format!("status-badge {}", status.map_or("open", |s| s.state.as_str()))>
                            {status.map(|s| s.label.clone()).unwrap_or_else(|| td_string!(l, help_desk.unknown_status).into())}
                        </span>
                    </dd>
                </div>
                <div><dt>{td_string!(l, help_desk.created)}</dt><dd>{date_time(l, ticket.created_at)}</dd></div>
                <div>
                    <dt>{td_string!(l, help_desk.first_reply_due)}</dt>
                    <dd>{move || view! { <FirstReplyDue ticket=replied.get() open=open now=now/> }}</dd>
                </div>
                {due(td_string!(l, help_desk.close_due), ticket.sla.map(|s| s.close_due))}
            </dl>
            <div class="ticket-controls">
                <div class="field">
                    <label for="ticket-status">{td_string!(l, ticket.status)}</label>
                    <select
                        id="ticket-status"
                        disabled=move || change.pending().get()
                        on:change=move |ev| {
                            change.dispatch(Change::Ticket(TicketPatch { status_id: event_target_value(&ev) }));
                        }
                    >
                        {statuses.into_iter().map(|s| view! {
                            <option value=s.id.to_string() selected=s.id == status_now>{s.label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-owner">{td_string!(l, list.owner)}</label>
                    <select
                        id="ticket-owner"
                        disabled=move || change.pending().get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            change.dispatch(Change::Conversation(ConversationPatch {
                                status: None,
                                owner_id: Some((!v.is_empty()).then_some(v)),
                            }));
                        }
                    >
                        <option value="" selected=owner_now.is_empty()>{td_string!(l, common.unassigned)}</option>
                        {owners.into_iter().map(|u| {
                            let selected = u.id.to_string() == owner_now;
                            view! { <option value=u.id.to_string() selected=selected>{u.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="conversation-status">{td_string!(l, ticket.conversation)}</label>
                    <select
                        id="conversation-status"
                        disabled=move || change.pending().get()
                        on:change=move |ev| {
                            let status = ConversationStatus::parse(&event_target_value(&ev));
                            change.dispatch(Change::Conversation(ConversationPatch { status, owner_id: None }));
                        }
                    >
                        {ConversationStatus::ALL.iter().map(|s| view! {
                            <option value=s.as_str() selected=*s == conversation_status>{words::conversation_status(l, *s)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <p class="field-error" role="alert">{move || error.get()}</p>
            </div>
            <Thread conversation=thread_conversation messages=messages/>
        </article>
    }
}

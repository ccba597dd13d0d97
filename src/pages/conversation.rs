//! `/inbox/conversations/<id>`: one inbox conversation, its thread and the
//! answer box (SCREENS 16, R33). A conversation in help desk is its ticket's.

use deskmove_rules::{Conversation, ConversationId, Message, Workspace};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiFailure, ApiResult};
use crate::components::format::date_time;
use crate::components::status::{load_error, loading};
use crate::components::thread::Thread;
use crate::directory::use_directory;
use crate::i18n::td_string;
use crate::words::{self, locale};

async fn read(id: Option<ConversationId>) -> ApiResult<(Conversation, Vec<Message>)> {
    let id = id.ok_or_else(|| ApiFailure::not_found("conversation"))?;
    let conversation = api::conversation(id).await?;
    let messages = api::messages(id).await?;
    Ok((conversation, messages))
}

#[component]
pub fn ConversationPage() -> impl IntoView {
    let params = use_params_map();
    let directory = use_directory();
    let id = move || params.with(|p| p.get("id").and_then(|id| ConversationId::parse(&id)));
    let page = LocalResource::new(move || read(id()));
    let retry = Callback::new(move |_| {
        page.refetch();
        directory.retry_if_failed();
    });
    let l = locale();
    view! {
        <main class="page narrow" id="main">
            <Title text=td_string!(l, conversation.title)/>
            <p><a href="/inbox">"← "{td_string!(l, conversation.back)}</a></p>
            {move || match directory.gate(page.get()) {
                None => loading(td_string!(l, conversation.loading)),
                Some(Err(e)) => load_error(&e, retry),
                Some(Ok((c, messages))) => view! { <ConversationView conversation=c messages=messages/> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn ConversationView(conversation: Conversation, messages: Vec<Message>) -> impl IntoView {
    let l = locale();
    let names = use_directory().names();
    let ticket = (conversation.workspace == Workspace::HelpDesk)
        .then_some(conversation.ticket_id)
        .flatten();
    view! {
        <article class="conversation">
            <h1>{if conversation.subject.is_empty() { td_string!(l, conversation.title).to_string() } else { conversation.subject.clone() }}</h1>
            <dl class="ticket-facts">
                <div>
                    <dt>{td_string!(l, list.contact)}</dt>
                    <dd>{conversation.contact.clone()}</dd>
                </div>
                <div>
                    <dt>{td_string!(l, list.channel)}</dt>
                    <dd>{names.channel(l, conversation.original_channel_id)}</dd>
                </div>
                <div>
                    <dt>{td_string!(l, list.status)}</dt>
                    <dd>{words::conversation_status(l, conversation.status)}</dd>
                </div>
                <div>
                    <dt>{td_string!(l, list.started)}</dt>
                    <dd>{date_time(l, conversation.started_at)}</dd>
                </div>
            </dl>
            {ticket.map(|t| view! {
                <p><a href=format!("/help-desk/tickets/{t}")>{td_string!(l, help_desk.ticket)}</a></p>
            })}
            <Thread conversation=conversation messages=messages/>
        </article>
    }
}

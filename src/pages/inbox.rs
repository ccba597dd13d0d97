//! `/inbox`: the conversations still in the inbox; moved ones leave it (SCREENS.md 8).

use deskmove_rules::Conversation;
use leptos::prelude::*;

use crate::api;
use crate::components::format::date_time;
use crate::components::kind_icon::KindIcon;
use crate::components::list::{list_view, DataTable, ListWords};
use crate::components::pager::{Pager, PagerControls};
use crate::directory::use_directory;
use crate::live::use_live;

const WORDS: ListWords = ListWords {
    loading: "Loading conversations…",
    empty: "No conversations in the inbox.",
};

const COLUMNS: &[&str] = &["Contact", "Channel", "Status", "Owner", "Started"];

#[component]
pub fn Inbox() -> impl IntoView {
    let live = use_live();
    let directory = use_directory();
    let pager = Pager::new();
    let page = LocalResource::new(move || {
        let cursor = pager.cursor();
        // While a move runs, its conversations leave this list: read again as it goes.
        live.latest.track();
        async move { api::conversations("workspace=inbox", cursor.as_deref()).await }
    });
    let next = Signal::derive(move || page.get().and_then(Result::ok).and_then(|p| p.next_cursor));
    let retry = Callback::new(move |_| {
        page.refetch();
        directory.retry_if_failed();
    });
    view! {
        <main class="page" id="main">
            <h1>"Inbox"</h1>
            <p class="muted">"Conversations still answered from the inbox, newest first."</p>
            {move || list_view(directory.gate(page.get().map(|r| r.map(|p| p.items))), WORDS, retry, |items| {
                let names = directory.names();
                view! {
                    <DataTable class="conversations" columns=COLUMNS>
                        {items.into_iter().map(|c| row(c, &names)).collect_view()}
                    </DataTable>
                }.into_any()
            })}
            <PagerControls pager=pager next=next/>
        </main>
    }
}

fn row(c: Conversation, names: &crate::directory::Names) -> impl IntoView {
    let channel = names.channels.get(&c.current_channel_id).cloned();
    let via = (c.original_channel_id != c.current_channel_id)
        .then(|| format!("started on {}", names.channel(c.original_channel_id)));
    view! {
        <tr data-conversation=c.id.to_string()>
            <td>
                <div class="channel-name">{c.contact.clone()}</div>
                <div class="muted small">{c.subject.clone()}</div>
            </td>
            <td>
                <div class="channel-cell">
                    {channel.as_ref().map(|ch| view! { <KindIcon kind=ch.kind/> })}
                    <div>
                        <div>{names.channel(c.current_channel_id)}</div>
                        {via.map(|v| view! { <div class="muted small">{v}</div> })}
                    </div>
                </div>
            </td>
            <td><span class=format!("status-badge {}", c.status.as_str())>{c.status.label()}</span></td>
            <td data-label="Owner">{names.user(c.owner_id)}</td>
            <td class="small" data-label="Started">{date_time(c.started_at)}</td>
        </tr>
    }
}

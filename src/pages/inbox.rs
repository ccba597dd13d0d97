//! `/inbox`: the conversations still in the inbox; moved ones leave it (SCREENS.md 8).
//! Page, order and filters live in the address.

use deskmove_rules::{Conversation, ConversationSort, ConversationStatus, Workspace};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{self, PAGE_SIZE};
use crate::components::format::date_time;
use crate::components::kind_icon::KindIcon;
use crate::components::list::{list_view, DataTable, ListWords};
use crate::components::pager::{Address, AddressSearch, AddressSelect, PageNav};
use crate::directory::use_directory;
use crate::i18n::{td_string, Locale};
use crate::live::use_live;
use crate::words::{self, locale};

/// The columns' headings; each cell carries its own as `data-label` for the
/// phone's cards.
fn columns(l: Locale) -> [&'static str; 5] {
    [
        td_string!(l, list.contact),
        td_string!(l, list.channel),
        td_string!(l, list.status),
        td_string!(l, list.owner),
        td_string!(l, list.started),
    ]
}

#[component]
pub fn Inbox() -> impl IntoView {
    let live = use_live();
    let directory = use_directory();
    let address = Address::here("/inbox");
    // The API's query for what the address asks.
    let query = move || {
        let mut q = vec![
            "workspace=inbox".to_string(),
            format!("page={}", address.page()),
        ];
        let sort = address
            .get("sort")
            .and_then(|s| ConversationSort::parse(&s));
        q.push(format!(
            "sort={}",
            sort.unwrap_or(ConversationSort::Newest).as_str()
        ));
        if let Some(s) = address
            .get("status")
            .and_then(|s| ConversationStatus::parse(&s))
        {
            q.push(format!("status={}", s.as_str()));
        }
        match address.get("owner").as_deref() {
            None => {}
            Some("unassigned") => q.push("unassigned=true".into()),
            Some(id) => q.push(format!("owner_id={}", api::encode(id))),
        }
        if let Some(c) = address.get("channel") {
            q.push(format!("channel_id={}", api::encode(&c)));
        }
        if let Some(s) = address.get("q") {
            q.push(format!("q={}", api::encode(&s)));
        }
        q.join("&")
    };
    let page = LocalResource::new(move || {
        let query = query();
        // While a move runs, its conversations leave this list: read again as it goes.
        live.latest.track();
        async move { api::conversation_page(&query).await }
    });
    let total = Signal::derive(move || {
        page.get()
            .and_then(Result::ok)
            .and_then(|p| p.total.map(|t| (t, p.total_at_least)))
    });
    let retry = Callback::new(move |_| {
        page.refetch();
        directory.retry_if_failed();
    });
    let l = locale();
    let sorts = Signal::derive(move || {
        ConversationSort::ALL
            .iter()
            .map(|s| {
                let value = if *s == ConversationSort::Newest {
                    ""
                } else {
                    s.as_str()
                };
                (
                    value.to_string(),
                    words::conversation_sort(l, *s).to_string(),
                )
            })
            .collect::<Vec<_>>()
    });
    let statuses = Signal::derive(move || {
        std::iter::once((String::new(), td_string!(l, list.any_status).to_string()))
            .chain(ConversationStatus::ALL.iter().map(|s| {
                (
                    s.as_str().to_string(),
                    words::conversation_status(l, *s).to_string(),
                )
            }))
            .collect::<Vec<_>>()
    });
    let owners = Signal::derive(move || {
        let names = directory.names();
        let mut users: Vec<_> = names.users.values().cloned().collect();
        users.sort_by(|a, b| a.name.cmp(&b.name));
        [
            (String::new(), td_string!(l, list.anyone).to_string()),
            (
                "unassigned".into(),
                td_string!(l, common.unassigned).to_string(),
            ),
        ]
        .into_iter()
        .chain(users.into_iter().map(|u| (u.id.to_string(), u.name)))
        .collect::<Vec<_>>()
    });
    let channels = Signal::derive(move || {
        let names = directory.names();
        let mut list: Vec<_> = names
            .channels
            .values()
            .filter(|c| c.workspace == Workspace::Inbox)
            .cloned()
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        std::iter::once((String::new(), td_string!(l, list.all_channels).to_string()))
            .chain(list.into_iter().map(|c| (c.id.to_string(), c.name)))
            .collect::<Vec<_>>()
    });
    view! {
        <main class="page" id="main">
            <Title text=td_string!(l, shell.inbox)/>
            <h1>{td_string!(l, shell.inbox)}</h1>
            <p class="muted">{td_string!(l, inbox.intro)}</p>
            <div class="list-filters">
                <AddressSearch address=address label=td_string!(l, list.search)/>
                <AddressSelect address=address key="sort" label=td_string!(l, list.order) options=sorts/>
                <AddressSelect address=address key="status" label=td_string!(l, list.status) options=statuses/>
                <AddressSelect address=address key="owner" label=td_string!(l, list.owner) options=owners/>
                <AddressSelect address=address key="channel" label=td_string!(l, list.channel) options=channels/>
            </div>
            <PageNav label=td_string!(l, pager.above) address=address total=total limit=PAGE_SIZE focus="conversation-list"/>
            <div id="conversation-list" tabindex="-1" class="list-region" aria-label=td_string!(l, inbox.list)>
                {move || list_view(directory.gate(page.get().map(|r| r.map(|p| p.items))), ListWords {
                    loading: td_string!(l, inbox.loading),
                    empty: td_string!(l, inbox.empty),
                }, retry, |items| {
                    let names = directory.names();
                    view! {
                        <DataTable class="conversations" columns=columns(l).to_vec()>
                            {items.into_iter().map(|c| row(l, c, &names)).collect_view()}
                        </DataTable>
                    }.into_any()
                })}
            </div>
            <PageNav label=td_string!(l, pager.below) address=address total=total limit=PAGE_SIZE focus="conversation-list"/>
        </main>
    }
}

fn row(l: Locale, c: Conversation, names: &crate::directory::Names) -> impl IntoView {
    let channel = names.channels.get(&c.current_channel_id).cloned();
    let via = (c.original_channel_id != c.current_channel_id).then(|| {
        td_string!(
            l,
            inbox.started_on,
            channel = names.channel(l, c.original_channel_id)
        )
        .to_string()
    });
    let [contact, channel_label, status, owner, started] = columns(l);
    let subject = if c.subject.is_empty() {
        td_string!(l, conversation.title).to_string()
    } else {
        c.subject.clone()
    };
    view! {
        <tr data-conversation=c.id.to_string()>
            <td data-label=contact>
                <div class="channel-name">{c.contact.clone()}</div>
                <div class="muted small"><a class="conversation-link" href=format!("/inbox/conversations/{}", c.id)>{subject}</a></div>
            </td>
            <td data-label=channel_label>
                <div class="channel-cell">
                    {channel.as_ref().map(|ch| view! { <KindIcon kind=ch.kind/> })}
                    <div>
                        <div>{names.channel(l, c.current_channel_id)}</div>
                        {via.map(|v| view! { <div class="muted small">{v}</div> })}
                    </div>
                </div>
            </td>
            <td data-label=status><span class=format!("status-badge {}", c.status.as_str())>{words::conversation_status(l, c.status)}</span></td>
            <td data-label=owner>{names.user(l, c.owner_id)}</td>
            <td class="small" data-label=started>{date_time(l, c.started_at)}</td>
        </tr>
    }
}

//! `/help-desk`: the channels connected to help desk and the tickets, by view (SCREENS.md 9).

use chrono::{DateTime, Utc};
use deskmove_rules::scope::no_help_desk_access;
use deskmove_rules::{Pipeline, StatusState, Ticket, TicketSort};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{self, PAGE_SIZE};
use crate::components::format::{local_date_time, now, time_zone};
use crate::components::kind_icon::KindIcon;
use crate::components::list::{list_view, DataTable, ListWords};
use crate::components::pager::{Address, AddressSearch, AddressSelect, PageNav};
use crate::directory::{use_directory, Names};
use crate::live::use_live;
use crate::session::use_session;

/// The ticket views: (query value, label).
const VIEWS: [(&str, &str); 4] = [
    ("open", "All open"),
    ("unassigned", "Unassigned"),
    ("mine", "Assigned to me"),
    ("closed", "Closed"),
];

const WORDS: ListWords = ListWords {
    loading: "Loading tickets…",
    empty: "No tickets in this view.",
};

const COLUMNS: &[&str] = &[
    "Ticket",
    "Contact",
    "Channel",
    "Status",
    "Owner",
    "Created",
    "First reply due",
    "Close due",
];

/// `/help-desk`: the views for a user with help desk access; for one without, a
/// sentence saying so and nothing else of help desk (R23).
#[component]
pub fn HelpDesk() -> impl IntoView {
    let access = use_session().has_help_desk_access();
    move || {
        if access.get() {
            view! { <HelpDeskViews/> }.into_any()
        } else {
            view! {
                <main class="page" id="main">
                    <Title text="Help Desk"/>
                    <h1>"Help Desk"</h1>
                    <p class="notice no-access" role="status">
                        {no_help_desk_access().message}
                    </p>
                </main>
            }
            .into_any()
        }
    }
}

#[component]
fn HelpDeskViews() -> impl IntoView {
    let session = use_session();
    let live = use_live();
    let directory = use_directory();
    let address = Address::here("/help-desk");
    let view_name = move || {
        address
            .get("view")
            .filter(|v| VIEWS.iter().any(|(k, _)| k == v))
            .unwrap_or_else(|| "open".into())
    };
    let me = move || {
        session
            .me
            .with(|m| m.as_ref().map(|m| m.id.to_string()).unwrap_or_default())
    };
    // Help desk tickets only: an agent's ticket on an inbox conversation stays in the inbox.
    let filter = move || {
        let view = match view_name().as_str() {
            "unassigned" => "state=open&unassigned=true".to_string(),
            "mine" => format!("state=open&owner_id={}", api::encode(&me())),
            "closed" => "state=closed".to_string(),
            _ => "state=open".to_string(),
        };
        let sort = address.get("sort").and_then(|s| TicketSort::parse(&s));
        let mut q = format!(
            "workspace=help_desk&{view}&page={}&sort={}",
            address.page(),
            sort.unwrap_or(TicketSort::Newest).as_str()
        );
        if let Some(c) = address.get("channel") {
            q.push_str(&format!("&channel_id={}", api::encode(&c)));
        }
        if let Some(s) = address.get("q") {
            q.push_str(&format!("&q={}", api::encode(&s)));
        }
        q
    };
    let pipeline = LocalResource::new(api::pipeline);
    let page = LocalResource::new(move || {
        let filter = filter();
        live.latest.track();
        async move { api::ticket_page(&filter).await }
    });
    let total = Signal::derive(move || {
        page.get()
            .and_then(Result::ok)
            .and_then(|p| p.total.map(|t| (t, p.total_at_least)))
    });
    let sorts = Signal::derive(|| {
        TicketSort::ALL
            .iter()
            .map(|s| {
                let value = if *s == TicketSort::Newest {
                    ""
                } else {
                    s.as_str()
                };
                (value.to_string(), s.label().to_string())
            })
            .collect::<Vec<_>>()
    });
    let channels = Signal::derive(move || {
        let names = directory.names();
        let mut list: Vec<_> = names
            .channels
            .values()
            .filter(|c| c.workspace == deskmove_rules::Workspace::HelpDesk)
            .cloned()
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        std::iter::once((String::new(), "All channels".to_string()))
            .chain(list.into_iter().map(|c| (c.id.to_string(), c.name)))
            .collect::<Vec<_>>()
    });
    let retry = Callback::new(move |_| {
        page.refetch();
        pipeline.refetch();
        directory.retry_if_failed();
    });
    view! {
        <Title text="Help Desk"/>
        <main class="page" id="main">
            <h1>"Help Desk"</h1>
            <section aria-labelledby="hd-channels" class="hd-channels">
                <h2 id="hd-channels">"Connected channels"</h2>
                {move || {
                    let names = directory.names();
                    let mut channels: Vec<_> = names.channels.values().filter(|c| c.workspace == deskmove_rules::Workspace::HelpDesk).cloned().collect();
                    channels.sort_by(|a, b| a.name.cmp(&b.name));
                    if channels.is_empty() {
                        view! { <p class="muted">"No channel is connected to help desk yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="chips">
                                {channels.into_iter().map(|c| {
                                    let key = c.name.clone();
                                    view! { <li class="chip" data-channel=key><KindIcon kind=c.kind/>{c.name}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </section>
            <nav class="tabs" aria-label="Ticket views">
                {VIEWS.iter().map(|(key, label)| {
                    let key = *key;
                    view! {
                        <a
                            href=move || address.with("view", key)
                            class="tab"
                            aria-current=move || (view_name() == key).then_some("page")
                        >{*label}</a>
                    }
                }).collect_view()}
            </nav>
            <p class="muted small time-zone">
                {match time_zone() {
                    Some(zone) => format!("Times are in your time zone ({zone})."),
                    None => "Times are in your time zone.".to_string(),
                }}
            </p>
            <div class="list-filters">
                <AddressSearch address=address label="Search contacts and subjects"/>
                <AddressSelect address=address key="sort" label="Order" options=sorts/>
                <AddressSelect address=address key="channel" label="Channel" options=channels/>
            </div>
            <PageNav label="Pages, above the list" address=address total=total limit=PAGE_SIZE focus="ticket-list"/>
            <div id="ticket-list" tabindex="-1" class="list-region" aria-label="Tickets">
                {move || list_view(directory.gate(page.get().map(|r| r.map(|p| p.items))), WORDS, retry, |items| {
                    let names = directory.names();
                    let pipeline = pipeline.get().and_then(Result::ok).flatten();
                    view! {
                        <DataTable class="tickets" columns=COLUMNS>
                            {items.into_iter().map(|t| row(t, &names, pipeline.as_ref(), now())).collect_view()}
                        </DataTable>
                    }.into_any()
                })}
            </div>
            <PageNav label="Pages, below the list" address=address total=total limit=PAGE_SIZE focus="ticket-list"/>
        </main>
    }
}

fn row(t: Ticket, names: &Names, pipeline: Option<&Pipeline>, now: DateTime<Utc>) -> impl IntoView {
    let status = pipeline.and_then(|p| p.status(t.status_id));
    let open = status.is_none_or(|s| s.state == StatusState::Open);
    let (label, state) = status
        .map(|s| (s.label.clone(), s.state.as_str()))
        .unwrap_or_else(|| ("Unknown status".into(), "open"));
    let due = move |d: Option<DateTime<Utc>>| match d {
        None => view! { <span class="muted">"No SLA"</span> }.into_any(),
        Some(d) => {
            let overdue = open && d < now;
            view! {
                <span class:overdue=overdue>
                    {local_date_time(d)}
                    {overdue.then(|| view! { " " <span class="overdue-badge">"Overdue"</span> })}
                </span>
            }
            .into_any()
        }
    };
    let subject = if t.subject.trim().is_empty() {
        "(no subject)".to_string()
    } else {
        t.subject.clone()
    };
    view! {
        <tr data-ticket=t.id.to_string()>
            <td>
                <a class="ticket-link" href=format!("/help-desk/tickets/{}", t.id)>{subject}</a>
                <div class="muted small">{format!("#{}", t.id)}</div>
            </td>
            <td data-label="Contact">{t.contact.clone()}</td>
            <td data-label="Channel">{names.channel(t.channel_id)}</td>
            <td><span class=format!("status-badge {state}")>{label}</span></td>
            <td data-label="Owner">{names.user(t.owner_id)}</td>
            <td class="small" data-label="Created">{local_date_time(t.created_at)}</td>
            <td class="small" data-label="First reply due">{due(t.sla.map(|s| s.first_reply_due))}</td>
            <td class="small" data-label="Close due">{due(t.sla.map(|s| s.close_due))}</td>
        </tr>
    }
}

//! `/help-desk`: the channels connected to help desk and the tickets, by view (SCREENS.md 9).

use chrono::{DateTime, Utc};
use deskmove_rules::{Pipeline, StatusState, Ticket, TicketSort};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{self, PAGE_SIZE};
use crate::components::format::{date_time, now, time_zone};
use crate::components::kind_icon::KindIcon;
use crate::components::list::{list_view, DataTable, ListWords};
use crate::components::pager::{Address, AddressSearch, AddressSelect, PageNav};
use crate::components::sla::FirstReplyDue;
use crate::directory::{use_directory, Names};
use crate::i18n::{td_string, Locale};
use crate::live::use_live;
use crate::session::use_session;
use crate::words::{self, locale};

/// The ticket views: (query value, label).
fn views(l: Locale) -> [(&'static str, &'static str); 5] {
    [
        ("open", td_string!(l, help_desk.all_open)),
        ("overdue", td_string!(l, help_desk.overdue)),
        ("unassigned", td_string!(l, common.unassigned)),
        ("mine", td_string!(l, help_desk.mine)),
        ("closed", td_string!(l, help_desk.closed)),
    ]
}

/// A view's order until another is chosen: the overdue tickets most late
/// first (R33), the others newest first.
fn default_sort(view: &str) -> TicketSort {
    if view == "overdue" {
        TicketSort::Due
    } else {
        TicketSort::Newest
    }
}

/// The columns' headings; each cell carries its own as `data-label` for the
/// phone's cards.
fn columns(l: Locale) -> [&'static str; 8] {
    [
        td_string!(l, help_desk.ticket),
        td_string!(l, list.contact),
        td_string!(l, list.channel),
        td_string!(l, list.status),
        td_string!(l, list.owner),
        td_string!(l, help_desk.created),
        td_string!(l, help_desk.first_reply_due),
        td_string!(l, help_desk.close_due),
    ]
}

/// `/help-desk`: the views for a user with help desk access; for one without, a
/// sentence saying so and nothing else of help desk (R23).
#[component]
pub fn HelpDesk() -> impl IntoView {
    let access = use_session().has_help_desk_access();
    let l = locale();
    move || {
        if access.get() {
            view! { <HelpDeskViews/> }.into_any()
        } else {
            view! {
                <main class="page" id="main">
                    <Title text=td_string!(l, shell.help_desk)/>
                    <h1>{td_string!(l, shell.help_desk)}</h1>
                    <p class="notice no-access" role="status">
                        {td_string!(l, help_desk.no_access)}
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
            .filter(|v| views(Locale::en).iter().any(|(k, _)| k == v))
            .unwrap_or_else(|| "open".into())
    };
    let me = move || {
        session
            .me
            .with(|m| m.as_ref().map(|m| m.id.to_string()).unwrap_or_default())
    };
    // Help desk tickets only: an agent's ticket on an inbox conversation stays in the inbox.
    let filter = move || {
        let name = view_name();
        let view = match name.as_str() {
            // R33: waiting for a first answer past its due time.
            "overdue" => "state=open&overdue=true".to_string(),
            "unassigned" => "state=open&unassigned=true".to_string(),
            "mine" => format!("state=open&owner_id={}", api::encode(&me())),
            "closed" => "state=closed".to_string(),
            _ => "state=open".to_string(),
        };
        let sort = address
            .get("sort")
            .and_then(|s| TicketSort::parse(&s))
            .unwrap_or_else(|| default_sort(&name));
        let mut q = format!(
            "workspace=help_desk&{view}&page={}&sort={}",
            address.page(),
            sort.as_str()
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
    let l = locale();
    // The view's own order first: with no order in the address, the select
    // shows it. Every option names its order, so one chosen in another view
    // shows as itself here.
    let sorts = Signal::derive(move || {
        let default = default_sort(&view_name());
        std::iter::once(default)
            .chain(TicketSort::ALL.into_iter().filter(|s| *s != default))
            .map(|s| (s.as_str().to_string(), words::ticket_sort(l, s).to_string()))
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
        std::iter::once((String::new(), td_string!(l, list.all_channels).to_string()))
            .chain(list.into_iter().map(|c| (c.id.to_string(), c.name)))
            .collect::<Vec<_>>()
    });
    let retry = Callback::new(move |_| {
        page.refetch();
        pipeline.refetch();
        directory.retry_if_failed();
    });
    view! {
        <Title text=td_string!(l, shell.help_desk)/>
        <main class="page" id="main">
            <h1>{td_string!(l, shell.help_desk)}</h1>
            <section aria-labelledby="hd-channels" class="hd-channels">
                <h2 id="hd-channels">{td_string!(l, help_desk.connected)}</h2>
                {move || {
                    let names = directory.names();
                    let mut channels: Vec<_> = names.channels.values().filter(|c| c.workspace == deskmove_rules::Workspace::HelpDesk).cloned().collect();
                    channels.sort_by(|a, b| a.name.cmp(&b.name));
                    if channels.is_empty() {
                        view! { <p class="muted">{td_string!(l, help_desk.none_connected)}</p> }.into_any()
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
            <nav class="tabs" aria-label=td_string!(l, help_desk.views)>
                {views(l).into_iter().map(|(key, label)| {
                    view! {
                        <a
                            href=move || address.with("view", key)
                            class="tab"
                            aria-current=move || (view_name() == key).then_some("page")
                        >{label}</a>
                    }
                }).collect_view()}
            </nav>
            <p class="muted small time-zone">
                {match time_zone() {
                    Some(zone) => td_string!(l, help_desk.zone, zone = zone).to_string(),
                    None => td_string!(l, help_desk.zone_unknown).to_string(),
                }}
            </p>
            <div class="list-filters">
                <AddressSearch address=address label=td_string!(l, list.search)/>
                <AddressSelect address=address key="sort" label=td_string!(l, list.order) options=sorts/>
                <AddressSelect address=address key="channel" label=td_string!(l, list.channel) options=channels/>
            </div>
            <PageNav label=td_string!(l, pager.above) address=address total=total limit=PAGE_SIZE focus="ticket-list"/>
            <div id="ticket-list" tabindex="-1" class="list-region" aria-label=td_string!(l, help_desk.list)>
                {move || list_view(directory.gate(page.get().map(|r| r.map(|p| p.items))), ListWords {
                    loading: td_string!(l, help_desk.loading),
                    empty: td_string!(l, help_desk.empty),
                }, retry, |items| {
                    let names = directory.names();
                    let pipeline = pipeline.get().and_then(Result::ok).flatten();
                    view! {
                        <DataTable class="tickets" columns=columns(l).to_vec()>
                            {items.into_iter().map(|t| row(l, t, &names, pipeline.as_ref(), now())).collect_view()}
                        </DataTable>
                    }.into_any()
                })}
            </div>
            <PageNav label=td_string!(l, pager.below) address=address total=total limit=PAGE_SIZE focus="ticket-list"/>
        </main>
    }
}

fn row(
    l: Locale,
    t: Ticket,
    names: &Names,
    pipeline: Option<&Pipeline>,
    now: DateTime<Utc>,
) -> impl IntoView {
    let status = pipeline.and_then(|p| p.status(t.status_id));
    let open = status.is_none_or(|s| s.state == StatusState::Open);
    let (label, state) = status
        .map(|s| (s.label.clone(), s.state.as_str()))
        .unwrap_or_else(|| (td_string!(l, help_desk.unknown_status).to_string(), "open"));
    let due = move |d: Option<DateTime<Utc>>| match d {
        None => view! { <span class="muted">{td_string!(l, help_desk.no_sla)}</span> }.into_any(),
        Some(d) => {
            let overdue = open && d < now;
            view! {
                <span class:overdue=overdue>
                    {date_time(l, d)}
                    {overdue.then(|| view! { " " <span class="overdue-badge">{td_string!(l, help_desk.overdue)}</span> })}
                </span>
            }
            .into_any()
        }
    };
    let subject = if t.subject.trim().is_empty() {
        td_string!(l, help_desk.no_subject).to_string()
    } else {
        t.subject.clone()
    };
    let [ticket, contact, channel, status, owner, created, first_reply, close] = columns(l);
    view! {
        <tr data-ticket=t.id.to_string()>
            <td data-label=ticket>
                <a class="ticket-link" href=format!("/help-desk/tickets/{}", t.id)>{subject}</a>
                <div class="muted small">{format!("#{}", t.id)}</div>
            </td>
            <td data-label=contact>{t.contact.clone()}</td>
            <td data-label=channel>{names.channel(l, t.channel_id)}</td>
            <td data-label=status><span class=format!("status-badge {state}")>{label}</span></td>
            <td data-label=owner>{names.user(l, t.owner_id)}</td>
            <td class="small" data-label=created>{date_time(l, t.created_at)}</td>
            <td class="small" data-label=first_reply><FirstReplyDue ticket=t.clone() open=open now=now/></td>
            <td class="small" data-label=close>{due(t.sla.map(|s| s.close_due))}</td>
        </tr>
    }
}

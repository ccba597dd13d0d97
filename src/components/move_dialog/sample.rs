//! R25: "What happens to your conversations": the history's oldest and newest
//! conversations as the move will leave them, following the status selects.

use deskmove_rules::{
    ConversationStatus, Pipeline, SampleConversation, StatusId, TicketFate, UnassignedReason,
};
use leptos::prelude::*;

use crate::components::format::{date, date_time};
use crate::directory::Directory;
use crate::i18n::{td_string, Locale};
use crate::words::locale;

/// The status a sampled conversation's ticket gets. The server planned it for the
/// statuses it was asked about; a kept ticket keeps its own, and a created one
/// takes what the admin has chosen now for open or closed conversations, as the
/// move's plan maps them (`StatusMapping::status_for`).
fn status_now(row: &SampleConversation, open: &str, closed: &str) -> Option<StatusId> {
    match row.ticket {
        TicketFate::Kept => Some(row.status_id),
        TicketFate::Created => {
            let chosen = match row.status {
                ConversationStatus::Open => open,
                ConversationStatus::Closed => closed,
            };
            StatusId::parse(chosen)
        }
    }
}

#[component]
pub fn SampleTable(
    sample: Vec<SampleConversation>,
    pipeline: Pipeline,
    /// The status selects' values (a status id, or empty while none is chosen).
    open_status: RwSignal<String>,
    closed_status: RwSignal<String>,
) -> impl IntoView {
    let l = locale();
    let names = use_context::<Directory>().map(|d| d.names());
    let columns = [
        td_string!(l, sample.conversation),
        td_string!(l, sample.started),
        td_string!(l, sample.ticket),
        td_string!(l, list.status),
        td_string!(l, list.owner),
        td_string!(l, help_desk.created),
        td_string!(l, help_desk.first_reply_due),
        td_string!(l, help_desk.close_due),
    ];
    let rows = sample
        .into_iter()
        .map(|row| {
            let pipeline = pipeline.clone();
            let status = {
                let row = row.clone();
                move || {
                    status_now(&row, &open_status.get(), &closed_status.get())
                        .and_then(|id| pipeline.status(id))
                        .map(|s| s.label.clone())
                        .unwrap_or_else(|| "—".to_string())
                }
            };
            let owner = match (row.owner_id, row.unassigned_reason) {
                (Some(id), _) => names
                    .as_ref()
                    .map(|n| n.user(l, Some(id)))
                    .unwrap_or_else(|| td_string!(l, common.unknown_user).to_string()),
                (None, reason) => unassigned(l, reason),
            };
            let fate = match row.ticket {
                TicketFate::Kept => td_string!(l, sample.kept),
                TicketFate::Created => td_string!(l, sample.created),
            };
            let due = |pick: fn(&deskmove_rules::SlaDue) -> chrono::DateTime<chrono::Utc>| {
                row.sla
                    .as_ref()
                    .map(|s| date_time(l, pick(s)))
                    .unwrap_or_else(|| td_string!(l, help_desk.no_sla).to_string())
            };
            let (first_reply, close) = (due(|s| s.first_reply_due), due(|s| s.close_due));
            let subject = if row.subject.trim().is_empty() {
                td_string!(l, help_desk.no_subject).to_string()
            } else {
                row.subject.clone()
            };
            view! {
                <tr data-conversation=row.conversation_id.to_string() data-ticket=row.ticket.as_str()>
                    <td data-label=columns[0]>
                        <div>{row.contact.clone()}</div>
                        <div class="muted small">{subject}</div>
                    </td>
                    <td class="small" data-label=columns[1]>{date(l, row.started_at)}</td>
                    <td data-label=columns[2]>{fate}</td>
                    <td data-label=columns[3] class="sample-status">{status}</td>
                    <td data-label=columns[4] class="sample-owner">{owner}</td>
                    <td class="small" data-label=columns[5]>{date(l, row.created_at)}</td>
                    <td class="small" data-label=columns[6]>{first_reply}</td>
                    <td class="small" data-label=columns[7]>{close}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        // One landmark: the scrolling table, named by the heading.
        <div class="sample">
            <h3 id="sample-title">{td_string!(l, sample.title)}</h3>
            <p class="muted small">{td_string!(l, sample.intro)}</p>
            // Focusable, so that a keyboard can scroll it too.
            <div class="sample-scroll" tabindex="0" role="region" aria-labelledby="sample-title">
                <table class="data-table sample-table">
                    <thead>
                        <tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
}

fn unassigned(l: Locale, reason: Option<UnassignedReason>) -> String {
    match reason {
        Some(UnassignedReason::OwnerWithoutAccess) => {
            td_string!(l, sample.owner_without_access).to_string()
        }
        Some(UnassignedReason::NoOwner) | None => td_string!(l, sample.no_owner).to_string(),
    }
}

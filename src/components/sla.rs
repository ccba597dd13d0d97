//! R33, R8: where a ticket's first reply stands against its SLA: met, answered
//! late, overdue (in red, with how late) or due in, as the rules crate says.

use chrono::{DateTime, Utc};
use deskmove_rules::answers::{first_reply, FirstReply};
use deskmove_rules::Ticket;
use leptos::prelude::*;

use crate::components::format::date_time;
use crate::i18n::td_string;
use crate::words::{self, locale};

/// The first-reply due time with its state; `open` says whether an unanswered
/// ticket can still be late (a closed one can't).
#[component]
pub fn FirstReplyDue(ticket: Ticket, open: bool, now: DateTime<Utc>) -> impl IntoView {
    let l = locale();
    let Some(due) = ticket.sla.map(|s| s.first_reply_due) else {
        return view! { <span class="muted">{td_string!(l, help_desk.no_sla)}</span> }.into_any();
    };
    let state = first_reply(ticket.sla, ticket.first_replied_at, now);
    let late = matches!(state, FirstReply::MetLate { .. })
        || (open && matches!(state, FirstReply::Overdue { .. }));
    let badge = match state {
        FirstReply::Met => Some(
            view! {
                <span class="met-badge">{td_string!(l, help_desk.sla_met)}</span>
            }
            .into_any(),
        ),
        FirstReply::MetLate { late_by_seconds } => {
            let late = words::duration(l, late_by_seconds);
            Some(view! {
                <span class="overdue-badge">{td_string!(l, help_desk.sla_met_late, late = late.as_str()).to_string()}</span>
            }
            .into_any())
        }
        FirstReply::Overdue { late_by_seconds } if open => {
            let late = words::duration(l, late_by_seconds);
            Some(view! {
                <span class="overdue-badge">{td_string!(l, help_desk.sla_overdue_by, late = late.as_str()).to_string()}</span>
            }
            .into_any())
        }
        FirstReply::DueIn { due_in_seconds } if open => {
            let left = words::duration(l, due_in_seconds);
            Some(view! {
                <span class="muted">{td_string!(l, help_desk.sla_due_in, left = left.as_str()).to_string()}</span>
            }
            .into_any())
        }
        _ => None,
    };
    view! {
        <span class:overdue=late>
            {date_time(l, due)}
            {badge.map(|b| view! { " " {b} })}
        </span>
    }
    .into_any()
}

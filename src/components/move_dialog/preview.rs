//! What the move would do, and what stands in its way (R5, R20, R21).

use deskmove_rules::Preview;
use leptos::prelude::*;

use crate::components::format::{count, thousands};

/// The counts, the blockers (red) and the warnings of a move preview.
#[component]
pub fn PreviewSummary(
    /// The server's preview of the move.
    preview: Preview,
) -> impl IntoView {
    let p = preview;
    let unassigned = (p.owners_without_access > 0).then(|| {
        view! {
            <li>
                {count(p.owners_without_access, "conversation", "conversations")}
                " owned by people without help desk access will get an unassigned ticket"
            </li>
        }
    });
    view! {
        <section class="preview" aria-label="What moves">
            <p class="preview-total">
                <strong>{count(p.conversations, "conversation", "conversations")}</strong>
                " started in this channel"
            </p>
            <ul class="preview-counts">
                <li>{thousands(p.with_ticket)}" with a ticket, "{thousands(p.without_ticket)}" without"</li>
                <li>{thousands(p.open)}" open, "{thousands(p.closed)}" closed"</li>
                {unassigned}
            </ul>
            {(!p.blockers.is_empty()).then(|| view! {
                <div class="blockers" role="alert">
                    <h3>"This channel can't move"</h3>
                    <ul>
                        {p.blockers.iter().map(|b| view! {
                            <li class="blocker" data-code=format!("{:?}", b.code)>{b.message.clone()}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {(!p.warnings.is_empty()).then(|| view! {
                <div class="warnings">
                    <h3>"Before you move"</h3>
                    <ul>
                        {p.warnings.iter().map(|w| view! {
                            <li class="warning" data-code=format!("{:?}", w.code)>{w.message.clone()}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </section>
    }
}

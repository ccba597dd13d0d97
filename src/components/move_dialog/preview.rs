//! What the move would do, and what stands in its way (R5, R20, R21).

use deskmove_rules::{Preview, WarningCode};
use leptos::prelude::*;

use crate::components::format::number;
use crate::i18n::{td_string, Locale};
use crate::words::{self, locale};

/// R29, SCREENS.md 17: where a warning is fixed, and the way back to this
/// dialog (the page it is on, with the dialog open in its address).
fn fix(l: Locale, code: WarningCode) -> Option<impl IntoView> {
    let here = web_sys::window()
        .and_then(|w| {
            Some(format!(
                "{}{}",
                w.location().pathname().ok()?,
                w.location().search().ok()?
            ))
        })
        .unwrap_or_default();
    let back = crate::api::encode(&here);
    let (href, words) = match code {
        WarningCode::AgentsWithoutAccess => (
            format!("/settings/users?access=without&back={back}"),
            td_string!(l, dialog.fix_access),
        ),
        WarningCode::NoSlaPolicy => (
            format!("/settings/help-desk?back={back}#sla-title"),
            td_string!(l, dialog.fix_sla),
        ),
        _ => return None,
    };
    Some(view! {
        " "<a class="warning-fix" href=href>{words}</a>
    })
}

/// The counts, the blockers (red) and the warnings of a move preview.
#[component]
pub fn PreviewSummary(
    /// The server's preview of the move.
    preview: Preview,
) -> impl IntoView {
    let p = preview;
    let l = locale();
    let unassigned = (p.owners_without_access > 0).then(|| {
        view! {
            <li>
                {words::plural!(l, p.owners_without_access, preview.unassigned.one, preview.unassigned.other, n = number(l, p.owners_without_access))}
            </li>
        }
    });
    view! {
        <section class="preview" aria-label=td_string!(l, preview.label)>
            <p class="preview-total">
                <strong>{words::conversations(l, p.conversations)}</strong>
                " "{td_string!(l, preview.started_here)}
            </p>
            <ul class="preview-counts">
                <li>{td_string!(l, preview.tickets, with = number(l, p.with_ticket), without = number(l, p.without_ticket))}</li>
                <li>{td_string!(l, preview.states, open = number(l, p.open), closed = number(l, p.closed))}</li>
                {unassigned}
            </ul>
            {(!p.blockers.is_empty()).then(|| view! {
                <div class="blockers" role="alert">
                    <h3>{td_string!(l, preview.cant_move)}</h3>
                    <ul>
                        {p.blockers.iter().map(|b| view! {
                            <li class="blocker" data-code=format!("{:?}", b.code)>{words::said(l, &b.said)}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {(!p.warnings.is_empty()).then(|| view! {
                <div class="warnings">
                    <h3>{td_string!(l, preview.before)}</h3>
                    <ul>
                        {p.warnings.iter().map(|w| view! {
                            <li class="warning" data-code=format!("{:?}", w.code)>
                                {words::said(l, &w.said)}
                                {fix(l, w.code)}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </section>
    }
}

//! Settings ▸ Inbox & Help Desk ▸ Inboxes: pick an inbox, see its channels and what can move.

use deskmove_rules::{Channel, Inbox};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api;
use crate::components::channel_table::ChannelTable;
use crate::components::move_dialog::MoveDialog;
use crate::components::settings_nav::{SettingsNav, SettingsPage};
use crate::components::status::{load_error, loading};
use crate::i18n::td_string;
use crate::live::use_live;
use crate::session::use_session;
use crate::words::locale;

#[component]
pub fn SettingsInboxes() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let live = use_live();
    // A channel that moved stays listed, marked Help desk (R14, R16); movability
    // changes as moves start and end.
    let running_id = Memo::new(move |_| live.running.with(|r| r.as_ref().map(|m| m.id)));
    let inboxes = LocalResource::new(move || {
        live.channels_changed.track();
        running_id.track();
        inboxes_with_moved_channels()
    });
    // The channel whose "Move to help desk" the admin chose (`?move=<id>`): the
    // dialog opens on it, and opens again when the admin comes back to this
    // address from fixing a warning, with the preview read anew (SCREENS.md 17).
    let chosen = Memo::new(move |_| {
        let id = query.with(|q| q.get("move"))?;
        inboxes
            .get()?
            .ok()?
            .into_iter()
            .flat_map(|i| i.channels)
            .find(|c| c.id.to_string() == id)
    });
    let with_move = Callback::new({
        let navigate = navigate.clone();
        move |channel: Option<Channel>| {
            let inbox = query.with_untracked(|q| q.get("inbox"));
            let mut path = String::from("/settings/inboxes");
            let params: Vec<String> = inbox
                .map(|i| format!("inbox={}", api::encode(&i)))
                .into_iter()
                .chain(channel.map(|c| format!("move={}", c.id)))
                .collect();
            if !params.is_empty() {
                path.push('?');
                path.push_str(&params.join("&"));
            }
            navigate(
                &path,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    // A memo: opening and closing the dialog (`?move=`) leaves the table be, so
    // focus returns to the Options button it came from.
    let selected_id = Memo::new(move |_| query.with(|q| q.get("inbox")));
    // No `?inbox=`: the first inbox. One that names no inbox: none, and a sentence.
    let selected = move || -> Option<Inbox> {
        let all = inboxes.get()?.ok()?;
        match selected_id.get() {
            None => all.first().cloned(),
            Some(id) => all.iter().find(|i| i.id.to_string() == id).cloned(),
        }
    };
    let pick = move |ev| {
        let id = event_target_value(&ev);
        navigate(
            &format!("/settings/inboxes?inbox={id}"),
            NavigateOptions::default(),
        );
    };

    let l = locale();
    view! {
        <div class="settings-layout">
            <Title text=td_string!(l, inboxes.title)/>
            <SettingsNav current=SettingsPage::Inboxes/>
            <main class="settings-main" id="main">
                <h1>{td_string!(l, settings.inboxes)}</h1>
                {move || match inboxes.get() {
                    None => loading(td_string!(l, inboxes.loading)),
                    Some(Err(e)) => load_error(&e, Callback::new(move |_| inboxes.refetch())),
                    Some(Ok(all)) if all.is_empty() => view! { <p>{td_string!(l, inboxes.none)}</p> }.into_any(),
                    Some(Ok(all)) => {
                        let current = selected().map(|i| i.id);
                        let unknown = current.is_none();
                        view! {
                            <div class="field inline">
                                <label for="inbox-picker">{td_string!(l, inboxes.inbox)}</label>
                                <select id="inbox-picker" on:change=pick.clone()>
                                    {unknown.then(|| view! { <option value="" selected=true>{td_string!(l, inboxes.pick)}</option> })}
                                    {all.into_iter().map(|i| {
                                        let is = Some(i.id) == current;
                                        view! { <option value=i.id.to_string() selected=is>{i.name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            {unknown.then(|| view! {
                                <p class="page-error unknown-inbox" role="alert">
                                    {td_string!(l, inboxes.unknown)}
                                </p>
                            })}
                            <Show when=move || !unknown>
                            <section aria-labelledby="sources-title" class="card">
                                <h2 id="sources-title">{td_string!(l, inboxes.sources)}</h2>
                                <h3>{td_string!(l, inboxes.channels)}</h3>
                                <p class="muted">{td_string!(l, inboxes.channels_hint)}</p>
                                <ChannelTable
                                    channels=Signal::derive(move || selected().map(|i| i.channels).unwrap_or_default())
                                    can_move=session.can_move()
                                    on_move=Callback::new(move |c: Channel| with_move.run(Some(c)))
                                />
                            </section>
                            </Show>
                        }.into_any()
                    }
                }}
            </main>
            <MoveDialog
                channel=Signal::derive(move || chosen.get())
                on_close=Callback::new(move |_| {
                    if query.with_untracked(|q| q.get("move").is_some()) {
                        with_move.run(None)
                    }
                })
            />
        </div>
    }
}

/// The inboxes with all their channels: those still in the inbox, then those
/// moved to help desk (the API lists those apart, R16).
async fn inboxes_with_moved_channels() -> api::ApiResult<Vec<Inbox>> {
    let mut inboxes = api::inboxes().await?;
    let moved = api::help_desk_channels().await?;
    for inbox in &mut inboxes {
        let mut theirs: Vec<Channel> = moved
            .iter()
            .filter(|c| c.inbox_id == Some(inbox.id))
            .cloned()
            .collect();
        theirs.sort_by(|a, b| a.name.cmp(&b.name));
        inbox.channels.extend(theirs);
    }
    Ok(inboxes)
}

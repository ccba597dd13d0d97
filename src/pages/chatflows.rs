//! `/chatflows`: Service ▸ Chatflows by kind, with More ▸ Move to help desk (SCREENS.md 4).

use deskmove_rules::{Channel, ChannelKind, Chatflow, ChatflowKind, Movability};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api;
use crate::components::channel_table::channel_link;
use crate::components::list::DataTable;
use crate::components::modal::Modal;
use crate::components::move_dialog::MoveDialog;
use crate::components::move_menu::MoveMenu;
use crate::components::status::{load_error, loading};
use crate::directory::{use_directory, Names};
use crate::i18n::{td_string, Locale};
use crate::pages::settings_inboxes::ConnectForm;
use crate::session::use_session;
use crate::words::{self, locale};

/// The order the groups are listed in; each is titled by its kind's label.
const GROUPS: [ChatflowKind; 3] = [
    ChatflowKind::Chat,
    ChatflowKind::Messenger,
    ChatflowKind::Whatsapp,
];

#[component]
pub fn Chatflows() -> impl IntoView {
    let session = use_session();
    let directory = use_directory();
    let flows = LocalResource::new(move || {
        directory.0.track();
        api::chatflows()
    });
    // The chatflow whose move the admin chose (`?move=<channel id>`): the dialog
    // opens on it, and again when the admin comes back from fixing a warning.
    let query = use_query_map();
    let navigate = use_navigate();
    let chosen = Memo::new(move |_| {
        let id = query.with(|q| q.get("move"))?;
        directory
            .names()
            .channels
            .into_values()
            .find(|c| c.id.to_string() == id)
    });
    let choose = Callback::new(move |channel: Option<Channel>| {
        let path = match channel {
            Some(c) => format!("/chatflows?move={}", c.id),
            None => "/chatflows".to_string(),
        };
        navigate(
            &path,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    });
    let retry = Callback::new(move |_| {
        flows.refetch();
        directory.retry_if_failed();
    });
    let can_move = session.can_move();
    // R30: a new chatflow is a chat, WhatsApp or Messenger channel with its flow.
    let creating = RwSignal::new(false);
    let places = LocalResource::new(move || async move {
        Ok::<_, api::ApiFailure>((api::inboxes().await?, api::help_desk_channels().await?))
    });
    let created = {
        let navigate = use_navigate();
        Callback::new(move |c: Channel| {
            creating.set(false);
            navigate(
                &format!("/settings/channels/{}", c.id),
                NavigateOptions::default(),
            );
        })
    };
    let l = locale();
    view! {
        <main class="page" id="main">
            <Title text=td_string!(l, shell.chatflows)/>
            <h1>{td_string!(l, shell.chatflows)}</h1>
            <Show when=move || can_move.get()>
                <button type="button" class="button primary" id="create-chatflow"
                    on:click=move |_| { places.refetch(); creating.set(true) }>
                    {td_string!(l, chatflows.create)}
                </button>
            </Show>
            <Modal open=creating on_close=Callback::new(move |_| creating.set(false)) labelled_by="connect-title">
                {move || match places.get() {
                    Some(Ok((inboxes, help_desk))) => {
                        let preset = inboxes.first().map(|i| i.id);
                        view! {
                            <ConnectForm inboxes=inboxes help_desk=help_desk preset=preset
                                kinds=vec![ChannelKind::Chat, ChannelKind::Whatsapp, ChannelKind::Messenger]
                                on_close=Callback::new(move |_| creating.set(false)) on_done=created/>
                        }.into_any()
                    }
                    Some(Err(e)) => load_error(&e, Callback::new(move |_| places.refetch())),
                    None => loading(td_string!(l, chatflows.loading)),
                }}
            </Modal>
            {move || match directory.gate(flows.get()) {
                None => loading(td_string!(l, chatflows.loading)),
                Some(Err(e)) => load_error(&e, retry),
                Some(Ok(all)) => {
                    let names = directory.names();
                    GROUPS.iter().map(|kind| {
                        let group: Vec<_> = all.iter().filter(|f| f.kind == *kind).cloned().collect();
                        let heading_id = format!("flows-{}", kind.as_str());
                        let labelled_by = heading_id.clone();
                        view! {
                            <section class="card flow-group" aria-labelledby=labelled_by>
                                <h2 id=heading_id>{words::chatflow_kind(l, *kind)}</h2>
                                {if group.is_empty() {
                                    view! { <p class="muted">{td_string!(l, chatflows.none)}</p> }.into_any()
                                } else {
                                    let rows = group.into_iter().map(|f| row(l, f, &names, can_move, choose)).collect_view();
                                    let columns = vec![
                                        td_string!(l, chatflows.chatflow),
                                        td_string!(l, chatflows.bot),
                                        td_string!(l, channels.workspace),
                                    ];
                                    view! {
                                        <DataTable class="chatflows" columns=columns actions=true>
                                            {rows}
                                        </DataTable>
                                    }.into_any()
                                }}
                            </section>
                        }
                    }).collect_view().into_any()
                }
            }}
            <MoveDialog
                channel=Signal::derive(move || chosen.get())
                on_close=Callback::new(move |_| {
                    if query.with_untracked(|q| q.get("move").is_some()) {
                        choose.run(None)
                    }
                })
            />
        </main>
    }
}

fn row(
    l: Locale,
    f: Chatflow,
    names: &Names,
    can_move: Signal<bool>,
    choose: Callback<Option<Channel>>,
) -> impl IntoView {
    let channel = names.channels.get(&f.channel_id).cloned();
    let movable = channel
        .as_ref()
        .map(|c| c.movable.clone())
        .unwrap_or(Movability {
            ok: false,
            reasons: vec![],
        });
    let bot = match &f.bot {
        None => td_string!(l, chatflows.no_bot).to_string(),
        Some(b) => {
            let n = b.actions.len() as u64;
            words::plural!(
                l,
                n,
                chatflows.bot_actions.one,
                chatflows.bot_actions.other,
                n = n
            )
        }
    };
    let name = f.name.clone();
    view! {
        <tr data-channel=f.name.clone()>
            <td class="channel-name">{channel_link(f.channel_id, f.name.clone(), can_move)}</td>
            <td data-label=td_string!(l, chatflows.bot)>{bot}</td>
            <td data-label=td_string!(l, channels.workspace)><span class=format!("workspace-badge {}", f.workspace.as_str())>{words::workspace(l, f.workspace)}</span></td>
            <td class="actions">
                <Show when=move || can_move.get()>
                    {
                        let (channel, movable, name) = (channel.clone(), movable.clone(), name.clone());
                        view! {
                            <MoveMenu
                                trigger=td_string!(l, chatflows.more)
                                channel_name=name
                                movable=movable
                                on_move=Callback::new(move |_| choose.run(channel.clone()))
                            />
                        }
                    }
                </Show>
            </td>
        </tr>
    }
}

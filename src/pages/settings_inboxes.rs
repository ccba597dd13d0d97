//! Settings ▸ Inbox & Help Desk ▸ Inboxes (SCREENS.md 14): pick an inbox, see
//! its channels and what can move; super admins make and rename inboxes and
//! connect channels (R30), each opening its own page.

use deskmove_rules::inboxes::{
    address_required, validate_inbox_name, validate_new_channel, Account, InboxName, NewChannel,
};
use deskmove_rules::{Channel, ChannelKind, FieldError, Inbox, InboxId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api;
use crate::components::channel_table::ChannelTable;
use crate::components::field::{focus, said_beside, Field};
use crate::components::modal::Modal;
use crate::components::move_dialog::MoveDialog;
use crate::components::settings_nav::{SettingsNav, SettingsPage};
use crate::components::status::{load_error, loading};
use crate::i18n::td_string;
use crate::live::use_live;
use crate::session::use_session;
use crate::words::{self, locale};

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
    let pick = {
        let navigate = navigate.clone();
        move |ev| {
            let id = event_target_value(&ev);
            navigate(
                &format!("/settings/inboxes?inbox={id}"),
                NavigateOptions::default(),
            );
        }
    };

    let open = RwSignal::new(Dialog::Closed);
    let close = Callback::new(move |_| open.set(Dialog::Closed));
    let all_inboxes = move || inboxes.get().and_then(Result::ok).unwrap_or_default();
    // Channels connected straight to help desk: no inbox lists them (R30).
    let direct = LocalResource::new(move || {
        live.channels_changed.track();
        api::help_desk_channels()
    });
    let direct_channels = move || {
        direct
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.inbox_id.is_none())
            .collect::<Vec<_>>()
    };
    let made = {
        let navigate = navigate.clone();
        Callback::new(move |inbox: Inbox| {
            inboxes.refetch();
            open.set(Dialog::Closed);
            navigate(
                &format!("/settings/inboxes?inbox={}", inbox.id),
                NavigateOptions::default(),
            );
        })
    };
    let connected = {
        let navigate = navigate.clone();
        Callback::new(move |channel: Channel| {
            open.set(Dialog::Closed);
            navigate(
                &format!("/settings/channels/{}", channel.id),
                NavigateOptions::default(),
            );
        })
    };
    let l = locale();
    view! {
        <div class="settings-layout">
            <Title text=td_string!(l, inboxes.title)/>
            <SettingsNav current=SettingsPage::Inboxes/>
            <main class="settings-main" id="main">
                <h1>{td_string!(l, settings.inboxes)}</h1>
                <Show when=move || session.can_move().get()>
                    <div class="inbox-toolbar">
                        <button type="button" class="button primary" id="new-inbox"
                            on:click=move |_| open.set(Dialog::NewInbox)>{td_string!(l, inboxes.new_inbox)}</button>
                        {move || selected().map(|inbox| view! {
                            <button type="button" class="button secondary" id="rename-inbox"
                                on:click=move |_| open.set(Dialog::Rename(inbox.clone()))>{td_string!(l, inboxes.rename)}</button>
                        })}
                        <button type="button" class="button secondary" id="connect-channel"
                            on:click=move |_| open.set(Dialog::Connect)>{td_string!(l, inboxes.connect)}</button>
                    </div>
                </Show>
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
                                    can_edit=session.can_move()
                                    can_move=session.can_move()
                                    on_move=Callback::new(move |c: Channel| with_move.run(Some(c)))
                                />
                            </section>
                            </Show>
                        }.into_any()
                    }
                }}
                {move || {
                    let theirs = direct_channels();
                    (!theirs.is_empty()).then(|| view! {
                        <section aria-labelledby="direct-title" class="card">
                            <h2 id="direct-title">{td_string!(l, inboxes.direct)}</h2>
                            <p class="muted">{td_string!(l, inboxes.direct_hint)}</p>
                            <ChannelTable
                                channels=Signal::derive(direct_channels)
                                can_edit=session.can_move()
                                can_move=session.can_move()
                                on_move=Callback::new(move |c: Channel| with_move.run(Some(c)))
                            />
                        </section>
                    })
                }}
            </main>
            <Modal open=Signal::derive(move || open.with(|o| matches!(o, Dialog::NewInbox | Dialog::Rename(_))))
                on_close=close labelled_by="inbox-name-title">
                // What the dialogs check against is read once, as they open: a list
                // read again meanwhile must not draw them anew, empty.
                {move || match open.get() {
                    Dialog::NewInbox => Some(view! { <InboxNameForm inbox=None inboxes=untrack(all_inboxes) on_close=close on_done=made/> }),
                    Dialog::Rename(inbox) => Some(view! { <InboxNameForm inbox=Some(inbox) inboxes=untrack(all_inboxes) on_close=close on_done=made/> }),
                    _ => None,
                }}
            </Modal>
            <Modal open=Signal::derive(move || open.with(|o| *o == Dialog::Connect)) on_close=close labelled_by="connect-title">
                {move || (open.get() == Dialog::Connect).then(|| untrack(|| view! {
                    <ConnectForm inboxes=all_inboxes() help_desk=direct.get().and_then(Result::ok).unwrap_or_default()
                        preset=selected().map(|i| i.id) on_close=close on_done=connected/>
                }))}
            </Modal>
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

/// Which dialog of the page is open.
#[derive(Clone, Debug, PartialEq)]
enum Dialog {
    Closed,
    NewInbox,
    Rename(Inbox),
    Connect,
}

/// Says a refusal of the server beside the form (its fields are checked before).
fn refused<T: Clone + Send + Sync + 'static>(
    action: Action<T, api::ApiResult<impl Clone + Send + Sync + 'static>>,
) -> impl Fn() -> Option<String> + Copy {
    move || match action.value().get() {
        Some(Err(e)) => Some(e.words(locale())),
        _ => None,
    }
}

/// R30: a new inbox's name, or an inbox's new name.
#[component]
pub fn InboxNameForm(
    inbox: Option<Inbox>,
    inboxes: Vec<Inbox>,
    on_close: Callback<()>,
    on_done: Callback<Inbox>,
) -> impl IntoView {
    let session = use_session();
    let l = locale();
    let renaming = inbox.as_ref().map(|i| i.id);
    let name = RwSignal::new(inbox.as_ref().map(|i| i.name.clone()).unwrap_or_default());
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let save = Action::new_local(|(id, req, csrf): &(Option<InboxId>, InboxName, String)| {
        let (id, req, csrf) = (*id, req.clone(), csrf.clone());
        async move {
            match id {
                Some(id) => api::rename_inbox(id, &req, &csrf).await,
                None => api::create_inbox(&req, &csrf).await,
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(inbox)) = save.value().get() {
            on_done.run(inbox);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = InboxName {
            name: name.get_untracked(),
        };
        match validate_inbox_name(&req, &inboxes, renaming) {
            Err(errors) => {
                missing.set(errors);
                focus("inbox-name");
            }
            Ok(()) => {
                missing.set(Vec::new());
                if let Some(csrf) = session.csrf() {
                    save.dispatch((renaming, req, csrf));
                }
            }
        }
    };
    let error = said_beside(l, missing, "name", None, || None);
    let failed = refused(save);
    view! {
        <h2 id="inbox-name-title">
            {if renaming.is_some() { td_string!(l, inboxes.rename) } else { td_string!(l, inboxes.new_inbox) }}
        </h2>
        <form class="dialog-form" on:submit=submit novalidate>
            <Field id="inbox-name" field="name" label=td_string!(l, inboxes.name) kind="text"
                autocomplete="off" value=name error=error/>
            <p class="field-error" role="alert">{failed}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>{td_string!(l, common.cancel)}</button>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>{td_string!(l, inboxes.save)}</button>
            </div>
        </form>
    }
}

/// R30: connects a channel of any kind to an inbox, or straight to help desk.
#[component]
pub fn ConnectForm(
    inboxes: Vec<Inbox>,
    /// The channels already in help desk: their addresses are taken too.
    help_desk: Vec<Channel>,
    /// The inbox showing on the page, chosen first.
    preset: Option<InboxId>,
    /// The kinds offered (Service ▸ Chatflows offers its own); all by default.
    #[prop(optional)]
    kinds: Option<Vec<ChannelKind>>,
    on_close: Callback<()>,
    on_done: Callback<Channel>,
) -> impl IntoView {
    let session = use_session();
    let l = locale();
    let kinds = kinds.unwrap_or_else(|| {
        vec![
            ChannelKind::Email,
            ChannelKind::Form,
            ChannelKind::Calling,
            ChannelKind::Chat,
            ChannelKind::Whatsapp,
            ChannelKind::Messenger,
            ChannelKind::FallbackEmail,
        ]
    });
    let kind = RwSignal::new(kinds[0]);
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let target = RwSignal::new(preset.map(|i| i.to_string()).unwrap_or_default());
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let channels: Vec<Channel> = inboxes
        .iter()
        .flat_map(|i| i.channels.iter().cloned())
        .chain(help_desk)
        .collect();
    let connect = Action::new_local(|(req, csrf): &(NewChannel, String)| {
        let (req, csrf) = (req.clone(), csrf.clone());
        async move { api::connect_channel(&req, &csrf).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(channel)) = connect.value().get() {
            on_done.run(channel);
        }
    });
    let places = inboxes.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = address.get_untracked();
        let req = NewChannel {
            inbox_id: InboxId::parse(&target.get_untracked()),
            kind: kind.get_untracked(),
            name: name.get_untracked(),
            address: (!typed.trim().is_empty()).then_some(typed),
        };
        let account = Account {
            inboxes: &inboxes,
            channels: &channels,
            users: &[],
            pipeline: None,
        };
        match validate_new_channel(&req, &account) {
            Err(errors) => {
                focus(match errors[0].field {
                    "name" => "connect-name",
                    "address" => "connect-address",
                    "kind" => "connect-kind",
                    _ => "connect-target",
                });
                missing.set(errors);
            }
            Ok(()) => {
                missing.set(Vec::new());
                if let Some(csrf) = session.csrf() {
                    connect.dispatch((req, csrf));
                }
            }
        }
    };
    let beside = move |field: &'static str| said_beside(l, missing, field, None, || None);
    let (kind_error, target_error, address_error) =
        (beside("kind"), beside("inbox_id"), beside("address"));
    let failed = refused(connect);
    let address_label = move || match kind.get() {
        ChannelKind::Email | ChannelKind::FallbackEmail => td_string!(l, inboxes.email_address),
        ChannelKind::Calling | ChannelKind::Whatsapp => td_string!(l, inboxes.phone_number),
        _ => td_string!(l, inboxes.identifier),
    };
    view! {
        <h2 id="connect-title">{td_string!(l, inboxes.connect)}</h2>
        <form class="dialog-form" on:submit=submit novalidate>
            <label for="connect-kind">{td_string!(l, inboxes.kind)}</label>
            <select id="connect-kind" aria-describedby="connect-kind-error"
                on:change=move |ev| if let Some(k) = ChannelKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                {kinds.into_iter().map(|k| view! {
                    <option value=k.as_str() selected=move || kind.get() == k>{words::channel_kind(l, k)}</option>
                }).collect_view()}
            </select>
            <p id="connect-kind-error" class="field-error">{move || kind_error.get()}</p>
            <Field id="connect-name" field="name" label=td_string!(l, inboxes.channel_name) kind="text"
                autocomplete="off" value=name error=beside("name")/>
            <label for="connect-address">{address_label}</label>
            <p class="field-hint muted" id="connect-address-hint">
                {move || if address_required(kind.get()) { td_string!(l, inboxes.address_needed) } else { td_string!(l, inboxes.address_optional) }}
            </p>
            <input id="connect-address" name="address" type="text" autocomplete="off" prop:value=address
                aria-invalid=move || address_error.get().is_some().to_string()
                aria-describedby="connect-address-hint connect-address-error"
                on:input=move |ev| address.set(event_target_value(&ev))/>
            <p id="connect-address-error" class="field-error">{move || address_error.get()}</p>
            <label for="connect-target">{td_string!(l, inboxes.connect_to)}</label>
            <select id="connect-target" aria-describedby="connect-target-hint connect-target-error"
                on:change=move |ev| target.set(event_target_value(&ev))>
                {places.into_iter().map(|i| {
                    let id = i.id.to_string();
                    let is = id.clone();
                    view! { <option value=id selected=move || target.get() == is>{i.name}</option> }
                }).collect_view()}
                <option value="" selected=move || target.get().is_empty()>{td_string!(l, inboxes.straight_to_help_desk)}</option>
            </select>
            <p class="field-hint muted" id="connect-target-hint">{td_string!(l, inboxes.straight_hint)}</p>
            <p id="connect-target-error" class="field-error">{move || target_error.get()}</p>
            <p class="field-error" role="alert">{failed}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>{td_string!(l, common.cancel)}</button>
                <button type="submit" class="button primary" disabled=move || connect.pending().get()>{td_string!(l, inboxes.connect_button)}</button>
            </div>
        </form>
    }
}

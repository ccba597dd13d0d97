//! R29: Settings ▸ Users (`/settings/users`, SCREENS.md 13): everyone with role,
//! help desk access, state and last sign-in; "without help desk access" as a
//! filter (`?access=without`, where the move dialog's warning leads); invite,
//! edit, reset link, deactivate and reactivate, and "Give all agents help desk
//! access". The server decides every one of them; this page only asks.

use deskmove_rules::users::{
    granted_by_all, validate_invite, InviteRequest, LinkKind, LinkUrl, UserPatch,
};
use deskmove_rules::{ErrorCode, FieldError, Role, Said, User, UserState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiFailure};
use crate::components::field::{focus, said_beside, Field};
use crate::components::format::date_time;
use crate::components::list::{list_view, DataTable, ListWords};
use crate::components::modal::Modal;
use crate::components::outcome::Outcome;
use crate::components::settings_nav::{SettingsNav, SettingsPage};
use crate::directory::use_directory;
use crate::i18n::{td_string, Locale};
use crate::session::{back_from, use_session};
use crate::words::{self, locale, plural};

/// Which dialog is open.
#[derive(Clone, Debug, PartialEq)]
enum Open {
    Nothing,
    Invite,
    Edit(User),
    Deactivate(User),
    /// A link made just now: shown once.
    Link {
        name: String,
        kind: LinkKind,
        link: LinkUrl,
    },
}

#[component]
pub fn SettingsUsers() -> impl IntoView {
    let session = use_session();
    let directory = use_directory();
    let query = use_query_map();
    let navigate = use_navigate();
    let version = RwSignal::new(0u32);
    let users = LocalResource::new(move || {
        version.track();
        api::users()
    });
    let open = RwSignal::new(Open::Nothing);
    let said = RwSignal::new(None::<Outcome>);
    // Read again here, and wherever names are shown.
    let changed = move || {
        version.update(|v| *v += 1);
        directory.0.refetch();
    };
    let without = Memo::new(move |_| query.with(|q| q.get("access").as_deref() == Some("without")));
    // Where the admin came from (the move dialog): a path of this app only.
    let back = back_from(query);
    let admin = session.can_move();
    let me = move || session.me.with(|m| m.as_ref().map(|m| m.id));
    let grant = Action::new_local(|csrf: &String| {
        let csrf = csrf.clone();
        async move { api::grant_help_desk_access(&csrf).await }
    });
    Effect::new(move |_| match grant.value().get() {
        Some(Ok(g)) => {
            let l = locale();
            said.set(Some(Outcome::Done(plural!(
                l,
                g.granted,
                users.granted.one,
                users.granted.other,
                n = g.granted
            ))));
            changed();
        }
        Some(Err(e)) => said.set(Some(Outcome::Failed(e.words(locale())))),
        None => {}
    });
    let act = move |user: User, kind: RowAction| {
        let Some(csrf) = session.csrf() else { return };
        said.set(None);
        spawn_local(async move {
            let l = locale();
            match kind {
                RowAction::Reset => match api::reset_link(user.id, &csrf).await {
                    Ok(link) => open.set(Open::Link {
                        name: user.name.clone(),
                        kind: link.kind,
                        link,
                    }),
                    Err(e) => said.set(Some(Outcome::Failed(e.words(l)))),
                },
                RowAction::Reactivate => {
                    let patch = UserPatch {
                        state: Some(UserState::Active),
                        ..UserPatch::default()
                    };
                    match api::patch_user(user.id, &patch, &csrf).await {
                        Ok(changed_user) => {
                            let name = user.name.as_str();
                            // One who never set a password is invited again.
                            let text = if changed_user.user.state == UserState::Invited {
                                td_string!(l, users.invited_again, name = name).to_string()
                            } else {
                                td_string!(l, users.reactivated, name = name).to_string()
                            };
                            said.set(Some(Outcome::Done(text)));
                            changed();
                        }
                        Err(e) => said.set(Some(Outcome::Failed(e.words(l)))),
                    }
                }
            }
        });
    };
    let filter = move |ev| {
        let value = event_target_value(&ev);
        let mut path = String::from("/settings/users");
        if value == "without" {
            path.push_str("?access=without");
        }
        if let Some(b) = back.get_untracked() {
            path.push(if value == "without" { '&' } else { '?' });
            path.push_str(&format!("back={}", api::encode(&b)));
        }
        navigate(
            &path,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    let retry = Callback::new(move |_| users.refetch());
    let l = locale();
    let list_words = ListWords {
        loading: td_string!(l, users.loading),
        empty: td_string!(l, users.empty),
    };
    let on_done = Callback::new(move |s: Outcome| {
        if matches!(s, Outcome::Done(_)) {
            changed();
        }
        said.set(Some(s));
    });
    let close = Callback::new(move |_| open.set(Open::Nothing));
    view! {
        <div class="settings-layout">
            <Title text=td_string!(l, users.title)/>
            <SettingsNav current=SettingsPage::Users/>
            <main class="settings-main users-page" id="main">
                <h1>{td_string!(l, settings.users)}</h1>
                {move || back.get().map(|b| view! {
                    <p><a class="back-link" href=b>"← "{td_string!(l, users.back_to_move)}</a></p>
                })}
                <p class="muted">{td_string!(l, users.intro)}</p>
                <div class="users-toolbar">
                    <div class="field inline">
                        <label for="users-show">{td_string!(l, users.show)}</label>
                        <select id="users-show" on:change=filter>
                            <option value="all" selected=move || !without.get()>{td_string!(l, users.show_all)}</option>
                            <option value="without" selected=move || without.get()>{td_string!(l, users.show_without)}</option>
                        </select>
                    </div>
                    <Show when=move || admin.get()>
                        <button type="button" class="button primary" id="invite-user"
                            on:click=move |_| { said.set(None); open.set(Open::Invite) }>
                            {td_string!(l, users.invite)}
                        </button>
                        {move || {
                            let n = users.get().and_then(Result::ok).map_or(0, |u| granted_by_all(&u).len() as u64);
                            let pending = grant.pending().get();
                            view! {
                                <button type="button" class="button secondary" id="grant-all"
                                    disabled=move || n == 0 || pending
                                    on:click=move |_| {
                                        said.set(None);
                                        if let Some(csrf) = session.csrf() { grant.dispatch(csrf); }
                                    }>
                                    {if pending {
                                        td_string!(l, users.granting).to_string()
                                    } else if n == 0 {
                                        td_string!(l, users.nobody_to_grant).to_string()
                                    } else {
                                        plural!(l, n, users.grant_all.one, users.grant_all.other, n = n)
                                    }}
                                </button>
                            }
                        }}
                    </Show>
                </div>
                <div class="users-said" role="status">
                    {move || match said.get() {
                        Some(Outcome::Done(text)) => Some(view! { <p class="notice">{text}</p> }.into_any()),
                        _ => None,
                    }}
                </div>
                <div role="alert">
                    {move || match said.get() {
                        Some(Outcome::Failed(text)) => Some(view! { <p class="page-error">{text}</p> }.into_any()),
                        _ => None,
                    }}
                </div>
                {move || list_view(users.get(), list_words, retry, |all| {
                    let shown: Vec<User> = all
                        .into_iter()
                        .filter(|u| !without.get() || u.lacks_help_desk_access())
                        .collect();
                    if shown.is_empty() {
                        return view! { <p class="empty">{td_string!(l, users.none_without)}</p> }.into_any();
                    }
                    let columns = vec![
                        td_string!(l, users.name),
                        td_string!(l, users.email),
                        td_string!(l, users.role),
                        td_string!(l, users.access),
                        td_string!(l, users.state),
                        td_string!(l, users.last_sign_in),
                    ];
                    view! {
                        <DataTable class="users" columns=columns actions=admin.get_untracked()>
                            {shown.into_iter().map(|u| row(l, u, admin.get_untracked(), me() , open, act)).collect_view()}
                        </DataTable>
                    }.into_any()
                })}
            </main>
            <Modal open=Signal::derive(move || open.with(|o| *o == Open::Invite)) on_close=close labelled_by="invite-title">
                <InviteForm on_close=close on_invited=Callback::new(move |(name, link): (String, LinkUrl)| {
                    changed();
                    open.set(Open::Link { name, kind: LinkKind::Invite, link });
                })/>
            </Modal>
            <Modal open=Signal::derive(move || matches!(open.get(), Open::Edit(_))) on_close=close labelled_by="edit-title">
                {move || match open.get() {
                    Open::Edit(user) => Some(view! { <EditForm user=user on_close=close on_done=on_done/> }),
                    _ => None,
                }}
            </Modal>
            <Modal open=Signal::derive(move || matches!(open.get(), Open::Deactivate(_))) on_close=close labelled_by="deactivate-title">
                {move || match open.get() {
                    Open::Deactivate(user) => Some(view! { <DeactivateForm user=user on_close=close on_done=on_done/> }),
                    _ => None,
                }}
            </Modal>
            <Modal open=Signal::derive(move || matches!(open.get(), Open::Link { .. })) on_close=close labelled_by="link-title" class="link-dialog">
                {move || match open.get() {
                    Open::Link { name, kind, link } => Some(view! { <LinkShown name=name kind=kind link=link on_close=close/> }),
                    _ => None,
                }}
            </Modal>
        </div>
    }
}

/// What a change said, and how many help desk tickets it left unassigned, if any.
fn with_unassigned(l: Locale, said: String, n: u64) -> String {
    if n == 0 {
        return said;
    }
    let unassigned = plural!(l, n, users.unassigned.one, users.unassigned.other, n = n);
    format!("{said} {unassigned}")
}

/// What a row's button does without a dialog of its own.
#[derive(Clone, Copy)]
enum RowAction {
    Reset,
    Reactivate,
}

fn row(
    l: Locale,
    u: User,
    admin: bool,
    me: Option<deskmove_rules::UserId>,
    open: RwSignal<Open>,
    act: impl Fn(User, RowAction) + Copy + 'static,
) -> impl IntoView {
    let name = u.name.clone();
    let (state, class) = (words::user_state(l, u.state), u.state.as_str());
    let last = u
        .last_sign_in_at
        .map(|t| date_time(l, t))
        .unwrap_or_else(|| td_string!(l, users.never).to_string());
    let access = if u.help_desk_access {
        td_string!(l, users.yes)
    } else {
        td_string!(l, users.no)
    };
    let actions = admin.then(|| {
        let (edit, reset, deactivate, reactivate) = (u.clone(), u.clone(), u.clone(), u.clone());
        let deactivated = u.state == UserState::Deactivated;
        view! {
            <td class="row-actions">
                <button type="button" class="button secondary small"
                    aria-label=td_string!(l, users.edit_named, name = name.as_str()).to_string()
                    on:click=move |_| open.set(Open::Edit(edit.clone()))>
                    {td_string!(l, users.edit)}
                </button>
                {(!deactivated).then(|| view! {
                    <button type="button" class="button secondary small"
                        aria-label=td_string!(l, users.reset_named, name = name.as_str()).to_string()
                        on:click=move |_| act(reset.clone(), RowAction::Reset)>
                        {td_string!(l, users.reset)}
                    </button>
                    <button type="button" class="button secondary small danger"
                        aria-label=td_string!(l, users.deactivate_named, name = name.as_str()).to_string()
                        on:click=move |_| open.set(Open::Deactivate(deactivate.clone()))>
                        {td_string!(l, users.deactivate)}
                    </button>
                })}
                {deactivated.then(|| view! {
                    <button type="button" class="button secondary small"
                        aria-label=td_string!(l, users.reactivate_named, name = name.as_str()).to_string()
                        on:click=move |_| act(reactivate.clone(), RowAction::Reactivate)>
                        {td_string!(l, users.reactivate)}
                    </button>
                })}
            </td>
        }
    });
    let you = (Some(u.id) == me).then(|| {
        view! { " " <span class="you-badge">{td_string!(l, users.you)}</span> }
    });
    view! {
        <tr data-user=u.email.clone()>
            <td data-label=td_string!(l, users.name)>{u.name.clone()}{you}</td>
            <td data-label=td_string!(l, users.email)>{u.email.clone()}</td>
            <td data-label=td_string!(l, users.role)>{words::role(l, u.role)}</td>
            <td data-label=td_string!(l, users.access)>{access}</td>
            <td data-label=td_string!(l, users.state)><span class=format!("state-badge {class}")>{state}</span></td>
            <td class="small" data-label=td_string!(l, users.last_sign_in)>{last}</td>
            {actions}
        </tr>
    }
}

/// The role picker of the invite and edit forms.
fn role_select(id: &'static str, l: Locale, role: RwSignal<Role>) -> impl IntoView {
    view! {
        <label for=id>{td_string!(l, invite.role)}</label>
        <select id=id on:change=move |ev| {
            if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }
        }>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.as_str() selected=move || role.get() == r>{words::role(l, r)}</option>
            }).collect_view()}
        </select>
    }
}

/// The help desk access box of the invite and edit forms.
fn access_box(id: &'static str, l: Locale, access: RwSignal<bool>) -> impl IntoView {
    let hint = format!("{id}-hint");
    view! {
        <label class="checkbox" for=id>
            <input type="checkbox" id=id prop:checked=move || access.get()
                aria-describedby=hint.clone()
                on:change=move |ev| access.set(event_target_checked(&ev))/>
            {td_string!(l, invite.access)}
        </label>
        <p class="field-hint muted" id=hint>{td_string!(l, invite.access_hint)}</p>
    }
}

#[component]
fn InviteForm(on_close: Callback<()>, on_invited: Callback<(String, LinkUrl)>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let access = RwSignal::new(true);
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let invite = Action::new_local(|(request, csrf): &(InviteRequest, String)| {
        let (request, csrf) = (request.clone(), csrf.clone());
        async move { api::invite(&request, &csrf).await }
    });
    Effect::new(move |_| match invite.value().get() {
        Some(Ok(invited)) => on_invited.run((invited.user.name, invited.link)),
        Some(Err(ApiFailure::Refused {
            code: ErrorCode::Conflict,
            ..
        })) => focus("invite-email"),
        _ => {}
    });
    let refused = move || {
        invite
            .value()
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.code())
    };
    let field_error = move |field: &'static str| {
        let taken = ("email", ErrorCode::Conflict, Said::EmailTaken);
        said_beside(locale(), missing, field, Some(taken), refused)
    };
    let error = move || match invite.value().get() {
        Some(Err(ApiFailure::Refused {
            code: ErrorCode::Conflict,
            ..
        })) => None,
        Some(Err(e)) => Some(e.words(locale())),
        _ => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = InviteRequest {
            name: name.get_untracked(),
            email: email.get_untracked(),
            role: role.get_untracked(),
            help_desk_access: access.get_untracked(),
        };
        match validate_invite(&request) {
            Ok(()) => {
                missing.set(Vec::new());
                if let Some(csrf) = session.csrf() {
                    invite.dispatch((request, csrf));
                }
            }
            Err(fields) => {
                focus(if fields[0].field == "name" {
                    "invite-name"
                } else {
                    "invite-email"
                });
                missing.set(fields);
            }
        }
    };
    let l = locale();
    view! {
        <h2 id="invite-title">{td_string!(l, invite.title)}</h2>
        <form class="dialog-form" on:submit=submit novalidate>
            <Field id="invite-name" field="name" label=td_string!(l, invite.name) kind="text"
                autocomplete="off" value=name error=field_error("name")/>
            <Field id="invite-email" field="email" label=td_string!(l, invite.email) kind="email"
                autocomplete="off" value=email error=field_error("email")/>
            {role_select("invite-role", l, role)}
            {access_box("invite-access", l, access)}
            <p class="field-error" role="alert">{error}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>{td_string!(l, common.cancel)}</button>
                <button type="submit" class="button primary" disabled=move || invite.pending().get()>
                    {move || if invite.pending().get() { td_string!(l, invite.submitting) } else { td_string!(l, invite.submit) }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn EditForm(user: User, on_close: Callback<()>, on_done: Callback<Outcome>) -> impl IntoView {
    let session = use_session();
    let name = RwSignal::new(user.name.clone());
    let role = RwSignal::new(user.role);
    let access = RwSignal::new(user.help_desk_access);
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let before = user.clone();
    let save = Action::new_local(
        |(id, patch, csrf): &(deskmove_rules::UserId, UserPatch, String)| {
            let (id, patch, csrf) = (*id, patch.clone(), csrf.clone());
            async move { api::patch_user(id, &patch, &csrf).await }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(changed)) = save.value().get() {
            let l = locale();
            let text = td_string!(l, users.saved).to_string();
            on_done.run(Outcome::Done(with_unassigned(
                l,
                text,
                changed.tickets_unassigned,
            )));
            on_close.run(());
        }
    });
    let error = move || match save.value().get() {
        Some(Err(e)) => Some(e.words(locale())),
        _ => None,
    };
    let field_error =
        move |field: &'static str| said_beside(locale(), missing, field, None, || None);
    // The tickets taking access away would leave without owner, said first.
    let tickets = user.help_desk_tickets;
    let warn_name = user.name.clone();
    let takes_tickets = move || {
        let l = locale();
        (before.help_desk_access && !access.get() && tickets > 0).then(|| {
            plural!(
                l,
                tickets,
                edit.takes_tickets.one,
                edit.takes_tickets.other,
                n = tickets,
                name = warn_name.as_str()
            )
        })
    };
    let submit = {
        let user = user.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let patch = UserPatch {
                name: Some(name.get_untracked()).filter(|n| *n != user.name),
                role: Some(role.get_untracked()).filter(|r| *r != user.role),
                help_desk_access: Some(access.get_untracked())
                    .filter(|a| *a != user.help_desk_access),
                state: None,
            };
            if patch == UserPatch::default() {
                on_close.run(());
                return;
            }
            match deskmove_rules::users::validate_user_patch(&patch) {
                Ok(()) => {
                    missing.set(Vec::new());
                    if let Some(csrf) = session.csrf() {
                        save.dispatch((user.id, patch, csrf));
                    }
                }
                Err(fields) => {
                    focus("edit-name");
                    missing.set(fields);
                }
            }
        }
    };
    let l = locale();
    view! {
        <h2 id="edit-title">{td_string!(l, edit.title, name = user.name.as_str()).to_string()}</h2>
        <form class="dialog-form" on:submit=submit novalidate>
            <Field id="edit-name" field="name" label=td_string!(l, invite.name) kind="text"
                autocomplete="off" value=name error=field_error("name")/>
            <p class="muted">{user.email.clone()}</p>
            {role_select("edit-role", l, role)}
            {access_box("edit-access", l, access)}
            {move || takes_tickets().map(|t| view! { <p class="notice warning-text" role="status">{t}</p> })}
            <p class="field-error" role="alert">{error}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>{td_string!(l, common.cancel)}</button>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { td_string!(l, edit.saving) } else { td_string!(l, edit.save) }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn DeactivateForm(user: User, on_close: Callback<()>, on_done: Callback<Outcome>) -> impl IntoView {
    let session = use_session();
    let name = user.name.clone();
    let deactivate = Action::new_local(|(id, csrf): &(deskmove_rules::UserId, String)| {
        let (id, csrf) = (*id, csrf.clone());
        let patch = UserPatch {
            state: Some(UserState::Deactivated),
            ..UserPatch::default()
        };
        async move { api::patch_user(id, &patch, &csrf).await }
    });
    Effect::new({
        let name = name.clone();
        move |_| {
            if let Some(Ok(changed)) = deactivate.value().get() {
                let l = locale();
                let text = td_string!(l, users.deactivated, name = name.as_str()).to_string();
                on_done.run(Outcome::Done(with_unassigned(
                    l,
                    text,
                    changed.tickets_unassigned,
                )));
                on_close.run(());
            }
        }
    });
    let error = move || match deactivate.value().get() {
        Some(Err(e)) => Some(e.words(locale())),
        _ => None,
    };
    let l = locale();
    let id = user.id;
    let tickets = user.help_desk_tickets;
    let takes_tickets = (tickets > 0).then(|| {
        plural!(
            l,
            tickets,
            deactivate.tickets.one,
            deactivate.tickets.other,
            n = tickets
        )
    });
    view! {
        <h2 id="deactivate-title">{td_string!(l, deactivate.title, name = name.as_str()).to_string()}</h2>
        <p>{td_string!(l, deactivate.text, name = name.as_str()).to_string()}</p>
        {takes_tickets.map(|t| view! { <p class="notice warning-text">{t}</p> })}
        <p class="field-error" role="alert">{error}</p>
        <div class="dialog-actions">
            <button type="button" class="button secondary" on:click=move |_| on_close.run(())>{td_string!(l, common.cancel)}</button>
            <button type="button" class="button primary danger" id="confirm-deactivate"
                disabled=move || deactivate.pending().get()
                on:click=move |_| if let Some(csrf) = session.csrf() { deactivate.dispatch((id, csrf)); }>
                {move || if deactivate.pending().get() { td_string!(l, deactivate.confirming) } else { td_string!(l, deactivate.confirm) }}
            </button>
        </div>
    }
}

/// A link made just now, shown once, with Copy.
#[component]
fn LinkShown(name: String, kind: LinkKind, link: LinkUrl, on_close: Callback<()>) -> impl IntoView {
    let l = locale();
    let copied = RwSignal::new(None::<bool>);
    let url = link.url.clone();
    let copy = move |_| {
        let url = url.clone();
        spawn_local(async move {
            let done = match web_sys::window().map(|w| w.navigator().clipboard()) {
                Some(clipboard) => wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&url))
                    .await
                    .is_ok(),
                None => false,
            };
            copied.set(Some(done));
        });
    };
    let time = date_time(l, link.expires_at);
    let (title, intro) = match kind {
        LinkKind::Invite => (
            td_string!(l, invite.link_title, name = name.as_str()).to_string(),
            td_string!(
                l,
                invite.link_intro,
                name = name.as_str(),
                time = time.as_str()
            )
            .to_string(),
        ),
        LinkKind::Reset => (
            td_string!(l, invite.reset_title, name = name.as_str()).to_string(),
            td_string!(
                l,
                invite.reset_intro,
                name = name.as_str(),
                time = time.as_str()
            )
            .to_string(),
        ),
    };
    // R33: with a relay it went by mail too; the copy is for another way.
    let mailed = link
        .mailed
        .then(|| view! { <p class="notice mailed">{td_string!(l, invite.mailed, name = name.as_str())}</p> });
    view! {
        <h2 id="link-title">{title}</h2>
        <p>{intro}</p>
        {mailed}
        <label for="link-url">{td_string!(l, invite.link_label)}</label>
        <input id="link-url" class="link-url" type="text" readonly prop:value=link.url.clone()
            on:focus=move |ev| {
                if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                    input.select();
                }
            }/>
        <p role="status" class="small">
            {move || copied.get().map(|ok| if ok { td_string!(l, invite.copied) } else { td_string!(l, invite.copy_failed) })}
        </p>
        <div class="dialog-actions">
            <button type="button" class="button secondary" on:click=copy>{td_string!(l, invite.copy)}</button>
            <button type="button" class="button primary" on:click=move |_| on_close.run(())>{td_string!(l, invite.done)}</button>
        </div>
    }
}

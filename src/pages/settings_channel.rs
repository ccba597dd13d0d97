//! R6, R30: a channel's page (`/settings/channels/<id>`, SCREENS.md 14): its
//! name and the settings a move carries over (signature, routing, automation,
//! the status new tickets get), the same before, during and after its move; a
//! form's embed snippet; a chatflow's bot, whose actions decide whether the
//! channel can move (R21). The server decides every change; this page only asks.

use deskmove_rules::inboxes::{
    validate_bot, validate_channel_patch, Account, ChannelPatch, MAX_BOT_ACTIONS,
};
use deskmove_rules::{
    Bot, BotAction, BotActionKind, Channel, ChannelId, ChannelKind, ChannelSettings, Chatflow,
    FieldError, Pipeline, Routing, User, UserId, Workspace,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiResult};
use crate::components::field::said_beside;
use crate::components::outcome::{outcome_view, run, working, Outcome};
use crate::components::settings_nav::{SettingsNav, SettingsPage};
use crate::components::status::{load_error, loading};
use crate::i18n::{td_string, Locale};
use crate::session::use_session;
use crate::words::{self, locale};

/// Everything the page shows, read together.
#[derive(Clone)]
pub struct Loaded {
    pub channel: Channel,
    pub users: Vec<User>,
    pub pipeline: Option<Pipeline>,
    pub chatflow: Option<Chatflow>,
    /// The account's email channels, one of which a form answers from (R33).
    pub email_channels: Vec<Channel>,
}

async fn load(id: ChannelId) -> ApiResult<Loaded> {
    let channel = api::channel(id).await?;
    let users = api::users().await?;
    let pipeline = api::pipeline().await?;
    let chatflow = if channel.kind.has_chatflow() {
        api::chatflows()
            .await?
            .into_iter()
            .find(|f| f.channel_id == id)
    } else {
        None
    };
    let email_channels = if channel.kind == ChannelKind::Email {
        Vec::new()
    } else {
        let inboxes = api::inboxes().await?;
        let help_desk = api::help_desk_channels().await?;
        inboxes
            .into_iter()
            .flat_map(|i| i.channels)
            .chain(help_desk)
            .filter(|c| c.kind == ChannelKind::Email)
            .collect()
    };
    Ok(Loaded {
        channel,
        users,
        pipeline,
        chatflow,
        email_channels,
    })
}

#[component]
pub fn SettingsChannel() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| ChannelId::parse(&s))
    });
    // What the forms start from: read once per channel, so that saving one form
    // never draws the other anew, without what was typed in it.
    let loaded = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => load(id).await,
                None => Err(api::ApiFailure::not_found("channel")),
            }
        }
    });
    // The channel as it is now (its name, whether it can move), after each change.
    let version = RwSignal::new(0u32);
    let current = LocalResource::new(move || {
        version.track();
        let id = id.get();
        async move { api::channel(id?).await.ok() }
    });
    let changed = Callback::new(move |_| version.update(|v| *v += 1));
    // What the last change said; kept while the page is drawn anew.
    let said = (
        RwSignal::new(None::<Outcome>),
        RwSignal::new(None::<Outcome>),
    );
    let l = locale();
    view! {
        <div class="settings-layout">
            <Title text=td_string!(l, channel_page.title)/>
            <SettingsNav current=SettingsPage::Inboxes/>
            <main class="settings-main channel-page" id="main">
                {move || match loaded.get() {
                    None => loading(td_string!(l, channel_page.loading)),
                    Some(Err(e)) => load_error(&e, Callback::new(move |_| loaded.refetch())),
                    Some(Ok(all)) => {
                        let first = all.channel.clone();
                        let now = Signal::derive(move || current.get().flatten().unwrap_or_else(|| first.clone()));
                        view! { <ChannelView all=all now=now said=said on_changed=changed/> }.into_any()
                    }
                }}
            </main>
        </div>
    }
}

#[component]
fn ChannelView(
    all: Loaded,
    /// The channel as last read: its heading and whether it can move.
    now: Signal<Channel>,
    /// What the settings form and the bot editor last said.
    said: (RwSignal<Option<Outcome>>, RwSignal<Option<Outcome>>),
    on_changed: Callback<()>,
) -> impl IntoView {
    let l = locale();
    let c = all.channel.clone();
    let back = match c.inbox_id {
        Some(inbox) => format!("/settings/inboxes?inbox={inbox}"),
        None => "/settings/inboxes".to_string(),
    };
    view! {
        <p><a class="back-link" href=back>"← "{td_string!(l, channel_page.back)}</a></p>
        <h1 id="channel-title">{move || now.with(|c| c.name.clone())}</h1>
        <p class="muted channel-facts">
            {words::channel_kind(l, c.kind)}" · "{c.address.clone()}" · "
            {move || now.with(|c| view! {
                <span class=format!("workspace-badge {}", c.workspace.as_str())>{words::workspace(l, c.workspace)}</span>
            })}
        </p>
        // One live region, its words replaced as the bot's edits change them (R21).
        {(c.workspace == Workspace::Inbox).then(|| view! {
            <div class="movability" role="status">
                {move || now.with(|c| if c.movable.ok {
                    view! { <p class="notice">{td_string!(l, channel_page.movable)}</p> }.into_any()
                } else {
                    let blockers = c
                        .movable
                        .reasons
                        .iter()
                        .map(|r| view! { <li>{words::said(l, &r.said)}</li> })
                        .collect_view();
                    view! {
                        <p>{td_string!(l, channel_page.not_movable)}</p>
                        <ul class="blockers">{blockers}</ul>
                    }.into_any()
                })}
            </div>
        })}
        <SettingsForm all=all.clone() said=said.0 on_changed=on_changed/>
        {(c.kind == ChannelKind::Form).then(|| c.form_key.clone()).flatten().map(|key| view! { <FormSnippet key=key/> })}
        {all.chatflow.clone().map(|flow| view! { <BotEditor flow=flow users=all.users.clone() said=said.1 on_changed=on_changed/> })}
    }
}

/// Which routing the select shows.
fn routing_mode(r: Routing) -> &'static str {
    match r {
        Routing::None => "none",
        Routing::User { .. } => "user",
        Routing::RoundRobin => "round_robin",
    }
}

#[component]
pub fn SettingsForm(
    all: Loaded,
    said: RwSignal<Option<Outcome>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let l = locale();
    let channel = all.channel.clone();
    let s = channel.settings.clone();
    let name = RwSignal::new(channel.name.clone());
    let signature = RwSignal::new(s.signature.clone().unwrap_or_default());
    let mode = RwSignal::new(routing_mode(s.routing));
    let user = RwSignal::new(match s.routing {
        Routing::User { user_id } => Some(user_id),
        _ => None,
    });
    let automation = RwSignal::new(s.automation);
    let status = RwSignal::new(s.ticket_status_id);
    let thank_you = RwSignal::new(s.thank_you_url.clone().unwrap_or_default());
    let reply_from = RwSignal::new(s.reply_from_channel_id);
    let email_channels = all.email_channels.clone();
    let reply_options = all.email_channels.clone();
    let is_form = channel.kind == ChannelKind::Form;
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let in_help_desk = channel.workspace == Workspace::HelpDesk;
    // Who may be chosen: users who take work (with help desk access, once in
    // help desk), and whoever routing names now, so the select shows them even
    // when they no longer may (saving then says why, beside it).
    let current = user.get_untracked();
    let people: Vec<User> = all
        .users
        .iter()
        .filter(|u| {
            Some(u.id) == current || (u.takes_work() && (!in_help_desk || u.works_in_help_desk()))
        })
        .cloned()
        .collect();
    let (users, pipeline) = (all.users.clone(), all.pipeline.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let routing = match mode.get_untracked() {
            "user" => match user.get_untracked() {
                Some(user_id) => Routing::User { user_id },
                None => {
                    missing.set(vec![FieldError::new(
                        "settings.routing.user_id",
                        deskmove_rules::Said::Empty {
                            what: "person to route to".into(),
                        },
                    )]);
                    return;
                }
            },
            "round_robin" => Routing::RoundRobin,
            _ => Routing::None,
        };
        let settings = ChannelSettings {
            signature: Some(signature.get_untracked()),
            routing,
            automation: automation.get_untracked(),
            ticket_status_id: status.get_untracked(),
            thank_you_url: is_form.then(|| thank_you.get_untracked()),
            reply_from_channel_id: is_form.then(|| reply_from.get_untracked()).flatten(),
        };
        let new_name = name.get_untracked();
        let patch = ChannelPatch {
            name: (new_name.trim() != channel.name).then_some(new_name),
            settings: Some(settings),
        };
        let account = Account {
            inboxes: &[],
            channels: &email_channels,
            users: &users,
            pipeline: pipeline.as_ref(),
        };
        if let Err(errors) = validate_channel_patch(&patch, &channel, &account) {
            missing.set(errors);
            return;
        }
        missing.set(Vec::new());
        let Some(csrf) = session.csrf() else { return };
        let id = channel.id;
        let done = td_string!(l, channel_page.saved).to_string();
        run(said, on_changed, done, async move {
            api::patch_channel(id, &patch, &csrf).await
        });
    };
    let beside = move |field: &'static str| said_beside(l, missing, field, None, || None);
    let (name_error, signature_error, user_error, thank_you_error) = (
        beside("name"),
        beside("settings.signature"),
        beside("settings.routing.user_id"),
        beside("settings.thank_you_url"),
    );
    let reply_from_error = beside("settings.reply_from_channel_id");
    let statuses = all.pipeline.map(|p| p.statuses).unwrap_or_default();
    let first_open = statuses
        .iter()
        .find(|s| s.state == deskmove_rules::StatusState::Open)
        .map(|s| s.label.clone())
        .unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="channel-settings-title">
            <h2 id="channel-settings-title">{td_string!(l, channel_page.settings)}</h2>
            <p class="muted">{td_string!(l, channel_page.settings_intro)}</p>
            <form class="channel-settings" on:submit=submit novalidate>
                <div class="field">
                    <label for="channel-name">{td_string!(l, channel_page.name)}</label>
                    <input id="channel-name" type="text" autocomplete="off" prop:value=name
                        aria-invalid=move || name_error.get().is_some().to_string()
                        aria-describedby="channel-name-error"
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <p id="channel-name-error" class="field-error">{move || name_error.get()}</p>
                </div>
                <div class="field">
                    <label for="channel-signature">{td_string!(l, channel_page.signature)}</label>
                    <textarea id="channel-signature" rows="3" prop:value=signature
                        aria-invalid=move || signature_error.get().is_some().to_string()
                        aria-describedby="channel-signature-hint channel-signature-error"
                        on:input=move |ev| signature.set(event_target_value(&ev))></textarea>
                    <p id="channel-signature-hint" class="field-hint muted">{td_string!(l, channel_page.signature_hint)}</p>
                    <p id="channel-signature-error" class="field-error">{move || signature_error.get()}</p>
                </div>
                <div class="field">
                    <label for="channel-routing">{td_string!(l, channel_page.routing)}</label>
                    <select id="channel-routing" on:change=move |ev| {
                        mode.set(match event_target_value(&ev).as_str() {
                            "user" => "user",
                            "round_robin" => "round_robin",
                            _ => "none",
                        })
                    }>
                        <option value="none" selected=move || mode.get() == "none">{td_string!(l, channel_page.routing_none)}</option>
                        <option value="user" selected=move || mode.get() == "user">{td_string!(l, channel_page.routing_user)}</option>
                        <option value="round_robin" selected=move || mode.get() == "round_robin">{td_string!(l, channel_page.routing_round_robin)}</option>
                    </select>
                </div>
                <Show when=move || mode.get() == "user">
                    <div class="field">
                        <label for="channel-routing-user">{td_string!(l, channel_page.routing_to)}</label>
                        <select id="channel-routing-user"
                            aria-invalid=move || user_error.get().is_some().to_string()
                            aria-describedby="channel-routing-user-error"
                            on:change=move |ev| user.set(UserId::parse(&event_target_value(&ev)))>
                            <option value="" selected=move || user.get().is_none()>{td_string!(l, channel_page.pick_person)}</option>
                            {people.clone().into_iter().map(|u| {
                                let id = u.id;
                                view! { <option value=id.to_string() selected=move || user.get() == Some(id)>{u.name}</option> }
                            }).collect_view()}
                        </select>
                        <p id="channel-routing-user-error" class="field-error">{move || user_error.get()}</p>
                    </div>
                </Show>
                <label class="checkbox" for="channel-automation">
                    <input type="checkbox" id="channel-automation" prop:checked=move || automation.get()
                        aria-describedby="channel-automation-hint"
                        on:change=move |ev| automation.set(event_target_checked(&ev))/>
                    {td_string!(l, channel_page.automation)}
                </label>
                <p id="channel-automation-hint" class="field-hint muted">{td_string!(l, channel_page.automation_hint)}</p>
                <div class="field">
                    <label for="channel-status">{td_string!(l, channel_page.ticket_status)}</label>
                    <select id="channel-status" on:change=move |ev| status.set(deskmove_rules::StatusId::parse(&event_target_value(&ev)))>
                        <option value="" selected=move || status.get().is_none()>
                            {td_string!(l, channel_page.first_open, label = first_open.as_str()).to_string()}
                        </option>
                        {statuses.into_iter().map(|s| {
                            let id = s.id;
                            view! { <option value=id.to_string() selected=move || status.get() == Some(id)>{s.label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {is_form.then(|| view! {
                    <div class="field">
                        <label for="channel-thank-you">{td_string!(l, channel_page.thank_you)}</label>
                        <input id="channel-thank-you" type="url" inputmode="url" autocomplete="off"
                            placeholder="https://" prop:value=thank_you
                            aria-invalid=move || thank_you_error.get().is_some().to_string()
                            aria-describedby="channel-thank-you-hint channel-thank-you-error"
                            on:input=move |ev| thank_you.set(event_target_value(&ev))/>
                        <p id="channel-thank-you-hint" class="field-hint muted">{td_string!(l, channel_page.thank_you_hint)}</p>
                        <p id="channel-thank-you-error" class="field-error">{move || thank_you_error.get()}</p>
                    </div>
                })}
                {is_form.then(|| view! {
                    <div class="field">
                        <label for="channel-reply-from">{td_string!(l, channel_page.reply_from)}</label>
                        <select id="channel-reply-from"
                            aria-invalid=move || reply_from_error.get().is_some().to_string()
                            aria-describedby="channel-reply-from-hint channel-reply-from-error"
                            on:change=move |ev| reply_from.set(ChannelId::parse(&event_target_value(&ev)))>
                            <option value="" selected=move || reply_from.get().is_none()>{td_string!(l, channel_page.reply_from_none)}</option>
                            {reply_options.into_iter().map(|c| {
                                let id = c.id;
                                view! { <option value=id.to_string() selected=move || reply_from.get() == Some(id)>{format!("{} ({})", c.name, c.address)}</option> }
                            }).collect_view()}
                        </select>
                        <p id="channel-reply-from-hint" class="field-hint muted">{td_string!(l, channel_page.reply_from_hint)}</p>
                        <p id="channel-reply-from-error" class="field-error">{move || reply_from_error.get()}</p>
                    </div>
                })}
                {outcome_view(said)}
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=working(said)>{td_string!(l, channel_page.save)}</button>
                </div>
            </form>
        </section>
    }
}

/// R32: the form's public address, and an HTML form a company's page can use.
#[component]
fn FormSnippet(key: String) -> impl IntoView {
    let l = locale();
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let url = format!("{origin}/f/{key}");
    let html = format!(
        "<form method=\"post\" action=\"{url}\">\n  <label>Email <input type=\"email\" name=\"email\" required></label>\n  <label>Name <input name=\"name\"></label>\n  <label>Subject <input name=\"subject\"></label>\n  <label>Message <textarea name=\"message\"></textarea></label>\n  <input name=\"website\" tabindex=\"-1\" autocomplete=\"off\" hidden>\n  <button>Send</button>\n</form>"
    );
    let copied = RwSignal::new(false);
    let copy = {
        let html = html.clone();
        move |_| {
            if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let _ = clipboard.write_text(&html);
                copied.set(true);
            }
        }
    };
    view! {
        <section class="card" aria-labelledby="embed-title">
            <h2 id="embed-title">{td_string!(l, channel_page.embed)}</h2>
            <p class="muted">{td_string!(l, channel_page.embed_intro)}</p>
            <label for="form-url">{td_string!(l, channel_page.form_url)}</label>
            <input id="form-url" type="text" readonly prop:value=url/>
            <label for="form-html">{td_string!(l, channel_page.form_html)}</label>
            <textarea id="form-html" rows="9" readonly prop:value=html></textarea>
            <button type="button" class="button secondary" on:click=copy>
                {move || if copied.get() { td_string!(l, channel_page.copied) } else { td_string!(l, channel_page.copy) }}
            </button>
        </section>
    }
}

/// One action as the editor holds it.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    kind: BotActionKind,
    text: String,
    targets: Vec<UserId>,
}

impl Step {
    fn of(a: &BotAction) -> Step {
        Step {
            kind: a.kind,
            text: a.text.clone().unwrap_or_default(),
            targets: a.target_user_ids.clone(),
        }
    }

    fn action(&self) -> BotAction {
        BotAction {
            kind: self.kind,
            text: matches!(
                self.kind,
                BotActionKind::SendMessage | BotActionKind::AskQuestion
            )
            .then(|| self.text.clone()),
            target_user_ids: if self.kind == BotActionKind::SendToTeamMember {
                self.targets.clone()
            } else {
                Vec::new()
            },
        }
    }
}

#[component]
pub fn BotEditor(
    flow: Chatflow,
    users: Vec<User>,
    said: RwSignal<Option<Outcome>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let l = locale();
    let steps = RwSignal::new(
        flow.bot
            .as_ref()
            .map(|b| b.actions.iter().map(Step::of).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let people = StoredValue::new(
        users
            .iter()
            .filter(|u| u.takes_work())
            .cloned()
            .collect::<Vec<_>>(),
    );
    let id = flow.id;
    let save = {
        let users = users.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let bot = Bot {
                actions: steps.get_untracked().iter().map(Step::action).collect(),
            };
            if let Err(errors) = validate_bot(&bot, &users) {
                missing.set(errors);
                return;
            }
            missing.set(Vec::new());
            let Some(csrf) = session.csrf() else { return };
            let done = td_string!(l, channel_page.bot_saved).to_string();
            run(said, on_changed, done, async move {
                api::set_bot(id, Some(&bot), &csrf).await
            });
        }
    };
    let remove = move |_| {
        let Some(csrf) = session.csrf() else { return };
        let done = td_string!(l, channel_page.bot_removed).to_string();
        run(said, on_changed, done, async move {
            api::set_bot(id, None, &csrf).await
        });
    };
    let errors = Signal::derive(move || {
        missing.with(|m| {
            let all: Vec<String> = m.iter().map(|e| words::field_error(l, e)).collect();
            (!all.is_empty()).then(|| all.join(" "))
        })
    });
    let had_bot = flow.bot.is_some();
    let rows = move || {
        let count = steps.with(Vec::len);
        steps
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, step)| step_row(l, i, count, step, steps, people))
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="bot-title">
            <h2 id="bot-title">{td_string!(l, channel_page.bot)}</h2>
            <p class="muted">{td_string!(l, channel_page.bot_intro)}</p>
            <form class="bot-editor" on:submit=save novalidate>
                <ol class="bot-actions" aria-describedby="bot-errors">{rows}</ol>
                <button type="button" class="button secondary small" id="bot-add"
                    disabled=move || { steps.with(Vec::len) >= MAX_BOT_ACTIONS }
                    on:click=move |_| steps.update(|s| s.push(Step {
                    kind: BotActionKind::SendMessage, text: String::new(), targets: Vec::new(),
                }))>{td_string!(l, channel_page.bot_add)}</button>
                <p id="bot-errors" class="field-error">{move || errors.get()}</p>
                {outcome_view(said)}
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=working(said)>{td_string!(l, channel_page.bot_save)}</button>
                    {had_bot.then(|| view! {
                        <button type="button" class="button secondary danger" disabled=working(said) on:click=remove>{td_string!(l, channel_page.bot_remove)}</button>
                    })}
                </div>
            </form>
        </section>
    }
}

fn step_row(
    l: Locale,
    i: usize,
    count: usize,
    step: Step,
    steps: RwSignal<Vec<Step>>,
    people: StoredValue<Vec<User>>,
) -> impl IntoView {
    let n = i + 1;
    let edit = move |f: Box<dyn Fn(&mut Step)>| {
        steps.update(|s| {
            if let Some(step) = s.get_mut(i) {
                f(step)
            }
        })
    };
    let kinds = [
        BotActionKind::SendMessage,
        BotActionKind::AskQuestion,
        BotActionKind::SendToTeamMember,
        BotActionKind::CreateTicket,
    ];
    let kind = step.kind;
    let text_box = matches!(kind, BotActionKind::SendMessage | BotActionKind::AskQuestion).then(|| {
        view! {
            <textarea rows="2" aria-label=td_string!(l, channel_page.bot_text_of, n = n).to_string()
                prop:value=step.text.clone()
                on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |s| s.text = v.clone())) }></textarea>
        }
    });
    let targets = (kind == BotActionKind::SendToTeamMember).then(|| {
        let chosen = step.targets.clone();
        view! {
            <fieldset class="bot-targets">
                <legend>{td_string!(l, channel_page.bot_targets_of, n = n).to_string()}</legend>
                {people.get_value().into_iter().map(|u| {
                    let id = u.id;
                    let on = chosen.contains(&id);
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=on on:change=move |ev| {
                                let checked = event_target_checked(&ev);
                                edit(Box::new(move |s| {
                                    s.targets.retain(|t| *t != id);
                                    if checked { s.targets.push(id) }
                                }))
                            }/>
                            {u.name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
    });
    let swap = move |to: usize| {
        move |_| {
            steps.update(|s| {
                if to < s.len() && i < s.len() {
                    s.swap(i, to)
                }
            })
        }
    };
    view! {
        <li class="bot-action" data-kind=kind.as_str()>
            <select aria-label=td_string!(l, channel_page.bot_kind_of, n = n).to_string() on:change=move |ev| {
                if let Some(k) = BotActionKind::parse(&event_target_value(&ev)) { edit(Box::new(move |s| s.kind = k)) }
            }>
                {kinds.into_iter().map(|k| view! {
                    <option value=k.as_str() selected=k == kind>{words::bot_action(l, k)}</option>
                }).collect_view()}
            </select>
            {text_box}
            {targets}
            <div class="row-actions">
                <button type="button" class="button secondary small" disabled=i == 0
                    aria-label=td_string!(l, channel_page.bot_up_of, n = n).to_string() on:click=swap(i.saturating_sub(1))>"↑"</button>
                <button type="button" class="button secondary small" disabled=i + 1 == count
                    aria-label=td_string!(l, channel_page.bot_down_of, n = n).to_string() on:click=swap(i + 1)>"↓"</button>
                <button type="button" class="button secondary small danger"
                    aria-label=td_string!(l, channel_page.bot_remove_of, n = n).to_string()
                    on:click=move |_| steps.update(|s| { if i < s.len() { s.remove(i); } })>
                    {td_string!(l, channel_page.remove)}
                </button>
            </div>
        </li>
    }
}

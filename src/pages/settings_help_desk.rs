//! R31: Settings ▸ Help desk (`/settings/help-desk`, SCREENS.md 15): the
//! pipeline's ticket statuses (add, rename, reorder, state, delete when unused)
//! and the SLA policy (targets, around the clock or business hours per weekday in
//! a time zone). The move dialog's "no SLA policy" warning leads here, with the
//! way back (`?back=`). The server decides every change; this page only asks.

use deskmove_rules::sla::{validate_sla_form, weekdays, Day, SlaHours, SlaPolicyRequest, Span};
use deskmove_rules::statuses::{
    validate_new_status, validate_status_patch, NewStatus, StatusPatch,
};
use deskmove_rules::{FieldError, Pipeline, PipelineStatus, SlaPolicy, StatusState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::field::said_beside;
use crate::components::outcome::{outcome_view, run, working, Outcome};
use crate::components::settings_nav::{SettingsNav, SettingsPage};
use crate::components::status::{load_error, loading};
use crate::i18n::{td_string, Locale};
use crate::session::{back_from, use_session};
use crate::words::{self, locale};

#[component]
pub fn SettingsHelpDesk() -> impl IntoView {
    let query = use_query_map();
    let back = back_from(query);
    // Each section reads again after its own changes only: a status added never
    // draws the SLA form anew, without what was typed in it.
    let (statuses_version, sla_version) = (RwSignal::new(0u32), RwSignal::new(0u32));
    let pipeline = LocalResource::new(move || {
        statuses_version.track();
        api::pipeline()
    });
    let sla = LocalResource::new(move || {
        sla_version.track();
        api::sla_policy()
    });
    let statuses_changed = Callback::new(move |_| statuses_version.update(|v| *v += 1));
    let sla_changed = Callback::new(move |_| sla_version.update(|v| *v += 1));
    // The server lets only super admins change these; others read them.
    let admin = use_session().can_move();
    // What each section's last change said; kept while the section is drawn anew.
    let (statuses_said, sla_said) = (
        RwSignal::new(None::<Outcome>),
        RwSignal::new(None::<Outcome>),
    );
    let l = locale();
    view! {
        <div class="settings-layout">
            <Title text=td_string!(l, help_desk_settings.title)/>
            <SettingsNav current=SettingsPage::HelpDesk/>
            <main class="settings-main help-desk-settings" id="main">
                <h1>{td_string!(l, settings.help_desk)}</h1>
                {move || (!admin.get()).then(|| view! { <p class="notice">{td_string!(l, help_desk_settings.admins_only)}</p> })}
                {move || back.get().map(|b| view! {
                    <p><a class="back-link" href=b>"← "{td_string!(l, users.back_to_move)}</a></p>
                })}
                <section class="card" aria-labelledby="statuses-title">
                    <h2 id="statuses-title">{td_string!(l, help_desk_settings.statuses)}</h2>
                    <p class="muted">{td_string!(l, help_desk_settings.statuses_intro)}</p>
                    {move || match pipeline.get() {
                        None => loading(td_string!(l, help_desk_settings.loading)),
                        Some(Err(e)) => load_error(&e, Callback::new(move |_| pipeline.refetch())),
                        Some(Ok(None)) => view! { <p>{td_string!(l, help_desk_settings.no_pipeline)}</p> }.into_any(),
                        Some(Ok(Some(p))) if !admin.get() => read_statuses(l, &p).into_any(),
                        Some(Ok(Some(p))) => view! { <Statuses pipeline=p said=statuses_said on_changed=statuses_changed/> }.into_any(),
                    }}
                </section>
                <section class="card" aria-labelledby="sla-title">
                    <h2 id="sla-title">{td_string!(l, help_desk_settings.sla)}</h2>
                    <p class="muted">{td_string!(l, help_desk_settings.sla_intro)}</p>
                    {move || match sla.get() {
                        None => loading(td_string!(l, help_desk_settings.loading)),
                        Some(Err(e)) => load_error(&e, Callback::new(move |_| sla.refetch())),
                        Some(Ok(policy)) if !admin.get() => view! { <p class="sla-read">{read_sla(l, policy.as_ref())}</p> }.into_any(),
                        Some(Ok(policy)) => view! { <SlaForm policy=policy said=sla_said on_changed=sla_changed/> }.into_any(),
                    }}
                </section>
            </main>
        </div>
    }
}

/// The statuses as an agent reads them.
fn read_statuses(l: Locale, p: &Pipeline) -> impl IntoView {
    view! {
        <ul class="statuses-read">
            {p.statuses.iter().map(|s| view! {
                <li data-status=s.label.clone()>{s.label.clone()}" · "{words::status_state(l, s.state)}</li>
            }).collect_view()}
        </ul>
    }
}

/// The SLA policy in a sentence: its name, targets and hours; or that there is none.
pub fn read_sla(l: Locale, policy: Option<&SlaPolicy>) -> String {
    let Some(p) = policy else {
        return td_string!(l, help_desk_settings.no_sla).to_string();
    };
    let hours = match &p.hours {
        SlaHours::Always => td_string!(l, progress.sla_always).to_string(),
        SlaHours::Business { time_zone, .. } => {
            td_string!(l, progress.sla_business, zone = time_zone.as_str()).to_string()
        }
    };
    td_string!(
        l,
        help_desk_settings.sla_read,
        name = p.name.as_str(),
        first = words::duration(l, p.first_reply_seconds),
        close = words::duration(l, p.close_seconds),
        hours = hours
    )
    .to_string()
}

fn state_select(
    id: String,
    l: Locale,
    state: RwSignal<StatusState>,
    label: String,
) -> impl IntoView {
    view! {
        <select id=id aria-label=label on:change=move |ev| {
            if let Some(s) = StatusState::parse(&event_target_value(&ev)) { state.set(s) }
        }>
            {[StatusState::Open, StatusState::Closed].into_iter().map(|s| view! {
                <option value=s.as_str() selected=move || state.get() == s>{words::status_state(l, s)}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
pub fn Statuses(
    pipeline: Pipeline,
    said: RwSignal<Option<Outcome>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let l = locale();
    let count = pipeline.statuses.len();
    let rows = pipeline
        .statuses
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, s)| status_row(l, &pipeline, i, count, s, said, on_changed))
        .collect_view();
    let label = RwSignal::new(String::new());
    let state = RwSignal::new(StatusState::Open);
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let add = {
        let pipeline = pipeline.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let new = NewStatus {
                label: label.get_untracked(),
                state: state.get_untracked(),
            };
            match validate_new_status(&new, &pipeline) {
                Err(errors) => missing.set(errors),
                Ok(()) => {
                    missing.set(Vec::new());
                    let Some(csrf) = session.csrf() else { return };
                    let done = td_string!(l, help_desk_settings.added, label = new.label.trim())
                        .to_string();
                    let id = pipeline.id;
                    run(said, on_changed, done, async move {
                        api::add_status(id, &new, &csrf).await
                    });
                }
            }
        }
    };
    let error = said_beside(l, missing, "label", None, || None);
    view! {
        <table class="statuses">
            <thead><tr>
                <th scope="col">{td_string!(l, help_desk_settings.label)}</th>
                <th scope="col">{td_string!(l, help_desk_settings.state)}</th>
                <th scope="col"><span class="visually-hidden">{td_string!(l, help_desk_settings.actions)}</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {outcome_view(said)}
        <form class="add-status" on:submit=add novalidate>
            <h3>{td_string!(l, help_desk_settings.add)}</h3>
            <div class="field inline">
                <label for="new-status-label">{td_string!(l, help_desk_settings.label)}</label>
                <input id="new-status-label" type="text" autocomplete="off" prop:value=label
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby="new-status-label-error"
                    on:input=move |ev| label.set(event_target_value(&ev))/>
                {state_select("new-status-state".into(), l, state, td_string!(l, help_desk_settings.state).to_string())}
                <button type="submit" class="button primary" disabled=working(said)>{td_string!(l, help_desk_settings.add_button)}</button>
            </div>
            <p id="new-status-label-error" class="field-error">{move || error.get()}</p>
        </form>
    }
}

fn status_row(
    l: Locale,
    pipeline: &Pipeline,
    index: usize,
    count: usize,
    status: PipelineStatus,
    said: RwSignal<Option<Outcome>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let label = RwSignal::new(status.label.clone());
    let state = RwSignal::new(status.state);
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let (pipeline_id, id, name) = (pipeline.id, status.id, status.label.clone());
    let change = {
        let pipeline = pipeline.clone();
        move |patch: StatusPatch| {
            if let Err(errors) = validate_status_patch(&patch, &pipeline, id) {
                missing.set(errors);
                return;
            }
            missing.set(Vec::new());
            let Some(csrf) = session.csrf() else { return };
            let done = td_string!(l, help_desk_settings.saved).to_string();
            run(said, on_changed, done, async move {
                api::patch_status(pipeline_id, id, &patch, &csrf).await
            });
        }
    };
    let save = {
        let (change, before) = (change.clone(), status.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let new_label = label.get_untracked();
            change(StatusPatch {
                label: (new_label.trim() != before.label).then_some(new_label),
                state: (state.get_untracked() != before.state).then_some(state.get_untracked()),
                position: None,
            })
        }
    };
    let to = move |position: usize| {
        let change = change.clone();
        move |_| {
            change(StatusPatch {
                position: Some(position as u32),
                ..StatusPatch::default()
            })
        }
    };
    let delete = move |_| {
        let Some(csrf) = session.csrf() else { return };
        let done = td_string!(l, help_desk_settings.deleted, label = name.as_str()).to_string();
        run(said, on_changed, done, async move {
            api::delete_status(pipeline_id, id, &csrf).await
        });
    };
    let busy = working(said);
    let before = status.clone();
    let unchanged = move || label.with(|t| t.trim() == before.label) && state.get() == before.state;
    let error =
        Signal::derive(move || missing.with(|m| m.first().map(|e| words::field_error(l, e))));
    let form_id = format!("status-{id}");
    let n = status.label.as_str();
    view! {
        <tr data-status=status.label.clone()>
            <td>
                <form id=form_id.clone() on:submit=save novalidate></form>
                <input form=form_id.clone() type="text" autocomplete="off"
                    aria-label=td_string!(l, help_desk_settings.label_of, label = n).to_string()
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=format!("status-{id}-error")
                    prop:value=label on:input=move |ev| label.set(event_target_value(&ev))/>
                <p id=format!("status-{id}-error") class="field-error">{move || error.get()}</p>
            </td>
            <td>{state_select(format!("status-{id}-state"), l, state,
                td_string!(l, help_desk_settings.state_of, label = n).to_string())}</td>
            <td class="row-actions">
                <button type="submit" form=form_id class="button secondary small" disabled=move || unchanged() || busy()>
                    {td_string!(l, help_desk_settings.save)}
                </button>
                <button type="button" class="button secondary small" disabled=move || index == 0 || busy()
                    aria-label=td_string!(l, help_desk_settings.up_of, label = n).to_string()
                    on:click=to(index.saturating_sub(1))>"↑"</button>
                <button type="button" class="button secondary small" disabled=move || index + 1 == count || busy()
                    aria-label=td_string!(l, help_desk_settings.down_of, label = n).to_string()
                    on:click=to(index + 1)>"↓"</button>
                <button type="button" class="button secondary small danger" disabled=busy
                    aria-label=td_string!(l, help_desk_settings.delete_of, label = n).to_string()
                    on:click=delete>{td_string!(l, help_desk_settings.delete)}</button>
            </td>
        </tr>
    }
}

/// The time zones the browser knows (`Intl.supportedValuesOf`), UTC among them.
fn time_zones() -> Vec<String> {
    use wasm_bindgen::JsCast;
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok();
    let listed = intl.and_then(|intl| {
        let f = js_sys::Reflect::get(&intl, &"supportedValuesOf".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        f.call1(&intl, &"timeZone".into())
            .ok()?
            .dyn_into::<js_sys::Array>()
            .ok()
    });
    let mut zones: Vec<String> = listed
        .map(|a| a.iter().filter_map(|z| z.as_string()).collect())
        .unwrap_or_default();
    if !zones.iter().any(|z| z == "UTC") {
        zones.push("UTC".into());
    }
    zones
}

/// The browser's own time zone, the default of new business hours.
fn browser_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// Hours as the form shows a target: "4", "1.5".
fn hours_of(seconds: i64) -> String {
    let hours = seconds as f64 / 3600.0;
    if hours.fract() == 0.0 {
        format!("{hours:.0}")
    } else {
        format!("{}", (hours * 100.0).round() / 100.0)
    }
}

/// A target typed in hours, as seconds; 0 (refused by the rules) when unreadable.
fn seconds_of(hours: &str) -> i64 {
    hours
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|h| h.is_finite())
        .map_or(0, |h| (h * 3600.0).round() as i64)
}

#[component]
pub fn SlaForm(
    policy: Option<SlaPolicy>,
    said: RwSignal<Option<Outcome>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let l = locale();
    let had_one = policy.is_some();
    let name = RwSignal::new(policy.as_ref().map_or_else(
        || td_string!(l, help_desk_settings.default_name).to_string(),
        |p| p.name.clone(),
    ));
    let first_reply = RwSignal::new(hours_of(
        policy.as_ref().map_or(4 * 3600, |p| p.first_reply_seconds),
    ));
    let close = RwSignal::new(hours_of(
        policy.as_ref().map_or(24 * 3600, |p| p.close_seconds),
    ));
    let (business, zone, spans) = match policy.as_ref().map(|p| p.hours.clone()) {
        Some(SlaHours::Business { time_zone, spans }) => (true, time_zone, spans),
        _ => (false, browser_zone(), weekdays("08:00", "16:00")),
    };
    let business = RwSignal::new(business);
    let zone = RwSignal::new(zone);
    let spans = RwSignal::new(spans);
    let zones = StoredValue::new(time_zones());
    let missing = RwSignal::new(Vec::<FieldError>::new());
    let request = move || SlaPolicyRequest {
        name: name.get_untracked(),
        first_reply_seconds: seconds_of(&first_reply.get_untracked()),
        close_seconds: seconds_of(&close.get_untracked()),
        hours: if business.get_untracked() {
            SlaHours::Business {
                time_zone: zone.get_untracked(),
                spans: spans.get_untracked(),
            }
        } else {
            SlaHours::Always
        },
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = request();
        if let Err(errors) = validate_sla_form(&r) {
            missing.set(errors);
            return;
        }
        missing.set(Vec::new());
        let Some(csrf) = session.csrf() else { return };
        let done = td_string!(l, help_desk_settings.sla_saved).to_string();
        run(said, on_changed, done, async move {
            api::put_sla_policy(&r, &csrf).await
        });
    };
    let remove = move |_| {
        let Some(csrf) = session.csrf() else { return };
        let done = td_string!(l, help_desk_settings.sla_removed).to_string();
        run(said, on_changed, done, async move {
            api::delete_sla_policy(&csrf).await
        });
    };
    let beside = move |field: &'static str| said_beside(l, missing, field, None, || None);
    let (name_error, first_error, close_error, spans_error) = (
        beside("name"),
        beside("first_reply_seconds"),
        beside("close_seconds"),
        Signal::derive(move || {
            missing.with(|m| {
                let all: Vec<String> = m
                    .iter()
                    .filter(|e| e.field == "spans")
                    .map(|e| words::field_error(l, e))
                    .collect();
                (!all.is_empty()).then(|| all.join(" "))
            })
        }),
    );
    let text = move |id: &'static str,
                     label: &'static str,
                     value: RwSignal<String>,
                     error: Signal<Option<String>>,
                     kind: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind step="0.25" min="0" inputmode=if kind == "number" { "decimal" } else { "text" }
                    autocomplete="off" prop:value=value
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=format!("{id}-error")
                    on:input=move |ev| value.set(event_target_value(&ev))/>
                <p id=format!("{id}-error") class="field-error">{move || error.get()}</p>
            </div>
        }
    };
    let span_rows = move || {
        spans
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, span)| {
                let set = move |f: fn(&mut Span, String)| {
                    move |ev| {
                        let v = event_target_value(&ev);
                        spans.update(|s| {
                            if let Some(span) = s.get(i) {
                                let mut span = span.clone();
                                f(&mut span, v);
                                s[i] = span;
                            }
                        })
                    }
                };
                let day = words::day(l, span.day);
                view! {
                    <li class="span">
                        <select aria-label=td_string!(l, help_desk_settings.span_day, n = i + 1).to_string()
                            on:change=set(|s, v| if let Some(d) = Day::parse(&v) { s.day = d })>
                            {Day::ALL.into_iter().map(|d| view! {
                                <option value=d.as_str() selected=d == span.day>{words::day(l, d)}</option>
                            }).collect_view()}
                        </select>
                        <input type="time" aria-label=td_string!(l, help_desk_settings.span_from, day = day).to_string()
                            prop:value=span.from.clone() on:change=set(|s, v| s.from = v)/>
                        "–"
                        <input type="time" aria-label=td_string!(l, help_desk_settings.span_to, day = day).to_string()
                            prop:value=span.to.clone() on:change=set(|s, v| s.to = v)/>
                        <button type="button" class="button secondary small"
                            aria-label=td_string!(l, help_desk_settings.span_remove, day = day).to_string()
                            on:click=move |_| spans.update(|s| { if i < s.len() { s.remove(i); } })>
                            {td_string!(l, help_desk_settings.remove)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        {(!had_one).then(|| view! { <p class="notice warning-note">{td_string!(l, help_desk_settings.no_sla)}</p> })}
        <form class="sla-form" on:submit=submit novalidate>
            {text("sla-name", td_string!(l, help_desk_settings.sla_name), name, name_error, "text")}
            {text("sla-first-reply", td_string!(l, help_desk_settings.first_reply_hours), first_reply, first_error, "number")}
            {text("sla-close", td_string!(l, help_desk_settings.close_hours), close, close_error, "number")}
            <fieldset>
                <legend>{td_string!(l, help_desk_settings.counted)}</legend>
                <label class="radio"><input type="radio" name="sla-hours" id="sla-always"
                    prop:checked=move || !business.get() on:change=move |_| business.set(false)/>
                    {td_string!(l, help_desk_settings.always)}</label>
                <label class="radio"><input type="radio" name="sla-hours" id="sla-business"
                    prop:checked=move || business.get() on:change=move |_| business.set(true)/>
                    {td_string!(l, help_desk_settings.business)}</label>
            </fieldset>
            <Show when=move || business.get()>
                <div class="field">
                    <label for="sla-zone">{td_string!(l, help_desk_settings.time_zone)}</label>
                    <select id="sla-zone" on:change=move |ev| zone.set(event_target_value(&ev))>
                        {move || {
                            let current = zone.get();
                            let mut all = zones.get_value();
                            if !all.contains(&current) { all.insert(0, current.clone()); }
                            all.into_iter().map(|z| {
                                let is = z == current;
                                let value = z.clone();
                                view! { <option value=value selected=is>{z}</option> }
                            }).collect_view()
                        }}
                    </select>
                </div>
                <p class="muted">{td_string!(l, help_desk_settings.spans_hint)}</p>
                <ul class="spans" aria-describedby="sla-spans-error">{span_rows}</ul>
                <button type="button" class="button secondary small" on:click=move |_| spans.update(|s| s.push(Span {
                    day: Day::Mon, from: "08:00".into(), to: "16:00".into(),
                }))>{td_string!(l, help_desk_settings.add_span)}</button>
                <p id="sla-spans-error" class="field-error">{move || spans_error.get()}</p>
            </Show>
            {outcome_view(said)}
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=working(said)>{td_string!(l, help_desk_settings.sla_save)}</button>
                {had_one.then(|| view! {
                    <button type="button" class="button secondary danger" disabled=working(said) on:click=remove>
                        {td_string!(l, help_desk_settings.sla_remove)}
                    </button>
                })}
            </div>
        </form>
    }
}

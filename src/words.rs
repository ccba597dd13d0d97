//! What the rules and the server say, in the reader's language (R27): the rules'
//! facts (`Said`), the API's codes, refusals, counts, durations and the time left.

use deskmove_rules::progress::TimeLeft;
use deskmove_rules::sla::Day;
use deskmove_rules::{
    BotActionKind, ChannelKind, ChatflowKind, ConversationSort, ConversationStatus, ErrorCode,
    MoveState, Role, Said, StatusState, TicketSort, UserState, Workspace,
};

use crate::api::ApiFailure;
use crate::components::format::{date_time, hour_of_day, number};
use crate::i18n::{td_string, use_i18n, Locale};

/// A plural form of the reader's language, as the browser's `Intl.PluralRules`
/// (CLDR) chooses it. English, German and Norwegian know only these two; a
/// language with more ("few", "many") adds them here and in its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    One,
    Other,
}

thread_local! {
    static PLURAL_RULES: std::cell::RefCell<std::collections::HashMap<Locale, js_sys::Intl::PluralRules>> =
        std::cell::RefCell::default();
}

pub fn plural_of(l: Locale, n: u64) -> Plural {
    use leptos_i18n::Locale as _;
    let category = PLURAL_RULES.with(|rules| {
        rules
            .borrow_mut()
            .entry(l)
            .or_insert_with(|| {
                js_sys::Intl::PluralRules::new(
                    &js_sys::Array::of1(&l.as_str().into()),
                    &js_sys::Object::new(),
                )
            })
            .select(n as f64)
    });
    if category == "one" {
        Plural::One
    } else {
        Plural::Other
    }
}

/// `plural!(l, n, key_one, key_other, value = …)`: the sentence in the plural
/// form `n` takes in `l`. build.rs checks that every `_one` key has its `_other`.
macro_rules! plural {
    ($l:expr, $n:expr, $($one:ident).+, $($other:ident).+ $(, $k:ident = $v:expr)* $(,)?) => {
        match $crate::words::plural_of($l, $n) {
            $crate::words::Plural::One => $crate::i18n::td_string!($l, $($one).+ $(, $k = $v)*).to_string(),
            $crate::words::Plural::Other => $crate::i18n::td_string!($l, $($other).+ $(, $k = $v)*).to_string(),
        }
    };
}
pub(crate) use plural;

/// The language the page is drawn in (a new one draws the page again, see lib.rs).
pub fn locale() -> Locale {
    use_i18n().get_locale_untracked()
}

/// "A", "A and B", "A, B and C" ("A, B und C", "A, B og C").
pub fn names(l: Locale, names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => {
            td_string!(l, list.and, first = init.join(", "), last = last).to_string()
        }
    }
}

pub fn conversations(l: Locale, n: u64) -> String {
    plural!(
        l,
        n,
        count.conversations.one,
        count.conversations.other,
        n = number(l, n)
    )
}

pub fn tickets(l: Locale, n: u64) -> String {
    plural!(
        l,
        n,
        count.tickets.one,
        count.tickets.other,
        n = number(l, n)
    )
}

pub fn new_conversations(l: Locale, n: u64) -> String {
    plural!(
        l,
        n,
        count.new_conversations.one,
        count.new_conversations.other,
        n = number(l, n)
    )
}

/// "3 min 20 s", "45 s".
pub fn duration(l: Locale, seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=59 => td_string!(l, duration.seconds, s = s).to_string(),
        60..=3599 => td_string!(l, duration.minutes, m = s / 60, s = s % 60).to_string(),
        _ if s % 3600 == 0 => td_string!(l, duration.whole_hours, h = s / 3600).to_string(),
        _ => td_string!(l, duration.hours, h = s / 3600, m = (s % 3600) / 60).to_string(),
    }
}

/// R15: "About 3 minutes left".
pub fn time_left(l: Locale, left: TimeLeft) -> String {
    match left {
        TimeLeft::Estimating => td_string!(l, time_left.estimating).to_string(),
        TimeLeft::Finishing => td_string!(l, time_left.finishing).to_string(),
        TimeLeft::UnderAMinute => td_string!(l, time_left.under_a_minute).to_string(),
        TimeLeft::Minutes(m) => plural!(
            l,
            m,
            time_left.minutes.one,
            time_left.minutes.other,
            count = m
        ),
        TimeLeft::HoursAndMinutes(h, m) => td_string!(l, time_left.hours, h = h, m = m).to_string(),
    }
}

/// Why a request failed, in words a person understands. The server's own
/// message is English; the app says each code in the reader's language.
pub fn failure(l: Locale, e: &ApiFailure) -> String {
    let code = match e {
        ApiFailure::Network => return td_string!(l, failure.network).to_string(),
        ApiFailure::TimedOut => return td_string!(l, failure.timed_out).to_string(),
        ApiFailure::Unreadable => return td_string!(l, failure.unreadable).to_string(),
        ApiFailure::Refused { code, .. } => *code,
    };
    let said = match code {
        ErrorCode::Unauthenticated => td_string!(l, failure.unauthenticated),
        ErrorCode::Forbidden => td_string!(l, failure.forbidden),
        ErrorCode::NotFound => td_string!(l, failure.not_found),
        ErrorCode::InvalidRequest => td_string!(l, failure.invalid_request),
        ErrorCode::NotMovable => td_string!(l, failure.not_movable),
        ErrorCode::MoveInProgress => td_string!(l, failure.move_in_progress),
        ErrorCode::MoveStarted => td_string!(l, failure.move_started),
        ErrorCode::RequesterNotAllowed => td_string!(l, failure.requester_not_allowed),
        ErrorCode::SetupNeeded => td_string!(l, failure.setup_needed),
        ErrorCode::AlreadySetUp => td_string!(l, failure.already_set_up),
        ErrorCode::Conflict => td_string!(l, failure.conflict),
        ErrorCode::LastSuperAdmin => td_string!(l, failure.last_super_admin),
        ErrorCode::LinkExpired => td_string!(l, failure.link_expired),
        ErrorCode::StatusInUse => td_string!(l, failure.status_in_use),
        ErrorCode::AlreadyInHelpDesk => td_string!(l, failure.already_in_help_desk),
        ErrorCode::TicketExists => td_string!(l, failure.ticket_exists),
        ErrorCode::NoOutboundMail => td_string!(l, failure.no_outbound_mail),
        ErrorCode::Csrf => td_string!(l, failure.csrf),
        // The app never delivers mail; these only come to mail servers.
        ErrorCode::MethodNotAllowed
        | ErrorCode::UnsupportedMediaType
        | ErrorCode::UnknownRecipient
        | ErrorCode::NotAMessage => {
            td_string!(l, failure.not_understood)
        }
        ErrorCode::PayloadTooLarge => td_string!(l, failure.too_large),
        ErrorCode::RateLimited => td_string!(l, failure.rate_limited),
        ErrorCode::Unavailable => td_string!(l, failure.unavailable),
        ErrorCode::Internal => td_string!(l, failure.internal),
    };
    // What went wrong on the server's side carries the reference its log
    // line has, for the person to pass on.
    match (code, e) {
        (
            ErrorCode::Internal | ErrorCode::Unavailable,
            ApiFailure::Refused {
                request_id: Some(id),
                ..
            },
        ) => format!(
            "{said} {}",
            td_string!(l, failure.reference, id = id.as_str())
        ),
        _ => said.to_string(),
    }
}

/// What a blocker, warning or field error of the rules says.
pub fn said(l: Locale, said: &Said) -> String {
    match said {
        Said::AlreadyInHelpDesk => td_string!(l, said.already_in_help_desk).to_string(),
        Said::KindNotMovable { kind } => {
            td_string!(l, said.kind_not_movable, kind = channel_kind(l, *kind)).to_string()
        }
        Said::FallbackAddress => td_string!(l, said.fallback_address).to_string(),
        Said::MovingNow => td_string!(l, said.moving_now).to_string(),
        Said::AnotherMoving { channel: Some(c) } => {
            td_string!(l, said.another_moving, channel = c).to_string()
        }
        Said::AnotherMoving { channel: None } => {
            td_string!(l, said.another_moving_unnamed).to_string()
        }
        Said::ScheduledToMove { at } => {
            td_string!(l, said.scheduled_to_move, time = date_time(l, *at)).to_string()
        }
        Said::AnotherScheduled { channel, at } => td_string!(
            l,
            said.another_scheduled,
            channel = channel,
            time = date_time(l, *at)
        )
        .to_string(),
        Said::BotCreatesTickets { number, action } => td_string!(
            l,
            said.bot_creates_tickets,
            number = number,
            action = bot_action(l, *action)
        )
        .to_string(),
        Said::BotSendsToPeopleWithoutAccess {
            number,
            action,
            names: people,
        } => td_string!(
            l,
            said.bot_sends_to_people_without_access,
            number = number,
            action = bot_action(l, *action),
            names = names(l, people)
        )
        .to_string(),
        Said::PeopleWithoutAccess {
            count,
            names: people,
        } => {
            let mut shown = people.clone();
            let more = count.saturating_sub(people.len() as u64);
            if more > 0 {
                shown.push(td_string!(l, said.more, n = number(l, more)).to_string());
            }
            plural!(
                l,
                *count,
                said.people_without_access.one,
                said.people_without_access.other,
                n = number(l, *count),
                names = names(l, &shown)
            )
        }
        Said::NoSlaPolicy => td_string!(l, said.no_sla_policy).to_string(),
        Said::BusyChannel {
            arrivals,
            quiet_hour,
        } => {
            let busy = plural!(
                l,
                *arrivals,
                said.busy_channel.one,
                said.busy_channel.other,
                n = number(l, *arrivals)
            );
            match quiet_hour {
                None => busy,
                Some(h) => format!(
                    "{busy} {}",
                    td_string!(l, said.quiet_around, time = hour_of_day(l, *h))
                ),
            }
        }
        Said::Notifications => td_string!(l, said.notifications).to_string(),
        Said::FormLinkedEmail { still_in_inbox } if still_in_inbox.is_empty() => {
            td_string!(l, said.form_linked_email).to_string()
        }
        Said::FormLinkedEmail { still_in_inbox } => td_string!(
            l,
            said.form_linked_email_still,
            channels = names(l, still_in_inbox)
        )
        .to_string(),
        Said::PickChannel => td_string!(l, said.pick_channel).to_string(),
        Said::NoPipeline => td_string!(l, said.no_pipeline).to_string(),
        Said::PickStatus {
            which: ConversationStatus::Open,
        } => td_string!(l, said.pick_open_status).to_string(),
        Said::PickStatus {
            which: ConversationStatus::Closed,
        } => td_string!(l, said.pick_closed_status).to_string(),
        Said::StatusNotInPipeline {
            which: ConversationStatus::Open,
            pipeline,
        } => td_string!(l, said.open_status_not_in_pipeline, pipeline = pipeline).to_string(),
        Said::StatusNotInPipeline {
            which: ConversationStatus::Closed,
            pipeline,
        } => td_string!(l, said.closed_status_not_in_pipeline, pipeline = pipeline).to_string(),
        Said::Empty { what } if what == "email" => td_string!(l, said.empty_email).to_string(),
        Said::Empty { what } if what == "password" => {
            td_string!(l, said.empty_password).to_string()
        }
        Said::TooLong { max, .. } => {
            plural!(
                l,
                *max,
                said.too_long.one,
                said.too_long.other,
                n = number(l, *max)
            )
        }
        // Only the ingest API checks other texts; the app never shows them.
        Said::Empty { .. } => td_string!(l, said.empty).to_string(),
        Said::StartAtNotATime => td_string!(l, said.start_at_not_a_time).to_string(),
        Said::StartAtPast => td_string!(l, said.start_at_past).to_string(),
        Said::RequesterNotAllowed => td_string!(l, said.requester_not_allowed).to_string(),
        Said::NotAnEmail => td_string!(l, said.not_an_email).to_string(),
        Said::PasswordLength { min, max } => td_string!(
            l,
            said.password_length,
            min = number(l, *min),
            max = number(l, *max)
        )
        .to_string(),
        Said::WrongSetupToken => td_string!(l, said.wrong_setup_token).to_string(),
        Said::LastSuperAdmin => td_string!(l, said.last_super_admin).to_string(),
        Said::LinkExpired => td_string!(l, said.link_expired).to_string(),
        Said::EmailTaken => td_string!(l, said.email_taken).to_string(),
        Said::WrongCurrentPassword => td_string!(l, said.wrong_current_password).to_string(),
        Said::UserDeactivated => td_string!(l, said.user_deactivated).to_string(),
        Said::UnknownTimeZone { name } => {
            td_string!(l, said.unknown_time_zone, name = name.as_str()).to_string()
        }
        Said::NoBusinessHours => td_string!(l, said.no_business_hours).to_string(),
        Said::SpanBackwards { day: d, from, to } => td_string!(
            l,
            said.span_backwards,
            day = day(l, *d),
            from = from.as_str(),
            to = to.as_str()
        )
        .to_string(),
        Said::NotAClockTime { day: d, from, to } => td_string!(
            l,
            said.not_a_clock_time,
            day = day(l, *d),
            from = from.as_str(),
            to = to.as_str()
        )
        .to_string(),
        Said::SpansOverlap { day: d } => {
            td_string!(l, said.spans_overlap, day = day(l, *d)).to_string()
        }
        Said::StatusLabelTaken { label } => {
            td_string!(l, said.status_label_taken, label = label.as_str()).to_string()
        }
        Said::LastOfItsState {
            state: StatusState::Open,
        } => td_string!(l, said.last_open_status).to_string(),
        Said::LastOfItsState {
            state: StatusState::Closed,
        } => td_string!(l, said.last_closed_status).to_string(),
        Said::StatusInUse {
            label,
            tickets,
            channels,
            moves,
        } => {
            let mut uses = Vec::new();
            if *tickets > 0 {
                uses.push(plural!(
                    l,
                    *tickets,
                    said.status_tickets.one,
                    said.status_tickets.other,
                    n = number(l, *tickets)
                ));
            }
            uses.extend(
                channels
                    .iter()
                    .map(|c| td_string!(l, said.status_channel, channel = c.as_str()).to_string()),
            );
            uses.extend(
                moves
                    .iter()
                    .map(|c| td_string!(l, said.status_move, channel = c.as_str()).to_string()),
            );
            td_string!(
                l,
                said.status_in_use,
                label = label.as_str(),
                uses = names(l, &uses)
            )
            .to_string()
        }
        Said::InboxNameTaken { name } => {
            td_string!(l, said.inbox_name_taken, name = name.as_str()).to_string()
        }
        Said::FallbackNeedsInbox => td_string!(l, said.fallback_needs_inbox).to_string(),
        Said::FallbackTaken { inbox } => {
            td_string!(l, said.fallback_taken, inbox = inbox.as_str()).to_string()
        }
        Said::NotAPhoneNumber => td_string!(l, said.not_a_phone_number).to_string(),
        Said::ThankYouNotHttps => td_string!(l, said.thank_you_not_https).to_string(),
        Said::ThankYouOnlyForForms => td_string!(l, said.thank_you_only_for_forms).to_string(),
        Said::ReplyFromNotEmail => td_string!(l, said.reply_from_not_email).to_string(),
        Said::AddressTaken { channel } => {
            td_string!(l, said.address_taken, channel = channel.as_str()).to_string()
        }
        Said::RoutedToDeactivated { name } => {
            td_string!(l, said.routed_to_deactivated, name = name.as_str()).to_string()
        }
        Said::RoutedToWithoutAccess { name } => {
            td_string!(l, said.routed_to_without_access, name = name.as_str()).to_string()
        }
        Said::BotActionNeedsText { number, action } => td_string!(
            l,
            said.bot_action_needs_text,
            number = number,
            action = bot_action(l, *action)
        )
        .to_string(),
        Said::BotActionNeedsPeople { number } => {
            td_string!(l, said.bot_action_needs_people, number = number).to_string()
        }
        Said::TargetOutOfRange { max_days } => td_string!(
            l,
            said.target_out_of_range,
            days = number(l, u64::from(*max_days))
        )
        .to_string(),
        Said::StartAtTooFar { days } => {
            td_string!(l, said.start_at_too_far, days = number(l, u64::from(*days))).to_string()
        }
    }
}

/// A field error of the rules, worded; one the app does not word keeps its English.
pub fn field_error(l: Locale, e: &deskmove_rules::FieldError) -> String {
    e.said
        .as_ref()
        .map_or_else(|| e.message.clone(), |s| said(l, s))
}

pub fn role(l: Locale, r: Role) -> &'static str {
    match r {
        Role::SuperAdmin => td_string!(l, code.role.super_admin),
        Role::Agent => td_string!(l, code.role.agent),
    }
}

/// R31: a day of the week, as business hours name it.
pub fn day(l: Locale, d: Day) -> &'static str {
    match d {
        Day::Mon => td_string!(l, code.day.mon),
        Day::Tue => td_string!(l, code.day.tue),
        Day::Wed => td_string!(l, code.day.wed),
        Day::Thu => td_string!(l, code.day.thu),
        Day::Fri => td_string!(l, code.day.fri),
        Day::Sat => td_string!(l, code.day.sat),
        Day::Sun => td_string!(l, code.day.sun),
    }
}

pub fn user_state(l: Locale, s: UserState) -> &'static str {
    match s {
        UserState::Invited => td_string!(l, code.user_state.invited),
        UserState::Active => td_string!(l, code.user_state.active),
        UserState::Deactivated => td_string!(l, code.user_state.deactivated),
    }
}

pub fn workspace(l: Locale, w: Workspace) -> &'static str {
    match w {
        Workspace::Inbox => td_string!(l, code.workspace.inbox),
        Workspace::HelpDesk => td_string!(l, code.workspace.help_desk),
    }
}

pub fn channel_kind(l: Locale, k: ChannelKind) -> &'static str {
    match k {
        ChannelKind::Email => td_string!(l, code.kind.email),
        ChannelKind::Form => td_string!(l, code.kind.form),
        ChannelKind::Calling => td_string!(l, code.kind.calling),
        ChannelKind::Chat => td_string!(l, code.kind.chat),
        ChannelKind::Whatsapp => td_string!(l, code.kind.whatsapp),
        ChannelKind::Messenger => td_string!(l, code.kind.messenger),
        ChannelKind::FallbackEmail => td_string!(l, code.kind.fallback_email),
    }
}

pub fn chatflow_kind(l: Locale, k: ChatflowKind) -> &'static str {
    match k {
        ChatflowKind::Chat => td_string!(l, code.chatflow.chat),
        ChatflowKind::Whatsapp => td_string!(l, code.chatflow.whatsapp),
        ChatflowKind::Messenger => td_string!(l, code.chatflow.messenger),
    }
}

pub fn bot_action(l: Locale, a: BotActionKind) -> &'static str {
    match a {
        BotActionKind::SendMessage => td_string!(l, code.bot_action.send_message),
        BotActionKind::AskQuestion => td_string!(l, code.bot_action.ask_question),
        BotActionKind::CreateTicket => td_string!(l, code.bot_action.create_ticket),
        BotActionKind::SendToTeamMember => td_string!(l, code.bot_action.send_to_team_member),
    }
}

pub fn move_state(l: Locale, s: MoveState) -> &'static str {
    match s {
        MoveState::Scheduled => td_string!(l, code.move_state.scheduled),
        MoveState::Running => td_string!(l, code.move_state.running),
        MoveState::Canceled => td_string!(l, code.move_state.canceled),
        MoveState::Completed => td_string!(l, code.move_state.completed),
        MoveState::Failed => td_string!(l, code.move_state.failed),
    }
}

pub fn conversation_status(l: Locale, s: ConversationStatus) -> &'static str {
    match s {
        ConversationStatus::Open => td_string!(l, code.status.open),
        ConversationStatus::Closed => td_string!(l, code.status.closed),
    }
}

pub fn status_state(l: Locale, s: StatusState) -> &'static str {
    match s {
        StatusState::Open => td_string!(l, code.status.open),
        StatusState::Closed => td_string!(l, code.status.closed),
    }
}

pub fn conversation_sort(l: Locale, s: ConversationSort) -> &'static str {
    match s {
        ConversationSort::Newest => td_string!(l, code.sort.newest),
        ConversationSort::Oldest => td_string!(l, code.sort.oldest),
    }
}

pub fn ticket_sort(l: Locale, s: TicketSort) -> &'static str {
    match s {
        TicketSort::Newest => td_string!(l, code.sort.newest),
        TicketSort::Oldest => td_string!(l, code.sort.oldest),
        TicketSort::Due => td_string!(l, code.sort.due),
    }
}

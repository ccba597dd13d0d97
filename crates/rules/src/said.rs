//! What a blocker, a warning or a field error says, as facts. The API's `message`
//! is its English wording; the app words the facts in the reader's language (R27).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{BotActionKind, ChannelKind, ConversationStatus, StatusState};
use crate::sla::Day;

/// One thing the rules say to a person, with the facts its wording needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "say", rename_all = "snake_case")]
pub enum Said {
    // Why a channel can't move (R2, R4, R14, R21).
    AlreadyInHelpDesk,
    KindNotMovable {
        kind: ChannelKind,
    },
    FallbackAddress,
    MovingNow,
    /// Another channel's move runs; `channel` is its name when known.
    AnotherMoving {
        channel: Option<String>,
    },
    /// R24: this channel is scheduled to move at `at`.
    ScheduledToMove {
        at: DateTime<Utc>,
    },
    /// R24: another channel (`channel`) is scheduled to move at `at`.
    AnotherScheduled {
        channel: String,
        at: DateTime<Utc>,
    },
    /// Bot action `number` (as the bot editor counts) creates tickets.
    BotCreatesTickets {
        number: u32,
        action: BotActionKind,
    },
    /// Bot action `number` sends conversations to people without help desk access.
    BotSendsToPeopleWithoutAccess {
        number: u32,
        action: BotActionKind,
        names: Vec<String>,
    },
    // What to know before a move (R5, R20, R22).
    /// `count` users have no help desk access; `names` are the first few of them.
    PeopleWithoutAccess {
        count: u64,
        names: Vec<String>,
    },
    NoSlaPolicy,
    BusyChannel {
        arrivals: u64,
        /// R24: the UTC hour (0–23) when the channel is quietest, when known.
        #[serde(default)]
        quiet_hour: Option<u8>,
    },
    Notifications,
    FormLinkedEmail {
        still_in_inbox: Vec<String>,
    },
    // What a form lacks (R9, sign-in).
    PickChannel,
    NoPipeline,
    PickStatus {
        which: ConversationStatus,
    },
    StatusNotInPipeline {
        which: ConversationStatus,
        pipeline: String,
    },
    /// A required text (`what`: "email", "password", "contact", …) is empty.
    Empty {
        what: String,
    },
    TooLong {
        what: String,
        max: u64,
    },
    // When a move starts (R24).
    StartAtNotATime,
    StartAtPast,
    StartAtTooFar {
        days: u32,
    },
    /// R24: whoever scheduled the move may no longer move channels.
    RequesterNotAllowed,
    // Set-up and people (R28, R29).
    /// An email without the shape of an address.
    NotAnEmail,
    /// A new password outside `min`..=`max` characters.
    PasswordLength {
        min: u64,
        max: u64,
    },
    /// Not the set-up token this server made or was given.
    WrongSetupToken,
    /// The change would leave the account without an active super admin.
    LastSuperAdmin,
    /// A one-time link that was used, replaced or has expired.
    LinkExpired,
    /// Someone signs in with this email already.
    EmailTaken,
    /// Not the password of the signed-in user.
    WrongCurrentPassword,
    /// The right password of a deactivated user.
    UserDeactivated,
    // The SLA's hours and targets (R31).
    /// A time zone this build doesn't know.
    UnknownTimeZone {
        name: String,
    },
    /// Business hours without a single span: the clock would never run.
    NoBusinessHours,
    /// A span that ends before it starts (or crosses midnight).
    SpanBackwards {
        day: Day,
        from: String,
        to: String,
    },
    /// A span whose times aren't clock times ("HH:MM").
    NotAClockTime {
        day: Day,
        from: String,
        to: String,
    },
    /// Two spans of one day that overlap.
    SpansOverlap {
        day: Day,
    },
    /// A target of zero, or over `max_days`.
    TargetOutOfRange {
        max_days: u32,
    },
    /// Another status of the pipeline has this label.
    StatusLabelTaken {
        label: String,
    },
    /// The change would leave the pipeline without a status of `state`.
    LastOfItsState {
        state: StatusState,
    },
    /// What uses the status `label`, so it can't be deleted.
    StatusInUse {
        label: String,
        tickets: u64,
        channels: Vec<String>,
        moves: Vec<String>,
    },
    // Inboxes, channels and bots (R30).
    /// Another inbox has this name.
    InboxNameTaken {
        name: String,
    },
    /// A fallback address connected straight to help desk.
    FallbackNeedsInbox,
    /// The inbox `inbox` has its fallback address already.
    FallbackTaken {
        inbox: String,
    },
    /// A calling or WhatsApp number not in international form.
    NotAPhoneNumber,
    /// A form's thank-you address that is not an `https://` web address.
    ThankYouNotHttps,
    /// A thank-you address on a channel that is not a form.
    ThankYouOnlyForForms,
    /// Answers sent from a channel that is not an email channel of the account.
    ReplyFromNotEmail,
    /// The channel `channel` has this address already.
    AddressTaken {
        channel: String,
    },
    /// Routing to a deactivated user.
    RoutedToDeactivated {
        name: String,
    },
    /// Routing a help desk channel to someone without help desk access.
    RoutedToWithoutAccess {
        name: String,
    },
    /// Bot action `number` sends or asks nothing.
    BotActionNeedsText {
        number: u32,
        action: BotActionKind,
    },
    /// Bot action `number` sends to nobody.
    BotActionNeedsPeople {
        number: u32,
    },
}

/// A time as the API words it: UTC, to the minute.
fn utc_minute(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

impl Said {
    /// The English the API answers with.
    pub fn english(&self) -> String {
        match self {
            Said::AlreadyInHelpDesk => {
                "This channel is already in help desk. A move is final, so there is nothing left to move.".into()
            }
            Said::KindNotMovable { kind } => format!(
                "{} chatflows can't be moved to help desk. Delete the channel from the inbox and connect it to help desk instead.",
                kind.label()
            ),
            Said::FallbackAddress => {
                "The inbox's fallback email address can't be moved to help desk.".into()
            }
            Said::MovingNow => "This channel is moving to help desk right now.".into(),
            Said::AnotherMoving { channel } => format!(
                "{} is moving to help desk right now. Only one channel can move at a time: try again when that move has finished.",
                channel.as_deref().unwrap_or("Another channel")
            ),
            Said::ScheduledToMove { at } => format!(
                "This channel is scheduled to move to help desk at {}. Reschedule or cancel that move from its page.",
                utc_minute(at)
            ),
            Said::AnotherScheduled { channel, at } => format!(
                "{channel} is scheduled to move to help desk at {}. Only one channel can move at a time: cancel that move, or try again when it has finished.",
                utc_minute(at)
            ),
            Said::BotCreatesTickets { number, action } => format!(
                "Bot action {number} “{}”: help desk already creates a ticket for every conversation. Remove this action from the bot first.",
                action.label()
            ),
            Said::BotSendsToPeopleWithoutAccess {
                number,
                action,
                names,
            } => format!(
                "Bot action {number} “{}” sends conversations to {}, without help desk access. Give them help desk access or change the action first.",
                action.label(),
                join_names(names)
            ),
            Said::PeopleWithoutAccess { count, names } => {
                let mut shown = names.clone();
                let more = count.saturating_sub(names.len() as u64);
                if more > 0 {
                    shown.push(format!("{more} more"));
                }
                let (count, verb) = if *count == 1 {
                    ("1 user".to_string(), "has")
                } else {
                    (format!("{count} users"), "have")
                };
                format!(
                    "{count} {verb} no help desk access: {}. They won't see this channel's tickets, and the conversations they own get unassigned tickets.",
                    join_names(&shown)
                )
            }
            Said::NoSlaPolicy => {
                "No SLA policy is set up for help desk, so moved tickets get no due times. Set one up first to keep response targets.".into()
            }
            Said::BusyChannel {
                arrivals,
                quiet_hour,
            } => {
                let quiet = quiet_hour
                    .map(|h| format!(" It is quietest around {h:02}:00 UTC."))
                    .unwrap_or_default();
                format!(
                    "This channel is busy: {arrivals} new conversations in the last hour. Consider moving it at a quieter time to spare your team the disruption.{quiet}"
                )
            }
            Said::Notifications => {
                "Tickets created and assigned during the move notify their owners. Tick “Turn off notifications during the move” to keep the noise down.".into()
            }
            Said::FormLinkedEmail { still_in_inbox } => {
                let tail = if still_in_inbox.is_empty() {
                    String::new()
                } else {
                    format!(" Still in the inbox: {}.", join_names(still_in_inbox))
                };
                format!(
                    "Agents answer form submissions by email: move those email channels too. A thread that began as a form submission moves with this form, even where it went on by email.{tail}"
                )
            }
            Said::PickChannel => "Pick the channel to move.".into(),
            Said::NoPipeline => {
                "Help desk has no ticket pipeline yet. Set one up before moving a channel.".into()
            }
            Said::PickStatus { which } => format!(
                "Pick a new ticket status for {} conversations.",
                which.as_str()
            ),
            Said::StatusNotInPipeline { which, pipeline } => format!(
                "The new ticket status for {} conversations must be a status of the “{pipeline}” pipeline.",
                which.as_str()
            ),
            Said::Empty { what } => format!("The {what} can't be empty."),
            Said::TooLong { what, max } => {
                format!("The {what} is too long: at most {max} characters.")
            }
            Said::StartAtNotATime => {
                "Give the time to start at as a date and time with its offset (RFC 3339).".into()
            }
            Said::StartAtPast => {
                "That time has passed: choose a time in the future, or start now.".into()
            }
            Said::StartAtTooFar { days } => {
                format!("A move can be scheduled at most {days} days ahead.")
            }
            Said::NotAnEmail => {
                "That doesn't look like an email address: it needs an @ and a domain, like name@example.com.".into()
            }
            Said::PasswordLength { min, max } => {
                format!("A password has {min} to {max} characters.")
            }
            Said::WrongSetupToken => {
                "That is not this server's set-up token. Copy the link the server printed when it started, or make a new token with `deskmove-server setup-token`.".into()
            }
            Said::LastSuperAdmin => {
                "Deskmove needs at least one active super admin. Make someone else a super admin first.".into()
            }
            Said::LinkExpired => {
                "This link has been used or has expired. Ask a super admin of your company for a new one.".into()
            }
            Said::EmailTaken => "Someone in your company already signs in with this email.".into(),
            Said::WrongCurrentPassword => "That isn't your current password.".into(),
            Said::UserDeactivated => {
                "Your user is deactivated. Ask a super admin of your company to reactivate it.".into()
            }
            Said::UnknownTimeZone { name } => format!(
                "“{name}” is not a time zone Deskmove knows: choose one from the list, like Europe/Oslo."
            ),
            Said::NoBusinessHours => {
                "Give at least one span of business hours, or count around the clock.".into()
            }
            Said::SpanBackwards { day, from, to } => format!(
                "{} {from}–{to} ends before it starts. A span can't cross midnight: make two, one to 24:00 and one from 00:00.",
                day.label()
            ),
            Said::NotAClockTime { day, from, to } => format!(
                "{} {from}–{to}: give times as the clock shows them, 00:00 to 24:00.",
                day.label()
            ),
            Said::SpansOverlap { day } => format!(
                "Two spans of {} overlap: join them into one.",
                day.label()
            ),
            Said::TargetOutOfRange { max_days } => format!(
                "A target is more than zero and at most {max_days} days."
            ),
            Said::StatusLabelTaken { label } => {
                format!("There is a status called “{label}” already.")
            }
            Said::LastOfItsState { state } => format!(
                "The pipeline needs at least one {} status: add another one first.",
                state.as_str()
            ),
            Said::StatusInUse {
                label,
                tickets,
                channels,
                moves,
            } => {
                let mut uses = Vec::new();
                if *tickets > 0 {
                    let s = if *tickets == 1 { "" } else { "s" };
                    uses.push(format!("{tickets} ticket{s} have it"));
                }
                uses.extend(channels.iter().map(|c| format!("{c} gives it to new tickets")));
                uses.extend(moves.iter().map(|c| format!("the move of {c} maps to it")));
                format!(
                    "“{label}” is in use, so it can't be deleted: {}.",
                    join_names(&uses)
                )
            }
            Said::InboxNameTaken { name } => format!("There is an inbox called “{name}” already."),
            Said::FallbackNeedsInbox => {
                "A fallback address belongs to an inbox: choose the inbox it catches mail for.".into()
            }
            Said::FallbackTaken { inbox } => format!(
                "{inbox} has its fallback address already: an inbox has one."
            ),
            Said::ThankYouNotHttps => {
                "Give the full address of a page on the web, starting with https://.".into()
            }
            Said::ReplyFromNotEmail => {
                "Answers go out from one of your email channels: choose one.".into()
            }
            Said::ThankYouOnlyForForms => {
                "Only a form sends its visitors to a thank-you page.".into()
            }
            Said::NotAPhoneNumber => {
                "Give the number in international form: + and the country code, like +47 22 12 34 56.".into()
            }
            Said::AddressTaken { channel } => {
                format!("The channel “{channel}” has this address already.")
            }
            Said::RoutedToDeactivated { name } => format!(
                "{name} is deactivated: choose someone who takes conversations."
            ),
            Said::RoutedToWithoutAccess { name } => format!(
                "{name} has no help desk access, so can't own this channel's tickets: give them access or choose someone else."
            ),
            Said::BotActionNeedsText { number, action } => format!(
                "Bot action {number} “{}” needs its words.",
                action.label()
            ),
            Said::BotActionNeedsPeople { number } => {
                format!("Bot action {number} “Send to team member” needs at least one person.")
            }
            Said::RequesterNotAllowed => {
                "Whoever scheduled this move is no longer an active super admin, so it did not start. A super admin can schedule it again.".into()
            }
        }
    }
}

/// "A", "A and B", "A, B and C".
pub(crate) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

//! R30: inboxes, the channels super admins connect to them (or straight to help
//! desk), a channel's R6 settings and a chat chatflow's bot, each checked here
//! once, for the browser beside the field and for the server's 422.

use serde::{Deserialize, Serialize};

use crate::domain::{
    Bot, BotActionKind, Channel, ChannelKind, ChannelSettings, Inbox, InboxId, Pipeline, Routing,
    User, UserId, Workspace,
};
use crate::requests::{all_or_errors, Text};
use crate::said::Said;
use crate::setup::{check_email, check_name};
use crate::validation::FieldError;

/// A signature is a few lines, not a letter.
pub const MAX_SIGNATURE_CHARS: usize = 2_000;
/// What one bot message says or asks.
pub const MAX_BOT_TEXT_CHARS: usize = 1_000;
pub const MAX_BOT_ACTIONS: usize = 50;
/// E.164: a country code and a number, at most 15 digits together.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;

/// `POST /api/inboxes` and `PATCH /api/inboxes/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxName {
    pub name: String,
}

/// `POST /api/channels`: `inbox_id` null connects it straight to help desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewChannel {
    pub inbox_id: Option<InboxId>,
    pub kind: ChannelKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// `PATCH /api/channels/{id}`: what changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<ChannelSettings>,
}

/// `PUT /api/chatflows/{id}/bot`: the bot's actions in order, or `null` for none.
pub type BotRequest = Option<Bot>;

/// The account as a channel's validation needs it.
#[derive(Clone, Copy, Debug)]
pub struct Account<'a> {
    pub inboxes: &'a [Inbox],
    /// Every channel, in inboxes and in help desk.
    pub channels: &'a [Channel],
    pub users: &'a [User],
    pub pipeline: Option<&'a Pipeline>,
}

/// Whether a channel of `kind` must be given its address.
pub fn address_required(kind: ChannelKind) -> bool {
    matches!(
        kind,
        ChannelKind::Email | ChannelKind::FallbackEmail | ChannelKind::Calling
    )
}

/// What a person calls the address of a channel of `kind`.
fn address_words(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Calling | ChannelKind::Whatsapp => "phone number",
        ChannelKind::Email | ChannelKind::FallbackEmail => "email address",
        _ => "address",
    }
}

/// A phone number in international form: `+`, then 7–15 digits, spaces, dashes,
/// dots and parentheses allowed between them for reading.
pub fn looks_like_phone(number: &str) -> bool {
    let Some(rest) = number.trim().strip_prefix('+') else {
        return false;
    };
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    rest.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
        && rest
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit() && c != '0')
        && PHONE_DIGITS.contains(&digits)
}

/// The form two addresses are compared in: emails without case, phone numbers
/// as their digits, identifiers without case.
pub fn address_key(kind: ChannelKind, address: &str) -> String {
    match kind {
        ChannelKind::Calling | ChannelKind::Whatsapp if address.trim().starts_with('+') => {
            let digits: String = address.chars().filter(char::is_ascii_digit).collect();
            format!("+{digits}")
        }
        _ => address.trim().to_lowercase(),
    }
}

/// An identifier for a channel known by its name ("Contact us form" →
/// "contact-us-form"), made unique among `taken` with "-2", "-3", ….
pub fn identifier(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut slug = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = match slug.trim_end_matches('-') {
        "" => "channel".to_string(),
        s => s.to_string(),
    };
    (1..)
        .map(|n| {
            if n == 1 {
                slug.clone()
            } else {
                format!("{slug}-{n}")
            }
        })
        .find(|s| !taken(s))
        .unwrap_or(slug)
}

/// Every field of a new inbox's (or a renamed one's) name that is wrong.
pub fn validate_inbox_name(
    req: &InboxName,
    inboxes: &[Inbox],
    except: Option<InboxId>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    check_name("name", "inbox name", &req.name, &mut errors);
    let wanted = req.name.trim().to_lowercase();
    if errors.is_empty()
        && inboxes
            .iter()
            .any(|i| Some(i.id) != except && i.name.trim().to_lowercase() == wanted)
    {
        errors.push(FieldError::new(
            "name",
            Said::InboxNameTaken {
                name: req.name.trim().to_string(),
            },
        ));
    }
    all_or_errors(errors, ())
}

/// The address a new channel gets: the one given, trimmed, or for a channel
/// known by its name, an identifier made from it.
pub fn address_of(req: &NewChannel, channels: &[Channel]) -> String {
    match req.address.as_deref().map(str::trim) {
        Some(a) if !a.is_empty() => a.to_string(),
        _ => identifier(&req.name, |s| {
            channels
                .iter()
                .any(|c| address_key(c.kind, &c.address) == s)
        }),
    }
}

/// Every field of a new channel that is wrong (R30).
pub fn validate_new_channel(
    req: &NewChannel,
    account: &Account<'_>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    check_name("name", "channel name", &req.name, &mut errors);
    if let Some(id) = req.inbox_id {
        if !account.inboxes.iter().any(|i| i.id == id) {
            errors.push(FieldError::plain(
                "inbox_id",
                format!("There is no inbox {id}: choose one of your inboxes, or help desk."),
            ));
        }
    }
    let address = req.address.as_deref().unwrap_or("").trim();
    if address.is_empty() {
        if address_required(req.kind) {
            errors.push(FieldError::new(
                "address",
                Said::Empty {
                    what: address_words(req.kind).into(),
                },
            ));
        }
    } else {
        check_address(req.kind, address, &mut errors);
    }
    if req.kind == ChannelKind::FallbackEmail {
        match req
            .inbox_id
            .and_then(|id| account.inboxes.iter().find(|i| i.id == id))
        {
            None if req.inbox_id.is_none() => {
                errors.push(FieldError::new("inbox_id", Said::FallbackNeedsInbox))
            }
            Some(inbox)
                if account.channels.iter().any(|c| {
                    c.inbox_id == Some(inbox.id) && c.kind == ChannelKind::FallbackEmail
                }) =>
            {
                errors.push(FieldError::new(
                    "kind",
                    Said::FallbackTaken {
                        inbox: inbox.name.clone(),
                    },
                ))
            }
            _ => {}
        }
    }
    if !errors.iter().any(|e| e.field == "address") && !address.is_empty() {
        check_address_free(req.kind, address, account.channels, &mut errors);
    }
    all_or_errors(errors, ())
}

/// An address as its kind needs it: an email address, a phone number in
/// international form, or an identifier of at most 80 characters.
fn check_address(kind: ChannelKind, address: &str, errors: &mut Vec<FieldError>) {
    match kind {
        ChannelKind::Email | ChannelKind::FallbackEmail => check_email("address", address, errors),
        ChannelKind::Calling | ChannelKind::Whatsapp => {
            if !looks_like_phone(address) {
                errors.push(FieldError::new("address", Said::NotAPhoneNumber));
            }
        }
        ChannelKind::Form | ChannelKind::Chat | ChannelKind::Messenger => {
            check_name("address", "address", address, errors)
        }
    }
}

/// R30: no two channels of the account share an address.
fn check_address_free(
    kind: ChannelKind,
    address: &str,
    channels: &[Channel],
    errors: &mut Vec<FieldError>,
) {
    let key = address_key(kind, address);
    if let Some(other) = channels
        .iter()
        .find(|c| address_key(c.kind, &c.address) == key)
    {
        errors.push(FieldError::new(
            "address",
            Said::AddressTaken {
                channel: other.name.clone(),
            },
        ));
    }
}

/// Every field of a change to `channel` that is wrong (R6, R30): its name, and
/// settings that name a signature too long, a user who can't take its
/// conversations, or a status outside the pipeline.
pub fn validate_channel_patch(
    patch: &ChannelPatch,
    channel: &Channel,
    account: &Account<'_>,
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if *patch == ChannelPatch::default() {
        errors.push(FieldError::plain(
            "name",
            "Say what changes: name or settings.",
        ));
    }
    if let Some(name) = &patch.name {
        check_name("name", "channel name", name, &mut errors);
    }
    if let Some(settings) = &patch.settings {
        check_settings(settings, channel, account, &mut errors);
    }
    all_or_errors(errors, ())
}

fn check_settings(
    settings: &ChannelSettings,
    channel: &Channel,
    account: &Account<'_>,
    errors: &mut Vec<FieldError>,
) {
    if let Some(signature) = &settings.signature {
        Text {
            field: "settings.signature",
            what: "signature",
            max: MAX_SIGNATURE_CHARS,
            required: false,
        }
        .check(signature, errors);
    }
    if let Routing::User { user_id } = settings.routing {
        match account.users.iter().find(|u| u.id == user_id) {
            None => errors.push(FieldError::plain(
                "settings.routing.user_id",
                format!("There is no user {user_id} in your company."),
            )),
            Some(u) if !u.takes_work() => errors.push(FieldError::new(
                "settings.routing.user_id",
                Said::RoutedToDeactivated {
                    name: u.name.clone(),
                },
            )),
            Some(u) if channel.workspace == Workspace::HelpDesk && !u.works_in_help_desk() => {
                errors.push(FieldError::new(
                    "settings.routing.user_id",
                    Said::RoutedToWithoutAccess {
                        name: u.name.clone(),
                    },
                ))
            }
            Some(_) => {}
        }
    }
    let thank_you = settings
        .thank_you_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    if let Some(url) = thank_you {
        if channel.kind != ChannelKind::Form {
            errors.push(FieldError::new(
                "settings.thank_you_url",
                Said::ThankYouOnlyForForms,
            ));
        } else if !is_https_url(url) {
            errors.push(FieldError::new(
                "settings.thank_you_url",
                Said::ThankYouNotHttps,
            ));
        }
    }
    if let Some(from) = settings.reply_from_channel_id {
        let email = account
            .channels
            .iter()
            .any(|c| c.id == from && c.kind == ChannelKind::Email);
        if !email || channel.kind == ChannelKind::Email {
            errors.push(FieldError::new(
                "settings.reply_from_channel_id",
                Said::ReplyFromNotEmail,
            ));
        }
    }
    if let Some(id) = settings.ticket_status_id {
        if account.pipeline.and_then(|p| p.status(id)).is_none() {
            errors.push(FieldError::plain(
                "settings.ticket_status_id",
                format!("There is no ticket status {id} in the help desk pipeline."),
            ));
        }
    }
}

/// Every action of a bot that is wrong (R30): a message or question without
/// words, a "send to team member" to nobody or to someone who isn't a user.
pub fn validate_bot(bot: &Bot, users: &[User]) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if bot.actions.len() > MAX_BOT_ACTIONS {
        errors.push(FieldError::plain(
            "actions",
            format!("A bot has at most {MAX_BOT_ACTIONS} actions."),
        ));
    }
    for (i, action) in bot.actions.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match action.kind {
            BotActionKind::SendMessage | BotActionKind::AskQuestion => {
                let text = action.text.as_deref().unwrap_or("");
                if text.trim().is_empty() {
                    errors.push(FieldError::new(
                        "actions.text",
                        Said::BotActionNeedsText {
                            number,
                            action: action.kind,
                        },
                    ));
                } else if text.chars().count() > MAX_BOT_TEXT_CHARS {
                    errors.push(FieldError::new(
                        "actions.text",
                        Said::TooLong {
                            what: "bot message".into(),
                            max: MAX_BOT_TEXT_CHARS as u64,
                        },
                    ));
                }
            }
            BotActionKind::SendToTeamMember => {
                if action.target_user_ids.is_empty() {
                    errors.push(FieldError::new(
                        "actions.target_user_ids",
                        Said::BotActionNeedsPeople { number },
                    ));
                }
                if let Some(unknown) = action
                    .target_user_ids
                    .iter()
                    .find(|id| !users.iter().any(|u| u.id == **id))
                {
                    errors.push(FieldError::plain(
                        "actions.target_user_ids",
                        format!("Bot action {number}: there is no user {unknown} in your company."),
                    ));
                }
            }
            BotActionKind::CreateTicket => {}
        }
    }
    all_or_errors(errors, ())
}

/// The bot as it is kept: texts trimmed, only where they belong, targets only
/// on "send to team member", each once.
pub fn tidied_bot(bot: &Bot) -> Bot {
    Bot {
        actions: bot
            .actions
            .iter()
            .map(|a| {
                let mut a = a.clone();
                match a.kind {
                    BotActionKind::SendMessage | BotActionKind::AskQuestion => {
                        a.text = a.text.map(|t| t.trim().to_string());
                        a.target_user_ids.clear();
                    }
                    BotActionKind::SendToTeamMember => {
                        a.text = None;
                        let mut seen = Vec::new();
                        a.target_user_ids.retain(|id| {
                            let fresh = !seen.contains(id);
                            seen.push(*id);
                            fresh
                        });
                    }
                    BotActionKind::CreateTicket => {
                        a.text = None;
                        a.target_user_ids.clear();
                    }
                }
                a
            })
            .collect(),
    }
}

/// The longest thank-you address a form takes.
pub const MAX_URL_CHARS: usize = 2000;

/// An absolute `https://` address with a host, nothing a browser would read
/// otherwise (spaces, control characters, quotes, angle brackets).
pub fn is_https_url(url: &str) -> bool {
    let url = url.trim();
    let Some(rest) = url
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])
    else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    !host.is_empty()
        && !host.starts_with(':')
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`')
        })
}

/// The settings as they are kept: the signature and the thank-you address
/// trimmed, none when empty.
pub fn tidied_settings(settings: &ChannelSettings) -> ChannelSettings {
    ChannelSettings {
        signature: settings
            .signature
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        thank_you_url: settings
            .thank_you_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        ..settings.clone()
    }
}

/// R30: who routing gives a new conversation on a channel to. Automation off,
/// or routing to nobody: no one. One user: them, while they take work (and, for
/// a ticket, work in help desk: else the ticket is unassigned and the report
/// says why). Round robin: the next after `last` in id order of the users who
/// take work, over those with help desk access when it gets a ticket.
pub fn routed_to(
    settings: &ChannelSettings,
    users: &[User],
    last: Option<UserId>,
    gets_ticket: bool,
) -> Option<UserId> {
    if !settings.automation {
        return None;
    }
    match settings.routing {
        Routing::None => None,
        Routing::User { user_id } => users
            .iter()
            .find(|u| u.id == user_id && u.takes_work())
            .map(|u| u.id),
        Routing::RoundRobin => {
            let mut turn: Vec<UserId> = users
                .iter()
                .filter(|u| {
                    u.state == crate::domain::UserState::Active
                        && (!gets_ticket || u.works_in_help_desk())
                })
                .map(|u| u.id)
                .collect();
            turn.sort();
            turn.iter()
                .find(|id| last.is_none_or(|l| **id > l))
                .or(turn.first())
                .copied()
        }
    }
}

#[cfg(test)]
mod tests;

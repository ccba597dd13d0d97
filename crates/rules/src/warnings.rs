//! The preflight warnings the move dialog shows; they never block a move (R5, R20).

use chrono::{DateTime, Duration, Utc};

use crate::domain::{Activity, ChannelKind, InboxId, SlaPolicy, User, Warning, WarningCode};
use crate::said::Said;

/// **decision**: a channel is busy when more than [`BUSY_THRESHOLD`] conversations
/// started in it during the last [`BUSY_WINDOW_MINUTES`] minutes. Twenty an hour is
/// one every three minutes: enough that agents would notice conversations shifting
/// under them while the move runs.
pub const BUSY_THRESHOLD: u64 = 20;
pub const BUSY_WINDOW_MINUTES: i64 = 60;

/// R24: how many days of arrivals the activity by hour averages.
pub const ACTIVITY_DAYS: u32 = 28;

/// The start of the window [`activity`] averages.
pub fn activity_window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(i64::from(ACTIVITY_DAYS))
}

/// R24: a channel's activity from its arrivals in each UTC hour of the day over
/// the last [`ACTIVITY_DAYS`] days. The quietest hour is the one with the fewest;
/// of equals, the earliest.
pub fn activity(last_hour: u64, arrivals_by_hour: &[u64; 24]) -> Activity {
    let quietest_hour = (0u8..24)
        .min_by_key(|h| (arrivals_by_hour[usize::from(*h)], *h))
        .unwrap_or(0);
    Activity {
        last_hour,
        by_hour: arrivals_by_hour
            .iter()
            .map(|n| *n as f64 / f64::from(ACTIVITY_DAYS))
            .collect(),
        quietest_hour,
    }
}

/// The start of the window whose arrivals decide [`WarningCode::BusyChannel`].
pub fn busy_window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::minutes(BUSY_WINDOW_MINUTES)
}

/// R20: whether a channel is one of the email channels agents answer a form's
/// submissions from: an email channel of the form's inbox still in the inbox.
pub fn is_linked_email(
    form_inbox_id: Option<InboxId>,
    inbox_id: Option<InboxId>,
    kind: ChannelKind,
    workspace: crate::domain::Workspace,
) -> bool {
    inbox_id.is_some()
        && inbox_id == form_inbox_id
        && kind == ChannelKind::Email
        && workspace == crate::domain::Workspace::Inbox
}

/// What the warnings need to know of the channel and its account.
#[derive(Clone, Copy, Debug)]
pub struct WarningFacts<'a> {
    pub kind: ChannelKind,
    pub users: &'a [User],
    pub sla_policy: Option<&'a SlaPolicy>,
    /// Conversations that started in the channel since [`busy_window_start`].
    pub recent_arrivals: u64,
    /// R24: the channel's quietest UTC hour, which the busy warning names.
    pub quietest_hour: Option<u8>,
    /// Names of the inbox's email channels that are still in the inbox (R20).
    pub linked_email_channels: &'a [String],
    /// Whether the admin already ticked "Turn off notifications during the move".
    pub mute_notifications: bool,
}

/// How many names a warning lists before it says "and N more".
const NAMES_SHOWN: usize = 5;

pub fn warnings(f: &WarningFacts<'_>) -> Vec<Warning> {
    let mut out = Vec::new();
    let without: Vec<&User> = f
        .users
        .iter()
        .filter(|u| u.lacks_help_desk_access())
        .collect();
    if !without.is_empty() {
        out.push(Warning::new(
            WarningCode::AgentsWithoutAccess,
            Said::PeopleWithoutAccess {
                count: without.len() as u64,
                names: without
                    .iter()
                    .take(NAMES_SHOWN)
                    .map(|u| u.name.clone())
                    .collect(),
            },
        ));
    }
    if f.sla_policy.is_none() {
        out.push(Warning::new(WarningCode::NoSlaPolicy, Said::NoSlaPolicy));
    }
    if f.recent_arrivals > BUSY_THRESHOLD {
        out.push(Warning::new(
            WarningCode::BusyChannel,
            Said::BusyChannel {
                arrivals: f.recent_arrivals,
                quiet_hour: f.quietest_hour,
            },
        ));
    }
    if !f.mute_notifications {
        out.push(Warning::new(
            WarningCode::Notifications,
            Said::Notifications,
        ));
    }
    if f.kind == ChannelKind::Form {
        out.push(Warning::new(
            WarningCode::FormLinkedEmail,
            Said::FormLinkedEmail {
                still_in_inbox: f.linked_email_channels.to_vec(),
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::fixtures::sla;
    use chrono::TimeZone;

    fn user(name: &str, access: bool) -> User {
        let n = name
            .bytes()
            .fold(0i64, |n, b| n * 31 % 1_000_003 + b as i64);
        User {
            id: crate::domain::UserId::of(n),
            name: name.into(),
            email: format!("{}@demo.test", name.to_lowercase()),
            role: Role::Agent,
            help_desk_access: access,
            state: crate::domain::UserState::Active,
            last_sign_in_at: None,
            help_desk_tickets: 0,
        }
    }

    fn codes(w: &[Warning]) -> Vec<WarningCode> {
        w.iter().map(|w| w.code).collect()
    }

    fn quiet<'a>(users: &'a [User], sla: &'a SlaPolicy) -> WarningFacts<'a> {
        WarningFacts {
            kind: ChannelKind::Email,
            users,
            sla_policy: Some(sla),
            recent_arrivals: 0,
            quietest_hour: None,
            linked_email_channels: &[],
            mute_notifications: true,
        }
    }

    #[test]
    fn a_well_prepared_quiet_move_has_no_warnings() {
        // R5
        let users = vec![user("Sam", true)];
        let sla = sla();
        assert!(warnings(&quiet(&users, &sla)).is_empty());
    }

    #[test]
    fn users_without_help_desk_access_are_counted_and_named() {
        // R5
        let users = vec![user("Sam", true), user("Noor", false), user("Ola", false)];
        let sla = sla();
        let w = warnings(&quiet(&users, &sla));
        assert_eq!(codes(&w), vec![WarningCode::AgentsWithoutAccess]);
        assert!(w[0]
            .message
            .starts_with("2 users have no help desk access: Noor and Ola."));
        let one = vec![user("Noor", false)];
        assert!(warnings(&quiet(&one, &sla))[0]
            .message
            .starts_with("1 user has no help desk access: Noor."));
    }

    #[test]
    fn a_long_list_of_users_without_access_is_cut_short() {
        // R5
        let users: Vec<User> = (0..8).map(|i| user(&format!("U{i}"), false)).collect();
        let sla = sla();
        let w = warnings(&quiet(&users, &sla));
        assert!(
            w[0].message.contains("U0, U1, U2, U3, U4 and 3 more"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn no_sla_policy_warns() {
        // R5
        let users = vec![];
        let sla = sla();
        let mut f = quiet(&users, &sla);
        f.sla_policy = None;
        assert_eq!(codes(&warnings(&f)), vec![WarningCode::NoSlaPolicy]);
    }

    #[test]
    fn a_busy_channel_suggests_a_quieter_time_above_the_threshold_only() {
        // R5
        let users = vec![];
        let sla = sla();
        let mut f = quiet(&users, &sla);
        f.recent_arrivals = BUSY_THRESHOLD;
        assert!(warnings(&f).is_empty());
        f.recent_arrivals = BUSY_THRESHOLD + 1;
        let w = warnings(&f);
        assert_eq!(codes(&w), vec![WarningCode::BusyChannel]);
        assert!(w[0]
            .message
            .contains("21 new conversations in the last hour"));
        assert!(w[0].message.contains("quieter time"));
        // R24: with the channel's activity known, it names the quiet hour.
        f.quietest_hour = Some(2);
        assert!(warnings(&f)[0]
            .message
            .ends_with("It is quietest around 02:00 UTC."));
    }

    #[test]
    fn the_quietest_hour_has_the_fewest_arrivals_and_the_mean_is_per_day() {
        // R24
        let mut by_hour = [56u64; 24];
        by_hour[3] = 0;
        by_hour[4] = 0;
        by_hour[9] = 280;
        let a = activity(7, &by_hour);
        assert_eq!(
            (a.last_hour, a.quietest_hour),
            (7, 3),
            "of equals, the earliest"
        );
        assert_eq!(a.by_hour.len(), 24);
        assert_eq!((a.by_hour[0], a.by_hour[3], a.by_hour[9]), (2.0, 0.0, 10.0));
        assert_eq!(
            activity_window_start(Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).unwrap()),
            Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_busy_window_is_the_last_hour() {
        // R5
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(
            busy_window_start(now),
            Utc.with_ymd_and_hms(2026, 11, 22, 11, 0, 0).unwrap()
        );
    }

    #[test]
    fn notifications_warn_and_offer_to_turn_them_off_until_ticked() {
        // R5, R22
        let users = vec![];
        let sla = sla();
        let mut f = quiet(&users, &sla);
        f.mute_notifications = false;
        let w = warnings(&f);
        assert_eq!(codes(&w), vec![WarningCode::Notifications]);
        assert!(w[0]
            .message
            .contains("Turn off notifications during the move"));
    }

    #[test]
    fn a_form_s_linked_channels_are_its_inbox_s_email_channels_still_in_the_inbox() {
        // R20
        use crate::domain::Workspace;
        let one = Some(InboxId::of(1));
        assert!(is_linked_email(
            one,
            one,
            ChannelKind::Email,
            Workspace::Inbox
        ));
        assert!(
            !is_linked_email(
                one,
                Some(InboxId::of(2)),
                ChannelKind::Email,
                Workspace::Inbox
            ),
            "another inbox"
        );
        assert!(
            !is_linked_email(None, None, ChannelKind::Email, Workspace::HelpDesk),
            "both connected straight to help desk: no inbox links them"
        );
        assert!(
            !is_linked_email(one, one, ChannelKind::Email, Workspace::HelpDesk),
            "already moved"
        );
        assert!(!is_linked_email(
            one,
            one,
            ChannelKind::FallbackEmail,
            Workspace::Inbox
        ));
        assert!(!is_linked_email(
            one,
            one,
            ChannelKind::Chat,
            Workspace::Inbox
        ));
    }

    #[test]
    fn moving_a_form_warns_about_the_linked_email_channels() {
        // R20
        let users = vec![];
        let sla = sla();
        let linked = vec!["Support email".to_string(), "Billing email".to_string()];
        let mut f = quiet(&users, &sla);
        f.kind = ChannelKind::Form;
        f.linked_email_channels = &linked;
        let w = warnings(&f);
        assert_eq!(codes(&w), vec![WarningCode::FormLinkedEmail]);
        assert!(w[0]
            .message
            .contains("Still in the inbox: Support email and Billing email."));
        f.linked_email_channels = &[];
        assert!(!warnings(&f)[0].message.contains("Still in the inbox"));
        f.kind = ChannelKind::Email;
        assert!(warnings(&f).is_empty());
    }
}

//! The demo account of DEMO.md: the same world for every person and every acceptance check.

use chrono::{DateTime, Duration, Utc};
use deskmove_rules::{
    Bot, BotAction, BotActionKind, ChannelKind, ChannelSettings, ChatflowKind, Role, Routing,
    StatusState, Workspace,
};
use sqlx::Connection;

use crate::auth::hash_password;
use crate::store::{self, NewConversation, NewTicketRow, Store, StoreError, StoreResult};

pub const PASSWORD: &str = "deskmove-demo";
pub const INGEST_TOKEN: &str = "demo-ingest-token";

pub const USERS: [(&str, &str, Role, bool); 4] = [
    ("ada@demo.test", "Ada Admin", Role::SuperAdmin, true),
    ("sam@demo.test", "Sam Support", Role::Agent, true),
    ("noor@demo.test", "Noor Sales", Role::Agent, false),
    ("lee@demo.test", "Lee Lead", Role::SuperAdmin, true),
];

/// A deterministic stream of numbers (splitmix64), so every demo has the same conversations.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const FIRST_NAMES: [&str; 12] = [
    "Maria", "Jonas", "Aiko", "Liam", "Fatima", "Noah", "Ingrid", "Mateo", "Priya", "Oskar",
    "Chloe", "Tariq",
];
const LAST_NAMES: [&str; 10] = [
    "Berg", "Okafor", "Tanaka", "Silva", "Novak", "Haddad", "Larsen", "Moreau", "Iyer", "Walsh",
];
const SUBJECTS: [&str; 10] = [
    "Can't sign in to my account",
    "Invoice shows the wrong amount",
    "How do I export my data?",
    "Order arrived damaged",
    "Question about the Pro plan",
    "Password reset email never came",
    "Feature request: dark mode",
    "Refund for duplicate charge",
    "Integration stopped syncing",
    "Change the billing address",
];

/// Creates the demo account on an empty database; on one that has data it changes
/// nothing and answers `false`. `now` anchors the conversations' 90 days.
pub async fn seed(store: &Store, conversations: u32, now: DateTime<Utc>) -> StoreResult<bool> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    // Hash before the transaction: it is slow, and nothing should wait on it.
    let hashes = tokio::task::spawn_blocking(|| {
        USERS
            .iter()
            .map(|_| hash_password(PASSWORD))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("hashing task: {e}")))?
    .map_err(|e| StoreError::Corrupt(format!("hashing: {e}")))?;

    let mut conn = store.bulk_connection().await?;
    let mut tx = conn.begin().await?;
    let account = store::insert_account(&mut tx, "Demo Co").await?;
    let mut user_ids = Vec::new();
    for ((email, name, role, access), hash) in USERS.iter().zip(&hashes) {
        user_ids
            .push(store::insert_user(&mut tx, account, name, email, *role, *access, hash).await?);
    }
    let [ada, sam, noor, _lee] = user_ids[..] else {
        unreachable!("four demo users")
    };

    let (pipeline, statuses) = store::insert_pipeline(
        &mut tx,
        account,
        "Support pipeline",
        &[
            ("New", StatusState::Open),
            ("Waiting on contact", StatusState::Open),
            ("Waiting on us", StatusState::Open),
            ("Closed", StatusState::Closed),
        ],
    )
    .await?;
    store::insert_sla_policy(&mut tx, account, "Standard", 4 * 3600, 48 * 3600).await?;

    let support = store::insert_inbox(&mut tx, account, "Support").await?;
    let sales = store::insert_inbox(&mut tx, account, "Sales").await?;
    let signature = |team: &str| ChannelSettings {
        signature: Some(format!("— The Demo Co {team} team")),
        automation: vec!["Auto-reply outside business hours".into()],
        ..ChannelSettings::default()
    };
    let plan: [(ChannelKind, &str, &str, i64, ChannelSettings); 10] = [
        (
            ChannelKind::Email,
            "Support email",
            "support@demo.test",
            support,
            signature("support"),
        ),
        (
            ChannelKind::Form,
            "Contact us form",
            "contact-form",
            support,
            ChannelSettings::default(),
        ),
        (
            ChannelKind::Calling,
            "Support line",
            "+1 555 0100",
            support,
            ChannelSettings::default(),
        ),
        (
            ChannelKind::Chat,
            "Website chat",
            "website-chat",
            support,
            ChannelSettings::default(),
        ),
        (
            ChannelKind::Chat,
            "Welcome bot",
            "welcome-bot",
            support,
            ChannelSettings {
                routing: Routing {
                    owner_id: Some(sam.to_string()),
                },
                ..ChannelSettings::default()
            },
        ),
        (
            ChannelKind::Chat,
            "Pricing bot",
            "pricing-bot",
            support,
            ChannelSettings::default(),
        ),
        (
            ChannelKind::Whatsapp,
            "WhatsApp",
            "+1 555 0101",
            support,
            ChannelSettings::default(),
        ),
        (
            ChannelKind::Messenger,
            "Facebook Messenger",
            "demo-co",
            support,
            ChannelSettings::default(),
        ),
        (
            ChannelKind::FallbackEmail,
            "Fallback address",
            "fallback@inbox.demo.test",
            support,
            ChannelSettings::default(),
        ),
        (
            ChannelKind::Email,
            "Sales email",
            "sales@demo.test",
            sales,
            signature("sales"),
        ),
    ];
    let mut channel_ids = Vec::new();
    for (kind, name, address, inbox, settings) in &plan {
        channel_ids.push(
            store::insert_channel(
                &mut tx,
                account,
                *inbox,
                *kind,
                name,
                address,
                Workspace::Inbox,
                settings,
            )
            .await?,
        );
    }
    let [support_email, form, calling, website_chat, welcome_bot, pricing_bot, whatsapp, messenger, fallback, _sales_email] =
        channel_ids[..]
    else {
        unreachable!("ten demo channels")
    };

    let say = |kind| BotAction {
        kind,
        target_user_ids: vec![],
    };
    store::insert_chatflow(
        &mut tx,
        account,
        "Website chat",
        ChatflowKind::Chat,
        website_chat,
        None,
    )
    .await?;
    store::insert_chatflow(
        &mut tx,
        account,
        "Welcome bot",
        ChatflowKind::Chat,
        welcome_bot,
        Some(&Bot {
            actions: vec![
                say(BotActionKind::SendMessage),
                say(BotActionKind::AskQuestion),
                BotAction {
                    kind: BotActionKind::SendToTeamMember,
                    target_user_ids: vec![sam.to_string()],
                },
            ],
        }),
    )
    .await?;
    store::insert_chatflow(
        &mut tx,
        account,
        "Pricing bot",
        ChatflowKind::Chat,
        pricing_bot,
        Some(&Bot {
            actions: vec![
                say(BotActionKind::SendMessage),
                say(BotActionKind::CreateTicket),
            ],
        }),
    )
    .await?;
    store::insert_chatflow(
        &mut tx,
        account,
        "WhatsApp",
        ChatflowKind::Whatsapp,
        whatsapp,
        None,
    )
    .await?;
    store::insert_chatflow(
        &mut tx,
        account,
        "Facebook Messenger",
        ChatflowKind::Messenger,
        messenger,
        None,
    )
    .await?;

    // Where the Support inbox's conversations start, weighted (percent).
    let spread = [
        (support_email, 30),
        (form, 12),
        (calling, 10),
        (website_chat, 15),
        (welcome_bot, 8),
        (pricing_bot, 7),
        (whatsapp, 8),
        (messenger, 5),
        (fallback, 5),
    ];
    let owners = [Some(ada), Some(sam), Some(noor), None];
    let open_statuses = &statuses[..3];
    let closed_status = statuses[3];
    let mut dice = Dice(0x00de_5c30_7e00_0001);
    let ninety_days = Duration::days(90).num_milliseconds() as u64;
    let now_ms = now.timestamp_millis();
    // Rows are made and written a chunk at a time: memory stays flat whatever N is.
    let mut rows = Vec::with_capacity(SEED_CHUNK);
    for i in 0..conversations {
        let mut roll = dice.below(100);
        let original = spread
            .iter()
            .find(|(_, weight)| {
                let hit = roll < *weight;
                roll = roll.saturating_sub(*weight);
                hit
            })
            .map(|(id, _)| *id)
            .unwrap_or(support_email);
        // R19, R20: some chats were transferred to email, and some form threads went on by email.
        let current = if (original == website_chat && dice.below(4) == 0)
            || (original == form && dice.below(5) == 0)
        {
            support_email
        } else {
            original
        };
        let closed = dice.below(3) == 0;
        let owner = owners[dice.below(4) as usize];
        let started_at = now_ms - dice.below(ninety_days) as i64;
        let ticket = (dice.below(5) == 0).then(|| NewTicketRow {
            status_id: if closed {
                closed_status
            } else {
                open_statuses[dice.below(3) as usize]
            },
            owner_id: owner,
            created_at: started_at + dice.below(3_600_000) as i64,
        });
        let contact = format!(
            "{} {}",
            FIRST_NAMES[dice.below(FIRST_NAMES.len() as u64) as usize],
            LAST_NAMES[dice.below(LAST_NAMES.len() as u64) as usize]
        );
        rows.push((
            NewConversation {
                original_channel_id: original,
                current_channel_id: current,
                status: if closed { "closed" } else { "open" },
                owner_id: owner,
                started_at,
                workspace: Workspace::Inbox,
                contact,
                subject: format!(
                    "{} (#{})",
                    SUBJECTS[dice.below(SUBJECTS.len() as u64) as usize],
                    i + 1
                ),
            },
            ticket,
        ));
        if rows.len() == SEED_CHUNK {
            store::insert_conversations(&mut tx, account, pipeline, &rows).await?;
            rows.clear();
        }
    }
    store::insert_conversations(&mut tx, account, pipeline, &rows).await?;
    tx.commit().await?;
    conn.close().await?;
    Ok(true)
}

/// Conversations generated before they are written.
const SEED_CHUNK: usize = 20_000;

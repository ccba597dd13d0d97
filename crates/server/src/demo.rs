//! Seeds the demo account of DEMO.md (`deskmove_rules::demo`): the same world for
//! every person and every acceptance check, with conversations generated over 90 days.

use chrono::{DateTime, Duration, Utc};
use deskmove_rules::demo::{self, CONTACT_FORM, SPREAD, SUPPORT_EMAIL, WEBSITE_CHAT};
use deskmove_rules::{UserId, Workspace};
use sqlx::{Connection, Row};

use crate::auth::hash_password;
use crate::store::{
    self, NewChannel, NewConversation, NewTicketRow, NewUser, Store, StoreError, StoreResult,
};

pub use deskmove_rules::demo::{INGEST_TOKEN, PASSWORD};

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
    let users = demo::users();
    // Hash before the transaction: it is slow, and nothing should wait on it.
    let count = users.len();
    let hashes = tokio::task::spawn_blocking(move || {
        (0..count)
            .map(|_| hash_password(PASSWORD))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("hashing task: {e}")))?
    .map_err(|e| StoreError::Corrupt(format!("hashing: {e}")))?;

    let mut conn = store.bulk_connection().await?;
    let mut tx = store.begin_bulk(&mut conn).await?;
    // Servers started together on one empty database: the first to hold the write
    // lock seeds, and the others find its account here.
    let accounts: i64 = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?;
    if accounts > 0 {
        return Ok(false);
    }
    // On an empty database rows get the world's ids in order; say so if they don't.
    let expect = |what: &str, got: i64, want: i64| {
        if got == want {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!(
                "the demo's {what} got id {got}, not {want}: seed an empty database"
            )))
        }
    };
    let account = store::insert_account(&mut tx, demo::ACCOUNT).await?;
    for (u, hash) in users.iter().zip(&hashes) {
        let new = NewUser {
            name: &u.name,
            email: &u.email,
            role: u.role,
            help_desk_access: u.help_desk_access,
            password_hash: hash,
            locale: None,
            state: u.state,
        };
        let id = store::insert_user(&mut tx, account, &new).await?;
        expect("user", id.get(), u.id.get())?;
    }
    let pipeline = demo::pipeline();
    let labels: Vec<_> = pipeline
        .statuses
        .iter()
        .map(|s| (s.label.as_str(), s.state))
        .collect();
    let (pipeline_id, statuses) =
        store::insert_pipeline(&mut tx, account, &pipeline.name, &labels).await?;
    expect("pipeline", pipeline_id.get(), pipeline.id.get())?;
    for (got, want) in statuses.iter().zip(&pipeline.statuses) {
        expect("status", got.get(), want.id.get())?;
    }
    let sla = demo::sla_policy();
    let sla_id = store::insert_sla_policy(
        &mut tx,
        account,
        &sla.name,
        sla.first_reply_seconds,
        sla.close_seconds,
    )
    .await?;
    expect("SLA policy", sla_id, sla.id.get())?;
    for (id, name) in demo::inboxes() {
        expect(
            "inbox",
            store::insert_inbox(&mut tx, account, name).await?.get(),
            id.get(),
        )?;
    }
    for c in demo::channels() {
        let new = NewChannel {
            inbox: c.inbox_id,
            kind: c.kind,
            name: c.name,
            address: c.address,
            workspace: Workspace::Inbox,
            settings: &c.settings,
        };
        expect(
            "channel",
            store::insert_channel(&mut tx, account, &new).await?.get(),
            c.id.get(),
        )?;
    }
    for f in demo::chatflows() {
        let id = store::insert_chatflow(
            &mut tx,
            account,
            f.name,
            f.kind,
            f.channel_id,
            f.bot.as_ref(),
        )
        .await?;
        expect("chatflow", id, f.id.get())?;
    }

    let owners: [Option<UserId>; 4] = [Some(demo::ADA), Some(demo::SAM), Some(demo::NOOR), None];
    let open_statuses = &statuses[..3];
    let closed_status = statuses[3];
    let mut dice = Dice(0x00de_5c30_7e00_0001);
    let ninety_days = Duration::days(90).num_milliseconds() as u64;
    let now_ms = now.timestamp_millis();
    // Rows are made and written a chunk at a time: memory stays flat whatever N is.
    let mut rows = Vec::with_capacity(SEED_CHUNK);
    for i in 0..conversations {
        let mut roll = dice.below(100);
        let original = SPREAD
            .iter()
            .find(|(_, weight)| {
                let hit = roll < *weight;
                roll = roll.saturating_sub(*weight);
                hit
            })
            .map(|(id, _)| *id)
            .unwrap_or(SUPPORT_EMAIL);
        // R19, R20: some chats were transferred to email, and some form threads went on by email.
        let current = if (original == WEBSITE_CHAT && dice.below(4) == 0)
            || (original == CONTACT_FORM && dice.below(5) == 0)
        {
            SUPPORT_EMAIL
        } else {
            original
        };
        let closed = dice.below(3) == 0;
        let owner = owners[dice.below(4) as usize];
        // Conversations are stored as they start, so ids follow start times (a
        // minute or so of jitter): over the last 90 days, the newest last.
        let step = ninety_days / u64::from(conversations.max(1));
        let started_at = (now_ms - ninety_days as i64
            + (u64::from(i) * step + dice.below(step.max(1) + 60_000)) as i64)
            .min(now_ms);
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
            store::insert_conversations(&mut tx, account, pipeline_id, &rows).await?;
            rows.clear();
        }
    }
    store::insert_conversations(&mut tx, account, pipeline_id, &rows).await?;
    tx.commit().await?;
    conn.close().await?;
    store.analyze().await?;
    Ok(true)
}

/// Conversations generated before they are written.
const SEED_CHUNK: usize = 20_000;

//! The server under test and the ids a run needs.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use deskmove_rules::{ChannelId, Move, StatusId};
use deskmove_server::catalog::Catalog;
use deskmove_server::store::{Database, Store};
use deskmove_testkit::{Events, Server, Session};

use crate::report::peak_rss_kib;
use crate::{Args, ACCOUNT, ARRIVAL_CHANNELS, BIN, INGEST_TOKEN};
/// The server binary (the bench profile's build) on a loopback port, with Ada and
/// Sam signed in and Sam listening.
pub(crate) struct Served {
    pub(crate) server: Server,
    pub(crate) db: Database,
    pub(crate) base: String,
    pub(crate) ada: Session,
    pub(crate) sam: Session,
    pub(crate) heard: Events,
}

impl Served {
    pub(crate) async fn start(args: &Args, db: &Database) -> anyhow::Result<Served> {
        let batch = args.batch.to_string();
        let dist = args.dist.to_string_lossy().into_owned();
        let flags = [
            "--ingest-token",
            INGEST_TOKEN,
            "--static",
            &dist,
            "--move-batch",
            &batch,
        ];
        let server = Server::start_on(BIN, &db.to_flag(), &flags, &[], "warn", Stdio::null());
        let base = server.base.clone();
        let ada = Session::sign_in(&base, "ada@demo.test").await;
        let sam = Session::sign_in(&base, "sam@demo.test").await;
        let heard = sam.events().await;
        Ok(Served {
            server,
            db: db.clone(),
            base,
            ada,
            sam,
            heard,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.server.child.id()
    }

    /// The server process's peak resident memory so far.
    pub(crate) fn peak_rss_kib(&self) -> Option<u64> {
        peak_rss_kib(&format!("/proc/{}/status", self.server.child.id()))
    }

    /// Ada moves Support email with all its history; answers the move as it ended
    /// and the time from her request to Sam hearing that it ended.
    pub(crate) async fn move_support_email(
        &mut self,
        ids: &Ids,
    ) -> anyhow::Result<(Move, Duration)> {
        let t = Instant::now();
        let started = self
            .ada
            .start_move(serde_json::json!({
                "channel_id": ids.support_email,
                "history": {"mode": "all",
                    "open_status_id": ids.statuses.0, "closed_status_id": ids.statuses.1},
            }))
            .await;
        let (done, ended) = self.heard.until_ended(started.id).await;
        Ok((done, ended - t))
    }

    /// Stops the server and checks the invariants on what it left.
    pub(crate) async fn stop(self) -> anyhow::Result<()> {
        self.server.kill();
        let store = Store::open_at(&self.db).await?;
        let violations = store.check().await?;
        store.close().await;
        ensure!(violations.is_empty(), "invariants broken: {violations:?}");
        Ok(())
    }
}

/// The ids the run needs, read from the seeded database.
pub(crate) struct Ids {
    pub(crate) support_email: ChannelId,
    /// Waiting on us, Closed.
    pub(crate) statuses: (StatusId, StatusId),
    pub(crate) arrival_channels: Vec<ChannelId>,
    pub(crate) event_channels: Vec<ChannelId>,
}

impl Ids {
    pub(crate) async fn load(store: &Store) -> anyhow::Result<Ids> {
        let catalog = Catalog::load(store, ACCOUNT).await?;
        let channel = |name: &str| {
            catalog
                .channels
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.id)
                .with_context(|| format!("the demo has no {name}"))
        };
        let pipeline = store.pipeline(ACCOUNT).await?.context("no pipeline")?;
        let status = |label: &str| {
            pipeline
                .statuses
                .iter()
                .find(|s| s.label == label)
                .map(|s| s.id)
                .with_context(|| format!("no status {label}"))
        };
        Ok(Ids {
            support_email: channel("Support email")?,
            statuses: (status("Waiting on us")?, status("Closed")?),
            arrival_channels: ARRIVAL_CHANNELS
                .iter()
                .map(|n| channel(n))
                .collect::<anyhow::Result<_>>()?,
            event_channels: catalog
                .channels
                .iter()
                .filter(|c| c.name.starts_with("Event run "))
                .map(|c| c.id)
                .collect(),
        })
    }
}

pub(crate) fn expect_status(
    res: reqwest::Response,
    want: reqwest::StatusCode,
) -> anyhow::Result<()> {
    ensure!(
        res.status() == want,
        "{} answered {}",
        res.url(),
        res.status()
    );
    Ok(())
}

//! R22: the notification a ticket event sends its owner, unless a running move mutes it.

use deskmove_rules::plan::{notification, TicketEvent};
use deskmove_rules::{AccountId, TicketId, UserId};
use sqlx::AnyConnection;

use super::StoreResult;

/// R22: a running move of the account with notifications turned off mutes every ticket event.
async fn notifications_muted(conn: &mut AnyConnection, account: AccountId) -> StoreResult<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM moves WHERE account_id = $1 AND state = 'running' AND mute_notifications = 1",
    )
    .bind(account.get())
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// R22: tells a ticket's owner of what happened to it, unless a move mutes it.
pub(crate) async fn notify(
    conn: &mut AnyConnection,
    account: AccountId,
    event: TicketEvent,
    owner: Option<UserId>,
    ticket: TicketId,
    now: i64,
) -> StoreResult<()> {
    let muted = notifications_muted(conn, account).await?;
    if let Some((kind, user)) = notification(event, owner, muted) {
        sqlx::query("INSERT INTO notifications (user_id, kind, ticket_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(user.get())
            .bind(kind.as_str())
            .bind(ticket.get())
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

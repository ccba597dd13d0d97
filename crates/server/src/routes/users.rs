//! R29: Settings ▸ Users. The list for everyone (owners are picked from it); what
//! changes people is for super admins only, whatever the client shows.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use deskmove_rules::users::{
    email_taken, last_super_admin, validate_invite, validate_user_patch, Granted, InviteRequest,
    Invited, LinkUrl, UserChanged, UserPatch,
};
use deskmove_rules::validation::invalid_request;
use deskmove_rules::{may_move, User, UserId};

use crate::auth::{self, Actor};
use crate::error::{AppError, AppResult};
use crate::routes::{Body, PathId};
use crate::store::{LinkMail, NewUser, PeopleError, NO_PASSWORD};
use crate::AppState;

/// The account's users; when they last signed in is for super admins.
pub async fn list(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<User>>> {
    let mut users = state
        .store
        .users_with_tickets(actor.user.account_id)
        .await?;
    if !may_move(actor.user.role) {
        for u in &mut users {
            u.last_sign_in_at = None;
        }
    }
    Ok(Json(users))
}

/// A link's URL: the server's public address, then `/link/<token>`.
fn link_url(state: &AppState, token: &str) -> String {
    format!("{}/link/{token}", state.base_url)
}

/// R33: with a relay, a link is mailed to its person too, from `--mail-from`,
/// in their language (else the maker's).
fn link_mail<'a>(state: &'a AppState, actor: &'a Actor, url: &'a str) -> Option<LinkMail<'a>> {
    state.relay.as_ref()?;
    Some(LinkMail {
        from_address: &state.mail_from,
        mail_domain: &state.mail_domain,
        url,
        by: &actor.user.name,
        language: actor.user.locale,
    })
}

pub async fn invite(
    State(state): State<AppState>,
    actor: Actor,
    Body(req): Body<InviteRequest>,
) -> AppResult<(StatusCode, Json<Invited>)> {
    actor.require_super_admin("invite and change users")?;
    validate_invite(&req).map_err(|e| AppError(invalid_request(&e)))?;
    let token = auth::new_token();
    let now = Utc::now();
    let kind = deskmove_rules::users::LinkKind::Invite;
    let expires_at = now + kind.lifetime();
    let new = NewUser {
        name: req.name.trim(),
        email: req.email.trim(),
        role: req.role,
        help_desk_access: req.help_desk_access,
        password_hash: NO_PASSWORD,
        locale: None,
        state: deskmove_rules::UserState::Invited,
    };
    let link = crate::store::NewLink {
        token_hash: &auth::token_hash(&token),
        expires_at: expires_at.timestamp_millis(),
    };
    let url = link_url(&state, &token);
    let (row, mailed) = state
        .store
        .invite_user(
            actor.user.account_id,
            Some(actor.user.id),
            &new,
            link,
            now.timestamp_millis(),
            link_mail(&state, &actor, &url),
        )
        .await
        .map_err(refusal)?;
    if mailed {
        crate::mail::send::outbound("link", "queued");
        state.outbox_wake.notify_one();
    }
    tracing::info!(
        by = actor.user.id.get(),
        user_id = row.id.get(),
        "invited a user"
    );
    Ok((
        StatusCode::CREATED,
        Json(Invited {
            user: row.to_user(),
            link: LinkUrl {
                url,
                expires_at,
                kind,
                mailed,
            },
        }),
    ))
}

pub async fn change(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<UserId>,
    Body(patch): Body<UserPatch>,
) -> AppResult<Json<UserChanged>> {
    actor.require_super_admin("invite and change users")?;
    validate_user_patch(&patch).map_err(|e| AppError(invalid_request(&e)))?;
    let account = actor.user.account_id;
    let changed = state
        .store
        .change_user(
            account,
            Some(actor.user.id),
            id,
            &patch,
            Utc::now().timestamp_millis(),
        )
        .await
        .map_err(refusal)?;
    // Here at once; on other servers at their streams' next check.
    for session in &changed.ended_sessions {
        state.streams.end(session);
    }
    tracing::info!(
        by = actor.user.id.get(),
        user_id = id.get(),
        state = changed.user.state.as_str(),
        tickets_unassigned = changed.tickets_unassigned,
        "changed a user"
    );
    let user = state
        .store
        .listed_user(account, id)
        .await?
        .unwrap_or_else(|| changed.user.to_user());
    Ok(Json(UserChanged {
        user,
        tickets_unassigned: changed.tickets_unassigned,
    }))
}

pub async fn reset_link(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId<UserId>,
) -> AppResult<(StatusCode, Json<LinkUrl>)> {
    actor.require_super_admin("invite and change users")?;
    let token = auth::new_token();
    let url = link_url(&state, &token);
    let made = state
        .store
        .new_link(
            Some((actor.user.account_id, actor.user.id)),
            id,
            &auth::token_hash(&token),
            Utc::now(),
            link_mail(&state, &actor, &url),
        )
        .await
        .map_err(refusal)?;
    if made.mailed {
        crate::mail::send::outbound("link", "queued");
        state.outbox_wake.notify_one();
    }
    let (kind, expires_at) = (made.kind, made.expires_at);
    tracing::info!(
        by = actor.user.id.get(),
        user_id = id.get(),
        kind = kind.as_str(),
        "made a link"
    );
    Ok((
        StatusCode::CREATED,
        Json(LinkUrl {
            url,
            expires_at,
            kind,
            mailed: made.mailed,
        }),
    ))
}

pub async fn grant_help_desk_access(
    State(state): State<AppState>,
    actor: Actor,
) -> AppResult<Json<Granted>> {
    actor.require_super_admin("invite and change users")?;
    let granted = state
        .store
        .grant_all_agents(actor.user.account_id, Some(actor.user.id))
        .await
        .map_err(refusal)?;
    tracing::info!(
        by = actor.user.id.get(),
        granted,
        "gave all agents help desk access"
    );
    Ok(Json(Granted { granted }))
}

/// Each refusal of a change to people with its code and words.
fn refusal(e: PeopleError) -> AppError {
    match e {
        PeopleError::NotFound => AppError::not_found("user"),
        PeopleError::EmailTaken => AppError(email_taken()),
        PeopleError::LastSuperAdmin => AppError(last_super_admin()),
        PeopleError::Deactivated => AppError::new(
            deskmove_rules::ErrorCode::Conflict,
            "This user is deactivated: reactivate them first, then send a link.",
        ),
        PeopleError::StillInvited => AppError::invalid(
            "An invited user becomes active by setting a password through their link: send them a new one.",
        ),
        PeopleError::NotAllowed => AppError::forbidden(
            "Only a super admin can invite and change users, and you no longer are one.",
        ),
        PeopleError::Store(e) => e.into(),
    }
}

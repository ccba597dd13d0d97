//! The one place that talks HTTP: typed by the rules crate, errors in words a person understands.

use chrono::{DateTime, Utc};
use deskmove_rules::inboxes::{ChannelPatch, InboxName, NewChannel};
use deskmove_rules::requests::{ConversationPatch, TicketPatch};
use deskmove_rules::setup::{SetupRequest, SetupState};
use deskmove_rules::sla::SlaPolicyRequest;
use deskmove_rules::statuses::{NewStatus, StatusPatch};
use deskmove_rules::users::{
    ChangePassword, Granted, InviteRequest, Invited, LinkInfo, LinkUrl, SetPassword, UserChanged,
    UserPatch,
};
use deskmove_rules::{
    Bot, Channel, ChannelId, Chatflow, ChatflowId, Conversation, ConversationId, ErrorBody,
    ErrorCode, Inbox, InboxId, ItemOutcome, Language, Me, MePatch, Message, Move, MoveId, MoveItem,
    MoveRequest, MoveReschedule, Page, Pipeline, PipelineId, PipelineStatus, Preview, SignIn,
    SlaPolicy, StatusId, Ticket, TicketId, User, UserId,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiFailure {
    /// The server refused, and said why.
    #[error("{message}")]
    Refused {
        status: u16,
        code: ErrorCode,
        message: String,
        /// The server's id of the request: what a person reports, and the
        /// operator finds in the log.
        request_id: Option<String>,
    },
    #[error("Can't reach Deskmove. Check your connection and try again.")]
    Network,
    #[error("Deskmove didn't answer in time. Try again in a moment.")]
    TimedOut,
    #[error(
        "Deskmove sent an answer this page doesn't understand. Reload the page and try again."
    )]
    Unreadable,
}

impl ApiFailure {
    /// What the server says of an address that names nothing, said without asking it.
    pub fn not_found(what: &str) -> Self {
        ApiFailure::Refused {
            status: 404,
            code: ErrorCode::NotFound,
            message: format!("No {what} with that id."),
            request_id: None,
        }
    }

    /// In the reader's language.
    pub fn words(&self, l: crate::i18n::Locale) -> String {
        crate::words::failure(l, self)
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiFailure::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

async fn read<T: DeserializeOwned>(res: Response) -> ApiResult<T> {
    if res.ok() {
        return res.json::<T>().await.map_err(|_| ApiFailure::Unreadable);
    }
    let status = res.status();
    match res.json::<ErrorBody>().await {
        Ok(body) => Err(ApiFailure::Refused {
            status,
            code: body.error.code,
            message: body.error.message,
            request_id: body.request_id,
        }),
        Err(_) => Err(ApiFailure::Unreadable),
    }
}

async fn send(req: RequestBuilder) -> ApiResult<Response> {
    req.send().await.map_err(|_| ApiFailure::Network)
}

async fn send_built(req: gloo_net::http::Request) -> ApiResult<Response> {
    req.send().await.map_err(|_| ApiFailure::Network)
}

/// How long a read may take before the page says it failed (and offers Try again).
pub const READ_TIMEOUT_MS: u32 = 8_000;

async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let abort = web_sys::AbortController::new().ok();
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let _deadline = abort.clone().map(|abort| {
        let timed_out = timed_out.clone();
        gloo_timers::callback::Timeout::new(READ_TIMEOUT_MS, move || {
            timed_out.set(true);
            abort.abort();
        })
    });
    let req = Request::get(path).abort_signal(abort.as_ref().map(|a| a.signal()).as_ref());
    match req.send().await {
        Ok(res) => read(res).await,
        Err(_) if timed_out.get() => Err(ApiFailure::TimedOut),
        Err(_) => Err(ApiFailure::Network),
    }
}

/// A state-changing request: carries the session's CSRF token.
fn write(builder: RequestBuilder, csrf: &str) -> RequestBuilder {
    builder.header("x-csrf-token", csrf)
}

async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    csrf: Option<&str>,
) -> ApiResult<T> {
    let mut builder = Request::post(path);
    if let Some(csrf) = csrf {
        builder = write(builder, csrf);
    }
    let req = builder.json(body).map_err(|_| ApiFailure::Unreadable)?;
    read(req.send().await.map_err(|_| ApiFailure::Network)?).await
}

/// Who is signed in; `Ok(None)` when nobody is.
pub async fn me() -> ApiResult<Option<Me>> {
    match get::<Me>("/api/me").await {
        Ok(me) => Ok(Some(me)),
        Err(ApiFailure::Refused {
            code: ErrorCode::Unauthenticated,
            ..
        }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// R28: whether this server still waits for its set-up.
pub async fn setup_state() -> ApiResult<SetupState> {
    get("/api/setup").await
}

/// R28: creates the company's account and its first super admin, signed in.
pub async fn set_up(request: &SetupRequest) -> ApiResult<Me> {
    post("/api/setup", request, None).await
}

pub async fn sign_in(email: String, password: String) -> ApiResult<Me> {
    post("/api/session", &SignIn { email, password }, None).await
}

pub async fn sign_out(csrf: &str) -> ApiResult<()> {
    delete("/api/session", csrf).await
}

/// R27: remembers the user's language (`None` follows the browser).
pub async fn set_locale(locale: Option<Language>, csrf: &str) -> ApiResult<Me> {
    let req = write(Request::patch("/api/me"), csrf)
        .json(&MePatch { locale })
        .map_err(|_| ApiFailure::Unreadable)?;
    read(send_built(req).await?).await
}

pub async fn inboxes() -> ApiResult<Vec<Inbox>> {
    get("/api/inboxes").await
}

pub async fn help_desk_channels() -> ApiResult<Vec<Channel>> {
    get("/api/help-desk/channels").await
}

pub async fn channel(id: ChannelId) -> ApiResult<Channel> {
    get(&format!("/api/channels/{id}")).await
}

pub async fn chatflows() -> ApiResult<Vec<Chatflow>> {
    get("/api/chatflows").await
}

/// The account's help desk pipeline (one per account).
pub async fn pipeline() -> ApiResult<Option<Pipeline>> {
    get::<Vec<Pipeline>>("/api/pipelines")
        .await
        .map(|p| p.into_iter().next())
}

pub async fn users() -> ApiResult<Vec<User>> {
    get("/api/users").await
}

/// R29: invites a user; the answer carries their one-time link.
pub async fn invite(request: &InviteRequest, csrf: &str) -> ApiResult<Invited> {
    post("/api/users", request, Some(csrf)).await
}

/// R29: changes a user's name, role, help desk access or state.
pub async fn patch_user(id: UserId, patch: &UserPatch, csrf: &str) -> ApiResult<UserChanged> {
    let req = write(Request::patch(&format!("/api/users/{id}")), csrf)
        .json(patch)
        .map_err(|_| ApiFailure::Unreadable)?;
    read(send_built(req).await?).await
}

/// R29: a new one-time link that sets the user's password.
pub async fn reset_link(id: UserId, csrf: &str) -> ApiResult<LinkUrl> {
    post(
        &format!("/api/users/{id}/reset-link"),
        &serde_json::json!({}),
        Some(csrf),
    )
    .await
}

/// R29: gives every agent help desk access.
pub async fn grant_help_desk_access(csrf: &str) -> ApiResult<Granted> {
    post(
        "/api/users/grant-help-desk-access",
        &serde_json::json!({}),
        Some(csrf),
    )
    .await
}

/// R29: whose link this is (410 `link_expired` once used or expired).
pub async fn link(token: &str) -> ApiResult<LinkInfo> {
    get(&format!("/api/links/{}", encode(token))).await
}

/// R29: sets the link's user's password and signs them in.
pub async fn use_link(token: &str, password: String) -> ApiResult<Me> {
    post(
        &format!("/api/links/{}", encode(token)),
        &SetPassword { password },
        None,
    )
    .await
}

/// R29: changes the signed-in user's password; their other sessions end.
pub async fn change_password(request: &ChangePassword, csrf: &str) -> ApiResult<()> {
    let req = write(Request::post("/api/me/password"), csrf)
        .json(request)
        .map_err(|_| ApiFailure::Unreadable)?;
    let res = send_built(req).await?;
    if res.ok() {
        Ok(())
    } else {
        read::<()>(res).await
    }
}

/// A DELETE, which answers nothing but whether it was made (204).
async fn delete(path: &str, csrf: &str) -> ApiResult<()> {
    let res = send(write(Request::delete(path), csrf)).await?;
    if res.ok() {
        Ok(())
    } else {
        read::<()>(res).await
    }
}

async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B, csrf: &str) -> ApiResult<T> {
    let req = write(Request::put(path), csrf)
        .json(body)
        .map_err(|_| ApiFailure::Unreadable)?;
    read(send_built(req).await?).await
}

async fn patch<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    csrf: &str,
) -> ApiResult<T> {
    let req = write(Request::patch(path), csrf)
        .json(body)
        .map_err(|_| ApiFailure::Unreadable)?;
    read(send_built(req).await?).await
}

/// R30: makes an inbox.
pub async fn create_inbox(name: &InboxName, csrf: &str) -> ApiResult<Inbox> {
    post("/api/inboxes", name, Some(csrf)).await
}

/// R30: renames an inbox.
pub async fn rename_inbox(id: InboxId, name: &InboxName, csrf: &str) -> ApiResult<Inbox> {
    patch(&format!("/api/inboxes/{id}"), name, csrf).await
}

/// R30: connects a channel to an inbox, or straight to help desk.
pub async fn connect_channel(new: &NewChannel, csrf: &str) -> ApiResult<Channel> {
    post("/api/channels", new, Some(csrf)).await
}

/// R6, R30: renames a channel or changes its settings.
pub async fn patch_channel(id: ChannelId, change: &ChannelPatch, csrf: &str) -> ApiResult<Channel> {
    patch(&format!("/api/channels/{id}"), change, csrf).await
}

/// R21, R30: replaces a chatflow's bot, or takes it away.
pub async fn set_bot(id: ChatflowId, bot: Option<&Bot>, csrf: &str) -> ApiResult<Chatflow> {
    put(&format!("/api/chatflows/{id}/bot"), &bot, csrf).await
}

/// R31: adds a status at the end of the pipeline.
pub async fn add_status(
    pipeline: PipelineId,
    new: &NewStatus,
    csrf: &str,
) -> ApiResult<PipelineStatus> {
    post(
        &format!("/api/pipelines/{pipeline}/statuses"),
        new,
        Some(csrf),
    )
    .await
}

/// R31: renames, re-states or moves a status.
pub async fn patch_status(
    pipeline: PipelineId,
    id: StatusId,
    change: &StatusPatch,
    csrf: &str,
) -> ApiResult<PipelineStatus> {
    patch(
        &format!("/api/pipelines/{pipeline}/statuses/{id}"),
        change,
        csrf,
    )
    .await
}

/// R31: deletes a status nothing uses (409 `status_in_use` names what does).
pub async fn delete_status(pipeline: PipelineId, id: StatusId, csrf: &str) -> ApiResult<()> {
    delete(&format!("/api/pipelines/{pipeline}/statuses/{id}"), csrf).await
}

/// R31: the account's SLA policy, if it has one.
pub async fn sla_policy() -> ApiResult<Option<SlaPolicy>> {
    get("/api/sla-policy").await
}

/// R31: makes or replaces the SLA policy.
pub async fn put_sla_policy(policy: &SlaPolicyRequest, csrf: &str) -> ApiResult<SlaPolicy> {
    put("/api/sla-policy", policy, csrf).await
}

/// R31: removes the SLA policy: moved tickets get no due times (R5 warns again).
pub async fn delete_sla_policy(csrf: &str) -> ApiResult<()> {
    delete("/api/sla-policy", csrf).await
}

/// The preview, with `sample` of the history's conversations as the move would
/// leave them (R25).
pub async fn move_preview(channel_id: ChannelId, sample: u32) -> ApiResult<Preview> {
    get(&format!(
        "/api/channels/{channel_id}/move-preview?sample={sample}"
    ))
    .await
}

pub async fn start_move(request: &MoveRequest, csrf: &str) -> ApiResult<Move> {
    post("/api/moves", request, Some(csrf)).await
}

/// R24: a scheduled move's new start.
pub async fn reschedule_move(id: MoveId, at: DateTime<Utc>, csrf: &str) -> ApiResult<Move> {
    let req = write(Request::patch(&format!("/api/moves/{id}")), csrf)
        .json(&MoveReschedule {
            start_at: Some(at.to_rfc3339()),
        })
        .map_err(|_| ApiFailure::Unreadable)?;
    read(send_built(req).await?).await
}

/// R24: cancels a scheduled move.
pub async fn cancel_move(id: MoveId, csrf: &str) -> ApiResult<()> {
    delete(&format!("/api/moves/{id}"), csrf).await
}

pub async fn current_move() -> ApiResult<Option<Move>> {
    get("/api/moves/current").await
}

pub async fn move_by_id(id: MoveId) -> ApiResult<Move> {
    get(&format!("/api/moves/{id}")).await
}

pub async fn moves() -> ApiResult<Vec<Move>> {
    get("/api/moves").await
}

pub async fn ticket(id: TicketId) -> ApiResult<Ticket> {
    get(&format!("/api/tickets/{id}")).await
}

pub async fn conversation(id: ConversationId) -> ApiResult<Conversation> {
    get(&format!("/api/conversations/{id}")).await
}

pub async fn messages(id: ConversationId) -> ApiResult<Vec<Message>> {
    get(&format!("/api/conversations/{id}/messages")).await
}

/// R33: an answer, queued to go out by email.
pub async fn reply(
    id: ConversationId,
    answer: &deskmove_rules::answers::AnswerRequest,
    csrf: &str,
) -> ApiResult<Message> {
    post(
        &format!("/api/conversations/{id}/replies"),
        answer,
        Some(csrf),
    )
    .await
}

/// Status and owner, as agents change them; in help desk the owner is the ticket's.
pub async fn patch_conversation(
    id: ConversationId,
    patch: &ConversationPatch,
    csrf: &str,
) -> ApiResult<Conversation> {
    let req = write(Request::patch(&format!("/api/conversations/{id}")), csrf)
        .json(patch)
        .map_err(|_| ApiFailure::Unreadable)?;
    read(send_built(req).await?).await
}

/// The ticket's status in its pipeline.
pub async fn patch_ticket(id: TicketId, patch: &TicketPatch, csrf: &str) -> ApiResult<Ticket> {
    let req = write(Request::patch(&format!("/api/tickets/{id}")), csrf)
        .json(patch)
        .map_err(|_| ApiFailure::Unreadable)?;
    read(send_built(req).await?).await
}

/// One page of conversations; `query` is the filter part (`workspace=inbox&…`).
pub async fn conversations(query: &str, cursor: Option<&str>) -> ApiResult<Page<Conversation>> {
    get(&paged("/api/conversations", query, cursor)).await
}

/// One page of tickets; `query` is the filter part (`state=open&…`).
pub async fn tickets(query: &str, cursor: Option<&str>) -> ApiResult<Page<Ticket>> {
    get(&paged("/api/tickets", query, cursor)).await
}

/// How many rows a numbered list page holds.
pub const PAGE_SIZE: u32 = 50;

/// A numbered page of conversations; `query` holds the filters, sort and page.
pub async fn conversation_page(query: &str) -> ApiResult<Page<Conversation>> {
    get(&format!("/api/conversations?limit={PAGE_SIZE}&{query}")).await
}

/// A numbered page of tickets; `query` holds the filters, sort and page.
pub async fn ticket_page(query: &str) -> ApiResult<Page<Ticket>> {
    get(&format!("/api/tickets?limit={PAGE_SIZE}&{query}")).await
}

fn paged(path: &str, query: &str, cursor: Option<&str>) -> String {
    let mut url = format!("{path}?limit=50");
    if !query.is_empty() {
        url.push('&');
        url.push_str(query);
    }
    if let Some(c) = cursor {
        url.push_str("&cursor=");
        url.push_str(&encode(c));
    }
    url
}

/// Encodes one path segment or query value.
pub fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// R26: a page of a move's report, of one outcome or of all.
pub async fn move_items(
    id: MoveId,
    outcome: Option<ItemOutcome>,
    cursor: Option<&str>,
) -> ApiResult<Page<MoveItem>> {
    let query = outcome
        .map(|o| format!("outcome={}", o.as_str()))
        .unwrap_or_default();
    get(&paged(&format!("/api/moves/{id}/items"), &query, cursor)).await
}

/// R26: where the browser downloads a move's whole report as CSV.
pub fn report_csv(id: MoveId) -> String {
    format!("/api/moves/{id}/report.csv")
}

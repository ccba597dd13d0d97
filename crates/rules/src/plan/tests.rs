use super::*;
use crate::demo::{ADA, CLOSED, NEW, NOOR, SAM, WAITING_ON_US};
use crate::domain::{PipelineId, SlaPolicyId, StatusId, UserId};
use crate::fixtures::{access, mapping, pipeline, sla};
use chrono::TimeZone;
use proptest::prelude::*;

fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, h, 0, 0).unwrap()
}

fn conversation(status: ConversationStatus, owner: Option<UserId>) -> HistoricalConversation {
    HistoricalConversation {
        status,
        owner_id: owner,
        started_at: t(9),
        ticket: None,
    }
}

#[test]
fn sla_due_times_count_from_the_ticket_creation() {
    // R8, R13
    let due = sla_due(&sla(), t(9));
    assert_eq!(due.first_reply_due, t(13));
    assert_eq!(due.close_due, t(9) + Duration::hours(48));
}

#[test]
fn historical_conversation_without_ticket_gets_conversation_start_as_created_at() {
    // R11
    let plan = plan_history_ticket(
        &conversation(ConversationStatus::Open, Some(SAM)),
        &mapping(),
        access,
        Some(&sla()),
    );
    assert_eq!(
        plan,
        TicketPlan::Create(NewTicket {
            status_id: WAITING_ON_US,
            owner_id: Some(SAM),
            created_at: t(9),
            sla: Some(sla_due(&sla(), t(9))),
        })
    );
    assert!(plan.creates_ticket());
    assert!(!plan.leaves_unassigned());
}

#[test]
fn a_closed_conversation_gets_the_status_chosen_for_closed() {
    // R11, R9
    let TicketPlan::Create(ticket) = plan_history_ticket(
        &conversation(ConversationStatus::Closed, None),
        &mapping(),
        access,
        None,
    ) else {
        panic!("expected a new ticket");
    };
    assert_eq!(ticket.status_id, CLOSED);
    assert_eq!(ticket.owner_id, None);
    assert_eq!(ticket.sla, None);
}

#[test]
fn an_owner_without_help_desk_access_leaves_the_new_ticket_unassigned() {
    // R11, R13
    let plan = plan_history_ticket(
        &conversation(ConversationStatus::Open, Some(NOOR)),
        &mapping(),
        access,
        Some(&sla()),
    );
    assert!(plan.leaves_unassigned());
}

#[test]
fn a_conversation_with_a_ticket_keeps_it_as_it_is() {
    // R10
    let mut c = conversation(ConversationStatus::Closed, Some(SAM));
    let due = sla_due(&sla(), t(1));
    c.ticket = Some(ExistingTicket {
        status_id: NEW,
        owner_id: Some(SAM),
        created_at: t(1),
        sla: Some(due),
    });
    let plan = plan_history_ticket(&c, &mapping(), access, Some(&sla()));
    assert_eq!(
        plan,
        TicketPlan::Keep {
            add_sla: None,
            unassign: false
        }
    );
    assert!(!plan.leaves_unassigned());
}

#[test]
fn a_kept_ticket_whose_owner_has_no_help_desk_access_becomes_unassigned() {
    // R10 decision, R13, R23: after a move, Noor owned help desk tickets she can't see.
    let mut c = conversation(ConversationStatus::Open, Some(NOOR));
    c.ticket = Some(ExistingTicket {
        status_id: NEW,
        owner_id: Some(NOOR),
        created_at: t(1),
        sla: Some(sla_due(&sla(), t(1))),
    });
    let plan = plan_history_ticket(&c, &mapping(), access, Some(&sla()));
    assert_eq!(
        plan,
        TicketPlan::Keep {
            add_sla: None,
            unassign: true
        }
    );
    assert!(plan.leaves_unassigned());
}

#[test]
fn a_kept_ticket_without_sla_gets_due_times_from_its_own_creation() {
    // R10 decision, R13
    let mut c = conversation(ConversationStatus::Open, None);
    c.ticket = Some(ExistingTicket {
        status_id: NEW,
        owner_id: None,
        created_at: t(2),
        sla: None,
    });
    assert_eq!(
        plan_history_ticket(&c, &mapping(), access, Some(&sla())),
        TicketPlan::Keep {
            add_sla: Some(sla_due(&sla(), t(2))),
            unassign: false
        }
    );
    assert_eq!(
        plan_history_ticket(&c, &mapping(), access, None),
        TicketPlan::Keep {
            add_sla: None,
            unassign: false
        }
    );
}

#[test]
fn a_new_conversation_in_a_moved_channel_gets_a_ticket_with_sla() {
    // R7, R8
    let settings = ChannelSettings::default();
    let ticket =
        plan_arrival_ticket(&settings, &pipeline(), None, access, Some(&sla()), t(10)).unwrap();
    assert_eq!(ticket.status_id, NEW);
    assert_eq!(ticket.owner_id, None);
    assert_eq!(ticket.created_at, t(10));
    assert_eq!(ticket.sla, Some(sla_due(&sla(), t(10))));
}

#[test]
fn a_new_ticket_keeps_the_channels_creation_status_and_routing() {
    // R6, R7, R8
    let mut settings = ChannelSettings {
        ticket_status_id: Some(WAITING_ON_US),
        ..ChannelSettings::default()
    };
    let ticket =
        plan_arrival_ticket(&settings, &pipeline(), Some(SAM), access, None, t(10)).unwrap();
    assert_eq!(ticket.status_id, WAITING_ON_US);
    assert_eq!(ticket.owner_id, Some(SAM));
    // R8: a routing owner without help desk access is not kept.
    // A stale status that left the pipeline falls back to the first open one.
    settings.ticket_status_id = Some(StatusId::of(99));
    let ticket =
        plan_arrival_ticket(&settings, &pipeline(), Some(NOOR), access, None, t(10)).unwrap();
    assert_eq!(ticket.owner_id, None);
    assert_eq!(ticket.status_id, NEW);
}

#[test]
fn a_pipeline_without_open_status_cannot_take_arrivals() {
    // R7
    let mut p = pipeline();
    p.statuses.retain(|s| s.state == StatusState::Closed);
    assert_eq!(
        plan_arrival_ticket(&ChannelSettings::default(), &p, None, access, None, t(1)),
        None
    );
}

#[test]
fn an_inbox_ticket_is_owned_by_the_conversation_owner_and_has_no_sla() {
    // R10 (the tickets that history brings along), I1
    let ticket = plan_inbox_ticket(NEW, Some(NOOR), t(3));
    assert_eq!(ticket.owner_id, Some(NOOR));
    assert_eq!(ticket.sla, None);
}

#[test]
fn ticket_events_notify_the_owner_unless_a_move_mutes_them() {
    // R22
    assert_eq!(
        notification(TicketEvent::Created, Some(SAM), false),
        Some((NotificationKind::TicketCreated, SAM))
    );
    assert_eq!(
        notification(TicketEvent::Assigned, Some(SAM), false),
        Some((NotificationKind::TicketAssigned, SAM))
    );
    assert_eq!(notification(TicketEvent::Created, None, false), None);
    assert_eq!(notification(TicketEvent::Created, Some(SAM), true), None);
    assert_eq!(notification(TicketEvent::Assigned, Some(SAM), true), None);
}

fn arb_time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_000_000_000).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn arb_owner() -> impl Strategy<Value = Option<UserId>> {
    prop::option::of(prop_oneof![
        Just(ADA),
        Just(SAM),
        Just(NOOR),
        (5i64..1000).prop_map(UserId::of),
    ])
}

fn arb_ticket() -> impl Strategy<Value = ExistingTicket> {
    (
        prop_oneof![Just(NEW), Just(CLOSED), (5i64..1000).prop_map(StatusId::of)],
        arb_owner(),
        arb_time(),
        prop::option::of((arb_time(), arb_time())),
    )
        .prop_map(|(status_id, owner_id, created_at, sla)| ExistingTicket {
            status_id,
            owner_id,
            created_at,
            sla: sla.map(|(a, b)| SlaDue {
                first_reply_due: a,
                close_due: b,
            }),
        })
}

fn arb_conversation() -> impl Strategy<Value = HistoricalConversation> {
    (
        prop_oneof![
            Just(ConversationStatus::Open),
            Just(ConversationStatus::Closed)
        ],
        arb_owner(),
        arb_time(),
        prop::option::of(arb_ticket()),
    )
        .prop_map(
            |(status, owner_id, started_at, ticket)| HistoricalConversation {
                status,
                owner_id,
                started_at,
                ticket,
            },
        )
}

/// Applies a plan the way the store does: the ticket the conversation ends with.
fn apply(c: &HistoricalConversation, plan: &TicketPlan) -> Vec<ExistingTicket> {
    let mut tickets: Vec<ExistingTicket> = c.ticket.iter().cloned().collect();
    match plan {
        TicketPlan::Keep { add_sla, unassign } => {
            if let Some(t) = tickets.first_mut() {
                t.sla = t.sla.or(*add_sla);
                if *unassign {
                    t.owner_id = None;
                }
            }
        }
        TicketPlan::Create(n) => tickets.push(ExistingTicket {
            status_id: n.status_id,
            owner_id: n.owner_id,
            created_at: n.created_at,
            sla: n.sla,
        }),
    }
    tickets
}

proptest! {
    #[test]
    fn a_plan_never_gives_a_conversation_a_second_ticket(
        c in arb_conversation(), with_sla in any::<bool>()
    ) {
        // I1
        let policy = sla();
        let plan = plan_history_ticket(&c, &mapping(), access, with_sla.then_some(&policy));
        prop_assert_eq!(apply(&c, &plan).len(), 1);
        prop_assert_eq!(plan.creates_ticket(), c.ticket.is_none());
    }

    #[test]
    fn an_existing_ticket_keeps_all_but_an_owner_without_access(
        c in arb_conversation(), with_sla in any::<bool>()
    ) {
        // R10: status and created_at stay; SLA only ever fills a gap; the owner
        // stays unless they have no help desk access (R10 decision, R13).
        prop_assume!(c.ticket.is_some());
        let before = c.ticket.clone().unwrap();
        let policy = sla();
        let plan = plan_history_ticket(&c, &mapping(), access, with_sla.then_some(&policy));
        let after = apply(&c, &plan).remove(0);
        prop_assert_eq!(&after.status_id, &before.status_id);
        prop_assert_eq!(after.owner_id, before.owner_id.filter(|o| access(*o)));
        prop_assert_eq!(after.created_at, before.created_at);
        if before.sla.is_some() {
            prop_assert_eq!(after.sla, before.sla);
        }
    }

    #[test]
    fn an_owner_is_kept_iff_they_have_help_desk_access(c in arb_conversation()) {
        // R11
        prop_assume!(c.ticket.is_none());
        let TicketPlan::Create(ticket) = plan_history_ticket(&c, &mapping(), access, None) else {
            return Err(TestCaseError::fail("a conversation without ticket must get one"));
        };
        let kept = ticket.owner_id.is_some();
        let should = c.owner_id.is_some_and(access);
        prop_assert_eq!(kept, should);
        if kept {
            prop_assert_eq!(ticket.owner_id, c.owner_id);
        }
        prop_assert_eq!(ticket.created_at, c.started_at);
        let m = mapping();
        prop_assert_eq!(ticket.status_id, m.status_for(c.status));
    }
}

#[test]
fn the_sample_says_what_the_plan_leaves_each_conversation_with() {
    // R25
    let mapping = StatusMapping {
        pipeline_id: PipelineId::of(1),
        open_status_id: StatusId::of(11),
        closed_status_id: StatusId::of(14),
    };
    let policy = SlaPolicy {
        id: SlaPolicyId::of(1),
        name: "Standard".into(),
        first_reply_seconds: 3600,
        close_seconds: 7200,
        hours: crate::sla::SlaHours::Always,
    };
    let t0 = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    let access = |id: UserId| id == UserId::of(1);
    let plan = |c: &HistoricalConversation| {
        planned_ticket(c, &plan_history_ticket(c, &mapping, access, Some(&policy))).unwrap()
    };
    // Created, owned by someone without access: unassigned, and why.
    let noor = HistoricalConversation {
        status: ConversationStatus::Closed,
        owner_id: Some(UserId::of(2)),
        started_at: t0,
        ticket: None,
    };
    let p = plan(&noor);
    assert_eq!(
        (
            p.fate,
            p.status_id,
            p.owner_id,
            p.unassigned_reason,
            p.created_at
        ),
        (
            TicketFate::Created,
            StatusId::of(14),
            None,
            Some(UnassignedReason::OwnerWithoutAccess),
            t0
        )
    );
    assert_eq!(p.sla, Some(sla_due(&policy, t0)));
    // Created with nobody to own it.
    let nobody = HistoricalConversation {
        owner_id: None,
        status: ConversationStatus::Open,
        ..noor.clone()
    };
    let p = plan(&nobody);
    assert_eq!(
        (p.status_id, p.unassigned_reason),
        (StatusId::of(11), Some(UnassignedReason::NoOwner))
    );
    // Kept as it is, its owner with access kept, an SLA added where it had none.
    let kept = HistoricalConversation {
        owner_id: Some(UserId::of(1)),
        ticket: Some(ExistingTicket {
            status_id: StatusId::of(12),
            owner_id: Some(UserId::of(1)),
            created_at: t0 + Duration::days(1),
            sla: None,
        }),
        ..noor.clone()
    };
    let p = plan(&kept);
    assert_eq!(
        (p.fate, p.status_id, p.owner_id, p.unassigned_reason),
        (
            TicketFate::Kept,
            StatusId::of(12),
            Some(UserId::of(1)),
            None
        )
    );
    assert_eq!(p.sla, Some(sla_due(&policy, t0 + Duration::days(1))));
    // Kept, its owner without access: unassigned (R13's decision).
    let mut lost = kept.clone();
    lost.ticket.as_mut().unwrap().owner_id = Some(UserId::of(2));
    let p = plan(&lost);
    assert_eq!(
        (p.owner_id, p.unassigned_reason),
        (None, Some(UnassignedReason::OwnerWithoutAccess))
    );
}

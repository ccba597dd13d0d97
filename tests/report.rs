//! R26: a move's report on its page: paged, filtered, named, and downloadable.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::{choose, click, mount, settle};
use deskmove::components::move_report::{MoveReport, ReportReader};
use deskmove::directory::{Directory, Names};
use deskmove_rules::fixtures::{pipeline, users};
use deskmove_rules::{
    ChannelId, ConversationId, ItemOutcome, MoveId, MoveItem, MoveState, Page, TicketFate,
    TicketId, UnassignedReason,
};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// 120 moved conversations: every 4th kept, every 3rd unassigned, the last 5 arrivals.
fn report() -> Vec<MoveItem> {
    let p = pipeline();
    (1..=120)
        .map(|n: i64| {
            let unassigned = n % 3 == 0;
            MoveItem {
                conversation_id: ConversationId::of(n),
                contact: format!("Contact {n}"),
                subject: format!("Subject {n}"),
                original_channel_id: ChannelId::of(1),
                ticket_id: TicketId::of(1000 + n),
                ticket: if n % 4 == 0 {
                    TicketFate::Kept
                } else {
                    TicketFate::Created
                },
                arrived: n > 115,
                status_id: p.statuses[(n % 4) as usize].id,
                owner_id: (!unassigned).then(|| users()[0].id),
                unassigned_reason: unassigned.then_some(if n % 2 == 0 {
                    UnassignedReason::OwnerWithoutAccess
                } else {
                    UnassignedReason::NoOwner
                }),
            }
        })
        .collect()
}

fn keeps(o: Option<ItemOutcome>, i: &MoveItem) -> bool {
    match o {
        None => true,
        Some(ItemOutcome::Created) => i.ticket == TicketFate::Created,
        Some(ItemOutcome::Kept) => i.ticket == TicketFate::Kept,
        Some(ItemOutcome::Arrived) => i.arrived,
        Some(ItemOutcome::Unassigned) => i.unassigned_reason.is_some(),
    }
}

/// A reader that pages `report()` as the server does (50 a page, the cursor the
/// last id), and writes down each request.
/// The requests a reader was asked: the outcome and the cursor of each.
type Asked = Rc<RefCell<Vec<(Option<ItemOutcome>, Option<String>)>>>;

fn reader(asked: Asked) -> ReportReader {
    ReportReader {
        items: Rc::new(move |_, outcome, cursor| {
            asked.borrow_mut().push((outcome, cursor.clone()));
            let after: i64 = cursor.as_deref().map_or(0, |c| c.parse().unwrap());
            let rest: Vec<MoveItem> = report()
                .into_iter()
                .filter(|i| i.conversation_id.get() > after && keeps(outcome, i))
                .collect();
            let items: Vec<MoveItem> = rest.iter().take(50).cloned().collect();
            let next_cursor = (rest.len() > 50).then(|| items[49].conversation_id.to_string());
            Box::pin(async move {
                Ok(Page {
                    items,
                    next_cursor,
                    total: None,
                    total_at_least: false,
                })
            })
        }),
        pipeline: Rc::new(|| Box::pin(async { Ok(Some(pipeline())) })),
    }
}

fn directory() -> Directory {
    Directory(LocalResource::new(|| async {
        Ok(Names {
            users: users().into_iter().map(|u| (u.id, u)).collect(),
            channels: Default::default(),
        })
    }))
}

fn ids(m: &common::Mounted) -> Vec<i64> {
    let rows = m.root.query_selector_all(".report tbody tr").unwrap();
    (0..rows.length())
        .map(|i| {
            let row: web_sys::Element = wasm_bindgen::JsCast::unchecked_into(rows.item(i).unwrap());
            row.get_attribute("data-conversation")
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

async fn until_rows(m: &common::Mounted) {
    for _ in 0..50 {
        settle().await;
        if m.find(".report tbody tr").is_some() || m.find(".move-report .empty").is_some() {
            return;
        }
        common::pause(10).await;
    }
}

#[wasm_bindgen_test]
async fn the_report_pages_forward_and_back_and_each_filter_starts_again() {
    // R26
    let asked = Rc::new(RefCell::new(Vec::new()));
    let state = RwSignal::new(MoveState::Running);
    let r = reader(asked.clone());
    let m = mount(move || {
        provide_context(directory());
        view! { <MoveReport id=MoveId::of(7) state=state reported=true reader=r/> }.into_any()
    });
    until_rows(&m).await;
    assert_eq!(ids(&m), (1..=50).collect::<Vec<_>>());
    assert_eq!(m.text(".move-report .page-range"), "Page 1");
    assert!(m.find("[data-action=report-previous]").is_none());
    assert_eq!(
        m.get("[data-action=download-csv]")
            .get_attribute("href")
            .as_deref(),
        Some("/api/moves/7/report.csv")
    );
    // What each row says: the ticket, kept or created, the status, the owner or why none.
    let row = |n: i64| m.get(&format!(".report tr[data-conversation='{n}']"));
    let text = |n: i64| row(n).text_content().unwrap();
    assert!(
        text(4).contains("#1004") && text(4).contains("Kept"),
        "{}",
        text(4)
    );
    assert!(text(5).contains("Created"));
    assert!(
        text(6).contains("Unassigned: the owner has no help desk access"),
        "{}",
        text(6)
    );
    assert!(text(3).contains("Unassigned: no owner"));
    assert!(text(1).contains(&users()[0].name));
    assert!(text(1).contains(&pipeline().statuses[1].label));
    assert!(
        row(1).query_selector(".state-badge").unwrap().is_none(),
        "not an arrival"
    );

    click(&m.get("[data-action=report-next]"));
    until_rows(&m).await;
    settle().await;
    assert_eq!(ids(&m), (51..=100).collect::<Vec<_>>());
    assert_eq!(m.text(".move-report .page-range"), "Page 2");
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert_eq!(
        focused.id(),
        "report-7",
        "the next page is where focus goes"
    );
    click(&m.get("[data-action=report-next]"));
    until_rows(&m).await;
    settle().await;
    assert_eq!(ids(&m), (101..=120).collect::<Vec<_>>());
    assert!(
        m.find("[data-action=report-next]").is_none(),
        "the last page"
    );
    assert!(text(118).contains("Arrived"));
    click(&m.get("[data-action=report-previous]"));
    settle().await;
    until_rows(&m).await;
    settle().await;
    assert_eq!(ids(&m), (51..=100).collect::<Vec<_>>());

    // A filter starts from its first page.
    choose(&m.get("[data-filter=outcome]"), "unassigned");
    settle().await;
    until_rows(&m).await;
    settle().await;
    assert_eq!(
        ids(&m),
        (1..=120)
            .filter(|n| n % 3 == 0)
            .take(50)
            .collect::<Vec<_>>()
    );
    assert_eq!(m.text(".move-report .page-range"), "Page 1");
    assert_eq!(
        asked.borrow().last().cloned(),
        Some((Some(ItemOutcome::Unassigned), None))
    );
    choose(&m.get("[data-filter=outcome]"), "arrived");
    settle().await;
    until_rows(&m).await;
    settle().await;
    assert_eq!(ids(&m), (116..=120).collect::<Vec<_>>());

    // The move finishing reads the report again; so does Refresh while it runs.
    let before = asked.borrow().len();
    click(&m.get(".move-report .muted button"));
    settle().await;
    assert_eq!(asked.borrow().len(), before + 1);
    state.set(MoveState::Completed);
    settle().await;
    assert_eq!(asked.borrow().len(), before + 2);
    assert!(
        m.find(".move-report .muted button").is_none(),
        "no Refresh once done"
    );
}

#[wasm_bindgen_test]
async fn a_move_from_before_reports_says_so_and_an_empty_part_says_it_is_empty() {
    // R26
    let asked = Rc::new(RefCell::new(Vec::new()));
    let r = reader(asked.clone());
    let m = mount(move || {
        provide_context(directory());
        view! { <MoveReport id=MoveId::of(7) state=MoveState::Completed reported=false reader=r/> }
            .into_any()
    });
    settle().await;
    assert!(m
        .text(".move-report")
        .contains("before Deskmove kept reports"));
    assert!(m.find("[data-action=download-csv]").is_none());
    assert!(m.find("table").is_none());
    drop(m);

    let empty = ReportReader {
        items: Rc::new(|_, _, _| {
            Box::pin(async {
                Ok(Page {
                    items: vec![],
                    next_cursor: None,
                    total: None,
                    total_at_least: false,
                })
            })
        }),
        pipeline: Rc::new(|| Box::pin(async { Ok(Some(pipeline())) })),
    };
    let m = mount(move || {
        provide_context(directory());
        view! { <MoveReport id=MoveId::of(8) state=MoveState::Completed reported=true reader=empty/> }.into_any()
    });
    until_rows(&m).await;
    assert_eq!(
        m.text(".move-report .empty"),
        "This move has moved no conversations yet."
    );
    choose(&m.get("[data-filter=outcome]"), "kept");
    settle().await;
    until_rows(&m).await;
    assert_eq!(
        m.text(".move-report .empty"),
        "No conversations in this part of the report."
    );
}

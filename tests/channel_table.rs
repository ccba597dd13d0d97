//! The channel list's move action, in a real browser, with movability from the real rules crate.

mod common;

use common::{mount, Mounted};
use deskmove::components::channel_table::ChannelTable;
use deskmove_rules::fixtures::{pricing_bot, users};
use deskmove_rules::{
    movability, Bot, Channel, ChannelId, ChannelKind, ChannelSettings, InboxId, MoveCandidate,
    Workspace,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// The demo's Support inbox, each channel judged by the rules crate as the server does.
fn demo_channels() -> Vec<Channel> {
    let users = users();
    let pricing_bot = pricing_bot();
    let specs: [(&str, ChannelKind, &str, Option<&Bot>); 5] = [
        (
            "Support email",
            ChannelKind::Email,
            "support@demo.test",
            None,
        ),
        (
            "Pricing bot",
            ChannelKind::Chat,
            "pricing-bot",
            Some(&pricing_bot),
        ),
        ("WhatsApp", ChannelKind::Whatsapp, "+1 555 0101", None),
        (
            "Facebook Messenger",
            ChannelKind::Messenger,
            "demo-co",
            None,
        ),
        (
            "Fallback address",
            ChannelKind::FallbackEmail,
            "fallback@inbox.demo.test",
            None,
        ),
    ];
    specs
        .iter()
        .enumerate()
        .map(|(i, (name, kind, address, bot))| {
            let id = ChannelId::of(i as i64 + 1);
            Channel {
                movable: movability(&MoveCandidate {
                    channel_id: id,
                    kind: *kind,
                    workspace: Workspace::Inbox,
                    bot: *bot,
                    users: &users,
                    running_move: None,
                }),
                id,
                inbox_id: Some(InboxId::of(1)),
                kind: *kind,
                name: name.to_string(),
                address: address.to_string(),
                workspace: Workspace::Inbox,
                settings: ChannelSettings::default(),
                form_key: None,
            }
        })
        .collect()
}

struct Table {
    m: Mounted,
    chosen: RwSignal<Option<String>>,
}

fn mount_table(can_move: bool) -> Table {
    let chosen = RwSignal::new(None::<String>);
    let m = mount(move || {
        view! {
            <ChannelTable
                channels=demo_channels()
                can_move=can_move
                on_move=Callback::new(move |c: Channel| chosen.set(Some(c.name)))
            />
        }
        .into_any()
    });
    Table { m, chosen }
}

fn row(t: &Table, name: &str) -> Element {
    t.m.root
        .query_selector(&format!("tr[data-channel='{name}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("a row for {name}"))
}

async fn open_menu(m: &Table, name: &str) -> Element {
    let trigger: HtmlElement = row(m, name)
        .query_selector(".row-menu-trigger")
        .unwrap()
        .expect("an Options button")
        .unchecked_into();
    assert_eq!(
        trigger.text_content().unwrap().trim_end_matches(" ▾"),
        "Options"
    );
    assert_eq!(
        trigger.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    trigger.click();
    leptos::task::tick().await;
    assert_eq!(
        trigger.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    row(m, name)
        .query_selector("[role=menuitem][data-action=move]")
        .unwrap()
        .expect("a Move to help desk item")
}

#[wasm_bindgen_test]
async fn an_agent_sees_no_move_action_on_any_channel() {
    // R1
    let m = mount_table(false);
    leptos::task::tick().await;
    assert_eq!(m.m.root.query_selector_all("tbody tr").unwrap().length(), 5);
    assert_eq!(
        m.m.root
            .query_selector_all(".row-menu-trigger")
            .unwrap()
            .length(),
        0
    );
    assert_eq!(
        m.m.root
            .query_selector_all("[data-action=move]")
            .unwrap()
            .length(),
        0
    );
    assert!(!m
        .m
        .root
        .text_content()
        .unwrap()
        .contains("Move to help desk"));
}

#[wasm_bindgen_test]
async fn a_super_admin_sees_move_disabled_with_its_reason_where_a_channel_cannot_move() {
    // R2, R21
    let m = mount_table(true);
    leptos::task::tick().await;
    for (name, reason) in [
        ("WhatsApp", "WhatsApp chatflows can't be moved to help desk. Delete the channel from the inbox and connect it to help desk instead."),
        ("Facebook Messenger", "Facebook Messenger chatflows can't be moved to help desk. Delete the channel from the inbox and connect it to help desk instead."),
        ("Fallback address", "The inbox's fallback email address can't be moved to help desk."),
        ("Pricing bot", "Bot action 2 “Create ticket”: help desk already creates a ticket for every conversation. Remove this action from the bot first."),
    ] {
        let item = open_menu(&m, name).await;
        assert_eq!(item.get_attribute("aria-disabled").as_deref(), Some("true"), "{name}");
        let reason_id = item.get_attribute("aria-describedby").expect("the reason describes the item");
        let reasons = m.m.root.query_selector(&format!("#{reason_id}")).unwrap().expect("the reason list");
        assert_eq!(reasons.text_content().unwrap(), reason, "{name}");
        // Choosing a disabled item does nothing.
        item.unchecked_ref::<HtmlElement>().click();
        leptos::task::tick().await;
        assert_eq!(m.chosen.get_untracked(), None, "{name} must not start a move");
    }
}

#[wasm_bindgen_test]
async fn a_super_admin_can_choose_move_for_support_email() {
    // R1, R2
    let m = mount_table(true);
    leptos::task::tick().await;
    let item = open_menu(&m, "Support email").await;
    assert_eq!(
        item.get_attribute("aria-disabled").as_deref(),
        Some("false")
    );
    assert_eq!(item.get_attribute("aria-describedby"), None);
    assert_eq!(item.text_content().unwrap(), "Move to help desk");
    item.unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    assert_eq!(m.chosen.get_untracked().as_deref(), Some("Support email"));
    // The menu closes once the action is chosen.
    assert!(row(&m, "Support email")
        .query_selector("[role=menu]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn escape_closes_the_menu_and_returns_focus_to_its_button() {
    let m = mount_table(true);
    leptos::task::tick().await;
    let item = open_menu(&m, "Support email").await;
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &{
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Escape");
        init.set_bubbles(true);
        init
    })
    .unwrap();
    item.dispatch_event(&event).unwrap();
    leptos::task::tick().await;
    let r = row(&m, "Support email");
    assert!(r.query_selector("[role=menu]").unwrap().is_none());
    let trigger = r.query_selector(".row-menu-trigger").unwrap().unwrap();
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert!(
        active.is_same_node(Some(&trigger)),
        "focus returns to Options"
    );
}

#[wasm_bindgen_test]
async fn an_identifier_address_reads_as_words_and_an_email_as_it_is() {
    // Daily use: the Address column showed slugs such as "demo-co".
    let m = mount_table(false);
    leptos::task::tick().await;
    for (name, shown, raw) in [
        ("Facebook Messenger", "Demo co", "demo-co"),
        ("Pricing bot", "Pricing bot", "pricing-bot"),
        ("Support email", "support@demo.test", "support@demo.test"),
        ("WhatsApp", "+1 555 0101", "+1 555 0101"),
    ] {
        let cell = row(&m, name).query_selector("td.address").unwrap().unwrap();
        assert_eq!(cell.text_content().unwrap(), shown, "{name}");
        assert_eq!(cell.get_attribute("title").as_deref(), Some(raw), "{name}");
    }
}

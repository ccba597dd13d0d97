//! R27: the app in English, German and Norwegian Bokmål: plurals, numbers, dates
//! in the browser's time zone, the rules' own words, and whole components.

mod common;

use chrono::{TimeZone, Utc};
use common::{a_move, mount_in, settle};
use deskmove::components::format::{date, date_time};
use deskmove::components::move_banner::MoveBanner;
use deskmove::components::move_progress::MoveProgress;
use deskmove::components::pager::page_range;
use deskmove::i18n::Locale;
use deskmove::words;
use deskmove_rules::{BotActionKind, ChannelKind, MoveState, Said};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn counts_take_the_plural_each_language_needs() {
    // R27
    assert_eq!(words::conversations(Locale::en, 1), "1 conversation");
    assert_eq!(words::conversations(Locale::en, 2), "2 conversations");
    assert_eq!(words::conversations(Locale::de, 1), "1 Gespräch");
    assert_eq!(words::conversations(Locale::de, 2), "2 Gespräche");
    assert_eq!(words::conversations(Locale::nb, 1), "1 samtale");
    assert_eq!(words::conversations(Locale::nb, 0), "0 samtaler");
    assert_eq!(words::tickets(Locale::nb, 1), "1 billett");
    assert_eq!(words::tickets(Locale::nb, 3), "3 billetter");
    assert_eq!(
        words::time_left(Locale::de, deskmove_rules::progress::TimeLeft::Minutes(1)),
        "Noch etwa 1 Minute"
    );
}

#[wasm_bindgen_test]
fn numbers_group_their_digits_as_each_language_writes_them() {
    // R27: through the browser's Intl.
    assert_eq!(
        page_range(Locale::de, 1, 50, 29_637, false),
        "1–50 von 29.637"
    );
    assert_eq!(
        page_range(Locale::nb, 593, 50, 29_637, false),
        "29\u{a0}601–29\u{a0}637 av 29\u{a0}637"
    );
    assert_eq!(
        words::conversations(Locale::de, 1_234_567),
        "1.234.567 Gespräche"
    );
}

#[wasm_bindgen_test]
fn dates_and_times_are_in_the_language_and_the_browser_s_time_zone() {
    // R27: noon UTC is the same day in every time zone a browser can be in.
    let noon = Utc.with_ymd_and_hms(2026, 11, 22, 12, 5, 0).unwrap();
    assert_eq!(date(Locale::de, noon), "22.11.2026");
    assert!(
        date(Locale::nb, noon).starts_with("22. nov. 2026"),
        "{}",
        date(Locale::nb, noon)
    );
    let local = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        noon.timestamp_millis() as f64
    ));
    let clock = format!("{:02}:{:02}", local.get_hours(), local.get_minutes());
    for l in [Locale::en, Locale::de, Locale::nb] {
        let shown = date_time(l, noon);
        assert!(
            shown.contains(&clock),
            "{shown} shows the browser's {clock}"
        );
        assert!(shown.contains("2026"), "{shown}");
    }
}

#[wasm_bindgen_test]
fn the_rules_words_read_in_the_chosen_language() {
    // R27: blockers and warnings come as facts; the app words them.
    let people = Said::PeopleWithoutAccess {
        count: 7,
        names: vec!["Noor Sales".into(), "Sam Agent".into()],
    };
    let de = words::said(Locale::de, &people);
    assert!(
        de.starts_with(
            "7 Benutzer haben keinen Helpdesk-Zugang: Noor Sales, Sam Agent und 5 weitere."
        ),
        "{de}"
    );
    let one = Said::PeopleWithoutAccess {
        count: 1,
        names: vec!["Noor Sales".into()],
    };
    assert!(words::said(Locale::nb, &one)
        .starts_with("1 bruker har ikke helpdesk-tilgang: Noor Sales."));
    assert!(
        words::said(Locale::en, &one).starts_with("1 user has no help desk access: Noor Sales.")
    );
    let bot = Said::BotCreatesTickets {
        number: 2,
        action: BotActionKind::CreateTicket,
    };
    assert!(words::said(Locale::de, &bot).starts_with("Bot-Aktion 2 „Ticket erstellen“"));
    let kind = Said::KindNotMovable {
        kind: ChannelKind::Whatsapp,
    };
    assert!(words::said(Locale::nb, &kind)
        .starts_with("WhatsApp-chatflyter kan ikke flyttes til helpdesk."));
    // R24: the quiet hour, in the browser's clock.
    let busy = Said::BusyChannel {
        arrivals: 21,
        quiet_hour: Some(2),
    };
    let local = deskmove::components::format::hour_of_day(Locale::de, 2);
    assert!(
        words::said(Locale::de, &busy)
            .ends_with(&format!("Am ruhigsten ist es gegen {local} Uhr.")),
        "{}",
        words::said(Locale::de, &busy)
    );
    // The English the app shows is the English the API says.
    for s in [
        people,
        one,
        bot,
        kind,
        Said::FormLinkedEmail {
            still_in_inbox: vec!["Support email".into()],
        },
        Said::RequesterNotAllowed,
        Said::NotAnEmail,
        Said::PasswordLength { min: 12, max: 128 },
        Said::WrongSetupToken,
    ] {
        assert_eq!(words::said(Locale::en, &s), s.english());
    }
    // R28: the set-up form's own words.
    assert_eq!(
        words::said(Locale::nb, &Said::PasswordLength { min: 12, max: 128 }),
        "Et passord har 12 til 128 tegn."
    );
    // R24: why a scheduled move did not start, in each language.
    assert!(words::said(Locale::de, &Said::RequesterNotAllowed)
        .starts_with("Wer diese Verschiebung geplant hat, ist kein aktiver Super-Admin mehr"));
    assert!(
        words::said(Locale::nb, &Said::RequesterNotAllowed).starts_with(
            "Den som planla denne flyttingen, er ikke lenger en aktiv superadministrator"
        )
    );
}

#[wasm_bindgen_test]
async fn the_banner_and_the_progress_page_speak_german_and_norwegian() {
    // R27, R17, R15
    let running = RwSignal::new(Some(a_move(MoveState::Running, 1, 2000)));
    let name = RwSignal::new(Some("Support-E-Mail".to_string()));
    let banner = mount_in(Locale::de, move || {
        view! { <MoveBanner running=running channel_name=name/> }.into_any()
    });
    settle().await;
    let text = banner.text(".move-banner");
    assert!(
        text.contains("Support-E-Mail wird zum Helpdesk verschoben."),
        "{text}"
    );
    assert!(
        text.contains("1 von 2.000 Gesprächen verschoben (0 %)"),
        "{text}"
    );
    assert_eq!(banner.text(".move-banner-link"), "Fortschritt ansehen");

    let done = RwSignal::new(a_move(MoveState::Completed, 1, 1));
    let progress = mount_in(Locale::nb, move || {
        view! { <MoveProgress current=done channel_name="Støtte"/> }.into_any()
    });
    settle().await;
    assert_eq!(progress.text("h1"), "Støtte er nå i helpdesk");
    let summary = progress.text(".summary");
    assert!(summary.starts_with("Flyttet 1 samtale på "), "{summary}");
    assert_eq!(progress.text(".summary a"), "Gå til helpdesk");
}

#[wasm_bindgen_test]
async fn a_paused_move_says_so_in_the_language_and_keeps_the_server_s_reason() {
    // R27, I4: what holds the move back is the machine's, said by the server in English.
    let mut paused = a_move(MoveState::Running, 10, 100);
    paused.paused_reason = Some(
        "Paused: the disk is full. The move resumes by itself once that is fixed; nothing is lost."
            .into(),
    );
    let current = RwSignal::new(paused);
    let m = mount_in(Locale::de, move || {
        view! { <MoveProgress current=current channel_name="Support-E-Mail"/> }.into_any()
    });
    settle().await;
    let alert = m.text(".paused");
    assert!(
        alert.starts_with("Pausiert: Der Server kann gerade nicht speichern."),
        "{alert}"
    );
    let reason = m.get(".paused [lang=en]");
    assert!(reason
        .text_content()
        .unwrap_or_default()
        .contains("the disk is full"));
}

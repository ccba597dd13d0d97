use super::*;
use crate::fixtures;

#[test]
fn recipients_match_without_case_and_without_a_plus_tag() {
    // R32
    assert_eq!(
        recipient_key("Support+Order-7@Fjord.Example").as_deref(),
        Some("support@fjord.example")
    );
    assert_eq!(
        recipient_key(" <support@fjord.example> ").as_deref(),
        Some("support@fjord.example")
    );
    assert_eq!(
        recipient_key("+x@fjord.example"),
        None,
        "no local part left"
    );
    assert_eq!(recipient_key("not an address"), None);
}

#[test]
fn mail_goes_to_the_first_recipient_in_r32_order_that_is_an_email_channel() {
    // R32
    let channels = [
        fixtures::channel(1, Some(1), ChannelKind::Email, "", "support@fjord.example"),
        fixtures::channel(2, Some(1), ChannelKind::Email, "", "sales@fjord.example"),
        fixtures::channel(
            3,
            Some(1),
            ChannelKind::FallbackEmail,
            "",
            "fallback@fjord.example",
        ),
    ];
    let to = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let r = Recipients {
        envelope: None,
        delivered_to: vec![],
        original_to: to(&["someone@else.example"]),
        to: to(&["SALES+quote@fjord.example"]),
        cc: to(&["support@fjord.example"]),
    };
    assert_eq!(channel_for(&channels, &r), Some(ChannelId::of(2)));
    let envelope = Recipients {
        envelope: Some("support@fjord.example".into()),
        ..r.clone()
    };
    assert_eq!(
        channel_for(&channels, &envelope),
        Some(ChannelId::of(1)),
        "the envelope recipient comes first"
    );
    let fallback = Recipients {
        to: to(&["fallback@fjord.example"]),
        cc: vec![],
        ..Recipients::default()
    };
    assert_eq!(
        channel_for(&channels, &fallback),
        None,
        "not an email channel"
    );
}

#[test]
fn in_reply_to_and_references_name_message_ids() {
    // R12, R32
    assert_eq!(
        message_ids(
            "<a1@fjord.example> (comment) <b2@mail.example>\r\n <c3@x>",
            10
        ),
        ["a1@fjord.example", "b2@mail.example", "c3@x"]
    );
    assert_eq!(
        message_ids("Your message of Monday <id@old.example>", 10),
        ["id@old.example"]
    );
    assert!(message_ids("<> < > <unterminated@x", 10).is_empty());
    assert_eq!(message_ids("<a@x> <b@x> <c@x>", 2), ["a@x", "b@x"]);
    assert_eq!(
        message_ids(" bare.id@old.example ", 10),
        ["bare.id@old.example"],
        "an old mailer's id without brackets"
    );
    assert!(message_ids("no id here", 10).is_empty());
    let long: String = (0..100_000).map(|i| format!("<{i}@x> ")).collect();
    assert_eq!(
        last_message_ids(&long, 3),
        ["99997@x", "99998@x", "99999@x"],
        "the newest, however long the thread"
    );
}

#[test]
fn automatic_replies_and_bounces_are_told_apart_from_people() {
    // R32: RFC 3834 and multipart/report.
    let none = Automatic::default();
    assert_eq!(ignored(&none), None);
    let h = |f: fn(&mut Automatic<'static>)| {
        let mut a = Automatic::default();
        f(&mut a);
        ignored(&a)
    };
    assert_eq!(
        h(|a| a.auto_submitted = Some("auto-replied")),
        Some(Ignored::AutoReply)
    );
    assert_eq!(h(|a| a.auto_submitted = Some("No")), None);
    assert_eq!(h(|a| a.x_autoreply = Some("yes")), Some(Ignored::AutoReply));
    assert_eq!(
        h(|a| a.precedence = Some(" Bulk ")),
        Some(Ignored::AutoReply)
    );
    assert_eq!(h(|a| a.precedence = Some("first-class")), None);
    assert_eq!(
        h(|a| {
            a.content_type = Some("multipart/report");
            a.report_type = Some("delivery-status");
        }),
        Some(Ignored::Bounce)
    );
    assert_eq!(h(|a| a.return_path = Some("<>")), Some(Ignored::Bounce));
    assert_eq!(
        h(|a| {
            a.return_path = Some("<>");
            a.auto_submitted = Some("auto-replied");
        }),
        Some(Ignored::AutoReply),
        "an auto-reply from the null sender is an auto-reply"
    );
    assert_eq!(Ignored::AutoReply.as_str(), "auto_reply");
}

#[test]
fn a_reply_looks_for_what_it_answers_first_then_the_newest_of_its_thread() {
    // R32
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        thread_candidates(&ids(&["c@x"]), &ids(&["a@x", "b@x", "c@x"])),
        ids(&["c@x", "b@x", "a@x"])
    );
    let long: Vec<String> = (0..1000).map(|i| format!("{i}@x")).collect();
    let found = thread_candidates(&[], &long);
    assert_eq!(found.len(), MOST_THREAD_IDS);
    assert_eq!(found[0], "999@x", "the newest first");
}

#[test]
fn a_reply_re_opens_a_closed_ticket_to_the_first_open_status() {
    // R32
    let pipeline = fixtures::pipeline();
    let closed = pipeline
        .statuses
        .iter()
        .find(|s| s.state == StatusState::Closed)
        .unwrap()
        .id;
    let first_open = pipeline
        .statuses
        .iter()
        .find(|s| s.state == StatusState::Open)
        .unwrap()
        .id;
    let later_open = pipeline
        .statuses
        .iter()
        .filter(|s| s.state == StatusState::Open)
        .nth(1)
        .unwrap()
        .id;
    assert_eq!(reopened_status(&pipeline, closed), Some(first_open));
    assert_eq!(reopened_status(&pipeline, later_open), None, "open stays");
}

#[test]
fn flowed_text_joins_its_soft_breaks_and_keeps_its_hard_ones() {
    // R32
    let text = "Hello, this is a \r\nlong line.\r\n\r\n> quoted and \r\n> flowed\r\n>> deeper \r\n> back\r\n-- \r\nKari\r\n";
    assert_eq!(
        unflow(text, false),
        "Hello, this is a long line.\n\n> quoted and flowed\n>> deeper \n> back\n-- \nKari\n"
    );
    assert_eq!(unflow("split wo\r\nrd", false), "split wo\nrd");
    assert_eq!(unflow("split wo \r\nrd", true), "split word");
    assert_eq!(
        unflow(" From the start", false),
        "From the start",
        "space-stuffing goes"
    );
}

#[test]
fn a_form_needs_an_email_and_bounded_fields() {
    // R32
    let ok = FormSubmission {
        email: "kari@example.com".into(),
        message: "Hi".into(),
        ..FormSubmission::default()
    };
    assert_eq!(validate_form(&ok), Ok(()));
    let missing = FormSubmission {
        email: "  ".into(),
        ..ok.clone()
    };
    assert_eq!(validate_form(&missing), Err(FormProblem::EmailMissing));
    let bad = FormSubmission {
        email: "kari".into(),
        ..ok.clone()
    };
    assert_eq!(validate_form(&bad), Err(FormProblem::EmailInvalid));
    let long = FormSubmission {
        message: "x".repeat(FORM_MESSAGE_MAX + 1),
        ..ok.clone()
    };
    assert_eq!(
        validate_form(&long),
        Err(FormProblem::TooLong {
            field: "message",
            max: FORM_MESSAGE_MAX
        })
    );
    assert_eq!(form_subject(&ok, "Contact"), "Hi");
    let empty = FormSubmission {
        message: "\n".into(),
        ..ok
    };
    assert_eq!(form_subject(&empty, "Contact"), "Contact");
}

#[test]
fn the_visitors_language_is_the_best_one_their_browser_asks_for() {
    assert_eq!(
        language_of("nb-NO,nb;q=0.9,en;q=0.8"),
        Language::NorwegianBokmal
    );
    assert_eq!(
        language_of("fr-CH, fr;q=0.9, de;q=0.7, en;q=0.8"),
        Language::English
    );
    assert_eq!(language_of("de-DE"), Language::German);
    assert_eq!(language_of("fr"), Language::English);
    assert_eq!(language_of(""), Language::English);
    assert_eq!(language_of("de;q=0, nb;q=0.1"), Language::NorwegianBokmal);
}

#[test]
fn a_channel_whose_address_has_a_tag_gets_its_own_mail() {
    // R32
    let channels = [
        fixtures::channel(1, Some(1), ChannelKind::Email, "", "support@fjord.example"),
        fixtures::channel(
            2,
            Some(1),
            ChannelKind::Email,
            "",
            "Support+VIP@fjord.example",
        ),
    ];
    let to = |a: &str| Recipients {
        to: vec![a.to_string()],
        ..Recipients::default()
    };
    assert_eq!(
        channel_for(&channels, &to("support+vip@fjord.example")),
        Some(ChannelId::of(2))
    );
    assert_eq!(
        channel_for(&channels, &to("support+order-7@fjord.example")),
        Some(ChannelId::of(1))
    );
    assert_eq!(
        channel_for(&channels, &to("<SUPPORT@fjord.example>")),
        Some(ChannelId::of(1))
    );
}

#[test]
fn a_bounce_names_the_answer_it_returns_and_why() {
    // R33
    let status = "Reporting-MTA: dns; mx.example.com\r\n\r\n\
        Final-Recipient: rfc822; nils@elsewhere.test\r\nAction: failed\r\n\
        Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <nils@elsewhere.test>:\r\n \
        Recipient address rejected: User unknown\r\n";
    let original = "From: Support <support@demo.test>\r\nMessage-ID:\r\n \
        <answer.1@deskmove.test>\r\nSubject: Re: Hi\r\n\r\nbody Message-ID: <no@x>\r\n";
    assert_eq!(
        returned(status, original),
        Some(Returned {
            message_id: "answer.1@deskmove.test".into(),
            recipients: vec!["nils@elsewhere.test".into()],
            reason: "550 5.1.1 <nils@elsewhere.test>: Recipient address rejected: User unknown"
                .into(),
        })
    );
    // A delay is no bounce; no Message-ID, nothing to fail.
    assert_eq!(
        returned(&status.replace("failed", "delayed"), original),
        None
    );
    assert_eq!(returned(status, "Subject: Re: Hi\r\n"), None);
    // The whole returned mail, CRLF and all: its body never stands in.
    assert_eq!(
        returned(status, "Subject: Re: Hi\r\n\r\nMessage-ID: <body@x>\r\n"),
        None
    );
    let bare = "Action: FAILED\nStatus: 5.0.0\n";
    assert_eq!(
        returned(bare, "Message-Id: <a@b>\n").map(|r| r.reason),
        Some("5.0.0".into())
    );
}

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
        message_ids("<a1@fjord.example> (comment) <b2@mail.example>\r\n <c3@x>"),
        ["a1@fjord.example", "b2@mail.example", "c3@x"]
    );
    assert_eq!(
        message_ids("Your message of Monday <id@old.example>"),
        ["id@old.example"]
    );
    assert!(message_ids("<> < > <unterminated@x").is_empty());
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

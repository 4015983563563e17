#![allow(clippy::unwrap_used)]
//! The connect conversation driven without a front end, as a person would.

use std::path::PathBuf;
use std::time::Duration;

use netdrive::{Error, Win32Error};
use proptest::prelude::*;
use proptest::strategy::LazyJust;

use super::*;

fn setup(flags: u32) -> ConnectSetup {
    ConnectSetup {
        remote: None,
        local: None,
        flags,
        timeout: Duration::from_secs(5),
        network_base: Some(PathBuf::from("/home/me/Network")),
    }
}

fn attempt(effects: Vec<ConnectEffect>) -> Attempt {
    match effects.as_slice() {
        [ConnectEffect::Run(ConnectWork::Connect(a))] => (**a).clone(),
        other => panic!("expected one connect, got {other:?}"),
    }
}

fn connected(local: &str) -> Result<Connected, Error> {
    Ok(Connected { local_name: local.into(), remote_name: r"\\nas\media".into() })
}

#[test]
fn typing_a_folder_suggests_a_local_one_and_connect_mounts_it() {
    let mut c = ConnectConversation::new(setup(0));
    assert!(c.handle(ConnectEvent::Opened).is_empty(), "no recent list without CONNDLG_USE_MRU");
    assert!(!c.can_connect());
    c.handle(ConnectEvent::Folder(r"\\nas\media".into()));
    assert_eq!(c.local(), "/home/me/Network/nas media");
    assert!(c.reconnect_shown() && c.reconnect(), "Reconnect at sign-in is ticked, as on Windows");
    let a = attempt(c.handle(ConnectEvent::Connect));
    assert_eq!((a.remote.provider, a.remote.remote_name.as_str()), ("SMB", r"\\nas\media"));
    assert!(a.find_free && a.reconnect && a.password.is_none());
    assert!(c.connecting() && !c.can_connect());
    assert_eq!(c.status_line(), r"Connecting to \\nas\media…");
    for _ in 0..25 {
        c.handle(ConnectEvent::Tick);
    }
    assert_eq!(c.status_line(), r"Connecting to \\nas\media… (2 s)");
    // Fields are locked while it runs.
    c.handle(ConnectEvent::Folder("x".into()));
    assert_eq!(c.folder(), r"\\nas\media");
    let end = c.handle(ConnectEvent::Done {
        id: a.id,
        result: connected("/home/me/Network/nas media"),
        notices: Vec::new(),
    });
    let want = Outcome::Connected(Connected {
        local_name: "/home/me/Network/nas media".into(),
        remote_name: r"\\nas\media".into(),
    });
    assert_eq!(end, vec![ConnectEffect::End(want.clone())]);
    assert_eq!(c.outcome(), Some(&want));
    assert!(c.handle(ConnectEvent::Cancel).is_empty(), "over is over");
}

#[test]
fn a_typed_local_folder_is_kept_and_used_as_it_is() {
    let mut c = ConnectConversation::new(setup(0));
    c.handle(ConnectEvent::Local("/mnt/films".into()));
    c.handle(ConnectEvent::Folder("sftp://me@h/srv".into()));
    assert_eq!(c.local(), "/mnt/films");
    let a = attempt(c.handle(ConnectEvent::Connect));
    assert!(!a.find_free);
    assert_eq!(a.user.as_deref(), Some("me"));
    // Cleared: the suggestion comes back.
    let mut c = ConnectConversation::new(setup(0));
    c.handle(ConnectEvent::Local("/mnt/films".into()));
    c.handle(ConnectEvent::Local(String::new()));
    c.handle(ConnectEvent::Folder("me@h:/srv/data".into()));
    assert_eq!(c.local(), "/home/me/Network/h data");
}

#[test]
fn a_wrong_password_asks_again_with_the_message() {
    let mut c = ConnectConversation::new(setup(0));
    c.handle(ConnectEvent::Folder("sftp://127.0.0.1/tmp".into()));
    c.handle(ConnectEvent::OtherCredentials(true));
    c.handle(ConnectEvent::User("tester".into()));
    c.handle(ConnectEvent::Password("wrong".into()));
    c.handle(ConnectEvent::Remember(true));
    let a = attempt(c.handle(ConnectEvent::Connect));
    assert_eq!((a.user.as_deref(), a.password.as_deref(), a.remember), (Some("tester"), Some("wrong"), true));
    let focus = c.focus().0;
    for e in [
        Error::LogonFailure("denied".into()),
        Error::InvalidPassword("bad".into()),
        Error::AccessDenied { target: "/x".into(), reason: "Permission denied (publickey,password)".into() },
    ] {
        let id = match c.handle(ConnectEvent::Connect).as_slice() {
            [] => a.id,
            _ => unreachable!(),
        };
        let _ = id;
        let code = e.code();
        let again = c.handle(ConnectEvent::Done { id: c.attempt, result: Err(e), notices: Vec::new() });
        assert!(again.is_empty(), "not the end: asked again");
        assert!(!c.connecting() && c.other_credentials());
        assert_eq!(c.password(), "", "the wrong password is gone");
        assert_eq!(c.user(), "tester", "the user stays");
        let m = c.message().unwrap();
        assert!(m.contains("password"), "{m}");
        assert!(m.contains(&code.to_string()), "{m}");
        assert_eq!(c.focus().1, Field::Password);
        assert!(c.focus().0 > focus);
        c.handle(ConnectEvent::Password("right".into()));
        let b = attempt(c.handle(ConnectEvent::Connect));
        assert_eq!(b.password.as_deref(), Some("right"));
    }
}

#[test]
fn failures_are_said_in_plain_words_with_their_code_and_the_form_stays() {
    let cases = [
        (Error::BadNetName("no such share".into()), "not found", 67),
        (Error::BadNetPath("unknown host".into()), "not found", 53),
        (Error::AccessDenied { target: "/x".into(), reason: "no".into() }, "Permission denied", 5),
        (
            Error::NotResponding {
                target: "/x".into(),
                after: Duration::from_secs(5),
                waiting: netdrive::Waiting::Nothing,
            },
            "did not answer within 5 seconds",
            121,
        ),
    ];
    for (e, words, code) in cases {
        let mut c = ConnectConversation::new(setup(0));
        c.handle(ConnectEvent::Folder(r"\\nas\media".into()));
        let a = attempt(c.handle(ConnectEvent::Connect));
        assert!(c.handle(ConnectEvent::Done { id: a.id, result: Err(e), notices: Vec::new() }).is_empty());
        let m = c.message().unwrap();
        assert!(m.contains(words) && m.contains(&format!("({code})")), "{m}");
        assert!(!m.contains("--detach"), "{m}");
        assert!(c.can_connect() && c.folder() == r"\\nas\media");
    }
}

#[test]
fn cancel_works_at_once_even_while_connecting_and_a_late_answer_changes_nothing() {
    let mut c = ConnectConversation::new(setup(0));
    c.handle(ConnectEvent::Folder(r"\\nas\media".into()));
    let a = attempt(c.handle(ConnectEvent::Connect));
    assert_eq!(
        c.handle(ConnectEvent::Cancel),
        vec![ConnectEffect::End(Outcome::Cancelled(CancelledBy::Person))]
    );
    assert!(c
        .handle(ConnectEvent::Done { id: a.id, result: connected("/x"), notices: Vec::new() })
        .is_empty());
    assert_eq!(c.outcome(), Some(&Outcome::Cancelled(CancelledBy::Person)));
    let mut c = ConnectConversation::new(setup(0));
    assert_eq!(
        c.handle(ConnectEvent::OwnerGone),
        vec![ConnectEffect::End(Outcome::Cancelled(CancelledBy::OwnerGone))]
    );
}

#[test]
fn a_folder_that_is_not_one_is_said_before_anything_runs() {
    let mut c = ConnectConversation::new(setup(0));
    assert!(c.handle(ConnectEvent::Connect).is_empty());
    assert_eq!(c.message(), Some(texts::TYPE_FOLDER_FIRST));
    c.handle(ConnectEvent::Folder("nas".into()));
    assert!(c.handle(ConnectEvent::Connect).is_empty());
    assert!(c.message().unwrap().contains("is not a network folder"));
    assert_eq!(c.focus().1, Field::Folder);
    // No home: no suggestion, so the local folder is asked for.
    let mut c = ConnectConversation::new(ConnectSetup { network_base: None, ..setup(0) });
    c.handle(ConnectEvent::Folder(r"\\nas\media".into()));
    assert!(c.handle(ConnectEvent::Connect).is_empty());
    assert_eq!(c.message(), Some(texts::CHOOSE_LOCAL_FIRST));
    assert_eq!(c.focus().1, Field::Local);
}

#[test]
fn the_flags_shape_the_dialog() {
    let ro =
        ConnectSetup { remote: Some(r"\\nas\media".into()), ..setup(CONNDLG_RO_PATH | CONNDLG_HIDE_BOX) };
    let mut c = ConnectConversation::new(ro);
    assert!(!c.folder_editable() && !c.reconnect_shown() && !c.reconnect());
    c.handle(ConnectEvent::Folder("other".into()));
    c.handle(ConnectEvent::Reconnect(true));
    assert_eq!((c.folder(), c.reconnect()), (r"\\nas\media", false));
    assert_eq!(c.local(), "/home/me/Network/nas media");
    let c = ConnectConversation::new(setup(CONNDLG_HIDE_BOX | CONNDLG_PERSIST));
    assert!(!c.reconnect_shown() && c.reconnect());
    let c = ConnectConversation::new(setup(CONNDLG_NOT_PERSIST));
    assert!(c.reconnect_shown() && !c.reconnect());
    let mut c = ConnectConversation::new(setup(CONNDLG_USE_MRU));
    assert!(matches!(
        c.handle(ConnectEvent::Opened).as_slice(),
        [ConnectEffect::Run(ConnectWork::Recent { .. })]
    ));
    c.handle(ConnectEvent::Recent(vec![r"\\a\b".into()]));
    assert_eq!(c.recent(), [r"\\a\b".to_owned()]);
    // A preset local folder is the person's choice, not a suggestion.
    let mut c = ConnectConversation::new(ConnectSetup { local: Some("/mnt/x".into()), ..setup(0) });
    c.handle(ConnectEvent::Folder(r"\\nas\media".into()));
    assert_eq!(c.local(), "/mnt/x");
}

#[test]
fn the_api_refuses_what_win32_refuses() {
    let code = |d: ConnectDlg| connect_dialog1_with(&d, &crate::DialogOptions::default()).unwrap_err().code();
    let disk = NetResource::default();
    assert_eq!(
        code(ConnectDlg {
            net_resource: NetResource { resource_type: 2, ..disk.clone() },
            ..ConnectDlg::default()
        }),
        Win32Error::ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(ConnectDlg { flags: 0x100, ..ConnectDlg::default() }),
        Win32Error::ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(ConnectDlg { flags: CONNDLG_PERSIST | CONNDLG_NOT_PERSIST, ..ConnectDlg::default() }),
        Win32Error::ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        code(ConnectDlg { flags: CONNDLG_RO_PATH, ..ConnectDlg::default() }),
        Win32Error::ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        connect_dialog(crate::Owner::None, 2).unwrap_err().code(),
        Win32Error::ERROR_INVALID_PARAMETER
    );
}

fn events() -> impl Strategy<Value = ConnectEvent> {
    prop_oneof![
        LazyJust::new(|| ConnectEvent::Opened),
        prop::collection::vec("\\PC{0,10}", 0..3).prop_map(ConnectEvent::Recent),
        prop_oneof![Just(r"\\nas\media".to_owned()), Just("nas".to_owned()), "\\PC{0,12}"]
            .prop_map(ConnectEvent::Folder),
        "\\PC{0,8}".prop_map(ConnectEvent::Local),
        any::<bool>().prop_map(ConnectEvent::Reconnect),
        any::<bool>().prop_map(ConnectEvent::OtherCredentials),
        "\\PC{0,6}".prop_map(ConnectEvent::User),
        "\\PC{0,6}".prop_map(ConnectEvent::Password),
        any::<bool>().prop_map(ConnectEvent::Remember),
        LazyJust::new(|| ConnectEvent::Connect),
        LazyJust::new(|| ConnectEvent::Connect),
        (0u64..4, 0u8..5).prop_map(|(id, r)| ConnectEvent::Done {
            id,
            notices: if r == 4 {
                vec!["/x is connected, but not remembered for sign-in: no".into()]
            } else {
                Vec::new()
            },
            result: match r {
                0 | 4 => connected("/x"),
                1 => Err(Error::LogonFailure("no".into())),
                2 => Err(Error::BadNetName("no".into())),
                _ => Err(Error::AccessDenied { target: "/x".into(), reason: "no".into() }),
            },
        }),
        LazyJust::new(|| ConnectEvent::Tick),
        LazyJust::new(|| ConnectEvent::Cancel),
        LazyJust::new(|| ConnectEvent::Browse),
        LazyJust::new(|| ConnectEvent::CloseBrowse),
        (0usize..8).prop_map(ConnectEvent::Expand),
        (0usize..8).prop_map(ConnectEvent::Collapse),
        (0usize..8).prop_map(ConnectEvent::Pick),
        (1u64..6, 0usize..5).prop_map(|(listing, r)| {
            let name = [r"\\nas", r"\\nas\media", "SMB", r"\\h\~", r"\\h"][r];
            let provider = if r == 3 { "SSHFS" } else { "SMB" };
            let event =
                netdrive::browse::Event::Found(netdrive::browse::parse(Some(provider), Some(name)).unwrap());
            ConnectEvent::Listed { listing, event }
        }),
        (1u64..6).prop_map(|listing| ConnectEvent::ListingEnded { listing, error: None }),
    ]
}

proptest! {
    /// Any sequence of events: at most one connect out at a time, never stuck (Cancel
    /// always ends it), it ends once, and connected only after a connect's own answer.
    #[test]
    fn any_sequence_of_events_keeps_the_rules(evs in prop::collection::vec(events(), 0..40), flags in 0u32..64) {
        let flags = if flags & CONNDLG_PERSIST != 0 { flags & !CONNDLG_NOT_PERSIST } else { flags };
        let mut c = ConnectConversation::new(ConnectSetup { remote: Some(r"\\r\o".into()), ..setup(flags) });
        let mut out: Option<u64> = None;
        let mut ends = 0;
        // Connected, the dialog saying something first: it ends connected when closed.
        let mut told = false;
        for e in evs {
            let done_id = match &e { ConnectEvent::Done { id, result: Ok(_), .. } => Some(*id), _ => None };
            for eff in c.handle(e) {
                match eff {
                    ConnectEffect::Run(ConnectWork::Connect(a)) => {
                        prop_assert!(out.is_none(), "two connects at once");
                        out = Some(a.id);
                        prop_assert!(c.connecting());
                    }
                    ConnectEffect::Run(ConnectWork::Recent { .. }) => {}
                    ConnectEffect::List(_) => prop_assert!(c.tree().is_open(), "listing with the tree closed"),
                    ConnectEffect::StopListing => prop_assert!(!c.tree().listing()),
                    ConnectEffect::End(o) => {
                        ends += 1;
                        match o {
                            Outcome::Connected(_) => prop_assert!(told || done_id == out),
                            _ => prop_assert!(!told, "a connected drive is never reported cancelled"),
                        }
                    }
                }
            }
            if c.connected_with_notice() {
                prop_assert!(told || done_id == out, "connected only after its own answer");
                prop_assert!(c.can_connect() && !c.editing() && !c.connecting());
                told = true;
            }
            if !c.connecting() { out = None; }
            if flags & CONNDLG_RO_PATH != 0 { prop_assert_eq!(c.folder(), r"\\r\o"); }
        }
        prop_assert!(ends <= 1);
        if ends == 1 { prop_assert!(!c.tree().listing(), "a listing outlives the dialog"); }
        if ends == 0 {
            prop_assert_eq!(c.handle(ConnectEvent::Cancel).len(), 1);
        }
    }
}

/// A drive that connects but cannot be remembered (or whose password could not be
/// saved): the dialog says so, in the core's own words, and ends connected when the
/// person closes it, however they close it.
#[test]
fn a_connected_drive_with_a_notice_is_said_before_the_dialog_goes() {
    for close in [ConnectEvent::Connect, ConnectEvent::Cancel, ConnectEvent::OwnerGone] {
        let mut c = ConnectConversation::new(setup(0));
        c.handle(ConnectEvent::Folder(r"\\nas\media".into()));
        let a = attempt(c.handle(ConnectEvent::Connect));
        let notice = "/home/me/Network/nas media is connected, but not remembered for sign-in: \
                      cannot write the profile";
        let shown = c.handle(ConnectEvent::Done {
            id: a.id,
            result: connected("/home/me/Network/nas media"),
            notices: vec![notice.into(), "The desktop keyring could not be used.".into()],
        });
        assert!(shown.iter().all(|e| !matches!(e, ConnectEffect::End(_))), "it stays: {shown:?}");
        assert_eq!(
            c.message(),
            Some(format!("Connected.\n{notice}\nThe desktop keyring could not be used.").as_str())
        );
        assert!(!c.connecting() && !c.editing() && c.can_connect());
        assert_eq!(c.connect_label(), "OK");
        // Nothing changes it now.
        c.handle(ConnectEvent::Folder("other".into()));
        assert_eq!(c.folder(), r"\\nas\media");
        let want = Outcome::Connected(Connected {
            local_name: "/home/me/Network/nas media".into(),
            remote_name: r"\\nas\media".into(),
        });
        assert_eq!(c.handle(close), vec![ConnectEffect::End(want)]);
    }
}

/// A typed password never shows in debug output: not in the event that carries it, nor
/// in the conversation that holds it, nor in the attempt it goes into.
#[test]
fn a_typed_password_never_shows_in_debug_output() {
    let mut c = ConnectConversation::new(setup(0));
    let typed = ConnectEvent::Password("hunter2".into());
    let event = format!("{typed:?}");
    assert_eq!(event, r#"Password("<hidden>")"#);
    c.handle(ConnectEvent::Folder(r"\\nas\media".into()));
    c.handle(ConnectEvent::OtherCredentials(true));
    c.handle(ConnectEvent::User("me".into()));
    c.handle(typed);
    let held = format!("{c:?}");
    assert!(!held.contains("hunter2") && held.contains(r#"password: "<hidden>""#), "{held}");
    let a = attempt(c.handle(ConnectEvent::Connect));
    assert_eq!(a.password.as_deref(), Some("hunter2"), "it still goes to the connect");
    assert!(!format!("{a:?}").contains("hunter2"));
}

//! The conversation, driven as a front end would, without one: every flow a person can
//! take, and (proptest) any sequence of what people, workers and the mount table do.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::VecDeque;
use std::time::Duration;

use netdrive::{Connection, Error, Holder, Use};
use proptest::prelude::*;

use super::*;

const T: Duration = Duration::from_secs(3);

/// A listed sshfs drive at `/mnt/NAME` with this mount id.
fn conn(id: u64, name: &str) -> Connection {
    let line =
        format!("{id} 1 0:{id} / /mnt/{name} rw shared:1 - fuse.sshfs me@host:/srv/{name} rw,user_id=0");
    Connection::from_mount(&netdrive::mountinfo::parse_line(line.as_bytes()).unwrap()).unwrap()
}

fn listing(drives: &[(u64, &str)]) -> Listing {
    Listing { rows: drives.iter().map(|&(id, n)| Row::new(conn(id, n))).collect(), warning: None }
}

fn holder(pid: u32, path: &str) -> Holder {
    Holder {
        pid,
        name: "sleep".into(),
        uid: Some(0),
        user: "root".into(),
        path: path.into(),
        how: Use::File(3),
    }
}

fn done(c: &Connection) -> Step {
    Step::Done(Disconnected { local_name: c.local_name.clone(), remote_name: c.remote_name.clone() })
}

/// A conversation and what it asked for so far.
struct Dialog {
    c: Conversation,
    effects: Vec<Effect>,
}

impl Dialog {
    /// Opened and listed with these drives.
    fn with(drives: &[(u64, &str)]) -> Dialog {
        let mut d = Dialog { c: Conversation::new(T), effects: Vec::new() };
        assert_eq!(d.feed(Event::Opened), [Effect::Run(Work::List { first: true })]);
        assert!(!d.c.listed() && d.c.empty_text().is_none(), "nothing said before the first listing");
        d.feed(Event::Listed(Ok(listing(drives))));
        d
    }

    fn feed(&mut self, e: Event) -> &[Effect] {
        self.effects = self.c.handle(e);
        &self.effects
    }

    /// The one disconnect it asked for now.
    fn disconnect(&self) -> (&Connection, Mode, Duration) {
        match &self.effects[..] {
            [Effect::Run(Work::Disconnect { connection, mode, timeout })] => (connection, *mode, *timeout),
            e => panic!("not one disconnect: {e:?}"),
        }
    }

    fn row(&self, name: &str) -> &Row {
        self.c.rows().iter().find(|r| r.drive == format!("/mnt/{name}")).unwrap()
    }
}

#[test]
fn the_list_arrives_then_says_empty_only_when_it_is() {
    let d = Dialog::with(&[(10, "a"), (11, "b")]);
    assert!(d.c.listed());
    assert_eq!(d.c.rows().len(), 2);
    assert_eq!(d.c.empty_text(), None);
    assert_eq!(d.c.cursor(), Some(0));
    assert_eq!(d.row("a").cells(), ["/mnt/a", r"\\host\srv\a", "SSHFS", "connected"]);
    let d = Dialog::with(&[]);
    assert_eq!(d.c.empty_text(), Some(texts::EMPTY));
    assert_eq!(d.c.cursor(), None);
}

#[test]
fn a_first_listing_that_fails_ends_with_its_error_and_a_later_one_is_said() {
    let mut c = Conversation::new(T);
    c.handle(Event::Opened);
    let e = c.handle(Event::Listed(Err(Error::NoNetwork("no mount table".into()))));
    assert!(matches!(&e[..], [Effect::End(Outcome::Failed { code, .. })] if code.0 == 1222), "{e:?}");

    let mut d = Dialog::with(&[(10, "a")]);
    d.feed(Event::TableChanged);
    assert!(d.feed(Event::Listed(Err(Error::NoNetwork("gone".into())))).is_empty());
    assert_eq!(d.c.rows().len(), 1, "the rows shown stay");
    assert!(d.c.status_line().contains("gone"), "{}", d.c.status_line());
}

#[test]
fn a_warning_about_the_profile_shows_while_idle() {
    let mut d = Dialog::with(&[]);
    d.feed(Event::TableChanged);
    let mut l = listing(&[(10, "a")]);
    l.warning = Some("profile unreadable".into());
    d.feed(Event::Listed(Ok(l)));
    assert_eq!(d.c.status_line(), "profile unreadable");
}

#[test]
fn disconnecting_a_chosen_drive_ends_with_it() {
    let mut d = Dialog::with(&[(10, "a"), (11, "b")]);
    d.feed(Event::Select(vec![1]));
    assert!(d.c.can_disconnect());
    d.feed(Event::Disconnect);
    let (c, mode, timeout) = d.disconnect();
    assert_eq!((c.mount_id, mode, timeout), (Some(11), Mode::Normal, T));
    let c = c.clone();
    assert_eq!(d.c.status_line(), "Disconnecting /mnt/b…");
    assert_eq!((d.row("b").status.as_str(), d.row("b").working), ("disconnecting…", true));
    assert!(d.c.busy() && !d.c.can_disconnect());
    assert!(d.feed(Event::Disconnect).is_empty(), "one batch at a time");
    let end = d.feed(Event::Stepped(done(&c))).to_vec();
    assert_eq!(
        end,
        [Effect::End(Outcome::Disconnected(vec![Disconnected {
            local_name: "/mnt/b".into(),
            remote_name: r"\\host\srv\b".into()
        }]))]
    );
    assert!(d.feed(Event::Cancel).is_empty(), "ended: nothing more");
    assert!(d.c.outcome().is_some());
}

#[test]
fn with_nothing_chosen_the_cursor_row_goes_and_without_rows_it_says_so() {
    let mut d = Dialog::with(&[(10, "a"), (11, "b")]);
    d.feed(Event::Cursor(7));
    assert_eq!(d.c.cursor(), Some(1), "kept on the list");
    d.feed(Event::Disconnect);
    assert_eq!(d.disconnect().0.mount_id, Some(11));
    let mut d = Dialog::with(&[]);
    assert!(!d.c.can_disconnect());
    assert!(d.feed(Event::Disconnect).is_empty());
    assert_eq!(d.c.status_line(), texts::CHOOSE_FIRST);
}

#[test]
fn open_files_ask_naming_them_and_anyway_forces() {
    let mut d = Dialog::with(&[(10, "a")]);
    d.feed(Event::Disconnect);
    let holders = vec![holder(42, "/mnt/a/x"), holder(42, "/mnt/a/y"), holder(43, "/mnt/a/z")];
    assert!(d.feed(Event::Stepped(Step::OpenFiles(holders))).is_empty());
    let q = d.c.question().unwrap().clone();
    assert_eq!(
        (q.topic, q.title.as_str(), q.text.as_str()),
        (Topic::OpenFiles, "Files are open", "Files are open on /mnt/a")
    );
    assert!(q.detail.starts_with("sleep (PID 42) has a file open: /mnt/a/x\n"), "{}", q.detail);
    assert!(q.detail.contains("Disconnect anyway?"));
    assert_eq!(q.safe(), Answer::Cancel, "Cancel is the default");
    assert_eq!(d.row("a").status, "in use by 2 processes", "each process once");
    assert_eq!(d.c.status_line(), "Files are open on /mnt/a: waiting for your answer.");
    let asked = d.c.asked();
    assert!(d.feed(Event::Answer(Answer::Detach)).is_empty(), "not an answer on offer");
    assert!(d.feed(Event::Stepped(Step::NotResponding)).is_empty(), "no step is awaited");
    d.feed(Event::Answer(Answer::DisconnectAnyway));
    assert_eq!(d.disconnect().1, Mode::Force);
    assert_eq!(d.row("a").status, "closing…");
    assert!(d.c.question().is_none());
    d.feed(Event::Stepped(Step::OpenFiles(vec![holder(44, "/mnt/a/w")])));
    assert!(d.c.asked() > asked, "asked again, a new question");
}

#[test]
fn cancelling_the_question_keeps_the_drive_and_lists_again() {
    let mut d = Dialog::with(&[(10, "a")]);
    d.feed(Event::Disconnect);
    d.feed(Event::Stepped(Step::OpenFiles(vec![holder(42, "/mnt/a/x")])));
    assert_eq!(d.feed(Event::Answer(Answer::Cancel)), [Effect::Run(Work::List { first: false })]);
    assert!(!d.c.busy() && d.c.outcome().is_none(), "the dialog stays");
    assert_eq!(d.c.status_line(), "");
    d.feed(Event::Listed(Ok(listing(&[(10, "a")]))));
    assert_eq!(d.feed(Event::Cancel), [Effect::End(Outcome::Cancelled(CancelledBy::Person))]);
}

#[test]
fn a_server_that_does_not_answer_can_be_waited_for_or_detached() {
    let mut d = Dialog::with(&[(10, "a")]);
    d.feed(Event::Disconnect);
    d.feed(Event::Stepped(Step::NotResponding));
    let q = d.c.question().unwrap();
    assert_eq!(
        (q.title.as_str(), q.text.as_str()),
        ("Server not responding", "The server is not responding")
    );
    assert!(
        q.detail.contains(r"/mnt/a (\\host\srv\a) did not answer.") && q.detail.contains("Detach removes")
    );
    assert_eq!(q.choices.iter().map(|c| c.label).collect::<Vec<_>>(), ["Detach", "Keep waiting", "Cancel"]);
    assert_eq!(q.key_line(), "[d] Detach   [w] Keep waiting   [c] Cancel");
    assert_eq!((d.row("a").status.as_str(), d.row("a").working), ("not responding", true));
    // Each "keep waiting" waits four times as long as the last try.
    d.feed(Event::Answer(Answer::KeepWaiting));
    assert_eq!(d.disconnect().2, T * 4);
    d.feed(Event::Stepped(Step::NotResponding));
    d.feed(Event::Answer(Answer::KeepWaiting));
    assert_eq!(d.disconnect().2, T * 16);
    assert_eq!(d.disconnect().1, Mode::Normal);
    d.feed(Event::Stepped(Step::NotResponding));
    d.feed(Event::Answer(Answer::Detach));
    assert_eq!(d.disconnect().1, Mode::Detach);
    d.feed(Event::Stepped(Step::NotResponding));
    d.feed(Event::Answer(Answer::Cancel));
    assert_eq!((d.row("a").status.as_str(), d.row("a").working), ("not responding", false));
}

#[test]
fn a_batch_goes_on_past_a_failure_and_ends_with_what_was_done() {
    let mut d = Dialog::with(&[(10, "a"), (11, "b"), (12, "c")]);
    d.feed(Event::ToggleAll);
    d.feed(Event::Toggle(1));
    assert_eq!(d.c.chosen().collect::<Vec<_>>(), [0, 2]);
    d.feed(Event::Disconnect);
    assert_eq!(d.disconnect().0.mount_id, Some(10));
    d.feed(Event::Stepped(Step::Failed(Error::NotConnected { target: "/mnt/a".into() })));
    let q = d.c.question().unwrap();
    assert_eq!((q.topic, q.text.as_str()), (Topic::Failed, "Could not disconnect /mnt/a"));
    assert!(q.detail.ends_with("(ERROR_NOT_CONNECTED (2250))"), "{}", q.detail);
    assert_eq!(q.key_line(), texts::ANY_KEY);
    assert_eq!(q.answer_for_key('x'), Some(Answer::Close));
    assert_eq!(d.row("a").status, "failed");
    d.feed(Event::Answer(Answer::Close));
    let c = d.disconnect().0.clone();
    assert_eq!(c.mount_id, Some(12));
    let end = d.feed(Event::Stepped(done(&c))).to_vec();
    assert!(
        matches!(&end[..], [Effect::End(Outcome::Disconnected(v))] if v.len() == 1 && v[0].local_name == "/mnt/c")
    );
}

#[test]
fn choices_follow_their_drives_across_listings() {
    let mut d = Dialog::with(&[(10, "a"), (11, "b"), (12, "c")]);
    d.feed(Event::Select(vec![1]));
    d.feed(Event::Cursor(2));
    d.feed(Event::TableChanged);
    // b moved down; a new drive came first; c is gone; "a" is mounted anew (another id).
    d.feed(Event::Listed(Ok(listing(&[(20, "new"), (13, "a"), (11, "b")]))));
    assert_eq!(d.c.chosen().collect::<Vec<_>>(), [2], "b, by its mount id and mount point");
    assert_eq!(d.c.cursor(), Some(2), "c is gone: the cursor stays in the list");
    assert_eq!(d.c.generation(), 2);
}

#[test]
fn mount_table_changes_wait_for_the_batch_and_a_listing_under_way() {
    let mut d = Dialog::with(&[(10, "a"), (11, "b")]);
    assert_eq!(d.feed(Event::TableChanged), [Effect::Run(Work::List { first: false })]);
    assert!(d.feed(Event::TableChanged).is_empty(), "one listing at a time");
    assert_eq!(
        d.feed(Event::Listed(Ok(listing(&[(10, "a"), (11, "b")])))),
        [Effect::Run(Work::List { first: false })]
    );
    d.feed(Event::Listed(Ok(listing(&[(10, "a"), (11, "b")]))));
    d.feed(Event::Select(vec![0]));
    d.feed(Event::Disconnect);
    assert!(d.feed(Event::TableChanged).is_empty(), "not while disconnecting");
    d.feed(Event::Stepped(Step::OpenFiles(vec![holder(1, "/mnt/a/f")])));
    assert!(d.feed(Event::TableChanged).is_empty(), "not while asking");
    assert_eq!(d.feed(Event::Answer(Answer::Cancel)), [Effect::Run(Work::List { first: false })]);
}

#[test]
fn a_listing_during_a_disconnect_keeps_the_rows_status() {
    let mut d = Dialog::with(&[(10, "a")]);
    d.feed(Event::TableChanged);
    d.feed(Event::Disconnect);
    d.feed(Event::Listed(Ok(listing(&[(10, "a"), (11, "b")]))));
    assert_eq!((d.row("a").status.as_str(), d.row("a").working), ("disconnecting…", true));
    assert_eq!(d.row("b").status, "connected");
}

#[test]
fn the_owner_going_ends_it_keeping_what_was_done() {
    let mut d = Dialog::with(&[(10, "a")]);
    assert_eq!(d.feed(Event::OwnerGone), [Effect::End(Outcome::Cancelled(CancelledBy::OwnerGone))]);
    let mut d = Dialog::with(&[(10, "a"), (11, "b")]);
    d.feed(Event::ToggleAll);
    d.feed(Event::Disconnect);
    let c = d.disconnect().0.clone();
    d.feed(Event::Stepped(done(&c)));
    assert!(d.c.busy(), "b is next");
    let end = d.feed(Event::OwnerGone).to_vec();
    assert!(matches!(&end[..], [Effect::End(Outcome::Disconnected(v))] if v.len() == 1), "{end:?}");
}

#[test]
fn ticks_turn_the_spinner() {
    let mut d = Dialog::with(&[]);
    let t = d.c.ticks();
    d.feed(Event::Tick);
    assert_eq!(d.c.ticks(), t + 1);
}

#[test]
fn questions_answer_to_their_keys() {
    let q = Question::open_files("/mnt/a", &[]);
    assert_eq!(q.answer_for_key('y'), Some(Answer::DisconnectAnyway));
    assert_eq!(q.answer_for_key('D'), Some(Answer::DisconnectAnyway));
    assert_eq!(q.answer_for_key('n'), Some(Answer::Cancel));
    assert_eq!(q.answer_for_key('x'), None);
    assert_eq!(q.key_line(), "[y] Disconnect anyway   [n] Cancel");
}

// ---- Any sequence of events ------------------------------------------------------------

const POOL: [(u64, &str); 5] = [(10, "a"), (11, "b"), (12, "c"), (13, "d"), (14, "e")];

/// What may happen next: the person acts, a worker finishes, the mount table changes.
#[derive(Clone, Debug)]
enum Act {
    Select(Vec<usize>),
    Toggle(usize),
    ToggleAll,
    Cursor(usize),
    Disconnect,
    Answer(Answer),
    Tick,
    TableChanged,
    Cancel,
    OwnerGone,
    /// The oldest outstanding work finishes: a listing of these pool drives (or an error),
    /// or a disconnect with this result (0 done, 1 open files, 2 not responding, 3 failed).
    Finish {
        drives: Vec<usize>,
        fail: bool,
        step: u8,
    },
}

fn acts() -> impl Strategy<Value = Act> {
    let answer = prop_oneof![
        Just(Answer::DisconnectAnyway),
        Just(Answer::Detach),
        Just(Answer::KeepWaiting),
        Just(Answer::Cancel),
        Just(Answer::Close),
    ];
    prop_oneof![
        1 => proptest::collection::vec(0usize..6, 0..4).prop_map(Act::Select),
        1 => (0usize..6).prop_map(Act::Toggle),
        1 => Just(Act::ToggleAll),
        1 => (0usize..6).prop_map(Act::Cursor),
        3 => Just(Act::Disconnect),
        3 => answer.prop_map(Act::Answer),
        1 => Just(Act::Tick),
        1 => Just(Act::TableChanged),
        1 => Just(Act::Cancel),
        1 => Just(Act::OwnerGone),
        6 => (proptest::collection::vec(0usize..5, 0..5), proptest::bool::weighted(0.05), 0u8..4)
            .prop_map(|(drives, fail, step)| Act::Finish { drives, fail, step }),
    ]
}

/// Plays `acts` against a conversation as a front end and its workers would, checking
/// after each what must always hold.
fn play(acts: Vec<Act>) -> Result<(), TestCaseError> {
    let mut c = Conversation::new(T);
    let mut out: VecDeque<Work> = VecDeque::new();
    let mut disconnected: Vec<Disconnected> = Vec::new();
    let mut ended: Option<Outcome> = None;
    let mut question: Option<(Topic, u64)> = None;
    let mut last_try: Option<(Connection, Mode, Duration)> = None;
    let mut first_listed = false;
    let effects = c.handle(Event::Opened);
    let mut events = acts.into_iter().peekable();
    let mut pending = effects;
    loop {
        for e in pending.drain(..) {
            prop_assert!(ended.is_none(), "an effect after the end: {e:?}");
            match e {
                Effect::Run(w) => out.push_back(w),
                Effect::End(o) => ended = Some(o),
            }
        }
        // What always holds.
        let disconnects = out.iter().filter(|w| matches!(w, Work::Disconnect { .. })).count();
        prop_assert!(disconnects <= 1, "one disconnect at a time: {out:?}");
        if ended.is_none() {
            prop_assert!(c.chosen().all(|i| i < c.rows().len()));
            prop_assert_eq!(c.cursor().is_some(), !c.rows().is_empty() && c.listed());
            prop_assert!(c.cursor().is_none_or(|i| i < c.rows().len()));
            prop_assert!(c.question().is_none() || disconnects == 0, "asked while a step is out");
            // Never stuck: a batch is under way only with a step out or a question asked.
            prop_assert_eq!(c.busy(), disconnects == 1 || c.question().is_some());
            prop_assert!(!(c.busy() && c.can_disconnect()));
            prop_assert_eq!(c.empty_text().is_some(), c.listed() && c.rows().is_empty());
            if let Some(q) = c.question() {
                if question.is_none_or(|(_, n)| n != c.asked()) {
                    question = Some((q.topic, c.asked()));
                }
            }
        }
        let Some(act) = events.next() else { break };
        if ended.is_some() {
            prop_assert!(c.handle(Event::Cancel).is_empty());
            break;
        }
        let asked = c.question().map(|q| q.topic);
        let event = match act {
            Act::Select(v) => Event::Select(v),
            Act::Toggle(i) => Event::Toggle(i),
            Act::ToggleAll => Event::ToggleAll,
            Act::Cursor(i) => Event::Cursor(i),
            Act::Disconnect => Event::Disconnect,
            Act::Answer(a) => Event::Answer(a),
            Act::Tick => Event::Tick,
            Act::TableChanged => Event::TableChanged,
            Act::Cancel => Event::Cancel,
            Act::OwnerGone => Event::OwnerGone,
            Act::Finish { drives, fail, step } => match out.pop_front() {
                None => Event::Tick,
                Some(Work::List { first }) => {
                    prop_assert_eq!(first, !first_listed);
                    if fail {
                        Event::Listed(Err(Error::NoNetwork("x".into())))
                    } else {
                        first_listed = true;
                        let mut d: Vec<(u64, &str)> = drives.iter().map(|&i| POOL[i]).collect();
                        d.dedup();
                        Event::Listed(Ok(listing(&d)))
                    }
                }
                Some(Work::Disconnect { connection, mode, timeout }) => {
                    last_try = Some((connection.clone(), mode, timeout));
                    Event::Stepped(match step {
                        0 => {
                            let d = Disconnected {
                                local_name: connection.local_name.clone(),
                                remote_name: connection.remote_name.clone(),
                            };
                            disconnected.push(d);
                            done(&connection)
                        }
                        1 => Step::OpenFiles(vec![holder(7, "/mnt/x/f")]),
                        2 => Step::NotResponding,
                        _ => Step::Failed(Error::NotConnected { target: "x".into() }),
                    })
                }
            },
        };
        let answered = match &event {
            Event::Answer(a) => asked.filter(|_| c.question().is_some_and(|q| q.offers(*a))).map(|t| (t, *a)),
            _ => None,
        };
        let was_first = !c.listed();
        let ending = matches!(event, Event::Cancel | Event::OwnerGone);
        let reason =
            if matches!(event, Event::OwnerGone) { CancelledBy::OwnerGone } else { CancelledBy::Person };
        let listing_failed = matches!(&event, Event::Listed(Err(_)));
        pending = c.handle(event);
        // A retry of the same drive follows exactly the answer that asked for it.
        for e in &pending {
            if let Effect::Run(Work::Disconnect { connection, mode, timeout }) = e {
                match answered {
                    Some((Topic::OpenFiles, Answer::DisconnectAnyway)) => prop_assert_eq!(*mode, Mode::Force),
                    Some((Topic::NotResponding, Answer::Detach)) => prop_assert_eq!(*mode, Mode::Detach),
                    Some((Topic::NotResponding, Answer::KeepWaiting)) => {
                        let (prev, prev_mode, prev_timeout) = last_try.clone().unwrap();
                        prop_assert_eq!(connection, &prev);
                        prop_assert_eq!(*mode, prev_mode);
                        prop_assert_eq!(*timeout, prev_timeout * 4);
                    }
                    _ => prop_assert_eq!((*mode, *timeout), (Mode::Normal, T), "a new drive starts plainly"),
                }
            }
            if let Effect::End(o) = e {
                let want = if !disconnected.is_empty() {
                    Outcome::Disconnected(disconnected.clone())
                } else if listing_failed && was_first {
                    o.clone()
                } else {
                    prop_assert!(ending, "ended with nothing done, by {o:?}");
                    Outcome::Cancelled(reason)
                };
                prop_assert_eq!(o, &want);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_keeps_the_conversation_whole(acts in proptest::collection::vec(acts(), 0..60)) {
        play(acts)?;
    }
}

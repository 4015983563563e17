//! The Map Network Drive conversation (`WNetConnectionDialog`), whole and toolkit-free, as
//! [`crate::Conversation`] is for disconnecting: the fields (Folder, recent folders, the
//! local folder, "Reconnect at sign-in", other credentials), the connect under way, a
//! wrong password asked again, and how it ends. It shares the outcome, the owner, the
//! helper protocol and the runner with the disconnect dialog.
//!
//! It does no I/O and reads no clock: a front end feeds it [`ConnectEvent`]s and gets back
//! [`ConnectEffect`]s, then draws what the accessors say.

pub mod browse;
mod dialog;
pub mod recent;
pub mod remote;
mod work;

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::time::Duration;

use netdrive::Error;

pub use dialog::{
    connect_dialog, connect_dialog1, connect_dialog1_with, ConnectDlg, ConnectSetup, NetResource,
    CONNDLG_CONN_POINT, CONNDLG_HIDE_BOX, CONNDLG_NOT_PERSIST, CONNDLG_PERSIST, CONNDLG_RO_PATH,
    CONNDLG_USE_MRU, CONNECT_TIMEOUT,
};
pub use work::{abandon_children, Attempt, ConnectWork};

use browse::{Listing, NodeId, Tree};

use crate::outcome::{CancelledBy, Connected, Outcome};
use crate::texts::connect as texts;

/// Something that happened, for the connect conversation to act on. (Its `Debug` hides
/// a typed password.)
pub enum ConnectEvent {
    /// The dialog is up: load the recent folders (with `CONNDLG_USE_MRU`).
    Opened,
    /// A [`ConnectWork::Recent`] is done.
    Recent(Vec<String>),
    /// The person typed in the Folder field (or chose a recent folder).
    Folder(String),
    /// The person typed in the local folder's field.
    Local(String),
    /// "Reconnect at sign-in" was ticked or not.
    Reconnect(bool),
    /// "Connect using different credentials" was ticked or not.
    OtherCredentials(bool),
    /// The person typed a user name.
    User(String),
    /// The person typed a password.
    Password(String),
    /// "Remember my credentials" was ticked or not.
    Remember(bool),
    /// Connect.
    Connect,
    /// A [`ConnectWork::Connect`] is done: attempt `id` came to this.
    Done {
        /// Which attempt ([`Attempt::id`]): a late answer to an older one is dropped.
        id: u64,
        /// The drive, or why not.
        result: Result<Connected, Error>,
        /// What the person must be told about a drive that did connect (a password not
        /// saved in the keyring, "Reconnect at sign-in" not saved); empty on failure.
        notices: Vec<String>,
    },
    /// Browse…: show the network as a tree (its first level is asked for).
    Browse,
    /// Close the tree: every listing stops.
    CloseBrowse,
    /// Show a node's children (asked for the first time, or again after a failure).
    Expand(NodeId),
    /// Hide a node's children.
    Collapse(NodeId),
    /// The keyboard moved to a node.
    Select(NodeId),
    /// The person chose a node: a share fills Folder (and the tree closes); a container
    /// opens or closes.
    Pick(NodeId),
    /// A [`ConnectEffect::List`] reported this.
    Listed {
        /// Which listing ([`Listing::id`]).
        listing: u64,
        /// What it found.
        event: netdrive::browse::Event,
    },
    /// A listing has said all it will (`error`: it could not start).
    ListingEnded {
        /// Which listing.
        listing: u64,
        /// Why it could not start.
        error: Option<Error>,
    },
    /// Time passed (the spinner turns, the seconds count).
    Tick,
    /// The person ended the dialog (Cancel, Escape, closing the window, a signal).
    Cancel,
    /// The owner window is gone.
    OwnerGone,
}

/// What the connect conversation needs a front end to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectEffect {
    /// Run this off the drawing thread ([`ConnectWork::run`]) and feed back its event.
    Run(ConnectWork),
    /// Start this listing (a [`browse::Listings`] does it) and feed back its events as
    /// [`ConnectEvent::Listed`], then [`ConnectEvent::ListingEnded`].
    List(Listing),
    /// Stop every listing at once ([`browse::Listings::stop`]).
    StopListing,
    /// The conversation is over: answer the host with this and take the dialog away. If a
    /// connect was under way, call [`abandon_children`] first so that it never completes.
    End(Outcome),
}

/// A front end of the connect conversation, as [`crate::FrontEnd`] is of the disconnect
/// one: it draws, runs work off its drawing thread, and ends when told.
pub trait ConnectFrontEnd {
    /// Draw the conversation as it now is.
    fn show(&mut self, conversation: &ConnectConversation);
    /// Run `work` off the drawing thread ([`ConnectWork::run`]), then [`drive_connect`]
    /// the event it gives.
    fn spawn(&mut self, work: ConnectWork);
    /// Start `listing` without waiting for it ([`browse::Listings::start`]), and feed
    /// back what it reports as it comes.
    fn list(&mut self, listing: Listing);
    /// Stop every listing at once ([`browse::Listings::stop`]).
    fn stop_listing(&mut self);
    /// The conversation is over: answer the host with `outcome` and take the dialog away.
    fn end(&mut self, outcome: Outcome);
}

/// Feed `event` to `conversation`, have `front` do what it asks, and show the result. A
/// connect under way when it ends is abandoned first ([`abandon_children`]), so a
/// cancelled dialog never leaves a drive behind it.
pub fn drive_connect(
    conversation: &mut ConnectConversation,
    front: &mut impl ConnectFrontEnd,
    event: ConnectEvent,
) {
    let was_connecting = conversation.connecting();
    for effect in conversation.handle(event) {
        match effect {
            ConnectEffect::Run(work) => front.spawn(work),
            ConnectEffect::List(l) => front.list(l),
            ConnectEffect::StopListing => front.stop_listing(),
            ConnectEffect::End(outcome) => {
                // Nothing is browsed for a dialog that has gone.
                front.stop_listing();
                if was_connecting && !matches!(outcome, Outcome::Connected(_)) {
                    abandon_children();
                }
                front.end(outcome);
                return;
            }
        }
    }
    front.show(conversation);
}

/// Which field a front end should put the keyboard in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Folder.
    Folder,
    /// The local folder.
    Local,
    /// The password (after a wrong one).
    Password,
}

/// What `Debug` shows instead of a password.
const HIDDEN: &str = "<hidden>";

impl std::fmt::Debug for ConnectEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use ConnectEvent as E;
        let one = |name: &str, v: &dyn std::fmt::Debug, f: &mut std::fmt::Formatter<'_>| {
            f.debug_tuple(name).field(v).finish()
        };
        match self {
            E::Opened => f.write_str("Opened"),
            E::Recent(v) => one("Recent", v, f),
            E::Folder(v) => one("Folder", v, f),
            E::Local(v) => one("Local", v, f),
            E::Reconnect(v) => one("Reconnect", v, f),
            E::OtherCredentials(v) => one("OtherCredentials", v, f),
            E::User(v) => one("User", v, f),
            E::Password(_) => one("Password", &HIDDEN, f),
            E::Remember(v) => one("Remember", v, f),
            E::Connect => f.write_str("Connect"),
            E::Done { id, result, notices } => f
                .debug_struct("Done")
                .field("id", id)
                .field("result", result)
                .field("notices", notices)
                .finish(),
            E::Browse => f.write_str("Browse"),
            E::CloseBrowse => f.write_str("CloseBrowse"),
            E::Expand(v) => one("Expand", v, f),
            E::Collapse(v) => one("Collapse", v, f),
            E::Select(v) => one("Select", v, f),
            E::Pick(v) => one("Pick", v, f),
            E::Listed { listing, event } => {
                f.debug_struct("Listed").field("listing", listing).field("event", event).finish()
            }
            E::ListingEnded { listing, error } => {
                f.debug_struct("ListingEnded").field("listing", listing).field("error", error).finish()
            }
            E::Tick => f.write_str("Tick"),
            E::Cancel => f.write_str("Cancel"),
            E::OwnerGone => f.write_str("OwnerGone"),
        }
    }
}

/// The connect conversation's state. See the module documentation. (Its `Debug` hides
/// the password.)
pub struct ConnectConversation {
    setup: ConnectSetup,
    folder: String,
    local: String,
    local_typed: bool,
    reconnect: bool,
    other: bool,
    user: String,
    password: String,
    remember: bool,
    recent: Vec<String>,
    attempt: u64,
    connecting: Option<String>,
    since: u64,
    message: Option<String>,
    focus: (u64, Field),
    ticks: u64,
    outcome: Option<Outcome>,
    /// Connected, with something the person must read before the dialog goes.
    told: Option<Connected>,
    tree: Tree,
}

impl std::fmt::Debug for ConnectConversation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectConversation")
            .field("setup", &self.setup)
            .field("folder", &self.folder)
            .field("local", &self.local)
            .field("local_typed", &self.local_typed)
            .field("reconnect", &self.reconnect)
            .field("other", &self.other)
            .field("user", &self.user)
            .field("password", &HIDDEN)
            .field("remember", &self.remember)
            .field("recent", &self.recent)
            .field("attempt", &self.attempt)
            .field("connecting", &self.connecting)
            .field("since", &self.since)
            .field("message", &self.message)
            .field("focus", &self.focus)
            .field("ticks", &self.ticks)
            .field("outcome", &self.outcome)
            .field("told", &self.told)
            .field("tree", &self.tree)
            .finish()
    }
}

/// How many ticks a second holds (front ends tick every 100 ms or so; the count is only
/// shown, never used to decide).
const TICKS_PER_SECOND: u64 = 10;

impl ConnectConversation {
    /// A conversation for `setup` (flags, the folder and local folder to offer, the bound).
    pub fn new(setup: ConnectSetup) -> ConnectConversation {
        let folder = setup.remote.clone().unwrap_or_default();
        let local = setup.local.clone().unwrap_or_default();
        let mut c = ConnectConversation {
            reconnect: setup.reconnect_default(),
            local_typed: !local.is_empty(),
            folder,
            local,
            setup,
            other: false,
            user: String::new(),
            password: String::new(),
            remember: false,
            recent: Vec::new(),
            attempt: 0,
            connecting: None,
            since: 0,
            message: None,
            focus: (0, Field::Folder),
            ticks: 0,
            outcome: None,
            told: None,
            tree: Tree::default(),
        };
        c.suggest();
        c
    }

    /// Act on `event`; what a front end must do now. Nothing once it has ended.
    pub fn handle(&mut self, event: ConnectEvent) -> Vec<ConnectEffect> {
        if self.outcome.is_some() {
            return Vec::new();
        }
        if let Some(c) = &self.told {
            // The drive is connected: however the person closes the dialog, it says so.
            return match event {
                ConnectEvent::Connect | ConnectEvent::Cancel | ConnectEvent::OwnerGone => {
                    let c = c.clone();
                    self.finish(Outcome::Connected(c))
                }
                ConnectEvent::Tick => {
                    self.ticks = self.ticks.wrapping_add(1);
                    Vec::new()
                }
                _ => Vec::new(),
            };
        }
        let editing = self.connecting.is_none();
        match event {
            ConnectEvent::Opened if self.setup.use_mru() => {
                return recent::path()
                    .map(|path| ConnectEffect::Run(ConnectWork::Recent { path }))
                    .into_iter()
                    .collect()
            }
            ConnectEvent::Opened => {}
            ConnectEvent::Recent(r) => self.recent = r,
            ConnectEvent::Folder(f) if editing && !self.setup.read_only_path() => {
                self.folder = f;
                self.message = None;
                self.suggest();
            }
            ConnectEvent::Local(l) if editing => {
                self.local_typed = !l.trim().is_empty();
                self.local = l;
                if !self.local_typed {
                    self.suggest();
                }
            }
            ConnectEvent::Reconnect(on) if editing && !self.setup.hide_box() => self.reconnect = on,
            ConnectEvent::OtherCredentials(on) if editing => self.other = on,
            ConnectEvent::User(u) if editing => self.user = u,
            ConnectEvent::Password(p) if editing => self.password = p,
            ConnectEvent::Remember(on) if editing => self.remember = on,
            ConnectEvent::Connect if editing => return self.connect(),
            ConnectEvent::Done { id, result, notices } if id == self.attempt && !editing => {
                return self.done(result, notices)
            }
            ConnectEvent::Browse if editing && self.folder_editable() => return self.tree.open(),
            ConnectEvent::CloseBrowse if self.tree.is_open() => return self.tree.close(),
            ConnectEvent::Expand(n) if self.tree.is_open() => {
                self.tree.select(n);
                return self.tree.expand(n);
            }
            ConnectEvent::Collapse(n) if self.tree.is_open() => self.tree.collapse(n),
            ConnectEvent::Select(n) => self.tree.select(n),
            ConnectEvent::Pick(n) if self.tree.is_open() && editing => return self.pick(n),
            ConnectEvent::Listed { listing, event } => self.tree.listed(listing, event),
            ConnectEvent::ListingEnded { listing, error } => self.tree.ended(listing, error),
            ConnectEvent::Tick => {
                self.ticks = self.ticks.wrapping_add(1);
                self.since = self.since.saturating_add(1);
            }
            ConnectEvent::Cancel => return self.finish(Outcome::Cancelled(CancelledBy::Person)),
            ConnectEvent::OwnerGone => return self.finish(Outcome::Cancelled(CancelledBy::OwnerGone)),
            _ => {}
        }
        Vec::new()
    }

    /// A share chosen in the tree: its name in Folder, the tree closed, the keyboard back in
    /// Folder. A container chosen opens or closes.
    fn pick(&mut self, n: NodeId) -> Vec<ConnectEffect> {
        let Some(r) = self.tree.resource(n) else { return Vec::new() };
        if let Some(folder) = browse::folder_of(r) {
            self.folder = folder;
            self.message = None;
            self.suggest();
            self.focus = (self.focus.0 + 1, Field::Folder);
            return self.tree.close();
        }
        if !r.container {
            return Vec::new();
        }
        self.tree.select(n);
        if self
            .tree
            .rows()
            .iter()
            .any(|row| row.node == n && matches!(row.kind, browse::RowKind::Node { expanded: true, .. }))
        {
            self.tree.collapse(n);
            Vec::new()
        } else {
            self.tree.expand(n)
        }
    }

    /// The local folder offered when the person has typed none: `~/Network/<server> <share>`.
    fn suggest(&mut self) {
        if self.local_typed {
            return;
        }
        self.local = match (remote::parse(&self.folder), &self.setup.network_base) {
            (Ok(r), Some(base)) => remote::suggested_local(base, &r).to_string_lossy().into_owned(),
            _ => String::new(),
        };
    }

    fn connect(&mut self) -> Vec<ConnectEffect> {
        let remote = match remote::parse(&self.folder) {
            Ok(r) => r,
            Err(e) => {
                self.message = Some(e.to_string());
                self.focus = (self.focus.0 + 1, Field::Folder);
                return Vec::new();
            }
        };
        if self.local.trim().is_empty() {
            self.message = Some(texts::CHOOSE_LOCAL_FIRST.into());
            self.focus = (self.focus.0 + 1, Field::Local);
            return Vec::new();
        }
        self.attempt += 1;
        self.since = 0;
        self.message = None;
        self.connecting = Some(remote.remote_name.clone());
        let typed_user = self.other.then(|| self.user.trim().to_owned()).filter(|u| !u.is_empty());
        let attempt = Attempt {
            id: self.attempt,
            user: typed_user.or_else(|| remote.user.clone()),
            password: self.other.then(|| self.password.clone()).filter(|p| !p.is_empty()),
            remote,
            folder: self.folder.trim().to_owned(),
            local: PathBuf::from(self.local.trim()),
            // A folder we suggested may be taken by then: the work picks a free one beside it.
            find_free: !self.local_typed,
            reconnect: self.reconnect,
            remember: self.other && self.remember,
            timeout: self.setup.timeout,
            recent: self.setup.use_mru().then(recent::path).flatten(),
        };
        vec![ConnectEffect::Run(ConnectWork::Connect(Box::new(attempt)))]
    }

    fn done(&mut self, result: Result<Connected, Error>, notices: Vec<String>) -> Vec<ConnectEffect> {
        self.connecting = None;
        match result {
            Ok(c) if notices.is_empty() => self.finish(Outcome::Connected(c)),
            Ok(c) => {
                // Said before the dialog goes, as Windows does when a drive is mapped but
                // not remembered: it ends (connected) when the person has read it.
                self.message = Some(texts::connected_but(&notices));
                self.told = Some(c);
                // Nothing is left to browse for.
                self.tree.close()
            }
            Err(e) => {
                self.message = Some(texts::failure(&e));
                if texts::wants_password(&e) {
                    // Ask again, as Windows does: the credentials open, the old password gone.
                    self.other = true;
                    self.password.clear();
                    self.focus = (self.focus.0 + 1, Field::Password);
                }
                Vec::new()
            }
        }
    }

    fn finish(&mut self, o: Outcome) -> Vec<ConnectEffect> {
        self.outcome = Some(o.clone());
        self.connecting = None;
        self.tree.stopped();
        vec![ConnectEffect::End(o)]
    }

    /// The Folder field's text.
    pub fn folder(&self) -> &str {
        &self.folder
    }

    /// Whether the Folder can be changed (not with `CONNDLG_RO_PATH`, nor while connecting).
    pub fn folder_editable(&self) -> bool {
        !self.setup.read_only_path() && self.editing()
    }

    /// Whether the fields can be changed: not while connecting, nor once connected.
    pub fn editing(&self) -> bool {
        self.connecting.is_none() && self.told.is_none()
    }

    /// Whether the drive is connected and the dialog shows what the person must know
    /// ([`ConnectConversation::message`]); Connect (then labelled
    /// [`ConnectConversation::connect_label`]) or Cancel closes it.
    pub fn connected_with_notice(&self) -> bool {
        self.told.is_some()
    }

    /// The Connect button's label: "Connect", or "OK" once connected with a notice.
    pub fn connect_label(&self) -> &'static str {
        if self.told.is_some() {
            texts::OK
        } else {
            texts::CONNECT
        }
    }

    /// The recent folders to offer (`CONNDLG_USE_MRU`), newest first.
    pub fn recent(&self) -> &[String] {
        &self.recent
    }

    /// The local folder: typed, or suggested.
    pub fn local(&self) -> &str {
        &self.local
    }

    /// Whether "Reconnect at sign-in" is shown (not with `CONNDLG_HIDE_BOX`).
    pub fn reconnect_shown(&self) -> bool {
        !self.setup.hide_box()
    }

    /// "Reconnect at sign-in".
    pub fn reconnect(&self) -> bool {
        self.reconnect
    }

    /// "Connect using different credentials": whether the user and password show.
    pub fn other_credentials(&self) -> bool {
        self.other
    }

    /// The user name typed.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The password typed (a front end shows it hidden).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// "Remember my credentials".
    pub fn remember(&self) -> bool {
        self.remember
    }

    /// Whether a connect is under way (fields locked, a spinner, Cancel still works).
    pub fn connecting(&self) -> bool {
        self.connecting.is_some()
    }

    /// Whether Connect would do anything now (once connected with a notice: close).
    pub fn can_connect(&self) -> bool {
        self.told.is_some() || self.connecting.is_none() && !self.folder.trim().is_empty()
    }

    /// The status line: what is under way, or nothing.
    pub fn status_line(&self) -> String {
        self.connecting
            .as_deref()
            .map(|r| texts::connecting(r, self.since / TICKS_PER_SECOND))
            .unwrap_or_default()
    }

    /// What went wrong last, in plain words with its code; `None` when all is well.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Where the keyboard should go: it changes (its count) exactly when a front end
    /// should move the focus there (after a wrong password: the password).
    pub fn focus(&self) -> (u64, Field) {
        self.focus
    }

    /// How many ticks have passed (a spinner's frame).
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// How it ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The Browse… tree: whether it shows, its rows.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Whether Browse… can be used now (Folder can be changed).
    pub fn can_browse(&self) -> bool {
        self.folder_editable()
    }

    /// How long a connect may take.
    pub fn timeout(&self) -> Duration {
        self.setup.timeout
    }
}

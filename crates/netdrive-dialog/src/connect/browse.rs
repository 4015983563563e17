//! Browse…: the network as a tree in the Map Network Drive dialog (issue 15 §2), kept
//! toolkit-free like the rest of the conversation. Expanding a node asks for its children
//! ([`ConnectEffect::List`]); what a front end's [`Listings`] reports streams in as
//! [`ConnectEvent::Listed`]; a server that fails shows its error under it; choosing a share
//! fills Folder with a name [`super::remote::parse`] reads back to the same resource.

use std::collections::HashMap;

use netdrive::browse::{self, Display, Event, Resource};
use netdrive::{Error, Provider};

use super::{ConnectEffect, ConnectEvent};
use crate::texts::connect as texts;

/// A node of the tree (an index; stable while the dialog is open).
pub type NodeId = usize;

/// One listing asked of a front end: the children of `parent` (`None`: the providers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    /// Which listing: its events come back with this.
    pub id: u64,
    /// The container to list.
    pub parent: Option<Resource>,
}

/// Where a node's children stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Children {
    /// Not asked yet.
    Unasked,
    /// Being listed: more may come.
    Listing,
    /// All listed.
    Listed,
    /// Listing failed: why, in words with its code.
    Failed(String),
}

#[derive(Debug)]
struct Node {
    resource: Option<Resource>,
    children: Vec<NodeId>,
    expanded: bool,
    state: Children,
}

/// What a row of the tree is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A provider's network, a server or a share.
    Node {
        /// It has children to show (an expander).
        expandable: bool,
        /// They show.
        expanded: bool,
        /// It can be chosen for Folder.
        connectable: bool,
    },
    /// "Looking…" under a node being listed.
    Looking,
    /// A node's listing failed: the message.
    Error,
    /// A listed node without children.
    Empty,
}

/// One visible line of the tree, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeRow {
    /// The node (for a note: the node it is under).
    pub node: NodeId,
    /// 0 for a provider's network, 1 a server, 2 a share (a note: one below its node).
    pub depth: usize,
    /// What it is.
    pub kind: RowKind,
    /// Its name (`SMB`, `ndsrv.local`, `public`), or the note's text.
    pub name: String,
    /// The server's comment (a share's, a server's DNS-SD name, a network's kind).
    pub comment: String,
}

impl TreeRow {
    /// What identifies the row across drawings: its node, and which note (0 the node itself).
    pub fn key(&self) -> (NodeId, u8) {
        let note = match self.kind {
            RowKind::Node { .. } => 0,
            RowKind::Looking => 1,
            RowKind::Error => 2,
            RowKind::Empty => 3,
        };
        (self.node, note)
    }
}

const ROOT: NodeId = 0;

/// The Browse… pane's state.
#[derive(Debug)]
pub struct Tree {
    open: bool,
    nodes: Vec<Node>,
    listings: HashMap<u64, NodeId>,
    next_listing: u64,
    selected: Option<NodeId>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree {
            open: false,
            nodes: vec![Node {
                resource: None,
                children: Vec::new(),
                expanded: true,
                state: Children::Unasked,
            }],
            listings: HashMap::new(),
            next_listing: 0,
            selected: None,
        }
    }
}

impl Tree {
    /// Whether the pane shows.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The node the keyboard is on (the terminal dialog's; the window keeps its own).
    pub fn selected(&self) -> Option<NodeId> {
        self.selected.filter(|n| self.visible(*n))
    }

    /// The resource of node `n`.
    pub fn resource(&self, n: NodeId) -> Option<&Resource> {
        self.nodes.get(n)?.resource.as_ref()
    }

    /// Where node `n`'s children stand.
    pub fn children_state(&self, n: NodeId) -> Option<&Children> {
        self.nodes.get(n).map(|x| &x.state)
    }

    /// Whether any listing is running.
    pub fn listing(&self) -> bool {
        !self.listings.is_empty()
    }

    /// The visible lines, top to bottom.
    pub fn rows(&self) -> Vec<TreeRow> {
        let mut out = Vec::new();
        self.push_children(ROOT, 0, &mut out);
        out
    }

    fn push_children(&self, n: NodeId, depth: usize, out: &mut Vec<TreeRow>) {
        for row in self.level_at(n, depth) {
            let open = matches!(row.kind, RowKind::Node { expanded: true, .. });
            let child = row.node;
            out.push(row);
            if open {
                self.push_children(child, depth + 1, out);
            }
        }
    }

    /// The lines directly under `n` (`None`: the top): its children, then a note
    /// (looking, its error, nothing found). For a front end whose tree widget asks level
    /// by level (GTK's `TreeListModel`); their expanded state is the model's own.
    pub fn level(&self, n: Option<NodeId>) -> Vec<TreeRow> {
        let n = n.unwrap_or(ROOT);
        if n >= self.nodes.len() {
            return Vec::new();
        }
        let depth = std::iter::successors(Some(n), |&x| self.parent(x)).count() - 1;
        self.level_at(n, depth)
    }

    fn level_at(&self, n: NodeId, depth: usize) -> Vec<TreeRow> {
        let node = &self.nodes[n];
        let mut out = Vec::new();
        for &c in &node.children {
            let child = &self.nodes[c];
            let Some(r) = &child.resource else { continue };
            out.push(TreeRow {
                node: c,
                depth,
                kind: RowKind::Node {
                    expandable: r.container,
                    expanded: child.expanded,
                    connectable: r.connectable,
                },
                name: short_name(r),
                comment: r.comment.clone(),
            });
        }
        let note = |kind, name: &str| TreeRow {
            node: n,
            depth,
            kind,
            name: name.to_owned(),
            comment: String::new(),
        };
        match &node.state {
            Children::Listing => out.push(note(RowKind::Looking, texts::LOOKING)),
            Children::Failed(m) => out.push(note(RowKind::Error, m)),
            Children::Listed if node.children.is_empty() && n != ROOT => {
                out.push(note(RowKind::Empty, texts::NOTHING_FOUND))
            }
            _ => {}
        }
        out
    }

    fn visible(&self, n: NodeId) -> bool {
        let mut at = n;
        loop {
            match self.parent(at) {
                None => return at != ROOT && at < self.nodes.len(),
                Some(ROOT) => return true,
                Some(p) if self.nodes[p].expanded => at = p,
                Some(_) => return false,
            }
        }
    }

    /// The node above `n` in the tree (`None` for a provider's network).
    pub fn parent_of(&self, n: NodeId) -> Option<NodeId> {
        self.parent(n).filter(|p| *p != ROOT)
    }

    fn parent(&self, n: NodeId) -> Option<NodeId> {
        self.nodes.iter().position(|x| x.children.contains(&n))
    }

    fn ask(&mut self, n: NodeId) -> Vec<ConnectEffect> {
        self.next_listing += 1;
        let id = self.next_listing;
        self.listings.insert(id, n);
        self.nodes[n].state = Children::Listing;
        let parent = self.nodes[n].resource.clone();
        vec![ConnectEffect::List(Listing { id, parent })]
    }

    /// Browse…: show the pane; the providers are asked for the first time.
    pub(super) fn open(&mut self) -> Vec<ConnectEffect> {
        self.open = true;
        let mut effects = Vec::new();
        // What was being listed when the pane closed is asked again.
        let again: Vec<NodeId> = (0..self.nodes.len())
            .filter(|&n| self.nodes[n].expanded && self.nodes[n].state == Children::Unasked)
            .collect();
        for n in again {
            effects.extend(self.ask(n));
        }
        if self.selected.is_none() {
            self.selected = self.nodes[ROOT].children.first().copied();
        }
        effects
    }

    /// Close the pane: every listing stops at once.
    pub(super) fn close(&mut self) -> Vec<ConnectEffect> {
        self.open = false;
        self.stopped();
        vec![ConnectEffect::StopListing]
    }

    /// Every listing was stopped: what was under way is asked again next time.
    pub(super) fn stopped(&mut self) {
        for (_, n) in self.listings.drain() {
            if self.nodes[n].state == Children::Listing {
                self.nodes[n].state = Children::Unasked;
            }
        }
    }

    pub(super) fn select(&mut self, n: NodeId) {
        if self.visible(n) {
            self.selected = Some(n);
        }
    }

    /// Show `n`'s children, asking for them unless they are listed or being listed.
    pub(super) fn expand(&mut self, n: NodeId) -> Vec<ConnectEffect> {
        let Some(node) = self.nodes.get_mut(n) else { return Vec::new() };
        if !node.resource.as_ref().is_some_and(|r| r.container) {
            return Vec::new();
        }
        node.expanded = true;
        match node.state {
            // A failed server is asked again: it may answer now.
            Children::Unasked | Children::Failed(_) => {
                node.children.clear();
                self.ask(n)
            }
            Children::Listing | Children::Listed => Vec::new(),
        }
    }

    pub(super) fn collapse(&mut self, n: NodeId) {
        if let Some(node) = self.nodes.get_mut(n) {
            node.expanded = false;
        }
        // The keyboard leaves a hidden row for the node that hid it.
        if self.selected.is_some_and(|s| !self.visible(s)) {
            self.selected = Some(n);
        }
    }

    /// A listing reported `event`.
    pub(super) fn listed(&mut self, listing: u64, event: Event) {
        let Some(&n) = self.listings.get(&listing) else { return };
        match event {
            Event::Found(r) => {
                let same = self.nodes[n]
                    .children
                    .iter()
                    .copied()
                    .find(|&c| self.nodes[c].resource.as_ref().is_some_and(|x| x.key() == r.key()));
                match same {
                    Some(c) => self.nodes[c].resource = Some(r),
                    None => {
                        self.nodes.push(Node {
                            resource: Some(r),
                            children: Vec::new(),
                            expanded: false,
                            state: Children::Unasked,
                        });
                        let id = self.nodes.len() - 1;
                        self.nodes[n].children.push(id);
                        if self.selected.is_none() {
                            self.selected = Some(id);
                        }
                    }
                }
            }
            Event::Failed { error, .. } => self.nodes[n].state = Children::Failed(one_line(&error)),
            Event::Complete(_) => {
                if self.nodes[n].state == Children::Listing {
                    self.nodes[n].state = Children::Listed;
                }
            }
            Event::Discovering(_) => {}
        }
    }

    /// A listing's events have all come (`error`: it could not start).
    pub(super) fn ended(&mut self, listing: u64, error: Option<Error>) {
        let Some(n) = self.listings.remove(&listing) else { return };
        let node = &mut self.nodes[n];
        match error {
            Some(e) => node.state = Children::Failed(one_line(&e)),
            None if node.state == Children::Listing => node.state = Children::Listed,
            None => {}
        }
    }
}

fn one_line(e: &Error) -> String {
    texts::failure(e).replace('\n', " — ")
}

/// What a row shows of `r`: a network's name, a server's name, a share's path on it.
fn short_name(r: &Resource) -> String {
    match r.display {
        Display::Network => r.remote_name.clone(),
        Display::Server => r.server_name().unwrap_or(&r.remote_name).to_owned(),
        Display::Share => {
            let rest = r.remote_name.trim_start_matches('\\');
            let path = rest.split_once('\\').map_or(rest, |(_, p)| p);
            match r.provider {
                Provider::Nfs => format!("/{}", path.replace('\\', "/")),
                _ => path.to_owned(),
            }
        }
    }
}

/// The Folder text for share `r`, in the form [`super::remote::parse`] reads back to the
/// provider and remote name the tree has: SMB `\\server\share`, SFTP `sftp://server/~`,
/// NFS `nfs://server/export`, WebDAV its URL. `None` for what cannot be connected.
pub fn folder_of(r: &Resource) -> Option<String> {
    if !r.connectable {
        return None;
    }
    let rest = r.remote_name.strip_prefix("\\\\")?;
    let (server, path) = rest.split_once('\\').unwrap_or((rest, ""));
    let mut parts = server.split('@');
    let host = parts.next().filter(|h| !h.is_empty())?;
    let mut tls = false;
    let mut port = None;
    for p in parts {
        if p.eq_ignore_ascii_case("SSL") {
            tls = true;
        } else {
            port = p.parse::<u16>().ok();
        }
    }
    let slashed = path.replace('\\', "/");
    let hostport = match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    };
    Some(match r.provider {
        Provider::Smb => r.remote_name.clone(),
        Provider::Sshfs => format!("sftp://{hostport}/{slashed}"),
        Provider::Nfs => format!("nfs://{hostport}/{slashed}"),
        Provider::WebDav => {
            let scheme = if tls { "https" } else { "http" };
            let path = if slashed == "DavWWWRoot" { String::new() } else { slashed };
            format!("{scheme}://{hostport}/{path}")
        }
        _ => return None,
    })
}

/// The listings a front end runs for the conversation: each [`Listing`] becomes a running
/// [`netdrive::browse::Browse`], polled without blocking (from a timer on the drawing
/// thread); [`Listings::stop`] cancels them all at once.
#[derive(Default)]
pub struct Listings {
    running: Vec<(u64, browse::Browse)>,
    options: browse::Options,
}

impl Listings {
    /// Listings with these browse options (the bound of each level, the discovery).
    pub fn with_options(options: browse::Options) -> Listings {
        Listings { running: Vec::new(), options }
    }

    /// Start `l` (its work runs on its own threads). `Some` event when it could not start.
    pub fn start(&mut self, l: Listing) -> Option<ConnectEvent> {
        match browse::children(l.parent.as_ref(), &self.options) {
            Ok(b) => {
                self.running.push((l.id, b));
                None
            }
            Err(error) => Some(ConnectEvent::ListingEnded { listing: l.id, error: Some(error) }),
        }
    }

    /// What has come since the last poll, at once (never waits).
    pub fn poll(&mut self) -> Vec<ConnectEvent> {
        let mut out = Vec::new();
        self.running.retain(|(id, b)| loop {
            match b.try_next() {
                Ok(Some(event)) => out.push(ConnectEvent::Listed { listing: *id, event }),
                Ok(None) => return true,
                Err(()) => {
                    out.push(ConnectEvent::ListingEnded { listing: *id, error: None });
                    return false;
                }
            }
        });
        out
    }

    /// Stop every listing now (their programs are killed; nothing more is reported).
    pub fn stop(&mut self) {
        for (_, b) in &self.running {
            b.cancel();
        }
        self.running.clear();
    }

    /// Whether any listing runs.
    pub fn running(&self) -> bool {
        !self.running.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::path::PathBuf;
    use std::time::Duration;

    use netdrive::browse::{parse, Discovery};

    use super::super::{remote, ConnectConversation, ConnectSetup, Field};
    use super::*;

    fn conversation() -> ConnectConversation {
        ConnectConversation::new(ConnectSetup {
            remote: None,
            local: None,
            flags: 0,
            timeout: Duration::from_secs(5),
            network_base: Some(PathBuf::from("/home/me/Network")),
        })
    }

    fn listing(effects: &[ConnectEffect]) -> Listing {
        match effects {
            [ConnectEffect::List(l)] => l.clone(),
            other => panic!("expected one listing, got {other:?}"),
        }
    }

    fn found(c: &mut ConnectConversation, l: &Listing, r: Resource) {
        c.handle(ConnectEvent::Listed { listing: l.id, event: Event::Found(r) });
    }

    fn node_of(c: &ConnectConversation, name: &str) -> NodeId {
        let rows = c.tree().rows();
        rows.iter()
            .find(|r| r.name == name && matches!(r.kind, RowKind::Node { .. }))
            .unwrap_or_else(|| panic!("{name} is not in {rows:#?}"))
            .node
    }

    fn lines(c: &ConnectConversation) -> Vec<String> {
        c.tree().rows().iter().map(|r| format!("{}{}", "  ".repeat(r.depth), r.name)).collect()
    }

    fn server(name: &str) -> Resource {
        parse(Some("SMB"), Some(&format!(r"\\{name}"))).unwrap()
    }

    fn share(server: &str, name: &str, comment: &str) -> Resource {
        Resource {
            origin: browse::Origin::Server,
            comment: comment.into(),
            ..parse(Some("SMB"), Some(&format!(r"\\{server}\{name}"))).unwrap()
        }
    }

    #[test]
    fn expanding_streams_children_a_failure_shows_and_a_share_fills_folder() {
        let mut c = conversation();
        assert!(!c.tree().is_open());
        let root = listing(&c.handle(ConnectEvent::Browse));
        assert_eq!(root.parent, None, "the providers are asked first");
        assert!(c.tree().is_open());
        assert_eq!(lines(&c), ["Looking…"]);
        for r in browse::providers() {
            found(&mut c, &root, r);
        }
        c.handle(ConnectEvent::Listed {
            listing: root.id,
            event: Event::Complete(Resource::network(Provider::Smb)),
        });
        c.handle(ConnectEvent::ListingEnded { listing: root.id, error: None });
        assert_eq!(lines(&c), ["SMB", "NFS", "SSHFS", "WebDAV"]);

        // SMB's servers stream in while it is still being listed.
        let smb = node_of(&c, "SMB");
        let servers = listing(&c.handle(ConnectEvent::Expand(smb)));
        assert_eq!(servers.parent.as_ref().unwrap().remote_name, "SMB");
        found(&mut c, &servers, server("ndsrv.local"));
        assert_eq!(lines(&c)[..3], ["SMB", "  ndsrv.local", "  Looking…"]);
        found(&mut c, &servers, server("silent.local"));
        found(&mut c, &servers, server("ndsrv.local"));
        c.handle(ConnectEvent::Listed {
            listing: servers.id,
            event: Event::Complete(Resource::network(Provider::Smb)),
        });
        assert_eq!(lines(&c)[..3], ["SMB", "  ndsrv.local", "  silent.local"], "once each, and done");
        assert!(c.handle(ConnectEvent::Expand(smb)).is_empty(), "a listed node is not asked again");

        // Two servers asked at once: the silent one fails, the other lists its shares.
        let nd = node_of(&c, "ndsrv.local");
        let silent = node_of(&c, "silent.local");
        let shares = listing(&c.handle(ConnectEvent::Expand(nd)));
        let bad = listing(&c.handle(ConnectEvent::Expand(silent)));
        found(&mut c, &shares, share("ndsrv.local", "public", "Files for everyone"));
        found(&mut c, &shares, share("ndsrv.local", "media", "Films and music"));
        c.handle(ConnectEvent::Listed {
            listing: bad.id,
            event: Event::Failed {
                resource: server("silent.local"),
                error: Error::NotResponding {
                    target: r"\\silent.local".into(),
                    after: Duration::from_secs(2),
                    waiting: netdrive::Waiting::Nothing,
                },
            },
        });
        let rows = c.tree().rows();
        let error = rows.iter().find(|r| r.kind == RowKind::Error).unwrap();
        assert_eq!((error.node, error.depth), (silent, 2));
        assert!(error.name.contains("did not answer") && error.name.contains("121"), "{}", error.name);
        assert_eq!(
            lines(&c)[..6],
            ["SMB", "  ndsrv.local", "    public", "    media", "    Looking…", "  silent.local"]
        );
        assert_eq!(rows[2].comment, "Files for everyone");
        let level: Vec<String> =
            c.tree().level(Some(silent)).into_iter().map(|r| format!("{} {}", r.depth, r.name)).collect();
        assert_eq!(level, [format!("2 {}", error.name)], "a level alone, as GTK asks for it");
        // A failed server can be asked again.
        assert_eq!(
            listing(&c.handle(ConnectEvent::Expand(silent))).parent.unwrap().remote_name,
            r"\\silent.local"
        );

        // Choosing a share: Folder, the suggested local folder, the keyboard in Folder;
        // the tree closes and every listing stops.
        let focus = c.focus().0;
        let public = node_of(&c, "public");
        assert_eq!(c.handle(ConnectEvent::Pick(public)), [ConnectEffect::StopListing]);
        assert_eq!(c.folder(), r"\\ndsrv.local\public");
        assert_eq!(c.local(), "/home/me/Network/ndsrv.local public");
        assert_eq!(c.focus(), (focus + 1, Field::Folder));
        assert!(!c.tree().is_open() && !c.tree().listing());
        // Late answers of stopped listings change nothing.
        found(&mut c, &shares, share("ndsrv.local", "late", ""));
        assert!(!lines(&c).contains(&"    late".to_owned()));
        // Opened again: as it was, and what was cut short is asked again.
        let again = c.handle(ConnectEvent::Browse);
        assert_eq!(again.len(), 2, "{again:?}");
        assert!(lines(&c).contains(&"    public".to_owned()));
    }

    #[test]
    fn enter_on_a_container_opens_and_closes_it_and_cancel_stops_every_listing() {
        let mut c = conversation();
        let root = listing(&c.handle(ConnectEvent::Browse));
        found(&mut c, &root, Resource::network(Provider::Smb));
        let smb = node_of(&c, "SMB");
        assert_eq!(c.tree().selected(), Some(smb));
        let l = listing(&c.handle(ConnectEvent::Pick(smb)));
        found(&mut c, &l, server("nas"));
        let nas = node_of(&c, "nas");
        c.handle(ConnectEvent::Select(nas));
        assert_eq!(c.tree().selected(), Some(nas));
        assert!(c.handle(ConnectEvent::Pick(smb)).is_empty());
        assert_eq!(lines(&c), ["SMB", "Looking…"]);
        assert_eq!(c.tree().selected(), Some(smb), "the keyboard leaves a hidden row");
        c.handle(ConnectEvent::Pick(smb));
        assert_eq!(lines(&c)[..2], ["SMB", "  nas"]);
        c.handle(ConnectEvent::Collapse(smb));
        assert_eq!(lines(&c)[..1], ["SMB"]);
        // A server is no share: nothing goes into Folder.
        c.handle(ConnectEvent::Expand(smb));
        c.handle(ConnectEvent::Pick(nas));
        assert_eq!(c.folder(), "");
        // Cancel ends the dialog; the front end is told to stop every listing (drive_connect).
        struct Front(Vec<&'static str>);
        impl super::super::ConnectFrontEnd for Front {
            fn show(&mut self, _: &ConnectConversation) {}
            fn spawn(&mut self, _: super::super::ConnectWork) {}
            fn list(&mut self, _: Listing) {}
            fn stop_listing(&mut self) {
                self.0.push("stop");
            }
            fn end(&mut self, _: crate::Outcome) {
                self.0.push("end");
            }
        }
        let mut front = Front(Vec::new());
        super::super::drive_connect(&mut c, &mut front, ConnectEvent::Cancel);
        assert_eq!(front.0, ["stop", "end"]);
        assert!(!c.tree().listing());
    }

    #[test]
    fn a_chosen_share_reads_back_as_the_same_resource() {
        for (provider, remote_name, folder) in [
            ("SMB", r"\\ndsrv.local\public", r"\\ndsrv.local\public"),
            ("SMB", r"\\nas@4450\media", r"\\nas@4450\media"),
            ("SSHFS", r"\\ndsrv.local\~", "sftp://ndsrv.local/~"),
            ("SSHFS", r"\\h@2222\~", "sftp://h:2222/~"),
            ("NFS", r"\\ndsrv.local\srv\nfs\public", "nfs://ndsrv.local/srv/nfs/public"),
        ] {
            let r = parse(Some(provider), Some(remote_name)).unwrap();
            assert_eq!(folder_of(&r).as_deref(), Some(folder));
            let back = remote::parse(folder).unwrap();
            assert_eq!((back.provider, back.remote_name.as_str()), (provider, remote_name));
        }
        for (remote_name, url) in [
            (r"\\ndsrv.local@8080\dav", "http://ndsrv.local:8080/dav"),
            (r"\\nas@SSL\DavWWWRoot", "https://nas/"),
            (r"\\nas@SSL@8443\remote.php\dav", "https://nas:8443/remote.php/dav"),
        ] {
            let r = parse(Some("WebDAV"), Some(remote_name)).unwrap();
            assert_eq!(folder_of(&r).as_deref(), Some(url));
            assert_eq!(remote::parse(url).unwrap().provider, "WebDAV");
        }
        assert_eq!(folder_of(&server("nas")), None, "a server is not connected from the tree");
    }

    #[test]
    fn listings_run_without_blocking_and_stop_at_once() {
        let mut l =
            Listings::with_options(browse::Options { discovery: Discovery::None, ..Default::default() });
        assert!(l.start(Listing { id: 7, parent: None }).is_none());
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let mut got = Vec::new();
        while l.running() {
            assert!(std::time::Instant::now() < deadline, "{got:?}");
            got.extend(l.poll());
            std::thread::sleep(Duration::from_millis(10));
        }
        let found = got
            .iter()
            .filter(|e| matches!(e, ConnectEvent::Listed { listing: 7, event: Event::Found(_) }))
            .count();
        assert_eq!(found, 4, "{got:?}");
        assert!(matches!(got.last(), Some(ConnectEvent::ListingEnded { listing: 7, error: None })));
        let share = parse(None, Some(r"\\nas\media")).unwrap();
        match l.start(Listing { id: 8, parent: Some(share) }) {
            Some(ConnectEvent::ListingEnded { listing: 8, error: Some(e) }) => assert_eq!(e.code().0, 1207),
            other => panic!("{other:?}"),
        }
        assert!(l.start(Listing { id: 9, parent: Some(server("silent.invalid")) }).is_none());
        l.stop();
        assert!(!l.running() && l.poll().is_empty());
    }
}

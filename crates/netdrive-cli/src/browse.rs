//! `netdrive browse`: the network tree, streamed as it is found (human), or whole (JSON).

use std::collections::HashMap;
use std::io::Write;

use netdrive::browse::{self, Discovery, Display, Event, Options, Origin, Resource};
use netdrive::escape::escape_str;
use netdrive::Error;
use serde_json::{json, Value};

use crate::cli::BrowseArgs;
use crate::output::Res;
use crate::stderr::say;

/// A node of the tree being put together for `--json`.
struct Node {
    resource: Resource,
    children: Vec<(netdrive::Provider, String)>,
    error: Option<Value>,
}

pub fn run(out: &mut impl Write, a: &BrowseArgs) -> Res {
    match run_or_fail(out, a) {
        Err(Failure::Net(e)) => {
            say!("netdrive: {}", netdrive::escape::escape_text(&format!("{e}: {}", e.code())));
            Ok(false)
        }
        Err(Failure::Io(e)) => Err(e.into()),
        Ok(ok) => Ok(ok),
    }
}

enum Failure {
    Net(Error),
    Io(std::io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Net(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Io(e.into())
    }
}

fn run_or_fail(out: &mut impl Write, a: &BrowseArgs) -> Result<bool, Failure> {
    let discovery = Discovery::from_name(&a.discovery).ok_or_else(|| {
        Error::InvalidParameter(format!(
            "--discovery {}: use auto, avahi, mdns or none",
            escape_str(&a.discovery)
        ))
    })?;
    let opts = Options {
        timeout: a.timeout,
        discovery,
        user: a.user.clone(),
        password: if a.password_stdin { Some(read_password()?) } else { None },
        ..Options::default()
    };
    let start = match (&a.target, &a.provider) {
        (None, None) => None,
        (t, p) => Some(browse::parse(p.as_deref(), t.as_deref())?),
    };
    if let Some(s) = start.as_ref().filter(|s| !s.container) {
        return Err(
            Error::NotContainer(format!("{}: a share, not a container", escape_str(&s.remote_name))).into()
        );
    }
    let base = start.as_ref().map_or(0, depth);
    let mut root_error = None;
    let events = browse::walk(start.as_ref(), &opts)?;
    let mut nodes: HashMap<(netdrive::Provider, String), Node> = HashMap::new();
    let mut top: Vec<(netdrive::Provider, String)> = Vec::new();
    let mut used = None;
    let mut ok = true;
    if let Some(s) = &start {
        if !a.json {
            line(out, 0, s)?;
        }
    }
    for e in events {
        match e {
            Event::Found(r) => {
                if !a.json {
                    line(out, depth(&r).saturating_sub(base), &r)?;
                    out.flush()?;
                }
                let parent = browse::parent_of(&r).map(|p| p.key());
                let key = r.key();
                match parent.filter(|p| Some(p) != start.as_ref().map(Resource::key).as_ref()) {
                    Some(p) if nodes.contains_key(&p) => {
                        if let Some(n) = nodes.get_mut(&p) {
                            n.children.push(key.clone());
                        }
                    }
                    _ => top.push(key.clone()),
                }
                nodes.entry(key).or_insert(Node { resource: r, children: Vec::new(), error: None });
            }
            Event::Failed { resource, error } => {
                let is_start = start.as_ref().is_some_and(|s| s.key() == resource.key());
                ok &= !is_start;
                say!(
                    "netdrive: {}: {}",
                    escape_str(&resource.remote_name),
                    netdrive::escape::escape_text(&format!("{error}: {}", error.code()))
                );
                if is_start {
                    root_error = Some(error_json(&error));
                } else if let Some(n) = nodes.get_mut(&resource.key()) {
                    n.error = Some(error_json(&error));
                }
            }
            Event::Discovering(d) => used = Some(d),
            Event::Complete(_) => {}
        }
    }
    if a.json {
        let tree: Vec<Value> = top.iter().map(|k| node_json(&nodes, k)).collect();
        let mut doc = json!({ "discovery": used.map(Discovery::name), "tree": tree });
        if let Some(s) = &start {
            doc["root"] = resource_json(s);
            if let Some(e) = root_error {
                doc["root"]["error"] = e;
            }
        }
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
    }
    Ok(ok)
}

fn depth(r: &Resource) -> usize {
    match r.display {
        Display::Network => 0,
        Display::Server => 1,
        Display::Share => 2,
    }
}

/// One streamed line: indented by depth, the name escaped, then what it is.
fn line(out: &mut impl Write, depth: usize, r: &Resource) -> std::io::Result<()> {
    let mut s = format!("{}{}", "  ".repeat(depth), escape_str(&r.remote_name));
    let mut notes = Vec::new();
    if !r.comment.is_empty() {
        notes.push(escape_str(&r.comment));
    }
    match &r.origin {
        Origin::Connected => notes.push("connected".into()),
        Origin::Remembered => notes.push("remembered".into()),
        Origin::Recent => notes.push("recent".into()),
        _ => {}
    }
    // Lines of several servers interleave as they answer: each says whose it is.
    if r.display != Display::Network {
        notes.push(r.provider.name().into());
    }
    if !notes.is_empty() {
        s.push_str("  (");
        s.push_str(&notes.join(", "));
        s.push(')');
    }
    writeln!(out, "{s}")
}

fn error_json(e: &Error) -> Value {
    json!({ "code": e.code().0, "error": e.code().name(), "message": e.to_string() })
}

/// A resource as JSON: the fields of a Win32 `NETRESOURCE` and where it answers.
pub fn resource_json(r: &Resource) -> Value {
    let usage = r.usage();
    let mut v = json!({
        "remote_name": r.remote_name,
        "provider": r.provider.name(),
        "display_type": r.display.name(),
        "display_type_code": r.display.code(),
        "usage": usage,
        "container": r.container,
        "connectable": r.connectable,
        "comment": r.comment,
        "origin": match &r.origin {
            Origin::Provider => "provider",
            Origin::DnsSd(_) => "dns-sd",
            Origin::Connected => "connected",
            Origin::Remembered => "remembered",
            Origin::Recent => "recent",
            Origin::Named => "named",
            Origin::Server => "server",
        },
    });
    if let Some(e) = &r.endpoint {
        v["host"] = e.host.clone().into();
        if let Some(p) = e.port {
            v["port"] = p.into();
        }
        if !e.addresses.is_empty() {
            v["addresses"] = e.addresses.iter().map(ToString::to_string).collect::<Vec<_>>().into();
        }
    }
    v
}

fn node_json(
    nodes: &HashMap<(netdrive::Provider, String), Node>,
    key: &(netdrive::Provider, String),
) -> Value {
    let Some(n) = nodes.get(key) else { return Value::Null };
    let mut v = resource_json(&n.resource);
    if n.resource.container {
        v["children"] = n.children.iter().map(|k| node_json(nodes, k)).collect::<Vec<_>>().into();
    }
    if let Some(e) = &n.error {
        v["error"] = e.clone();
    }
    v
}

/// The first line of standard input, without its line end.
fn read_password() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::InvalidParameter(format!("--password-stdin: cannot read standard input: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

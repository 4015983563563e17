//! `netdrive list` over a recorded table of kernel cifs/nfs/ceph/9p mounts
//! (NETDRIVE_MOUNTINFO), as a person and as a script sees it.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::path::Path;

use common::nd_env;

#[test]
fn lists_kernel_network_mounts_from_a_recorded_table() {
    let config = tempfile::tempdir().unwrap();
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("../netdrive/tests/data/mountinfo-kernel.txt");
    let env = [("NETDRIVE_MOUNTINFO", table.as_os_str())];
    let r = nd_env(config.path(), &env, ["list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 10);
    let cifs = &list[0];
    for key in
        ["local_name", "remote_name", "source", "provider", "fstype", "mount_id", "connected", "remembered"]
    {
        assert!(cifs.get(key).is_some(), "{key} missing from {cifs}");
    }
    assert_eq!(cifs["local_name"], "/mnt/share");
    assert_eq!(cifs["remote_name"], r"\\192.168.1.10\share");
    assert_eq!(cifs["source"], "//192.168.1.10/share");
    assert_eq!(cifs["provider"], "SMB");
    assert_eq!(cifs["mount_id"], 97);
    assert_eq!(cifs["connected"], true);

    let human = nd_env(config.path(), &env, ["list"]).stdout;
    assert!(human.starts_with("Drive"), "{human}");
    assert!(human.contains(r"/home/alice/Team Docs  \\fs.example.com\Team Docs"), "{human}");
}

//! Kernel network filesystems that cannot be mounted here, from recorded mountinfo.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::ffi::OsStr;

use netdrive::connected_in;
use netdrive::mountinfo::parse_table;
use netdrive::Provider;

#[test]
fn kernel_network_filesystems_are_listed_with_unc_names() {
    let table = parse_table(include_bytes!("data/mountinfo-kernel.txt"));
    assert_eq!(table.len(), 14, "every recorded line parses");
    let conns = connected_in(&table);
    let got: Vec<(String, Provider, String, String)> = conns
        .iter()
        .map(|c| {
            (
                c.local_name.to_string_lossy().into_owned(),
                c.provider,
                c.remote_name.to_string_lossy().into_owned(),
                c.fstype.clone(),
            )
        })
        .collect();
    let want = [
        ("/mnt/share", Provider::Smb, r"\\192.168.1.10\share", "cifs"),
        ("/home/alice/Team Docs", Provider::Smb, r"\\fs.example.com\Team Docs", "smb3"),
        ("/mnt/nfs", Provider::Nfs, r"\\10.0.0.5\srv\export", "nfs"),
        ("/home/alice/nas", Provider::Nfs, r"\\nas.local\volume1\homes", "nfs4"),
        ("/mnt/v6", Provider::Nfs, r"\\[fd00::5]\export", "nfs4"),
        ("/mnt/cephfs", Provider::Ceph, r"\\10.0.0.11", "ceph"),
        ("/mnt/ceph2", Provider::Ceph, r"\\cephfs\volumes\app", "ceph"),
        ("/mnt/hostshare", Provider::NineP, r"\\hostshare", "9p"),
        ("/mnt/wsl/C", Provider::NineP, r"\\C:\", "9p"),
        ("/afs", Provider::Afs, r"\\example.org\root.cell", "afs"),
    ];
    let want: Vec<(String, Provider, String, String)> =
        want.iter().map(|(a, p, r, f)| (a.to_string(), *p, r.to_string(), f.to_string())).collect();
    assert_eq!(got, want);
    // Kernel mounts have no FUSE owner.
    assert!(conns.iter().all(|c| c.owner_uid.is_none()));
    let smb3 = &conns[1];
    assert_eq!(smb3.source, OsStr::new("//fs.example.com/Team Docs"));
    assert!(smb3.options.to_string_lossy().contains("addr=10.1.2.3"));
}

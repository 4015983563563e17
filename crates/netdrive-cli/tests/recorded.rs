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

/// Automount points from a table recorded with autofs (and systemd's trigger for an fstab
/// entry): each is listed once, as remembered by the automounter until its drive is
/// mounted on it, with the remote its map (or the fstab) names.
#[test]
fn lists_automount_points_from_a_recorded_table() {
    let config = tempfile::tempdir().unwrap();
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("../netdrive/tests/data/mountinfo-autofs.txt");
    // The maps the table names, under NETDRIVE_AUTOFS_ROOT.
    let root = tempfile::tempdir().unwrap();
    let maps = [
        (
            "run/netdrive-kernel-automount/auto.direct",
            "/tmp/netdrive-kernel/automount/nfs -fstype=nfs4,nobind,vers=4.2,port=2049 127.0.0.1:/srv/nfs/auto\n\
             /tmp/netdrive-kernel/automount/smb -fstype=cifs,vers=3.0 ://127.0.0.1/share/auto\n\
             /somewhere/else -fstype=nfs4 nas:/not/a/trigger\n",
        ),
        ("run/nda/auto.ind", "k1 -fstype=nfs4 127.0.0.1:/srv/nfs/asub\n* -fstype=nfs4 nas:/home/&\n"),
    ];
    for (name, text) in maps {
        let p = root.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let fstab = root.path().join("fstab");
    std::fs::write(
        &fstab,
        "nas:/backup /mnt/backup nfs4 noauto,x-systemd.automount 0 0\n//nas/old /mnt/old cifs noauto 0 0\n",
    )
    .unwrap();
    let env = [
        ("NETDRIVE_MOUNTINFO", table.as_os_str()),
        ("NETDRIVE_AUTOFS_ROOT", root.path().as_os_str()),
        ("NETDRIVE_FSTAB", fstab.as_os_str()),
    ];
    let r = nd_env(config.path(), &env, ["list", "--all", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<(String, String, String, String)> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (s("local_name"), s("remote_name"), s("provider"), s("status"))
        })
        .collect();
    let want = [
        ("/tmp/netdrive-kernel/automount/nfs", r"\\127.0.0.1\srv\nfs\auto", "NFS", "connected, automount"),
        ("/mnt/backup", r"\\nas\backup", "NFS", "automount (connects when opened)"),
        ("/mnt/old", r"\\nas\old", "SMB", "remembered (fstab)"),
        (
            "/tmp/netdrive-kernel/automount/smb",
            r"\\127.0.0.1\share\auto",
            "SMB",
            "automount (connects when opened)",
        ),
        ("/tmp/ndind/k1", r"\\127.0.0.1\srv\nfs\asub", "NFS", "automount (connects when opened)"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);

    let human = nd_env(config.path(), &env, ["list", "--remembered"]).stdout;
    assert!(
        human.lines().any(|l| l.contains(r"\\127.0.0.1\share\auto") && l.ends_with("automount (connects when opened)")),
        "{human}"
    );
    // Not mounted: said so, not "nothing by that name".
    let r = nd_env(config.path(), &env, ["disconnect", "/tmp/netdrive-kernel/automount/smb"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("an automount point that is not connected now"), "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_NOT_CONNECTED (2250)"), "{}", r.stderr);
}

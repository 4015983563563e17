//! Providers and resources: `WNetGetProviderName`, `WNetGetNetworkInformation`,
//! `WNetGetResourceInformation`, `WNetGetResourceParent`, `MultinetGetConnectionPerformance`.
//! Everything comes from netdrive's provider table and the mount table.

use std::ffi::{OsStr, OsString};
use std::os::raw::{c_char, c_void};
use std::os::unix::ffi::OsStrExt;

use netdrive::{Connection, Error, Provider, Win32Error};

use crate::guard::{guard, invalid};
use crate::strings::{write_str_counted, Enc, A, W};
use crate::structs::{
    pack, NETCONNECTINFOSTRUCT, NETINFOSTRUCT, RESOURCEDISPLAYTYPE_NETWORK, RESOURCEDISPLAYTYPE_SERVER,
    RESOURCEDISPLAYTYPE_SHARE, RESOURCEUSAGE_CONTAINER, WNCON_FORNETCARD, WNCON_NOTROUTED,
};
use crate::types::{
    NetResource, DWORD, NETRESOURCEA, NETRESOURCEW, RESOURCETYPE_ANY, RESOURCETYPE_DISK,
    RESOURCEUSAGE_CONNECTABLE,
};
use crate::universal::fail;

unsafe fn get_provider_name<E: Enc>(net_type: DWORD, name: *mut E::Unit, len: *mut DWORD) -> DWORD {
    guard(|| {
        // WNetGetProviderName, "Return value": ERROR_INVALID_ADDRESS for a bad pointer.
        if name.is_null() || len.is_null() {
            return fail(Win32Error(487), "lpProviderName or lpBufferSize is NULL");
        }
        // "ERROR_NO_NETWORK: The network is unavailable" — also Windows' answer for a type no
        // provider has (Wine's implementation does the same).
        let Some(p) = Provider::from_net_type(net_type) else {
            return Err(Error::NoNetwork(format!("no network provider has the type {net_type:#010x}")));
        };
        // SAFETY: `len` checked non-NULL; `name` is writable for `*len` units per the caller.
        unsafe { write_str_counted::<E>(p.name(), name, len, "lpBufferSize") }
    })
}

/// `WNetGetProviderNameA(dwNetType, lpProviderName, lpBufferSize)`: the name of the
/// provider of a network type (`WNNC_NET_*`; only the high word counts), e.g. "SMB" for
/// `WNNC_NET_SMB`, "SSHFS", "WebDAV" for `WNNC_NET_DAV`. `*lpBufferSize` is in
/// characters; too small: `ERROR_MORE_DATA` and the size needed. Unknown type:
/// `ERROR_NO_NETWORK`.
///
/// # Safety
/// `lpBufferSize` NULL or valid; `lpProviderName` writable for `*lpBufferSize` chars.
#[no_mangle]
pub unsafe extern "C" fn WNetGetProviderNameA(
    dwNetType: DWORD,
    lpProviderName: *mut c_char,
    lpBufferSize: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_provider_name::<A>(dwNetType, lpProviderName, lpBufferSize) }
}

/// `WNetGetProviderNameW`: as [`WNetGetProviderNameA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetProviderNameA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetProviderNameW(
    dwNetType: DWORD,
    lpProviderName: *mut u16,
    lpBufferSize: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_provider_name::<W>(dwNetType, lpProviderName, lpBufferSize) }
}

unsafe fn get_network_information<E: Enc>(provider: *const E::Unit, info: *mut NETINFOSTRUCT) -> DWORD {
    guard(|| {
        if provider.is_null() || info.is_null() {
            return fail(Win32Error(487), "lpProvider or lpNetInfoStruct is NULL");
        }
        // SAFETY: non-NULL; the caller promises a readable structure (any alignment).
        let mut out = unsafe { info.read_unaligned() };
        // NETINFOSTRUCT: "cbStructure: ... set this to sizeof(NETINFOSTRUCT)".
        if (out.cbStructure as usize) < size_of::<NETINFOSTRUCT>() {
            return Err(invalid("cbStructure is smaller than sizeof(NETINFOSTRUCT)"));
        }
        // SAFETY: the caller promises a NUL-terminated string.
        let name = unsafe { E::read(provider)? }.unwrap_or_default();
        let Some(p) = Provider::lookup(Some(&name))? else {
            return Err(Error::BadProvider("lpProvider is empty".into()));
        };
        out = NETINFOSTRUCT {
            cbStructure: size_of::<NETINFOSTRUCT>() as DWORD,
            dwProviderVersion: 0x0001_0000,
            dwStatus: if p.available() { 0 } else { Win32Error::ERROR_NO_NETWORK.0 },
            // No NETINFO_DISKRED: a drive need not have a local name (Windows' router
            // reports 0 too).
            dwCharacteristics: 0,
            dwHandle: 0,
            wNetType: (p.net_type() >> 16) as u16,
            // "All valid", as Windows reports when the provider does not say.
            dwPrinters: 0xFFFF_FFFF,
            dwDrives: 0xFFFF_FFFF,
        };
        // SAFETY: checked non-NULL; written unaligned.
        unsafe { info.write_unaligned(out) };
        Ok(0)
    })
}

/// `WNetGetNetworkInformationA(lpProvider, lpNetInfoStruct)`: a provider's network type
/// (`wNetType`, the high word of its `WNNC_NET_*`) and status (`dwStatus`: `NO_ERROR` when
/// this system can use it now — the kernel has its filesystem and its program is
/// installed — else `ERROR_NO_NETWORK`). Unknown provider: `ERROR_BAD_PROVIDER`.
///
/// # Safety
/// `lpProvider` NULL or NUL-terminated; `lpNetInfoStruct` NULL or a writable structure.
#[no_mangle]
pub unsafe extern "C" fn WNetGetNetworkInformationA(
    lpProvider: *const c_char,
    lpNetInfoStruct: *mut NETINFOSTRUCT,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_network_information::<A>(lpProvider, lpNetInfoStruct) }
}

/// `WNetGetNetworkInformationW`: as [`WNetGetNetworkInformationA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetNetworkInformationA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetNetworkInformationW(
    lpProvider: *const u16,
    lpNetInfoStruct: *mut NETINFOSTRUCT,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_network_information::<W>(lpProvider, lpNetInfoStruct) }
}

/// The parts of a caller's `NETRESOURCE` these calls read. The names are the file system's
/// bytes (A) or their surrogate-escaped UTF-16 (W), so a name an enumeration returned can be
/// passed back; the provider's name is text.
struct Asked {
    ty: DWORD,
    local: Option<OsString>,
    remote: Option<OsString>,
    provider: Option<Provider>,
}

/// Read a `NETRESOURCE` (any alignment); an unknown provider is `ERROR_BAD_PROVIDER`.
unsafe fn read_resource<E: Enc>(nr: *const NetResource<E::Unit>) -> Result<Asked, Error> {
    // SAFETY: the caller checked non-NULL and promises a readable structure.
    let nr = unsafe { nr.read_unaligned() };
    // SAFETY: the caller promises NULL or NUL-terminated strings.
    let (local, remote, provider) =
        unsafe { (E::read_os(nr.lpLocalName)?, E::read_os(nr.lpRemoteName)?, E::read(nr.lpProvider)?) };
    Ok(Asked {
        ty: nr.dwType,
        local: local.filter(|s| !s.is_empty()),
        remote,
        provider: Provider::lookup(provider.as_deref())?,
    })
}

/// The connected drives, from the mount table only.
fn drives() -> Result<Vec<Connection>, Error> {
    netdrive::list(netdrive::Scope::Connected)
}

/// A network name as the caller gave it, or the UNC name of a local path (an extension:
/// Windows takes only network names here).
fn network_name(name: &OsStr) -> Result<OsString, Error> {
    if name.as_bytes().starts_with(b"/") {
        return Ok(netdrive::universal_name(name)?.universal);
    }
    if netdrive::names::unc_parts(name).is_none() {
        return Err(Error::BadNetName(format!("{name:?} is not a network name like \\\\server\\share")));
    }
    Ok(name.to_owned())
}

fn check_type(ty: DWORD) -> Result<(), Error> {
    match ty {
        RESOURCETYPE_ANY | RESOURCETYPE_DISK => Ok(()),
        _ => Err(Error::BadDevType("every network resource here is a disk (RESOURCETYPE_DISK)".into())),
    }
}

/// Write a `NETRESOURCE` with its strings (and `extra`) into the caller's buffer: "the
/// lpRemoteName, lpProvider, dwType, dwDisplayType, and dwUsage members ... with all other
/// members set to NULL" (`dwScope` 0);
/// `ERROR_MORE_DATA` with the size needed when it does not fit.
#[allow(clippy::too_many_arguments)]
unsafe fn put_resource<E: Enc>(
    dwords: [DWORD; 4],
    remote: Option<&OsStr>,
    provider: &str,
    extra: &[&OsStr],
    buf: *mut c_void,
    size: *mut DWORD,
) -> Result<Result<Vec<*mut E::Unit>, DWORD>, Error> {
    let head: Vec<u8> = dwords.iter().flat_map(|d| d.to_ne_bytes()).collect();
    // SAFETY: checked non-NULL by the callers.
    let cap = unsafe { size.read_unaligned() } as usize;
    // SAFETY: `buf` is NULL or writable for `cap` bytes per the caller.
    match unsafe { pack::<E>(&head, &[None, remote, None, Some(OsStr::new(provider))], extra, buf, cap) } {
        Ok((_, extras)) => Ok(Ok(extras)),
        Err(needed) => {
            // SAFETY: checked non-NULL by the callers.
            unsafe { size.write_unaligned(DWORD::try_from(needed).unwrap_or(DWORD::MAX)) };
            Ok(Err(fail(
                Win32Error::ERROR_MORE_DATA,
                "the buffer is too small; *lpcbBuffer is the size needed",
            )?))
        }
    }
}

unsafe fn get_resource_information<E: Enc>(
    nr: *const NetResource<E::Unit>,
    buf: *mut c_void,
    size: *mut DWORD,
    system: *mut *mut E::Unit,
) -> DWORD {
    guard(|| {
        if nr.is_null() || size.is_null() || system.is_null() {
            return fail(Win32Error(487), "lpNetResource, lpcbBuffer or lplpSystem is NULL");
        }
        // SAFETY: checked non-NULL; passed on under the caller's contract.
        let asked = unsafe { read_resource::<E>(nr)? };
        check_type(asked.ty)?;
        let name = asked.remote.ok_or_else(|| Error::BadNetName("lpRemoteName is NULL".into()))?;
        let name = network_name(&name)?;
        let drives = drives()?;
        let (resource, rest, drive) = netdrive::names::split_resource(&name, &drives)
            .ok_or_else(|| Error::BadNetName(format!("{name:?} is not a network name")))?;
        let provider = match (asked.provider, drive) {
            (Some(p), Some(d)) if p != d.provider => {
                return Err(Error::BadNetName(format!("{name:?} is not on a {} drive", p.name())))
            }
            (Some(p), _) => p,
            (None, Some(d)) => d.provider,
            (None, None) => Provider::Smb, // as for WNetAddConnection2: SMB, as on Windows
        };
        let server_only = netdrive::names::unc_parts(&resource).is_some_and(|p| p.len() == 1);
        let dwords = if server_only {
            [0, RESOURCETYPE_DISK, RESOURCEDISPLAYTYPE_SERVER, RESOURCEUSAGE_CONTAINER]
        } else {
            [0, RESOURCETYPE_DISK, RESOURCEDISPLAYTYPE_SHARE, RESOURCEUSAGE_CONNECTABLE]
        };
        let extra: Vec<&OsStr> = if rest.is_empty() { Vec::new() } else { vec![&rest] };
        // SAFETY: pointers checked; buffer per the caller.
        match unsafe {
            put_resource::<E>(dwords, Some(resource.as_os_str()), provider.name(), &extra, buf, size)?
        } {
            Ok(extras) => {
                // "lplpSystem: ... the part of the resource accessed through
                // resource-type-specific system functions" — NULL when nothing is left.
                let p = extras.first().copied().unwrap_or(std::ptr::null_mut());
                // SAFETY: checked non-NULL; written unaligned.
                unsafe { system.write_unaligned(p) };
                Ok(0)
            }
            Err(code) => Ok(code),
        }
    })
}

/// `WNetGetResourceInformationA(lpNetResource, lpBuffer, lpcbBuffer, lplpSystem)`: the
/// network resource that `lpRemoteName` lies in (a connected drive's remote name when one
/// holds it, else `\\server\share`), as a `NETRESOURCEA` with its strings in `lpBuffer`,
/// and in `*lplpSystem` the rest of the name (`\dir\file`, in the buffer) or NULL.
/// `lpRemoteName` may also be a local path inside a drive (an extension). Errors:
/// `ERROR_BAD_NET_NAME`, `ERROR_BAD_PROVIDER`, `ERROR_BAD_DEV_TYPE` (printers),
/// `ERROR_MORE_DATA` with the size needed.
///
/// # Safety
/// `lpNetResource` NULL or readable; `lpcbBuffer`, `lplpSystem` NULL or valid; `lpBuffer`
/// writable for `*lpcbBuffer` bytes.
#[no_mangle]
pub unsafe extern "C" fn WNetGetResourceInformationA(
    lpNetResource: *const NETRESOURCEA,
    lpBuffer: *mut c_void,
    lpcbBuffer: *mut DWORD,
    lplpSystem: *mut *mut c_char,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_resource_information::<A>(lpNetResource, lpBuffer, lpcbBuffer, lplpSystem) }
}

/// `WNetGetResourceInformationW`: as [`WNetGetResourceInformationA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetResourceInformationA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetResourceInformationW(
    lpNetResource: *const NETRESOURCEW,
    lpBuffer: *mut c_void,
    lpcbBuffer: *mut DWORD,
    lplpSystem: *mut *mut u16,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_resource_information::<W>(lpNetResource, lpBuffer, lpcbBuffer, lplpSystem) }
}

unsafe fn get_resource_parent<E: Enc>(
    nr: *const NetResource<E::Unit>,
    buf: *mut c_void,
    size: *mut DWORD,
) -> DWORD {
    guard(|| {
        if nr.is_null() || size.is_null() {
            return fail(Win32Error(487), "lpNetResource or lpcbBuffer is NULL");
        }
        // SAFETY: checked non-NULL; passed on under the caller's contract.
        let asked = unsafe { read_resource::<E>(nr)? };
        // "dwType: This member should be filled in if known": any value is taken.
        let name = asked.remote.ok_or_else(|| Error::BadNetName("lpRemoteName is NULL".into()))?;
        let name = network_name(&name)?;
        let provider = match asked.provider {
            Some(p) => p,
            None => netdrive::names::split_resource(&name, &drives()?)
                .and_then(|(_, _, d)| d.map(|d| d.provider))
                .unwrap_or(Provider::Smb),
        };
        let parent = netdrive::names::resource_parent(&name)
            .ok_or_else(|| Error::BadNetName(format!("{name:?} is not a network name")))?;
        let dwords = match &parent {
            // A server's parent is its provider's network.
            None => [0, RESOURCETYPE_ANY, RESOURCEDISPLAYTYPE_NETWORK, RESOURCEUSAGE_CONTAINER],
            Some(p) if netdrive::names::unc_parts(p).is_some_and(|c| c.len() == 1) => {
                [0, RESOURCETYPE_DISK, RESOURCEDISPLAYTYPE_SERVER, RESOURCEUSAGE_CONTAINER]
            }
            Some(_) => [
                0,
                RESOURCETYPE_DISK,
                RESOURCEDISPLAYTYPE_SHARE,
                RESOURCEUSAGE_CONNECTABLE | RESOURCEUSAGE_CONTAINER,
            ],
        };
        // SAFETY: pointers checked; buffer per the caller.
        match unsafe { put_resource::<E>(dwords, parent.as_deref(), provider.name(), &[], buf, size)? } {
            Ok(_) => Ok(0),
            Err(code) => Ok(code),
        }
    })
}

/// `WNetGetResourceParentA(lpNetResource, lpBuffer, lpcbBuffer)`: the parent of
/// `lpRemoteName` in the browse hierarchy as a `NETRESOURCEA` with its strings:
/// `\\server\share\dir` → `\\server\share`, `\\server\share` → `\\server`, and for
/// `\\server` the provider's network (`lpRemoteName` NULL,
/// `RESOURCEDISPLAYTYPE_NETWORK`). `lpProvider` NULL: the provider of the drive that
/// holds the name, else SMB. Errors: `ERROR_BAD_NET_NAME`, `ERROR_BAD_PROVIDER`,
/// `ERROR_MORE_DATA` with the size needed.
///
/// # Safety
/// `lpNetResource` NULL or readable; `lpcbBuffer` NULL or valid; `lpBuffer` writable for
/// `*lpcbBuffer` bytes.
#[no_mangle]
pub unsafe extern "C" fn WNetGetResourceParentA(
    lpNetResource: *const NETRESOURCEA,
    lpBuffer: *mut c_void,
    lpcbBuffer: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_resource_parent::<A>(lpNetResource, lpBuffer, lpcbBuffer) }
}

/// `WNetGetResourceParentW`: as [`WNetGetResourceParentA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetResourceParentA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetResourceParentW(
    lpNetResource: *const NETRESOURCEW,
    lpBuffer: *mut c_void,
    lpcbBuffer: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_resource_parent::<W>(lpNetResource, lpBuffer, lpcbBuffer) }
}

unsafe fn connection_performance<E: Enc>(
    nr: *const NetResource<E::Unit>,
    info: *mut NETCONNECTINFOSTRUCT,
) -> DWORD {
    guard(|| {
        // MultinetGetConnectionPerformance: "ERROR_INVALID_ADDRESS ... if the lpNetResource
        // or lpNetConnectInfoStruct parameters were NULL".
        if nr.is_null() || info.is_null() {
            return fail(Win32Error(487), "lpNetResource or lpNetConnectInfoStruct is NULL");
        }
        // SAFETY: non-NULL; readable per the caller (any alignment).
        let mut out = unsafe { info.read_unaligned() };
        // "ERROR_INVALID_PARAMETER ... cbStructure [not] filled with the proper structure size".
        if out.cbStructure as usize != size_of::<NETCONNECTINFOSTRUCT>() {
            return Err(invalid("cbStructure is not sizeof(NETCONNECTINFOSTRUCT)"));
        }
        // SAFETY: checked non-NULL; passed on under the caller's contract.
        let asked = unsafe { read_resource::<E>(nr)? };
        let drives = drives()?;
        // "If [lpLocalName] specifies a local device, lpRemoteName is ignored."
        let drive = match (&asked.local, &asked.remote) {
            (Some(l), _) => {
                let want = netdrive::normalize(l);
                drives
                    .iter()
                    .find(|c| c.local_name == want)
                    .ok_or_else(|| Error::NotConnected { target: l.as_os_str().into() })?
            }
            (None, Some(r)) => {
                let name = network_name(r)?;
                // A connection without a local device, by the remote name it was made with
                // (port included), as WNetCancelConnection2 finds it; else the drive whose
                // remote name holds the name.
                match drives.iter().find(|c| c.is_deviceless_to(name.as_bytes())) {
                    Some(d) => d,
                    None => {
                        let (_, _, d) = netdrive::names::split_resource(&name, &drives)
                            .ok_or_else(|| Error::BadNetName(format!("{r:?} is not a network name")))?;
                        d.ok_or_else(|| Error::NotConnected { target: r.as_os_str().into() })?
                    }
                }
            }
            (None, None) => {
                return Err(Error::BadNetName("lpLocalName and lpRemoteName are both NULL".into()))
            }
        };
        if asked.provider.is_some_and(|p| p != drive.provider) {
            return Err(Error::NotConnected { target: drive.local_name.as_os_str().into() });
        }
        out = performance(drive);
        // SAFETY: checked non-NULL; written unaligned.
        unsafe { info.write_unaligned(out) };
        Ok(0)
    })
}

/// What is known of a drive's link without sending anything (`netdrive::link_to`): for an
/// IPv4 server or this machine, the route's interface, whether a gateway is on the way
/// (`WNCON_NOTROUTED` when not), and the interface's speed as its driver reports it
/// (`WNCON_FORNETCARD`; `dwSpeed` in units of 100 bit/s); `dwOptDataSize` from the
/// mount's `rsize=` (cifs, nfs) or `max_read=` (FUSE). `dwDelay` is 0, which the page
/// says is the value "for accessing most resources"; it is not measured, since probing
/// the server would wait on it. A server named by a host name is not
/// resolved (that can wait on a name server): flags and speed are 0 then.
fn performance(drive: &Connection) -> NETCONNECTINFOSTRUCT {
    let host = netdrive::names::unc_parts(&drive.remote_name)
        .and_then(|p| p.first().map(|h| String::from_utf8_lossy(h).into_owned()))
        .unwrap_or_default();
    let host = host.split('@').next().unwrap_or_default().to_owned();
    let link = netdrive::link_to(&host);
    let mut flags = 0;
    if let Some(l) = &link {
        if !l.routed {
            flags |= WNCON_NOTROUTED;
        }
        if l.interface != "lo" {
            flags |= WNCON_FORNETCARD;
        }
    }
    let opt = ["rsize", "max_read"]
        .iter()
        .find_map(|k| {
            netdrive::mountinfo::option(&drive.options, k).and_then(|v| v.to_str()?.parse::<DWORD>().ok())
        })
        .unwrap_or(0);
    NETCONNECTINFOSTRUCT {
        cbStructure: size_of::<NETCONNECTINFOSTRUCT>() as DWORD,
        dwFlags: flags,
        dwSpeed: link.and_then(|l| l.speed_mbps).map_or(0, |m| m.saturating_mul(10_000)),
        dwDelay: 0,
        dwOptDataSize: opt,
    }
}

/// `MultinetGetConnectionPerformanceA(lpNetResource, lpNetConnectInfoStruct)`: what is known
/// of the link to a connected drive (`lpLocalName`, its mount point; or `lpRemoteName`, a
/// name on a connected drive or the remote name of a connection without a local device), from what the kernel shows without asking the server:
/// `WNCON_NOTROUTED` when no gateway is on the way, `WNCON_FORNETCARD` over a network
/// card, `dwSpeed` the card's speed (units of 100 bit/s; 0 when not known),
/// `dwOptDataSize` the mount's read size (`rsize=`, FUSE `max_read=`) or 0, `dwDelay` 0
/// (not measured: probing could wait on the server). Errors: `ERROR_NOT_CONNECTED`, `ERROR_BAD_NET_NAME`,
/// `ERROR_INVALID_ADDRESS` (NULL), `ERROR_INVALID_PARAMETER` (`cbStructure`).
///
/// # Safety
/// `lpNetResource` NULL or readable; `lpNetConnectInfoStruct` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn MultinetGetConnectionPerformanceA(
    lpNetResource: *const NETRESOURCEA,
    lpNetConnectInfoStruct: *mut NETCONNECTINFOSTRUCT,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { connection_performance::<A>(lpNetResource, lpNetConnectInfoStruct) }
}

/// `MultinetGetConnectionPerformanceW`: as [`MultinetGetConnectionPerformanceA`], with UTF-16.
///
/// # Safety
/// As for [`MultinetGetConnectionPerformanceA`].
#[no_mangle]
pub unsafe extern "C" fn MultinetGetConnectionPerformanceW(
    lpNetResource: *const NETRESOURCEW,
    lpNetConnectInfoStruct: *mut NETCONNECTINFOSTRUCT,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { connection_performance::<W>(lpNetResource, lpNetConnectInfoStruct) }
}

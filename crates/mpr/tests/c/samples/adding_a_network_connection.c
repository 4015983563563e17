/*
 * Microsoft's sample "Adding a Network Connection" (learn.microsoft.com/windows/win32/wnet/
 * adding-a-network-connection). The sample is a fragment whose `nr` is "NETRESOURCE from
 * enumeration"; the function around it, and the one marked line that puts the drive names
 * into `nr` (what the enumeration would have), are ours. Everything between the markers
 * is as published. Built with tests/c/shim's windows.h.
 *
 * Usage: adding_a_network_connection LOCAL REMOTE PROVIDER OTHER_REMOTE
 */
#include <windows.h>
#include <stdio.h>
#include <winnetwk.h>

static NETRESOURCE from_enumeration;

static DWORD sample(void)
{
/* ---- Microsoft's sample begins ---- */
DWORD dwResult; 
NETRESOURCE nr; 
nr = from_enumeration; /* ours: the drive names */
//
// Call the WNetAddConnection2 function to make the connection,
//   specifying a persistent connection.
//
dwResult = WNetAddConnection2(&nr, // NETRESOURCE from enumeration 
    (LPSTR) NULL,                  // no password 
    (LPSTR) NULL,                  // logged-in user 
    CONNECT_UPDATE_PROFILE);       // update profile with connect information 
 
// Process errors.
//  The local device is already connected to a network resource.
//
if (dwResult == ERROR_ALREADY_ASSIGNED) 
{ 
    printf("Already connected to specified resource.\n"); 
    return dwResult; 
} 
 
//  An entry for the local device already exists in the user profile.
//
else if (dwResult == ERROR_DEVICE_ALREADY_REMEMBERED) 
{ 
    printf("Attempted reassignment of remembered device.\n"); 
    return dwResult; 
} 
else if(dwResult != NO_ERROR) 
{ 
    //
    // Call an application-defined error handler.
    //
    printf("WNetAddConnection2 failed.\n"); 
    return dwResult; 
} 
 
//
// Otherwise, report a successful connection.
//
printf("Connected to the specified resource.\n"); 
/* ---- Microsoft's sample ends ---- */
return NO_ERROR;
}

int main(int argc, char **argv)
{
    if (argc != 5) return 2;
    from_enumeration.dwType = RESOURCETYPE_DISK;
    from_enumeration.lpLocalName = argv[1];
    from_enumeration.lpRemoteName = argv[2];
    from_enumeration.lpProvider = argv[3];
    DWORD first = sample();  /* connects */
    char connected[1024] = "";
    DWORD len = sizeof connected;
    WNetGetConnection(argv[1], connected, &len);
    printf("connected: %s\n", connected);
    DWORD second = sample(); /* the same local name again: already assigned */
    /* Disconnected, still remembered: another remote for that local name is the sample's
     * "reassignment of remembered device". */
    WNetCancelConnection2(argv[1], 0, TRUE);
    from_enumeration.lpRemoteName = argv[4];
    DWORD third = sample();
    WNetCancelConnection2(argv[1], CONNECT_UPDATE_PROFILE, TRUE); /* forgotten again */
    printf("results: %u %u %u\n", first, second, third);
    return 0;
}

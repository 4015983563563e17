/* The samples write <Winnetwk.h>; Linux file names are case-sensitive. */
#include <winnetwk.h>

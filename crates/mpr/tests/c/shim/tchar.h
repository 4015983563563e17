/* Microsoft's samples include <tchar.h>; nothing in it is used here. */

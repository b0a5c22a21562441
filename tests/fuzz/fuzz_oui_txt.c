/* The OUI parser on any bytes as they come, seeded with arp-scan's
 * ieee-oui.txt ("HEX<TAB>name") and nmap's nmap-mac-prefixes ("HEX name",
 * 6, 7 or 9 digits): the invariants of oui_reference.h. */
#include <stdint.h>

#include "oui_reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oui_ref_check((const char *)data, size);
    return 0;
}

/* The textbook's loop in C: getservbyport for every port 1..1024 and both
 * protocols, one call at a time, printing each (service, port, proto). */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>

int main(void)
{
    static const char *const protos[] = { "tcp", "udp" };
    for (int port = 1; port <= 1024; port++) {
        for (int p = 0; p < 2; p++) {
            struct servent *se = getservbyport(htons((unsigned short)port), protos[p]);
            if (se)
                printf("{\"service\":\"%s\",\"port\":%d,\"proto\":\"%s\"}\n", se->s_name, port, protos[p]);
        }
    }
    return 0;
}

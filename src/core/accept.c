/* Accepting with a spare descriptor, and the descriptor limit (accept.h). */
#include "sockpit/core/accept.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int sp_spare_fd_open(void)
{
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int sp_accept(int lfd, int *spare, struct sockaddr_storage *ss, socklen_t *sl, bool *shed)
{
    socklen_t cap = *sl;
    *shed = false;
    for (;;) {
        *sl = cap;
        int fd = accept4(lfd, (struct sockaddr *)ss, sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0)
            return fd;
        if (errno == EINTR || errno == ECONNABORTED)
            continue;
        if ((errno != EMFILE && errno != ENFILE) || *spare < 0)
            return -1;
        close(*spare);
        *spare = -1;
        *sl = cap;
        fd = accept4(lfd, (struct sockaddr *)ss, sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0)
            *shed = true;
        else
            *spare = sp_spare_fd_open();
        return fd;
    }
}

long sp_raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -1;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t old = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            return (long)old;
    }
    return rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur;
}

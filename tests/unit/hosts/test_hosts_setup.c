/* The hosts model set-up shared by the Hosts pane and `sockpit hosts`: the
 * OUI file from $SOCKPIT_OUI feeding the table's vendors, reverse DNS only
 * with a DNS channel, and the netlink source (or its /proc fallback)
 * filling the table in place until it is in sync. No privilege needed; no
 * DNS query is sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sockpit/core/loop.h"
#include "sockpit/hosts/hosts_setup.h"
#include "sockpit/hosts/netlink.h"
#include "sockpit/hosts/rdns.h"
#include "testdns.h"

static void oui_from_test_data(char *path, size_t cap)
{
    const char *dir = getenv("SOCKPIT_TEST_DATA");
    assert_non_null(dir);
    snprintf(path, cap, "%s/hosts/ieee-oui.txt", dir);
    setenv("SOCKPIT_OUI", path, 1);
}

static void count_change(void *ud) { (*(int *)ud)++; }

static bool wait_synced(sp_loop *loop, const sp_netlink *nl)
{
    double end = sp_now() + 5;
    while (!sp_netlink_synced(nl) && sp_now() < end)
        sp_loop_once(loop, 50);
    return sp_netlink_synced(nl);
}

static void test_without_dns(void **st)
{
    (void)st;
    char oui[1024];
    oui_from_test_data(oui, sizeof oui);
    sp_loop *loop = sp_loop_new();
    assert_non_null(loop);
    int changes = 0;
    sp_hosts_settings set = { .changed = count_change, .ud = &changes };
    sp_hosts_setup h;
    char err[128];
    assert_int_equal(sp_hosts_set_up(&h, loop, &set, err, sizeof err), 0);
    assert_non_null(h.oui);
    assert_string_equal(h.oui_path, oui);
    assert_ptr_equal(h.table.oui, h.oui);
    assert_null(h.rdns);
    assert_non_null(h.nl);
    assert_true(wait_synced(loop, h.nl));
    if (sp_netlink_note(h.nl)[0] == '\0') {
        /* Real netlink: at least the loopback interface, and we were told. */
        assert_true(h.table.nlinks > 0);
        assert_true(changes > 0);
    }
    sp_hosts_tear_down(&h);
    assert_null(h.nl);
    assert_null(h.oui);
    sp_hosts_tear_down(&h); /* twice is harmless */
    sp_loop_free(loop);
    unsetenv("SOCKPIT_OUI");
}

static void test_with_dns(void **st)
{
    (void)st;
    char oui[1024];
    oui_from_test_data(oui, sizeof oui);
    sp_loop *loop = sp_loop_new();
    assert_non_null(loop);
    sp_dns *dns = test_dns(loop, 9, 200);
    sp_hosts_settings set = { .dns = dns };
    sp_hosts_setup h;
    char err[128];
    assert_int_equal(sp_hosts_set_up(&h, loop, &set, err, sizeof err), 0);
    assert_non_null(h.rdns);
    assert_int_equal(sp_rdns_pending(h.rdns), 0);
    sp_dns_free(dns);
    sp_hosts_tear_down(&h);
    sp_loop_free(loop);
    unsetenv("SOCKPIT_OUI");
}

/* Without netlink the table still fills, from /proc/net/arp, and the note
 * says why. */
static void test_fallback(void **st)
{
    (void)st;
    setenv("SOCKPIT_NETLINK", "off", 1);
    sp_loop *loop = sp_loop_new();
    assert_non_null(loop);
    sp_hosts_settings set = { 0 };
    sp_hosts_setup h;
    char err[128];
    assert_int_equal(sp_hosts_set_up(&h, loop, &set, err, sizeof err), 0);
    assert_non_null(strstr(sp_netlink_note(h.nl), "SOCKPIT_NETLINK=off"));
    assert_true(wait_synced(loop, h.nl));
    sp_hosts_tear_down(&h);
    sp_loop_free(loop);
    unsetenv("SOCKPIT_NETLINK");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_dns),
        cmocka_unit_test(test_with_dns),
        cmocka_unit_test(test_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The wire formats beside PTR: DNS names with compression (and loops that
 * must be refused), reverse queries with the QU bit, the names of mDNS and
 * LLMNR answers and announcements, NetBIOS node status. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sockpit/hosts/namewire.h"
#include "sockpit/hosts/rdns.h"

static void test_name_plain_and_compressed(void **st)
{
    (void)st;
    /* "pi.local" at 0, then "x" + a pointer to "local" at 3. */
    static const unsigned char m[] = { 2, 'p', 'i', 5, 'l', 'o', 'c', 'a', 'l', 0, 1, 'x', 0xc0, 3 };
    char out[SP_WIRE_NAME_MAX];
    assert_int_equal(sp_dnswire_name(m, sizeof m, 0, out, sizeof out), 10);
    assert_string_equal(out, "pi.local");
    assert_int_equal(sp_dnswire_name(m, sizeof m, 10, out, sizeof out), 14);
    assert_string_equal(out, "x.local");
}

static void test_name_refusals(void **st)
{
    (void)st;
    char out[SP_WIRE_NAME_MAX];
    static const unsigned char self[] = { 0xc0, 0 };
    assert_int_equal(sp_dnswire_name(self, sizeof self, 0, out, sizeof out), -1);
    /* A label, then a pointer back to that label: a loop. */
    static const unsigned char loop[] = { 1, 'a', 0xc0, 0 };
    assert_int_equal(sp_dnswire_name(loop, sizeof loop, 0, out, sizeof out), -1);
    static const unsigned char fwd[] = { 0xc0, 2, 0 };
    assert_int_equal(sp_dnswire_name(fwd, sizeof fwd, 0, out, sizeof out), -1);
    static const unsigned char trunc[] = { 5, 'a', 'b' };
    assert_int_equal(sp_dnswire_name(trunc, sizeof trunc, 0, out, sizeof out), -1);
    static const unsigned char reserved[] = { 0x41, 'a', 0 };
    assert_int_equal(sp_dnswire_name(reserved, sizeof reserved, 0, out, sizeof out), -1);
    unsigned char longname[5 * 64 + 1];
    memset(longname, 0, sizeof longname);
    for (int i = 0; i < 5; i++) {
        longname[i * 64] = 63;
        memset(longname + i * 64 + 1, 'a', 63);
    }
    assert_int_equal(sp_dnswire_name(longname, sizeof longname, 0, out, sizeof out), -1);
}

static void test_name_escapes(void **st)
{
    (void)st;
    static const unsigned char m[] = { 6, 0x1b, '[', '3', '1', 'm', '.', 2, 'a', '\\', 0 };
    char out[SP_WIRE_NAME_MAX];
    assert_true(sp_dnswire_name(m, sizeof m, 0, out, sizeof out) > 0);
    assert_string_equal(out, "\\027[31m\\..a\\\\");
}

static void test_reverse_names(void **st)
{
    (void)st;
    int family;
    unsigned char a[16];
    assert_true(sp_reverse_name_addr("10.1.18.198.in-addr.arpa", &family, a));
    assert_int_equal(family, AF_INET);
    assert_memory_equal(a, ((unsigned char[]){ 198, 18, 1, 10 }), 4);
    assert_true(sp_reverse_name_addr("10.1.18.198.IN-ADDR.ARPA.", &family, a));
    assert_false(sp_reverse_name_addr("1.18.198.in-addr.arpa", &family, a));
    assert_false(sp_reverse_name_addr("256.1.18.198.in-addr.arpa", &family, a));
    assert_false(sp_reverse_name_addr("pi.local", &family, a));
    char six[80];
    unsigned char v6[16];
    inet_pton(AF_INET6, "fe80::1:2", v6);
    assert_int_equal(sp_rdns_ptr_name(AF_INET6, v6, six, sizeof six), 0);
    assert_true(sp_reverse_name_addr(six, &family, a));
    assert_int_equal(family, AF_INET6);
    assert_memory_equal(a, v6, 16);
}

static void test_query(void **st)
{
    (void)st;
    unsigned char q[128];
    const unsigned char addr[4] = { 198, 18, 1, 10 };
    size_t n = sp_dnswire_ptr_query(0x1234, AF_INET, addr, true, q, sizeof q);
    assert_int_equal(n, 12 + 26 + 4);
    assert_int_equal(q[0], 0x12);
    assert_int_equal(q[5], 1);
    assert_int_equal(q[n - 2], 0x80); /* QU */
    assert_int_equal(q[n - 1], 1);
    assert_int_equal(sp_dnswire_ptr_query(1, AF_INET, addr, false, q, 20), 0);
    int family;
    unsigned char a[16];
    assert_true(sp_dnswire_question_addr(q, n, &family, a));
    assert_memory_equal(a, addr, 4);
}

/* A response: the question of q, then the records given. */
static size_t response(unsigned char *out, const unsigned char *q, size_t qlen, unsigned an, const void *rr,
                       size_t rrlen)
{
    memcpy(out, q, qlen);
    out[2] = 0x84;
    out[7] = (unsigned char)an;
    memcpy(out + qlen, rr, rrlen);
    return qlen + rrlen;
}

static void test_names_of_answers(void **st)
{
    (void)st;
    unsigned char q[128], m[512];
    const unsigned char addr[4] = { 198, 18, 1, 10 };
    size_t ql = sp_dnswire_ptr_query(7, AF_INET, addr, true, q, sizeof q);
    /* PTR with the owner compressed to the question, then an A record. */
    static const unsigned char rr[] = {
        0xc0, 12, 0, 12, 0x80, 1, 0, 0, 0, 120, 0, 10, 2, 'p', 'i', 5, 'l', 'o', 'c', 'a', 'l', 0,
        0xc0, 54, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 198, 18, 1, 11,
    };
    size_t n = response(m, q, ql, 2, rr, sizeof rr);
    sp_wire_name w[4];
    uint16_t id;
    assert_int_equal(sp_dnswire_names(m, n, w, 4, &id), 2);
    assert_int_equal(id, 7);
    assert_string_equal(w[0].name, "pi.local");
    assert_memory_equal(w[0].addr, addr, 4);
    assert_string_equal(w[1].name, "pi.local");
    assert_int_equal(w[1].addr[3], 11);
    /* Truncated in the second record: the first is kept. */
    assert_int_equal(sp_dnswire_names(m, n - 3, w, 4, NULL), 1);
    /* A query is not an answer. */
    assert_int_equal(sp_dnswire_names(q, ql, w, 4, NULL), -1);
    assert_int_equal(sp_dnswire_names(m, n, w, 1, NULL), 1);
}

static void test_nbstat(void **st)
{
    (void)st;
    unsigned char q[SP_NBSTAT_QUERY_LEN];
    sp_nbstat_query(0x4242, q);
    assert_int_equal(q[12], 32);
    assert_int_equal(q[13], 'C');
    assert_int_equal(q[14], 'K');
    assert_int_equal(q[15], 'A');
    assert_int_equal(q[47], 0x21);
    unsigned char m[256];
    memcpy(m, q, 12);
    m[2] = 0x84;
    m[5] = 0;
    m[7] = 1;
    size_t p = 12;
    memcpy(m + p, q + 12, 34);
    p += 34;
    const unsigned char rrh[] = { 0, 0x21, 0, 1, 0, 0, 0, 0, 0, 1 + 3 * 18 + 6 };
    memcpy(m + p, rrh, sizeof rrh);
    p += sizeof rrh;
    m[p++] = 3;
    const char *names[3] = { "LABGROUP       ", "NBPEER         ", "NBPEER         " };
    const unsigned char suffix[3] = { 0, 0, 0x20 }, flags[3] = { 0x84, 0x04, 0x04 };
    for (int i = 0; i < 3; i++) {
        memcpy(m + p, names[i], 15);
        m[p + 15] = suffix[i];
        m[p + 16] = flags[i];
        m[p + 17] = 0;
        p += 18;
    }
    const unsigned char mac[6] = { 2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
    memcpy(m + p, mac, 6);
    p += 6;
    sp_nbstat s;
    assert_int_equal(sp_nbstat_parse(m, p, &s), 0);
    assert_string_equal(s.name, "NBPEER");
    assert_string_equal(s.group, "LABGROUP");
    assert_true(s.has_mac);
    assert_memory_equal(s.mac, mac, 6);
    assert_int_equal(s.id, 0x4242);
    /* A count past the record, and a request, are refused. */
    m[12 + 34 + 10] = 200;
    assert_int_equal(sp_nbstat_parse(m, p, &s), -1);
    assert_int_equal(sp_nbstat_parse(q, sizeof q, &s), -1);
}

static void test_sources(void **st)
{
    (void)st;
    unsigned m;
    char err[200];
    assert_int_equal(sp_name_sources_parse("ptr,nbns", &m, err, sizeof err), 0);
    assert_int_equal(m, SP_SRC_BIT(SP_SRC_PTR) | SP_SRC_BIT(SP_SRC_NBNS));
    assert_int_equal(sp_name_sources_parse("mdns,", &m, err, sizeof err), -1);
    assert_int_equal(sp_name_sources_parse("dns", &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "'dns' is not a name source"));
    assert_string_equal(sp_name_source_label(SP_SRC_LLMNR), "llmnr");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_plain_and_compressed),
        cmocka_unit_test(test_name_refusals),
        cmocka_unit_test(test_name_escapes),
        cmocka_unit_test(test_reverse_names),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_names_of_answers),
        cmocka_unit_test(test_nbstat),
        cmocka_unit_test(test_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

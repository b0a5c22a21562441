/* OUI registry parsing: the three file formats, malformed lines, prefixes
 * of 24, 28 and 36 bits, locally administered and group addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sockpit/hosts/oui.h"

static sp_oui *load_data(const char *name)
{
    const char *dir = getenv("SOCKPIT_TEST_DATA");
    assert_non_null(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/hosts/%s", dir, name);
    sp_oui *o = sp_oui_load(path);
    assert_non_null(o);
    return o;
}

static const unsigned char intel[6] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x02 };
static const unsigned char vmware[6] = { 0x00, 0x50, 0x56, 0xaa, 0xbb, 0xcc };

static void test_csv(void **state)
{
    (void)state;
    sp_oui *o = load_data("oui.csv");
    assert_int_equal(o->count, 4);
    assert_int_equal(o->bad_lines, 5);
    assert_string_equal(sp_oui_lookup(o, intel, 6), "Intel Corporate");
    assert_string_equal(sp_oui_lookup(o, vmware, 6), "VMware, Inc.");
    const unsigned char nrc[6] = { 0x08, 0x00, 0x30, 1, 2, 3 };
    assert_string_equal(sp_oui_lookup(o, nrc, 6), "NETWORK RESEARCH \"NRC\" CORPORATION");
    const unsigned char m28[6] = { 0x70, 0xb3, 0xd5, 0x1f, 0, 0 };
    const unsigned char m28b[6] = { 0x70, 0xb3, 0xd5, 0x2f, 0, 0 };
    assert_string_equal(sp_oui_lookup(o, m28, 6), "Twenty-eight bit prefix");
    assert_null(sp_oui_lookup(o, m28b, 6));
    sp_oui_free(o);
}

static void test_arpscan(void **state)
{
    (void)state;
    sp_oui *o = load_data("ieee-oui.txt");
    assert_int_equal(o->count, 4);
    assert_int_equal(o->bad_lines, 2);
    assert_string_equal(sp_oui_lookup(o, intel, 6), "Intel Corporate");
    const unsigned char m36[6] = { 0x00, 0x50, 0xc2, 0x12, 0x3f, 0xff };
    assert_string_equal(sp_oui_lookup(o, m36, 6), "Thirty-six bit prefix");
    sp_oui_free(o);
}

static void test_nmap(void **state)
{
    (void)state;
    sp_oui *o = load_data("nmap-mac-prefixes");
    assert_int_equal(o->count, 4);
    assert_int_equal(o->bad_lines, 2);
    assert_string_equal(sp_oui_lookup(o, vmware, 6), "VMware");
    const unsigned char m36[6] = { 0x00, 0x50, 0xc2, 0x12, 0x30, 0x00 };
    const unsigned char m24[6] = { 0x00, 0x50, 0xc2, 0x99, 0x30, 0x00 };
    assert_string_equal(sp_oui_lookup(o, m36, 6), "Thirty-six bit prefix");
    assert_string_equal(sp_oui_lookup(o, m24, 6), "IEEE Registration Authority");
    sp_oui_free(o);
}

static void test_special(void **state)
{
    (void)state;
    sp_oui *o = sp_oui_parse("021B21\tShould not match\n", 24);
    const unsigned char local[6] = { 0x02, 0x1b, 0x21, 0, 0, 1 };
    const unsigned char mcast[6] = { 0x33, 0x33, 0, 0, 0, 1 };
    const unsigned char zero[6] = { 0 };
    assert_string_equal(sp_oui_lookup(o, local, 6), SP_OUI_LOCAL);
    assert_string_equal(sp_oui_lookup(o, mcast, 6), SP_OUI_MULTICAST);
    assert_null(sp_oui_lookup(o, zero, 6));
    assert_null(sp_oui_lookup(o, intel, 4));
    assert_null(sp_oui_lookup(NULL, intel, 6));
    assert_string_equal(sp_oui_lookup(NULL, local, 6), SP_OUI_LOCAL);
    sp_oui_free(o);
}

static void test_duplicates_and_garbage(void **state)
{
    (void)state;
    const char text[] = "001B21 First\r\n001b21 Second\n\n#c\n001B21\n\x01\x02\xff\n005056\t  Padded  \n";
    sp_oui *o = sp_oui_parse(text, sizeof text - 1);
    assert_int_equal(o->count, 2);
    assert_string_equal(sp_oui_lookup(o, intel, 6), "First");
    assert_string_equal(sp_oui_lookup(o, vmware, 6), "Padded");
    assert_int_equal(o->bad_lines, 2);
    sp_oui_free(o);
    /* Random bytes never crash the parser. */
    unsigned char junk[4096];
    srand(7);
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (unsigned char)(rand() % 4 == 0 ? "\n\t,\" "[rand() % 5] : "0123456789ABCDEFMA-L"[rand() % 20]);
        sp_oui *j = sp_oui_parse((const char *)junk, sizeof junk);
        assert_non_null(j);
        sp_oui_free(j);
    }
}

static void test_missing(void **state)
{
    (void)state;
    assert_null(sp_oui_load("/nonexistent/oui.csv"));
    setenv("SOCKPIT_OUI", "/nonexistent", 1);
    const char *path = "x";
    sp_oui *o = sp_oui_load_default(&path);
    if (o) /* the system's own file, when installed */
        assert_string_not_equal(path, "/nonexistent");
    sp_oui_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv), cmocka_unit_test(test_arpscan), cmocka_unit_test(test_nmap),
        cmocka_unit_test(test_special), cmocka_unit_test(test_duplicates_and_garbage),
        cmocka_unit_test(test_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

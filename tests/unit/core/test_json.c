/* JSON Lines output stays valid JSON whatever bytes it is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/json.h"

static char *render(void (*fill)(sp_json *))
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    sp_json j;
    sp_json_begin(&j, f);
    fill(&j);
    sp_json_end(&j);
    fclose(f);
    return buf;
}

static void fill_mixed(sp_json *j)
{
    sp_json_str(j, "service", "pop3s");
    sp_json_int(j, "port", 995);
    sp_json_array_begin(j, "aliases");
    sp_json_array_str(j, "a");
    sp_json_array_str(j, "b");
    sp_json_array_end(j);
    sp_json_bool(j, "listening", false);
    sp_json_str(j, "name", NULL);
    sp_json_num(j, "rtt_ms", 0.4, 1);
}

static void fill_hostile(sp_json *j)
{
    sp_json_strn(j, "text", "q\"b\\\n\x1b[2J\x7f\xff\0z", 13);
}

static void test_object_shape(void **state)
{
    (void)state;
    char *s = render(fill_mixed);
    assert_string_equal(s, "{\"service\":\"pop3s\",\"port\":995,\"aliases\":[\"a\",\"b\"],\"listening\":false,"
                           "\"name\":null,\"rtt_ms\":0.4}\n");
    free(s);
}

static void test_hostile_bytes_are_escaped(void **state)
{
    (void)state;
    char *s = render(fill_hostile);
    assert_string_equal(s, "{\"text\":\"q\\\"b\\\\\\n\\u001b[2J\\u007f\xef\xbf\xbd\\u0000z\"}\n");
    free(s);
}

static void fill_invisible(sp_json *j)
{
    /* U+202E, C1 U+009B, U+200B, U+FEFF, a tag character U+E0041, then
     * ordinary text (é, 中) that stays as it is. */
    static const char s[] = "a\xe2\x80\xae" "b\xc2\x9b" "c\xe2\x80\x8b" "d\xef\xbb\xbf" "e\xf3\xa0\x81\x81"
                            "f\xc3\xa9\xe4\xb8\xad";
    sp_json_strn(j, "text", s, sizeof s - 1);
}

static void test_format_and_c1_characters_are_escaped(void **state)
{
    (void)state;
    char *s = render(fill_invisible);
    assert_string_equal(s, "{\"text\":\"a\\u202eb\\u009bc\\u200bd\\ufeffe\\udb40\\udc41f\xc3\xa9\xe4\xb8\xad\"}\n");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_shape),
        cmocka_unit_test(test_hostile_bytes_are_escaped),
        cmocka_unit_test(test_format_and_c1_characters_are_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

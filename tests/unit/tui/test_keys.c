/* Escape-sequence decoding (every common terminal's spelling of the same
 * keys), double clicks, and the redraw budget's pacing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sockpit/tui/keymap.h"
#include "sockpit/tui/keys.h"
#include "sockpit/tui/pace.h"

static sp_key decode(const char *seq)
{
    sp_key k = { 0 };
    assert_true(sp_esc_decode(seq, strlen(seq), &k));
    return k;
}

static void expect(const char *seq, int code, unsigned mods)
{
    sp_key k = decode(seq);
    if (!k.fn || k.code != code || k.mods != mods)
        fail_msg("ESC %s: got code %d fn %d mods %u, want %d mods %u", seq, k.code, k.fn, k.mods, code, mods);
}

static void test_home_end_everywhere(void **state)
{
    (void)state;
    /* xterm, VT220 and linux console / screen / tmux, rxvt. */
    const char *home[] = { "OH", "[H", "[1~", "[7~" }, *end[] = { "OF", "[F", "[4~", "[8~" };
    for (size_t i = 0; i < 4; i++) {
        expect(home[i], KEY_HOME, 0);
        expect(end[i], KEY_END, 0);
    }
    expect("[2~", KEY_IC, 0);
    expect("[3~", KEY_DC, 0);
    expect("[5~", KEY_PPAGE, 0);
    expect("[6~", KEY_NPAGE, 0);
    expect("[Z", KEY_BTAB, 0);
}

static void test_function_keys(void **state)
{
    (void)state;
    const char *xterm[] = { "OP", "OQ", "OR", "OS", "[15~", "[17~", "[18~", "[19~", "[20~", "[21~", "[23~", "[24~" };
    for (int i = 0; i < 12; i++)
        expect(xterm[i], KEY_F(i + 1), 0);
    /* VT220 / rxvt F1-F4, linux console F1-F5. */
    expect("[11~", KEY_F(1), 0);
    expect("[14~", KEY_F(4), 0);
    expect("[[A", KEY_F(1), 0);
    expect("[[E", KEY_F(5), 0);
    expect("[1;2P", KEY_F(1), SP_KEY_MOD_SHIFT);
    expect("[15;5~", KEY_F(5), SP_KEY_MOD_CTRL);
}

static void test_modified_keys(void **state)
{
    (void)state;
    expect("[1;5C", KEY_RIGHT, SP_KEY_MOD_CTRL);
    expect("[1;2D", KEY_LEFT, SP_KEY_MOD_SHIFT);
    expect("[1;3A", KEY_UP, SP_KEY_MOD_ALT);
    expect("[1;6B", KEY_DOWN, SP_KEY_MOD_CTRL | SP_KEY_MOD_SHIFT);
    expect("[1;5H", KEY_HOME, SP_KEY_MOD_CTRL);
    expect("[3;5~", KEY_DC, SP_KEY_MOD_CTRL);
    expect("[5;3~", KEY_PPAGE, SP_KEY_MOD_ALT);
    /* rxvt: Shift-arrows "[a", Ctrl-arrows "Oa", modified editing keys by their final. */
    expect("[c", KEY_RIGHT, SP_KEY_MOD_SHIFT);
    expect("Od", KEY_LEFT, SP_KEY_MOD_CTRL);
    expect("[7^", KEY_HOME, SP_KEY_MOD_CTRL);
    expect("[8$", KEY_END, SP_KEY_MOD_SHIFT);
    expect("[3@", KEY_DC, SP_KEY_MOD_CTRL | SP_KEY_MOD_SHIFT);
    /* Some terminals put the modifier in an SS3 sequence. */
    expect("O5C", KEY_RIGHT, SP_KEY_MOD_CTRL);
    expect("OA", KEY_UP, 0);
    expect("[A", KEY_UP, 0);
}

static void test_keypad(void **state)
{
    (void)state;
    expect("OM", KEY_ENTER, 0);
    sp_key k = decode("Op");
    assert_false(k.fn);
    assert_int_equal(k.code, '0');
    k = decode("Ok");
    assert_int_equal(k.code, '+');
}

static void test_not_keys(void **state)
{
    (void)state;
    const char *bad[] = { "[<0;3;4M", "[200~", "[99~", "[1;2;3C", "[5C", "[?1h", "[I", "[O", "[", "O", "x", "[9Z", "[0~",
                          "[1000000~" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sp_key k;
        if (sp_esc_decode(bad[i], strlen(bad[i]), &k))
            fail_msg("ESC %s decoded as key %d", bad[i], k.code);
    }
}

static void test_double_click(void **state)
{
    (void)state;
    sp_clicks c = { 0 };
    assert_int_equal(sp_clicks_press(&c, 3, 4, 10.0), 1);
    assert_int_equal(sp_clicks_press(&c, 3, 4, 10.2), 2);
    /* A third press starts over. */
    assert_int_equal(sp_clicks_press(&c, 3, 4, 10.3), 1);
    /* Too slow. */
    assert_int_equal(sp_clicks_press(&c, 3, 4, 10.7), 1);
    /* Another cell. */
    assert_int_equal(sp_clicks_press(&c, 3, 5, 10.8), 1);
    assert_int_equal(sp_clicks_press(&c, 3, 5, 10.9), 2);
}

static void test_frame_gap(void **state)
{
    (void)state;
    /* Small frames: ten a second; big ones hold the next back, at most 2 s. */
    assert_true(sp_frame_gap(0) == SP_FRAME_GAP);
    assert_true(sp_frame_gap(50) == SP_FRAME_GAP);
    double g = sp_frame_gap(500);
    assert_true(g > 0.49 && g < 0.51);
    assert_true(sp_frame_gap(1000000) == SP_FRAME_WAIT_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_end_everywhere), cmocka_unit_test(test_function_keys),
        cmocka_unit_test(test_modified_keys),       cmocka_unit_test(test_keypad),
        cmocka_unit_test(test_not_keys),            cmocka_unit_test(test_double_click),
        cmocka_unit_test(test_frame_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

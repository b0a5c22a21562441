/* The table model: widths, selection by key through updates, sorts,
 * filters, deletions and freezes, search, clicks and the count line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sockpit/tui/table.h"

/* The Hosts pane's shape: what must stay, what may go, who gets spare room. */
static const sp_column hosts_cols[] = {
    { .title = "Address", .min = 15, .max = 39, .prio = 0, .sort = SP_SORT_TEXT },
    { .title = "MAC", .min = 17, .max = 17, .prio = 2, .sort = SP_SORT_TEXT },
    { .title = "Vendor", .min = 6, .max = 40, .prio = 3, .sort = SP_SORT_TEXT },
    { .title = "Name", .min = 8, .prio = 1, .grow = true, .sort = SP_SORT_TEXT },
    { .title = "Iface", .min = 5, .max = 16, .prio = 4, .sort = SP_SORT_TEXT },
    { .title = "State", .min = 9, .max = 11, .prio = 0, .sort = SP_SORT_TEXT },
};
#define NCOLS (sizeof hosts_cols / sizeof hosts_cols[0])

static int sum_used(const int *w)
{
    int used = -1;
    for (size_t i = 0; i < NCOLS; i++)
        if (w[i])
            used += w[i] + 1;
    return used;
}

static void test_widths_at_common_sizes(void **state)
{
    (void)state;
    const int want[NCOLS] = { 13, 17, 28, 20, 6, 9 };
    int w[NCOLS];
    static const int sizes[] = { 80, 100, 150, 250 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int used = sp_columns_fit(hosts_cols, NCOLS, want, sizes[s], w);
        assert_int_equal(used, sum_used(w));
        assert_true(used <= sizes[s]);
        /* What must stay stays, at least at its minimum. */
        assert_true(w[0] >= 15);
        assert_true(w[5] >= 9);
        for (size_t i = 0; i < NCOLS; i++)
            if (w[i]) {
                assert_true(w[i] >= hosts_cols[i].min);
                if (hosts_cols[i].max)
                    assert_true(w[i] <= hosts_cols[i].max);
            }
    }
    /* 80: every minimum fits (65 with the gaps), and the room goes to
     * content in order of importance: the name (prio 1) gets all it needs,
     * the vendor (prio 3) would be cut, so the interface (prio 4) gives way
     * to it rather than sit there at its minimum. */
    sp_columns_fit(hosts_cols, NCOLS, want, 80, w);
    assert_int_equal(w[3], 20);
    assert_int_equal(w[1], 17);
    assert_int_equal(w[4], 0);
    assert_int_equal(w[2], 80 - 15 - 17 - 20 - 9 - 4);
    /* 60: the name would be cut, so the vendor and then the MAC give way
     * and the name takes the room. */
    sp_columns_fit(hosts_cols, NCOLS, want, 60, w);
    assert_int_equal(w[4], 0);
    assert_int_equal(w[2], 0);
    assert_int_equal(w[1], 0);
    assert_int_equal(w[3], 60 - 15 - 9 - 2);
    /* 50: the same three columns, narrower. */
    sp_columns_fit(hosts_cols, NCOLS, want, 50, w);
    assert_int_equal(w[2], 0);
    assert_int_equal(w[1], 0);
    assert_int_equal(w[3], 50 - 15 - 9 - 2);
    /* 100: all fit at their content; nothing is left over for the name. */
    sp_columns_fit(hosts_cols, NCOLS, want, 100, w);
    assert_int_equal(w[2], 28);
    assert_int_equal(w[4], 6);
    assert_int_equal(w[3], 20);
    /* 150 and 250: the spare room goes to the grow column, not to a vendor
     * already at its content. */
    sp_columns_fit(hosts_cols, NCOLS, want, 150, w);
    assert_int_equal(w[2], 28);
    assert_int_equal(w[3], 70);
    assert_int_equal(sum_used(w), 150);
    sp_columns_fit(hosts_cols, NCOLS, want, 250, w);
    assert_int_equal(w[3], 170);
    /* Far too narrow: only the columns that never give way are left. */
    sp_columns_fit(hosts_cols, NCOLS, want, 20, w);
    assert_int_equal(w[1] + w[2] + w[3] + w[4], 0);
    assert_int_equal(w[0], 15);
    assert_int_equal(w[5], 9);
}

static const sp_column two_cols[] = {
    { .title = "Name", .min = 4, .grow = true, .sort = SP_SORT_TEXT },
    { .title = "N", .min = 3, .right = true, .sort = SP_SORT_NUM, .desc = true },
};

/* Rows "name<k>" with number k for each key in keys[]. */
static void feed(sp_table *t, const uint64_t *keys, size_t n, size_t total)
{
    sp_table_begin(t, total);
    for (size_t i = 0; i < n; i++) {
        sp_table_row(t, keys[i]);
        sp_table_cellf(t, 0, 0, "name%02llu", (unsigned long long)keys[i]);
        sp_table_cellf(t, (int64_t)keys[i], 0, "%llu", (unsigned long long)keys[i]);
    }
    sp_table_commit(t);
}

static uint64_t sel_key(const sp_table *t)
{
    uint64_t k = 0;
    assert_true(sp_table_selected(t, &k));
    return k;
}

static void test_selection_follows_its_row(void **state)
{
    (void)state;
    sp_table *t = sp_table_new(two_cols, 2, -1, false);
    sp_table_place(t, 0, 1, 5, 40);
    const uint64_t a[] = { 1, 2, 3, 4, 5, 6 };
    feed(t, a, 6, 6);
    assert_int_equal(sp_table_count(t), 6);
    sp_table_nav(t, SP_NAV_DOWN);
    sp_table_nav(t, SP_NAV_DOWN);
    assert_int_equal(sel_key(t), 3);
    /* An update puts new rows ahead of it: it stays on key 3. */
    const uint64_t b[] = { 9, 8, 1, 2, 3, 4, 5, 6 };
    feed(t, b, 8, 8);
    assert_int_equal(sel_key(t), 3);
    assert_int_equal(sp_table_sel(t), 4);
    /* Sorting moves the row; the selection goes with it. */
    sp_table_sort(t, 1, true);
    assert_int_equal(sel_key(t), 3);
    assert_int_equal(sp_table_row_key(t, 0), 9);
    /* A filter that keeps it keeps it; one that hides it hands the
     * selection to the row now at its place. */
    const uint64_t c[] = { 3, 5 };
    feed(t, c, 2, 8);
    assert_int_equal(sel_key(t), 3);
    const uint64_t d[] = { 1, 2, 4, 5, 6, 8, 9 };
    feed(t, d, 7, 8);
    size_t at = sp_table_sel(t);
    assert_true(at < 7);
    /* Deletion of the selected row: its neighbour takes over. */
    sp_table_select_key(t, 4);
    at = sp_table_sel(t);
    const uint64_t e[] = { 1, 2, 5, 6, 8, 9 };
    feed(t, e, 6, 6);
    assert_int_equal(sp_table_sel(t), at);
    assert_int_not_equal(sel_key(t), 4);
    /* Every row gone, then back. */
    feed(t, NULL, 0, 0);
    uint64_t k;
    assert_false(sp_table_selected(t, &k));
    feed(t, a, 6, 6);
    assert_true(sp_table_selected(t, &k));
    sp_table_free(t);
}

static void test_unchosen_selection_stays_on_top(void **state)
{
    (void)state;
    /* Sorted by the count, descending: a row that gains a count moves to
     * the top. Nobody chose a row yet, so the view shows the top. */
    sp_table *t = sp_table_new(two_cols, 2, 1, true);
    const uint64_t a[] = { 1, 2, 3 };
    feed(t, a, 3, 3);
    assert_int_equal(sp_table_row_key(t, 0), 3);
    const uint64_t b[] = { 1, 2, 3, 9 };
    feed(t, b, 4, 4);
    assert_int_equal(sp_table_row_key(t, 0), 9);
    assert_int_equal(sp_table_sel(t), 0);
    assert_int_equal(sp_table_view(t)->top, 0);
    assert_int_equal(sel_key(t), 9);
    /* Once a row is chosen, the selection follows it. */
    sp_table_nav(t, SP_NAV_DOWN);
    const uint64_t c[] = { 1, 2, 3, 9, 12 };
    feed(t, c, 5, 5);
    assert_int_equal(sel_key(t), 3);
    sp_table_free(t);
}

static void test_sort_keys(void **state)
{
    (void)state;
    sp_table *t = sp_table_new(two_cols, 2, 0, false);
    const uint64_t a[] = { 3, 1, 2 };
    feed(t, a, 3, 3);
    assert_int_equal(sp_table_row_key(t, 0), 1);
    /* Invert, then move to the next sortable column with its own first
     * direction (descending for the count). */
    sp_table_sort_invert(t);
    assert_int_equal(sp_table_row_key(t, 0), 3);
    sp_table_sort_move(t, 1);
    assert_int_equal(sp_table_sort_col(t), 1);
    assert_true(sp_table_sort_desc(t));
    assert_int_equal(sp_table_row_key(t, 0), 3);
    sp_table_sort_move(t, 1);
    assert_int_equal(sp_table_sort_col(t), 0);
    sp_table_sort_move(t, -1);
    assert_int_equal(sp_table_sort_col(t), 1);
    /* A click on the sorted header inverts it. */
    sp_table_sort_click(t, 1);
    assert_false(sp_table_sort_desc(t));
    assert_int_equal(sp_table_row_key(t, 0), 1);
    /* Sorting from the top shows the top of the new order. */
    sp_table_select_row(t, 0);
    sp_table_sort(t, 1, true);
    assert_int_equal(sp_table_sel(t), 0);
    assert_int_equal(sel_key(t), 3);
    assert_int_equal(sp_table_find_column(t, "n"), 1);
    assert_int_equal(sp_table_find_column(t, "nope"), -1);
    sp_table_free(t);
}

static void test_freeze_shows_a_snapshot(void **state)
{
    (void)state;
    sp_table *t = sp_table_new(two_cols, 2, -1, false);
    const uint64_t a[] = { 1, 2, 3 };
    feed(t, a, 3, 3);
    sp_table_freeze(t, true);
    char buf[64];
    snprintf(buf, sizeof buf, "gone");
    /* The pane's data changes under the freeze: the shown text does not. */
    sp_table_begin(t, 1);
    sp_table_row(t, 7);
    sp_table_cell(t, buf, (size_t)-1, 0, 0);
    sp_table_commit(t);
    memset(buf, 'x', 4);
    const uint64_t b[] = { 2 };
    feed(t, b, 1, 1);
    assert_int_equal(sp_table_pending(t), 2);
    assert_int_equal(sp_table_count(t), 3);
    size_t len;
    assert_string_equal(sp_table_text(t, 0, 0, &len), "name01");
    sp_table_select_key(t, 2);
    /* Thawed: the newest generation, the selection still on its key. */
    sp_table_freeze(t, false);
    assert_int_equal(sp_table_pending(t), 0);
    assert_int_equal(sp_table_count(t), 1);
    assert_int_equal(sel_key(t), 2);
    sp_table_free(t);
}

static void test_search_and_count(void **state)
{
    (void)state;
    sp_table *t = sp_table_new(two_cols, 2, -1, false);
    sp_table_place(t, 0, 1, 3, 30);
    const uint64_t a[] = { 10, 11, 12, 13, 14, 15, 20 };
    feed(t, a, 7, 50);
    assert_true(sp_table_search(t, "NAME1", 1));
    assert_int_equal(sel_key(t), 11);
    assert_true(sp_table_search(t, "name1", -1));
    assert_int_equal(sel_key(t), 10);
    assert_true(sp_table_search(t, "name1", -1)); /* wraps around */
    assert_int_equal(sel_key(t), 15);
    assert_true(sp_table_search(t, "20", 1));
    assert_int_equal(sel_key(t), 20);
    assert_false(sp_table_search(t, "nothing", 1));
    assert_int_equal(sel_key(t), 20);
    assert_int_equal(sp_table_count(t), 7); /* nothing hidden by a search */
    char line[64];
    sp_table_count_text(t, line, sizeof line);
    assert_string_equal(line, "3 of 50 shown \xc2\xb7 7 match");
    feed(t, a, 3, 3);
    sp_table_count_text(t, line, sizeof line);
    assert_string_equal(line, "");
    sp_table_free(t);
}

static void test_clicks(void **state)
{
    (void)state;
    sp_table *t = sp_table_new(two_cols, 2, -1, false);
    const uint64_t a[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    feed(t, a, 8, 8);
    /* Header on row 2, four rows from row 3, a count line on row 7. */
    sp_table_place(t, 2, 3, 4, 20);
    const int *w = sp_table_widths(t);
    assert_int_equal(w[0] + 1 + w[1], 20);
    size_t row;
    int col;
    assert_int_equal(sp_table_hit(t, 2, 0, &row, &col), SP_HIT_HEADER);
    assert_int_equal(col, 0);
    assert_int_equal(sp_table_hit(t, 2, 19, &row, &col), SP_HIT_HEADER);
    assert_int_equal(col, 1);
    assert_int_equal(sp_table_click(t, 2, 19), SP_HIT_HEADER);
    assert_int_equal(sp_table_sort_col(t), 1);
    assert_int_equal(sp_table_row_key(t, 0), 8);
    /* Rows map through the scroll position; the count line and what is
     * below the rows select nothing. */
    assert_int_equal(sp_table_click(t, 4, 1), SP_HIT_ROW);
    assert_int_equal(sel_key(t), 7);
    assert_int_equal(sp_table_hit(t, 7, 1, &row, &col), SP_HIT_NONE);
    assert_int_equal(sp_table_hit(t, 1, 1, &row, &col), SP_HIT_NONE);
    sp_table_nav(t, SP_NAV_END);
    assert_int_equal(sp_table_click(t, 3, 1), SP_HIT_ROW);
    assert_int_equal(sel_key(t), 4);
    /* The wheel moves the view; the selection stays while it is visible. */
    sp_table_nav(t, SP_NAV_HOME);
    assert_true(sp_table_scroll(t, 2));
    assert_int_equal(sp_table_view(t)->top, 2);
    assert_int_equal(sp_table_sel(t), 2);
    assert_true(sp_table_scroll(t, 100));
    assert_int_equal(sp_table_view(t)->top, 4);
    assert_false(sp_table_scroll(t, 1));
    sp_table_free(t);
}

static void test_short_and_extra_cells(void **state)
{
    (void)state;
    sp_table *t = sp_table_new(two_cols, 2, -1, false);
    sp_table_begin(t, 2);
    sp_table_row(t, 1);
    sp_table_cell(t, "only", (size_t)-1, 0, 0);
    sp_table_row(t, 2);
    sp_table_cell(t, "a", (size_t)-1, 0, 0);
    sp_table_cell(t, "b", (size_t)-1, 0, 3);
    sp_table_cell(t, "extra", (size_t)-1, 0, 0);
    sp_table_commit(t);
    size_t len;
    assert_string_equal(sp_table_text(t, 0, 1, &len), "");
    assert_string_equal(sp_table_text(t, 1, 1, &len), "b");
    assert_int_equal(sp_table_style(t, 1, 1), 3);
    assert_string_equal(sp_table_text(t, 5, 0, &len), "");
    assert_int_equal(sp_table_want(t, 0), 5); /* "Name" and room for the sort marker */
    sp_table_free(t);
}

/* A column the pane has nothing for takes no room and is not sorted on. */
static void test_hidden_column(void **state)
{
    (void)state;
    sp_table *t = sp_table_new(two_cols, 2, 1, true);
    const uint64_t a[] = { 3, 1, 2 };
    feed(t, a, 3, 3);
    sp_table_show_column(t, 1, false);
    assert_int_equal(sp_table_sort_col(t), 0);
    sp_table_place(t, 0, 1, 5, 40);
    assert_int_equal(sp_table_widths(t)[1], 0);
    assert_int_equal(sp_table_column_x(t, 1), -1);
    sp_table_sort_move(t, 1);
    assert_int_equal(sp_table_sort_col(t), 0);
    sp_table_show_column(t, 1, true);
    sp_table_place(t, 0, 1, 5, 40);
    assert_true(sp_table_widths(t)[1] > 0);
    sp_table_free(t);
}

/* A table whose rows the test keeps: 1,000 rows "name<k>" with number
 * k % 7; cells are asked for only for the rows placed on screen (and for a
 * row read or searched), sort keys once per row and sort. */
typedef struct kept {
    char names[1000][16];
    int64_t nums[1000];
    size_t fills, sort_keys;
} kept;

static void kept_fill(void *ud, sp_table *t, size_t ref)
{
    kept *k = ud;
    k->fills++;
    sp_table_cell(t, k->names[ref], (size_t)-1, 0, 0);
    sp_table_cellf(t, k->nums[ref], 0, "%lld", (long long)k->nums[ref]);
}

static int64_t kept_sort_key(void *ud, size_t ref, size_t col, char *buf, size_t len)
{
    kept *k = ud;
    k->sort_keys++;
    if (col == 0)
        snprintf(buf, len, "%s", k->names[ref]);
    return k->nums[ref];
}

static void test_rows_kept_by_the_pane(void **state)
{
    (void)state;
    static kept k;
    memset(&k, 0, sizeof k);
    sp_table *t = sp_table_new(two_cols, 2, 1, true);
    sp_table_set_source(t, &(sp_table_source){ kept_fill, kept_sort_key, &k });
    sp_table_begin(t, 1000);
    for (size_t i = 0; i < 1000; i++) {
        snprintf(k.names[i], sizeof k.names[i], "name%04zu", i);
        k.nums[i] = (int64_t)(i % 7);
        sp_table_row_ref(t, 5000 + i, i);
    }
    sp_table_commit(t);
    assert_int_equal(sp_table_count(t), 1000);
    assert_int_equal(k.fills, 0);
    assert_int_equal(k.sort_keys, 1000);
    /* Descending by number; equal numbers keep the pane's order. */
    assert_int_equal(sp_table_row_key(t, 0), 5006);
    assert_int_equal(sp_table_row_key(t, 1), 5013);
    /* Placing 20 rows fills those 20, once; the widths follow them. */
    sp_table_place(t, 0, 1, 20, 40);
    sp_table_place(t, 0, 1, 20, 40);
    assert_int_equal(k.fills, 20);
    assert_int_equal(sp_table_want(t, 0), 8);
    size_t len;
    assert_string_equal(sp_table_text(t, 0, 0, &len), "name0006");
    assert_string_equal(sp_table_text(t, 19, 1, &len), "6");
    assert_int_equal(k.fills, 20);
    /* A row off the screen is filled on its own. */
    assert_string_equal(sp_table_text(t, 999, 0, &len), "name0994");
    assert_int_equal(k.fills, 21);
    /* The selection follows its key through a new generation and a sort
     * by text. */
    sp_table_nav(t, SP_NAV_PGDN);
    sp_table_place(t, 0, 1, 20, 40);
    uint64_t key = sel_key(t);
    k.nums[key - 5000] = 100;
    sp_table_begin(t, 1000);
    for (size_t i = 0; i < 1000; i++)
        sp_table_row_ref(t, 5000 + i, i);
    sp_table_commit(t);
    assert_int_equal(sel_key(t), key);
    assert_int_equal(sp_table_sel(t), 0);
    sp_table_select_row(t, 3);
    key = sel_key(t);
    sp_table_sort(t, 0, false);
    assert_int_equal(sp_table_row_key(t, 0), 5000);
    assert_int_equal(sel_key(t), key);
    /* Search asks for cells, finds the row and selects it. */
    assert_true(sp_table_search(t, "name0500", 1));
    assert_int_equal(sel_key(t), 5500);
    /* Frozen, the pane holds its data and counts what it held back. */
    sp_table_freeze(t, true);
    sp_table_defer(t);
    sp_table_defer(t);
    assert_int_equal(sp_table_pending(t), 2);
    sp_table_freeze(t, false);
    assert_int_equal(sp_table_pending(t), 0);
    sp_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths_at_common_sizes),
        cmocka_unit_test(test_selection_follows_its_row),
        cmocka_unit_test(test_unchosen_selection_stays_on_top),
        cmocka_unit_test(test_sort_keys),
        cmocka_unit_test(test_freeze_shows_a_snapshot),
        cmocka_unit_test(test_search_and_count),
        cmocka_unit_test(test_clicks),
        cmocka_unit_test(test_short_and_extra_cells),
        cmocka_unit_test(test_rows_kept_by_the_pane),
        cmocka_unit_test(test_hidden_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The string set: adding, finding, changing and removing keys, checked
 * against a plain array through many random operations, in a small table
 * (so probes wrap around its end) and a large one (so it grows). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/strset.h"

static void test_basics(void **state)
{
    (void)state;
    sp_strset s;
    sp_strset_init(&s);
    size_t v = 99;
    assert_false(sp_strset_find(&s, "a.example", &v));
    assert_false(sp_strset_remove(&s, "a.example"));
    assert_false(sp_strset_set(&s, "a.example", 1));
    assert_true(sp_strset_add(&s, "a.example", 1));
    assert_true(sp_strset_add(&s, "b.example", 2));
    assert_true(sp_strset_add(&s, "", 3));
    assert_false(sp_strset_add(&s, "a.example", 7)); /* the first value stays */
    assert_int_equal(sp_strset_count(&s), 3);
    assert_true(sp_strset_find(&s, "a.example", &v));
    assert_int_equal(v, 1);
    assert_true(sp_strset_find(&s, "", NULL));
    assert_false(sp_strset_find(&s, "A.example", NULL));
    assert_true(sp_strset_set(&s, "b.example", 20));
    assert_true(sp_strset_find(&s, "b.example", &v));
    assert_int_equal(v, 20);
    assert_true(sp_strset_remove(&s, "a.example"));
    assert_false(sp_strset_find(&s, "a.example", NULL));
    assert_false(sp_strset_remove(&s, "a.example"));
    assert_int_equal(sp_strset_count(&s), 2);
    assert_true(sp_strset_add(&s, "a.example", 5));
    assert_true(sp_strset_find(&s, "a.example", &v));
    assert_int_equal(v, 5);
    sp_strset_free(&s);
    assert_int_equal(sp_strset_count(&s), 0);
    assert_false(sp_strset_find(&s, "b.example", NULL));
    sp_strset_free(&s); /* freeing twice is harmless */
}

/* Random adds, changes and removals over `keys` names; after each, the set
 * and the array agree on every name. */
static void against_model(size_t keys, size_t ops, unsigned seed)
{
    sp_strset s;
    sp_strset_init(&s);
    size_t *model = malloc(keys * sizeof *model); /* SIZE_MAX: not in */
    assert_non_null(model);
    for (size_t k = 0; k < keys; k++)
        model[k] = SIZE_MAX;
    size_t in = 0;
    srand(seed);
    char key[32];
    for (size_t op = 0; op < ops; op++) {
        size_t k = (size_t)rand() % keys;
        snprintf(key, sizeof key, "n%zu.test", k);
        switch (rand() % 3) {
        case 0:
            assert_int_equal(sp_strset_add(&s, key, op), model[k] == SIZE_MAX);
            if (model[k] == SIZE_MAX) {
                model[k] = op;
                in++;
            }
            break;
        case 1:
            assert_int_equal(sp_strset_set(&s, key, op), model[k] != SIZE_MAX);
            if (model[k] != SIZE_MAX)
                model[k] = op;
            break;
        default:
            assert_int_equal(sp_strset_remove(&s, key), model[k] != SIZE_MAX);
            if (model[k] != SIZE_MAX) {
                model[k] = SIZE_MAX;
                in--;
            }
        }
        assert_int_equal(sp_strset_count(&s), in);
        if (keys <= 64 || op % 1000 == 0) {
            for (size_t j = 0; j < keys; j++) {
                snprintf(key, sizeof key, "n%zu.test", j);
                size_t v = SIZE_MAX;
                assert_int_equal(sp_strset_find(&s, key, &v), model[j] != SIZE_MAX);
                assert_int_equal(v, model[j]);
            }
        }
    }
    free(model);
    sp_strset_free(&s);
}

static void test_small_table(void **state)
{
    (void)state;
    against_model(12, 50000, 1);
}

static void test_large_table(void **state)
{
    (void)state;
    against_model(20000, 200000, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basics),
        cmocka_unit_test(test_small_table),
        cmocka_unit_test(test_large_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Whole-file reads: exact sizes, /proc files that report size 0, the size
 * limit, the tail of a long log, and FIFOs refused without blocking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockpit/core/readfile.h"

static char dir[64];

static const char *write_file(const char *name, const char *data, size_t n)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

static void test_exact_and_limits(void **state)
{
    (void)state;
    char *buf;
    size_t len, skipped;
    const char *p = write_file("ten", "0123456789", 10);
    assert_int_equal(sp_read_file(AT_FDCWD, p, 10, 0, &buf, &len, NULL), 0);
    assert_int_equal(len, 10);
    assert_string_equal(buf, "0123456789");
    free(buf);
    assert_int_equal(sp_read_file(AT_FDCWD, p, 9, 0, &buf, &len, NULL), -1);
    assert_int_equal(errno, EFBIG);
    assert_null(buf);
    assert_int_equal(sp_read_file(AT_FDCWD, p, 4, SP_READ_TAIL, &buf, &len, &skipped), 0);
    assert_string_equal(buf, "6789");
    assert_int_equal(skipped, 6);
    free(buf);
    p = write_file("empty", "", 0);
    assert_int_equal(sp_read_file(AT_FDCWD, p, 10, SP_READ_REGULAR, &buf, &len, NULL), 0);
    assert_int_equal(len, 0);
    assert_string_equal(buf, "");
    free(buf);
    assert_int_equal(sp_read_file(AT_FDCWD, "/nonexistent/x", 10, 0, &buf, &len, NULL), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_proc_files_have_no_size(void **state)
{
    (void)state;
    char *buf;
    size_t len;
    assert_int_equal(sp_read_file(AT_FDCWD, "/proc/self/status", 1 << 20, SP_READ_REGULAR, &buf, &len, NULL), 0);
    assert_true(len > 100);
    assert_non_null(strstr(buf, "Name:"));
    free(buf);
    /* No size to check up front: the limit is found while reading. */
    assert_int_equal(sp_read_file(AT_FDCWD, "/proc/self/status", 10, 0, &buf, &len, NULL), -1);
    assert_int_equal(errno, EFBIG);
}

static void test_fifo_refused_without_blocking(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    char *buf;
    size_t len;
    /* Without O_NONBLOCK this open would wait for a writer forever. */
    assert_int_equal(sp_read_file(AT_FDCWD, path, 100, SP_READ_REGULAR, &buf, &len, NULL), -1);
    assert_int_equal(errno, EINVAL);
    unlink(path);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sp-readfile-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_and_limits),
        cmocka_unit_test(test_proc_files_have_no_size),
        cmocka_unit_test(test_fifo_refused_without_blocking),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? rc : 1;
}

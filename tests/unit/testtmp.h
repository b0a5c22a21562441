/* For tests: removing a temporary directory and everything in it, without
 * a shell. (Included by the unit tests that need it.) */
#ifndef SOCKPIT_TESTTMP_H
#define SOCKPIT_TESTTMP_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int test_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void test_rm_rf(const char *dir)
{
    assert_int_equal(nftw(dir, test_rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif

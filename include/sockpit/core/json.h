/* JSON Lines output for the batch commands. Strings from outside are written
 * as valid JSON whatever their bytes (invalid UTF-8 becomes U+FFFD). */
#ifndef SOCKPIT_JSON_H
#define SOCKPIT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct sp_json {
    FILE *out;
    bool need_comma; /* a value was written at the current level */
} sp_json;

void sp_json_begin(sp_json *j, FILE *out);          /* starts an object line */
void sp_json_end(sp_json *j);                         /* closes it, newline */
void sp_json_key(sp_json *j, const char *key);
void sp_json_str(sp_json *j, const char *key, const char *s);  /* s NULL: null */
void sp_json_strn(sp_json *j, const char *key, const char *s, size_t len);
void sp_json_int(sp_json *j, const char *key, long long v);
void sp_json_num(sp_json *j, const char *key, double v, int decimals);
void sp_json_bool(sp_json *j, const char *key, bool v);
void sp_json_null(sp_json *j, const char *key);
/* Arrays of strings: open, add values, close. */
void sp_json_array_begin(sp_json *j, const char *key);
void sp_json_array_str(sp_json *j, const char *s);
void sp_json_array_end(sp_json *j);
/* An object as an array's element: open, add keys, close. */
void sp_json_array_obj_begin(sp_json *j);
void sp_json_array_obj_end(sp_json *j);
/* A string value escaped for JSON, without key handling. */
void sp_json_write_string(FILE *out, const char *s, size_t len);

#endif

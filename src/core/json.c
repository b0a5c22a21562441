/* JSON Lines writer: one flat object per line, strings always valid JSON. */
#include "sockpit/core/json.h"

#include <math.h>
#include <string.h>

#include "sockpit/core/safetext.h"

void sp_json_write_string(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = sp_utf8_decode(s + i, len - i, &cp);
        if (cp == '"' || cp == '\\') {
            fputc('\\', out);
            fputc((int)cp, out);
        } else if (cp == '\n') {
            fputs("\\n", out);
        } else if (cp == '\t') {
            fputs("\\t", out);
        } else if (cp == '\r') {
            fputs("\\r", out);
        } else if (cp >= 0x10000 && sp_cp_needs_escape(cp)) {
            /* JSON spells a code point past the BMP as a surrogate pair. */
            uint32_t v = cp - 0x10000;
            fprintf(out, "\\u%04x\\u%04x", 0xd800u + (unsigned)(v >> 10), 0xdc00u + (unsigned)(v & 0x3ff));
        } else if (sp_cp_needs_escape(cp)) {
            /* The same characters the terminal output escapes, so `--json`
             * shown raw is as safe as the plain output. */
            fprintf(out, "\\u%04x", (unsigned)cp);
        } else if (cp == 0xFFFD) {
            fputs("\xef\xbf\xbd", out);
        } else {
            fwrite(s + i, 1, n, out);
        }
        i += n;
    }
    fputc('"', out);
}

static void sep(sp_json *j)
{
    if (j->need_comma)
        fputc(',', j->out);
    j->need_comma = true;
}

void sp_json_begin(sp_json *j, FILE *out)
{
    j->out = out;
    j->need_comma = false;
    fputc('{', out);
}

void sp_json_end(sp_json *j)
{
    fputs("}\n", j->out);
    j->need_comma = false;
}

void sp_json_key(sp_json *j, const char *key)
{
    sep(j);
    sp_json_write_string(j->out, key, strlen(key));
    fputc(':', j->out);
}

void sp_json_strn(sp_json *j, const char *key, const char *s, size_t len)
{
    sp_json_key(j, key);
    sp_json_write_string(j->out, s, len);
}

void sp_json_str(sp_json *j, const char *key, const char *s)
{
    if (!s) {
        sp_json_null(j, key);
        return;
    }
    sp_json_strn(j, key, s, strlen(s));
}

void sp_json_int(sp_json *j, const char *key, long long v)
{
    sp_json_key(j, key);
    fprintf(j->out, "%lld", v);
}

void sp_json_num(sp_json *j, const char *key, double v, int decimals)
{
    sp_json_key(j, key);
    if (isfinite(v))
        fprintf(j->out, "%.*f", decimals, v);
    else
        fputs("null", j->out);
}

void sp_json_bool(sp_json *j, const char *key, bool v)
{
    sp_json_key(j, key);
    fputs(v ? "true" : "false", j->out);
}

void sp_json_null(sp_json *j, const char *key)
{
    sp_json_key(j, key);
    fputs("null", j->out);
}

void sp_json_array_begin(sp_json *j, const char *key)
{
    sp_json_key(j, key);
    fputc('[', j->out);
    j->need_comma = false;
}

void sp_json_array_str(sp_json *j, const char *s)
{
    sep(j);
    sp_json_write_string(j->out, s, strlen(s));
}

void sp_json_array_end(sp_json *j)
{
    fputc(']', j->out);
    j->need_comma = true;
}

void sp_json_array_obj_begin(sp_json *j)
{
    sep(j);
    fputc('{', j->out);
    j->need_comma = false;
}

void sp_json_array_obj_end(sp_json *j)
{
    fputc('}', j->out);
    j->need_comma = true;
}

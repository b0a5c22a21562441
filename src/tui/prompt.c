/* The status line's prompt and y/n question. */
#include "sockpit/tui/prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockpit/core/mem.h"
#include "sockpit/core/safetext.h"

void sp_prompt_init(sp_prompt *pr)
{
    memset(pr, 0, sizeof *pr);
    sp_lineedit_init(&pr->edit, 1024, 50);
}

void sp_prompt_free(sp_prompt *pr) { sp_lineedit_free(&pr->edit); }

void sp_prompt_open(sp_prompt *pr, const char *label, const char *initial, const sp_prompt_cbs *cbs, void *ud)
{
    pr->confirm_on = false;
    pr->line_on = true;
    snprintf(pr->label, sizeof pr->label, "%s", label);
    sp_lineedit_set(&pr->edit, initial ? initial : "");
    pr->cbs = cbs ? *cbs : (sp_prompt_cbs){ 0 };
    pr->ud = ud;
}

void sp_prompt_ask(sp_prompt *pr, const char *question, void (*yes)(void *ud), void *ud)
{
    pr->line_on = false;
    pr->confirm_on = true;
    snprintf(pr->question, sizeof pr->question, "%s", question);
    pr->yes = yes;
    pr->yes_ud = ud;
}

void sp_prompt_dismiss(sp_prompt *pr)
{
    if (pr->line_on) {
        sp_prompt_cbs cbs = pr->cbs;
        void *ud = pr->ud;
        pr->line_on = false;
        if (cbs.on_cancel)
            cbs.on_cancel(ud);
    }
    pr->confirm_on = false;
}

static sp_prompt_result line_key(sp_prompt *pr, const sp_key *k)
{
    if (!k->fn && (k->code == '\r' || k->code == '\n' || k->code == SP_KEY_ESC)) {
        /* Copies: the callback may open the next prompt over this one. */
        sp_prompt_cbs cbs = pr->cbs;
        void *ud = pr->ud;
        char *text = sp_xstrdup(pr->edit.buf);
        if (k->code != SP_KEY_ESC)
            sp_lineedit_remember(&pr->edit, text);
        pr->line_on = false;
        if (k->code == SP_KEY_ESC) {
            if (cbs.on_cancel)
                cbs.on_cancel(ud);
        } else if (cbs.on_submit) {
            cbs.on_submit(ud, text);
        }
        free(text);
        return SP_PROMPT_CLOSED;
    }
    if (k->fn && k->code == KEY_ENTER) {
        sp_key enter = { .code = '\r' };
        return line_key(pr, &enter);
    }
    sp_edit_op op;
    uint32_t cp;
    if (sp_key_edit(k, &op, &cp) && sp_lineedit_apply(&pr->edit, op, cp)) {
        if (pr->cbs.on_change)
            pr->cbs.on_change(pr->ud, pr->edit.buf);
        return SP_PROMPT_EDITED;
    }
    return SP_PROMPT_UNUSED;
}

sp_prompt_result sp_prompt_key(sp_prompt *pr, const sp_key *k)
{
    if (pr->confirm_on) {
        pr->confirm_on = false;
        if (!k->fn && (k->code == 'y' || k->code == 'Y')) {
            pr->yes(pr->yes_ud);
            return SP_PROMPT_YES;
        }
        return SP_PROMPT_NO;
    }
    return pr->line_on ? line_key(pr, k) : SP_PROMPT_UNUSED;
}

bool sp_prompt_draw(const sp_prompt *pr, WINDOW *w, int cols)
{
    if (pr->line_on) {
        int x = ui_text(w, 0, 0, cols, pr->label, (size_t)-1, A_BOLD, false);
        x += ui_text(w, 0, x, cols - x, " ", 1, A_NORMAL, false);
        /* Scroll the field so the cursor stays visible. */
        int avail = cols - x - 1;
        size_t ccol = sp_lineedit_cursor_col(&pr->edit);
        size_t skip = 0;
        const char *text = pr->edit.buf;
        while (avail > 0 && ccol - sp_text_width(text, skip) >= (size_t)avail && skip < pr->edit.cursor) {
            uint32_t cp;
            skip += sp_utf8_decode(text + skip, pr->edit.len - skip, &cp);
        }
        ui_text(w, 0, x, avail, text + skip, pr->edit.len - skip, A_NORMAL, false);
        int cx = x + (int)(ccol - sp_text_width(text, skip));
        wmove(w, 0, cx < cols ? cx : cols - 1);
        return true;
    }
    if (pr->confirm_on) {
        int x = ui_text(w, 0, 0, cols, pr->question, (size_t)-1, ui_attr(SP_STYLE_WARN), false);
        ui_text(w, 0, x, cols - x, " (y/n)", (size_t)-1, A_BOLD, false);
        return true;
    }
    return false;
}

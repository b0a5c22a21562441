/* The shell's side of the prompts in the status line: a one-line prompt with
 * the line editor, or a y/n question; at most one is open. Panes open them
 * with sp_app_prompt and sp_app_confirm (app.h). */
#ifndef SOCKPIT_PROMPT_H
#define SOCKPIT_PROMPT_H

#include <stdbool.h>

#include "sockpit/tui/app.h"
#include "sockpit/tui/keys.h"
#include "sockpit/tui/lineedit.h"
#include "sockpit/tui/ui.h"

/* Read line_on and confirm_on; change the rest through the functions. */
typedef struct sp_prompt {
    bool line_on;
    char label[128];
    sp_lineedit edit;
    sp_prompt_cbs cbs;
    void *ud;

    bool confirm_on;
    char question[256];
    void (*yes)(void *ud);
    void *yes_ud;
} sp_prompt;

/* What a key did to the open prompt or question. */
typedef enum sp_prompt_result {
    SP_PROMPT_UNUSED,  /* nothing */
    SP_PROMPT_EDITED,  /* the text or cursor moved (on_change ran) */
    SP_PROMPT_CLOSED,  /* Enter or Esc closed the prompt (on_submit or on_cancel ran) */
    SP_PROMPT_YES,     /* y answered the question (yes ran) */
    SP_PROMPT_NO,      /* another key dismissed the question */
} sp_prompt_result;

void sp_prompt_init(sp_prompt *pr);
void sp_prompt_free(sp_prompt *pr);
/* Opens a prompt, closing any question; as sp_app_prompt. */
void sp_prompt_open(sp_prompt *pr, const char *label, const char *initial, const sp_prompt_cbs *cbs, void *ud);
/* Asks a question, closing any prompt without its on_cancel; as sp_app_confirm. */
void sp_prompt_ask(sp_prompt *pr, const char *question, void (*yes)(void *ud), void *ud);
/* Closes what is open; a prompt's on_cancel runs. */
void sp_prompt_dismiss(sp_prompt *pr);
/* Gives k to the open prompt or question. */
sp_prompt_result sp_prompt_key(sp_prompt *pr, const sp_key *k);
/* Draws the open prompt (with the cursor placed in it) or question on row 0
 * of w, cols wide; returns false, drawing nothing, when neither is open. */
bool sp_prompt_draw(const sp_prompt *pr, WINDOW *w, int cols);

#endif

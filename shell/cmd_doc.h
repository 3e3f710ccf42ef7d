/* The command reference (doc/commands.md), generated from the command
 * table so it cannot drift: `rtxsh --commands` prints it and a test
 * compares it with the file. */
#ifndef RTX_SHELL_CMD_DOC_H
#define RTX_SHELL_CMD_DOC_H

#include <stdio.h>

void cmd_doc_print(FILE *out);

#endif

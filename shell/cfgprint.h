/* `show config` over the line store (order documented in cfgprint.c). */
#ifndef RTX_SHELL_CFGPRINT_H
#define RTX_SHELL_CFGPRINT_H

#include <stdio.h>

struct cfgstore;

/* tunnel_only: print just that tunnel's block (0: everything). */
void cfgprint(struct cfgstore *st, FILE *out, unsigned tunnel_only);

#endif

/* `tunnel template` expansion over the line store (see cfgtemplate.h). */
#include "shell/cfgtemplate.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "shell/cfgstore.h"
#include "shell/grammar.h"

/* Block lines that describe one tunnel and so are never copied. */
static bool per_tunnel(const struct cmd_row *r)
{
	static const char *const own[] = {
		"tunnel template", "description tunnel", "ip tunnel address",
		"ip tunnel remote address", "tunnel backup", NULL,
	};
	for (size_t i = 0; own[i]; i++)
		if (strcmp(r->setting, own[i]) == 0)
			return true;
	return false;
}

/* The value of an id-typed word of e (tunnel number, gateway, policy),
 * or 0 when word i is none. */
static unsigned long id_word(const struct cfg_entry *e, size_t i)
{
	const struct tok *t = &e->row->tok[e->tok[i]];
	bool id = t->kind == TK_GW || t->param == P_POLICY || t->param == P_TUNNEL ||
		  t->param == P_GATEWAY;
	if (!id || !isdigit((unsigned char)e->w[i][0]))
		return 0;
	return strtoul(e->w[i], NULL, 10);
}

/* The gateway a gateway-keyed global line belongs to, or 0. */
static unsigned long entry_gw(const struct cfg_entry *e)
{
	if (e->row->section != SEC_IPSEC)
		return 0;
	for (size_t i = 0; i < e->row->nkey && i < e->n; i++)
		if (e->row->tok[e->tok[i]].kind == TK_GW)
			return strtoul(e->w[i], NULL, 10);
	return 0;
}

/* How many leading words form e's key. */
static size_t key_words(const struct cfg_entry *e)
{
	if (e->row->flags & R_SEQ)
		return e->n;
	for (size_t k = e->row->nkey < e->n ? e->row->nkey : e->n; k > 0; k--) {
		char *j = words_join(e->w, k);
		bool same = j && strcmp(j, e->key) == 0;
		free(j);
		if (same)
			return k;
	}
	return e->n;
}

/* Stores e copied from tunnel src to tunnel dst, unless dst has its own. */
static int copy_entry(struct cfgstore *out, const struct cfgstore *st,
		      const struct cfg_entry *e, size_t nkeyw, unsigned src, unsigned dst)
{
	char **w = calloc(e->n + 1, sizeof(*w));
	char *key = NULL;
	int err = -RTX_ENOMEM;
	bool named = strcmp(e->row->setting, "ipsec ike remote name") == 0;
	if (!w)
		return err;
	for (size_t i = 0; i < e->n; i++) {
		const struct tok *t = &e->row->tok[e->tok[i]];
		int len = 0;
		if (id_word(e, i) == src)
			len = asprintf(&w[i], "%u", dst);
		else if (named && t->param == P_NAME)
			len = asprintf(&w[i], "%s%u", e->w[i], dst);
		else
			w[i] = strdup(e->w[i]);
		if (len < 0)
			w[i] = NULL;
		if (!w[i])
			goto out;
	}
	unsigned ctx = e->ctx == src ? dst : e->ctx;
	if (!(key = words_join(w, nkeyw)))
		goto out;
	err = 0;
	if (!cfgstore_find(st, e->row->setting, ctx, key))
		err = cfgstore_set(out, e->row, ctx, key, w, e->tok, e->n);
out:
	for (size_t i = 0; i < e->n; i++)
		free(w[i]);
	free(w);
	free(key);
	return err;
}

/* The lines tunnel src lends to its targets, in store order: its block,
 * its policy and that policy's gateway. */
static bool lent(const struct cfg_entry *e, unsigned src, const char *policy,
		 unsigned long gw)
{
	if (e->row->section == SEC_TUNNEL)
		return e->ctx == src && !per_tunnel(e->row);
	if (policy && strcmp(e->row->setting, "ipsec sa policy") == 0)
		return e->n > 3 && strcmp(e->w[3], policy) == 0;
	return gw && entry_gw(e) == gw;
}

static int expand_one(struct cfgstore *out, const struct cfgstore *st,
		      const struct cfg_entry *tpl)
{
	unsigned src = tpl->ctx;
	char key[48];
	const struct cfg_entry *tun = cfgstore_find(st, "ipsec tunnel", src, "ipsec tunnel");
	const char *policy = tun && tun->n >= 3 ? tun->w[2] : NULL;
	unsigned long gw = 0;
	if (policy) {
		snprintf(key, sizeof(key), "ipsec sa policy %s", policy);
		const struct cfg_entry *pol = cfgstore_find(st, "ipsec sa policy", 0, key);
		if (pol && pol->n >= 5)
			gw = strtoul(pol->w[4], NULL, 10);
	}
	/* What the source lends, gathered once: a template over thousands of
	 * tunnels stays linear in the store's size. */
	struct lend {
		const struct cfg_entry *e;
		size_t nkeyw;
	} *lend = calloc(cfgstore_count(st) + 1, sizeof(*lend));
	size_t n = 0;
	if (!lend)
		return -RTX_ENOMEM;
	for (const struct cfg_entry *e = cfgstore_first(st); e; e = e->next)
		if (lent(e, src, policy, gw))
			lend[n++] = (struct lend){ e, key_words(e) };
	int err = 0;
	for (size_t i = 2; i < tpl->n && !err; i++) {
		char *dash;
		unsigned long lo = strtoul(tpl->w[i], &dash, 10);
		unsigned long hi = *dash == '-' ? strtoul(dash + 1, NULL, 10) : lo;
		for (unsigned long dst = lo; dst <= hi && !err; dst++) {
			if (dst == src)
				continue;
			/* A target bound to a policy of its own keeps it: the
			 * source's policy and gateway would serve nothing. */
			bool own = cfgstore_find(st, "ipsec tunnel", (unsigned)dst, "ipsec tunnel");
			for (size_t j = 0; j < n && !err; j++)
				if (!own || lend[j].e->row->section == SEC_TUNNEL)
					err = copy_entry(out, st, lend[j].e, lend[j].nkeyw, src,
							 (unsigned)dst);
		}
	}
	free(lend);
	return err;
}

int cfgtemplate_expand(const struct cfgstore *st, struct cfgstore **out)
{
	const struct cfg_entry *e;
	*out = NULL;
	for (e = cfgstore_first(st); e; e = e->next)
		if (strcmp(e->row->setting, "tunnel template") == 0)
			break;
	if (!e)
		return 0;
	struct cfgstore *x = cfgstore_new();
	int err = x ? 0 : -RTX_ENOMEM;
	for (e = cfgstore_first(st); e && !err; e = e->next)
		err = cfgstore_set(x, e->row, e->ctx, e->key, e->w, e->tok, e->n);
	for (e = cfgstore_first(st); e && !err; e = e->next)
		if (strcmp(e->row->setting, "tunnel template") == 0 && e->ctx)
			err = expand_one(x, st, e);
	if (err) {
		cfgstore_free(x);
		return err;
	}
	*out = x;
	return 0;
}

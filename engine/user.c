/* The user table of `auth user` (see user.h). Users are found by id and
 * name through indexes; groups and their members are walked (a login
 * asks a few groups, of which the reference allows few). */
#include "engine/user.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/err.h"

static void wipe_str(char *s)
{
	if (s)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

static uint32_t id_hash(unsigned id)
{
	return pos_hash(POS_HASH0, &id, sizeof(id));
}

static uint32_t name_hash(const char *name)
{
	return name ? pos_hash(POS_HASH0, name, strlen(name)) : 0;
}

struct user_config *user_get(struct user_table **tp, unsigned id)
{
	struct user_table *t = *tp;
	if (!t && !(t = *tp = calloc(1, sizeof(*t))))
		return NULL;
	uint32_t h = id_hash(id);
	for (size_t i = pos_index_first(&t->by_id, h); i != POS_NONE;
	     i = pos_index_next(&t->by_id, i))
		if (t->users[i].id == id)
			return &t->users[i];
	if (pos_index_reserve(&t->by_id, t->n_users + 1) ||
	    pos_index_reserve(&t->by_name, t->n_users + 1))
		return NULL;
	struct user_config *u = realloc(t->users, (t->n_users + 1) * sizeof(*u));
	if (!u)
		return NULL;
	t->users = u;
	u += t->n_users++;
	*u = (struct user_config){ .id = id };
	pos_index_push(&t->by_id, h);
	pos_index_push(&t->by_name, name_hash(NULL));
	return u;
}

int user_set(struct user_table **t, unsigned id, const char *name, const char *password)
{
	struct user_config *u = user_get(t, id);
	char *n = u ? strdup(name) : NULL, *p = n ? strdup(password) : NULL;
	if (!p) {
		free(n);
		return -RTX_ENOMEM;
	}
	free(u->name);
	wipe_str(u->password);
	u->name = n;
	u->password = p;
	pos_index_rehash(&(*t)->by_name, (size_t)(u - (*t)->users), name_hash(n));
	return 0;
}

struct user_group *user_group_get(struct user_table **tp, unsigned gid)
{
	struct user_table *t = *tp;
	if (!t && !(t = *tp = calloc(1, sizeof(*t))))
		return NULL;
	for (size_t i = 0; i < t->n_groups; i++)
		if (t->groups[i].id == gid)
			return &t->groups[i];
	struct user_group *g = realloc(t->groups, (t->n_groups + 1) * sizeof(*g));
	if (!g)
		return NULL;
	t->groups = g;
	g += t->n_groups++;
	*g = (struct user_group){ .id = gid };
	return g;
}

int user_group_set(struct user_table **tp, unsigned gid, const unsigned *ids, size_t n)
{
	unsigned *copy = malloc((n ? n : 1) * sizeof(*copy));
	struct user_group *g = copy ? user_group_get(tp, gid) : NULL;
	if (!g) {
		free(copy);
		return -RTX_ENOMEM;
	}
	memcpy(copy, ids, n * sizeof(*copy));
	free(g->ids);
	g->ids = copy;
	g->n = n;
	return 0;
}

static bool in_group(const struct user_table *t, unsigned gid, unsigned uid)
{
	for (size_t i = 0; i < t->n_groups; i++) {
		if (t->groups[i].id != gid)
			continue;
		for (size_t j = 0; j < t->groups[i].n; j++)
			if (t->groups[i].ids[j] == uid)
				return true;
	}
	return false;
}

/* Of the users called name (nothing stops two), the one made first. */
const struct user_config *user_find(const struct user_table *t, const char *name, unsigned gid)
{
	size_t first = POS_NONE;
	if (!t)
		return NULL;
	for (size_t i = pos_index_first(&t->by_name, name_hash(name)); i != POS_NONE;
	     i = pos_index_next(&t->by_name, i)) {
		const struct user_config *u = &t->users[i];
		if (i < first && u->name && !strcmp(u->name, name) &&
		    (!gid || in_group(t, gid, u->id)))
			first = i;
	}
	return first == POS_NONE ? NULL : &t->users[first];
}

bool user_eap_md5(const struct user_table *t, const struct user_config *u)
{
	if (u->eap_md5_set)
		return u->eap_md5;
	for (size_t i = 0; t && i < t->n_groups; i++)
		if (t->groups[i].eap_md5 && in_group(t, t->groups[i].id, u->id))
			return true;
	return false;
}

const struct user_group *user_group_of(const struct user_table *t, const struct user_config *u,
				       unsigned gid)
{
	const struct user_group *first = NULL;
	for (size_t i = 0; t && i < t->n_groups; i++) {
		const struct user_group *g = &t->groups[i];
		if (!in_group(t, g->id, u->id))
			continue;
		if (g->id == gid)
			return g;
		if (!first)
			first = g;
	}
	return first;
}

void user_table_free(struct user_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_users; i++) {
		free(t->users[i].name);
		wipe_str(t->users[i].password);
	}
	for (size_t i = 0; i < t->n_groups; i++)
		free(t->groups[i].ids);
	free(t->users);
	free(t->groups);
	pos_index_free(&t->by_id);
	pos_index_free(&t->by_name);
	free(t);
}

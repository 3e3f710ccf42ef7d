/* The router's loaded certificate and CRL files (see pki_store.h). */
#include "engine/pki_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct entry {
	bool configured;
	bool pinned;                 /* put in memory: sync leaves it */
	char *path;                  /* the spec it was loaded from */
	bool pkcs12;
	char *password;
	void *obj;                   /* struct pki_cred or struct pki_crl */
	char *error;                 /* why obj is NULL */
};

struct pki_store {
	char *dir;
	struct entry cert[CONFIG_PKI_MAX + 1];
	struct entry crl[CONFIG_PKI_MAX + 1];
};

struct pki_store *pki_store_new(void)
{
	return calloc(1, sizeof(struct pki_store));
}

static void wipe_free(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

static void entry_clear(struct entry *en, bool cert)
{
	if (cert)
		pki_cred_free(en->obj);
	else
		pki_crl_free(en->obj);
	free(en->path);
	wipe_free(en->password);
	free(en->error);
	*en = (struct entry){ 0 };
}

void pki_store_free(struct pki_store *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i <= CONFIG_PKI_MAX; i++) {
		entry_clear(&s->cert[i], true);
		entry_clear(&s->crl[i], false);
	}
	free(s->dir);
	free(s);
}

int pki_store_set_dir(struct pki_store *s, const char *dir)
{
	char *copy = dir && *dir ? strdup(dir) : NULL;
	if (dir && *dir && !copy)
		return -RTX_ENOMEM;
	free(s->dir);
	s->dir = copy;
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_spec(const struct entry *en, const struct pki_file_config *f)
{
	return en->configured && !en->pinned && same_str(en->path, f->path) &&
	       en->pkcs12 == f->pkcs12 && same_str(en->password, f->password);
}

/* Reads f into en (emptied first). Relative paths are joined to s->dir. */
static int entry_load(struct pki_store *s, struct entry *en, bool cert,
		      const struct pki_file_config *f, struct pki_load_error *err)
{
	char full[4096];
	struct pki_load_error local;
	if (!err)
		err = &local;
	entry_clear(en, cert);
	en->configured = true;
	en->pkcs12 = f->pkcs12;
	if (!(en->path = strdup(f->path)) ||
	    (f->password && !(en->password = strdup(f->password)))) {
		err->status = PKI_LOAD_NO_MEMORY;
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		return -RTX_ENOMEM;
	}
	if (f->path[0] != '/' && s->dir)
		snprintf(full, sizeof(full), "%s/%s", s->dir, f->path);
	else
		snprintf(full, sizeof(full), "%s", f->path);
	int rc;
	if (!cert)
		rc = pki_crl_load(full, (struct pki_crl **)&en->obj, err);
	else if (f->pkcs12)
		rc = pki_cred_load_pkcs12(full, f->password ? f->password : "",
					  (struct pki_cred **)&en->obj, err);
	else
		rc = pki_cred_load_pem(full, (struct pki_cred **)&en->obj, err);
	if (rc) {
		en->obj = NULL;
		en->error = strdup(err->reason);
	}
	return rc;
}

int pki_store_load_cert(struct pki_store *s, unsigned id, const struct pki_file_config *f,
			struct pki_load_error *err)
{
	if (id < 1 || id > CONFIG_PKI_MAX || !f->path)
		return -RTX_EINVAL;
	return entry_load(s, &s->cert[id], true, f, err);
}

int pki_store_load_crl(struct pki_store *s, unsigned id, const struct pki_file_config *f,
		       struct pki_load_error *err)
{
	if (id < 1 || id > CONFIG_PKI_MAX || !f->path)
		return -RTX_EINVAL;
	return entry_load(s, &s->crl[id], false, f, err);
}

static void sync_one(struct pki_store *s, struct entry *en, bool cert,
		     const struct pki_file_config *f)
{
	if (en->pinned)
		return;
	if (!f->path) {
		if (en->configured)
			entry_clear(en, cert);
		return;
	}
	if (!same_spec(en, f))
		entry_load(s, en, cert, f, NULL);
}

void pki_store_sync(struct pki_store *s, const struct ipsec_config *c)
{
	for (unsigned i = 1; i <= CONFIG_PKI_MAX; i++) {
		sync_one(s, &s->cert[i], true, &c->pki_cert[i]);
		sync_one(s, &s->crl[i], false, &c->pki_crl[i]);
	}
}

void pki_store_put_cert(struct pki_store *s, unsigned id, struct pki_cred *cred)
{
	if (id < 1 || id > CONFIG_PKI_MAX) {
		pki_cred_free(cred);
		return;
	}
	entry_clear(&s->cert[id], true);
	s->cert[id] = (struct entry){ .configured = cred != NULL, .pinned = cred != NULL,
				      .obj = cred };
}

void pki_store_put_crl(struct pki_store *s, unsigned id, struct pki_crl *crl)
{
	if (id < 1 || id > CONFIG_PKI_MAX) {
		pki_crl_free(crl);
		return;
	}
	entry_clear(&s->crl[id], false);
	s->crl[id] = (struct entry){ .configured = crl != NULL, .pinned = crl != NULL,
				     .obj = crl };
}

const struct pki_cred *pki_store_cert(const struct pki_store *s, unsigned id)
{
	return s && id >= 1 && id <= CONFIG_PKI_MAX ? s->cert[id].obj : NULL;
}

const struct pki_crl *pki_store_crl(const struct pki_store *s, unsigned id)
{
	return s && id >= 1 && id <= CONFIG_PKI_MAX ? s->crl[id].obj : NULL;
}

static void status_of(const struct entry *en, struct pki_store_status *st)
{
	*st = (struct pki_store_status){ .configured = en->configured, .path = en->path,
					 .error = en->obj ? NULL : en->error };
}

void pki_store_cert_status(const struct pki_store *s, unsigned id, struct pki_store_status *st)
{
	if (id < 1 || id > CONFIG_PKI_MAX) {
		*st = (struct pki_store_status){ 0 };
		return;
	}
	status_of(&s->cert[id], st);
}

void pki_store_crl_status(const struct pki_store *s, unsigned id, struct pki_store_status *st)
{
	if (id < 1 || id > CONFIG_PKI_MAX) {
		*st = (struct pki_store_status){ 0 };
		return;
	}
	status_of(&s->crl[id], st);
}

static int trust_of(const struct pki_store *s, unsigned own, bool all, struct pki_trust **out);

int pki_store_trust(const struct pki_store *s, unsigned own, struct pki_trust **out)
{
	return trust_of(s, own, false, out);
}

int pki_store_trust_all(const struct pki_store *s, struct pki_trust **out)
{
	return trust_of(s, 0, true, out);
}

static int trust_of(const struct pki_store *s, unsigned own, bool all, struct pki_trust **out)
{
	struct pki_trust *t;
	int rc = pki_trust_new(&t);
	if (rc)
		return rc;
	for (unsigned i = 1; !rc && i <= CONFIG_PKI_MAX; i++) {
		const struct pki_cred *c = s->cert[i].obj;
		/* Another gateway's bundle is its identity, not an anchor. */
		if (c && (all || i == own || !pki_cred_key(c)))
			rc = pki_trust_add_cred(t, c);
	}
	if (!rc && pki_trust_count(t) == 0)
		rc = -RTX_ENOENT;
	if (rc) {
		pki_trust_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* The loaded `pki certificate file` and `pki crl file` entries (IDs 1..8)
 * of one router, shared by the shell (errors when a line is entered,
 * `show pki ...`) and the engine (IKE_AUTH with certificates).
 *
 * The typed config only names the files (struct pki_file_config); reading
 * them happens here, once per change: a store entry remembers the spec it
 * was loaded from, so rebuilding the config after every line does not
 * decrypt a PKCS#12 bundle again. A file that fails to load leaves its
 * entry empty with the reason kept for `show pki`, and the line stays in
 * the config (so a config with a missing file round-trips). */
#ifndef RTX_PKI_STORE_H
#define RTX_PKI_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/config.h"
#include "engine/pki.h"

struct pki_store;

struct pki_store *pki_store_new(void);
void pki_store_free(struct pki_store *s);

/* Directory that relative paths are read from (the -c file's); NULL or
 * "" for the working directory. 0 or -RTX_ENOMEM. */
int pki_store_set_dir(struct pki_store *s, const char *dir);

/* Loads a file now (also when the same spec was loaded before: the file
 * may have changed) into entry id; on failure the entry is emptied and
 * err says why. Returns 0 or the loader's negative rtx_err. */
int pki_store_load_cert(struct pki_store *s, unsigned id, const struct pki_file_config *f,
			struct pki_load_error *err);
int pki_store_load_crl(struct pki_store *s, unsigned id, const struct pki_file_config *f,
		       struct pki_load_error *err);

/* Brings every entry in line with c: loads what is new or changed, drops
 * what is no longer configured. Entries put by pki_store_put_*() stay. */
void pki_store_sync(struct pki_store *s, const struct ipsec_config *c);

/* Objects in memory instead of files (tests, benchmarks); takes
 * ownership (NULL empties the entry). */
void pki_store_put_cert(struct pki_store *s, unsigned id, struct pki_cred *cred);
void pki_store_put_crl(struct pki_store *s, unsigned id, struct pki_crl *crl);

/* The loaded objects; NULL when unset or not loadable. */
const struct pki_cred *pki_store_cert(const struct pki_store *s, unsigned id);
const struct pki_crl *pki_store_crl(const struct pki_store *s, unsigned id);

/* What `show pki` says about an entry: configured (a path, or in memory)
 * and, when it did not load, why. */
struct pki_store_status {
	bool configured;
	const char *path;          /* as typed; NULL for objects in memory */
	const char *error;         /* NULL when loaded */
};
void pki_store_cert_status(const struct pki_store *s, unsigned id,
			   struct pki_store_status *st);
void pki_store_crl_status(const struct pki_store *s, unsigned id, struct pki_store_status *st);

/* The trust anchors for a gateway whose own credential is entry own (0:
 * none): the CA chain of its bundle plus every certificate of every
 * x509-pem entry (reference 2.2). -RTX_ENOMEM, or -RTX_ENOENT when the
 * set is empty. */
int pki_store_trust(const struct pki_store *s, unsigned own, struct pki_trust **out);
/* The anchors of every gateway at once (the CA chains of all bundles and
 * every x509-pem entry): what a responder asks for before IDi tells it
 * the gateway. */
int pki_store_trust_all(const struct pki_store *s, struct pki_trust **out);

#endif

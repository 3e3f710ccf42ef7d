/* A test PKI made at run time with the OpenSSL API (no openssl CLI, no
 * files in the tree): a root and an intermediate CA, leaves for every key
 * type we sign with, and one leaf or CRL per way verification can fail.
 * Every certificate's validity is relative to the `now` given at creation,
 * so scenarios on a virtual clock pick their own epoch.
 *
 * Unit tests take the objects in memory; integration tests (two routers
 * authenticating with certificates) write the files into a temporary
 * directory and point `pki certificate file` / `pki crl file` at them.
 * Does not use cmocka, so any driver can link it. */
#ifndef TEST_PKI_FIXTURE_H
#define TEST_PKI_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* The password of every PKCS#12 file the fixture writes. */
#define PKI_FX_PASSWORD "rtxsh-test"

#define PKI_FX_DAY 86400L
#define PKI_FX_YEAR (365 * PKI_FX_DAY)

enum pki_fx_key {
	FX_KEY_ROOT,        /* P-384 */
	FX_KEY_INTER,       /* P-256 */
	FX_KEY_ROGUE,       /* P-256: a CA nobody trusts */
	FX_KEY_RSA2048,
	FX_KEY_RSA3072,
	FX_KEY_P256,
	FX_KEY_P384,
	FX_KEY_P521,
	FX_KEY_RSA1024,     /* too short to accept */
	FX_KEY_ED25519,     /* a type we do not sign with */
	FX_KEY_COUNT
};

/* Leaves are issued by FX_INTER, valid from now - 1 day to now + 1 year,
 * with keyUsage digitalSignature and SANs derived from their tag (see
 * pki_fixture_fqdn() ...), unless their comment says otherwise. */
enum pki_fx_cert {
	FX_ROOT,            /* self-signed, P-384, now -/+ 10 years */
	FX_INTER,           /* CA, pathlen 0, signed by FX_ROOT */
	FX_SUBCA,           /* CA under FX_INTER: breaks its pathlen 0 */
	FX_ROGUE_ROOT,      /* self-signed, not in any trust set */
	FX_LEAF_RSA2048,
	FX_LEAF_RSA3072,
	FX_LEAF_P256,
	FX_LEAF_P384,
	FX_LEAF_P521,
	FX_LEAF_EXPIRED,    /* P-256, now - 2 years .. now - 1 year */
	FX_LEAF_NOT_YET,    /* P-256, now + 30 days .. now + 1 year */
	FX_LEAF_REVOKED,    /* P-256, listed in FX_CRL_GOOD */
	FX_LEAF_WRONG_SAN,  /* P-256, SANs of other.example.org, CN of its tag */
	FX_LEAF_ROGUE,      /* P-256, issued by FX_ROGUE_ROOT */
	FX_LEAF_BAD_SIG,    /* P-256, one bit of its signature flipped */
	FX_LEAF_NO_DIGSIG,  /* P-256, keyUsage keyEncipherment only */
	FX_LEAF_DEEP,       /* P-256, issued by FX_SUBCA */
	FX_LEAF_BY_LEAF,    /* P-256, issued by FX_LEAF_RSA2048 (not a CA) */
	FX_LEAF_WEAK,       /* RSA-1024 */
	FX_LEAF_ED25519,    /* Ed25519 */
	FX_CERT_COUNT
};

/* CRLs, issued by FX_INTER unless said otherwise. */
enum pki_fx_crl {
	FX_CRL_GOOD,        /* now - 1 day .. now + 30 days, FX_LEAF_REVOKED */
	FX_CRL_EXPIRED,     /* now - 60 days .. now - 30 days */
	FX_CRL_NOT_YET,     /* now + 1 day .. now + 31 days */
	FX_CRL_BAD_SIG,     /* FX_INTER's name, signed with FX_KEY_ROGUE */
	FX_CRL_ROOT,        /* issued by FX_ROOT: not the leaves' issuer */
	FX_CRL_COUNT
};

struct pki_fixture {
	time_t now;
	EVP_PKEY *key[FX_KEY_COUNT];
	X509 *cert[FX_CERT_COUNT];
	X509_CRL *crl[FX_CRL_COUNT];
};

/* Builds the whole PKI (about a second: three RSA keys). 0 or -1. */
int pki_fixture_new(time_t now, struct pki_fixture **out);
void pki_fixture_free(struct pki_fixture *fx);

/* The key of a certificate. */
EVP_PKEY *pki_fixture_key(const struct pki_fixture *fx, enum pki_fx_cert c);
/* The issuers of c upwards to its root (root included); returns count. */
size_t pki_fixture_chain(const struct pki_fixture *fx, enum pki_fx_cert c, X509 **out,
			 size_t max);

/* Another leaf like `like` (its key and issuer, validity and usage) for
 * the name fqdn alone (subject CN and one DNS SAN); NULL on failure. */
X509 *pki_fixture_leaf(const struct pki_fixture *fx, enum pki_fx_cert like, const char *fqdn,
		       long serial);

/* Leaf c as `pki certificate file N F pkcs12 P` gives it: its key, the
 * leaf (or `instead`, one pki_fixture_leaf() made like it) and its issuers
 * up to the root. NULL on failure. */
struct pki_cred;
struct pki_cred *pki_fixture_cred(const struct pki_fixture *fx, enum pki_fx_cert c,
				  X509 *instead);

/* Gateway g authenticates with cred (taken) as `pki certificate file n`
 * of st: no pre-shared key, `ipsec ike pki file g certificate=n`.
 * 0, or -1 (nothing done) when cred is NULL. */
struct gateway_config;
struct pki_store;
int pki_fixture_use(struct pki_store *st, unsigned n, struct pki_cred *cred,
		    struct gateway_config *g);

/* Names of c: tag "p256"; FQDN "p256.example.com"; email
 * "ike@p256.example.com"; 192.0.2.N and 2001:db8::N with N per leaf.
 * FX_LEAF_WRONG_SAN carries none of these in its SANs. */
const char *pki_fixture_tag(enum pki_fx_cert c);
void pki_fixture_fqdn(enum pki_fx_cert c, char *buf, size_t cap);
void pki_fixture_email(enum pki_fx_cert c, char *buf, size_t cap);
void pki_fixture_ipv4(enum pki_fx_cert c, uint8_t out[4]);
void pki_fixture_ipv6(enum pki_fx_cert c, uint8_t out[16]);

/* Writes into dir (which must exist):
 *   root.pem inter.pem rogue.pem    one CA each
 *   cas.pem                         root + intermediate
 *   <tag>.pem                       every certificate alone
 *   <tag>.p12                       every leaf: key, leaf, its issuers
 *   nokey.p12                       p256 leaf and its issuers, no key
 *   crl.pem crl.der crl-expired.pem crl-not-yet.pem crl-bad-sig.pem
 *   crl-root.pem
 * PKCS#12 files use PKI_FX_PASSWORD and OpenSSL 3's defaults (AES-256,
 * PBKDF2, HMAC-SHA-256). 0 or -1. */
int pki_fixture_write(const struct pki_fixture *fx, const char *dir);
/* dir/file into buf. */
void pki_fixture_path(char *buf, size_t cap, const char *dir, const char *file);

/* A fresh directory under $TMPDIR (or /tmp) into buf; 0 or -1. */
int pki_fixture_mkdtemp(char *buf, size_t cap);
/* Removes dir and the plain files in it. */
void pki_fixture_rmtree(const char *dir);

/* Single files, for the odd cases a test wants. */
struct pki_fx_p12 {
	const char *password;
	EVP_PKEY *key;            /* may be NULL */
	X509 *cert;               /* may be NULL */
	X509 *const *ca;
	size_t n_ca;
	int cipher_nid;           /* 0: AES-256-CBC; or a PBE NID (RC2 ...) */
	OSSL_LIB_CTX *libctx;     /* where that cipher lives (legacy) */
};
int pki_fixture_write_p12(const char *path, const struct pki_fx_p12 *spec);
int pki_fixture_write_pem(const char *path, X509 *const *certs, size_t n);
int pki_fixture_write_crl(const char *path, X509_CRL *crl, bool der);
int pki_fixture_write_bytes(const char *path, const void *data, size_t len);

#endif

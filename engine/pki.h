/* Certificates, keys and CRLs for signature authentication (RFC 7296
 * 3.6-3.8, profiled by RFC 4945): loading what `pki certificate file` and
 * `pki crl file` name, summaries for `show pki ...`, verification of the
 * peer's chain, identity binding, and the data of CERT/CERTREQ payloads.
 *
 * Everything is OpenSSL 3 (X509, X509_STORE, PKCS12, X509_CRL); this module
 * only decides policy and turns OpenSSL's answers into reasons an operator
 * can act on. It knows nothing of IKE SAs or the config: the caller resolves
 * paths, passes the time (the virtual clock in tests) and logs the phrases.
 *
 * Objects are immutable once loaded, so several gateways can share one
 * credential or trust set. Private keys never leave struct pki_cred except
 * as the EVP_PKEY handed to auth_sig_sign(); nothing here prints them. */
#ifndef RTX_PKI_H
#define RTX_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct crypto_lib;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;
typedef struct X509_crl_st X509_CRL;

struct pki_cred;     /* one `pki certificate file` entry */
struct pki_crl;      /* one `pki crl file` entry */
struct pki_chain;    /* the peer's certificates, leaf first */
struct pki_trust;    /* trust anchors for verifying peers */

/* ---- key types -------------------------------------------------------- */

/* What we sign and verify with. RSA is accepted from 2048 bits (RFC 8247
 * 3.2 and NIST SP 800-131A: shorter keys are broken or nearly so) up to
 * 8192 bits (larger keys only cost the verifier time, a cheap way for a
 * peer to make us burn CPU). ECDSA on the three NIST curves of RFC 4754. */
enum pki_key_type {
	PKI_KEY_UNSUPPORTED = 0,
	PKI_KEY_RSA,
	PKI_KEY_ECDSA_P256,
	PKI_KEY_ECDSA_P384,
	PKI_KEY_ECDSA_P521,
};

#define PKI_RSA_MIN_BITS 2048
#define PKI_RSA_MAX_BITS 8192

/* Classifies a (public or private) key; *bits (may be NULL) gets its size
 * in bits whatever the verdict, for messages. */
enum pki_key_type pki_key_type(const EVP_PKEY *key, unsigned *bits);
/* "RSA 2048", "ECDSA P-256", "Ed25519", "RSA 1024" ... into buf. */
void pki_key_describe(const EVP_PKEY *key, char *buf, size_t cap);

/* ---- loading ---------------------------------------------------------- */

/* Why a file was refused: a distinct status for each thing the operator
 * must fix differently, and a reason in plain words for the error line
 * (it never contains the password or any key material). */
enum pki_load_status {
	PKI_LOAD_OK = 0,
	PKI_LOAD_UNREADABLE,         /* cannot open/read: errno in reason */
	PKI_LOAD_BAD_FORMAT,         /* not PKCS#12 / PEM / a CRL, or damaged */
	PKI_LOAD_NO_CERT,            /* no certificate in the file */
	PKI_LOAD_BAD_PASSWORD,       /* the PKCS#12 password is wrong */
	PKI_LOAD_NO_KEY,             /* a PKCS#12 bundle without private key */
	PKI_LOAD_KEY_MISMATCH,       /* the key fits none of the certificates */
	PKI_LOAD_UNSUPPORTED_KEY,    /* see enum pki_key_type */
	PKI_LOAD_UNSUPPORTED_CIPHER, /* e.g. RC2-40: not in OpenSSL 3 default */
	PKI_LOAD_TOO_MANY,           /* more than PKI_CRED_MAX_CERTS */
	PKI_LOAD_NO_MEMORY,
};

struct pki_load_error {
	enum pki_load_status status;
	char reason[160];
};

/* Certificates one file may hold: a leaf and its CA chain, or a handful of
 * CAs. The bound keeps a stray bundle of every CA on the host out. */
#define PKI_CRED_MAX_CERTS 16

/* `pki certificate file ID FILE pkcs12 PASSWORD`: private key, its
 * certificate and the CA chain of the bundle. Returns 0, or a negative
 * rtx_err with *err filled (-RTX_EIO unreadable, -RTX_EPARSE format or no
 * certificate, -RTX_EAUTH password, -RTX_ENOENT no key, -RTX_EINVAL key
 * mismatch, -RTX_EUNSUPP key or cipher, -RTX_ERANGE too many, -RTX_ENOMEM).
 * Bundles encrypted with legacy ciphers (RC2-40, the default of OpenSSL
 * 1.x and many Windows exports) are refused with a hint to re-export with
 * AES: decrypting them needs OpenSSL's legacy provider in the default
 * library context, which is process-wide state we do not touch. */
int pki_cred_load_pkcs12(const char *path, const char *password, struct pki_cred **out,
			 struct pki_load_error *err);
/* `pki certificate file ID FILE x509-pem`: one or several certificates
 * (usually CAs), no key. A single DER certificate is accepted too, since
 * .cer files often are DER whatever their name says. */
int pki_cred_load_pem(const char *path, struct pki_cred **out, struct pki_load_error *err);
/* The same from objects in memory (tests, or a key found elsewhere): key
 * may be NULL; with a key, the certificate it belongs to becomes the leaf
 * wherever it is in certs, and the rest may come in any order. Takes
 * references, so the caller keeps its own. The loaders' checks apply. */
int pki_cred_from(EVP_PKEY *key, X509 *const *certs, size_t n, struct pki_cred **out,
		  struct pki_load_error *err);
void pki_cred_free(struct pki_cred *cred);

/* The private key (NULL for an x509-pem file): only for auth_sig_sign(). */
EVP_PKEY *pki_cred_key(const struct pki_cred *cred);
/* Certificates in display order: for a bundle the leaf, then the chain
 * from the leaf's issuer upwards, then any unrelated extras; for a PEM file
 * the file's order. */
size_t pki_cred_count(const struct pki_cred *cred);
X509 *pki_cred_cert(const struct pki_cred *cred, size_t i);

/* `pki crl file ID FILE`, PEM or DER. */
int pki_crl_load(const char *path, struct pki_crl **out, struct pki_load_error *err);
/* Takes a reference to crl. */
int pki_crl_from(X509_CRL *crl, struct pki_crl **out);
void pki_crl_free(struct pki_crl *crl);
/* Another handle on the same CRL (a reference, not a copy). */
int pki_crl_ref(const struct pki_crl *crl, struct pki_crl **out);

/* ---- summaries for `show pki certificate summary` / `show pki crl` ---- */

#define PKI_TEXT_MAX 256

struct pki_cert_info {
	char subject[PKI_TEXT_MAX];   /* "C=JP, O=Example, CN=gw1.example.com" */
	char issuer[PKI_TEXT_MAX];
	char serial[80];              /* upper-case hex, as openssl prints it */
	time_t not_before, not_after;
	char key[32];                 /* pki_key_describe() */
	bool key_supported;
	bool is_ca;
	char san[PKI_TEXT_MAX];       /* "DNS:a.example, IP:192.0.2.1, email:u@a" */
};

/* Fills info (texts cut with "..." when too long). Never the key. */
int pki_cert_info(const X509 *cert, struct pki_cert_info *info);
/* A DER Name (an ID_DER_ASN1_DN body) as text, as subjects are shown;
 * -RTX_EPARSE when it is not one Name. */
int pki_dn_text(const uint8_t *der, size_t len, char *buf, size_t cap);

struct pki_crl_info {
	char issuer[PKI_TEXT_MAX];
	time_t this_update;
	time_t next_update;           /* valid only when has_next_update */
	bool has_next_update;
	size_t n_revoked;
};

int pki_crl_info(const struct pki_crl *crl, struct pki_crl_info *info);
/* The i-th revoked serial (hex) and its revocation date. */
int pki_crl_revoked(const struct pki_crl *crl, size_t i, char *serial, size_t cap,
		    time_t *when);

/* ---- the peer's chain and its verification ---------------------------- */

/* More certificates than a sane chain has are a DoS, not a PKI. */
#define PKI_CHAIN_MAX 8

int pki_chain_new(struct pki_chain **out);
void pki_chain_free(struct pki_chain *chain);
/* One CERT payload body of encoding X509_SIGNATURE (4): a DER certificate
 * with nothing after it. The first one added is the leaf: RFC 7296 3.6
 * has the first CERT carry the key that verifies AUTH. -RTX_EPARSE on bad
 * DER, -RTX_ERANGE past PKI_CHAIN_MAX. */
int pki_chain_add_der(struct pki_chain *chain, const uint8_t *der, size_t len);
/* The same with an object (takes a reference). */
int pki_chain_add(struct pki_chain *chain, X509 *cert);
size_t pki_chain_count(const struct pki_chain *chain);
X509 *pki_chain_cert(const struct pki_chain *chain, size_t i);
/* The leaf's public key, for auth_sig_verify(); NULL for an empty chain. */
EVP_PKEY *pki_chain_pubkey(const struct pki_chain *chain);

int pki_trust_new(struct pki_trust **out);
void pki_trust_free(struct pki_trust *trust);
/* Trusts the CA side of cred: every certificate of an x509-pem file, and
 * the chain of a PKCS#12 bundle without its own leaf (the usual RTX setup:
 * the bundle carries the CA that also issued the peer). A chain must end
 * at a self-signed certificate of the trust set; trusted intermediates
 * shorten the path but do not end it. */
int pki_trust_add_cred(struct pki_trust *trust, const struct pki_cred *cred);
int pki_trust_add(struct pki_trust *trust, X509 *cert);
size_t pki_trust_count(const struct pki_trust *trust);

/* Why a chain was refused. Each has a short English phrase for the log. */
enum pki_verify_reason {
	PKI_VERIFY_OK = 0,
	PKI_VERIFY_UNTRUSTED,        /* no path to a trusted CA */
	PKI_VERIFY_EXPIRED,
	PKI_VERIFY_NOT_YET_VALID,
	PKI_VERIFY_REVOKED,
	PKI_VERIFY_BAD_SIGNATURE,    /* a certificate's signature is wrong */
	PKI_VERIFY_KEY_USAGE,        /* leaf not for signatures (RFC 4945) */
	PKI_VERIFY_NOT_CA,           /* an issuer is not a CA / may not sign */
	PKI_VERIFY_PATH_LENGTH,      /* a pathLenConstraint is exceeded */
	PKI_VERIFY_WEAK,             /* key or signature below 112 bits */
	PKI_VERIFY_CRL_EXPIRED,
	PKI_VERIFY_CRL_NOT_YET_VALID,
	PKI_VERIFY_CRL_SIGNATURE,
	PKI_VERIFY_CRL_UNUSABLE,     /* the CRL is not the leaf issuer's */
	PKI_VERIFY_MALFORMED,        /* bad times or extensions, unknown critical one */
	PKI_VERIFY_NO_CERT,          /* empty chain */
	PKI_VERIFY_FAILED,           /* anything else OpenSSL refuses */
};

struct pki_verify_result {
	enum pki_verify_reason reason;
	int depth;          /* 0 = the leaf, 1 = its issuer ...; -1 none */
	int x509_error;     /* OpenSSL's X509_V_ERR_*, for debug traces */
};

/* "certificate has expired", "unknown CA" ... ; never NULL. */
const char *pki_verify_reason_text(enum pki_verify_reason reason);

/* Verifies the peer's chain at time now against trust: signatures up to a
 * trusted self-signed CA, validity of every certificate at now, CA-ness
 * and path length of the issuers, the leaf's keyUsage (digitalSignature
 * or nonRepudiation when present, RFC 4945 5.1.3.2), 112-bit security
 * (RSA >= 2048, no SHA-1 certificate signatures), and with a crl (may be
 * NULL) whether the leaf is revoked, the CRL being the one of the leaf's
 * issuer, current at now and correctly signed. A single `pki crl file`
 * can only speak for one issuer, hence the leaf only. extendedKeyUsage
 * is not checked (most IKE certificates carry TLS purposes; strongSwan
 * accepts them too). Returns 0, -RTX_EAUTH with res saying why, or
 * -RTX_ENOMEM/-RTX_ECRYPTO. */
int pki_verify(struct crypto_lib *lib, const struct pki_trust *trust,
	       const struct pki_chain *peer, const struct pki_crl *crl, time_t now,
	       struct pki_verify_result *res);

/* ---- identities ------------------------------------------------------- */

enum pki_id_match {
	PKI_ID_MATCH = 0,
	PKI_ID_MISMATCH,
	PKI_ID_UNSUPPORTED,    /* ID type we cannot bind (KEY_ID, GN ...) */
};

/* Whether an IKE ID (type and body as on the wire) names cert: IPV4/IPV6
 * against iPAddress SANs, FQDN against dNSName (case-insensitive),
 * RFC822_ADDR against rfc822Name (domain case-insensitive), DER_ASN1_DN
 * against the subject, compared as canonical DER (X509_NAME_cmp: byte
 * equality after the normalisation RFC 5280 7.1 allows, so a peer that
 * re-encodes a PrintableString still matches). The CN is never used for
 * FQDN: RFC 4945 3.1.2 binds FQDNs to dNSName only. Used both for the
 * peer's ID and to check a configured local name against our own
 * certificate (the config warns when it is not there, as strongSwan does,
 * because the peer would refuse). */
enum pki_id_match pki_id_match(const X509 *cert, uint8_t id_type, const uint8_t *data,
			       size_t len);
/* The subject as DER (malloc'ed), to send ID_DER_ASN1_DN when no local
 * name is configured. */
int pki_cert_subject_der(const X509 *cert, uint8_t **der, size_t *len);
/* A certificate as DER (malloc'ed), for a CERT payload. */
int pki_cert_der(const X509 *cert, uint8_t **der, size_t *len);

/* ---- CERT and CERTREQ ------------------------------------------------- */

#define PKI_SPKI_HASH_LEN 20

/* RFC 7296 3.7: "the SHA-1 hash of the Subject Public Key Info element"
 * (the whole DER SubjectPublicKeyInfo, not only its BIT STRING, which is
 * what OpenSSL's X509_pubkey_digest and RFC 5280 key ids hash). */
int pki_cert_spki_sha1(struct crypto_lib *lib, const X509 *cert,
		       uint8_t out[PKI_SPKI_HASH_LEN]);
/* The CERTREQ Certification Authority field for trust: the hashes of all
 * its CAs, concatenated (malloc'ed; *len 0 and *out NULL when empty). */
int pki_trust_certreq(struct crypto_lib *lib, const struct pki_trust *trust, uint8_t **out,
		      size_t *len);
/* Whether the peer's CERTREQ (concatenated hashes) names a CA of cred's
 * chain: 1 yes, 0 no, -RTX_EPARSE when len is not a multiple of 20. An
 * empty list asks for any CA (RFC 7296 3.7), so it matches. */
int pki_cred_matches_certreq(struct crypto_lib *lib, const struct pki_cred *cred,
			     const uint8_t *hashes, size_t len);
/* Of several credentials with keys, the first whose chain the CERTREQ
 * names: its index, or -RTX_ENOENT. */
int pki_cred_select(struct crypto_lib *lib, struct pki_cred *const *creds, size_t n,
		    const uint8_t *hashes, size_t len);
/* The certificates to send as CERT payloads: the leaf, then intermediates
 * in issuing order; never the self-signed root: the peer must hold it
 * already to trust us, so sending it only adds bytes and IKE fragments.
 * Returns how many were stored in out (none for a credential without key). */
size_t pki_cred_send_chain(const struct pki_cred *cred, X509 **out, size_t max);

#endif

/* Signature authentication data (the AUTH payload body for signature
 * methods): RFC 7296 RSA Digital Signature (method 1), RFC 4754 ECDSA
 * (methods 9, 10, 11) and RFC 7427 Digital Signature (method 14), plus
 * the SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 4) and the choice of
 * method it allows.
 *
 * Independent of IKE SA structs on purpose: the input is the signed
 * octets of RFC 7296 2.15 (keys_signed_octets() builds them) and a key,
 * so the exchange code, tests and benchmarks call the same functions.
 * All signing and verifying is OpenSSL EVP; this file only frames. */
#ifndef RTX_AUTH_SIG_H
#define RTX_AUTH_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/iana.h"
#include "engine/pki.h"

struct crypto_lib;

/* Hash sets travel as bit masks: bit n set = hash id n. */
#define AUTH_SIG_HASH_BIT(id) (1u << (id))
/* What we announce and accept: SHA-2 only. SHA-1 is what RFC 8247 3.2
 * retires; identity (RFC 8420) belongs to EdDSA, which we do not do. */
#define AUTH_SIG_HASHES_OURS \
	(AUTH_SIG_HASH_BIT(IKEV2_HASH_SHA2_256) | AUTH_SIG_HASH_BIT(IKEV2_HASH_SHA2_384) | \
	 AUTH_SIG_HASH_BIT(IKEV2_HASH_SHA2_512))

/* How an AUTH payload is signed: the method and, for method 14, the
 * AlgorithmIdentifier that goes into it. */
enum auth_sig_scheme {
	AUTH_SIG_NONE = 0,
	AUTH_SIG_RSA_SHA1,            /* 1: PKCS#1 v1.5 with SHA-1 */
	AUTH_SIG_ECDSA_P256_SHA256,   /* 9: r||s, RFC 4754 */
	AUTH_SIG_ECDSA_P384_SHA384,   /* 10 */
	AUTH_SIG_ECDSA_P521_SHA512,   /* 11 */
	AUTH_SIG_RSA_PKCS1_SHA256,    /* 14: sha256WithRSAEncryption */
	AUTH_SIG_RSA_PKCS1_SHA384,
	AUTH_SIG_RSA_PKCS1_SHA512,
	AUTH_SIG_RSA_PSS_SHA256,      /* 14: RSASSA-PSS, MGF1 same hash, salt = hash length */
	AUTH_SIG_RSA_PSS_SHA384,
	AUTH_SIG_RSA_PSS_SHA512,
	AUTH_SIG_ECDSA_SHA256,        /* 14: ecdsa-with-SHA256, DER signature, any curve */
	AUTH_SIG_ECDSA_SHA384,
	AUTH_SIG_ECDSA_SHA512,
	AUTH_SIG_SCHEME_COUNT,
};

/* The auth method of a scheme (1, 9, 10, 11 or 14; 0 for NONE). */
uint8_t auth_sig_method(enum auth_sig_scheme s);
/* For logs and the key-info dump: "RSASSA-PSS with SHA-256" ... */
const char *auth_sig_scheme_name(enum auth_sig_scheme s);
/* Whether s can be made with (or checked against) a key of type t: method
 * 9 wants P-256 and nothing else, RSA schemes want RSA, RFC 7427 ECDSA any
 * of our curves. */
bool auth_sig_key_fits(enum auth_sig_scheme s, enum pki_key_type t);
/* The DER AlgorithmIdentifier of a method-14 scheme (NULL otherwise). */
const uint8_t *auth_sig_algid(enum auth_sig_scheme s, size_t *len);

/* Picks how to sign with key given the hashes the peer announced (0 when
 * it sent no SIGNATURE_HASH_ALGORITHMS): method 14 with a common hash,
 * else the classic method of the key type. Of the common hashes, the one
 * matching the key's strength comes first (SHA-256 for P-256 and RSA up
 * to 3072 bits, SHA-384 for P-384 and RSA up to 7680, else SHA-512), then
 * stronger, then weaker ones: a hash stronger than the key buys nothing,
 * and this is what strongSwan sends, which keeps captures comparable. RSA
 * signs with RSASSA-PSS under method 14 (RFC 8247 3.2: MUST; PKCS#1 v1.5
 * is only MAY, and libreswan refuses it). -RTX_EUNSUPP for a key we do
 * not sign with. */
int auth_sig_choose(const EVP_PKEY *key, unsigned peer_hashes, enum auth_sig_scheme *out);

/* Signs octets with key (our private key) as scheme s and returns the
 * whole AUTH data (malloc'ed): the signature for methods 1/9/10/11, or
 * length octet | AlgorithmIdentifier | signature for method 14.
 * -RTX_EINVAL when the key does not fit the scheme. */
int auth_sig_sign(struct crypto_lib *lib, EVP_PKEY *key, enum auth_sig_scheme s,
		  const uint8_t *octets, size_t len, uint8_t **auth, size_t *auth_len);

/* Why a peer's AUTH was refused; each has a phrase for the log. */
enum auth_sig_fail {
	AUTH_SIG_OK = 0,
	AUTH_SIG_UNKNOWN_METHOD,     /* not 1, 9, 10, 11, 14 */
	AUTH_SIG_MALFORMED,          /* lengths do not add up */
	AUTH_SIG_UNKNOWN_ALGORITHM,  /* method 14: AlgorithmIdentifier unknown */
	AUTH_SIG_REFUSED_ALGORITHM,  /* method 14: known, but SHA-1/DSA ... */
	AUTH_SIG_KEY_MISMATCH,       /* the certificate's key cannot do this */
	AUTH_SIG_BAD_SIGNATURE,      /* the signature does not verify */
};

struct auth_sig_check {
	enum auth_sig_fail fail;
	enum auth_sig_scheme scheme;  /* what the peer used, once known */
	const char *alg_name;         /* its name, also for refused ones */
};

/* "signature does not verify" ...; never NULL. */
const char *auth_sig_fail_text(enum auth_sig_fail f);

/* Checks the peer's AUTH data (method and body as received) over octets
 * with the public key of its certificate (pki_chain_pubkey()). Method-14
 * AlgorithmIdentifiers are compared byte for byte against the encodings
 * we know; anything else is refused rather than parsed, so no parameter
 * combination we never tested (odd PSS salts, SHA-1 MGF) slips through.
 * Returns 0, or -RTX_EAUTH with chk->fail saying why (-RTX_ENOMEM,
 * -RTX_ECRYPTO for our own failures). */
int auth_sig_verify(struct crypto_lib *lib, EVP_PKEY *pub, uint8_t method,
		    const uint8_t *auth, size_t auth_len, const uint8_t *octets, size_t len,
		    struct auth_sig_check *chk);

/* SIGNATURE_HASH_ALGORITHMS notification data: 2-octet ids, ascending.
 * Returns the bytes written (2 per hash in mask that fits in cap). */
size_t auth_sig_hashes_encode(unsigned mask, uint8_t *out, size_t cap);
/* Reads the peer's list into a mask of ids 1..31; ids beyond are ignored
 * (RFC 7427 4: unknown values are ignored). -RTX_EPARSE on an odd length. */
int auth_sig_hashes_decode(const uint8_t *data, size_t len, unsigned *mask);

/* For `ipsec ike log key-info`: the hash of the signed octets with the
 * scheme's hash and the algorithm's name. Never the key. */
struct auth_sig_key_info {
	const char *alg;         /* auth_sig_scheme_name() */
	const char *hash_name;   /* "SHA-256" ... */
	uint8_t hash[64];
	size_t hash_len;
};

int auth_sig_key_info(struct crypto_lib *lib, enum auth_sig_scheme s, const uint8_t *octets,
		      size_t len, struct auth_sig_key_info *info);

/* ECDSA signatures as RFC 4754 (r||s, each field_len octets, left padded)
 * and as OpenSSL's DER Ecdsa-Sig-Value. field_len is 32, 48 or 66. */
int auth_sig_ecdsa_der_to_raw(const uint8_t *der, size_t len, size_t field_len, uint8_t *raw);
int auth_sig_ecdsa_raw_to_der(const uint8_t *raw, size_t field_len, uint8_t **der,
			      size_t *len);

#endif

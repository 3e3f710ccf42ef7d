/* What the pki_*.c files share and nobody else sees: the layout of the
 * objects pki.h keeps opaque. */
#ifndef RTX_PKI_PRIV_H
#define RTX_PKI_PRIV_H

#include <openssl/x509.h>

#include "engine/pki.h"

struct pki_cred {
	EVP_PKEY *key;             /* NULL for an x509-pem file */
	STACK_OF(X509) *certs;     /* see pki_cred_cert() for the order */
	size_t n_send;             /* leading certs that go into CERT payloads */
};

struct pki_crl {
	X509_CRL *crl;
};

#endif

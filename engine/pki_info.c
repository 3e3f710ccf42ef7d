/* Summaries of certificates and CRLs for `show pki certificate summary`
 * and `show pki crl`: plain text fields, formatted by the shell. Strings
 * from certificates are the peer's (or a file's) bytes, so control
 * characters are escaped before they reach a terminal. */
#include "engine/pki.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/err.h"
#include "engine/pki_priv.h"

/* Copies with a visible cut: an operator must see that a DN was longer.
 * The cut backs off to a UTF-8 character boundary. */
static void copy_cut(char *dst, size_t cap, const char *src, size_t len)
{
	size_t cut = cap - 4;

	if (len < cap) {
		memcpy(dst, src, len);
		dst[len] = '\0';
		return;
	}
	while (cut > 0 && ((unsigned char)src[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(dst, src, cut);
	memcpy(dst + cut, "...", 4);
}

/* "C=JP, O=Example, CN=gw1": encoding order, as strongSwan and Yamaha
 * print names, UTF-8 kept, control characters escaped (RFC 2253 style). */
static int name_text(const X509_NAME *name, char *buf, size_t cap)
{
	const unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) |
				    XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
				    XN_FLAG_DUMP_UNKNOWN_FIELDS;
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;

	if (!b)
		return -RTX_ENOMEM;
	if (X509_NAME_print_ex(b, name, 0, flags) < 0) {
		BIO_free(b);
		ERR_clear_error();
		return -RTX_EPARSE;
	}
	len = BIO_get_mem_data(b, &p);
	copy_cut(buf, cap, p, len > 0 ? (size_t)len : 0);
	BIO_free(b);
	return 0;
}

static int time_of(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm)) {
		ERR_clear_error();
		return -RTX_EPARSE;
	}
	*out = timegm(&tm);
	return 0;
}

static int serial_text(const ASN1_INTEGER *serial, char *buf, size_t cap)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	BN_free(bn);
	if (!hex) {
		ERR_clear_error();
		return -RTX_ENOMEM;
	}
	copy_cut(buf, cap, hex, strlen(hex));
	OPENSSL_free(hex);
	return 0;
}

/* Appends "sep label value" to a growing line; printable ASCII only. */
struct line {
	char *buf;
	size_t cap, len;
	bool cut;
};

static void line_add(struct line *l, const char *label, const unsigned char *v, size_t n)
{
	char tmp[PKI_TEXT_MAX];
	size_t k = (size_t)snprintf(tmp, sizeof(tmp), "%s%s", l->len ? ", " : "", label);

	for (size_t i = 0; i < n && k + 1 < sizeof(tmp); i++)
		tmp[k++] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '?';
	tmp[k] = '\0';
	if (l->cut || l->len + k + 4 > l->cap) {
		if (!l->cut && l->len + 4 <= l->cap)
			memcpy(l->buf + l->len, "...", 4);
		l->cut = true;
		return;
	}
	memcpy(l->buf + l->len, tmp, k + 1);
	l->len += k;
}

static void san_one(struct line *l, const GENERAL_NAME *g)
{
	char addr[INET6_ADDRSTRLEN], dn[PKI_TEXT_MAX];
	const ASN1_OCTET_STRING *ip = g->d.iPAddress;

	switch (g->type) {
	case GEN_DNS:
		line_add(l, "DNS:", g->d.dNSName->data, (size_t)g->d.dNSName->length);
		break;
	case GEN_EMAIL:
		line_add(l, "email:", g->d.rfc822Name->data, (size_t)g->d.rfc822Name->length);
		break;
	case GEN_URI:
		line_add(l, "URI:", g->d.uniformResourceIdentifier->data,
			 (size_t)g->d.uniformResourceIdentifier->length);
		break;
	case GEN_IPADD:
		if ((ip->length == 4 && inet_ntop(AF_INET, ip->data, addr, sizeof(addr))) ||
		    (ip->length == 16 && inet_ntop(AF_INET6, ip->data, addr, sizeof(addr))))
			line_add(l, "IP:", (const unsigned char *)addr, strlen(addr));
		else
			line_add(l, "IP:", (const unsigned char *)"(malformed)", 11);
		break;
	case GEN_DIRNAME:
		if (!name_text(g->d.directoryName, dn, sizeof(dn)))
			line_add(l, "DirName:", (const unsigned char *)dn, strlen(dn));
		break;
	default:
		line_add(l, "other", (const unsigned char *)"", 0);
		break;
	}
}

static void san_text(const X509 *cert, char *buf, size_t cap)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	struct line l = { buf, cap, 0, false };

	buf[0] = '\0';
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++)
		san_one(&l, sk_GENERAL_NAME_value(gens, i));
	GENERAL_NAMES_free(gens);
	ERR_clear_error();   /* no SAN extension is not an error */
}

static bool is_ca(const X509 *cert)
{
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(cert, NID_basic_constraints, NULL, NULL);
	bool ca = bc && bc->ca;

	BASIC_CONSTRAINTS_free(bc);
	ERR_clear_error();
	return ca;
}

int pki_cert_info(const X509 *cert, struct pki_cert_info *info)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	int rc;

	memset(info, 0, sizeof(*info));
	rc = name_text(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
	if (!rc)
		rc = name_text(X509_get_issuer_name(cert), info->issuer, sizeof(info->issuer));
	if (!rc)
		rc = serial_text(X509_get0_serialNumber(cert), info->serial,
				 sizeof(info->serial));
	if (!rc)
		rc = time_of(X509_get0_notBefore(cert), &info->not_before);
	if (!rc)
		rc = time_of(X509_get0_notAfter(cert), &info->not_after);
	if (rc)
		return rc;
	pki_key_describe(key, info->key, sizeof(info->key));
	info->key_supported = pki_key_type(key, NULL) != PKI_KEY_UNSUPPORTED;
	ERR_clear_error();   /* an unparsable key only reads "unknown" */
	info->is_ca = is_ca(cert);
	san_text(cert, info->san, sizeof(info->san));
	return 0;
}

int pki_crl_info(const struct pki_crl *crl, struct pki_crl_info *info)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl->crl);
	int rc;

	memset(info, 0, sizeof(*info));
	rc = name_text(X509_CRL_get_issuer(crl->crl), info->issuer, sizeof(info->issuer));
	if (!rc)
		rc = time_of(X509_CRL_get0_lastUpdate(crl->crl), &info->this_update);
	if (!rc && next) {
		rc = time_of(next, &info->next_update);
		info->has_next_update = !rc;
	}
	info->n_revoked = (size_t)sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl->crl));
	return rc;
}

int pki_crl_revoked(const struct pki_crl *crl, size_t i, char *serial, size_t cap,
		    time_t *when)
{
	STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(crl->crl);
	X509_REVOKED *r;
	int rc;

	if (i >= (size_t)sk_X509_REVOKED_num(rev))
		return -RTX_ENOENT;
	r = sk_X509_REVOKED_value(rev, (int)i);
	rc = serial_text(X509_REVOKED_get0_serialNumber(r), serial, cap);
	if (!rc && when)
		rc = time_of(X509_REVOKED_get0_revocationDate(r), when);
	return rc;
}

int pki_dn_text(const uint8_t *der, size_t len, char *buf, size_t cap)
{
	const unsigned char *p = der;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)len);
	if (!name || p != der + len) {
		X509_NAME_free(name);
		ERR_clear_error();
		return -RTX_EPARSE;
	}
	int rc = name_text(name, buf, cap);
	X509_NAME_free(name);
	return rc;
}

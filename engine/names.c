/* IANA registries "Internet Key Exchange Version 2 (IKEv2) Parameters", as
 * sparse tables: one row per value, looked up linearly (the tables are
 * small and only printing or error paths read them). */
#include "engine/names.h"

#include <stdio.h>
#include <string.h>

#include "engine/alg.h"
#include "engine/iana.h"

struct name {
	unsigned value;
	const char *name;
};

/* Most rows are named by their constant minus the registry prefix: with
 * X(c) defined as { IKEV2_N_##c, #c }, X(COOKIE) is { IKEV2_N_COOKIE,
 * "COOKIE" }, so a name cannot drift from its constant. */
#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const char *lookup(const struct name *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

static int rlookup(const struct name *t, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, s) == 0)
			return (int)t[i].value;
	return -1;
}

/* The spelling of the seed's log lines, not IANA's. */
static const struct name payloads[] = {
	{ IKEV2_PAYLOAD_SA, "SA" }, { IKEV2_PAYLOAD_KE, "KE" },
	{ IKEV2_PAYLOAD_IDI, "IDi" }, { IKEV2_PAYLOAD_IDR, "IDr" },
	{ IKEV2_PAYLOAD_CERT, "CERT" }, { IKEV2_PAYLOAD_CERTREQ, "CERTREQ" },
	{ IKEV2_PAYLOAD_AUTH, "AUTH" }, { IKEV2_PAYLOAD_NONCE, "Nonce" },
	{ IKEV2_PAYLOAD_NOTIFY, "Notify" }, { IKEV2_PAYLOAD_DELETE, "Delete" },
	{ IKEV2_PAYLOAD_VENDOR, "Vendor ID" }, { IKEV2_PAYLOAD_TSI, "TSi" },
	{ IKEV2_PAYLOAD_TSR, "TSr" }, { IKEV2_PAYLOAD_SK, "Encrypted" },
	{ IKEV2_PAYLOAD_CP, "CP" }, { IKEV2_PAYLOAD_EAP, "EAP" },
	{ IKEV2_PAYLOAD_GSPM, "GSPM" }, { IKEV2_PAYLOAD_SKF, "Encrypted Fragment" },
};

#define X(c) { IKEV2_EXCH_##c, #c }
static const struct name exchanges[] = {
	X(IKE_SA_INIT), X(IKE_AUTH), X(CREATE_CHILD_SA), X(INFORMATIONAL),
	X(IKE_SESSION_RESUME), X(IKE_INTERMEDIATE), X(IKE_FOLLOWUP_KE),
};
#undef X

#define X(c) { IKEV2_N_##c, #c }
static const struct name notifies[] = {
	/* errors, RFC 7296 section 3.10.1 */
	X(UNSUPPORTED_CRITICAL_PAYLOAD), X(INVALID_IKE_SPI), X(INVALID_MAJOR_VERSION),
	X(INVALID_SYNTAX), X(INVALID_MESSAGE_ID), X(INVALID_SPI), X(NO_PROPOSAL_CHOSEN),
	X(INVALID_KE_PAYLOAD), X(AUTHENTICATION_FAILED), X(SINGLE_PAIR_REQUIRED),
	X(NO_ADDITIONAL_SAS), X(INTERNAL_ADDRESS_FAILURE), X(FAILED_CP_REQUIRED),
	X(TS_UNACCEPTABLE), X(INVALID_SELECTORS), X(UNACCEPTABLE_ADDRESSES),
	X(UNEXPECTED_NAT_DETECTED), X(USE_ASSIGNED_HoA), X(TEMPORARY_FAILURE),
	X(CHILD_SA_NOT_FOUND), X(INVALID_GROUP_ID), X(AUTHORIZATION_FAILED),
	X(STATE_NOT_FOUND),
	/* status */
	X(INITIAL_CONTACT), X(SET_WINDOW_SIZE), X(ADDITIONAL_TS_POSSIBLE),
	X(IPCOMP_SUPPORTED), X(NAT_DETECTION_SOURCE_IP), X(NAT_DETECTION_DESTINATION_IP),
	X(COOKIE), X(USE_TRANSPORT_MODE), X(HTTP_CERT_LOOKUP_SUPPORTED), X(REKEY_SA),
	X(ESP_TFC_PADDING_NOT_SUPPORTED), X(NON_FIRST_FRAGMENTS_ALSO),
	X(MOBIKE_SUPPORTED), X(ADDITIONAL_IP4_ADDRESS), X(ADDITIONAL_IP6_ADDRESS),
	X(NO_ADDITIONAL_ADDRESSES), X(UPDATE_SA_ADDRESSES), X(COOKIE2),
	X(NO_NATS_ALLOWED), X(AUTH_LIFETIME), X(MULTIPLE_AUTH_SUPPORTED),
	X(ANOTHER_AUTH_FOLLOWS), X(REDIRECT_SUPPORTED), X(REDIRECT), X(REDIRECTED_FROM),
	X(TICKET_LT_OPAQUE), X(TICKET_REQUEST), X(TICKET_ACK), X(TICKET_NACK),
	X(TICKET_OPAQUE), X(LINK_ID), X(USE_WESP_MODE), X(ROHC_SUPPORTED),
	X(EAP_ONLY_AUTHENTICATION), X(CHILDLESS_IKEV2_SUPPORTED),
	X(QUICK_CRASH_DETECTION), X(IKEV2_MESSAGE_ID_SYNC_SUPPORTED),
	X(IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED), X(IKEV2_MESSAGE_ID_SYNC),
	X(IPSEC_REPLAY_COUNTER_SYNC), X(SECURE_PASSWORD_METHODS), X(PSK_PERSIST),
	X(PSK_CONFIRM), X(ERX_SUPPORTED), X(IFOM_CAPABILITY), X(SENDER_REQUEST_ID),
	X(IKEV2_FRAGMENTATION_SUPPORTED), X(SIGNATURE_HASH_ALGORITHMS),
	X(CLONE_IKE_SA_SUPPORTED), X(CLONE_IKE_SA), X(PUZZLE), X(USE_PPK),
	X(PPK_IDENTITY), X(NO_PPK_AUTH), X(INTERMEDIATE_EXCHANGE_SUPPORTED),
	X(IP4_ALLOWED), X(IP6_ALLOWED), X(ADDITIONAL_KEY_EXCHANGE), X(USE_AGGFRAG),
};
#undef X

#define X(c) { IKEV2_PROTO_##c, #c }
static const struct name protocols[] = { X(IKE), X(AH), X(ESP) };
#undef X

/* Transform ids: the algorithm table (alg.c) names the ones rtxsh
 * implements; these rows, spelled the same way, name the rest of the
 * registry so a peer's proposal can still be printed. */
#define X(c) { IKEV2_##c, #c }
static const struct name encr[] = {
	X(ENCR_DES_IV64), X(ENCR_RC5), X(ENCR_IDEA), X(ENCR_CAST), X(ENCR_BLOWFISH),
	X(ENCR_3IDEA), X(ENCR_DES_IV32), X(ENCR_NULL), X(ENCR_AES_CTR),
	X(ENCR_AES_CCM_8), X(ENCR_AES_CCM_12), X(ENCR_AES_CCM_16), X(ENCR_AES_GCM_8),
	X(ENCR_AES_GCM_12), X(ENCR_NULL_AUTH_AES_GMAC), X(ENCR_CAMELLIA_CBC),
	X(ENCR_CAMELLIA_CTR), X(ENCR_CAMELLIA_CCM_8), X(ENCR_CAMELLIA_CCM_12),
	X(ENCR_CAMELLIA_CCM_16),
};

static const struct name prf[] = {
	X(PRF_HMAC_TIGER), X(PRF_AES128_XCBC), X(PRF_AES128_CMAC),
};

static const struct name integ[] = {
	X(AUTH_DES_MAC), X(AUTH_KPDK_MD5), X(AUTH_AES_XCBC_96), X(AUTH_HMAC_MD5_128),
	X(AUTH_HMAC_SHA1_160), X(AUTH_AES_CMAC_96), X(AUTH_AES_128_GMAC),
	X(AUTH_AES_192_GMAC), X(AUTH_AES_256_GMAC),
};

static const struct name id_types[] = {
	X(ID_IPV4_ADDR), X(ID_FQDN), X(ID_RFC822_ADDR), X(ID_IPV6_ADDR),
	X(ID_DER_ASN1_DN), X(ID_DER_ASN1_GN), X(ID_KEY_ID), X(ID_FC_NAME), X(ID_NULL),
};

static const struct name ts_types[] = {
	X(TS_IPV4_ADDR_RANGE), X(TS_IPV6_ADDR_RANGE), X(TS_FC_ADDR_RANGE),
};

static const struct name cp_types[] = {
	X(CFG_REQUEST), X(CFG_REPLY), X(CFG_SET), X(CFG_ACK),
};
#undef X

#define X(c) { IKEV2_DH_##c, #c }
static const struct name dh[] = {
	X(MODP_1024_160), X(MODP_2048_224), X(MODP_2048_256), X(ECP_192), X(ECP_224),
	X(BRAINPOOL_P224R1), X(BRAINPOOL_P256R1), X(BRAINPOOL_P384R1),
	X(BRAINPOOL_P512R1),
};
#undef X

#define X(c) { IKEV2_AUTH_##c, #c }
static const struct name auth_methods[] = {
	X(RSA_SIG), { IKEV2_AUTH_SHARED_KEY_MIC, "PSK" }, X(DSS_SIG),
	X(ECDSA_SHA256_P256), X(ECDSA_SHA384_P384), X(ECDSA_SHA512_P521), X(GSPM),
	X(NULL), X(DIGITAL_SIGNATURE),
};
#undef X

#define X(c) { IKEV2_CERT_##c, #c }
static const struct name cert_encodings[] = {
	X(PKCS7_X509), X(PGP), X(DNS_SIGNED_KEY), X(X509_SIGNATURE), X(KERBEROS_TOKEN),
	X(CRL), X(ARL), X(SPKI), X(X509_ATTRIBUTE), X(RAW_RSA_KEY),
	X(HASH_URL_X509_CERT), X(HASH_URL_X509_BUNDLE), X(OCSP_CONTENT),
	X(RAW_PUBLIC_KEY),
};
#undef X

#define X(c) { IKEV2_CP_##c, #c }
static const struct name cp_attrs[] = {
	X(INTERNAL_IP4_ADDRESS), X(INTERNAL_IP4_NETMASK), X(INTERNAL_IP4_DNS),
	X(INTERNAL_IP4_NBNS), X(INTERNAL_IP4_DHCP), X(APPLICATION_VERSION),
	X(INTERNAL_IP6_ADDRESS), X(INTERNAL_IP6_DNS), X(INTERNAL_IP6_DHCP),
	X(INTERNAL_IP4_SUBNET), X(SUPPORTED_ATTRIBUTES), X(INTERNAL_IP6_SUBNET),
};
#undef X

static const struct name eap_codes[] = {
	{ EAP_REQUEST, "Request" }, { EAP_RESPONSE, "Response" },
	{ EAP_SUCCESS, "Success" }, { EAP_FAILURE, "Failure" },
};

#define LOOKUP_FN(fn, table) \
	const char *fn(unsigned v) { return lookup(table, COUNT(table), v); }

LOOKUP_FN(names_payload, payloads)
LOOKUP_FN(names_exchange, exchanges)
LOOKUP_FN(names_notify, notifies)
LOOKUP_FN(names_protocol, protocols)
LOOKUP_FN(names_id_type, id_types)
LOOKUP_FN(names_auth_method, auth_methods)
LOOKUP_FN(names_cert_encoding, cert_encodings)
LOOKUP_FN(names_ts_type, ts_types)
LOOKUP_FN(names_cp_type, cp_types)
LOOKUP_FN(names_cp_attr, cp_attrs)
LOOKUP_FN(names_eap_code, eap_codes)

const char *names_transform_type(unsigned type)
{
	const char *name = alg_type_name((enum alg_type)type);
	return strcmp(name, "?") != 0 ? name : NULL;
}

const char *names_transform(unsigned type, unsigned id)
{
	if (id > UINT16_MAX)
		return NULL;
	/* alg_id_name() writes into buf only for ids it does not know. */
	char buf[24];
	const char *name = alg_id_name((enum alg_type)type, (uint16_t)id, buf, sizeof(buf));
	if (name != buf && strcmp(name, "?") != 0)
		return name;
	switch (type) {
	case ALG_ENCR: return lookup(encr, COUNT(encr), id);
	case ALG_PRF: return lookup(prf, COUNT(prf), id);
	case ALG_INTEG: return lookup(integ, COUNT(integ), id);
	case ALG_DH: return lookup(dh, COUNT(dh), id);
	default: return NULL;
	}
}

const char *names_or_num(const char *name, unsigned value, char *buf, size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "%u", value);
	return buf;
}

int names_payload_value(const char *name)
{
	return rlookup(payloads, COUNT(payloads), name);
}

int names_notify_value(const char *name)
{
	return rlookup(notifies, COUNT(notifies), name);
}

/* IANA registries "Internet Key Exchange Version 2 (IKEv2) Parameters", as
 * sparse tables: one row per value, looked up linearly (the tables are
 * small and only printing or error paths read them). */
#include "engine/names.h"

#include <stdio.h>
#include <string.h>

#include "engine/alg.h"

struct name {
	unsigned value;
	const char *name;
};

#define N(v, s) { v, s }
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

static const struct name payloads[] = {
	N(33, "SA"), N(34, "KE"), N(35, "IDi"), N(36, "IDr"), N(37, "CERT"),
	N(38, "CERTREQ"), N(39, "AUTH"), N(40, "Nonce"), N(41, "Notify"),
	N(42, "Delete"), N(43, "Vendor ID"), N(44, "TSi"), N(45, "TSr"),
	N(46, "Encrypted"), N(47, "CP"), N(48, "EAP"), N(49, "GSPM"),
	N(53, "Encrypted Fragment"),
};

static const struct name exchanges[] = {
	N(34, "IKE_SA_INIT"), N(35, "IKE_AUTH"), N(36, "CREATE_CHILD_SA"),
	N(37, "INFORMATIONAL"), N(38, "IKE_SESSION_RESUME"),
	N(43, "IKE_INTERMEDIATE"), N(44, "IKE_FOLLOWUP_KE"),
};

static const struct name notifies[] = {
	/* errors, RFC 7296 section 3.10.1 */
	N(1, "UNSUPPORTED_CRITICAL_PAYLOAD"), N(4, "INVALID_IKE_SPI"),
	N(5, "INVALID_MAJOR_VERSION"), N(7, "INVALID_SYNTAX"),
	N(9, "INVALID_MESSAGE_ID"), N(11, "INVALID_SPI"),
	N(14, "NO_PROPOSAL_CHOSEN"), N(17, "INVALID_KE_PAYLOAD"),
	N(24, "AUTHENTICATION_FAILED"), N(34, "SINGLE_PAIR_REQUIRED"),
	N(35, "NO_ADDITIONAL_SAS"), N(36, "INTERNAL_ADDRESS_FAILURE"),
	N(37, "FAILED_CP_REQUIRED"), N(38, "TS_UNACCEPTABLE"),
	N(39, "INVALID_SELECTORS"), N(40, "UNACCEPTABLE_ADDRESSES"),
	N(41, "UNEXPECTED_NAT_DETECTED"), N(42, "USE_ASSIGNED_HoA"),
	N(43, "TEMPORARY_FAILURE"), N(44, "CHILD_SA_NOT_FOUND"),
	N(45, "INVALID_GROUP_ID"), N(46, "AUTHORIZATION_FAILED"),
	N(47, "STATE_NOT_FOUND"),
	/* status */
	N(16384, "INITIAL_CONTACT"), N(16385, "SET_WINDOW_SIZE"),
	N(16386, "ADDITIONAL_TS_POSSIBLE"), N(16387, "IPCOMP_SUPPORTED"),
	N(16388, "NAT_DETECTION_SOURCE_IP"),
	N(16389, "NAT_DETECTION_DESTINATION_IP"), N(16390, "COOKIE"),
	N(16391, "USE_TRANSPORT_MODE"), N(16392, "HTTP_CERT_LOOKUP_SUPPORTED"),
	N(16393, "REKEY_SA"), N(16394, "ESP_TFC_PADDING_NOT_SUPPORTED"),
	N(16395, "NON_FIRST_FRAGMENTS_ALSO"), N(16396, "MOBIKE_SUPPORTED"),
	N(16397, "ADDITIONAL_IP4_ADDRESS"), N(16398, "ADDITIONAL_IP6_ADDRESS"),
	N(16399, "NO_ADDITIONAL_ADDRESSES"), N(16400, "UPDATE_SA_ADDRESSES"),
	N(16401, "COOKIE2"), N(16402, "NO_NATS_ALLOWED"),
	N(16403, "AUTH_LIFETIME"), N(16404, "MULTIPLE_AUTH_SUPPORTED"),
	N(16405, "ANOTHER_AUTH_FOLLOWS"), N(16406, "REDIRECT_SUPPORTED"),
	N(16407, "REDIRECT"), N(16408, "REDIRECTED_FROM"),
	N(16409, "TICKET_LT_OPAQUE"), N(16410, "TICKET_REQUEST"),
	N(16411, "TICKET_ACK"), N(16412, "TICKET_NACK"),
	N(16413, "TICKET_OPAQUE"), N(16414, "LINK_ID"),
	N(16415, "USE_WESP_MODE"), N(16416, "ROHC_SUPPORTED"),
	N(16417, "EAP_ONLY_AUTHENTICATION"), N(16418, "CHILDLESS_IKEV2_SUPPORTED"),
	N(16419, "QUICK_CRASH_DETECTION"), N(16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"),
	N(16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"),
	N(16422, "IKEV2_MESSAGE_ID_SYNC"), N(16423, "IPSEC_REPLAY_COUNTER_SYNC"),
	N(16424, "SECURE_PASSWORD_METHODS"), N(16425, "PSK_PERSIST"),
	N(16426, "PSK_CONFIRM"), N(16427, "ERX_SUPPORTED"),
	N(16428, "IFOM_CAPABILITY"), N(16429, "SENDER_REQUEST_ID"),
	N(16430, "IKEV2_FRAGMENTATION_SUPPORTED"),
	N(16431, "SIGNATURE_HASH_ALGORITHMS"),
	N(16432, "CLONE_IKE_SA_SUPPORTED"), N(16433, "CLONE_IKE_SA"),
	N(16434, "PUZZLE"), N(16435, "USE_PPK"), N(16436, "PPK_IDENTITY"),
	N(16437, "NO_PPK_AUTH"), N(16438, "INTERMEDIATE_EXCHANGE_SUPPORTED"),
	N(16439, "IP4_ALLOWED"), N(16440, "IP6_ALLOWED"),
	N(16441, "ADDITIONAL_KEY_EXCHANGE"), N(16442, "USE_AGGFRAG"),
};

static const struct name protocols[] = {
	N(1, "IKE"), N(2, "AH"), N(3, "ESP"),
};

static const struct name transform_types[] = {
	N(1, "ENCR"), N(2, "PRF"), N(3, "INTEG"), N(4, "DH"), N(5, "ESN"),
};

/* Transform ids: the algorithm table (alg.c) names the ones rtxsh
 * implements; these rows, spelled the same way, name the rest of the
 * registry so a peer's proposal can still be printed. */
static const struct name encr[] = {
	N(1, "ENCR_DES_IV64"), N(4, "ENCR_RC5"), N(5, "ENCR_IDEA"), N(6, "ENCR_CAST"),
	N(7, "ENCR_BLOWFISH"), N(8, "ENCR_3IDEA"), N(9, "ENCR_DES_IV32"),
	N(11, "ENCR_NULL"), N(13, "ENCR_AES_CTR"), N(14, "ENCR_AES_CCM_8"),
	N(15, "ENCR_AES_CCM_12"), N(16, "ENCR_AES_CCM_16"), N(18, "ENCR_AES_GCM_8"),
	N(19, "ENCR_AES_GCM_12"), N(21, "ENCR_NULL_AUTH_AES_GMAC"),
	N(23, "ENCR_CAMELLIA_CBC"), N(24, "ENCR_CAMELLIA_CTR"),
	N(25, "ENCR_CAMELLIA_CCM_8"), N(26, "ENCR_CAMELLIA_CCM_12"),
	N(27, "ENCR_CAMELLIA_CCM_16"),
};

static const struct name prf[] = {
	N(3, "PRF_HMAC_TIGER"), N(4, "PRF_AES128_XCBC"), N(8, "PRF_AES128_CMAC"),
};

static const struct name integ[] = {
	N(3, "AUTH_DES_MAC"), N(4, "AUTH_KPDK_MD5"), N(5, "AUTH_AES_XCBC_96"),
	N(6, "AUTH_HMAC_MD5_128"), N(7, "AUTH_HMAC_SHA1_160"), N(8, "AUTH_AES_CMAC_96"),
	N(9, "AUTH_AES_128_GMAC"), N(10, "AUTH_AES_192_GMAC"), N(11, "AUTH_AES_256_GMAC"),
};

static const struct name dh[] = {
	N(22, "MODP_1024_160"), N(23, "MODP_2048_224"), N(24, "MODP_2048_256"),
	N(25, "ECP_192"), N(26, "ECP_224"), N(27, "BRAINPOOL_P224R1"),
	N(28, "BRAINPOOL_P256R1"), N(29, "BRAINPOOL_P384R1"), N(30, "BRAINPOOL_P512R1"),
};

static const struct name id_types[] = {
	N(1, "ID_IPV4_ADDR"), N(2, "ID_FQDN"), N(3, "ID_RFC822_ADDR"),
	N(5, "ID_IPV6_ADDR"), N(9, "ID_DER_ASN1_DN"), N(10, "ID_DER_ASN1_GN"),
	N(11, "ID_KEY_ID"), N(12, "ID_FC_NAME"), N(13, "ID_NULL"),
};

static const struct name auth_methods[] = {
	N(1, "RSA_SIG"), N(2, "PSK"), N(3, "DSS_SIG"), N(9, "ECDSA_SHA256_P256"),
	N(10, "ECDSA_SHA384_P384"), N(11, "ECDSA_SHA512_P521"),
	N(12, "GSPM"), N(13, "NULL"), N(14, "DIGITAL_SIGNATURE"),
};

static const struct name cert_encodings[] = {
	N(1, "PKCS7_X509"), N(2, "PGP"), N(3, "DNS_SIGNED_KEY"),
	N(4, "X509_SIGNATURE"), N(6, "KERBEROS_TOKEN"), N(7, "CRL"),
	N(8, "ARL"), N(9, "SPKI"), N(10, "X509_ATTRIBUTE"), N(11, "RAW_RSA_KEY"),
	N(12, "HASH_URL_X509_CERT"), N(13, "HASH_URL_X509_BUNDLE"),
	N(14, "OCSP_CONTENT"), N(15, "RAW_PUBLIC_KEY"),
};

static const struct name ts_types[] = {
	N(7, "TS_IPV4_ADDR_RANGE"), N(8, "TS_IPV6_ADDR_RANGE"),
	N(9, "TS_FC_ADDR_RANGE"),
};

static const struct name cp_types[] = {
	N(1, "CFG_REQUEST"), N(2, "CFG_REPLY"), N(3, "CFG_SET"), N(4, "CFG_ACK"),
};

static const struct name cp_attrs[] = {
	N(1, "INTERNAL_IP4_ADDRESS"), N(2, "INTERNAL_IP4_NETMASK"),
	N(3, "INTERNAL_IP4_DNS"), N(4, "INTERNAL_IP4_NBNS"),
	N(6, "INTERNAL_IP4_DHCP"), N(7, "APPLICATION_VERSION"),
	N(8, "INTERNAL_IP6_ADDRESS"), N(10, "INTERNAL_IP6_DNS"),
	N(12, "INTERNAL_IP6_DHCP"), N(13, "INTERNAL_IP4_SUBNET"),
	N(14, "SUPPORTED_ATTRIBUTES"), N(15, "INTERNAL_IP6_SUBNET"),
};

static const struct name eap_codes[] = {
	N(1, "Request"), N(2, "Response"), N(3, "Success"), N(4, "Failure"),
};

#define LOOKUP_FN(fn, table) \
	const char *fn(unsigned v) { return lookup(table, COUNT(table), v); }

LOOKUP_FN(names_payload, payloads)
LOOKUP_FN(names_exchange, exchanges)
LOOKUP_FN(names_notify, notifies)
LOOKUP_FN(names_protocol, protocols)
LOOKUP_FN(names_transform_type, transform_types)
LOOKUP_FN(names_id_type, id_types)
LOOKUP_FN(names_auth_method, auth_methods)
LOOKUP_FN(names_cert_encoding, cert_encodings)
LOOKUP_FN(names_ts_type, ts_types)
LOOKUP_FN(names_cp_type, cp_types)
LOOKUP_FN(names_cp_attr, cp_attrs)
LOOKUP_FN(names_eap_code, eap_codes)

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

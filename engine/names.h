/* IANA value -> name tables for everything the codec prints or logs, keyed
 * by the constants of iana.h and alg.h. Each lookup returns NULL for a
 * value it does not know; names_or_num() turns that into the decimal
 * number so callers always get a string. */
#ifndef RTX_NAMES_H
#define RTX_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* The one spelling of a payload in log lines: "SA", "KE", "IDi", "Nonce",
 * "Notify", "TSi", "Encrypted", ... */
const char *names_payload(unsigned type);
const char *names_exchange(unsigned type);
const char *names_notify(unsigned type);
const char *names_protocol(unsigned proto);
const char *names_transform_type(unsigned type);
/* The transform id's name within its type ("AES_CBC", "HMAC_SHA2_256"). */
const char *names_transform(unsigned type, unsigned id);
const char *names_id_type(unsigned type);
const char *names_auth_method(unsigned method);
const char *names_cert_encoding(unsigned enc);
const char *names_ts_type(unsigned type);
const char *names_cp_type(unsigned type);
const char *names_cp_attr(unsigned type);
const char *names_eap_code(unsigned code);

/* name, or value in decimal written to buf. */
const char *names_or_num(const char *name, unsigned value, char *buf, size_t len);

/* Reverse lookups for tests and config parsing: -1 if unknown. */
int names_payload_value(const char *name);
int names_notify_value(const char *name);

#endif

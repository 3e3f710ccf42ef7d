/* Internal error codes: functions return 0 or a negative enum rtx_err. */
#ifndef RTX_ERR_H
#define RTX_ERR_H

enum rtx_err {
	RTX_OK = 0,
	RTX_ENOMEM = 1,   /* allocation failed */
	RTX_EINVAL,       /* bad argument from the caller */
	RTX_EPARSE,       /* malformed input (packet, config line) */
	RTX_ERANGE,       /* value outside its allowed range */
	RTX_ENOENT,       /* no such object */
	RTX_EEXIST,       /* object already exists */
	RTX_ECRYPTO,      /* OpenSSL reported a failure */
	RTX_EAUTH,        /* integrity check or authentication failed */
	RTX_ENOPROP,      /* no acceptable proposal */
	RTX_EKERNEL,      /* kernel backend operation failed */
	RTX_EIO,          /* system call failed, errno tells more */
	RTX_EUNSUPP,      /* valid but not supported */
};

const char *rtx_strerror(int err);

#endif

#include "base/err.h"

const char *rtx_strerror(int err)
{
	static const char *const text[] = {
		[RTX_OK] = "success",
		[RTX_ENOMEM] = "out of memory",
		[RTX_EINVAL] = "invalid argument",
		[RTX_EPARSE] = "malformed input",
		[RTX_ERANGE] = "value out of range",
		[RTX_ENOENT] = "not found",
		[RTX_EEXIST] = "already exists",
		[RTX_ECRYPTO] = "cryptographic operation failed",
		[RTX_EAUTH] = "authentication failed",
		[RTX_ENOPROP] = "no proposal chosen",
		[RTX_EKERNEL] = "kernel operation failed",
		[RTX_EIO] = "I/O error",
		[RTX_EUNSUPP] = "not supported",
	};
	if (err < 0)
		err = -err;
	if ((unsigned)err >= sizeof(text) / sizeof(text[0]) || !text[err])
		return "unknown error";
	return text[err];
}

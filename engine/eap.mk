# EAP-MD5 (RFC 3748, RFC 1994) and its use in IKE_AUTH (RFC 7296 2.16).
libengine_a_SOURCES += engine/eap_md5.h engine/eap_md5.c engine/user.h engine/user.c

check_PROGRAMS += tests/unit/test_eap_md5
TESTS += tests/unit/test_eap_md5
tests_unit_test_eap_md5_SOURCES = tests/unit/test_eap_md5.c
tests_unit_test_eap_md5_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_eap_md5_LDADD = $(TEST_LDADD)

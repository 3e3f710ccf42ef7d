# Certificates and signature authentication (RFC 7296 3.6-3.8, RFC 4754,
# RFC 7427): sources, and tests sharing a test PKI built at run time.
libengine_a_SOURCES += \
	engine/pki.h engine/pki_priv.h engine/pki.c engine/pki_info.c \
	engine/pki_verify.c engine/pki_id.c engine/pki_store.h engine/pki_store.c \
	engine/auth_sig.h engine/auth_sig.c engine/auth_cert.h engine/auth_cert.c \
	engine/sig_job.h engine/sig_job.c

PKI_TESTS = tests/unit/test_pki tests/unit/test_auth_sig
check_PROGRAMS += $(PKI_TESTS)
TESTS += $(PKI_TESTS)
PKI_FIXTURE = tests/pki_fixture.h tests/pki_fixture.c
tests_unit_test_pki_SOURCES = tests/unit/test_pki.c $(PKI_FIXTURE)
tests_unit_test_pki_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_pki_LDADD = $(TEST_LDADD)
tests_unit_test_auth_sig_SOURCES = tests/unit/test_auth_sig.c $(PKI_FIXTURE)
tests_unit_test_auth_sig_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_auth_sig_LDADD = $(TEST_LDADD)

# Two routers authenticating with certificates (tests/ike_pair.c).
check_PROGRAMS += tests/unit/test_ike_cert
TESTS += tests/unit/test_ike_cert
tests_unit_test_ike_cert_SOURCES = tests/unit/test_ike_cert.c $(PKI_FIXTURE) $(IKE_PAIR)
tests_unit_test_ike_cert_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_cert_LDADD = $(TEST_LDADD)

# The pki commands of the shell on files of the test PKI.
check_PROGRAMS += tests/unit/test_pki_cmd
TESTS += tests/unit/test_pki_cmd
tests_unit_test_pki_cmd_SOURCES = tests/unit/test_pki_cmd.c $(PKI_FIXTURE)
tests_unit_test_pki_cmd_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_pki_cmd_LDADD = $(TEST_LDADD)

# IKE fragmentation with an RSA-4096 chain of three (keys made at test
# time: a few seconds).
check_PROGRAMS += tests/unit/test_ike_frag
TESTS += tests/unit/test_ike_frag
tests_unit_test_ike_frag_SOURCES = tests/unit/test_ike_frag.c $(IKE_PAIR)
tests_unit_test_ike_frag_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ike_frag_LDADD = $(TEST_LDADD)

# Two rtxsh processes over loopback UDP with an RSA-4096 chain of three
# (openssl CLI; skipped without it); the interop cells' PKI maker.
TESTS += tests/loopback/two_routers_cert.sh
EXTRA_DIST += tests/loopback/two_routers_cert.sh tests/interop/pki.sh doc/pki.md

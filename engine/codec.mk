# IKEv2 message codec (payloads, message rules, names): sources and tests.
libengine_a_SOURCES += \
	engine/iana.h engine/wire.h engine/wire.c \
	engine/payload_sa.h engine/payload_sa.c engine/payload_ke.h engine/payload_ke.c \
	engine/payload_id.h engine/payload_id.c engine/payload_cert.h engine/payload_cert.c \
	engine/payload_auth.h engine/payload_auth.c \
	engine/payload_nonce.h engine/payload_nonce.c \
	engine/payload_notify.h engine/payload_notify.c \
	engine/payload_delete.h engine/payload_delete.c \
	engine/payload_vendor.h engine/payload_vendor.c \
	engine/payload_ts.h engine/payload_ts.c engine/payload_cp.h engine/payload_cp.c \
	engine/payload_eap.h engine/payload_eap.c engine/payload_sk.h engine/payload_sk.c \
	engine/payload.h engine/payload.c engine/payload_dump.c \
	engine/msg_rules.h engine/msg_rules.c engine/msg.h engine/msg.c \
	engine/names.h engine/names.c

CODEC_TESTS = tests/unit/test_payload tests/unit/test_payload_skf \
	tests/unit/test_msg tests/unit/test_msg_rules tests/unit/test_msg_tshark \
	tests/unit/test_names
check_PROGRAMS += $(CODEC_TESTS)
TESTS += $(CODEC_TESTS)
tests_unit_test_payload_SOURCES = tests/unit/test_payload.c tests/unit/codec_util.h
tests_unit_test_payload_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_payload_LDADD = $(TEST_LDADD)
tests_unit_test_payload_skf_SOURCES = tests/unit/test_payload_skf.c tests/unit/codec_util.h
tests_unit_test_payload_skf_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_payload_skf_LDADD = $(TEST_LDADD)
tests_unit_test_msg_rules_SOURCES = tests/unit/test_msg_rules.c tests/unit/codec_util.h
tests_unit_test_msg_rules_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_msg_rules_LDADD = $(TEST_LDADD)
tests_unit_test_msg_tshark_SOURCES = tests/unit/test_msg_tshark.c tests/unit/codec_util.h
tests_unit_test_msg_tshark_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_msg_tshark_LDADD = $(TEST_LDADD)
tests_unit_test_names_SOURCES = tests/unit/test_names.c
tests_unit_test_names_CFLAGS = $(TEST_CFLAGS) \
	-DIANA_H='"$(abs_top_srcdir)/engine/iana.h"' -DALG_H='"$(abs_top_srcdir)/engine/alg.h"'
tests_unit_test_names_LDADD = $(TEST_LDADD)
tests_unit_test_msg_SOURCES = tests/unit/test_msg.c tests/unit/codec_util.h
tests_unit_test_msg_CFLAGS = $(TEST_CFLAGS) -DPACKET_DIR='"$(abs_top_srcdir)/testdata/packets"'
tests_unit_test_msg_LDADD = $(TEST_LDADD)
EXTRA_DIST += testdata/packets

if ENABLE_FUZZING
FUZZ_TARGETS += tests/fuzz/fuzz_msg
noinst_PROGRAMS += tests/fuzz/fuzz_msg
tests_fuzz_fuzz_msg_SOURCES = tests/fuzz/fuzz_msg.c
tests_fuzz_fuzz_msg_CFLAGS = $(FUZZER_CFLAGS)
tests_fuzz_fuzz_msg_LDFLAGS = $(FUZZER_LINK)
tests_fuzz_fuzz_msg_LDADD = $(RTX_LIBS) $(RTX_EXTERNAL_LIBS)
endif

# Why a negotiation failed, kept per gateway for `show ipsec sa gateway N
# diagnosis` (issue 17).
libengine_a_SOURCES += engine/diagnosis.h engine/diagnosis.c

check_PROGRAMS += tests/unit/test_diagnosis
TESTS += tests/unit/test_diagnosis
tests_unit_test_diagnosis_SOURCES = tests/unit/test_diagnosis.c $(IKE_PAIR)
tests_unit_test_diagnosis_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_diagnosis_LDADD = $(TEST_LDADD)

# Crypto suite (algorithm table, DH, PRF, key derivation, SK protection): sources and tests.
libengine_a_SOURCES += \
	engine/alg.h engine/alg.c \
	engine/crypto.h engine/crypto.c \
	engine/dh.h engine/dh.c \
	engine/prf.h engine/prf.c \
	engine/keys.h engine/keys.c \
	engine/sk.h engine/sk.c

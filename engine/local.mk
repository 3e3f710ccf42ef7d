noinst_LIBRARIES += libengine.a
libengine_a_SOURCES = \
	engine/err.h engine/err.c \
	engine/clock.h engine/clock.c \
	engine/log.h engine/log.c \
	engine/model.h engine/model.c \
	engine/router.h engine/router.c

# Each part of the engine lists its own files and tests in its fragment.
include engine/codec.mk
include engine/crypto.mk

# Crypto suite (algorithm table, DH, PRF, key derivation, SK protection): sources and tests.

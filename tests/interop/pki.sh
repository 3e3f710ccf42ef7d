# A test PKI for the certificate cells, made with the openssl CLI at test
# time (as doc/pki.md tells an operator to): a root CA, a CA nobody
# trusts, rtxsh's certificate (a.example, as a PKCS#12 bundle with the
# root) and charon's (b.example), a revoked charon certificate and the
# root's CRL listing it. Sourced by lib.sh's users.

PKI_PASS=interop-p12

# pki_key KIND OUT: rsa (RSA-2048) or ecdsa (P-256).
pki_key() {
	case $1 in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
	ecdsa) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" 2>/dev/null ;;
	*) it_die "pki_key: unknown key kind $1" ;;
	esac
}

# pki_ca DIR NAME KIND: a self-signed CA NAME.pem / NAME.key.
pki_ca() {
	pki_key "$3" "$1/$2.key"
	openssl req -x509 -new -key "$1/$2.key" -out "$1/$2.pem" -days 3650 -sha256 \
		-subj "/O=rtxsh interop/CN=$2" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# pki_leaf DIR NAME KIND CA SERIAL FQDN: NAME.pem / NAME.key signed by CA.
pki_leaf() {
	local d=$1
	pki_key "$3" "$d/$2.key"
	openssl req -new -key "$d/$2.key" -out "$d/$2.csr" -subj "/O=rtxsh interop/CN=$6" 2>/dev/null
	printf '%s\n' "subjectAltName=DNS:$6" "keyUsage=critical,digitalSignature" \
		"basicConstraints=CA:FALSE" >"$d/$2.ext"
	openssl x509 -req -in "$d/$2.csr" -CA "$d/$4.pem" -CAkey "$d/$4.key" -set_serial "$5" \
		-days 365 -sha256 -extfile "$d/$2.ext" -out "$d/$2.pem" 2>/dev/null
}

# pki_make DIR KIND: the whole set (see the header) into DIR.
pki_make() {
	local d=$1 k=$2
	mkdir -p "$d"
	pki_ca "$d" root "$k"
	pki_ca "$d" rogue "$k"
	pki_leaf "$d" a "$k" root 1001 a.example
	pki_leaf "$d" b "$k" root 1002 b.example
	pki_leaf "$d" b-revoked "$k" root 1003 b.example
	pki_leaf "$d" b-rogue "$k" rogue 1004 b.example
	pki_leaf "$d" a-rogue "$k" rogue 1005 a.example
	openssl pkcs12 -export -inkey "$d/a.key" -in "$d/a.pem" -certfile "$d/root.pem" \
		-passout "pass:$PKI_PASS" -out "$d/a.p12" 2>/dev/null
	openssl pkcs12 -export -inkey "$d/a-rogue.key" -in "$d/a-rogue.pem" -certfile "$d/rogue.pem" \
		-passout "pass:$PKI_PASS" -out "$d/a-rogue.p12" 2>/dev/null
	# The CRL: openssl ca keeps its state in an index file.
	: >"$d/index.txt"
	echo 01 >"$d/crlnumber"
	cat >"$d/ca.cnf" <<CNF
[ ca ]
default_ca = root
[ root ]
database = $d/index.txt
crlnumber = $d/crlnumber
default_md = sha256
default_crl_days = 30
CNF
	openssl ca -config "$d/ca.cnf" -keyfile "$d/root.key" -cert "$d/root.pem" \
		-revoke "$d/b-revoked.pem" >/dev/null 2>&1
	openssl ca -config "$d/ca.cnf" -keyfile "$d/root.key" -cert "$d/root.pem" \
		-gencrl -out "$d/crl.pem" >/dev/null 2>&1
	[ -s "$d/a.p12" ] && [ -s "$d/b.pem" ] && [ -s "$d/crl.pem" ] || it_die "pki_make: openssl failed in $d"
}

# pki_ra_server DIR: what a remote-access server needs (tests/interop/eap.sh,
# ra-cells.sh): a CA (ca.pem) and the server's P-256 certificate for
# vpn.example (srv.pem, srv.key), bundled with the CA in srv.p12
# (password interop).
pki_ra_server() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.pem" -days 30 -subj "/CN=rtxsh interop CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/srv.key" -out "$d/srv.csr" -subj "/CN=vpn.example" 2>/dev/null &&
	printf 'subjectAltName=DNS:vpn.example\nkeyUsage=critical,digitalSignature\n' >"$d/ext" &&
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -out "$d/srv.pem" -days 20 -extfile "$d/ext" 2>/dev/null &&
	openssl pkcs12 -export -inkey "$d/srv.key" -in "$d/srv.pem" -certfile "$d/ca.pem" \
		-out "$d/srv.p12" -passout pass:interop 2>/dev/null || it_die "openssl"
}

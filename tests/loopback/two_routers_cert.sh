#!/bin/sh
# Two rtxsh processes (sim kernel) authenticate each other with
# certificates over real UDP on the loopback: an RSA-4096 chain of three
# (root, intermediate, router) made here with the openssl CLI, so IKE_AUTH
# does not fit 1280 octets and both sides fragment it (RFC 7383). The
# bundles are named relative to the config files' directory. Skips (77)
# without the openssl command.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "SKIP: no openssl command"; exit 77; }

# ---- the PKI -----------------------------------------------------------------
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$T/$1.key" 2>/dev/null; }
# cert NAME ISSUER EXT SUBJECT-CN
cert() {
	openssl req -new -key "$T/$1.key" -out "$T/$1.csr" -subj "/O=rtxsh loopback/CN=$4" 2>/dev/null &&
		printf '%s\n' $3 >"$T/$1.ext" &&
		openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.pem" -CAkey "$T/$2.key" \
			-set_serial "$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')" -days 30 -sha256 \
			-extfile "$T/$1.ext" -out "$T/$1.pem" 2>/dev/null
}
key root && openssl req -x509 -new -key "$T/root.key" -out "$T/root.pem" -days 30 -sha256 \
	-subj "/O=rtxsh loopback/CN=root" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || fail "openssl: root CA"
CA_EXT="basicConstraints=critical,CA:TRUE keyUsage=critical,keyCertSign,cRLSign"
key inter && cert inter root "$CA_EXT" intermediate || fail "openssl: intermediate CA"
cat "$T/inter.pem" "$T/root.pem" >"$T/chain.pem"
for r in a b; do
	key "$r" && cert "$r" inter "subjectAltName=DNS:$r.example keyUsage=critical,digitalSignature" \
		"$r.example" &&
		openssl pkcs12 -export -inkey "$T/$r.key" -in "$T/$r.pem" -certfile "$T/chain.pem" \
			-passout pass:loop-p12 -out "$T/$r.p12" 2>/dev/null || fail "openssl: router $r"
done

# config SELF PEER PEER_LAN NAME PEER_NAME [extra line]
config() {
	cat <<EOC
syslog debug on
$6
pki certificate file 1 $4.p12 pkcs12 loop-p12
ip route $3 gateway tunnel 1
tunnel select 1
 ipsec tunnel 1
  ipsec sa policy 1 1 esp aes-cbc sha-hmac
  ipsec ike version 1 2
  ipsec ike encryption 1 aes-cbc
  ipsec ike hash 1 sha256
  ipsec ike group 1 modp2048
  ipsec ike pki file 1 certificate=1
  ipsec ike local address 1 $1
  ipsec ike local name 1 $4.example fqdn
  ipsec ike remote address 1 $2
  ipsec ike remote name 1 $5.example fqdn
 tunnel enable 1
EOC
}
config 127.0.0.1 127.0.0.2 10.2.0.0/24 a b "ipsec auto refresh on" >"$T/a.conf"
config 127.0.0.2 127.0.0.1 10.1.0.0/24 b a "" >"$T/b.conf"

start_pair 30000
grep -q Error "$T/a.err" "$T/b.err" && fail "a config line was refused"

wait_for a "1 1 1"
wait_for b "1 1 1"

ask a "show pki certificate summary 1" | grep -q "CN=a.example" || fail "show pki certificate summary"
ask a "show pki certificate summary 1" | grep -qi "private key-----" && fail "a private key was printed"
for r in a b; do
	grep -q "/AUTH message of [0-9]* octets sent in [0-9]* fragments (fragment size 1280)" "$T/$r.log" ||
		fail "router $r sent IKE_AUTH unfragmented"
done
echo "established with RSA-4096 certificates; IKE_AUTH fragmented both ways:"
grep -h "sent in" "$T/a.log" "$T/b.log" | sed 's/^.*\[IKE2\] /  /'

for r in a b; do
	eval "pid=\$P$(echo "$r" | tr ab AB)"
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	[ "$st" = 0 ] || fail "router $r exit status $st after SIGTERM"
done
PA= PB=
exit 0

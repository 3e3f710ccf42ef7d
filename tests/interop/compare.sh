# What both sides agree on: the SAs each lists, and the wire as tshark
# reads it with the session keys. Sourced by lib.sh.

# ---- SA listings ----------------------------------------------------------

# charon_ike_spis NAME: "spi_i spi_r" (16 hex digits each) of every IKE SA;
# ike_spis_of reads a `swanctl --list-sas` listing on stdin.
ike_spis_of() {
	sed -n 's/.*IKEv2, \([0-9a-f]\{16\}\)_i\*\{0,1\} \([0-9a-f]\{16\}\)_r.*/\1 \2/p'
}
charon_ike_spis() { sw "$1" --list-sas 2>/dev/null | ike_spis_of; }

# charon_child_spis NAME: "in out" (8 hex digits each) of every CHILD SA
# charon still uses. A CHILD SA it has sent or received a delete for is
# left out: charon keeps a rekeyed SA's inbound half listed as DELETED for
# a few seconds (delete_rekeyed_delay), the peer has dropped it already.
child_spis_of() {
	awk '/: #[0-9]+, reqid [0-9]+, / { gone = ($0 ~ /, (DELETING|DELETED|DESTROYING), /) }
	     $1 == "in" { sub(/,$/, "", $2); i = $2 }
	     $1 == "out" && !gone { sub(/,$/, "", $2); print i, $2 }'
}
charon_child_spis() { sw "$1" --list-sas 2>/dev/null | child_spis_of; }

# charon_algs NAME: the algorithm lines, "IKE ..." and "ESP ..."
charon_algs() {
	sw "$1" --list-sas 2>/dev/null | awk '
		/^  [A-Z0-9_]+[-\/]/ && !/local|remote/ { print "IKE", $1 }
		/INSTALLED/ { for (f = 1; f <= NF; f++) if ($f ~ /^ESP:/) print "ESP", substr($f, 5) }'
}

# rtx_sa_spis NAME: from `show ipsec sa gateway 1 detail`, one line per SA:
# "IKE <32 hex digits>" or "send|recv <8 hex digits>".
rtx_sa_spis() {
	rtx "$1" 'show ipsec sa gateway 1 detail' 2>/dev/null | awk '
		/^Protocol: IKE/ { kind = "IKE" }
		/^Protocol: ESP/ { if (kind == "") kind = "ESP" }
		/^Direction:/ { dir = $2 }
		/^SPI:/ { s = ""; for (f = 2; f <= NF; f++) s = s $f
			  print (kind == "IKE" ? "IKE" : dir), tolower(s); kind = ""; dir = "" }
		/^SA\[/ { kind = ""; dir = "" }'
}

# same_sas RTX CHARON: both list the same IKE SAs (SPI pairs) and the same
# CHILD SAs (rtxsh's send SPI is charon's inbound, and the other way
# round), and nothing more. charon is listed before and after rtxsh, and
# a look across one of its rekeys does not count; a mismatch is looked at
# again twice, a second apart (rtxsh may still finish a rekey).
same_sas() {
	local try=0 moved=0 rc
	while [ $try -lt 3 ]; do
		same_sas_once "$@"
		rc=$?
		[ $rc = 0 ] && return 0
		# a peer rekeying every 12 s in a slow guest can do that again
		# and again
		if [ $rc = 2 ] && [ $moved -lt 10 ]; then
			moved=$((moved + 1))
			say "(charon's SAs changed while rtxsh's were listed; again)"
			continue
		fi
		try=$((try + 1))
		[ $try = 3 ] || { say "(listings differ; again in 1 s)"; sleep 1; }
	done
	return 1
}

# 0 when rtxsh lists exactly charon's SAs, 1 when not, 2 when charon's
# SPIs before and after rtxsh's listing differ.
same_sas_once() {
	local r=$1 c=$2 rs list cs ch ok=0 i r2 in out
	list=$(sw "$c" --list-sas 2>/dev/null)
	rs=$(rtx_sa_spis "$r")
	cs=$(echo "$list" | ike_spis_of)
	ch=$(echo "$list" | child_spis_of)
	list=$(sw "$c" --list-sas 2>/dev/null)
	[ "$(echo "$list" | ike_spis_of)" = "$cs" ] && [ "$(echo "$list" | child_spis_of)" = "$ch" ] ||
		return 2
	say "rtxsh SAs: $(echo "$rs" | tr '\n' ' ')"
	say "charon IKE SPIs: $(echo "$cs" | tr '\n' ' ') CHILD SPIs (in out): $(echo "$ch" | tr '\n' ' ')"
	[ -n "$cs" ] || { say "charon lists no IKE SA"; return 1; }
	[ -n "$ch" ] || { say "charon lists no CHILD SA"; return 1; }
	while read -r i r2; do
		echo "$rs" | grep -qx "IKE $i$r2" || { say "rtxsh lacks IKE SA $i/$r2"; ok=1; }
	done <<<"$cs"
	while read -r in out; do
		echo "$rs" | grep -qx "send $in" || { say "rtxsh lacks send SA $in"; ok=1; }
		echo "$rs" | grep -qx "recv $out" || { say "rtxsh lacks recv SA $out"; ok=1; }
	done <<<"$ch"
	# ... and no more than charon: superseded SAs are gone on both sides.
	[ "$(echo "$rs" | grep -c '^IKE ')" = "$(echo "$cs" | grep -c .)" ] ||
		{ say "rtxsh and charon list different numbers of IKE SAs"; ok=1; }
	[ "$(echo "$rs" | grep -c '^send ')" = "$(echo "$ch" | grep -c .)" ] ||
		{ say "rtxsh and charon list different numbers of outbound CHILD SAs"; ok=1; }
	[ "$(echo "$rs" | grep -c '^recv ')" = "$(echo "$ch" | grep -c .)" ] ||
		{ say "rtxsh and charon list different numbers of inbound CHILD SAs"; ok=1; }
	return $ok
}

# rtx_algs_match RTX WORD...: rtxsh's detail view names each algorithm WORD
# (compared without case, spaces, '-' or '_', so "AES-CBC 256" matches
# AES_CBC-256).
rtx_algs_match() {
	local r=$1 have w
	shift
	have=$(rtx "$r" 'show ipsec sa gateway 1 detail' 2>/dev/null | grep '^Algorithm:' |
		tr 'a-z' 'A-Z' | tr -d ' _-')
	for w in "$@"; do
		w=$(echo "$w" | tr 'a-z' 'A-Z' | tr -d ' _-')
		echo "$have" | grep -qF "$w" || { say "rtxsh's SA detail does not name $w: $have"; return 1; }
	done
}

# ---- captures -------------------------------------------------------------

# cap_start NAME NS: tcpdump of IKE and NAT-T on NS's eth0 into $IT/NAME.pcap.
cap_start() {
	local d=$IT/$1
	mkdir -p "$d"
	rm -f "$d/tcpdump.out"
	ip netns exec "$2" tcpdump -n -U --immediate-mode -i eth0 -w "$d/cap.pcap" 'udp port 500 or udp port 4500' \
		>"$d/tcpdump.out" 2>&1 &
	echo $! >"$d/pid"
	# tcpdump says "listening" before the socket sees packets: give it a moment.
	wait_for 5 grep -q listening "$d/tcpdump.out" || fail "tcpdump did not start"
	sleep 1
}

cap_stop() {
	sleep 0.5
	it_stop_pid "$IT/$1/pid"
}

# keys_from_rtx LOG: one line per IKE SA from rtxsh's key-info dump:
# "spi_i spi_r sk_ei sk_er sk_ai sk_ar" (hex).
keys_from_rtx() {
	awk '
		function flush() { if (k["SPIi"] != "") print k["SPIi"], k["SPIr"], k["SK_ei"], k["SK_er"], k["SK_ai"], k["SK_ar"]; delete k }
		/\[IKE2\] .*(SPIi|SPIr|SK_ei|SK_er|SK_ai|SK_ar|SK_d|SK_pi|SK_pr|SKEYSEED|Ni|Nr|Diffie-Hellman value):$/ {
			t = $NF; sub(/:$/, "", t)
			if (t == "SKEYSEED") flush()
			cur = t; next
		}
		/\[IKE2\]    [0-9a-f][0-9a-f]( [0-9a-f][0-9a-f])*$/ && cur != "" {
			s = $0; sub(/.*\[IKE2\]    /, "", s); gsub(/ /, "", s); k[cur] = k[cur] s; next
		}
		{ cur = "" }
		END { flush() }' "$1"
}

# keys_from_charon NAME: the same from charon's level-4 IKE log, with the
# SPIs from its SA list (one IKE SA).
keys_from_charon() {
	local d=$IT/$1 spis
	spis=$(charon_ike_spis "$1" | head -n 1)
	awk -v spis="$spis" '
		/ Sk_(ei|er|ai|ar) secret =>/ { cur = $0; sub(/.* Sk_/, "", cur); sub(/ .*/, "", cur); k[cur] = ""; next }
		cur != "" && / +[0-9]+: ([0-9A-F][0-9A-F] )+/ {
			s = $0; sub(/.*> +[0-9]+: /, "", s); s = substr(s, 1, 47); gsub(/ /, "", s)
			k[cur] = k[cur] tolower(s); next
		}
		{ cur = "" }
		END { print spis, k["ei"], k["er"], k["ai"], k["ar"] }' "$d/charon.log"
}

# tshark_names ENC INTEG: the decryption table's names for an IKE proposal.
tshark_enc() {
	case $1 in
	aes128) echo 'AES-CBC-128 [RFC3602]' ;;
	aes256) echo 'AES-CBC-256 [RFC3602]' ;;
	aes128gcm16) echo 'AES-GCM-128 with 16 octet ICV [RFC5282]' ;;
	aes256gcm16) echo 'AES-GCM-256 with 16 octet ICV [RFC5282]' ;;
	*) return 1 ;;
	esac
}

tshark_integ() {
	case $1 in
	sha1) echo 'HMAC_SHA1_96 [RFC2404]' ;;
	sha256) echo 'HMAC_SHA2_256_128 [RFC4868]' ;;
	none) echo 'NONE [RFC4306]' ;;
	*) return 1 ;;
	esac
}

# dissect PCAP KEYS ENC INTEG: tshark reads every IKE message of the
# capture, decrypts each SK payload with KEYS (lines as keys_from_rtx
# gives), finds no malformed packet and no expert error.
dissect() {
	local pcap=$1 keys=$2 enc integ opts=() si sr ei er ai ar out nsk ndec nok
	enc=$(tshark_enc "$3") && integ=$(tshark_integ "$4") || { say "no tshark name for $3/$4"; return 1; }
	while read -r si sr ei er ai ar; do
		[ -n "$si" ] || continue
		opts+=(-o "uat:ikev2_decryption_table:$si,$sr,$ei,$er,\"$enc\",$ai,$ar,\"$integ\"")
	done <"$keys"
	[ ${#opts[@]} -gt 0 ] || { say "no session keys"; return 1; }
	out=$(tshark -n -r "$pcap" "${opts[@]}" -V 2>&1)
	echo "$out" >"$pcap.txt"
	# SK (46), or SKF (53) when a side fragments (RFC 7383: certificates)
	nsk=$(echo "$out" | grep -Ec 'Payload: Encrypted and Authenticated( Fragment)? \((46|53)\)$')
	ndec=$(echo "$out" | grep -c 'Decrypted Data')
	say "tshark: $(echo "$out" | grep -c 'Internet Security Association and Key Management Protocol') IKE messages, $nsk SK payloads, $ndec decrypted"
	echo "$out" | grep -q 'Malformed' && { echo "$out" | grep -B5 Malformed | head -20; say "tshark finds a malformed packet"; return 1; }
	[ "$nsk" -gt 0 ] || { say "no SK payload in the capture"; return 1; }
	[ "$ndec" = "$nsk" ] || { say "tshark decrypted $ndec of $nsk SK payloads"; return 1; }
	if [ "$4" != none ]; then
		nok=$(echo "$out" | grep -c 'Integrity Checksum Data.*\[correct\]')
		[ "$nok" = "$nsk" ] || { say "$nok of $nsk SK checksums verified"; return 1; }
	fi
	out=$(tshark -n -r "$pcap" "${opts[@]}" -q -z expert,error 2>&1)
	echo "$out" | grep -q 'Errors (' && { echo "$out"; say "tshark expert errors"; return 1; }
	return 0
}

#!/bin/bash
# Makes krb-keytab.pcap and krb-keytab.keytab (run as root, from this folder):
# an MIT Kerberos KDC (Debian 12's krb5-kdc) on loopback in a throwaway realm,
# BRONZE.TEST, and its clients (kinit, kvno). Each of eight rounds rekeys
# krbtgt with one encryption type, adds that key to the keytab (all but the
# last round), then gets a TGT and a service ticket: the TGS-REQ carries the
# TGT in an AP-REQ (PA-TGS-REQ), which bronze opens with the keytab.
#   1-5  alice over UDP, krbtgt keys aes256-sha1 (18), aes128-sha1 (17),
#        aes256-sha384 (20), aes128-sha256 (19), arcfour-hmac (23)
#   6    bob/admin over UDP, aes256-sha1
#   7    alice over TCP (udp_preference_limit = 1), aes256-sha1
#   8    alice over UDP, aes128-sha1, its key not in the keytab
# krb-keytab.test.ts checks each ticket's authenticationinfo against that.
# Needs: apt-get install krb5-kdc krb5-admin-server krb5-user tcpdump
set -eu
out=$PWD
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
cat > "$dir/krb5.conf" <<CONF
[libdefaults]
  default_realm = BRONZE.TEST
  dns_lookup_kdc = false
  rdns = false
  allow_weak_crypto = true
  permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192 aes128-cts-hmac-sha256-128 arcfour-hmac
[realms]
  BRONZE.TEST = {
    kdc = 127.0.0.1
  }
CONF
sed 's/^\[libdefaults\]/[libdefaults]\n  udp_preference_limit = 1/' "$dir/krb5.conf" > "$dir/krb5-tcp.conf"
cat > "$dir/kdc.conf" <<CONF
[kdcdefaults]
  kdc_ports = 88
  kdc_tcp_ports = 88
[realms]
  BRONZE.TEST = {
    database_name = $dir/principal
    key_stash_file = $dir/stash
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal aes256-cts-hmac-sha384-192:normal aes128-cts-hmac-sha256-128:normal arcfour-hmac:normal
  }
CONF
export KRB5_CONFIG=$dir/krb5.conf KRB5_KDC_PROFILE=$dir/kdc.conf KRB5CCNAME=FILE:$dir/cc
kdb5_util create -s -r BRONZE.TEST -P masterpw >/dev/null
kadmin.local -q "modprinc -lockdown_keys krbtgt/BRONZE.TEST" >/dev/null
kadmin.local -q "addprinc -pw alicepw alice" >/dev/null
kadmin.local -q "addprinc -pw bobpw bob/admin" >/dev/null
kadmin.local -q "addprinc -randkey host/svc.bronze.test" >/dev/null
krb5kdc -n >/dev/null 2>&1 &
tcpdump -i lo -U -w "$dir/krb.pcap" port 88 >/dev/null 2>&1 &
sleep 2
round() { # user password encryption-type [keep: add the key to the keytab] [config]
  kadmin.local -q "cpw -randkey -e $3:normal krbtgt/BRONZE.TEST" >/dev/null
  if [ "$4" = keep ]; then kadmin.local -q "ktadd -k $dir/krb.keytab -norandkey krbtgt/BRONZE.TEST" >/dev/null; fi
  echo "$2" | KRB5_CONFIG=${5:-$KRB5_CONFIG} kinit "$1" >/dev/null
  KRB5_CONFIG=${5:-$KRB5_CONFIG} kvno host/svc.bronze.test >/dev/null
  kdestroy
  sleep 0.2
}
round alice alicepw aes256-cts-hmac-sha1-96 keep
round alice alicepw aes128-cts-hmac-sha1-96 keep
round alice alicepw aes256-cts-hmac-sha384-192 keep
round alice alicepw aes128-cts-hmac-sha256-128 keep
round alice alicepw arcfour-hmac keep
round bob/admin bobpw aes256-cts-hmac-sha1-96 keep
round alice alicepw aes256-cts-hmac-sha1-96 keep "$dir/krb5-tcp.conf"
round alice alicepw aes128-cts-hmac-sha1-96 lost
sleep 1
kill %2; wait %2 2>/dev/null || true
cp "$dir/krb.pcap" "$out/krb-keytab.pcap"
cp "$dir/krb.keytab" "$out/krb-keytab.keytab"

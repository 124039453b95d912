#!/bin/bash
# Makes ssh-loopback.pcap (run as root, from this folder): Debian 12's OpenSSH 9.2
# server on 127.0.0.1:2222 with a fresh ed25519 host key, and its client: one
# login with the authorized key that runs a command, one with a key the server
# does not know (refused). ssh-loopback.test.ts checks ssh.log against that.
# Needs: apt-get install openssh-server openssh-client tcpdump
set -eu
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.5; rm -rf "$dir"' EXIT
chmod 755 $dir
ssh-keygen -q -t ed25519 -N '' -f $dir/host_key
ssh-keygen -q -t ed25519 -N '' -f $dir/good
ssh-keygen -q -t ed25519 -N '' -f $dir/bad
mkdir -p $dir/home && cp $dir/good.pub $dir/authorized_keys && chmod 600 $dir/authorized_keys
cat > $dir/sshd_config <<CONF
Port 2222
ListenAddress 127.0.0.1
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin yes
StrictModes no
PidFile $dir/sshd.pid
UsePAM no
CONF
mkdir -p /run/sshd
/usr/sbin/sshd -D -f $dir/sshd_config -E $dir/sshd.log &
sleep 1
tcpdump -i lo -U -s 0 -w ssh-loopback.pcap 'tcp port 2222' >/dev/null 2>&1 & dump=$!
sleep 1
opts="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o IdentitiesOnly=yes -p 2222"
ssh $opts -i $dir/good root@127.0.0.1 'echo hello' >/dev/null 2>&1 || echo "good failed"
ssh $opts -i $dir/bad root@127.0.0.1 'echo hello' >/dev/null 2>&1 && echo "bad succeeded" || true
sleep 1
kill $dump; wait $dump 2>/dev/null || true
# The host key's fingerprint as OpenSSH writes it, for the test.
ssh-keygen -l -f $dir/host_key.pub | cut -d" " -f2 > ssh-loopback.fingerprint

import assert from "node:assert/strict";
import { test } from "node:test";
import { inSubnet, LocalNets, parseAddress } from "../../src/scripts/site.js";

test("parseAddress handles IPv4 (mapped), IPv6 forms and rejects junk", () => {
  assert.deepEqual([...parseAddress("1.2.3.4")!], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
  assert.deepEqual([...parseAddress("::ffff:1.2.3.4")!], [...parseAddress("1.2.3.4")!]);
  assert.deepEqual([...parseAddress("::")!], new Array(16).fill(0));
  assert.deepEqual([...parseAddress("fe80::c801:eff:fe88:8")!].slice(0, 2), [0xfe, 0x80]);
  assert.deepEqual([...parseAddress("1:2:3:4:5:6:7:8")!].slice(14), [0, 8]);
  for (const bad of ["1.2.3", "1.2.3.256", "1::2::3", "1:2:3:4:5:6:7", "x::", "1:2:3:4:5:6:7:8:9"]) assert.equal(parseAddress(bad), null, bad);
});

test("default local nets: Zeek's private address space", () => {
  const nets = new LocalNets();
  const yes = [
    "10.1.2.3",
    "192.168.0.4",
    "172.31.255.255",
    "100.64.0.1",
    "127.0.0.1",
    "169.254.1.1",
    "224.0.0.251",
    "239.1.2.3",
    "255.255.255.255",
    "0.1.2.3",
    "198.19.0.1",
    "::",
    "::1",
    "fe80::1",
    "fd00::1",
    "2001:db8::1",
    "2002:c0a8:0101::1",
    "2002:a00::",
    "fec0::1",
    "64:ff9b:1::1",
    "100::1",
    "2001:1ff::1",
  ];
  const no = ["8.8.8.8", "224.2.127.254", "172.32.0.1", "192.169.0.1", "2002:808:808::1", "2600::1", "ff02::1:ff00:3", "100.128.0.1", "2001:200::1", "::2"];
  for (const a of yes) assert.equal(nets.isLocal(a), true, a);
  for (const a of no) assert.equal(nets.isLocal(a), false, a);
});

test("no local nets: the field stays unset", () => {
  assert.equal(new LocalNets([]).isLocal("10.0.0.1"), undefined);
});

test("the IPv4 fast path agrees with the generic 16-byte match", () => {
  const nets = new LocalNets();
  const generic = (a: string) => {
    const b = parseAddress(a);
    return b !== null && nets.nets.some((n) => inSubnet(b, n));
  };
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) & 255;
  const samples = ["0.0.0.0", "255.255.255.255", "255.255.255.254", "100.63.255.255", "100.64.0.0", "1.2.3", "1.2.3.4.", "1.2.3.256", "a.b.c.d", ""];
  for (let i = 0; i < 5000; i++) samples.push(`${[10, 100, 172, 192, 198, 203, 224, 239, 240, next()][next() % 10]}.${next()}.${next()}.${next()}`);
  for (const a of samples) assert.equal(nets.isLocal(a), generic(a), a);
});

test("isLocalWords (the engine's address words) answers as isLocal does on the address text", () => {
  const nets = new LocalNets();
  const addresses = [
    "10.1.2.3",
    "8.8.8.8",
    "255.255.255.255",
    "172.32.0.1",
    "::",
    "::1",
    "fe80::1",
    "2002:c0a8:0101::1",
    "2600::1",
    "2001:1ff::1",
    "::ffff:10.0.0.1",
  ];
  for (const a of addresses) {
    const b = parseAddress(a)!;
    const v = new DataView(b.buffer);
    // The engine keeps words as int32 (bytes.s32): pass them signed, as it does.
    const w = [0, 4, 8, 12].map((at) => v.getInt32(at));
    assert.equal(nets.isLocalWords(w[0]!, w[1]!, w[2]!, w[3]!), nets.isLocal(a), a);
  }
  assert.equal(new LocalNets([]).isLocalWords(0, 0, 0xffff, 0x0a000001), undefined);
});

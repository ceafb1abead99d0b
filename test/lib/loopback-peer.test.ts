import { createServer, connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { loopbackPeerUid, peerIsTrusted } from "../../src/lib/loopback-peer.js";

// Two sockets of one connection, 127.0.0.1:40000 → 127.0.0.1:8080, as /proc/net/tcp lists them.
const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 65534        0 2 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 30 10 -1
`;

describe("who is at the other end of a loopback connection", () => {
  it("reads the peer socket's owner from /proc/net/tcp, null when it is not listed, undefined when unreadable", () => {
    const local = { address: "127.0.0.1", port: 8080 };
    expect(loopbackPeerUid({ address: "127.0.0.1", port: 40000 }, local, () => TABLE)).toBe(65534);
    expect(loopbackPeerUid({ address: "::ffff:127.0.0.1", port: 40000 }, local, () => TABLE)).toBe(65534);
    expect(loopbackPeerUid({ address: "127.0.0.1", port: 40001 }, local, () => TABLE)).toBeNull();
    expect(
      loopbackPeerUid({ address: "127.0.0.1", port: 40000 }, local, () => {
        throw new Error("EACCES");
      }),
    ).toBeUndefined();
  });

  it.each([
    [1000, 1000, true],
    [0, 1000, true],
    [65534, 1000, false],
    [null, 1000, false],
    [undefined, 1000, true],
  ])("a peer of uid %s, to user %s: trusted %s", (uid, own, trusted) => {
    expect(peerIsTrusted(uid, own)).toBe(trusted);
  });

  it("finds this process's own connection, owned by this user", async () => {
    let accepted!: (s: Socket) => void;
    const got = new Promise<Socket>((resolve) => (accepted = resolve));
    const server = createServer((s) => accepted(s));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = connect((server.address() as { port: number }).port, "127.0.0.1");
    try {
      const s = await got;
      expect(loopbackPeerUid({ address: s.remoteAddress!, port: s.remotePort! }, { address: s.localAddress!, port: s.localPort! })).toBe(
        process.getuid!(),
      );
    } finally {
      client.destroy();
      server.close();
    }
  });
});

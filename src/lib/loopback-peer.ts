import { readFileSync } from "node:fs";
import { endianness } from "node:os";

/**
 * Who is at the other end of a connection to one of our loopback servers. On Linux the kernel
 * lists every TCP socket of this network namespace, with the uid that owns it, in /proc/net/tcp
 * (proc(5), "/proc/net/tcp"). The peer of a connection to 127.0.0.1 is in the same namespace, so
 * its socket is there: local address = the peer's, remote address = ours.
 *
 * Returns the peer socket's uid; `null` when the table was read but holds no such socket (the
 * peer has gone, and cannot read an answer either); `undefined` when the table cannot be read.
 */
export function loopbackPeerUid(
  peer: { address: string; port: number },
  local: { address: string; port: number },
  readTable: () => string = () => readFileSync("/proc/net/tcp", "latin1"),
): number | null | undefined {
  let table: string;
  try {
    table = readTable();
  } catch {
    return undefined;
  }
  const peerKey = procAddress(peer.address, peer.port);
  const localKey = procAddress(local.address, local.port);
  if (!peerKey || !localKey) return undefined;
  for (const line of table.split("\n").slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
    const f = line.trim().split(/\s+/);
    if (f[1] === peerKey && f[2] === localKey) {
      const uid = Number(f[7]);
      return Number.isInteger(uid) ? uid : undefined;
    }
  }
  return null;
}

/** `127.0.0.1`, 8080 → `0100007F:1F90` (little-endian machines), as /proc/net/tcp writes an IPv4 address (its 32 bits in host byte order) and port. */
function procAddress(address: string, port: number): string | undefined {
  const m = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (!m) return undefined;
  const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, "0");
  const bytes = endianness() === "LE" ? [m[4], m[3], m[2], m[1]] : [m[1], m[2], m[3], m[4]];
  return `${bytes.map((b) => hex(Number(b), 2)).join("")}:${hex(port, 4)}`;
}

/**
 * Whether a connection may be answered: the peer belongs to this user or to root (who can read
 * everything anyway). Where the owner cannot be told (the table cannot be read), it may.
 */
export function peerIsTrusted(uid: number | null | undefined, ownUid: number): boolean {
  if (uid === undefined) return true;
  return uid === ownUid || uid === 0;
}

// Whether a URL's host is this machine, for the one exception to "tokens and keys go over https
// only": a local emulator or test server on 127.0.0.1 (the whole 127.0.0.0/8), ::1 or localhost.
// Not the subdomains of localhost: RFC 6761 §6.3 asks resolvers to keep them on the loopback
// interface, but not every system's resolver does, and a name sent to DNS may answer anything.

/** A host name as `URL.hostname` gives it (IPv6 in brackets, IPv4 in dotted decimal). */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h === "[::1]" || h === "[::ffff:7f00:1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

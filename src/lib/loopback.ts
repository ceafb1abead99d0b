// Whether a URL's host is this machine, for the one exception to "tokens and keys go over https
// only": a local emulator or test server on 127.0.0.1 (the whole 127.0.0.0/8), ::1 or localhost
// (RFC 6761 §6.3 keeps localhost and its subdomains on the loopback interface).

/** A host name as `URL.hostname` gives it (IPv6 in brackets, IPv4 in dotted decimal). */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "[::1]" || h === "[::ffff:7f00:1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

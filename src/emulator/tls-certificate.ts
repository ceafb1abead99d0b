import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { pki as Pki } from "node-forge";

// `sso-cli emulator --tls`: a certificate authority made at start-up and a server certificate it
// signs for 127.0.0.1, ::1 and localhost, as a corporate proxy's CA re-signs AWS's certificates. A
// client trusts the emulator only when told to (AWS_CA_BUNDLE=the CA file), which is what the
// proxy and CA tests need. Node can make keys but cannot sign a certificate, so node-forge (one
// package, no dependencies of its own) builds and signs the X.509 structures; the keys are
// Node's, made natively, which is much faster than forge's JavaScript key generation.

export interface EmulatorCertificate {
  /** The CA certificate (PEM): what clients put in AWS_CA_BUNDLE. */
  caPem: string;
  /** The server's certificate (PEM), signed by the CA. */
  certPem: string;
  /** The server's private key (PEM). */
  keyPem: string;
}

/** A new CA and a server certificate valid from an hour ago for `days` days. `nowMs`: the machine's clock. */
export async function createEmulatorCertificate(nowMs: number, days = 30): Promise<EmulatorCertificate> {
  const { default: forge } = await import("node-forge");
  const { pki, md } = forge;
  const newKeys = () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const key = pki.privateKeyFromPem(privateKey) as Pki.rsa.PrivateKey;
    return { key, publicKey: pki.setRsaPublicKey(key.n, key.e), pem: privateKey };
  };
  const validity = (cert: Pki.Certificate) => {
    cert.validity.notBefore = new Date(nowMs - 3600_000);
    cert.validity.notAfter = new Date(nowMs + days * 86_400_000);
  };
  // A positive serial (leading byte below 0x80), as RFC 5280 §4.1.2.2 asks.
  const serial = () => `01${randomBytes(15).toString("hex")}`;

  const ca = newKeys();
  const caCert = pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  validity(caCert);
  const caName = [
    { name: "commonName", value: `sso-cli emulator CA ${randomBytes(4).toString("hex")}` },
    { name: "organizationName", value: "sso-cli emulator" },
  ];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.key, md.sha256.create());

  const server = newKeys();
  const cert = pki.createCertificate();
  cert.publicKey = server.publicKey;
  cert.serialNumber = serial();
  validity(cert);
  cert.setSubject([{ name: "commonName", value: "127.0.0.1" }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    // type 7: IP address, type 2: DNS name (RFC 5280 §4.2.1.6)
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }, { type: 2, value: "localhost" }] },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, md.sha256.create());

  return { caPem: pki.certificateToPem(caCert), certPem: pki.certificateToPem(cert), keyPem: server.pem };
}

import { generateKeyPair, randomBytes, sign } from "node:crypto";
import { promisify } from "node:util";
import type { md as Md, pki as Pki } from "node-forge";

// `sso-cli emulator --tls`: a certificate authority made at start-up and a server certificate it
// signs for 127.0.0.1, ::1 and localhost, as a corporate proxy's CA re-signs AWS's certificates. A
// client trusts the emulator only when told to (AWS_CA_BUNDLE=the CA file), which is what the
// proxy and CA tests need. Node can make keys but cannot sign a certificate, so node-forge (one
// package, no dependencies of its own) builds the X.509 structures. Keys and signatures are
// Node's, made natively: forge's JavaScript RSA takes about 0.4 s per signature on a small machine,
// and the emulator starts in every test that uses --tls.

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
  const { pki } = forge;
  // Both key pairs at once: RSA key generation is the slow part, and it runs off the main thread.
  const newKeys = () =>
    promisify(generateKeyPair)("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
  const [caKeys, serverKeys] = await Promise.all([newKeys(), newKeys()]);
  const ca = { publicKey: pki.publicKeyFromPem(caKeys.publicKey), pem: caKeys.privateKey };
  const server = { publicKey: pki.publicKeyFromPem(serverKeys.publicKey), pem: serverKeys.privateKey };
  /** forge's cert.sign with Node doing the RSA: forge feeds the TBSCertificate's DER to `md`, then asks `key` to sign. */
  const signWith = (cert: Pki.Certificate, keyPem: string): void => {
    const md = {
      algorithm: "sha256",
      der: "",
      update(bytes: string) {
        this.der += bytes;
        return this;
      },
    };
    const key = { sign: (m: typeof md) => sign("sha256", Buffer.from(m.der, "binary"), keyPem).toString("binary") };
    cert.sign(key as unknown as Pki.rsa.PrivateKey, md as unknown as Md.MessageDigest);
  };
  const validity = (cert: Pki.Certificate) => {
    cert.validity.notBefore = new Date(nowMs - 3600_000);
    cert.validity.notAfter = new Date(nowMs + days * 86_400_000);
  };
  // A positive serial (leading byte below 0x80), as RFC 5280 §4.1.2.2 asks.
  const serial = () => `01${randomBytes(15).toString("hex")}`;

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
  signWith(caCert, ca.pem);

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
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 7, ip: "::1" },
        { type: 2, value: "localhost" },
      ],
    },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signWith(cert, ca.pem);

  return { caPem: pki.certificateToPem(caCert), certPem: pki.certificateToPem(cert), keyPem: server.pem };
}

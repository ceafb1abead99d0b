import { FileAccessError, FileFormatError } from "../errors.js";
import { readTextIfExists } from "./atomic-write.js";

// The CA bundle the user names (AWS_CA_BUNDLE, or ca_bundle in the profile, as botocore reads
// them): PEM certificates to trust instead of Node's own, e.g. a corporate proxy's CA.

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The bundle's certificates as PEM text. `source` says where the path came from
 * ("AWS_CA_BUNDLE", "ca_bundle in profile p") for the error a missing or empty bundle ends with.
 */
export async function readCaBundle(file: string, source: string): Promise<string> {
  const text = await readTextIfExists(file);
  if (text === undefined)
    throw new FileAccessError(
      file,
      `does not exist (named by ${source})`,
      `Point ${source} at the PEM file of the certificate authority to trust, or unset it.`,
    );
  const certificates = text.match(PEM_CERTIFICATE);
  if (!certificates)
    throw new FileFormatError(
      file,
      undefined,
      `holds no PEM certificate (named by ${source})`,
      "A CA bundle is text with -----BEGIN CERTIFICATE----- blocks; export the CA certificate as PEM.",
    );
  return certificates.join("\n");
}

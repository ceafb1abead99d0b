import { nearestNames, orList } from "./did-you-mean.js";

/**
 * The AWS regions sso-cli knows by name. AWS adds regions, so a well-formed name missing here is
 * used as given, with a warning that names the near known ones (a typo such as eu-nort-1).
 */
export const KNOWN_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "mx-central-1",
  "sa-east-1",
  "us-gov-east-1",
  "us-gov-west-1",
  "cn-north-1",
  "cn-northwest-1",
  "eusc-de-east-1",
];

/** " (did you mean eu-north-1?)", or "" when no known region is near. */
export function nearRegions(region: string): string {
  const near = nearestNames(region, KNOWN_REGIONS);
  return near.length > 0 ? ` (did you mean ${orList(near)}?)` : "";
}

/** The warning for a region name sso-cli does not know, or undefined for a known one. */
export function unknownRegionWarning(region: string, what: string): string | undefined {
  if (KNOWN_REGIONS.includes(region)) return undefined;
  return `warning: ${what} ${region} is not a region sso-cli knows${nearRegions(region)}; it is used as given.`;
}

/** Writes a warning line on stderr for each region given that sso-cli does not know. */
export function warnUnknownRegions(
  stderr: { write(s: string): unknown },
  regions: readonly [what: string, region: string | undefined][],
): void {
  for (const [what, region] of regions) {
    const w = region !== undefined ? unknownRegionWarning(region, what) : undefined;
    if (w !== undefined) stderr.write(`${w}\n`);
  }
}

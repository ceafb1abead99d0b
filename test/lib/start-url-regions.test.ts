import { describe, expect, it } from "vitest";
import { nearRegions, unknownRegionWarning } from "../../src/lib/aws-regions.js";
import { expandStartUrl } from "../../src/lib/start-url.js";
import { isValidStartUrl } from "../../src/files/config-file.js";

describe("input a person types (#18 item 6)", () => {
  it("a start URL's shorthands become the full URL", () => {
    for (const typed of [
      "d-0000000000",
      "D-0000000000",
      "d-0000000000.awsapps.com",
      "d-0000000000.awsapps.com/start",
      "d-0000000000.awsapps.com/start/",
      "d-0000000000.awsapps.com/start/#/",
    ]) {
      expect(expandStartUrl(typed)).toBe("https://d-0000000000.awsapps.com/start");
    }
    expect(expandStartUrl("ssoins-1234567890abcdef.portal.eu-north-1.app.aws")).toBe(
      "https://ssoins-1234567890abcdef.portal.eu-north-1.app.aws",
    );
    expect(isValidStartUrl(expandStartUrl("d-0000000000"))).toBe(true);
    // Anything else is left for the usual check to judge.
    for (const other of ["https://d-0000000000.awsapps.com/start", "http://d-0000000000.awsapps.com/start", "d-00", "example.com"])
      expect(expandStartUrl(other)).toBe(other);
  });

  it("a region: the near known one for a typo; a well-formed unknown one is warned about, not refused", () => {
    expect(nearRegions("eu-nort-1")).toBe(" (did you mean eu-north-1?)");
    expect(nearRegions("useast1")).toBe(" (did you mean us-east-1?)");
    expect(unknownRegionWarning("eu-north-1", "--sso-region")).toBeUndefined();
    expect(unknownRegionWarning("eu-nort-1", "--sso-region")).toBe(
      "warning: --sso-region eu-nort-1 is not a region sso-cli knows (did you mean eu-north-1?); it is used as given.",
    );
    expect(unknownRegionWarning("xx-moon-9", "REGION")).toBe(
      "warning: REGION xx-moon-9 is not a region sso-cli knows; it is used as given.",
    );
  });
});

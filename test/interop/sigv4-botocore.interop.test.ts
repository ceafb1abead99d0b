import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import type { SigV4Request } from "../../src/emulator/sigv4-verify.js";
import { AKID, BODY, header, MIN, SECRET, signedHeadersOf, T0, TOKEN, verify } from "../helpers/sigv4-fixtures.js";

// Interop with the real Python client: botocore's SigV4Auth signs, we verify.
const BOTOCORE_SCRIPT = String.raw`
import datetime, json, sys
import botocore.auth, botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
akid, secret, token, body = sys.argv[1:5]
# Freeze botocore's clock at the docs/protocol/sts.md §7 test vector time.
botocore.auth.get_current_datetime = lambda *a, **k: datetime.datetime(2024, 1, 2, 3, 4, 5)
out = []
for url, extra in (("https://sts.us-east-1.amazonaws.com/", {}), ("http://127.0.0.1:18080/", {}), ("http://127.0.0.1:18080/", {"Date": "now"})):
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **extra}
    req = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(akid, secret, token), "sts", "us-east-1").add_auth(req)
    out.append({"url": req.url, "headers": list(req.headers.items())})
client = botocore.session.get_session().create_client(
    "sts", region_name="us-east-1", endpoint_url="http://127.0.0.1:18080",
    aws_access_key_id=akid, aws_secret_access_key=secret, aws_session_token=token)
presigned = client.generate_presigned_url("get_caller_identity", Params={}, ExpiresIn=900, HttpMethod="GET")
print(json.dumps({"signed": out, "presigned": presigned}))
`;

describe("sigv4: interop with botocore", () => {
  it("verifies requests signed by botocore's SigV4Auth and a botocore presigned URL", () => {
    const run = spawnSync("python3", ["-c", BOTOCORE_SCRIPT, AKID, SECRET, TOKEN, BODY], {
      encoding: "utf8",
      // From scratch: the developer's own AWS_* settings must not reach the client.
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: tmpdir(),
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      },
    });
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as { signed: Array<{ url: string; headers: Array<[string, string]> }>; presigned: string };

    const requests = out.signed.map(({ url, headers }): SigV4Request => {
      const u = new URL(url);
      // The HTTP client adds Host (with the port when it is not the default); botocore signed that value.
      return {
        method: "POST",
        rawPath: u.pathname,
        rawQuery: "",
        rawHeaders: ["Host", u.host, ...headers.flat()],
        body: Buffer.from(BODY),
      };
    });
    const [vector, withPort, withDate] = requests as [SigV4Request, SigV4Request, SigV4Request];

    // botocore reproduces the docs/protocol/sts.md §7 vector exactly.
    expect(header(vector, "authorization")).toMatch(/Signature=006ded18759de28c835785267d08efbe5ac83d492a856601cb6e29912435ed74$/);
    expect(verify(vector)).toEqual({ ok: true, accessKeyId: AKID, region: "us-east-1" });
    expect(verify(withPort)).toEqual({ ok: true, accessKeyId: AKID, region: "us-east-1" });
    // With a Date header botocore signs `date` instead of x-amz-date (docs/protocol/sts.md §7, last paragraph).
    expect(header(withDate, "x-amz-date")).toBeUndefined();
    expect(signedHeadersOf(withDate)).toBe("content-type;date;host;x-amz-security-token");
    expect(verify(withDate)).toMatchObject({ ok: true });
    expect(verify(withPort, { nowMs: T0 + 16 * MIN })).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });

    const url = new URL(out.presigned);
    const presignedReq: SigV4Request = {
      method: "GET",
      rawPath: url.pathname,
      rawQuery: url.search.slice(1),
      rawHeaders: ["Host", url.host],
      body: Buffer.alloc(0),
    };
    expect(presignedReq.rawQuery).toContain("X-Amz-Expires=900");
    expect(verify(presignedReq)).toEqual({ ok: true, accessKeyId: AKID, region: "us-east-1" });
    expect(verify({ ...presignedReq, rawHeaders: ["Host", "127.0.0.1:9999"] })).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });
});

import { Agent as HttpsAgent } from "node:https";
import { describe, expect, it } from "vitest";
import { BadValueError } from "../../src/errors.js";
import { createHttpAgent, describeProxy, isProxyBypassed, proxyForUrl } from "../../src/sso/http-agents.js";

const OIDC = new URL("https://oidc.eu-north-1.amazonaws.com/token");

describe("which proxy a URL goes through (as curl and Python's urllib read the environment)", () => {
  it.each([
    [{}, undefined],
    [{ HTTPS_PROXY: "http://proxy:3128" }, "http://proxy:3128/"],
    [{ https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" }, "http://lower:1/"],
    [{ HTTPS_PROXY: "proxy.corp:8080" }, "http://proxy.corp:8080/"],
    [{ HTTP_PROXY: "http://only-for-http:1" }, undefined],
    [{ ALL_PROXY: "http://all:1" }, "http://all:1/"],
    [{ https_proxy: "http://p:1", all_proxy: "http://all:1" }, "http://p:1/"],
    [{ HTTPS_PROXY: "https://tls-proxy:443" }, "https://tls-proxy/"],
    [{ HTTPS_PROXY: "  " }, undefined],
  ])("%j → %s", (env, proxy) => {
    expect(proxyForUrl(OIDC, env)?.href).toBe(proxy);
  });

  it("reads http_proxy / HTTP_PROXY for http URLs", () => {
    expect(proxyForUrl(new URL("http://127.0.0.1:4566/"), { HTTP_PROXY: "http://p:1", HTTPS_PROXY: "http://q:2" })?.href).toBe(
      "http://p:1/",
    );
  });

  it.each([
    ["socks5://proxy:1080", /socks5 proxy/],
    ["http://[bad", /not a proxy URL/],
  ])("refuses %s naming the variable, with any password hidden", (value, message) => {
    const run = () => proxyForUrl(OIDC, { HTTPS_PROXY: value });
    expect(run).toThrow(BadValueError);
    expect(run).toThrow(message);
    expect(() => proxyForUrl(OIDC, { https_proxy: value })).toThrow(/^https_proxy /);
  });

  it("never shows a proxy password", () => {
    expect(describeProxy("http://me:s3cret@proxy:3128")).toBe("http://me:<redacted>@proxy:3128");
    expect(describeProxy(new URL("http://proxy:3128"))).toBe("http://proxy:3128");
  });
});

describe("NO_PROXY", () => {
  const url = (u: string) => new URL(u);
  it.each([
    ["*", "https://oidc.eu-north-1.amazonaws.com", true],
    ["amazonaws.com", "https://oidc.eu-north-1.amazonaws.com", true],
    [".amazonaws.com", "https://oidc.eu-north-1.amazonaws.com", true],
    ["*.amazonaws.com", "https://oidc.eu-north-1.amazonaws.com", true],
    ["amazonaws.com", "https://amazonaws.com", true],
    ["zonaws.com", "https://oidc.amazonaws.com", false],
    ["example.com, amazonaws.com", "https://portal.sso.us-east-1.amazonaws.com", true],
    ["example.com amazonaws.com", "https://portal.sso.us-east-1.amazonaws.com", true],
    ["AMAZONAWS.COM", "https://oidc.us-east-1.amazonaws.com", true],
    ["amazonaws.com:443", "https://oidc.us-east-1.amazonaws.com", true],
    ["amazonaws.com:8443", "https://oidc.us-east-1.amazonaws.com", false],
    ["127.0.0.1", "https://127.0.0.1:4566", true],
    ["127.0.0.1:4566", "https://127.0.0.1:4566", true],
    ["127.0.0.1:9999", "https://127.0.0.1:4566", false],
    ["127.0.0.0/8", "https://127.1.2.3:4566", true],
    ["10.0.0.0/8", "https://127.0.0.1:4566", false],
    ["::1", "https://[::1]:4566", true],
    ["[::1]:4566", "https://[::1]:4566", true],
    ["fd00::/8", "https://[fd12::1]/", true],
    ["localhost", "https://127.0.0.1", false],
    ["", "https://oidc.us-east-1.amazonaws.com", false],
  ])("%j for %s: direct %s", (noProxy, target, direct) => {
    expect(isProxyBypassed(url(target), noProxy)).toBe(direct);
  });

  it("sends a NO_PROXY host direct even with a proxy set, in either case", () => {
    expect(proxyForUrl(OIDC, { HTTPS_PROXY: "http://p:1", no_proxy: ".amazonaws.com" })).toBeUndefined();
    expect(proxyForUrl(OIDC, { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com" })?.host).toBe("p:1");
  });
});

describe("createHttpAgent", () => {
  it("goes direct with Node's https agent, trusting the CA bundle when one is given", async () => {
    const { agent, proxy } = await createHttpAgent(OIDC, { env: {}, ca: "PEM" });
    expect(proxy).toBeUndefined();
    expect(agent).toBeInstanceOf(HttpsAgent);
    expect((agent as HttpsAgent).options.ca).toBe("PEM");
  });

  it("tunnels through the proxy for an https URL", async () => {
    const { agent, proxy } = await createHttpAgent(OIDC, { env: { HTTPS_PROXY: "http://proxy:3128" } });
    expect(proxy?.href).toBe("http://proxy:3128/");
    expect(agent.constructor.name).toBe("TrustingHttpsProxyAgent");
  });
});

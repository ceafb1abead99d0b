import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha1Hex, sha256Hex } from "../../src/lib/sha.js";

const node = (algorithm: string, text: string): string => createHash(algorithm).update(text, "utf8").digest("hex");

describe("SHA-1 and SHA-256 in plain JavaScript", () => {
  it("give the FIPS 180 test vectors", () => {
    expect(sha1Hex("")).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(sha1Hex("abc")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("give the AWS CLI's cache file name of a start URL", () => {
    // docs/protocol/token-cache.md: the AWS CLI v2 names a legacy profile's token by this digest.
    expect(sha1Hex("https://d-0000000000.awsapps.com/start")).toBe(node("sha1", "https://d-0000000000.awsapps.com/start"));
  });

  it("agree with node:crypto on every length across the padding boundaries and on UTF-8 text", () => {
    const texts: string[] = [];
    for (let n = 0; n <= 200; n++) texts.push("x".repeat(n));
    for (const n of [55, 56, 63, 64, 119, 120, 1000, 10_000]) texts.push("é".repeat(n), "😀".repeat(n), "a\u0000b".repeat(n));
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++)
      texts.push(Array.from({ length: Math.floor(random() * 300) }, () => String.fromCodePoint(Math.floor(random() * 0x3000))).join(""));
    for (const t of texts) {
      expect(sha1Hex(t)).toBe(node("sha1", t));
      expect(sha256Hex(t)).toBe(node("sha256", t));
    }
  });
});

import { describe, expect, it } from "vitest";
import { escapeControlChars, escapeControlCharsPerLine, hasControlChars } from "../../src/lib/control-chars.js";

describe("escapeControlChars", () => {
  it.each([
    ["a newline that would forge a line", "us-east-1\nsso-cli: fake", "us-east-1\\nsso-cli: fake"],
    ["carriage return and tab", "a\rb\tc", "a\\rb\\tc"],
    ["an OSC retitle and a clear-screen", "\x1b]0;pwned\x07\x1b[2J", "\\x1b]0;pwned\\x07\\x1b[2J"],
    ["NUL and DEL", "a\x00b\x7f", "a\\x00b\\x7f"],
    ["a C1 CSI", "a\u009b2Jb", "a\\x9b2Jb"],
    ["a right-to-left override", "evil\u202Etxt.exe", "evil\\u202etxt.exe"],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
  ])("escapes %s", (_name, input, shown) => {
    expect(escapeControlChars(input)).toBe(shown);
    expect(hasControlChars(input)).toBe(true);
    expect(hasControlChars(escapeControlChars(input))).toBe(false);
  });

  it.each(["us-east-1", "C:\\Users\\me\\.aws\\credentials", "café ☕ 𝄞", "AdministratorAccess+=,.@-"])("leaves %j alone", (text) => {
    expect(escapeControlChars(text)).toBe(text);
    expect(hasControlChars(text)).toBe(false);
  });

  it("keeps line breaks between lines when asked", () => {
    expect(escapeControlCharsPerLine("Error: a\x1b[2J\n    at b\r")).toBe("Error: a\\x1b[2J\n    at b\\r");
  });
});

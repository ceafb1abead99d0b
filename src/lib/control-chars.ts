// A value quoted in a message (an argument, a name read from a file, a service's error text) may
// hold control characters. Written raw, a newline forges a second output line and an escape
// sequence drives the terminal (retitles, clears, hides text). Shown escaped, it is visible as
// what it is. Backslashes are left alone: paths on Windows are full of them.

// C0 controls and DEL; C1 controls (U+0080–U+009F, CSI U+009B among them); line and paragraph
// separators; the bidirectional overrides and isolates that reorder what a terminal shows.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const HAS_CONTROL = new RegExp(CONTROL.source, "u");
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export function hasControlChars(text: string): boolean {
  return HAS_CONTROL.test(text);
}

/** `a\nb` → `a\\nb`, ESC → `\\x1b`, U+202E → `\\u202e`: one line, nothing the terminal obeys. */
export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/** Escapes each line on its own and keeps the line breaks between them (a stack trace, a list). */
export function escapeControlCharsPerLine(text: string): string {
  return text.split("\n").map(escapeControlChars).join("\n");
}

function hex(c: string, width: number): string {
  return c.charCodeAt(0).toString(16).padStart(width, "0");
}

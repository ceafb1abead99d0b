// Values no key holds, for checking that every export format keeps them literal (issue 16, item 5):
// each printable ASCII character alone and among others, quotes of every kind, cmd's and
// PowerShell's specials, substitutions, line breaks.
const C = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "tok", expiration: new Date("2030-01-02T03:04:05Z") };

export const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
export const HOSTILE = [
  ...PRINTABLE,
  ...PRINTABLE.map((ch) => `a${ch}b`),
  PRINTABLE.join(""),
  "a'b",
  "'",
  "''",
  'a"b',
  '"',
  "x\\",
  "\\'",
  "a&calc&b",
  '"&calc&"',
  "%PATH%",
  "%%",
  "^&",
  "!x!",
  "`whoami`",
  "$(touch pwned)",
  "${IFS}",
  "$HOME",
  "(echo hi)",
  "\u2018a\u2019",
  "\u201ca\u201d",
  "\u201e$(calc)\u201c",
  "\u2019; calc; \u2018",
  "\u201c; calc; \u201d",
  "\u201a\u201b",
  "line1\nline2",
  "\n",
  "a\r\nb",
  "tab\there",
  "-n",
  "--",
  "~root",
  "*",
  "a b  c",
  "é ☃ 😀",
  "=x",
  "==",
  "a:=b",
  ":~root",
  "x=~",
];
export const withToken = (sessionToken: string) => ({ ...C, sessionToken });


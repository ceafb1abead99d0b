/**
 * --help text made to fit 80 columns: a paragraph of prose with a longer line is wrapped again,
 * and an example command longer than that has its comment put on the line above and is continued
 * with "\" (as a shell reads it). Everything else (commander's tables, short lines) is left as is.
 */
export function fitHelpText(text: string, width = 80): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (isProse(line)) {
      const paragraph: string[] = [];
      while (i < lines.length && isProse(lines[i]!)) paragraph.push(lines[i++]!);
      out.push(...(paragraph.some((l) => l.length > width) ? wrapWords(paragraph.join(" "), width) : paragraph));
      continue;
    }
    // An example (two spaces in) or its continuation (six); commander's own columns go deeper.
    out.push(...(line.length > width && /^( {2}| {6})\S/.test(line) ? fitExample(line, width) : [line]));
    i += 1;
  }
  return out.join("\n");
}

/** Unindented text that is not a heading ("Examples:") nor commander's "Usage:" line. */
function isProse(line: string): boolean {
  return line !== "" && !line.startsWith(" ") && !/^[A-Z][\w ]*:$/.test(line) && !line.startsWith("Usage:");
}

function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of text.split(/ +/)) {
    if (current !== "" && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  if (current !== "") out.push(current);
  return out;
}

function fitExample(line: string, width: number): string[] {
  const out: string[] = [];
  let command = line;
  const comment = /^(.*?\S) {2,}# (.*)$/.exec(line);
  if (comment) {
    out.push(`${/^ */.exec(line)![0]}# ${comment[2]}`);
    command = comment[1]!;
  }
  while (command.length > width) {
    const cut = command.lastIndexOf(" ", width - 2);
    if (cut <= 6) break;
    out.push(`${command.slice(0, cut)} \\`);
    command = `      ${command.slice(cut + 1)}`;
  }
  out.push(command);
  return out;
}

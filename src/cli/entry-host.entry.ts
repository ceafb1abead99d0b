/** Loads one of the ES modules beside the entry in dist/cli/ (through the launcher: launch.ts). */
export type ImportModule = <T = unknown>(specifier: "./main.js" | "./browser-opener.js") => Promise<T>;

/** What the launcher (launch.ts) gives the entry (entry.ts). */
export interface EntryHost {
  importModule: ImportModule;
  /** Set when the command's whole output was written straight to its descriptor: nothing is left to finish. */
  answered?: boolean;
  /** Another build of the entry beside this one, compiled with its code cache. */
  loadEntry(file: "entry.cjs"): { runCommand(argv: string[], host: EntryHost): Promise<number> };
}

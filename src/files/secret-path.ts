import { promises as fsp, type Stats } from "node:fs";
import { join, resolve, sep } from "node:path";
import { FileAccessError } from "../errors.js";
import { fileAccessError, isNotFound } from "./file-access.js";

// Where sso-cli may write a secret (keys, an access or refresh token, a client secret). A write
// replaces the file by rename in its folder, so whoever can write that folder, or any folder
// above it, or own the file a symlink leads to, can take what is written: replace the file with a
// symlink to a file of theirs, and the next write puts the keys there. OpenSSH refuses keys in
// such places for the same reason (StrictModes). The rules, for the path walked one part at a
// time with every symlink followed, as the kernel does:
//
// - every folder belongs to the writer or to root, and is not writable by group or others, unless
//   it has the sticky bit (/tmp): there others cannot rename or remove what is not theirs, so what
//   we go through in it must be ours (or root's);
// - every symlink on the way, and the file itself, belongs to the writer or to root.
//
// Root can read everything anyway, so what root owns is never a leak. When sso-cli runs as root,
// the same rules mean: nothing on the way may belong to an ordinary user.

const MAX_SYMLINKS = 40;
const STICKY = 0o1000;

/**
 * Throws FileAccessError (naming `path`, what is wrong and how to fix it) unless only `uid` and
 * root can read or replace a secret written to `path`. A path that does not exist yet is judged
 * up to its last existing folder: sso-cli makes the rest itself, 0700.
 */
export async function checkSecretPath(path: string, uid: number): Promise<void> {
  const trusted = (info: Stats): boolean => info.uid === uid || info.uid === 0;
  const refuse = (detail: string, hint: string): never => {
    throw new FileAccessError(path, `not written: ${detail}`, hint);
  };
  const checkFolder = (folder: string, info: Stats): void => {
    if (!trusted(info))
      refuse(
        `${folder} belongs to another user (uid ${info.uid}), who could take what sso-cli writes there`,
        "sso-cli writes secrets only into folders that you or root own: point AWS_SHARED_CREDENTIALS_FILE (or HOME) at one of yours.",
      );
    if ((info.mode & 0o022) !== 0 && (info.mode & STICKY) === 0)
      refuse(
        `other users can write to ${folder} (fix: chmod go-w ${folder})`,
        "Anyone who can write that folder can swap the file for a link to one of theirs and receive the keys.",
      );
  };
  try {
    let parts = resolve(path)
      .split(sep)
      .filter((p) => p !== "");
    let current: string = sep;
    checkFolder(current, await fsp.stat(current));
    for (let hops = 0; parts.length > 0; ) {
      const name = parts.shift() as string;
      if (name === ".") continue;
      if (name === "..") {
        current = join(current, "..");
        continue;
      }
      const next = join(current, name);
      let info: Stats;
      try {
        info = await fsp.lstat(next);
      } catch (err) {
        // The rest does not exist yet: it will be made by us, in a folder that passed.
        if (isNotFound(err)) return;
        throw err;
      }
      if (info.isSymbolicLink()) {
        if (!trusted(info))
          refuse(
            `the symbolic link ${next} belongs to another user (uid ${info.uid})`,
            "Remove that link, or replace it with one of your own.",
          );
        if (++hops > MAX_SYMLINKS) throw Object.assign(new Error(`Too many symbolic links: ${path}`), { code: "ELOOP" });
        const target = await fsp.readlink(next);
        if (target.startsWith(sep)) current = sep;
        parts = [...target.split(sep).filter((p) => p !== ""), ...parts];
        continue;
      }
      if (info.isDirectory()) {
        checkFolder(next, info);
        current = next;
        continue;
      }
      // The file itself (something else on the way is ENOTDIR, which the write reports).
      if (parts.length === 0 && !trusted(info)) {
        refuse(
          `${next === resolve(path) ? "it" : next} belongs to another user (uid ${info.uid}), who could read the keys`,
          "If the file should be yours, have it chowned to you; otherwise remove it (or the link to it).",
        );
      }
      return;
    }
  } catch (err) {
    throw fileAccessError(err, path, "write");
  }
}

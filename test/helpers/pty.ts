import { runProcess } from "./run-process.js";

// Interactive configure through a real pseudo-terminal: python3's pty runs the CLI with a TTY on
// stdin/stdout/stderr, waits until a prompt has finished drawing (100 ms of quiet), then types.
const PTY_DRIVER = String.raw`
import json, os, pty, re, select, sys, time
argv = json.loads(sys.argv[1])
answers = json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(argv[0], argv, os.environ)
def strip(b):
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b.decode("utf-8", "replace"))
out = b""
step = 0
seen = 0
deadline = time.time() + float(sys.argv[3])
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        continue
    text = strip(out)
    if step < len(answers):
        m = re.search(answers[step][0], text[seen:])
        if m:
            seen += m.end()
            for keys in answers[step][1]:
                os.write(fd, keys.encode())
                time.sleep(0.15)
            step += 1
if time.time() >= deadline:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "answered": step, "output": strip(out)}))
`;

export interface TerminalRun {
  /** The command's exit code (-9 when the driver had to kill it). */
  code: number;
  /** How many of the answers were typed. */
  answered: number;
  /** Everything the terminal showed, escape sequences removed. */
  output: string;
}

/**
 * Runs argv on a real pseudo-terminal (python3's pty) and types each answer's keys once its
 * pattern has appeared on the screen. The environment is built from nothing, as for runCli.
 */
export async function runOnTerminal(
  argv: string[],
  answers: [pattern: string, keys: string[]][],
  opts: { home: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<TerminalRun> {
  const seconds = (opts.timeoutMs ?? 30_000) / 1000;
  const r = await runProcess("python3", ["-c", PTY_DRIVER, JSON.stringify(argv), JSON.stringify(answers), String(seconds)], {
    home: opts.home,
    env: opts.env,
    timeoutMs: opts.timeoutMs ? opts.timeoutMs + 10_000 : 40_000,
  });
  if (r.code !== 0) throw new Error(`the pty driver failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as TerminalRun;
}

/**
 * A stand-in `pulumi` CLI for the few things only a CLI can show and none is installed here: what the
 * portal puts on the CLI's command line, what it tells people when the CLI fails, and what happens to a
 * CLI that will not stop. It answers `version`, succeeds at stack selection, and for `up`/`destroy` does
 * what its mode file says. Every command line is appended to `argv.log`.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** `fail`: report a CLI error. `hang`: take the stack's lock (as a file backend would), ignore SIGINT, sleep. */
export type FakePulumiMode = "fail" | "hang";
export const FAKE_CLI_ERROR = "error: decrypting secret value: failed to decrypt: incorrect passphrase";

export interface FakePulumi {
  /** The executable, deliberately not at `…/bin/pulumi`. */
  path: string;
  setMode(mode: FakePulumiMode): void;
  argv(): string;
  /** The pid of the last `up` that hung, once it has started. */
  hungPid(): number | undefined;
}

export function createFakePulumi(dir: string): FakePulumi {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "pulumi-3.248.0");
  const state = (name: string) => join(dir, name);
  writeFileSync(
    path,
    `#!/bin/bash
echo "$*" >> ${state("argv.log")}
case "$1" in
  version) echo "v3.248.0"; exit 0 ;;
  up|destroy|preview) ;;
  *) exit 0 ;;
esac
stack=""
previous=""
for arg in "$@"; do
  if [ "$previous" = "--stack" ]; then stack="$arg"; fi
  previous="$arg"
done
backend="\${PULUMI_BACKEND_URL#file://}"
locks="$backend/.pulumi/locks/organization/babyhelm-project/$stack"
if [ -n "$(ls -A "$locks" 2>/dev/null)" ]; then
  echo "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with 'pulumi cancel'." >&2
  exit 255
fi
if [ "$(cat ${state("mode")})" = "hang" ]; then
  mkdir -p "$locks" && echo '{}' > "$locks/fake.json"
  trap '' INT TERM
  echo $$ > ${state("hung.pid")}
  sleep 600 &
  wait
  exit 0
fi
echo "${FAKE_CLI_ERROR}" >&2
exit 255
`,
  );
  chmodSync(path, 0o755);
  const fake: FakePulumi = {
    path,
    setMode: (mode) => writeFileSync(state("mode"), mode),
    argv: () => {
      try {
        return readFileSync(state("argv.log"), "utf8");
      } catch {
        return "";
      }
    },
    hungPid: () => {
      try {
        return Number(readFileSync(state("hung.pid"), "utf8").trim()) || undefined;
      } catch {
        return undefined;
      }
    },
  };
  fake.setMode("fail");
  return fake;
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI } from './server-process.js';

const exec = promisify(execFile);

export interface CliResult { code: number; stdout: string; stderr: string }

/** The environment without the CROSSFEED_* / TWITCH_* settings of whoever runs the tests. */
export const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CROSSFEED_|TWITCH_)/.test(k)));

/** Runs `crossfeed <args>` as a child process; a non-zero exit is a result, not an error. */
export async function runCli(args: readonly string[], o: { cwd: string; db: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { cwd: o.cwd, env: { ...(o.env ?? process.env), CROSSFEED_DB: o.db } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

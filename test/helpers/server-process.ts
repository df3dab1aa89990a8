import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../data/paths.js';
import { freePort } from '../../bot/app/bench/bench-util.js';

export const CLI = join(packageRoot, 'bin', 'crossfeed.js');

export { freePort };

/** `crossfeed start` as a real child process on a free port with its own database file. */
export class ServerProcess {
  private constructor(readonly child: ChildProcess, readonly url: string, readonly dir: string, readonly output: string[]) {}

  static async start(env: Record<string, string> = {}, timeoutMs = 60000): Promise<ServerProcess> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'crossfeed-e2e-'));
    const output: string[] = [];
    const child = spawn(process.execPath, [CLI, 'start'], {
      cwd: dir, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', CROSSFEED_DB: join(dir, 'e2e.db'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => output.push(String(d)));
    child.stderr!.on('data', (d) => output.push(String(d)));
    const url = `http://127.0.0.1:${port}`;
    const server = new ServerProcess(child, url, dir, output);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`crossfeed start exited with ${child.exitCode}:\n${output.join('')}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await server.stop();
    throw new Error(`crossfeed start was not healthy within ${timeoutMs} ms:\n${output.join('')}`);
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
    return this.child.exitCode;
  }
}

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/** A spawned worker holding back its requests until `go()` (see worker-start.ts). */
export interface RaceWorker<R> {
  ready: Promise<void>;
  done: Promise<[string, R][]>;
  go(): void;
}

/**
 * Spawns `node <script> ...args` as a race worker: it prints "ready", waits for "go" on stdin, and
 * prints `{"results": [...]}` as its last line before exiting 0.
 */
export function spawnRaceWorker<R>(script: string, args: readonly string[], name: string): RaceWorker<R> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let signalReady!: () => void;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout.on('data', (d) => {
    out += String(d);
    if (out.startsWith('ready\n')) signalReady();
  });
  child.stderr.on('data', (d) => (err += String(d)));
  const done = new Promise<[string, R][]>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code}:\n${err}`));
      resolve((JSON.parse(out.trim().split('\n').pop() ?? '') as { results: [string, R][] }).results);
    });
  });
  return { ready: Promise.race([ready, done.then(() => undefined)]), done, go: () => child.stdin.end('go\n') };
}

type Answer = { ok: true; status: string; code: string } | { ok: false; error: string };

/**
 * The race both two-process tests run: the first 500 users ask from one process and the next 500
 * from the other, one request id per user; each process also resends 50 of the other's request ids,
 * so the same id arrives from both at about the same time. Both start together; all results return.
 */
export async function raceFromTwoProcesses<R>(users: readonly number[], start: (requests: [number, string][]) => RaceWorker<R>): Promise<[string, R][]> {
  const own = (from: number) => users.slice(from, from + 500).map((u, i): [number, string] => [u, `req-${from + i}`]);
  const a = own(0);
  const b = own(500);
  const workers = [start([...a, ...b.slice(0, 50)]), start([...b, ...a.slice(0, 50)])];
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  return (await Promise.all(workers.map((w) => w.done))).flat();
}

/**
 * Asserts that every request got the same answer (same code) from both processes and that every
 * refusal was for stock; returns the codes of the successful requests and how many answers were
 * fresh successes (`status` === `fresh`) rather than repeats.
 */
export function agreedAnswers<R extends Answer>(results: readonly [string, R][], fresh: string): { codes: Map<string, string>; freshCount: number } {
  const byRequest = new Map<string, R[]>();
  for (const [id, r] of results) byRequest.set(id, [...(byRequest.get(id) ?? []), r]);
  const codes = new Map<string, string>();
  let freshCount = 0;
  for (const [id, answers] of byRequest) {
    const first = answers[0]!;
    for (const r of answers) {
      assert.equal(r.ok, first.ok, `${id}: both processes got the same answer`);
      if (r.ok && first.ok) assert.equal(r.code, first.code, `${id}: same code from both processes`);
      if (!r.ok) assert.equal(r.error, 'out_of_stock');
    }
    if (first.ok) codes.set(id, first.code);
    freshCount += answers.filter((r) => r.ok && r.status === fresh).length;
  }
  return { codes, freshCount };
}

import { createInterface } from 'node:readline';

/**
 * The start gate of the two-process test workers: print "ready", then wait for "go" on stdin, so
 * both processes fire their requests at the same moment.
 */
export async function readyThenGo(): Promise<void> {
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() === 'go') {
        lines.close();
        resolve();
      }
    });
  });
}

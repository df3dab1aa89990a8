import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import { maskPii } from '../data/pii.js';

/** `json`: one JSON object per line (pino's fields); `text`: "crossfeed: ..." for a person; `auto`: text on a terminal, else json. */
export type LogFormat = 'auto' | 'json' | 'text';

/** The process's log: call it for an info line; `.warn`/`.error` for the others; `.pino` for Fastify. */
export interface ProcessLog {
  (line: string): void;
  warn(line: string): void;
  error(line: string): void;
  readonly pino: Logger;
  readonly format: 'json' | 'text';
}

export interface ProcessLogOptions {
  format?: LogFormat;
  /** Where lines go (default stdout); a terminal makes `auto` mean text. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  level?: string;
}

/**
 * One logger for the whole process (start's own lines, the adapters', the web server's through
 * Fastify): every message is masked (data/pii.ts) before it is written, whoever logs it.
 */
export function createProcessLog(o: ProcessLogOptions = {}): ProcessLog {
  const out = o.out ?? process.stdout;
  const format = o.format === 'json' || o.format === 'text' ? o.format : out.isTTY ? 'text' : 'json';
  const destination: DestinationStream = format === 'json'
    ? { write: (s: string) => void out.write(s) }
    : { write: (s: string) => void out.write(textLine(s)) };
  const logger = pino({
    name: 'crossfeed',
    level: o.level ?? 'info',
    base: { pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Masks the message and any string argument, whatever part of the process logs (Fastify included).
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPii(a) : a instanceof Error ? maskedErrorObject(a) : a));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
    serializers: {
      err: (e: unknown) => (e instanceof Error ? maskedErrorObject(e) : e),
      // A request as Fastify logs it with an error: method and path only (no query, no client address).
      req: (r: { method?: string; url?: string }) => ({ method: r.method, path: maskPii((r.url ?? '').split('?')[0] ?? '') }),
    },
  }, destination);
  const log = ((line: string) => logger.info(line)) as ProcessLog;
  Object.assign(log, {
    warn: (line: string) => logger.warn(line),
    error: (line: string) => logger.error(line),
    pino: logger,
    format,
  });
  return log;
}

function maskedErrorObject(e: Error): { type: string; message: string; stack?: string } {
  return { type: e.name, message: maskPii(e.message), ...(e.stack ? { stack: maskPii(e.stack) } : {}) };
}

/** pino's JSON line as a person reads it: "crossfeed: [warn] web: ..." (info lines carry no level). */
function textLine(json: string): string {
  try {
    const o = JSON.parse(json) as { level?: string; msg?: string; component?: string; err?: { stack?: string; message?: string } };
    const level = o.level && o.level !== 'info' ? `[${o.level}] ` : '';
    const component = o.component ? `${o.component}: ` : '';
    const err = o.err ? ` ${o.err.stack ?? o.err.message ?? ''}` : '';
    return `crossfeed: ${level}${component}${o.msg ?? ''}${err}\n`;
  } catch {
    return json;
  }
}

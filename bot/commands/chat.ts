import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { buildCore } from '../app.js';
import { loadConfig } from '../config.js';
import type { ChatMessage, Reply } from '../message.js';

function message(platform: 'web' | 'cli', userId: string, text: string): ChatMessage {
  return { platform, channel: platform === 'web' ? 'web' : 'terminal', user: { platformId: userId, displayName: 'You', roles: [] },
    text, time: new Date(), direct: true };
}

/** One message through the full pipeline as a new web visitor; prints {"replies":[...]}. */
export async function runChatJson(o: { config?: string }, text: string): Promise<number> {
  const core = await buildCore(loadConfig(o.config ? { file: o.config } : {}));
  try {
    const replies: Reply[] = [];
    await core.bot.handle(message('web', randomUUID(), text), { send: async (r) => void replies.push(r) });
    process.stdout.write(JSON.stringify({ replies }) + '\n');
    return 0;
  } finally {
    await core.close();
  }
}

/** An interactive terminal chat; dialogue state persists in the database between sessions. */
export async function runChat(o: { config?: string }): Promise<number> {
  process.stdout.write('crossfeed: loading models...\n');
  const core = await buildCore(loadConfig(o.config ? { file: o.config } : {}));
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  process.stdout.write('Type a message (Ctrl+D or "/quit" to leave).\n');
  try {
    for (;;) {
      let line: string;
      try {
        line = await rl.question('you> ');
      } catch {
        break;
      }
      if (line.trim() === '/quit') break;
      await core.bot.handle(message('cli', process.env.USER ?? 'local', line), {
        send: async (r) => void process.stdout.write(formatReply(r)),
      });
    }
  } finally {
    rl.close();
    await core.close();
  }
  return 0;
}

function formatReply(r: Reply): string {
  const lines = [`bot> ${r.text}`];
  for (const c of r.cards) {
    const tags = [c.priceLabel, c.level, c.sponsored ? 'Sponsored' : undefined].filter(Boolean).join(' | ');
    lines.push(`  * ${c.title} [${tags}]`);
    if (c.reason) lines.push(`    ${c.reason}`);
    lines.push(`    ${c.link}`);
    if (c.disclosure) lines.push(`    ${c.disclosure}`);
  }
  return lines.join('\n') + '\n';
}

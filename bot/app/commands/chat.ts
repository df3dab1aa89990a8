import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { buildCore } from '../app.js';
import { loadConfig } from '../../config.js';
import type { ChatMessage, Reply } from '../../message.js';

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
  // The async iterator buffers lines, so piped input is answered line by line, none lost.
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const prompt = () => process.stdout.write(process.stdin.isTTY ? 'you> ' : '');
  process.stdout.write('Type a message (Ctrl+D or "/quit" to leave).\n');
  prompt();
  try {
    for await (const line of rl) {
      if (line.trim() === '/quit') break;
      if (!process.stdin.isTTY) process.stdout.write(`you> ${line}\n`);
      await core.bot.handle(message('cli', process.env.USER ?? 'local', line), {
        send: async (r) => void process.stdout.write(formatReply(r)),
      });
      prompt();
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

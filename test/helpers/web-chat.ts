import { randomUUID } from 'node:crypto';
import { startWebServer, type WebServer } from '../../adapters/web/server.js';
import type { Bot, BotOptions } from '../../bot/bot.js';
import type { Store } from '../../data/store.js';
import type { Nlu } from '../../nlp/types.js';
import type { Recommender } from '../../recommender/recommender.js';
import { testBot } from './test-bot.js';
import { FrameClient } from './ws-client.js';

/** One visitor of the web chat, over the real socket: `say` returns the bot's next stored reply. */
export class WebVisitor {
  private n = 0;
  private constructor(readonly id: string, readonly client: FrameClient, readonly history: any[], private readonly url: string) {}

  static async open(url: string, id: string = randomUUID()): Promise<WebVisitor> {
    const client = await FrameClient.connect(`${url}/ws?visitor=${id}`);
    const history = await client.next((f) => f.type === 'history');
    return new WebVisitor(id, client, history.messages, url);
  }

  /** Sends a message and resolves with the bot's reply frame's message (text, cards, id). */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<{ id: string; text: string; cards: any[]; actions?: any[] }> {
    const clientId = `c${++this.n}-${Date.now().toString(36)}`;
    for (;;) {
      this.client.send({ type: 'message', text, clientId, ...extra });
      const f = await this.client.next((f) => (f.type === 'message' && f.message.role === 'user' && f.message.clientId === clientId) || f.type === 'error');
      if (f.type !== 'error') break;
      if (f.code !== 'rate_limited') throw new Error(`error frame: ${JSON.stringify(f)}`);
      await new Promise((r) => setTimeout(r, 1100)); // a scripted visitor types faster than the socket allows
    }
    return (await this.client.next((f) => f.type === 'message' && f.message.role === 'bot')).message;
  }

  /** A page reload: a new socket for the same visitor, with the stored history. */
  async reload(): Promise<WebVisitor> {
    this.client.close();
    return WebVisitor.open(this.url, this.id);
  }

  close(): void {
    this.client.close();
  }
}

/** A web server with a test bot (keyword NLU, seed catalog, in-memory database). */
export async function webChat(o: { nlu?: Nlu; options?: Partial<BotOptions> } = {}): Promise<{ url: string; bot: Bot; store: Store; recommender: Recommender; server: WebServer; visitor: () => Promise<WebVisitor>; close: () => Promise<void> }> {
  const t = await testBot({ ...(o.nlu ? { nlu: o.nlu } : {}), ...(o.options ? { options: o.options } : {}) });
  const server = await startWebServer({ host: '127.0.0.1', port: 0, allowedOrigins: [], maxConnectionsPerIp: 500, bot: () => t.bot });
  const url = server.url.replace('http', 'ws');
  return {
    url, bot: t.bot, store: t.store, recommender: t.recommender, server,
    visitor: () => WebVisitor.open(url),
    close: async () => {
      await server.close();
      await t.store.close();
    },
  };
}

import type { WebSocket } from 'ws';
import type { Bot } from '../../bot/bot.js';
import type { ChatMessage } from '../../bot/message.js';
import type { Outbound, TranscriptMessage } from '../../bot/transcript.js';
import { clientFrameSchema, CloseCode, visitorIdSchema } from './protocol.js';
import type { SubmitResult } from './intake.js';
import { TokenBucket } from './rate-limit.js';
import { observeSend } from '../../bot/metrics.js';
import type { VisitorHub } from './visitor-hub.js';
import { t } from '../../bot/i18n/catalogue.js';

export interface SocketDeps {
  hub: VisitorHub;
  bot: () => Bot | undefined;
  log: (message: string) => void;
  /** The client address's shared message budget; false = spent. Absent = no per-address limit. */
  addressAllows?: () => boolean;
  /** Queues a message's work in the intake (adapters/web/intake.ts). Absent = straight to the bot. */
  submit?: (visitor: string, run: () => Promise<void>) => SubmitResult;
  /** Runs after each answer (the per-address handoff limit). */
  afterAnswer?: (visitor: string) => Promise<void>;
}

// `code` names the catalogue text (bot/i18n/page-texts.ts, desk.*) the page shows in its language.
const RATE_LIMITED = { type: 'error', code: 'rate_limited', message: t('en', 'desk.rate_limited') } as const;
const BUSY = { type: 'error', code: 'busy', message: t('en', 'desk.busy') } as const;
const STARTING = { type: 'error', code: 'starting', message: t('en', 'desk.starting') } as const;

const WEB_CHANNEL = 'web';

/**
 * One browser connection: history on connect, then chat frames in and out. A client that sends
 * anything but valid JSON frames is disconnected; nobody else notices.
 */
export function handleSocket(socket: WebSocket, visitorParam: string | null, deps: SocketDeps): void {
  const parsedVisitor = visitorIdSchema.safeParse(visitorParam);
  if (!parsedVisitor.success) {
    socket.close(CloseCode.policy, 'missing or invalid visitor id');
    return;
  }
  const visitor = parsedVisitor.data.toLowerCase();
  const bucket = new TokenBucket(8, 1);
  deps.hub.add(visitor, socket);
  socket.on('close', () => deps.hub.remove(visitor, socket));
  socket.on('error', (err) => deps.log(`web socket error: ${err.message}`));

  const send = (frame: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  void (async () => {
    const bot = deps.bot();
    const messages = bot ? await bot.history('web', WEB_CHANNEL, visitor, 200).catch(() => []) : [];
    send({ type: 'history', messages });
    if (!bot) send(STARTING);
  })();

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      socket.close(CloseCode.unsupported, 'text frames only');
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      socket.close(CloseCode.unsupported, 'frames must be JSON');
      return;
    }
    const parsed = clientFrameSchema.safeParse(frame);
    if (!parsed.success) {
      socket.close(CloseCode.unsupported, 'unknown frame');
      return;
    }
    if (parsed.data.type === 'ping') {
      send({ type: 'pong' });
      return;
    }
    if (!bucket.take() || (deps.addressAllows && !deps.addressAllows())) {
      send(RATE_LIMITED);
      return;
    }
    const bot = deps.bot();
    if (!bot) {
      send(STARTING);
      return;
    }
    const message: ChatMessage = {
      platform: 'web', channel: WEB_CHANNEL, user: { platformId: visitor, displayName: visitorName(visitor), roles: [] },
      text: parsed.data.text, time: new Date(), direct: true, ...(parsed.data.action ? { action: parsed.data.action } : {}),
    };
    const clientId = parsed.data.clientId;
    const run = async () => {
      await bot.handle(message, webOutbound(deps.hub, visitor), clientId);
      await deps.afterAnswer?.(visitor).catch((err: Error) => deps.log(`after answer: ${err.message}`));
    };
    if (!deps.submit) {
      void run();
      return;
    }
    if (deps.submit(visitor, run) !== 'queued') send(BUSY);
  });
}

/** A stable short name for a visitor ("Visitor 3F9A"), so agents can tell queue entries apart. */
export function visitorName(visitor: string): string {
  return `Visitor ${visitor.replace(/-/g, '').slice(0, 4).toUpperCase()}`;
}

function webOutbound(hub: VisitorHub, visitor: string): Outbound {
  return {
    recorded: (m: TranscriptMessage) => hub.broadcast(visitor, { type: 'message', message: m }),
    typing: () => void hub.broadcast(visitor, { type: 'typing' }),
    send: async (reply, stored) => {
      // Out of the agent queue: the page's pinned "number N in line" clears.
      if (reply.queue?.state === 'none') await hub.broadcast(visitor, { type: 'support', state: 'none', text: reply.text });
      const message: TranscriptMessage = stored ?? {
        id: `tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
        role: 'bot', text: reply.text, cards: [...reply.cards], ts: new Date().toISOString(),
      };
      await hub.broadcast(visitor, { type: 'message', message });
      // The web has no outbound queue: a reply goes straight to the visitor's sockets.
      observeSend('web', 'sent', 0);
    },
  };
}

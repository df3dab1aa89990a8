import type { SupportDesk } from '../../../adapters/web/agent-desk.js';
import { startWebServer } from '../../../adapters/web/server.js';
import { buildCore, type Core } from '../app.js';
import { openCluster, type Cluster } from '../cluster.js';
import { shareAgentPresence } from '../presence.js';
import { loadConfig, publicUrlWarning, type Config } from '../../config.js';
import { createProcessLog, type ProcessLog } from '../../log.js';
import { runShutdown, type ShutdownStep } from '../../shutdown.js';

/** Everything from SIGTERM to exit stays within this (the issue's promise: 10 s, whatever platforms do). */
export const SHUTDOWN_DEADLINE_MS = 9_000;
/** Messages being handled at the signal get this long to finish against an open database. */
const IN_FLIGHT_BUDGET_MS = 4_000;
/** A platform that does not answer its close within this is abandoned. */
const PLATFORM_BUDGET_MS = 2_000;

interface Platform { stop(): Promise<void> }

/** The process's log (bot/log.ts): JSON lines or text per `log.format`, masked; set by runStart. */
let log: ProcessLog = createProcessLog();

/** discord.js (0.4 s to import) and tmi.js are loaded only when their platform is switched on. */
async function startPlatforms(config: Config, core: Core, cluster: Cluster): Promise<{ twitch?: Platform; discord?: Platform }> {
  const out: { twitch?: Platform; discord?: Platform } = {};
  if (config.twitch.username && config.twitch.token) {
    const twitch = (await import('./twitch.js')).startTwitch(config, core, log, cluster);
    if (twitch) out.twitch = twitch;
  }
  if (config.discord.token) {
    const discord = await (await import('./discord.js')).startDiscord(config, core, log, { cluster });
    if (discord) out.discord = discord;
  }
  return out;
}

/** Serves the web chat at once (health says "starting"), then loads database and models. */
export async function runStart(o: { config?: string }): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  log = createProcessLog({ format: config.log.format });
  const started = performance.now();
  const warning = publicUrlWarning(config);
  if (warning) log.warn(warning);
  // Redis (redis.url) unreachable: the error names the URL without its password, and start fails.
  const cluster = await openCluster(config, { log: (line) => log.warn(line) });
  if (cluster.redis) log(`sharing with other instances through Redis as ${cluster.id}`);
  let core: Core | undefined;
  let platforms: { twitch?: Platform; discord?: Platform } = {};
  let desk: SupportDesk | undefined;
  const web = await startWebServer({
    logger: log.pino,
    host: config.web.host, port: config.web.port, allowedOrigins: config.web.allowedOrigins,
    maxConnectionsPerIp: config.web.maxConnectionsPerIp, bot: () => core?.bot, widget: config.web.widget,
    trustProxy: config.web.trustProxy, messagesPerIp: config.web.messagesPerIp, connectionsPerIp: config.web.connectionsPerIp,
    intake: { ...config.web.intake, maxQueuedPerSource: config.web.intake.maxQueuedPerIp }, requestTimeoutMs: config.web.requestTimeoutMs,
    maxOpenHandoffsPerIp: config.web.maxOpenHandoffsPerIp,
    partners: {
      partners: new Map(Object.entries(config.partners).map(([id, p]) => [id, { secret: p.secret ?? '', couponPartners: p.couponPartners }])),
      store: () => core?.store,
    },
    support: {
      desk: () => (core ? (desk ??= supportDesk(core)) : undefined),
      // Behind an https proxy (web.publicUrl) the session cookie is Secure and that origin may post.
      secureCookies: config.web.publicUrl?.startsWith('https:') ?? false,
      extraOrigins: config.web.publicUrl ? [new URL(config.web.publicUrl).origin] : [],
      sessions: cluster.sessions, bus: cluster.bus,
    },
    dashboard: {
      data: () => {
        const c = core;
        return c && { store: c.store, reloadCatalog: async () => { await c.catalogSync.check(); c.catalogChanged(); } };
      },
    },
  }).catch(async (err: unknown) => {
    await cluster.close().catch(() => undefined);
    throw err;
  });
  log(`web chat listening on ${web.url} (health: ${web.url}/healthz)`);
  const presence = shareAgentPresence(cluster, () => web.agentsOnline());
  try {
    const built = await buildCore(config, log, { trackingBaseUrl: web.url, agentsOnline: () => presence.agentsOnline(), logError: log.error, cluster });
    core = built;
    platforms = await startPlatforms(config, built, cluster);
    log(`ready in ${Math.round(performance.now() - started)} ms (database ${Math.round(built.timings.databaseMs)} ms, models ${Math.round(built.timings.modelsMs)} ms); open ${web.url}`);
  } catch (err) {
    await web.close();
    await core?.close().catch(() => undefined);
    presence.stop();
    await cluster.close().catch(() => undefined);
    throw err;
  }
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const stopAt = performance.now();
  // A second signal means "now": no more waiting for anything.
  const now = (s: string) => {
    log(`${s} again: exiting now`);
    process.exit(130);
  };
  process.once('SIGINT', () => now('SIGINT'));
  process.once('SIGTERM', () => now('SIGTERM'));
  // Whatever hangs (a socket's close, an abandoned step), the process is gone by the deadline.
  setTimeout(() => {
    log(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS + 500).unref();

  const running = core;
  // Web chat messages still waiting in the intake queue never reached the bot: drop them first.
  const webDropped = web.stopIntake();
  const work = running.bot.stop();
  log(`${signal}: shutting down; took no new messages, dropped ${work.dropped + webDropped} queued, ${work.inFlight} being handled`);
  const steps: ShutdownStep[] = [
    // Elected jobs move to another instance at once, not after their leases expire.
    { name: 'leases', budgetMs: 500, run: () => running.stepDown() },
    { name: 'messages in flight', budgetMs: IN_FLIGHT_BUDGET_MS, run: () => Promise.all([work.finished, web.intakeIdle()]) },
  ];
  const { twitch, discord } = platforms;
  if (twitch || discord) {
    steps.push({
      name: 'platforms', budgetMs: PLATFORM_BUDGET_MS,
      run: () => Promise.all([
        twitch && bounded('twitch', twitch.stop()),
        discord && bounded('discord', discord.stop()),
      ]),
    });
  }
  steps.push({ name: 'web server', budgetMs: 1_500, run: () => web.close() });
  steps.push({
    name: 'database', budgetMs: 1_500,
    run: async () => {
      const left = running.bot.load().running;
      // Closing under a message still being handled would fail it (SQLITE_MISUSE); what is committed is safe on disk.
      if (left > 0) log(`shutdown: ${left} messages still being handled; leaving the database to the exit`);
      else await running.close();
    },
  });
  steps.push({
    name: 'cluster', budgetMs: 500,
    run: async () => {
      presence.stop();
      await cluster.close();
    },
  });
  const outcomes = await runShutdown(steps, { deadlineMs: SHUTDOWN_DEADLINE_MS, log });
  const late = running.bot.load().dropped - work.dropped;
  if (late > 0) log(`dropped ${late} more messages that arrived while shutting down`);
  const ok = outcomes.every((o) => o.outcome === 'done');
  log(`stopped in ${Math.round(performance.now() - stopAt)} ms${ok ? '' : ` (${outcomes.filter((o) => o.outcome !== 'done').map((o) => `${o.name} ${o.outcome}`).join(', ')})`}`);
  // An abandoned platform may still hold a socket open: it must not keep the process alive.
  setTimeout(() => process.exit(0), 100).unref();
  return 0;

  /** One platform's close within the platform budget, logged by name when it overruns. */
  function bounded(name: string, p: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log(`${name}: no answer to the close within ${PLATFORM_BUDGET_MS - 100} ms; abandoned`);
        resolve();
      }, PLATFORM_BUDGET_MS - 100);
      timer.unref();
    });
    return Promise.race([p.catch((err: unknown) => log(`${name}: close failed: ${String(err)}`)), late]).finally(() => clearTimeout(timer));
  }
}

/** The agent console's view of the running core. */
function supportDesk(core: Core): SupportDesk {
  const { conversations, faq, support, agents } = core.store;
  return {
    conversations, faq, support, agents,
    onConversationEvent: (listener) => core.supportEvents.subscribe((e) => listener(e.conversationId)),
    faqChanged: () => core.faqChanged(),
    entities: async (text) => (await core.nlu.parse(text)).entities.map((e) => ({ label: e.label, text: e.text, value: e.value })),
  };
}


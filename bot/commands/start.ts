import type { SupportDesk } from '../../adapters/web/agent-desk.js';
import { startWebServer } from '../../adapters/web/server.js';
import { buildCore, type Core } from '../app.js';
import { loadConfig, publicUrlWarning } from '../config.js';
import { startDiscord } from './discord.js';
import { startTwitch } from './twitch.js';

/** Serves the web chat at once (health says "starting"), then loads database and models. */
export async function runStart(o: { config?: string }): Promise<number> {
  const config = loadConfig(o.config ? { file: o.config } : {});
  const started = performance.now();
  const warning = publicUrlWarning(config);
  if (warning) log(warning);
  let core: Core | undefined;
  let twitch: { stop(): Promise<void> } | undefined;
  let desk: SupportDesk | undefined;
  let discord: { stop(): Promise<void> } | undefined;
  const web = await startWebServer({
    host: config.web.host, port: config.web.port, allowedOrigins: config.web.allowedOrigins,
    maxConnectionsPerIp: config.web.maxConnectionsPerIp, bot: () => core?.bot,
    partners: {
      partners: new Map(Object.entries(config.partners).map(([id, p]) => [id, { secret: p.secret ?? '', couponPartners: p.couponPartners }])),
      store: () => core?.store,
    },
    support: {
      desk: () => (core ? (desk ??= supportDesk(core)) : undefined),
      // Behind an https proxy (web.publicUrl) the session cookie is Secure and that origin may post.
      secureCookies: config.web.publicUrl?.startsWith('https:') ?? false,
      extraOrigins: config.web.publicUrl ? [new URL(config.web.publicUrl).origin] : [],
    },
  });
  log(`web chat listening on ${web.url} (health: ${web.url}/healthz)`);
  try {
    const built = await buildCore(config, log, { trackingBaseUrl: web.url, agentsOnline: () => web.agentsOnline() });
    core = built;
    twitch = startTwitch(config, built, log);
    discord = await startDiscord(config, built, log);
    log(`ready in ${Math.round(performance.now() - started)} ms (database ${Math.round(built.timings.databaseMs)} ms, models ${Math.round(built.timings.modelsMs)} ms); open ${web.url}`);
  } catch (err) {
    await web.close();
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: shutting down`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await twitch?.stop();
  await discord?.stop();
  await web.close();
  await core.close();
  return 0;
}

/** The agent console's view of the running core. */
function supportDesk(core: Core): SupportDesk {
  const { conversations, faq, support, agents } = core.store;
  return {
    conversations, faq, support, agents,
    onConversationEvent: (listener) => core.supportEvents.subscribe((e) => listener(e.conversationId)),
    entities: async (text) => (await core.nlu.parse(text)).entities.map((e) => ({ label: e.label, text: e.text, value: e.value })),
  };
}

function log(line: string): void {
  process.stdout.write(`crossfeed: ${line}\n`);
}

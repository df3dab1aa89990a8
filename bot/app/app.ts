import { seedCatalogIfEmpty } from '../../data/catalog/seed.js';
import type { CatalogItem } from '../../data/catalog/types.js';
import { maskedError } from '../../data/pii.js';
import { openStore } from './store.js';
import type { Store } from '../../data/store.js';
import { NluEngine } from '../../nlp/engine.js';
import { loadTrainedModels } from '../../nlp/trained-models.js';
import { catalogLexicon } from '../../nlp/rules/catalog-lexicon.js';
import { Recommender } from '../../recommender/recommender.js';
import { CatalogSync } from '../catalog-sync.js';
import { Bot } from '../bot.js';
import { ChannelDirectory } from '../channel-directory.js';
import { CollaborativeSignals, DefaultCollaborativeOptions } from '../collaborative.js';
import type { Config } from '../config.js';
import { seedFaqIfEmpty } from '../../data/faq/seed.js';
import { RetentionJob } from '../retention.js';
import { ConversationEvents, type ConversationEvent } from '../support-events.js';
import { LocalBus } from '../../data/bus.js';
import { LocalLeaseStore } from '../../data/leases.js';
import { ElectedJob } from '../elected-job.js';
import { instanceId, Topics, type Cluster } from './cluster.js';

/** The composition root: the one place real implementations are built and wired together. */
export interface Core {
  bot: Bot;
  channels: ChannelDirectory;
  nlu: NluEngine;
  recommender: Recommender;
  /** Reloads the recommender when any process changes the catalog (bot/catalog-sync.ts). */
  catalogSync: CatalogSync;
  store: Store;
  /** Activity in queued conversations (bot/support-events.ts); the agent console subscribes. */
  supportEvents: ConversationEvents;
  /** Tells every instance (this one included) that the catalog or the FAQ changed, so they reload now. */
  catalogChanged(): void;
  faqChanged(): void;
  /** Jobs that run on one elected instance at a time (retention purge, collaborative retraining). */
  jobs: readonly ElectedJob[];
  /** Stops the elected jobs and releases their leases at once (shutdown's first step; close() does it too). */
  stepDown(): Promise<void>;
  close(): Promise<void>;
}

export interface CoreTimings {
  databaseMs: number;
  modelsMs: number;
}

export interface BuildOptions {
  /** The web server's public address: suggestion links become `<address>/r/<token>` click trackers. */
  trackingBaseUrl?: string;
  /** Agents logged in to the console now (the web server knows); default none. */
  agentsOnline?: () => number;
  /** Where a message that failed is logged (masked); default stderr. */
  logError?: (line: string) => void;
  /** What this instance shares with others (bot/app/cluster.ts); default: alone, in memory. */
  cluster?: Pick<Cluster, 'id' | 'leases' | 'bus'>;
}

/** Lease time-to-live of the elected jobs: a dead holder's jobs move within this. */
export const JOB_LEASE_MS = 30_000;

export async function buildCore(config: Config, onProgress: (step: string) => void = () => undefined, o: BuildOptions = {}): Promise<Core & { timings: CoreTimings }> {
  const t0 = performance.now();
  onProgress(`opening database ${config.database.path}`);
  const store = await openStore(config.database);
  try {
    const seeded = await seedCatalogIfEmpty(store.catalog);
    if (seeded) onProgress(`loaded the seed catalog (${seeded} items)`);
    const faqSeeded = await seedFaqIfEmpty(store.faq);
    if (faqSeeded) onProgress(`loaded the seed FAQ (${faqSeeded} entries)`);
    const cluster = o.cluster ?? { id: instanceId(), leases: new LocalLeaseStore(), bus: new LocalBus() };
    const { bus } = cluster;
    const retention = new RetentionJob(store.privacy, {
      retentionDays: config.support.retentionDays,
      onPurged: (r) => { if (r.messages || r.queueEntries) onProgress(`retention: deleted ${r.messages} messages and ${r.queueEntries} closed queue entries older than ${config.support.retentionDays} days`); },
      onError: (err) => onProgress(`retention purge failed: ${String(err)}`),
    });
    // Purged by the elected instance: at once when it takes the job over, then daily.
    const retentionJob = new ElectedJob({
      name: 'retention', owner: cluster.id, leases: cluster.leases, ttlMs: JOB_LEASE_MS, everyMs: 86_400_000, runOnTakeover: true,
      run: () => retention.runOnce(), log: onProgress,
    });
    // The first election (and purge, when this instance wins) happens here, before the rest of the
    // start-up queues its database work, as the purge at start always did.
    await retentionJob.tick();
    await retentionJob.settled();
    const catalogVersion = await store.catalog.version();
    const items = await store.catalog.list();
    const t1 = performance.now();
    onProgress(`loading models from ${config.models.dir}`);
    const nlu = await loadNlu(config, items);
    const t2 = performance.now();
    const recommender = new Recommender(items, { usdRates: config.recommender.usdRates });
    const catalogSync = new CatalogSync(store.catalog, (changed) => recommender.reload(changed), {
      refreshMs: config.bot.catalogRefreshSeconds * 1000, loadedVersion: catalogVersion,
      onError: (err) => onProgress(`catalog refresh failed: ${String(err)}`),
    });
    const channels = new ChannelDirectory(store.channels, { twitch: config.twitch.channels });
    await channels.refresh();
    const collaborative = new CollaborativeSignals(store.interactions, { ...DefaultCollaborativeOptions, log: onProgress });
    await collaborative.refresh();
    if (collaborative.trainedOn) onProgress(`collaborative model trained on ${collaborative.trainedOn} engagements`);
    // Every instance serves its own copy of the model (it lives in memory), trained from the shared
    // log; the elected instance keeps the schedule and tells the others to retrain with it.
    const retrainJob = new ElectedJob({
      name: 'collaborative', owner: cluster.id, leases: cluster.leases, ttlMs: JOB_LEASE_MS, everyMs: DefaultCollaborativeOptions.refreshMs,
      run: async () => {
        await collaborative.refresh();
        void bus.publish(Topics.retrained, { by: cluster.id });
      },
      log: onProgress,
    });
    const unsubscribe = [
      bus.subscribe(Topics.retrained, (p) => {
        if ((p as { by?: string }).by !== cluster.id) collaborative.refresh().catch((err: unknown) => onProgress(`collaborative model refresh failed: ${String(err)}`));
      }),
    ];
    // The bot's conversation events go to every instance's consoles; the bus hands this instance its copy.
    const supportEvents = new ConversationEvents();
    unsubscribe.push(bus.subscribe(Topics.conversation, (e) => supportEvents.emit(e as ConversationEvent)));
    const bot = new Bot({
      nlu, recommender, store, collaborative, channelPolicy: channels.policy, trackingBaseUrl: config.web.publicUrl ?? o.trackingBaseUrl,
      supportWebUrl: config.support.webUrl ?? config.web.publicUrl ?? o.trackingBaseUrl,
      onConversationEvent: (e) => void bus.publish(Topics.conversation, e),
      ...(o.agentsOnline ? { agentsOnline: o.agentsOnline } : {}),
      ...(o.logError ? { onError: (err: unknown) => o.logError!(`message failed: ${maskedError(err)}`) } : {}),
      options: {
        botNames: config.bot.names, commandPrefix: config.bot.commandPrefix,
        answerUnaddressed: config.bot.answerUnaddressed, unaddressedMinConfidence: config.bot.unaddressedMinConfidence,
        promotionCaps: config.bot.promotionCaps,
        support: { handoffAfterMisses: config.support.handoffAfterMisses, faqRefreshMs: config.support.faqRefreshSeconds * 1000 },
        loyalty: config.loyalty,
      },
    });
    unsubscribe.push(
      bus.subscribe(Topics.catalogChanged, () => void catalogSync.check().catch((err: unknown) => onProgress(`catalog refresh failed: ${String(err)}`))),
      bus.subscribe(Topics.faqChanged, () => bot.faqChanged()),
    );
    catalogSync.start();
    const jobs = [retentionJob, retrainJob];
    for (const job of jobs) job.start();
    const stepDown = async () => { await Promise.all(jobs.map((j) => j.stop())); };
    const close = async () => {
      for (const u of unsubscribe.splice(0)) u();
      await stepDown();
      await catalogSync.stop(); collaborative.stop(); retention.stop(); await nlu.close(); await store.close();
    };
    return {
      bot, channels, nlu, recommender, catalogSync, store, supportEvents, jobs, stepDown, close,
      catalogChanged: () => void bus.publish(Topics.catalogChanged, {}),
      faqChanged: () => void bus.publish(Topics.faqChanged, {}),
      timings: { databaseMs: t1 - t0, modelsMs: t2 - t1 },
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/** The NLU as the bot runs it: shipped models, the trained ones (`nlu.trainedDir` or shipped), catalog words. */
export function loadNlu(config: Config, items: readonly CatalogItem[]): Promise<NluEngine> {
  return NluEngine.load({
    modelDir: config.models.dir, threads: config.models.threads, trained: loadTrainedModels(config.nlu.trainedDir),
    lexicon: catalogLexicon(items), batchWorker: config.nlu.batchWorker, resultCache: config.nlu.resultCache,
  });
}

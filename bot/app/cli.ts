import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { ChannelAddOptions } from './commands/channels.js';
import type { RecsEvalOptions } from './commands/recs-eval.js';
import type { AgentAddOptions } from './commands/agents.js';
import { ConfigError } from '../config.js';
import type { PointsChangeOptions, RewardAddOptions } from './commands/points.js';
import { packageRoot } from '../../data/paths.js';
import type { ReportOptions } from './commands/report.js';

// Each command's module (and what it pulls in: models, discord.js, tmi.js, SQLite) is imported
// only when that command runs, so `crossfeed --help` and `crossfeed start` load no more than they use.
const commands = {
  agents: () => import('./commands/agents.js'),
  backup: () => import('./commands/backup.js'),
  catalogImport: () => import('./commands/catalog-import.js'),
  channels: () => import('./commands/channels.js'),
  chat: () => import('./commands/chat.js'),
  demo: () => import('./commands/demo.js'),
  doctor: () => import('./commands/doctor.js'),
  faq: () => import('./commands/faq.js'),
  migrate: () => import('./commands/migrate.js'),
  nluEval: () => import('./commands/nlu-eval.js'),
  nluParse: () => import('./commands/nlu-parse.js'),
  nluTrain: () => import('./commands/nlu-train.js'),
  points: () => import('./commands/points.js'),
  recsEval: () => import('./commands/recs-eval.js'),
  report: () => import('./commands/report.js'),
  campaigns: () => import('./commands/campaigns.js'),
  start: () => import('./commands/start.js'),
};

/** The version in package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The `crossfeed` program with every command; running a command's action reports its exit code
 * through `setCode`. Exported so tests can list the commands (the README's command table).
 */
export function buildProgram(setCode: (code: number) => void): Command {
  const program = new Command('crossfeed')
    .description('crossfeed: an on-device chatbot for live streams and customer service')
    .version(version(), '-V, --version', 'print the version and exit')
    .option('-c, --config <file>', 'config file (default: ./crossfeed.config.yaml when present)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const opts = () => program.opts<{ config?: string }>();

  program.command('start').description('start the bot: web chat on HOST:PORT (default 127.0.0.1:8080)')
    .action(async () => { setCode(await (await commands.start()).runStart(opts())); });

  program.command('doctor').description('check the configuration, database, Redis, models and platform settings, and say what is wrong')
    .action(async () => { setCode(await (await commands.doctor()).runDoctor(opts())); });

  program.command('chat').description('talk to the bot in the terminal through the full pipeline')
    .option('--json <text>', 'send one message as a web user and print the replies as JSON')
    .action(async (o: { json?: string }) => { setCode(o.json !== undefined ? await (await commands.chat()).runChatJson(opts(), o.json) : await (await commands.chat()).runChat(opts())); });

  const nlu = program.command('nlu').description('natural-language understanding tools');
  nlu.command('parse <text>').description('print intent, confidence, entities and language as JSON ("-" reads one message per line from stdin)')
    .action(async (text: string) => { setCode(await (await commands.nluParse()).runNluParse(opts(), text)); });
  nlu.command('train').description('train intent and entity models in TypeScript on data/nlu plus your own YAML (no Python)')
    .option('--data <dir...>', 'extra folders of intent YAML (added to nlu.dataDirs)')
    .option('--out <dir>', 'where to write the models (default: nlu.trainedDir, var/nlu)')
    .option('--seed <n>', 'random seed', '13')
    .option('--no-encoder-head', 'skip the intent head on the pretrained encoder (data/models/encoder)')
    .option('--faq <file>', 'take the FAQ phrasings added to the faq intent from this file (faq import format) instead of the knowledge base')
    .option('--no-faq-phrasings', 'do not add the FAQ\'s phrasings to the faq intent\'s examples')
    .action(async (o: { data?: string[]; out?: string; seed: string; encoderHead: boolean; faq?: string; faqPhrasings: boolean }) => { setCode(await (await commands.nluTrain()).runNluTrain({ ...opts(), ...o })); });
  nlu.command('eval').description('train on <dir>/train.jsonl (valid.jsonl calibrates) and score <dir>/test.jsonl')
    .requiredOption('--data <dir>', 'folder with train.jsonl, test.jsonl and optionally valid.jsonl')
    .option('--oos-label <label>', 'label of out-of-scope examples', 'oos')
    .option('--json', 'print one JSON object instead of a table', false)
    .action(async (o: { data: string; oosLabel: string; json: boolean }) => { const [{ runNluEval }, { entityTrainer }] = await Promise.all([commands.nluEval(), import('../../nlp/entities-train/index.js')]);
      setCode(await runNluEval({ ...o, entityTrainer })); });

  const channels = program.command('channels').description('channels the bot joins (Twitch), with their settings');
  channels.command('add <platform> <name>').description('add a channel; a running bot joins it within twitch.channelSyncSeconds')
    .option('--prefix <prefix>', 'command prefix in this channel (default: bot.commandPrefix)')
    .option('--questions', 'answer confident plain questions not addressed to the bot')
    .option('--no-questions', 'answer only @mentions, replies and commands')
    .option('--min-confidence <p>', 'confidence needed to answer a plain question (0..1)')
    .option('--no-promotions', 'no sponsored placements in this channel')
    .action(async (platform: string, name: string, o: ChannelAddOptions) => { setCode(await (await commands.channels()).runChannelsAdd({ ...opts(), ...o }, platform, name)); });
  channels.command('remove <platform> <name>').description('remove a channel; a running bot leaves it')
    .action(async (platform: string, name: string) => { setCode(await (await commands.channels()).runChannelsRemove(opts(), platform, name)); });
  channels.command('list').description('channels from the config file and the database')
    .action(async () => { setCode(await (await commands.channels()).runChannelsList(opts())); });

  program.command('demo').description('local Twitch chat server (enforcing Twitch\'s limits) + the bot + simulated viewers; type to chat')
    .option('--seconds <n>', 'how long to run', '60')
    .option('--rate <n>', 'simulated viewer messages per second', '3')
    .action(async (o: { seconds: string; rate: string }) => { setCode(await (await commands.demo()).runDemo({ ...opts(), ...o })); });

  const catalog = program.command('catalog').description('catalog tools');
  catalog.command('import <file>').description('add or update catalog items from a .json or .csv file')
    .action(async (file: string) => { setCode(await (await commands.catalogImport()).runCatalogImport(opts(), file)); });

  const faq = program.command('faq').description('the FAQ knowledge base the bot answers from');
  faq.command('import <file>').description('add or replace FAQ entries by id from a .yaml or .csv file; a running bot picks them up within seconds')
    .action(async (file: string) => { setCode(await (await commands.faq()).runFaqImport(opts(), file)); });
  faq.command('export').description('print every FAQ entry (YAML by default), ready to edit and import')
    .option('--format <format>', 'yaml or csv', 'yaml')
    .action(async (o: { format: string }) => { setCode(await (await commands.faq()).runFaqExport({ ...opts(), ...o })); });

  const agents = program.command('agents').description('support agents who log in to the console at /agent');
  agents.command('add <username>').description('create an agent; the password is asked for (hidden), never taken from the command line')
    .option('--admin', 'may also manage agents and the FAQ', false)
    .option('--partner <id>', 'a partner\'s dashboard login: sees only that partner\'s campaigns at /admin')
    .option('--password-stdin', 'read the password from the first line of standard input (scripts)', false)
    .action(async (username: string, o: AgentAddOptions) => { setCode(await (await commands.agents()).runAgentsAdd({ ...opts(), ...o }, username)); });

  const points = program.command('points').description('loyalty points: admin changes, leaderboard, CSV export of the ledger');
  for (const verb of ['grant', 'revoke'] as const) {
    points.command(`${verb} <platform> <user> <n>`).description(`${verb} n points to a platform user id (logged with your login as actor)`)
      .requiredOption('--reason <text>', 'why; kept in the ledger')
      .option('--key <id>', 'idempotency key: running the command again with it changes nothing')
      .action(async (platform: string, user: string, n: string, o: PointsChangeOptions) => { setCode(await (await commands.points()).runPointsChange({ ...opts(), ...o }, verb, platform, user, n)); });
  }
  points.command('leaderboard').description('top balances, or with --channel net points earned in one channel')
    .option('--channel <platform:channel>', 'e.g. twitch:mystreamer')
    .option('--limit <n>', 'rows', '10')
    .action(async (o: { channel?: string; limit: string }) => { setCode(await (await commands.points()).runPointsLeaderboard({ ...opts(), ...o })); });
  points.command('export').description('the whole ledger as CSV (stdout or --out); fails if a cached balance disagrees with it')
    .option('--out <file.csv>', 'write to a file')
    .action(async (o: { out?: string }) => { setCode(await (await commands.points()).runPointsExport({ ...opts(), ...o })); });

  const rewards = program.command('rewards').description('rewards viewers can redeem points for');
  rewards.command('add <id>').description('add or update a reward (a partner coupon from the catalog or a fixed discount code)')
    .requiredOption('--name <text>', 'what people see')
    .requiredOption('--price <points>', 'price in points')
    .option('--stock <n>', 'how many may be redeemed (default: unlimited; a coupon is also limited by its own stock)')
    .option('--coupon <item id>', 'issue a fresh code of this catalog coupon')
    .option('--code <text>', 'hand out this discount code (e.g. a course discount)')
    .option('--channel <platform:channel>', 'offer it in one channel only (default: everywhere)')
    .action(async (id: string, o: RewardAddOptions) => { setCode(await (await commands.points()).runRewardsAdd({ ...opts(), ...o }, id)); });
  rewards.command('list').description('rewards (all, or those offered in --channel)')
    .option('--channel <platform:channel>', 'e.g. twitch:mystreamer')
    .action(async (o: { channel?: string }) => { setCode(await (await commands.points()).runRewardsList({ ...opts(), ...o })); });
  rewards.command('remove <id>').description('stop offering a reward (redemptions stay in the ledger)')
    .action(async (id: string) => { setCode(await (await commands.points()).runRewardsRemove(opts(), id)); });

  program.command('migrate').description('bring the database (database.path, or database.url for PostgreSQL) up to the latest schema')
    .action(async () => { setCode(await (await commands.migrate()).runMigrate(opts())); });

  program.command('backup <file>').description('write a consistent copy of the database to <file>, safe while the bot runs (restore: README, Backups)')
    .option('--force', 'replace <file> if it exists', false)
    .action(async (file: string, o: { force: boolean }) => { setCode(await (await commands.backup()).runBackup({ ...opts(), ...o }, file)); });

  const partners = program.command('partners').description('partners whose campaigns the bot runs');
  partners.command('add <id>').description('add a partner (or rename one)')
    .requiredOption('--name <text>', 'display name')
    .action(async (id: string, o: { name: string }) => { setCode(await (await commands.campaigns()).runPartnersAdd({ ...opts(), ...o }, id)); });
  partners.command('list').description('partners').action(async () => { setCode(await (await commands.campaigns()).runPartnersList(opts())); });

  const campaigns = program.command('campaigns').description('partner campaigns: budgets, pacing, targeting (see docs/campaigns.md)');
  campaigns.command('add <file>').description('create a campaign from a .yaml or .json file')
    .action(async (file: string) => { setCode(await (await commands.campaigns()).runCampaignsPut(opts(), file)); });
  campaigns.command('edit <id> <file>').description('replace a campaign\'s settings from a file')
    .action(async (id: string, file: string) => { setCode(await (await commands.campaigns()).runCampaignsPut(opts(), file, id)); });
  campaigns.command('list').description('campaigns with spend and budget')
    .option('--partner <id>', 'one partner only')
    .option('--json', 'print JSON', false)
    .action(async (o: { partner?: string; json: boolean }) => { setCode(await (await commands.campaigns()).runCampaignsList({ ...opts(), ...o })); });
  campaigns.command('pause <id>').description('stop offering a campaign\'s items now (every process)')
    .action(async (id: string) => { setCode(await (await commands.campaigns()).runCampaignsStatus(opts(), id, 'paused')); });
  campaigns.command('resume <id>').description('offer a paused campaign again')
    .action(async (id: string) => { setCode(await (await commands.campaigns()).runCampaignsStatus(opts(), id, 'active')); });

  program.command('report').description('impressions, clicks, CTR, claims, conversions, spend, CPC, CPA; experiment lift; off-policy estimates')
    .option('--by <group>', 'partner, campaign, item, channel, platform or language', 'campaign')
    .option('--from <date>', 'start (default: 30 days before --to)')
    .option('--to <date>', 'end, exclusive (default: now)')
    .option('--partner <id>', 'only this partner\'s campaign items')
    .option('--campaign <id>', 'only this campaign\'s items')
    .option('--json', 'print JSON', false)
    .option('--csv', 'print CSV', false)
    .action(async (o: ReportOptions) => { setCode(await (await commands.report()).runReport({ ...opts(), ...o })); });

  const recs = program.command('recs').description('recommender tools');
  recs.command('eval').description('hold out each user\'s last interaction; score popularity, item-kNN and EASE side by side and the model the bot would serve')
    .option('--interactions <file.csv>', 'CSV with header user,item,timestamp[,weight] (required)')
    .option('--k <n>', 'length of each recommendation list', '10')
    .option('--algorithm <name>', 'auto (default: chosen by validation, as the bot does), item-knn, ease, als or popularity', 'auto')
    .option('--json', 'print one JSON object instead of a table', false)
    .action(async (o: RecsEvalOptions) => { setCode(await (await commands.recsEval()).runRecsEval(o)); });

  return program;
}

/** `crossfeed` command line. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => { code = c; });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ConfigError) {
      process.stderr.write(`crossfeed: ${err.message}\n`);
      return 78;
    }
    process.stderr.write(`crossfeed: ${(err as Error).message ?? err}\n`);
    return 1;
  }
  return code;
}

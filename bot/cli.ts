import { Command, CommanderError } from 'commander';
import { runCatalogImport } from './commands/catalog-import.js';
import { runChannelsAdd, runChannelsList, runChannelsRemove, type ChannelAddOptions } from './commands/channels.js';
import { runChat, runChatJson } from './commands/chat.js';
import { runDemo } from './commands/demo.js';
import { entityTrainer } from '../nlp/entities-train/index.js';
import { runNluEval } from './commands/nlu-eval.js';
import { runNluParse } from './commands/nlu-parse.js';
import { runNluTrain } from './commands/nlu-train.js';
import { runRecsEval, type RecsEvalOptions } from './commands/recs-eval.js';
import { runStart } from './commands/start.js';
import { runFaqExport, runFaqImport } from './commands/faq.js';
import { runAgentsAdd, type AgentAddOptions } from './commands/agents.js';
import { ConfigError } from './config.js';
import { runPointsChange, runPointsExport, runPointsLeaderboard, runRewardsAdd, runRewardsList, runRewardsRemove, type PointsChangeOptions, type RewardAddOptions } from './commands/points.js';

/** `crossfeed` command line. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('crossfeed')
    .description('crossfeed: an on-device chatbot for live streams and customer service')
    .option('-c, --config <file>', 'config file (default: ./crossfeed.config.yaml when present)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  let code = 0;
  const opts = () => program.opts<{ config?: string }>();

  program.command('start').description('start the bot: web chat on HOST:PORT (default 127.0.0.1:8080)')
    .action(async () => { code = await runStart(opts()); });

  program.command('chat').description('talk to the bot in the terminal through the full pipeline')
    .option('--json <text>', 'send one message as a web user and print the replies as JSON')
    .action(async (o: { json?: string }) => { code = o.json !== undefined ? await runChatJson(opts(), o.json) : await runChat(opts()); });

  const nlu = program.command('nlu').description('natural-language understanding tools');
  nlu.command('parse <text>').description('print intent, confidence, entities and language as JSON ("-" reads one message per line from stdin)')
    .action(async (text: string) => { code = await runNluParse(opts(), text); });
  nlu.command('train').description('train intent and entity models in TypeScript on data/nlu plus your own YAML (no Python)')
    .option('--data <dir...>', 'extra folders of intent YAML (added to nlu.dataDirs)')
    .option('--out <dir>', 'where to write the models (default: nlu.trainedDir, var/nlu)')
    .option('--seed <n>', 'random seed', '13')
    .option('--no-encoder-head', 'skip the intent head on the pretrained encoder (data/models/encoder)')
    .action(async (o: { data?: string[]; out?: string; seed: string; encoderHead: boolean }) => { code = await runNluTrain({ ...opts(), ...o }); });
  nlu.command('eval').description('train on <dir>/train.jsonl (valid.jsonl calibrates) and score <dir>/test.jsonl')
    .requiredOption('--data <dir>', 'folder with train.jsonl, test.jsonl and optionally valid.jsonl')
    .option('--oos-label <label>', 'label of out-of-scope examples', 'oos')
    .option('--json', 'print one JSON object instead of a table', false)
    .action(async (o: { data: string; oosLabel: string; json: boolean }) => { code = await runNluEval({ ...o, entityTrainer }); });

  const channels = program.command('channels').description('channels the bot joins (Twitch), with their settings');
  channels.command('add <platform> <name>').description('add a channel; a running bot joins it within twitch.channelSyncSeconds')
    .option('--prefix <prefix>', 'command prefix in this channel (default: bot.commandPrefix)')
    .option('--questions', 'answer confident plain questions not addressed to the bot')
    .option('--no-questions', 'answer only @mentions, replies and commands')
    .option('--min-confidence <p>', 'confidence needed to answer a plain question (0..1)')
    .option('--no-promotions', 'no sponsored placements in this channel')
    .action(async (platform: string, name: string, o: ChannelAddOptions) => { code = await runChannelsAdd({ ...opts(), ...o }, platform, name); });
  channels.command('remove <platform> <name>').description('remove a channel; a running bot leaves it')
    .action(async (platform: string, name: string) => { code = await runChannelsRemove(opts(), platform, name); });
  channels.command('list').description('channels from the config file and the database')
    .action(async () => { code = await runChannelsList(opts()); });

  program.command('demo').description('local Twitch chat server (enforcing Twitch\'s limits) + the bot + simulated viewers; type to chat')
    .option('--seconds <n>', 'how long to run', '60')
    .option('--rate <n>', 'simulated viewer messages per second', '3')
    .action(async (o: { seconds: string; rate: string }) => { code = await runDemo({ ...opts(), ...o }); });

  const catalog = program.command('catalog').description('catalog tools');
  catalog.command('import <file>').description('add or update catalog items from a .json or .csv file')
    .action(async (file: string) => { code = await runCatalogImport(opts(), file); });

  const faq = program.command('faq').description('the FAQ knowledge base the bot answers from');
  faq.command('import <file>').description('add or replace FAQ entries by id from a .yaml or .csv file; a running bot picks them up within seconds')
    .action(async (file: string) => { code = await runFaqImport(opts(), file); });
  faq.command('export').description('print every FAQ entry (YAML by default), ready to edit and import')
    .option('--format <format>', 'yaml or csv', 'yaml')
    .action(async (o: { format: string }) => { code = await runFaqExport({ ...opts(), ...o }); });

  const agents = program.command('agents').description('support agents who log in to the console at /agent');
  agents.command('add <username>').description('create an agent; the password is asked for (hidden), never taken from the command line')
    .option('--admin', 'may also manage agents and the FAQ', false)
    .option('--password-stdin', 'read the password from the first line of standard input (scripts)', false)
    .action(async (username: string, o: AgentAddOptions) => { code = await runAgentsAdd({ ...opts(), ...o }, username); });

  const points = program.command('points').description('loyalty points: admin changes, leaderboard, CSV export of the ledger');
  for (const verb of ['grant', 'revoke'] as const) {
    points.command(`${verb} <platform> <user> <n>`).description(`${verb} n points to a platform user id (logged with your login as actor)`)
      .requiredOption('--reason <text>', 'why; kept in the ledger')
      .option('--key <id>', 'idempotency key: running the command again with it changes nothing')
      .action(async (platform: string, user: string, n: string, o: PointsChangeOptions) => { code = await runPointsChange({ ...opts(), ...o }, verb, platform, user, n); });
  }
  points.command('leaderboard').description('top balances, or with --channel net points earned in one channel')
    .option('--channel <platform:channel>', 'e.g. twitch:mystreamer')
    .option('--limit <n>', 'rows', '10')
    .action(async (o: { channel?: string; limit: string }) => { code = await runPointsLeaderboard({ ...opts(), ...o }); });
  points.command('export').description('the whole ledger as CSV (stdout or --out); fails if a cached balance disagrees with it')
    .option('--out <file.csv>', 'write to a file')
    .action(async (o: { out?: string }) => { code = await runPointsExport({ ...opts(), ...o }); });

  const rewards = program.command('rewards').description('rewards viewers can redeem points for');
  rewards.command('add <id>').description('add or update a reward (a partner coupon from the catalog or a fixed discount code)')
    .requiredOption('--name <text>', 'what people see')
    .requiredOption('--price <points>', 'price in points')
    .option('--stock <n>', 'how many may be redeemed (default: unlimited; a coupon is also limited by its own stock)')
    .option('--coupon <item id>', 'issue a fresh code of this catalog coupon')
    .option('--code <text>', 'hand out this discount code (e.g. a course discount)')
    .option('--channel <platform:channel>', 'offer it in one channel only (default: everywhere)')
    .action(async (id: string, o: RewardAddOptions) => { code = await runRewardsAdd({ ...opts(), ...o }, id); });
  rewards.command('list').description('rewards (all, or those offered in --channel)')
    .option('--channel <platform:channel>', 'e.g. twitch:mystreamer')
    .action(async (o: { channel?: string }) => { code = await runRewardsList({ ...opts(), ...o }); });
  rewards.command('remove <id>').description('stop offering a reward (redemptions stay in the ledger)')
    .action(async (id: string) => { code = await runRewardsRemove(opts(), id); });

  const recs = program.command('recs').description('recommender tools');
  recs.command('eval').description('hold out each user\'s last interaction; score the collaborative model against popularity')
    .option('--interactions <file.csv>', 'CSV with header user,item,timestamp[,weight] (required)')
    .option('--k <n>', 'length of each recommendation list', '10')
    .option('--algorithm <name>', 'item-knn (default), als or popularity', 'item-knn')
    .option('--json', 'print one JSON object instead of a table', false)
    .action(async (o: RecsEvalOptions) => { code = await runRecsEval(o); });

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

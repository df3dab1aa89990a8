import { Command, CommanderError } from 'commander';
import { runCatalogImport } from './commands/catalog-import.js';
import { runChat, runChatJson } from './commands/chat.js';
import { runNluParse } from './commands/nlu-parse.js';
import { runStart } from './commands/start.js';
import { ConfigError } from './config.js';

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
  nlu.command('parse <text>').description('print intent, confidence, entities and language as JSON')
    .action(async (text: string) => { code = await runNluParse(opts(), text); });

  const catalog = program.command('catalog').description('catalog tools');
  catalog.command('import <file>').description('add or update catalog items from a .json or .csv file')
    .action(async (file: string) => { code = await runCatalogImport(opts(), file); });

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

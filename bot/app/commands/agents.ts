import { openStore } from '../store.js';
import { DuplicateUsernameError } from '../../../data/support.js';
import { loadConfig } from '../../config.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/;
export const MIN_PASSWORD_CHARS = 10;

export interface AgentAddOptions { config?: string; admin?: boolean; partner?: string; passwordStdin?: boolean }

/**
 * `crossfeed agents add <username> [--admin]`: the password comes from a hidden prompt (typed
 * twice) or, for scripts, the first line of standard input with `--password-stdin`. Never from the
 * command line, where other users and shell history would see it.
 * Exit code: 0 created, 1 the username exists, 2 invalid input.
 */
export async function runAgentsAdd(o: AgentAddOptions, username: string): Promise<number> {
  if (o.admin && o.partner !== undefined) return fail('--admin and --partner: choose one', 2);
  if (!USERNAME.test(username)) return fail(`"${username}" is not a valid username (3-32 letters, digits, _ . or -, starting with a letter or digit)`, 2);
  let password: string;
  if (o.passwordStdin) {
    password = (await readAll(process.stdin)).split(/\r?\n/)[0] ?? '';
  } else if (process.stdin.isTTY) {
    password = await promptHidden(`password for ${username}: `);
    const again = await promptHidden('again: ');
    if (again !== password) return fail('the passwords do not match', 2);
  } else {
    return fail('no terminal to ask for the password; pipe it in with --password-stdin', 2);
  }
  if ([...password].length < MIN_PASSWORD_CHARS) return fail(`the password needs at least ${MIN_PASSWORD_CHARS} characters`, 2);
  const config = loadConfig(o.config ? { file: o.config } : {});
  const store = await openStore(config.database);
  try {
    if (o.partner !== undefined && !(await store.campaigns.partner(o.partner))) return fail(`--partner: no partner "${o.partner}" (crossfeed partners add)`, 2);
    const agent = o.partner !== undefined
      ? await store.agents.create(username, password, 'partner', o.partner)
      : await store.agents.create(username, password, o.admin ? 'admin' : 'agent');
    process.stdout.write(`added ${agent.role} ${agent.username} (id ${agent.id}) to ${config.database.path}\n`);
    return 0;
  } catch (err) {
    if (err instanceof DuplicateUsernameError) return fail(err.message, 1);
    throw err;
  } finally {
    await store.close();
  }
}

function fail(message: string, code: number): number {
  process.stderr.write(`crossfeed: ${message}\n`);
  return code;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Reads one line from the terminal without echoing it. Ctrl-C aborts. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

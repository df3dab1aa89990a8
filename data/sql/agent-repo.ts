import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DuplicateUsernameError, type Agent, type AgentRole, type AgentStore } from '../support.js';
import { asciiLower, type SqlDatabase } from './sql-database.js';

interface AgentRow { id: number; username: string; password_hash: string; role: AgentRole; partner_id: string | null; created_at: string }

/** scrypt cost: N = 2^15 needs 32 MiB and about 50-100 ms per check; r, p as RFC 7914 recommends. */
const COST = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_BYTES = 64;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64 salt and hash): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash nobody's password matches, checked for unknown usernames so they take as long as known ones. */
let decoy: Promise<string> | undefined;

export class SqlAgentStore implements AgentStore {
  constructor(private readonly db: SqlDatabase) {}

  async create(username: string, password: string, role: AgentRole, partnerId?: string): Promise<Agent> {
    if ((role === 'partner') !== (partnerId !== undefined)) throw new Error('a partner login needs a partner id, and only a partner login has one');
    const name = username.trim();
    if (!name) throw new Error('an agent needs a username');
    if (!password) throw new Error('an agent needs a password');
    const hash = await hashPassword(password);
    // Usernames are unique regardless of case; checked first, since a failed statement would end
    // a PostgreSQL transaction (the unique index still backs it).
    const id = await this.db.transaction(async (tx) => {
      if (await tx.get('SELECT 1 FROM agents WHERE lower(username) = ?', [asciiLower(name)])) return undefined;
      return tx.insertId('INSERT INTO agents (username, password_hash, role, partner_id) VALUES (?, ?, ?, ?)', [name, hash, role, partnerId ?? null]);
    });
    if (id === undefined) throw new DuplicateUsernameError(name);
    const agent = await this.get(id);
    if (!agent) throw new Error('agent vanished right after insert');
    return agent;
  }

  async verify(username: string, password: string): Promise<Agent | undefined> {
    const row = await this.db.get<AgentRow>('SELECT * FROM agents WHERE lower(username) = ?', [asciiLower(username.trim())]);
    if (!row) {
      decoy ??= hashPassword(randomBytes(16).toString('hex'));
      await checkPassword(password, await decoy);
      return undefined;
    }
    return (await checkPassword(password, row.password_hash)) ? toAgent(row) : undefined;
  }

  async get(id: number): Promise<Agent | undefined> {
    const row = await this.db.get<AgentRow>('SELECT * FROM agents WHERE id = ?', [id]);
    return row && toAgent(row);
  }

  async list(): Promise<Agent[]> {
    return (await this.db.all<AgentRow>('SELECT * FROM agents ORDER BY id')).map(toAgent);
  }

  async remove(id: number): Promise<boolean> {
    return (await this.db.run('DELETE FROM agents WHERE id = ?', [id])).changes === 1;
  }

  async setPassword(id: number, password: string): Promise<boolean> {
    if (!password) throw new Error('an agent needs a password');
    return (await this.db.run('UPDATE agents SET password_hash = ? WHERE id = ?', [await hashPassword(password), id])).changes === 1;
  }
}

function toAgent(r: AgentRow): Agent {
  return { id: r.id, username: r.username, role: r.role, ...(r.partner_id !== null ? { partnerId: r.partner_id } : {}), createdAt: r.created_at };
}

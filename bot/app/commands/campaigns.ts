import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CampaignValidationError } from '../../../data/campaigns.js';
import { withConfiguredStore } from '../store.js';
import { formatMinor } from '../../../recommender/campaigns/money.js';
import { parseCampaign } from '../../../recommender/campaigns/schema.js';

const PARTNER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

type Opts = { config?: string };

const withStore = withConfiguredStore;

/** `crossfeed partners add <id> --name <name>` (adds or renames). */
export async function runPartnersAdd(o: Opts & { name: string }, id: string): Promise<number> {
  if (!PARTNER_ID.test(id)) return fail(`id: "${id}" must be 1-64 lowercase letters, digits, _ or -`);
  if (!o.name.trim()) return fail('--name: must not be empty');
  const p = await withStore(o, (s) => s.campaigns.putPartner(id, o.name.trim()));
  process.stdout.write(`partner ${p.id} (${p.name})\n`);
  return 0;
}

export async function runPartnersList(o: Opts): Promise<number> {
  for (const p of await withStore(o, (s) => s.campaigns.partners())) process.stdout.write(`${p.id}\t${p.name}\n`);
  return 0;
}

/** `crossfeed campaigns add <file.yaml|json>` or `campaigns edit <id> <file>`. Exit 2 with every bad field named. */
export async function runCampaignsPut(o: Opts, file: string, id?: string): Promise<number> {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return fail(`${file}: ${(err as Error).message}`);
  }
  try {
    const input = parseCampaign(raw);
    const c = await withStore(o, (s) => (id === undefined ? s.campaigns.create(input) : s.campaigns.update(Number(id), input)));
    if (!c) return fail(`no campaign ${id}`);
    process.stdout.write(`${id === undefined ? 'created' : 'updated'} campaign ${c.id} "${c.name}" for ${c.partnerId}\n`);
    return 0;
  } catch (err) {
    if (err instanceof CampaignValidationError) return fail(`${file}: ${err.message}`);
    throw err;
  }
}

export async function runCampaignsList(o: Opts & { partner?: string; json?: boolean }): Promise<number> {
  const list = await withStore(o, (s) => s.campaigns.list(o.partner !== undefined ? { partnerId: o.partner } : {}));
  if (o.json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  for (const c of list) {
    const m = (x: number) => `${formatMinor(x, c.currency)}`;
    process.stdout.write(`${c.id}\t${c.partnerId}\t${c.status}\t${c.name}\tspent ${m(c.spentTotal)}/${m(c.totalBudget)} ${c.currency}` +
      `${c.dailyBudget !== null ? `\ttoday ${m(c.spentToday)}/${m(c.dailyBudget)}` : ''}\t${c.pricing} @ ${m(c.price)}\t${c.startsAt} .. ${c.endsAt}\n`);
  }
  return 0;
}

export async function runCampaignsStatus(o: Opts, id: string, status: 'active' | 'paused'): Promise<number> {
  const ok = await withStore(o, (s) => s.campaigns.setStatus(Number(id), status));
  if (!ok) return fail(`no campaign ${id}`);
  process.stdout.write(`campaign ${id} ${status === 'active' ? 'resumed' : 'paused'}\n`);
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`crossfeed: ${message}\n`);
  return 2;
}

import type { ChannelRecord, ChannelStore } from '../store.js';
import type { SqlDatabase } from './sql-database.js';

interface Row { platform: string; name: string; settings: string; added_at: string }

export class SqlChannelStore implements ChannelStore {
  constructor(private readonly db: SqlDatabase) {}

  async list(platform?: string): Promise<ChannelRecord[]> {
    const rows = platform
      ? await this.db.all<Row>('SELECT * FROM channels WHERE platform = ? ORDER BY name', [platform])
      : await this.db.all<Row>('SELECT * FROM channels ORDER BY platform, name');
    return rows.map((r) => ({ platform: r.platform, name: r.name, settings: parseSettings(r.settings), addedAt: r.added_at }));
  }

  async put(platform: string, name: string, settings: Record<string, unknown>): Promise<void> {
    await this.db.run(
      'INSERT INTO channels (platform, name, settings) VALUES (?, ?, ?) ON CONFLICT(platform, name) DO UPDATE SET settings = excluded.settings',
      [platform, name, JSON.stringify(settings)],
    );
  }

  async remove(platform: string, name: string): Promise<boolean> {
    const r = await this.db.run('DELETE FROM channels WHERE platform = ? AND name = ?', [platform, name]);
    return r.changes > 0;
  }
}

function parseSettings(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

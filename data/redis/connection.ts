import { Redis, type RedisOptions } from 'ioredis';

/** `redis://user:secret@host:6379` -> `redis://user:***@host:6379`, for logs and errors. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

/**
 * Connects to Redis and waits until it answers PING. Unreachable at start is an error that names
 * the URL (without its password); later drops reconnect on their own (ioredis retries), and
 * commands issued meanwhile fail fast instead of piling up.
 */
export async function connectRedis(url: string, o: { connectTimeoutMs?: number; name?: string } = {}): Promise<Redis> {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: o.connectTimeoutMs ?? 5_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(200 * times, 2_000),
    ...(o.name ? { connectionName: o.name } : {}),
  };
  const redis = new Redis(url, options);
  // Errors while reconnecting are reported through rejected commands; keep them off stderr.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return redis;
}

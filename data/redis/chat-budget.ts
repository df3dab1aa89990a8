import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A chat account's send limits shared by every instance through Redis: sliding windows of the
 * account's messages and JOINs (a sorted set of send times each) and, per channel, the last line's
 * time and text (gap and duplicate rules). Each call checks and records in one script, on Redis's
 * clock, so instances on different machines agree on the order and never both take the last slot.
 * Shaped like adapters/twitch/shared-budget.ts's SharedChatBudget; the composition root injects it.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local leaving = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  return {1, math.max(1, tonumber(leaving[2]) + windowMs - now)}
end
if #KEYS == 2 then
  local gap = tonumber(ARGV[4])
  local dup = tonumber(ARGV[5])
  local last = redis.call('HMGET', KEYS[2], 'at', 'text')
  if last[1] then
    local since = now - tonumber(last[1])
    if since < gap then return {1, math.max(1, gap - since)} end
    if dup > 0 and since < dup and last[2] == ARGV[6] then return {2, 0} end
  end
  redis.call('HSET', KEYS[2], 'at', now, 'text', ARGV[6])
  redis.call('PEXPIRE', KEYS[2], math.max(gap, dup, windowMs))
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], windowMs)
return {0, now}`;

export interface WindowRequest {
  readonly limit: number;
  readonly windowMs: number;
}

export interface LineRequest extends WindowRequest {
  readonly channel: string;
  readonly text: string;
  readonly gapMs: number;
  readonly duplicateWindowMs: number;
}

export type SlotAnswer = { granted: true } | { granted: false; waitMs: number } | { granted: false; duplicate: true };

export class RedisChatBudget {
  private readonly base: string;
  private readonly tag = randomBytes(4).toString('hex');
  private seq = 0;

  /** `account`: the chat login whose limits these are; every instance sending as it must use the same. */
  constructor(private readonly redis: Redis, account: string, prefix = 'crossfeed:') {
    this.base = `${prefix}chat:${account.toLowerCase()}:`;
  }

  takeMessage(r: LineRequest): Promise<SlotAnswer> {
    return this.take([`${this.base}sent`, `${this.base}channel:${r.channel.toLowerCase()}`], r, [r.gapMs, r.duplicateWindowMs, r.text.trim()]);
  }

  takeJoin(r: WindowRequest): Promise<SlotAnswer> {
    return this.take([`${this.base}joins`], r, []);
  }

  private async take(keys: string[], r: WindowRequest, extra: (string | number)[]): Promise<SlotAnswer> {
    const member = `${this.tag}:${++this.seq}`;
    const [code, value] = (await this.redis.eval(TAKE, keys.length, ...keys, r.limit, r.windowMs, member, ...extra)) as [number, number];
    if (code === 0) return { granted: true };
    if (code === 2) return { granted: false, duplicate: true };
    return { granted: false, waitMs: value };
  }
}

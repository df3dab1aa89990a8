import { createHash, randomBytes } from 'node:crypto';

/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes count milliseconds from it. */
const DiscordEpochMs = 1_420_070_400_000n;

/** Makes snowflakes as Discord does: timestamp << 22 | worker 1 << 17 | an increment. */
export class SnowflakeSource {
  private increment = 0n;

  next(nowMs: number = Date.now()): string {
    this.increment = (this.increment + 1n) & 0xfffn;
    return (((BigInt(nowMs) - DiscordEpochMs) << 22n) | (1n << 17n) | this.increment).toString();
  }
}

/** A stable user id for a username, so tests can name users without picking ids. */
export function userIdFor(username: string): string {
  const hash = createHash('sha256').update(username.toLowerCase()).digest();
  // A 2016-era timestamp part keeps it a plausible snowflake of 18 digits.
  return ((BigInt(hash.readUInt32BE(0)) << 22n) + 180_000_000_000_000_000n).toString();
}

/** An interaction token: opaque, long, URL-safe, as Discord's are. */
export function interactionToken(): string {
  return `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`;
}

/** The short hash Discord puts in X-RateLimit-Bucket. */
export function bucketHash(route: string): string {
  return createHash('sha1').update(route).digest('hex').slice(0, 32);
}

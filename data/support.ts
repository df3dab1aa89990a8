/**
 * Support desk storage: the FAQ knowledge base, the handoff queue and agent accounts. Part of
 * `Store` (data/store.ts) once implemented in SQLite (data/sqlite/faq-repo.ts, support-repo.ts,
 * agent-repo.ts). The web console (adapters/web) and the bot (bot/stages) both talk to these.
 */

export type FaqLanguage = 'en' | 'zh';

export interface FaqEntry {
  /** Stable slug, e.g. "refund-policy"; the answer names it as its source. */
  id: string;
  /** Several phrasings of the question (at least one). */
  questions: string[];
  answer: string;
  tags: string[];
  language: FaqLanguage;
  updatedAt: string;
}

export interface FaqStore {
  list(): Promise<FaqEntry[]>;
  get(id: string): Promise<FaqEntry | undefined>;
  /** Adds or replaces entries, all in one transaction. */
  upsert(entries: readonly Omit<FaqEntry, 'updatedAt'>[]): Promise<void>;
  remove(id: string): Promise<boolean>;
  /** Goes up on every change, so a running bot can rebuild its index within seconds. */
  version(): Promise<number>;
}

export type HandoffReason = 'asked' | 'misses' | 'frustration';
export type QueueStatus = 'waiting' | 'taken' | 'closed';

export interface QueueEntry {
  conversationId: number;
  platform: string;
  channel: string;
  userId: number;
  displayName: string;
  status: QueueStatus;
  reason: HandoffReason;
  /** The agent who owns the conversation while `taken`. */
  agentId: number | null;
  enqueuedAt: string;
  takenAt: string | null;
  closedAt: string | null;
  /** Set when an agent closes the conversation ("billing", "resolved", ...). */
  tag: string | null;
  /** Left by the visitor when no agent was online. */
  contactEmail: string | null;
  contactMessage: string | null;
}

export type TakeResult = 'taken' | 'already_taken' | 'not_waiting';

export interface SupportQueue {
  /** Puts a conversation in the queue; if it is already waiting or taken, returns it unchanged. */
  enqueue(conversationId: number, reason: HandoffReason): Promise<QueueEntry>;
  /** 1-based place among waiting conversations, or undefined when not waiting. */
  position(conversationId: number): Promise<number | undefined>;
  /** Waiting conversations, oldest first. */
  waiting(): Promise<QueueEntry[]>;
  /** Conversations the agent has taken and not handed back or closed, oldest first (as they were queued), so a reloaded console finds them again. */
  ownedBy(agentId: number): Promise<QueueEntry[]>;
  /** The conversation's open (waiting or taken) entry. */
  open(conversationId: number): Promise<QueueEntry | undefined>;
  /** Atomic: exactly one agent can take a waiting conversation. */
  take(conversationId: number, agentId: number): Promise<TakeResult>;
  /** The owning agent gives the conversation back to the bot (entry closed with tag "handed_back"). */
  handBack(conversationId: number, agentId: number): Promise<boolean>;
  /** The owning agent closes the conversation with a tag. */
  close(conversationId: number, agentId: number, tag: string): Promise<boolean>;
  /** A visitor's contact details when no agent is online. */
  leaveMessage(conversationId: number, email: string, message: string): Promise<void>;
  /**
   * Closes the given conversations' waiting entries (spam, or over a per-address limit) with a tag;
   * taken ones are left alone. `agentId` is who dismissed them, null for the server itself.
   * Returns the conversation ids dismissed.
   */
  dismiss(conversationIds: readonly number[], tag: string, agentId: number | null): Promise<number[]>;
  /** The visitor leaves the queue ("never mind"): a waiting entry is closed with tag "left". */
  leave(conversationId: number): Promise<boolean>;
}

/** `partner`: a partner's login to the dashboard, seeing only that partner's campaigns. */
export type AgentRole = 'agent' | 'admin' | 'partner';

export interface Agent {
  id: number;
  username: string;
  role: AgentRole;
  /** The partner a `partner` login belongs to. */
  partnerId?: string | null;
  createdAt: string;
}

export interface AgentStore {
  /** Stores a scrypt hash of the password (never the password). Usernames are unique. */
  create(username: string, password: string, role: AgentRole, partnerId?: string): Promise<Agent>;
  /** The agent when the password matches (constant-time comparison), else undefined. */
  verify(username: string, password: string): Promise<Agent | undefined>;
  get(id: number): Promise<Agent | undefined>;
  list(): Promise<Agent[]>;
  /** True when an account was removed. */
  remove(id: number): Promise<boolean>;
  /** True when the account exists and got the new password. */
  setPassword(id: number, password: string): Promise<boolean>;
}

/**
 * Privacy operations over everything the bot stores about people (added with the support desk;
 * implemented in data/sqlite/privacy-repo.ts).
 */
export interface PrivacyStore {
  /**
   * Deletes messages created before `cutoff`, and closed queue entries (which may hold a contact
   * email) closed before it. Returns how many messages went.
   */
  purgeBefore(cutoff: Date): Promise<{ messages: number; queueEntries: number }>;
  /**
   * "Delete my data": removes the user's conversations with their messages, dialogue state and
   * queue entries, their interactions and link codes, and their platform identities (names and
   * ids). Coupon codes they claimed stay in the ledger, for partner accounting, but belong to an
   * anonymous user id that nothing links back to the person any more.
   */
  forgetUser(userId: number): Promise<ForgetReport>;
}

export interface ForgetReport {
  conversations: number;
  messages: number;
  identities: number;
  interactions: number;
  /** Coupon codes kept (detached from any identity). */
  couponCodesKept: number;
}

/** `AgentStore.create` with a username that exists already (case-insensitive). */
export class DuplicateUsernameError extends Error {
  readonly code = 'CF_DUPLICATE_USERNAME';
  constructor(readonly username: string) {
    super(`an agent named "${username}" already exists`);
  }
}

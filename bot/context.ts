import type { RecommendTemplate } from './render.js';
import type { NluResult } from '../nlp/types.js';
import type { RankingSignals } from '../recommender/signals.js';
import type { Decision } from './decide.js';
import type { FaqLookup } from './faq-index.js';
import type { QueueEntry } from '../data/support.js';
import type { DialogueState } from './dialogue.js';
import type { ChatMessage, Reply } from './message.js';
import type { ChannelPolicy, ChannelTraits } from './channel-policy.js';
import type { Outbound, TranscriptMessage } from './transcript.js';

/** Everything one message carries through the pipeline. Stages add to it in order. */
export interface BotContext {
  readonly message: ChatMessage;
  readonly out: Outbound;
  /** Client-side id echoed back with the stored message (web). */
  readonly clientId?: string;
  /** This channel's settings (command prefix, unaddressed questions), resolved per message. */
  readonly policy: ChannelPolicy & ChannelTraits;
  /** Cleaned text, with a leading @mention of the bot removed. */
  text: string;
  /** 'yes' when clearly meant for the bot; 'maybe' when only the NLU can tell. */
  addressed: 'yes' | 'maybe';
  /** A `!command` the gate recognized. */
  command?: { name: string; args: string };
  /** A command we do not know, typed in a private chat (answered with the list of commands). */
  unknownCommand?: string;
  nlu?: NluResult;
  conversation?: { id: number; userId: number; state: DialogueState };
  userMessage?: TranscriptMessage;
  /** The conversation's open support-queue entry, when it has one (bot/stages/handoff.ts). */
  supportEntry?: QueueEntry;
  /** What FAQ retrieval found for this message (bot/stages/faq.ts). */
  faq?: FaqLookup;
  decision?: Decision;
  /** Points and check-ins are on in this channel (set by the loyalty stage). */
  loyaltyOn?: boolean;
  /** Personal signals and the user's ranking variant (recommendations only). */
  ranking?: { variant: 'explore' | 'control'; signals: RankingSignals; template?: RecommendTemplate };
  /** Probability each shown item had under exploration (absent = deterministic ranking). */
  suggestionPropensity?: ReadonlyMap<string, number>;
  /** Where the ranking without exploration put each shown item (0 = first), and how many items it shows. */
  suggestionBaseRank?: { ranks: ReadonlyMap<string, number>; slots: number };
  /** The answer a stage chose (bot/respond.ts `setReply`); `respond` is the one step that sends it. */
  reply?: Reply;
  /** 'stored' (default) keeps the reply in the conversation; 'ephemeral' only sends it. */
  replyMode?: 'stored' | 'ephemeral';
  /** Dialogue state to save (with the reply, or alone when there is nothing to say). */
  state?: DialogueState;
  /** The bot's reply as stored (set by respond). */
  botMessage?: TranscriptMessage;
  /** Called once the message is handled and its reply handed to the adapter (delivery may still be pending). */
  handled?: () => void;
}

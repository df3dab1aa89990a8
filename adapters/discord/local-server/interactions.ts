import type { InteractionResponse, JsonObject } from './types.js';

/** A slash-command option value as tests give it; its wire type comes from the registered command. */
export type OptionValue = string | number | boolean;

/** Interaction types: 2 application command, 3 message component. */
export type InteractionKind = 2 | 3;

/**
 * One interaction the server sent, and everything the bot answered to it. Tests await
 * `waitForResponse()`; the REST routes enforce one initial response within the window.
 */
export class InteractionRecord {
  readonly responses: InteractionResponse[] = [];
  /** The initial callback type once acknowledged. */
  initialType: 4 | 5 | 6 | 7 | undefined;
  /** The message `@original` refers to: the reply (4/5) or the component's message (6/7). */
  originalMessageId: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly token: string,
    readonly kind: InteractionKind,
    readonly channelId: string,
    readonly guildId: string | undefined,
    readonly userId: string,
    readonly sentAt: number,
    /** The command name (kind 2) or component custom_id (kind 3). */
    readonly name: string,
    /** For components: the message the component is on. */
    readonly messageId?: string,
  ) {}

  get acknowledged(): boolean {
    return this.initialType !== undefined;
  }

  /** Whether the initial response was (or was deferred as) ephemeral. */
  get ephemeral(): boolean {
    return this.responses.find((r) => typeof r.type === 'number')?.ephemeral ?? false;
  }

  record(r: InteractionResponse): void {
    this.responses.push(r);
    for (const l of [...this.listeners]) l();
  }

  /**
   * Resolves with the first response matching `predicate` (default: any), counting those already
   * recorded; rejects after `timeoutMs`.
   */
  waitForResponse(predicate: (r: InteractionResponse) => boolean = () => true, timeoutMs = 5_000): Promise<InteractionResponse> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.responses.find(predicate);
        if (!hit) return false;
        this.listeners.delete(listener);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`interaction ${this.name}: no matching response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
      check();
    });
  }

  /** The latest message content and embeds the user sees as this interaction's answer. */
  last(): InteractionResponse | undefined {
    return this.responses.at(-1);
  }
}

/** Discord's option type numbers for the value types tests pass. */
export const OptionType = { SubCommand: 1, SubCommandGroup: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10 } as const;

function inferType(value: OptionValue): number {
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  return OptionType.String;
}

/**
 * Types option values as Discord would deliver them. With a registered command, its option
 * definitions decide the types and the client-side checks Discord's UI enforces (required
 * options, choices, integer vs number, ranges); a value the UI could not produce throws.
 */
export function typedOptions(command: JsonObject | undefined, options: Readonly<Record<string, OptionValue>>): JsonObject[] {
  if (!command) return Object.entries(options).map(([name, value]) => ({ name, type: inferType(value), value }));
  const defs = (Array.isArray(command.options) ? command.options : []) as JsonObject[];
  for (const name of Object.keys(options)) {
    if (!defs.some((d) => d.name === name)) throw new TypeError(`/${String(command.name)} has no option "${name}"`);
  }
  const out: JsonObject[] = [];
  for (const def of defs) {
    const name = String(def.name);
    const value = options[name];
    if (value === undefined) {
      if (def.required === true) throw new TypeError(`/${String(command.name)}: option "${name}" is required`);
      continue;
    }
    const type = Number(def.type);
    const ok = type === OptionType.Boolean ? typeof value === 'boolean'
      : type === OptionType.Integer ? Number.isInteger(value)
        : type === OptionType.Number ? typeof value === 'number' && Number.isFinite(value)
          : typeof value === 'string';
    if (!ok) throw new TypeError(`/${String(command.name)}: option "${name}" must be of type ${type}, got ${JSON.stringify(value)}`);
    const choices = Array.isArray(def.choices) ? (def.choices as JsonObject[]) : [];
    if (choices.length > 0 && !choices.some((c) => c.value === value)) throw new TypeError(`/${String(command.name)}: "${String(value)}" is not a choice of "${name}"`);
    if (typeof value === 'number') {
      if (typeof def.min_value === 'number' && value < def.min_value) throw new TypeError(`option "${name}" below min_value`);
      if (typeof def.max_value === 'number' && value > def.max_value) throw new TypeError(`option "${name}" above max_value`);
    }
    if (typeof value === 'string') {
      if (typeof def.min_length === 'number' && value.length < def.min_length) throw new TypeError(`option "${name}" shorter than min_length`);
      if (typeof def.max_length === 'number' && value.length > def.max_length) throw new TypeError(`option "${name}" longer than max_length`);
    }
    out.push({ name, type, value });
  }
  return out;
}

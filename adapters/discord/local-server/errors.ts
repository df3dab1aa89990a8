/** The JSON error codes this server answers with, as Discord numbers them. */
export const DiscordErrors = {
  unauthorized: { status: 401, code: 0, message: '401: Unauthorized' },
  notFound: { status: 404, code: 0, message: '404: Not Found' },
  methodNotAllowed: { status: 405, code: 0, message: '405: Method Not Allowed' },
  unknownChannel: { status: 404, code: 10003, message: 'Unknown Channel' },
  unknownMessage: { status: 404, code: 10008, message: 'Unknown Message' },
  unknownWebhook: { status: 404, code: 10015, message: 'Unknown Webhook' },
  unknownUser: { status: 404, code: 10013, message: 'Unknown User' },
  unknownCommand: { status: 404, code: 10063, message: 'Unknown application command' },
  unknownInteraction: { status: 404, code: 10062, message: 'Unknown interaction' },
  cannotSendToNonText: { status: 403, code: 50008, message: 'Cannot send messages in a non-text channel' },
  invalidWebhookToken: { status: 401, code: 50027, message: 'Invalid Webhook Token' },
  emptyMessage: { status: 400, code: 50006, message: 'Cannot send an empty message' },
  invalidFormBody: { status: 400, code: 50035, message: 'Invalid Form Body' },
  alreadyAcknowledged: { status: 400, code: 40060, message: 'Interaction has already been acknowledged.' },
} as const;

export type DiscordErrorName = keyof typeof DiscordErrors;

/** One field's failures inside a 50035 answer, e.g. path ['embeds', 0, 'title']. */
export interface FieldError {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly message: string;
}

/** An error answer: thrown by route handlers, written by the HTTP layer. */
export class DiscordApiError extends Error {
  readonly status: number;
  readonly code: number;

  constructor(readonly name_: DiscordErrorName, readonly fieldErrors: readonly FieldError[] = []) {
    super(DiscordErrors[name_].message);
    this.status = DiscordErrors[name_].status;
    this.code = DiscordErrors[name_].code;
  }

  /** The body Discord sends: `{ message, code }`, plus the nested `errors` tree for 50035. */
  body(): Record<string, unknown> {
    if (this.fieldErrors.length === 0) return { message: this.message, code: this.code };
    const errors: Record<string, unknown> = {};
    for (const e of this.fieldErrors) {
      let node = errors;
      for (const key of e.path) node = (node[String(key)] ??= {}) as Record<string, unknown>;
      ((node._errors ??= []) as unknown[]).push({ code: e.code, message: e.message });
    }
    return { message: this.message, code: this.code, errors };
  }
}

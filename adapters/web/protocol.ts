import { z } from 'zod';

/** Frames the browser may send. Anything else closes that socket. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    text: z.string(),
    clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    /** A card's button as a typed action (the text is only what the transcript shows). */
    action: z.object({ kind: z.literal('claim'), itemId: z.string().regex(/^[\w.-]{1,80}$/) }).strict().optional(),
  }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Visitor ids are random UUIDs the page keeps in localStorage. */
export const visitorIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** Close codes (RFC 6455) used when a client misbehaves. */
export const CloseCode = {
  policy: 1008,
  unsupported: 1003,
  tooBig: 1009,
  tryAgain: 1013,
} as const;

/** Text frames larger than this are refused by the socket itself. */
export const MAX_FRAME_BYTES = 16 * 1024;

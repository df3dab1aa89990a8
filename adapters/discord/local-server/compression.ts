import { constants, createDeflate, deflateSync, type Deflate } from 'node:zlib';

/** How a connection encodes what it sends: plain JSON text, or Discord's two zlib variants. */
export interface GatewayEncoder {
  /** Encodes one payload; frames come out in call order. */
  encode(json: string, send: (frame: string | Buffer) => void): void;
  close(): void;
}

export const plainEncoder = (): GatewayEncoder => ({ encode: (json, send) => send(json), close: () => undefined });

/** `compress: true` in IDENTIFY: every payload after it is its own zlib stream, as a binary frame. */
export const payloadZlibEncoder = (): GatewayEncoder => ({ encode: (json, send) => send(deflateSync(json)), close: () => undefined });

/**
 * `?compress=zlib-stream`: one zlib context for the whole connection; each payload ends with a
 * sync flush, so its frame ends in 00 00 ff ff, the marker clients wait for before inflating.
 */
export function zlibStreamEncoder(): GatewayEncoder {
  const deflate: Deflate = createDeflate();
  let pending: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => pending.push(chunk));
  let chain = Promise.resolve();
  return {
    encode(json, send) {
      chain = chain.then(() => new Promise<void>((resolve) => {
        deflate.write(json);
        deflate.flush(constants.Z_SYNC_FLUSH, () => {
          const frame = Buffer.concat(pending);
          pending = [];
          send(frame);
          resolve();
        });
      }));
    },
    close: () => deflate.close(),
  };
}

// Visitor and message ids for the chat client.

const STORAGE_KEY = 'crossfeed.visitorId';
let memoryId = null;

// crypto.randomUUID only exists in secure contexts; plain http on a LAN host is not one.
export function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Storage can throw (blocked third-party storage in the widget iframe); a
// per-tab id still gives a working chat, it just won't survive a reload.
export function visitorId() {
  try {
    let id = localStorage.getItem(STORAGE_KEY);
    if (!id) {
      id = uuid();
      localStorage.setItem(STORAGE_KEY, id);
    }
    return id;
  } catch {
    if (!memoryId) memoryId = uuid();
    return memoryId;
  }
}

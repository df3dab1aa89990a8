// crossfeed chat client. Plain ES2020 module, no build step.
// Every server- or user-provided string goes through textContent / attributes,
// never through HTML parsing.
import { renderCards } from './cards.js';
import { uuid, visitorId } from './identity.js';
import { applyPageText, DESK_TEXT, fill, pageLanguage, safeColour } from './page-text.js';

const params = new URLSearchParams(location.search);
const EMBED = params.get('embed') === '1';
if (EMBED) document.documentElement.classList.add('embed');

// How the page looks and greets: the widget's script attributes (passed in the URL) win over the
// server's web.widget settings; the language defaults to the browser's (en or zh).
async function loadSettings() {
  try {
    const res = await fetch('/widget/settings.json');
    return res.ok ? await res.json() : {};
  } catch {
    return {};
  }
}
const configured = await loadSettings();
const pick = (key) => params.get(key) || (typeof configured[key] === 'string' ? configured[key] : '');
const LANG = pageLanguage(pick('lang') || configured.language);
const T = applyPageText(LANG);
const TITLE = pick('title');
if (TITLE) for (const el of document.querySelectorAll('[data-text="title"]')) el.textContent = TITLE;
const ACCENT = safeColour(pick('accent'));
if (ACCENT) document.documentElement.style.setProperty('--accent', ACCENT);
const GREETING = pick('greeting').slice(0, 500);

const transcript = document.getElementById('transcript');
const typing = document.getElementById('typing');
const form = document.getElementById('composer');
const input = document.getElementById('chat-input');
const statusEl = document.getElementById('chat-status');

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;
const WHO = { user: T.you, bot: T.assistant, agent: T.agent };
// The conversation's language, from its latest line ('' until there is one).
let talkLang = '';
// The pinned support status as it came, shown again when the conversation's language changes.
let lastSupportFrame = null;

function setStatus(state, text) {
  statusEl.dataset.state = state;
  statusEl.textContent = text;
}

// ---- transcript ---------------------------------------------------------

const seenIds = new Set();

function scrollToEnd() {
  transcript.scrollTop = transcript.scrollHeight;
}

function renderMessage(msg) {
  const role = WHO[msg.role] ? msg.role : 'bot';
  // The row carries the speaker name so the message element's text is only the message.
  const row = document.createElement('div');
  row.className = `row row--${role}`;

  const who = document.createElement('span');
  who.className = role === 'agent' ? 'who' : 'who visually-hidden';
  who.textContent = WHO[role];
  row.append(who);

  const el = document.createElement('div');
  el.className = `msg msg--${role}`;
  el.dataset.testid = 'chat-message';
  el.dataset.role = role;
  if (typeof msg.id === 'string') el.dataset.id = msg.id;
  const when = msg.ts ? new Date(msg.ts) : null;
  if (when && !Number.isNaN(when.getTime())) el.title = when.toLocaleString();

  const text = typeof msg.text === 'string' ? msg.text : '';
  if (text) {
    const bubble = document.createElement('p');
    bubble.className = 'bubble';
    bubble.textContent = text;
    el.append(bubble);
  }
  if (Array.isArray(msg.cards) && msg.cards.length) el.append(renderCards(msg.cards, sendText));

  row.append(el);
  return row;
}

function appendMessage(msg) {
  if (!msg || typeof msg !== 'object') return;
  // A message may arrive both in a history frame and as a live frame around a reconnect.
  if (typeof msg.id === 'string') {
    if (seenIds.has(msg.id)) return;
    seenIds.add(msg.id);
  }
  transcript.append(renderMessage(msg));
  // The visitor's line sets it first (the queue status can come before the reply), the reply settles it.
  if ((msg.role === 'bot' || msg.role === 'user') && msg.id !== 'greeting' && typeof msg.text === 'string' && msg.text.trim()) {
    const lang = replyLanguage(msg.text);
    if (lang !== talkLang) {
      talkLang = lang;
      if (supportEl && lastSupportFrame) showSupportStatus(lastSupportFrame);
    }
  }
}

function replaceHistory(messages) {
  seenIds.clear();
  transcript.replaceChildren();
  const list = Array.isArray(messages) ? messages : [];
  // A new conversation opens with the site's greeting (shown only here, never stored).
  if (!list.length && GREETING) appendMessage({ role: 'bot', text: GREETING, id: 'greeting' });
  for (const m of list) appendMessage(m);
  scrollToEnd();
}

function showNotice(text) {
  const p = document.createElement('p');
  p.className = 'notice';
  p.dataset.testid = 'chat-notice';
  p.textContent = text || T.somethingWrong;
  transcript.append(p);
  scrollToEnd();
}

// Support desk status ("You're number 2 in line", "An agent joined"), one line above the composer.
let supportEl = null;
// A frame naming a catalogue text (`key`) is shown in the conversation's language (that of its
// latest line; the page's until there is one); else its own text.
function replyLanguage(text) {
  const han = (text.match(/[\u3400-\u9fff]/g) || []).length;
  const latin = (text.match(/[A-Za-z]/g) || []).length;
  return han * 2 >= latin ? 'zh' : 'en';
}
const deskText = () => DESK_TEXT[talkLang || LANG] || DESK_TEXT.en;
function showSupportStatus(frame) {
  lastSupportFrame = typeof frame.key === 'string' ? frame : null;
  const desk = deskText();
  if (typeof frame.key === 'string' && typeof desk[frame.key] === 'string') {
    frame = { ...frame, text: fill(desk[frame.key], frame.vars && typeof frame.vars === 'object' ? frame.vars : {}) };
  }
  if (typeof frame.text !== 'string' || !frame.text) return;
  // Out of the queue (handed back, closed): the pinned line goes; what happened stays in the transcript.
  if (frame.state === 'bot' || frame.state === 'closed' || frame.state === 'none') {
    if (supportEl) supportEl.remove();
    supportEl = null;
    // 'none' comes with the bot's own reply, already in the transcript.
    if (frame.state !== 'none') showNotice(frame.text);
    return;
  }
  if (!supportEl) {
    supportEl = document.createElement('p');
    supportEl.className = 'notice support-status';
    supportEl.dataset.testid = 'support-status';
    supportEl.setAttribute('role', 'status');
    form.before(supportEl);
  }
  supportEl.dataset.state = typeof frame.state === 'string' ? frame.state : '';
  supportEl.textContent = frame.text;
}

// Safety net: a "typing" frame not followed by a message must not leave the dots forever.
let typingTimer = 0;
function setTyping(on) {
  typing.hidden = !on;
  clearTimeout(typingTimer);
  if (on) typingTimer = setTimeout(() => setTyping(false), 30000);
}

// ---- connection ---------------------------------------------------------

let ws = null;
let attempt = 0;
let retryTimer = 0;
// The last sent message, kept until its echo arrives so a drop in between doesn't lose it.
let pending = null;

function wsUrl() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?visitor=${encodeURIComponent(visitorId())}`;
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = 0;
  setStatus(attempt ? 'reconnecting' : 'connecting', attempt ? T.reconnecting : T.connecting);
  const sock = new WebSocket(wsUrl());
  ws = sock;
  sock.addEventListener('open', () => {
    if (ws !== sock) return;
    attempt = 0;
    setStatus('connected', T.connected);
  });
  sock.addEventListener('message', (ev) => {
    if (ws === sock) handleFrame(ev.data);
  });
  sock.addEventListener('close', () => {
    if (ws !== sock) return;
    ws = null;
    setTyping(false);
    restorePending();
    scheduleReconnect();
  });
  // 'close' always follows 'error', so reconnecting is handled there.
}

function scheduleReconnect() {
  if (retryTimer) return;
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  // Random delay between half and all of the base spreads out a crowd of clients after a restart.
  const delay = base / 2 + Math.random() * (base / 2);
  attempt += 1;
  setStatus('reconnecting', T.reconnecting);
  retryTimer = setTimeout(connect, delay);
}

function reconnectNow() {
  if (ws || !retryTimer) return;
  connect();
}

function handleFrame(data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return; // not ours to interpret; ignore rather than break the chat
  }
  if (!frame || typeof frame !== 'object') return;
  switch (frame.type) {
    case 'history': {
      setTyping(false);
      replaceHistory(frame.messages);
      if (Array.isArray(frame.messages) && frame.messages.some(isPendingEcho)) settlePending();
      break;
    }
    case 'message': {
      const msg = frame.message;
      if (!msg || typeof msg !== 'object') break;
      if (isPendingEcho(msg)) settlePending();
      if (msg.role !== 'user') setTyping(false);
      appendMessage(msg);
      scrollToEnd();
      break;
    }
    case 'typing':
      setTyping(true);
      break;
    case 'support':
      showSupportStatus(frame);
      break;
    case 'error':
      setTyping(false);
      showNotice(typeof frame.code === 'string' && typeof deskText()[frame.code] === 'string' ? deskText()[frame.code] : typeof frame.message === 'string' ? frame.message : '');
      // Not taken in (too fast, or the server is busy): the text goes back in the box for a retry.
      if (frame.code === 'busy' || frame.code === 'rate_limited') restorePending();
      break;
    default:
      break; // unknown frame types are ignored so the server can add new ones
  }
}

// ---- sending ------------------------------------------------------------

// Match by clientId; fall back to the text for a server that doesn't echo clientId.
function isPendingEcho(m) {
  if (!pending || !m || m.role !== 'user') return false;
  return m.clientId ? m.clientId === pending.clientId : m.text === pending.text;
}

function settlePending() {
  // If the text was put back into the box after a drop but the server had it, clear it again.
  if (pending && pending.restored && input.value === pending.text) input.value = '';
  pending = null;
  autoGrow();
}

function restorePending() {
  if (!pending || pending.restored) return;
  if (input.value.trim() === '') {
    input.value = pending.text;
    pending.restored = true;
    autoGrow();
  } else {
    pending = null; // the visitor is already typing something else; don't clobber it
  }
}

function send() {
  const text = input.value.trim();
  if (!text) return;
  if (sendText(text)) {
    input.value = '';
    autoGrow();
  }
}

// Sends one chat message; false (and the text kept for a retry) while the socket is down.
function sendText(text, action) {
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    setStatus(statusEl.dataset.state === 'connecting' ? 'connecting' : 'reconnecting',
      T.notConnected);
    reconnectNow();
    return false;
  }
  const clientId = uuid();
  ws.send(JSON.stringify({ type: 'message', text, clientId, ...(action ? { action } : {}) }));
  pending = { clientId, text, restored: false };
  return true;
}

// The textarea grows with its content up to a few lines, then scrolls.
function autoGrow() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
}

input.addEventListener('keydown', (ev) => {
  // isComposing: Enter that confirms an IME candidate must not send.
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    send();
  }
});
input.addEventListener('input', autoGrow);
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  send();
  input.focus();
});

// Let the embedding widget close its panel when Escape is pressed inside the frame.
if (EMBED && window.parent !== window) {
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') window.parent.postMessage({ type: 'crossfeed:close' }, '*');
  });
}

// Don't sit out a long backoff when the network or the tab comes back.
window.addEventListener('online', reconnectNow);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') reconnectNow();
});

connect();
if (!EMBED) input.focus();

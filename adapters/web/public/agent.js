// crossfeed agent console. Plain ES2020 module, no build step.
// Every visitor- or server-provided string goes through textContent / attributes, never HTML.
import { applyPageText, CONSOLE_TEXT, fill, pageLanguage } from './page-text.js';

const $ = (id) => document.getElementById(id);
const queueEl = $('queue');
const mineEl = $('mine');
const transcript = $('transcript');
const input = $('agent-input');
const takeBtn = $('take');
const handBackBtn = $('hand-back');
const closeBtn = $('close');
const tagInput = $('close-tag');
const sendBtn = document.querySelector('[data-testid="agent-send"]');
const noticeEl = $('console-notice');
const statusEl = $('console-status');

// Labels follow the browser's language (en or zh) unless the server's web.widget.language fixes one.
const settings = await fetch('/widget/settings.json').then((r) => (r.ok ? r.json() : {}), () => ({}));
const T = applyPageText(pageLanguage(settings.language), document, CONSOLE_TEXT);

const WHO = { user: T.visitor, bot: T.assistant, agent: T.agent };
const REASONS = { asked: T.asked, misses: T.misses, frustration: T.frustration };

let me = null; // { username, role, csrfToken, maxReplyChars }
let ws = null;
let attempt = 0;
let queue = [];
/** Waiting conversations picked for "Dismiss selected". */
const selected = new Set();
let mine = []; // conversations this agent has taken (they survive a reload)
// The open conversation: id, status ('waiting' | 'taken' | 'bot'), owner username, newest line id.
let current = null;
const seen = new Set();

// ---- HTTP ----------------------------------------------------------------

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = me ? me.csrfToken : '';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    location.assign('/agent/login');
    throw new Error('login required');
  }
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, data };
}

function notice(text) {
  noticeEl.hidden = !text;
  noticeEl.textContent = text || '';
}

// ---- queue ---------------------------------------------------------------

const waitedText = (verb, since) => fill(verb === 'taken' ? T.takenFor : T.waitingFor, { time: waitedFor(since) });

function waitedFor(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return T.justNow;
  const min = Math.floor(ms / 60000);
  if (min < 1) return fill(T.seconds, { n: Math.max(1, Math.floor(ms / 1000)) });
  if (min < 60) return fill(T.minutes, { n: min });
  return fill(T.hoursMinutes, { h: Math.floor(min / 60), m: min % 60 });
}

// One list entry: the waiting queue ('queue-item', waiting since enqueuedAt) or my conversations ('mine-item', taken since takenAt).
function listItem(item, testid) {
  const taken = testid === 'mine-item';
  const since = taken ? item.takenAt || item.enqueuedAt : item.enqueuedAt;
  const li = document.createElement('li');
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'queue-item';
  btn.dataset.testid = testid;
  btn.dataset.conversationId = String(item.conversationId);
  if (current && current.id === item.conversationId) btn.setAttribute('aria-current', 'true');
  const name = document.createElement('span');
  name.className = 'queue-name';
  name.textContent = item.displayName || T.visitor;
  const meta = document.createElement('span');
  meta.className = 'queue-meta';
  const platform = document.createElement('span');
  platform.className = 'tag';
  platform.dataset.testid = 'queue-platform';
  platform.textContent = item.platform;
  const reason = document.createElement('span');
  reason.dataset.testid = 'queue-reason';
  reason.textContent = REASONS[item.reason] || item.reason;
  const waited = document.createElement('span');
  waited.className = 'queue-waited';
  waited.dataset.testid = taken ? 'mine-taken' : 'queue-waiting';
  waited.dataset.since = since;
  waited.dataset.verb = taken ? 'taken' : 'waiting';
  waited.textContent = waitedText(waited.dataset.verb, since);
  meta.append(platform, reason, waited);
  btn.append(name);
  // The email a visitor left (no agent was online), so the agent knows who to write to.
  if (typeof item.contactEmail === 'string' && item.contactEmail) {
    const email = document.createElement('span');
    email.className = 'queue-email';
    email.dataset.testid = 'queue-email';
    email.textContent = item.contactEmail;
    btn.append(email);
  }
  btn.append(meta);
  btn.addEventListener('click', () => void openConversation(item.conversationId));
  if (!taken) {
    // Waiting entries can be picked for "Dismiss selected" (spam in bulk).
    const pick = document.createElement('input');
    pick.type = 'checkbox';
    pick.className = 'queue-select';
    pick.dataset.testid = 'queue-select';
    pick.setAttribute('aria-label', fill(T.selectOne, { name: item.displayName || T.visitor }));
    pick.checked = selected.has(item.conversationId);
    pick.addEventListener('change', () => {
      if (pick.checked) selected.add(item.conversationId);
      else selected.delete(item.conversationId);
      updateBulk();
    });
    li.className = 'queue-row';
    li.append(pick);
  }
  li.append(btn);
  return li;
}

// ---- dismissing spam in bulk --------------------------------------------

function updateBulk() {
  for (const id of [...selected]) if (!queue.some((item) => item.conversationId === id)) selected.delete(id);
  $('dismiss-selected').disabled = selected.size === 0;
  $('dismiss-selected').textContent = selected.size ? fill(T.dismissSelectedN, { n: selected.size }) : T.dismissSelected;
  $('select-all').checked = queue.length > 0 && selected.size === queue.length;
}

$('select-all').addEventListener('change', () => {
  if ($('select-all').checked) for (const item of queue) selected.add(item.conversationId);
  else selected.clear();
  renderQueue();
});

$('dismiss-selected').addEventListener('click', async () => {
  const ids = [...selected].slice(0, 500);
  if (!ids.length || !confirm(ids.length === 1 ? T.dismissConfirmOne : fill(T.dismissConfirm, { n: ids.length }))) return;
  const res = await api('POST', '/agent/api/queue/dismiss', { conversationIds: ids });
  if (!res.ok) return notice(res.data.message || T.dismissFailed);
  for (const id of ids) selected.delete(id);
  notice(fill(T.dismissed, { n: res.data.dismissed.length }));
  await refreshLists();
});

function renderQueue() {
  $('queue-count').textContent = String(queue.length);
  queueEl.replaceChildren(...queue.map((item) => listItem(item, 'queue-item')));
  updateBulk();
  $('mine-count').textContent = String(mine.length);
  mineEl.replaceChildren(...mine.map((item) => listItem(item, 'mine-item')));
}

// Both lists, from the server: at start and after this agent takes, hands back or closes.
async function refreshLists() {
  const q = await api('GET', '/agent/api/queue');
  if (!q.ok) return;
  queue = Array.isArray(q.data.items) ? q.data.items : [];
  mine = Array.isArray(q.data.mine) ? q.data.mine : [];
  renderQueue();
}

setInterval(() => {
  for (const el of document.querySelectorAll('.queue-waited[data-since]')) el.textContent = waitedText(el.dataset.verb, el.dataset.since);
}, 15000);

// ---- conversation --------------------------------------------------------

function renderLine(line) {
  const role = WHO[line.role] ? line.role : 'bot';
  const row = document.createElement('div');
  row.className = `row row--${role === 'user' ? 'visitor' : role}`;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = WHO[role];
  row.append(who);
  const el = document.createElement('div');
  el.className = `msg msg--${role === 'user' ? 'visitor' : role}`;
  el.dataset.testid = 'chat-message';
  el.dataset.role = role;
  el.dataset.id = String(line.id);
  const when = new Date(line.ts);
  if (!Number.isNaN(when.getTime())) el.title = when.toLocaleString();
  const bubble = document.createElement('p');
  bubble.className = 'bubble';
  bubble.textContent = typeof line.text === 'string' ? line.text : '';
  el.append(bubble);
  if (role === 'user' && (line.intent || (line.entities && line.entities.length))) {
    const meta = document.createElement('p');
    meta.className = 'nlu';
    meta.dataset.testid = 'nlu-meta';
    if (line.intent) {
      const intent = document.createElement('span');
      intent.className = 'tag';
      intent.dataset.testid = 'nlu-intent';
      intent.textContent = typeof line.confidence === 'number' ? `${line.intent} ${Math.round(line.confidence * 100)}%` : line.intent;
      meta.append(intent);
    }
    for (const e of line.entities || []) {
      const ent = document.createElement('span');
      ent.className = 'tag tag--entity';
      ent.dataset.testid = 'nlu-entity';
      const value = typeof e.value === 'object' && e.value !== null ? JSON.stringify(e.value) : String(e.value);
      ent.textContent = `${e.label}: ${e.text}${value !== e.text ? ` → ${value}` : ''}`;
      meta.append(ent);
    }
    el.append(meta);
  }
  row.append(el);
  return row;
}

function appendLines(lines) {
  for (const line of lines) {
    if (seen.has(line.id)) continue;
    seen.add(line.id);
    transcript.append(renderLine(line));
    if (current && line.id > current.after) current.after = line.id;
  }
  transcript.scrollTop = transcript.scrollHeight;
}

function renderSuggestions(list) {
  const ul = $('suggestions');
  ul.replaceChildren(...(Array.isArray(list) ? list : []).map((s) => {
    const li = document.createElement('li');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'suggestion';
    btn.dataset.testid = 'suggestion';
    btn.dataset.faqId = s.id;
    const q = document.createElement('span');
    q.className = 'suggestion-question';
    q.textContent = s.question;
    const a = document.createElement('span');
    a.className = 'suggestion-answer';
    a.textContent = s.answer;
    const src = document.createElement('span');
    src.className = 'suggestion-source';
    src.textContent = `FAQ: ${s.id}`;
    btn.append(q, a, src);
    btn.addEventListener('click', () => {
      if (input.disabled) {
        notice(T.useSuggestion);
        return;
      }
      const sep = input.value.trim() ? '\n\n' : '';
      input.value = `${input.value.trimEnd()}${sep}${s.answer}`;
      input.focus();
    });
    li.append(btn);
    return li;
  }));
}

function setState(status, owner) {
  if (!current) return;
  current.status = status;
  current.owner = owner || null;
  const mine = status === 'taken' && current.owner === me.username;
  const label = {
    waiting: T.stateWaiting,
    taken: mine ? T.stateMine : fill(T.stateTakenBy, { owner: current.owner || T.anotherAgent }),
    bot: T.stateBot,
    closed: T.stateClosed,
  }[status] || status;
  const stateEl = $('conversation-state');
  stateEl.textContent = label;
  stateEl.dataset.state = mine ? 'mine' : status;
  takeBtn.disabled = status !== 'waiting';
  for (const el of [handBackBtn, closeBtn, tagInput, input, sendBtn]) el.disabled = !mine;
}

async function openConversation(id) {
  notice('');
  const res = await api('GET', `/agent/api/conversations/${id}`);
  if (!res.ok) {
    notice(res.data.message || T.openFailed);
    return;
  }
  const d = res.data;
  current = { id, status: 'bot', owner: null, after: 0 };
  seen.clear();
  transcript.replaceChildren();
  const name = d.entry ? d.entry.displayName : T.visitor;
  $('conversation-title').textContent = d.entry ? `${name} · ${d.entry.platform}` : fill(T.conversationN, { id });
  appendLines(d.messages);
  renderSuggestions(d.suggestions);
  setState(d.entry ? d.entry.status : 'bot', d.entry ? d.entry.agent : null);
  renderQueue();
  watch();
}

function watch() {
  if (current && ws && ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify({ type: 'watch', conversationId: current.id, after: current.after }));
  }
}

async function act(path, body) {
  if (!current) return null;
  notice('');
  const res = await api('POST', `/agent/api/conversations/${current.id}/${path}`, body);
  if (!res.ok) notice(res.data.message || fill(T.failed, { status: res.status }));
  return res;
}

takeBtn.addEventListener('click', async () => {
  const res = await act('take');
  if (!res) return;
  if (res.ok) {
    setState('taken', me.username);
    void refreshLists();
  } else if (res.data.error === 'already_taken') setState('taken', (/by (.+)\.$/.exec(res.data.message) || [])[1] || null);
  if (res.ok) input.focus();
});

handBackBtn.addEventListener('click', async () => {
  const res = await act('hand-back');
  if (res && res.ok) {
    setState('bot', null);
    void refreshLists();
  }
});

closeBtn.addEventListener('click', async () => {
  const tag = tagInput.value.trim() || 'resolved';
  const res = await act('close', { tag });
  if (res && res.ok) {
    setState('closed', null);
    tagInput.value = '';
    void refreshLists();
  }
});

async function sendReply() {
  const text = input.value.trim();
  if (!text || input.disabled) return;
  if (me && text.length > me.maxReplyChars) {
    notice(fill(T.replyTooLong, { n: me.maxReplyChars }));
    return;
  }
  const res = await act('reply', { text });
  if (res && res.ok) {
    input.value = '';
    appendLines([res.data.message]);
  }
}

$('reply-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void sendReply();
});
input.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    void sendReply();
  }
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/agent/logout').catch(() => undefined);
  location.assign('/agent/login');
});

// ---- live socket -----------------------------------------------------------

function setStatus(state, text) {
  statusEl.dataset.state = state;
  statusEl.textContent = text;
}

function connect() {
  setStatus(attempt ? 'reconnecting' : 'connecting', attempt ? T.reconnecting : T.connecting);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const sock = new WebSocket(`${scheme}//${location.host}/agent/ws`);
  ws = sock;
  sock.addEventListener('open', () => {
    attempt = 0;
    setStatus('connected', T.live);
    watch();
  });
  sock.addEventListener('message', (ev) => {
    let frame;
    try {
      frame = JSON.parse(ev.data);
    } catch {
      return;
    }
    handleFrame(frame);
  });
  sock.addEventListener('close', (ev) => {
    if (ws !== sock) return;
    ws = null;
    if (ev.code === 1008 && /login|logged out|expired/.test(ev.reason)) {
      location.assign('/agent/login');
      return;
    }
    const delay = Math.min(10000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    setStatus('reconnecting', T.reconnecting);
    setTimeout(connect, delay);
  });
}

function handleFrame(frame) {
  if (!frame || typeof frame !== 'object') return;
  switch (frame.type) {
    case 'queue':
      queue = Array.isArray(frame.items) ? frame.items : [];
      renderQueue();
      break;
    case 'taken':
      if (current && frame.conversationId === current.id && frame.agent !== me.username) setState('taken', frame.agent);
      break;
    case 'entry':
      if (current && frame.conversationId === current.id) setState(frame.status, frame.agent);
      break;
    case 'messages':
      if (current && frame.conversationId === current.id) {
        appendLines(Array.isArray(frame.messages) ? frame.messages : []);
        if (frame.suggestions) renderSuggestions(frame.suggestions);
      }
      break;
    default:
      break;
  }
}

// ---- start -----------------------------------------------------------------

(async () => {
  const res = await api('GET', '/agent/api/me');
  me = res.data;
  $('agent-name').textContent = `${me.username} (${me.role})`;
  $('admin-link').hidden = me.role !== 'admin';
  input.maxLength = me.maxReplyChars;
  await refreshLists();
  connect();
})();

// crossfeed FAQ admin. Plain ES2020 module; all entry text goes through textContent / value.
import { ADMIN_TEXT, applyPageText, fill, pageLanguage } from './page-text.js';

const $ = (id) => document.getElementById(id);
// Labels follow the browser's language (en or zh) unless the server's web.widget.language fixes one.
const settings = await fetch('/widget/settings.json').then((r) => (r.ok ? r.json() : {}), () => ({}));
const T = applyPageText(pageLanguage(settings.language), document, ADMIN_TEXT);
const form = $('faq-form');
const fields = { id: $('faq-id'), questions: $('faq-questions'), answer: $('faq-answer'), tags: $('faq-tags'), language: $('faq-language') };
let csrfToken = '';
let editing = null;
let known = new Set();

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    location.assign('/agent/login?next=admin');
    throw new Error('login required');
  }
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, data };
}

function notice(text) {
  $('admin-notice').hidden = !text;
  $('admin-notice').textContent = text || '';
}

const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

function cell(content) {
  const td = document.createElement('td');
  if (Array.isArray(content)) {
    const ul = document.createElement('ul');
    for (const c of content) {
      const li = document.createElement('li');
      li.textContent = c;
      ul.append(li);
    }
    td.append(ul);
  } else if (content instanceof Node) {
    td.append(content);
  } else {
    td.textContent = content;
  }
  return td;
}

function button(text, testid, onClick, cls = 'button') {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.dataset.testid = testid;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function edit(entry) {
  editing = entry.id;
  fields.id.value = entry.id;
  fields.id.readOnly = true;
  fields.questions.value = entry.questions.join('\n');
  fields.answer.value = entry.answer;
  fields.tags.value = entry.tags.join(', ');
  fields.language.value = entry.language;
  $('form-title').textContent = fill(T.editEntry, { id: entry.id });
  fields.questions.focus();
}

function reset() {
  editing = null;
  form.reset();
  fields.id.readOnly = false;
  $('form-title').textContent = T.addEntry;
}

async function load() {
  const res = await api('GET', '/admin/api/faq');
  if (!res.ok) {
    notice(res.data.message || fill(T.loadFailed, { status: res.status }));
    return;
  }
  const entries = res.data.entries;
  known = new Set(entries.map((e) => e.id));
  $('faq-count').textContent = String(entries.length);
  $('faq-rows').replaceChildren(...entries.map((e) => {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'faq-row';
    tr.dataset.faqId = e.id;
    const answer = cell(e.answer);
    answer.className = 'faq-answer';
    const actions = document.createElement('span');
    actions.append(
      button(T.edit, 'faq-edit', () => edit(e)),
      button(T.delete, 'faq-delete', async () => {
        if (!confirm(fill(T.deleteConfirm, { id: e.id }))) return;
        const r = await api('DELETE', `/admin/api/faq/${encodeURIComponent(e.id)}`);
        if (!r.ok) notice(r.data.message || fill(T.deleteFailed, { status: r.status }));
        if (editing === e.id) reset();
        await load();
      }, 'button button--danger'),
    );
    tr.append(cell(e.id), cell(e.questions), answer, cell(e.tags.join(', ')), cell(e.language), cell(actions));
    return tr;
  }));
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  notice('');
  const id = fields.id.value.trim();
  if (editing === null && known.has(id)) {
    notice(fill(T.exists, { id }));
    return;
  }
  const body = { questions: lines(fields.questions.value), answer: fields.answer.value.trim(), tags: list(fields.tags.value), language: fields.language.value };
  const res = await api('PUT', `/admin/api/faq/${encodeURIComponent(id)}`, body);
  if (!res.ok) {
    notice(res.data.message || fill(T.saveFailed, { status: res.status }));
    return;
  }
  notice(fill(T.saved, { id }));
  reset();
  await load();
});
$('faq-reset').addEventListener('click', reset);

(async () => {
  const me = await api('GET', '/agent/api/me');
  csrfToken = me.data.csrfToken;
  await load();
})();

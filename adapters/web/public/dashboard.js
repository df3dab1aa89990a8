// The operator dashboard (/admin). Admins see every tab; a partner login sees Overview and
// Campaigns, scoped by the server to its own campaigns. Every write sends the session's CSRF token.

const T = {
  en: {
    title: 'crossfeed dashboard', overview: 'Overview', campaigns: 'Campaigns', catalog: 'Catalog', unanswered: 'Unanswered', activity: 'Activity',
    agents: 'Agents', users: 'Users', faq: 'FAQ', logout: 'Log out', from: 'From', to: 'To', refresh: 'Refresh', topItems: 'Top items', topChannels: 'Top channels',
    report: 'Report', csv: 'Download CSV', newCampaign: 'New campaign', partner: 'Partner', name: 'Name', items: 'Item ids (comma separated)', starts: 'Starts', ends: 'Ends',
    currency: 'Currency', totalBudget: 'Total budget', dailyBudget: 'Daily budget (optional)', pricing: 'Pricing', perClick: 'per click', perClaim: 'per claim',
    perConversion: 'per conversion', price: 'Price per event', pacing: 'Pacing', even: 'even', asap: 'as fast as possible', platforms: 'Platforms (optional)', create: 'Create',
    search: 'Search', import: 'Import', importHelp: 'A .json array or .csv file in the catalog format; applies at once, no restart.', addAgent: 'Add an account',
    username: 'Username', password: 'Password', role: 'Role', add: 'Add', userId: 'Platform user id', show: 'Show',
    suggestions: 'Suggestions', clicks: 'Clicks', claims: 'Claims', conversions: 'Conversions', spend: 'Spend', ctr: 'CTR', cpc: 'CPC', cpa: 'CPA', impressions: 'Impressions',
    state: 'State', spent: 'Spent / budget', today: 'Today', actions: '', pause: 'Pause', resume: 'Resume', view: 'Report', item: 'Item', channel: 'Channel',
    running: 'running', paused: 'paused', scheduled: 'scheduled', ended: 'ended', budget_spent: 'budget spent', daily_budget_spent: 'daily budget spent',
    ahead: 'ahead of pace (held)', on_track: 'on pace', deactivate: 'Deactivate', save: 'Save', edit: 'Edit', asked: 'asked {n}×', makeFaq: 'Start an FAQ entry',
    answer: 'Answer', faqId: 'Entry id', language: 'Language', saved: 'Saved: the bot answers this now.', imported: 'Imported {n} items.', remove: 'Remove',
    resetPassword: 'Reset password', newPassword: 'New password (at least 10 characters)', none: 'Nothing yet.', said: 'said', lift: 'Explore vs control',
  },
  zh: {
    title: 'crossfeed 运营后台', overview: '概览', campaigns: '推广活动', catalog: '商品目录', unanswered: '未解答问题', activity: '动态', agents: '账号', users: '用户',
    faq: '常见问题', logout: '退出', from: '从', to: '到', refresh: '刷新', topItems: '热门商品', topChannels: '热门频道', report: '报表', csv: '下载 CSV',
    newCampaign: '新建推广活动', partner: '合作方', name: '名称', items: '商品 ID（逗号分隔）', starts: '开始', ends: '结束', currency: '货币', totalBudget: '总预算',
    dailyBudget: '每日预算（可选）', pricing: '计费方式', perClick: '按点击', perClaim: '按领取', perConversion: '按转化', price: '单价', pacing: '投放节奏',
    even: '匀速', asap: '尽快', platforms: '平台（可选）', create: '创建', search: '搜索', import: '导入', importHelp: '目录格式的 .json 数组或 .csv 文件；立即生效，无需重启。',
    addAgent: '添加账号', username: '用户名', password: '密码', role: '角色', add: '添加', userId: '平台用户 ID', show: '查看',
    suggestions: '推荐次数', clicks: '点击', claims: '领取', conversions: '转化', spend: '花费', ctr: '点击率', cpc: '单次点击成本', cpa: '单次转化成本', impressions: '展示',
    state: '状态', spent: '已花费 / 预算', today: '今日', actions: '', pause: '暂停', resume: '恢复', view: '报表', item: '商品', channel: '频道',
    running: '投放中', paused: '已暂停', scheduled: '未开始', ended: '已结束', budget_spent: '预算用完', daily_budget_spent: '今日预算用完',
    ahead: '超前（暂缓）', on_track: '节奏正常', deactivate: '下架', save: '保存', edit: '编辑', asked: '被问 {n} 次', makeFaq: '创建常见问题条目',
    answer: '回答', faqId: '条目 ID', language: '语言', saved: '已保存：机器人现在会回答这个问题。', imported: '已导入 {n} 个商品。', remove: '删除',
    resetPassword: '重置密码', newPassword: '新密码（至少 10 个字符）', none: '暂无。', said: '说', lift: '探索组 vs 对照组',
  },
};

let lang = localStorage.getItem('cf-lang') || (navigator.language.startsWith('zh') ? 'zh' : 'en');
let me;
let chart;
const $ = (sel, root = document) => root.querySelector(sel);
const t = (key, vars = {}) => (T[lang][key] ?? T.en[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
  return e;
}

async function api(method, url, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = me?.csrfToken ?? '';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 401) { location.href = '/agent/login?next=admin'; throw new Error('login'); }
  const data = res.status === 204 ? {} : await res.json();
  if (!res.ok) throw Object.assign(new Error(data.message || res.statusText), { data });
  return data;
}

const digits = (cur) => { try { return new Intl.NumberFormat('en', { style: 'currency', currency: cur }).resolvedOptions().maximumFractionDigits; } catch { return 2; } };
const money = (minor, cur) => (minor === null || minor === undefined || !cur ? '-' : `${(minor / 10 ** digits(cur)).toFixed(digits(cur))} ${cur}`);
const spendText = (spend) => Object.entries(spend).map(([c, a]) => money(a, c)).join(' + ') || '-';
const pct = (x) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);
const dateInput = (d) => d.toISOString().slice(0, 10);

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  $('#lang').value = lang;
}

function showTab(name) {
  document.querySelectorAll('.tab').forEach((s) => { s.hidden = s.id !== name; });
  document.querySelectorAll('#tabs button').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === name)));
  location.hash = name;
  ({ overview: loadOverview, campaigns: loadCampaigns, catalog: loadCatalog, unanswered: loadUnanswered, activity: loadActivity, agents: loadAgents })[name]?.();
}

function table(node, head, rows) {
  node.replaceChildren(el('thead', {}, el('tr', {}, head.map(([label, num]) => el('th', { class: num ? 'num' : '' }, label)))),
    el('tbody', {}, rows.length ? rows : [el('tr', {}, el('td', { colspan: head.length, class: 'muted' }, t('none')))]));
}

function range() {
  const from = $('#from').value;
  const to = $('#to').value;
  return `from=${from}&to=${new Date(Date.parse(to) + 86_400_000).toISOString().slice(0, 10)}`;
}

async function loadOverview() {
  const o = await api('GET', `/admin/api/overview?${range()}`);
  const tot = o.totals;
  const card = (key, value) => el('div', { class: 'card', 'data-testid': `total-${key}` }, el('b', {}, value), el('span', {}, t(key)));
  $('#totals').replaceChildren(card('suggestions', tot.impressions), card('clicks', tot.clicks), card('ctr', pct(tot.ctr)), card('claims', tot.claims),
    card('conversions', tot.conversions), card('spend', spendText(tot.spend)));
  const cur = tot.currency || 'USD';
  const labels = o.series.map((p) => p.at);
  const datasets = [
    { label: t('suggestions'), data: o.series.map((p) => p.impressions), yAxisID: 'y' },
    { label: t('clicks'), data: o.series.map((p) => p.clicks), yAxisID: 'y' },
    { label: t('claims'), data: o.series.map((p) => p.claims), yAxisID: 'y' },
    { label: `${t('spend')} (${cur})`, data: o.series.map((p) => p.spend / 10 ** digits(cur)), yAxisID: 'y1' },
  ];
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const grid = dark ? '#34353d' : '#dcdde3';
  const text = dark ? '#e8e8ec' : '#1d1d22';
  chart?.destroy();
  if (window.Chart) {
    chart = new window.Chart($('#chart'), {
      type: 'line', data: { labels, datasets },
      options: {
        maintainAspectRatio: false, animation: false, color: text,
        scales: { x: { ticks: { color: text }, grid: { color: grid } }, y: { beginAtZero: true, ticks: { color: text }, grid: { color: grid } },
          y1: { beginAtZero: true, position: 'right', ticks: { color: text }, grid: { drawOnChartArea: false } } },
      },
    });
    $('#chart').dataset.series = JSON.stringify(o.series);
  }
  table($('#top-items'), [[t('item')], [t('suggestions'), 1], [t('clicks'), 1], [t('ctr'), 1], [t('spend'), 1]],
    o.topItems.map((r) => el('tr', {}, el('td', {}, r.title), el('td', { class: 'num' }, r.impressions), el('td', { class: 'num' }, r.clicks), el('td', { class: 'num' }, pct(r.ctr)), el('td', { class: 'num' }, spendText(r.spend)))));
  table($('#top-channels'), [[t('channel')], [t('suggestions'), 1], [t('clicks'), 1], [t('ctr'), 1], [t('spend'), 1]],
    o.topChannels.map((r) => el('tr', {}, el('td', {}, r.key), el('td', { class: 'num' }, r.impressions), el('td', { class: 'num' }, r.clicks), el('td', { class: 'num' }, pct(r.ctr)), el('td', { class: 'num' }, spendText(r.spend)))));
}

async function loadCampaigns() {
  const { campaigns, partners } = await api('GET', '/admin/api/campaigns');
  // Admins pause and resume any campaign; a partner its own (the only ones it is shown).
  const mayPause = me.role === 'admin' || me.role === 'partner';
  const sel = $('#campaign-form select[name=partnerId]');
  sel?.replaceChildren(...partners.map((p) => el('option', { value: p.id }, `${p.name} (${p.id})`)));
  table($('#campaign-list'), [['#'], [t('name')], [t('partner')], [t('state')], [t('spent')], [t('today')], [t('pacing')], [t('pricing')], [t('actions')]],
    campaigns.map((c) => el('tr', { 'data-testid': `campaign-${c.id}`, 'data-state': c.state },
      el('td', {}, c.id), el('td', {}, c.name), el('td', {}, c.partnerId),
      el('td', {}, el('span', { class: `state ${c.state}`, 'data-testid': 'campaign-state' }, t(c.state))),
      el('td', {}, el('span', { 'data-testid': 'campaign-spent' }, `${money(c.spentTotal, c.currency)} / ${money(c.totalBudget, c.currency)}`),
        el('div', { class: 'bar' }, el('i', { style: `width:${Math.min(100, (100 * c.spentTotal) / c.totalBudget).toFixed(1)}%` }))),
      el('td', {}, c.dailyBudget === null ? money(c.spentToday, c.currency) : `${money(c.spentToday, c.currency)} / ${money(c.dailyBudget, c.currency)}`),
      el('td', {}, c.pacing.mode === 'asap' ? t('asap') : t(c.pacing.state)),
      el('td', {}, `${money(c.price, c.currency)} ${t({ click: 'perClick', claim: 'perClaim', conversion: 'perConversion' }[c.pricing])}`),
      el('td', {},
        mayPause && c.status === 'active' ? el('button', { 'data-testid': 'pause', onclick: () => api('POST', `/admin/api/campaigns/${c.id}/pause`).then(loadCampaigns) }, t('pause')) : '',
        mayPause && c.status === 'paused' ? el('button', { 'data-testid': 'resume', onclick: () => api('POST', `/admin/api/campaigns/${c.id}/resume`).then(loadCampaigns) }, t('resume')) : '',
        ' ', el('button', { 'data-testid': 'view-report', onclick: () => showReport(c) }, t('view'))))));
}

async function showReport(c) {
  const q = `by=channel&campaign=${c.id}&from=2000-01-01&to=${dateInput(new Date(Date.now() + 86_400_000))}`;
  const r = await api('GET', `/admin/api/report?${q}`);
  $('#campaign-report').hidden = false;
  $('#report-title').textContent = `${c.name} (#${c.id})`;
  const row = (x, total) => el('tr', total ? { 'data-testid': 'report-total' } : {}, el('td', {}, total ? 'total' : x.key), el('td', { class: 'num' }, x.impressions), el('td', { class: 'num' }, x.clicks),
    el('td', { class: 'num' }, pct(x.ctr)), el('td', { class: 'num' }, x.claims), el('td', { class: 'num' }, x.conversions), el('td', { class: 'num', 'data-testid': total ? 'report-spend' : undefined }, spendText(x.spend)),
    el('td', { class: 'num' }, money(x.cpc, x.currency)), el('td', { class: 'num' }, money(x.cpa, x.currency)));
  table($('#report-table'), [[t('channel')], [t('impressions'), 1], [t('clicks'), 1], [t('ctr'), 1], [t('claims'), 1], [t('conversions'), 1], [t('spend'), 1], [t('cpc'), 1], [t('cpa'), 1]],
    [...r.rows.map((x) => row(x, false)), row(r.totals, true)]);
  const e = r.experiment;
  $('#report-experiment').textContent = `${t('lift')}: ${e.enough ? `${pct(e.relativeLift)} (95% CI ${pct(e.relativeLiftCi.low)} .. ${pct(e.relativeLiftCi.high)})` : e.reason}`;
  $('#report-csv').href = `/admin/api/report.csv?${q}`;
}

$('#campaign-form')?.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const err = $('[data-testid=campaign-error]');
  const local = (v) => new Date(v).toISOString();
  const platforms = String(f.get('platforms') || '').split(',').map((s) => s.trim()).filter(Boolean);
  const body = {
    partnerId: f.get('partnerId'), name: f.get('name'), itemIds: String(f.get('itemIds')).split(',').map((s) => s.trim()).filter(Boolean),
    startsAt: local(f.get('startsAt')), endsAt: local(f.get('endsAt')), currency: String(f.get('currency')).toUpperCase(),
    totalBudget: f.get('totalBudget'), dailyBudget: f.get('dailyBudget') || null, pricing: f.get('pricing'), price: f.get('price'), pacing: f.get('pacing'),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', targeting: platforms.length ? { platforms } : {},
  };
  try {
    await api('POST', '/admin/api/campaigns', body);
    err.hidden = true;
    ev.target.reset();
    await loadCampaigns();
  } catch (e) {
    err.textContent = e.message;
    err.hidden = false;
  }
});

async function loadCatalog() {
  const { items, total } = await api('GET', `/admin/api/catalog?q=${encodeURIComponent($('#catalog-q').value)}`);
  table($('#catalog-list'), [['id'], [t('name')], [t('price'), 1], [`(${total})`]], items.map((i) => {
    const title = el('input', { value: i.title, 'aria-label': t('name') });
    const price = el('input', { value: i.price, inputmode: 'decimal', size: 6, 'aria-label': t('price') });
    return el('tr', { 'data-testid': `item-${i.id}` }, el('td', {}, i.id), el('td', {}, title), el('td', { class: 'num' }, price, ' ', i.currency),
      el('td', {}, el('button', { onclick: async () => { await api('PUT', `/admin/api/catalog/${encodeURIComponent(i.id)}`, { title: title.value, price: Number(price.value) }); loadCatalog(); } }, t('save')), ' ',
        el('button', { 'data-testid': 'deactivate', onclick: async () => { await api('POST', `/admin/api/catalog/${encodeURIComponent(i.id)}/deactivate`); loadCatalog(); } }, t('deactivate'))));
  }));
}

$('#catalog-q')?.addEventListener('input', () => loadCatalog());
$('#catalog-file')?.addEventListener('change', async (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  try {
    const r = await api('POST', '/admin/api/catalog/import', { format: file.name.toLowerCase().endsWith('.csv') ? 'csv' : 'json', text: await file.text() });
    $('#import-result').textContent = t('imported', { n: r.imported });
    loadCatalog();
  } catch (e) {
    $('#import-result').textContent = `${e.message} ${(e.data?.errors ?? []).map((x) => `row ${x.row} ${x.field}: ${x.message}`).join('; ')}`;
  }
});

async function loadUnanswered() {
  const { groups } = await api('GET', '/admin/api/unanswered');
  $('#groups').replaceChildren(...(groups.length ? groups.map((g, n) => {
    const form = el('form', { hidden: true, 'data-testid': 'faq-form' },
      el('div', { class: 'grid' }, el('label', {}, t('faqId'), el('input', { name: 'id', value: slug(g.label) || `entry-${n + 1}` })),
        el('label', {}, t('language'), el('select', { name: 'language' }, el('option', { value: /\p{Script=Han}/u.test(g.label) ? 'zh' : 'en' }, /\p{Script=Han}/u.test(g.label) ? 'zh' : 'en'), el('option', { value: /\p{Script=Han}/u.test(g.label) ? 'en' : 'zh' }, /\p{Script=Han}/u.test(g.label) ? 'en' : 'zh')))),
      el('label', {}, t('answer'), el('textarea', { name: 'answer', required: true })),
      el('p', { class: 'error', hidden: true }), el('button', { type: 'submit' }, t('save')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      try {
        await api('PUT', `/admin/api/faq/${encodeURIComponent(f.get('id'))}`, { questions: g.questions.map((q) => q.text).slice(0, 30), answer: f.get('answer'), tags: [], language: f.get('language') });
        form.replaceWith(el('p', { class: 'muted', 'data-testid': 'faq-saved' }, t('saved')));
      } catch (e) {
        form.querySelector('.error').textContent = e.message;
        form.querySelector('.error').hidden = false;
      }
    });
    return el('div', { class: 'group', 'data-testid': 'unanswered-group' },
      el('strong', {}, g.label), ' ', el('span', { class: 'muted' }, t('asked', { n: g.total }), ' · ', g.channels.join(', ')),
      el('ul', {}, g.questions.slice(0, 8).map((q) => el('li', {}, q.text, q.count > 1 ? ` (${q.count})` : ''))),
      el('button', { 'data-testid': 'make-faq', onclick: (ev) => { form.hidden = false; ev.target.hidden = true; } }, t('makeFaq')), form);
  }) : [el('p', { class: 'muted' }, t('none'))]));
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);

let activityTimer;
async function loadActivity() {
  clearTimeout(activityTimer);
  const { messages, replies } = await api('GET', '/admin/api/activity');
  table($('#reply-counts'), [['platform'], ['outcome'], ['reason'], ['', 1]], replies.map((r) => el('tr', {}, el('td', {}, r.platform), el('td', {}, r.outcome), el('td', {}, r.reason), el('td', { class: 'num' }, r.count))));
  table($('#activity-list'), [['time'], ['where'], [''], ['text']], messages.map((m) => el('tr', {}, el('td', {}, m.at.slice(0, 19).replace('T', ' ')), el('td', {}, `${m.platform}:${m.channel}`), el('td', {}, m.role), el('td', {}, m.text))));
  if (!$('#activity').hidden) activityTimer = setTimeout(loadActivity, 5000);
}

async function loadAgents() {
  const { agents } = await api('GET', '/admin/api/agents');
  table($('#agent-list'), [['#'], [t('username')], [t('role')], [t('partner')], ['']], agents.map((a) => el('tr', { 'data-testid': `agent-${a.username}` },
    el('td', {}, a.id), el('td', {}, a.username), el('td', {}, a.role), el('td', {}, a.partnerId ?? ''),
    el('td', {}, el('button', { onclick: async () => { const p = prompt(t('newPassword')); if (p) await api('POST', `/admin/api/agents/${a.id}/password`, { password: p }).catch((e) => alert(e.message)); } }, t('resetPassword')), ' ',
      a.username === me.username ? '' : el('button', { onclick: async () => { if (confirm(`${t('remove')} ${a.username}?`)) { await api('DELETE', `/admin/api/agents/${a.id}`); loadAgents(); } } }, t('remove'))))));
}

$('#agent-form')?.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const body = { username: f.get('username'), password: f.get('password'), role: f.get('role'), ...(f.get('partnerId') ? { partnerId: f.get('partnerId') } : {}) };
  const err = ev.target.querySelector('.error');
  try {
    await api('POST', '/admin/api/agents', body);
    err.hidden = true;
    ev.target.reset();
    loadAgents();
  } catch (e) {
    err.textContent = e.message;
    err.hidden = false;
  }
});

$('#user-form')?.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    const { profile } = await api('GET', `/admin/api/user?platform=${encodeURIComponent(f.get('platform'))}&id=${encodeURIComponent(f.get('id'))}`);
    $('#user-profile').textContent = JSON.stringify(profile, null, 2);
  } catch (e) {
    $('#user-profile').textContent = e.message;
  }
});

$('#lang').addEventListener('change', () => {
  lang = $('#lang').value;
  localStorage.setItem('cf-lang', lang);
  applyLanguage();
  showTab(location.hash.slice(1) || 'overview');
});
$('#refresh').addEventListener('click', () => loadOverview());
$('#logout').addEventListener('click', async () => {
  await api('POST', '/agent/logout').catch(() => undefined);
  location.href = '/agent/login?next=admin';
});
document.querySelectorAll('#tabs button').forEach((b) => b.addEventListener('click', () => showTab(b.dataset.tab)));

me = await api('GET', '/admin/api/me');
$('[data-testid=who]').textContent = `${me.username} (${me.role}${me.partnerId ? `: ${me.partnerId}` : ''})`;
if (me.role !== 'admin') document.querySelectorAll('[data-admin]').forEach((n) => n.remove());
const today = new Date();
$('#to').value = dateInput(today);
$('#from').value = dateInput(new Date(today.getTime() - 29 * 86_400_000));
applyLanguage();
const first = location.hash.slice(1);
showTab(document.querySelector(`#tabs button[data-tab="${first}"]`) ? first : 'overview');
document.body.dataset.ready = 'true';

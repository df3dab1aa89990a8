// Suggestion cards (course / coupon / insurance) rendered inside a bot message.
// All card fields come from the server and are treated as untrusted text.

import { CARD_TEXT } from './page-text.js';

// Labels come with each card in the conversation's language; these, from the same catalogue in
// the page's language, are only for cards stored before cards carried their labels.
const pageCardText = () => (document.documentElement.lang.startsWith('zh') ? CARD_TEXT.zh : CARD_TEXT.en) || CARD_TEXT.en;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function str(v) {
  return typeof v === 'string' ? v : '';
}

// Only http(s) links are followed; javascript:, data: and friends render no link at all.
export function safeHref(link) {
  if (typeof link !== 'string' || !link) return null;
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function formatPrice(card) {
  if (typeof card.priceLabel === 'string' && card.priceLabel.trim()) return card.priceLabel;
  const price = Number(card.price);
  if (card.price === null || card.price === undefined || !Number.isFinite(price)) return '';
  if (price === 0) return pageCardText().free;
  const currency = str(card.currency) || 'USD';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(price);
  } catch {
    // Unknown currency code: Intl throws, but the number is still worth showing.
    return `${price.toFixed(2)} ${currency}`;
  }
}

// onAction(text, action) sends a typed action on the visitor's behalf ({ kind: 'claim', itemId }),
// with the line the transcript shows.
export function renderCard(card, onAction) {
  const kind = str(card.kind);
  const sponsored = card.sponsored === true;

  const root = el('article', `card card--${kind || 'other'}`);
  root.dataset.testid = 'card';
  root.dataset.kind = kind;
  root.dataset.id = str(card.id);
  root.dataset.price = card.price === undefined || card.price === null ? '' : String(card.price);
  root.dataset.currency = str(card.currency);
  if (str(card.level)) root.dataset.level = card.level;
  root.dataset.sponsored = String(sponsored);

  const tags = el('div', 'card-tags');
  // Labels come with the card, in the conversation's language (the bot's message catalogue).
  const labels = card.labels && typeof card.labels === 'object' ? card.labels : {};
  const T = pageCardText();
  tags.append(el('span', 'tag tag--kind', str(labels.kind) || T[`kind.${kind}`] || T['kind.course']));
  if (str(card.level)) tags.append(el('span', 'tag tag--level', card.level));
  if (sponsored) tags.append(el('span', 'tag tag--sponsored', str(labels.sponsored) || T.sponsored));
  root.append(tags);

  const title = el('h3', 'card-title', str(card.title) || str(card.id));
  root.append(title);

  if (str(card.reason)) root.append(el('p', 'card-reason', card.reason));

  const foot = el('div', 'card-foot');
  const price = formatPrice(card);
  if (price) foot.append(el('span', 'card-price', price));
  const href = safeHref(card.link);
  if (href) {
    const a = el('a', 'card-link', str(labels.link) || T[`link.${kind}`] || T['link.course']);
    a.href = href;
    a.target = '_blank';
    a.rel = sponsored ? 'noopener noreferrer sponsored' : 'noopener noreferrer';
    foot.append(a);
  }
  if (kind === 'coupon' && str(card.id) && typeof onAction === 'function') {
    const claimLabel = str(labels.claim) || T.claim;
    const claim = el('button', 'card-claim', claimLabel);
    claim.type = 'button';
    claim.dataset.testid = 'claim';
    claim.addEventListener('click', () => onAction(`${claimLabel}: ${str(card.title) || card.id}`, { kind: 'claim', itemId: card.id }));
    foot.append(claim);
  }
  if (foot.childNodes.length) root.append(foot);

  if (str(card.disclosure)) root.append(el('p', 'card-disclosure', card.disclosure));
  return root;
}

export function renderCards(cards, onAction) {
  const list = el('div', 'cards');
  for (const card of cards) {
    if (card && typeof card === 'object') list.append(renderCard(card, onAction));
  }
  return list;
}

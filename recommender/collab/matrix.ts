import { CollabError, type Interaction, type ProgressCallback } from './types.js';

/**
 * The user x item matrix in both sparse orientations (CSR by user, CSC by item), with duplicate
 * (user, item) pairs collapsed to one entry holding their largest weight, so a repeated postback
 * never counts twice. Timestamps only decide which entries a very active user keeps.
 */
export interface InteractionMatrix {
  items: string[];
  itemIndex: Map<string, number>;
  userCount: number;
  /** CSR: the items of user u are itemsOf[userPtr[u] .. userPtr[u+1]). */
  userPtr: Int32Array;
  itemsOf: Int32Array;
  userValues: Float32Array;
  /** CSC: the users of item i are usersOf[itemPtr[i] .. itemPtr[i+1]). */
  itemPtr: Int32Array;
  usersOf: Int32Array;
  itemValues: Float32Array;
  /** Distinct users per item. */
  popularity: Int32Array;
}

export interface MatrixOptions {
  /** Keep at most this many most recent distinct items per user (bounds training cost). */
  maxItemsPerUser: number;
}

export function validateInteraction(x: Interaction, at: number): void {
  const where = `interaction ${at}`;
  if (typeof x?.user !== 'string' || x.user === '') throw new CollabError('BAD_INTERACTION', `${where}: user must be a non-empty string`);
  if (typeof x.item !== 'string' || x.item === '') throw new CollabError('BAD_INTERACTION', `${where}: item must be a non-empty string`);
  if (typeof x.timestamp !== 'number' || !Number.isFinite(x.timestamp)) throw new CollabError('BAD_INTERACTION', `${where}: timestamp must be a finite number`);
  if (x.weight !== undefined && (!Number.isFinite(x.weight) || x.weight <= 0)) throw new CollabError('BAD_INTERACTION', `${where}: weight must be a positive number, got ${x.weight}`);
}

export function buildMatrix(interactions: readonly Interaction[], options: MatrixOptions, onProgress?: ProgressCallback): InteractionMatrix {
  if (interactions.length === 0) throw new CollabError('EMPTY_INPUT', 'no interactions to train on');
  const n = interactions.length;
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const items: string[] = [];
  const uOf = new Int32Array(n);
  const iOf = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const x = interactions[k]!;
    validateInteraction(x, k + 1);
    let u = userIndex.get(x.user);
    if (u === undefined) userIndex.set(x.user, (u = userIndex.size));
    let i = itemIndex.get(x.item);
    if (i === undefined) { itemIndex.set(x.item, (i = items.length)); items.push(x.item); }
    uOf[k] = u;
    iOf[k] = i;
    if ((k & 0xffff) === 0) onProgress?.(k, n, 'indexing');
  }
  // Renumber users and items in id order, so the model does not depend on the input's order.
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  items.sort(byId);
  const itemRank = new Int32Array(items.length);
  items.forEach((id, rank) => { itemRank[itemIndex.get(id)!] = rank; itemIndex.set(id, rank); });
  const users = [...userIndex.keys()].sort(byId);
  const userRank = new Int32Array(users.length);
  users.forEach((id, rank) => { userRank[userIndex.get(id)!] = rank; });
  for (let k = 0; k < n; k++) { uOf[k] = userRank[uOf[k]!]!; iOf[k] = itemRank[iOf[k]!]!; }
  const userCount = userIndex.size;
  // Counting sort by user, then order each user's entries by (item, newest first) to collapse duplicates.
  const start = new Int32Array(userCount + 1);
  for (let k = 0; k < n; k++) start[uOf[k]! + 1]!++;
  for (let u = 0; u < userCount; u++) start[u + 1]! += start[u]!;
  const order = new Int32Array(n);
  const fill = start.slice(0, userCount);
  for (let k = 0; k < n; k++) order[fill[uOf[k]!]!++] = k;

  const userPtr = new Int32Array(userCount + 1);
  const itemsTmp = new Int32Array(n);
  const valuesTmp = new Float32Array(n);
  let out = 0;
  const cap = options.maxItemsPerUser;
  for (let u = 0; u < userCount; u++) {
    const row = Array.from(order.subarray(start[u]!, start[u + 1]!));
    row.sort((a, b) => iOf[a]! - iOf[b]! || interactions[b]!.timestamp - interactions[a]!.timestamp);
    let entries: { item: number; weight: number; time: number }[] = [];
    for (const k of row) {
      const x = interactions[k]!;
      const last = entries[entries.length - 1];
      if (last && last.item === iOf[k]) last.weight = Math.max(last.weight, x.weight ?? 1);
      else entries.push({ item: iOf[k]!, weight: x.weight ?? 1, time: x.timestamp });
    }
    if (entries.length > cap) entries = entries.sort((a, b) => b.time - a.time).slice(0, cap).sort((a, b) => a.item - b.item);
    for (const e of entries) { itemsTmp[out] = e.item; valuesTmp[out++] = e.weight; }
    userPtr[u + 1] = out;
    if ((u & 0x3fff) === 0) onProgress?.(u, userCount, 'deduplicating');
  }
  const nnz = out;
  const itemsOf = itemsTmp.slice(0, nnz);
  const userValues = valuesTmp.slice(0, nnz);

  const itemCount = items.length;
  const itemPtr = new Int32Array(itemCount + 1);
  for (let k = 0; k < nnz; k++) itemPtr[itemsOf[k]! + 1]!++;
  const popularity = new Int32Array(itemCount);
  for (let i = 0; i < itemCount; i++) { popularity[i] = itemPtr[i + 1]!; itemPtr[i + 1]! += itemPtr[i]!; }
  const usersOf = new Int32Array(nnz);
  const itemValues = new Float32Array(nnz);
  const pos = itemPtr.slice(0, itemCount);
  for (let u = 0; u < userCount; u++) {
    for (let k = userPtr[u]!; k < userPtr[u + 1]!; k++) {
      const p = pos[itemsOf[k]!]!++;
      usersOf[p] = u;
      itemValues[p] = userValues[k]!;
    }
  }
  return { items, itemIndex, userCount, userPtr, itemsOf, userValues, itemPtr, usersOf, itemValues, popularity };
}

/**
 * One spelling per path. Routing, static files, security headers and login checks all key on the
 * path, so `//agent.html`, `/./agent.html` or `/%61gent.html` must not reach them as something
 * else than `/agent.html`. `canonicalPath` gives the one spelling: percent-encoding decoded and
 * re-encoded the same way, empty and `.` segments dropped, `..` resolved. `refuse`: 'not_found' for an
 * encoded `/` or `\` (no page has one in its name), 'malformed' for a backslash, control
 * characters, bad percent-encoding, or `..` above the root.
 */
export function canonicalPath(rawUrl: string): { path: string; query: string } | { refuse: 'not_found' | 'malformed' } {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  if (!path.startsWith('/') || path.includes('\\')) return { refuse: 'malformed' };
  const out: string[] = [];
  for (const segment of path.split('/').slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { refuse: 'malformed' };
    }
    if (/[/\\]/.test(decoded)) return { refuse: 'not_found' };
    if (/[\u0000-\u001f\u007f]/.test(decoded)) return { refuse: 'malformed' };
    if (decoded === '' || decoded === '.') continue;
    if (decoded === '..') {
      if (out.length === 0) return { refuse: 'malformed' };
      out.pop();
      continue;
    }
    out.push(encodeURIComponent(decoded));
  }
  const trailing = out.length > 0 && /\/\.{0,2}$/.test(path) ? '/' : '';
  return { path: `/${out.join('/')}${trailing}`, query };
}

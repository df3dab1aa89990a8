// Loaded with `node --import`: prints one line to stderr for each platform library a process imports.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\\/(discord\\.js|tmi\\.js|@discordjs\\/[a-z-]+)\\//.exec(r.url);
  if (m) process.stderr.write('crossfeed-trace: loaded ' + m[1] + '\\n');
  return r;
}`));

/**
 * Small, documented matchers for the support desk. They look at the cleaned message text only and
 * are deliberately narrow: a false "frustrated" sends someone to a person (harmless), a false
 * "delete my data" only asks for a confirmation.
 */

/**
 * Clear frustration with the bot, English and Chinese. Whole phrases, not single words, so "is
 * this course useless for beginners?" is not one of them.
 */
const FRUSTRATION: readonly RegExp[] = [
  /\b(this|you|bot|it)('?s| is| are|'re)? (so |completely |totally |fucking |absolutely )?(useless|worthless|garbage|trash|stupid|dumb|terrible|awful|broken|not helping|no help)\b/i,
  /\b(useless|stupid|dumb|worthless|dumbest|worst) (bot|chatbot|robot|machine|ai|assistant)\b/i,
  /\b(you('re| are)? not (helping|helpful)|not helpful at all|doesn'?t help|that didn'?t help|waste of (my )?time|this is ridiculous|i'?m (so |really )?(frustrated|fed up|annoyed)|you don'?t understand( me)?|stop (the )?bot)\b/i,
  /垃圾(机器人|客服|ai|AI)|(机器人|你)(真|太|好)?(没用|垃圾|废物|笨|蠢|傻)|什么破(机器人|客服|东西)|没用的(机器人|东西)|浪费(我的)?时间|听不懂人话|气死(我了)?|智障|答非所问/,
];

export function isFrustrated(text: string): boolean {
  return FRUSTRATION.some((re) => re.test(text));
}

/** "delete my data" and friends: requests, not questions ("how do I delete my data?" is an FAQ). */
const FORGET: readonly RegExp[] = [
  /^(please |pls |plz |can you |could you |i want you to |i'd like you to )?(please )?(delete|erase|remove|wipe|forget) (all )?(of )?(my (data|messages|chat( history)?|history|conversation|information|info|details)|everything (you know |you have )?about me)\b/i,
  /^(please )?forget (about )?me\b/i,
  /^(请)?(帮我|给我)?(删除|删掉|清除|清空)(我的)?(所有|全部)?(个人)?(数据|信息|聊天记录|记录|资料)/,
  /^(请)?忘(记|掉)我/,
];

export function isForgetRequest(text: string): boolean {
  const t = text.trim();
  return FORGET.some((re) => re.test(t));
}

export function isYes(text: string): boolean {
  return /^\s*(yes|y|yes please|yep|yeah|confirm|ok(ay)?|sure|do it|是|是的|确认|确定|好|好的|对)\s*[.!。！]?\s*$/i.test(text);
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/**
 * An email address in a message and what else it says: "my email is ana@example.com, I was
 * charged twice" gives the address and "I was charged twice".
 */
export function extractContact(text: string): { email: string; message: string } | undefined {
  const m = EMAIL.exec(text);
  if (!m) return undefined;
  const email = m[0].replace(/\.$/, '');
  const rest = (text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length))
    .replace(/\b(my )?(e-?mail|address)( address)?( is|:)?\s*/i, '')
    .replace(/(我的)?邮箱(是|：|:)?/, '')
    .replace(/^[\s,.;:!-]+|[\s,;:-]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { email, message: rest };
}

/** Reactions and laughter that ask nothing: "lol", "gg", "haha", emoji, "666", "哈哈". */
const NOISE_WORDS = new Set([
  'lol', 'lmao', 'lmfao', 'rofl', 'gg', 'ggs', 'wp', 'ggwp', 'gj', 'xd', 'kek', 'kekw', 'lul', 'pog', 'poggers', 'pogchamp', 'omegalul',
  'ok', 'okay', 'k', 'kk', 'oh', 'ah', 'wow', 'nice', 'cool', 'omg', 'lel', 'yay', 'hmm', 'hm', 'huh', 'o7', 'f', 'w', 'l', 'ez', 'sheesh',
  '草', '笑死', '好的', '嗯', '哦', '啊', '牛', '厉害', '绝了',
]);

/**
 * Chat noise: laughter, reactions and emoji, which are no question at all. They never count as a
 * miss towards a handoff, and never earn chat points.
 */
export function isChatNoise(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (!t) return true;
  // Nothing but emoji, symbols and punctuation.
  if (!/[\p{L}\p{N}]/u.test(t)) return true;
  const words = t.replace(/[^\p{L}\p{N}\s]+/gu, ' ').split(/\s+/).filter(Boolean);
  if (words.length > 3) return false;
  return words.every((w) => NOISE_WORDS.has(w) || /^(ha|he|hi|ja|xa)+h?$/.test(w) || /^l(o+l+)+$/.test(w) || /^(哈|呵|嘿|嘻)+$/.test(w) || /^(6{3,}|23{2,}|8{3,})$/.test(w));
}

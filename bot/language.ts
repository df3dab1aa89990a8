/**
 * Asking for a language: "in Chinese please", "can you speak English", "说英文", "用中文". Pure
 * matchers; the dialogue policy keeps the choice as the conversation's language.
 */
export type Lang = 'en' | 'zh';

const ASK: readonly [RegExp, Lang][] = [
  [/\b(?:in|speak|use|switch to|reply in|answer in|talk in|write in)\s+(?:chinese|mandarin)\b|(?:说|讲|用|切换到|换成)(?:中文|汉语|普通话|国语)/i, 'zh'],
  [/\b(?:in|speak|use|switch to|reply in|answer in|talk in|write in)\s+english\b|(?:说|讲|用|切换到|换成)(?:英文|英语)/i, 'en'],
];

/** The language the message asks the bot to use, if it asks for one. */
export function askedLanguage(text: string): Lang | undefined {
  for (const [re, lang] of ASK) if (re.test(text)) return lang;
  return undefined;
}

/** The whole message is the request ("in Chinese please", "说英文吧"), not a request for something in a language. */
export function isOnlyLanguageRequest(text: string): boolean {
  const rest = text.toLowerCase()
    .replace(/\b(?:can|could|would) you\b|\bplease\b|\bpls\b|\bplz\b|\bnow\b|\bfrom now on\b|\binstead\b|\bok(?:ay)?\b|\bthen\b|\bjust\b|\bme\b|\bto\b|\bwith\b|\bspeak|\bsay|\btalk|\breply|\banswer|\bwrite|\buse|\bswitch|\bin\b|\bchinese\b|\bmandarin\b|\benglish\b/g, ' ')
    .replace(/请|你|能|可以|吗|吧|呢|和我|跟我|以后|说|讲|用|切换到|换成|中文|汉语|普通话|国语|英文|英语|好|的/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, '');
  return rest.length === 0;
}

/** The language a message is written in, by its script: mostly Chinese characters is 'zh'. For
 * when the NLU could not say (it failed), so even an apology is in the person's language. */
export function scriptLanguage(text: string): Lang {
  const han = (text.match(/[\u3400-\u9fff]/g) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  return han > 0 && han * 2 >= latin ? 'zh' : 'en';
}

import { seededRng } from '../recommender/random.js';
/**
 * Simulated viewers for `crossfeed demo`: varied names, badges and habits, mostly chat noise
 * with questions, commands and Chinese mixed in, from a seeded generator so a run can be repeated.
 */

export interface DemoViewer {
  login: string;
  displayName: string;
  userId: string;
  badges: { moderator?: boolean; subscriber?: boolean };
}

export interface DemoLine {
  viewer: DemoViewer;
  text: string;
}

const NAMES = [
  'PixelPanda', 'kappa_kid', 'NightOwl_88', 'sunny_codes', 'GGnoRe', 'byteSizedBen', 'mochi_mei', 'ZeroCool42',
  'LaggyLarry', 'tea_and_tests', 'xiaoming_dev', 'RainbowRook', 'frostbyte', 'CaptainCrunchy', 'lin_yu', 'devdana',
  'speedy_gonz', 'quiet_lurker', 'OwO_Wendy', 'hackerman_99', 'noodle_fan', 'wangfang', 'TrashPanda', 'StudyBuddy',
];

/** Chat that is not for the bot: emotes, reactions, talk between viewers. */
const NOISE = [
  'gg', 'LUL', 'that jump was insane', 'Pog', 'first time here, hi chat', 'KEKW', 'lmao', 'gg wp', '哈哈哈哈',
  'is this speedrun any%?', 'how long have you been streaming?', 'what keyboard is that?', 'W', 'monkaS', '冲冲冲',
  'chat is so fast today', 'F', 'PogChamp PogChamp', 'who else is here from the clip', '主播好厉害', 'LETS GOOO', '???',
  'brb food', 'that boss is brutal', '666', 'hydrate chat',
];

/** What the bot is for: addressed questions, commands, and plain requests it may answer. */
const REQUESTS = [
  '!course python', '@crossfeed_demo any coupon for pizza in Brooklyn?', 'anyone know a good course to learn javascript?',
  '有没有python入门课', '!help', '@crossfeed_demo something cheaper?', '!coupon ramen', 'any beginner data science course under $50?',
  '@crossfeed_demo 有没有便宜一点的机器学习课程', '!points', '!checkin', '@crossfeed_demo recommend a course on react for beginners',
];

/** An endless chat: each call gives the next line. About one line in six is meant for the bot. */
export function demoChat(seed = 7, requestShare = 1 / 6): () => DemoLine {
  const rnd = seededRng(seed);
  const viewers: DemoViewer[] = NAMES.map((name, i) => ({
    login: name.toLowerCase(), displayName: name, userId: String(5000 + i),
    badges: { ...(i % 11 === 3 ? { moderator: true } : {}), ...(i % 3 === 0 ? { subscriber: true } : {}) },
  }));
  // Some viewers talk a lot, most a little (weights 1/(rank+1)).
  const weights = viewers.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const pickViewer = (): DemoViewer => {
    let r = rnd() * total;
    for (let i = 0; i < viewers.length; i++) if ((r -= weights[i]!) <= 0) return viewers[i]!;
    return viewers[viewers.length - 1]!;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return () => ({ viewer: pickViewer(), text: rnd() < requestShare ? pick(REQUESTS) : pick(NOISE) });
}

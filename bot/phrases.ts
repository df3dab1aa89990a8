import type { SayKey } from './decide.js';

type Lang = 'en' | 'zh';

/** Every fixed sentence the bot says, in English and Chinese. */
export const PHRASES: Record<SayKey | 'ask_age' | 'decline_minor' | 'no_match' | 'here_are' | 'here_is_another' | 'relaxed' | 'no_more'
  | 'insurance_age' | 'online_only' | 'ask_topic' | 'withheld_user_cap' | 'withheld_conversation_cap' | 'withheld_channel_cap' | 'withheld_opted_out' | 'withheld_channel_off' | 'went_wrong',
  Record<Lang, string>> = {
  greet: { en: "Hi! I can suggest courses, partner coupons and insurance. Try \"a beginner python course under $30\".", zh: '你好！我可以推荐课程、合作商家优惠券和保险。试试说"100块以内的python入门课"。' },
  noise: { en: '😄 If you are looking for something, I can find courses, partner coupons or insurance, or answer questions from our FAQ.', zh: '😄 需要什么的话，我可以帮你找课程、合作商家优惠券或保险，也可以回答常见问题。' },
  thanks: { en: "You're welcome!", zh: '不客气！' },
  bye: { en: 'Bye, see you next time!', zh: '再见，下次见！' },
  help: {
    en: 'Ask me for a course ("intermediate javascript course under $50"), a coupon ("ramen coupons in Brooklyn") or insurance ("travel insurance, I\'m 30"); say "another one" or "cheaper?" to refine. I answer support questions from our FAQ, and "talk to a person" gets you a human. Points: "{prefix}checkin" once a day, "{prefix}points" for your balance, "{prefix}redeem" for rewards. "{prefix}mycodes" lists your coupon codes (in a private chat).',
    zh: '可以问我课程（"200元以内的python入门课"）、优惠券（"上海的火锅优惠券"）或保险（"旅游险，我30岁"）；说"换一个"或"有便宜点的吗"可以调整。客服问题我会按常见问题回答，说"转人工"可以找工作人员。积分："{prefix}checkin"每日签到，"{prefix}points"查看余额，"{prefix}redeem"兑换奖励。"{prefix}mycodes"列出你的优惠码（私聊中）。',
  },
  language_set: { en: 'Sure, I will answer in English from now on. What are you looking for?', zh: '好的，之后我用中文回答。你想找什么？' },
  unknown_command: { en: 'I don\'t know the command "{command}". ', zh: '我不认识"{command}"这个命令。' },
  opted_out: { en: "Got it: no more promotions for you. You can still ask me for courses whenever you like.", zh: '好的，不再向你推送推广内容。需要时仍然可以问我课程。' },
  fallback: { en: 'Sorry, I did not get that. I can help with courses, coupons and insurance: try "python course for beginners". Type "{prefix}help" for everything else I do.', zh: '抱歉，我没听懂。我可以帮你找课程、优惠券和保险，试试"python入门课"。输入"{prefix}help"查看全部功能。' },
  refine_without_context: { en: 'Sure. What are you looking for? For example "a javascript course under $40".', zh: '好的，你想找什么？比如"200元以内的前端课"。' },
  faq_unavailable: { en: "I can't answer support questions yet. Please write to the support team and a person will help you.", zh: '我暂时还不能回答客服问题，请联系客服团队，会有工作人员帮你。' },
  faq_unknown: { en: "I don't have an answer to that in our FAQ, and I'd rather not guess. Say \"talk to a human\" and a person will help you.", zh: '常见问题里没有这个问题的答案，我不想乱猜。说"转人工"会有工作人员帮你。' },
  points_unavailable: { en: 'Points and check-ins are not available here yet.', zh: '积分和签到功能暂未开放。' },
  points_how: { en: 'For points, type "{prefix}points" to see your balance, "{prefix}checkin" to check in for today, or "{prefix}redeem" for rewards.', zh: '积分相关：输入"{prefix}points"查看余额，"{prefix}checkin"每日签到，"{prefix}redeem"兑换奖励。' },
  handoff_unavailable: { en: 'No agent is connected to this chat yet. Please contact the support team directly.', zh: '目前还没有人工客服接入，请直接联系客服团队。' },
  too_long: { en: 'That message is too long for me. Could you keep it under 2,000 characters?', zh: '消息太长了，请控制在2000字以内。' },
  ask_age: { en: 'Happy to help with insurance. How old are you? (Insurance is only offered to adults.)', zh: '可以帮你看看保险。请问你多大了？（保险只面向成年人。）' },
  insurance_age: { en: "Sorry, none of the plans I can offer covers someone aged {age}: each insurer sets an age limit. A licensed insurance broker can show you plans for your age.", zh: '抱歉，我能推荐的保险都不承保 {age} 岁的人：每家保险公司都有年龄限制。持牌保险经纪人可以帮你找适合你年龄的方案。' },
  ask_topic: { en: 'What would you like to learn? Popular topics: {topics}. Or tell me in your own words, e.g. "beginner guitar".', zh: '你想学什么？热门主题：{topics}。也可以直接描述，比如"吉他入门"。' },
  online_only: { en: 'I have no partner coupons in {where} yet. These work online, anywhere:', zh: '{where}暂时没有合作商家的优惠券。这些可以在线使用，不限地区：' },
  decline_minor: { en: "Sorry, I can't suggest insurance to anyone under 18. A parent or guardian can look at options with you.", zh: '抱歉，不能向未满18岁的用户推荐保险，可以请家长一起了解。' },
  no_match: { en: "I couldn't find anything that matches{what}. Try a different topic or a higher budget.", zh: '没有找到符合{what}的结果，可以换个主题或提高预算试试。' },
  here_are: { en: 'Here are some picks{what}:', zh: '为你找到这些{what}：' },
  here_is_another: { en: 'Here are more options{what}:', zh: '再给你几个选择{what}：' },
  relaxed: { en: ' (nothing matched your {filters} exactly, so these are the closest)', zh: '（没有完全符合{filters}的，这些最接近）' },
  withheld_user_cap: { en: "You've seen as many partner offers as I show in a day, so I'm leaving them out until tomorrow{what}. Courses and insurance you ask for are still fine.", zh: '你今天看到的合作商家优惠已经到上限了，明天再给你推荐{what}。课程和保险仍然可以问我。' },
  withheld_conversation_cap: { en: "I've shown you a lot of partner offers in this chat this hour, so I'm leaving them out for a while{what}. Courses and insurance you ask for are still fine.", zh: '这一小时在本对话里给你看的合作商家优惠已经很多了，稍后再推荐{what}。课程和保险仍然可以问我。' },
  withheld_channel_cap: { en: 'This chat has had a lot of partner offers this hour, so I am holding them back for now{what}. Ask me in a private chat (DM or the web chat) any time.', zh: '这个频道这一小时的合作商家优惠已经很多了，暂时不再发{what}。可以随时私聊我领取。' },
  withheld_opted_out: { en: 'Partner offers are promotions, and you asked me not to show you promotions{what}.', zh: '合作商家优惠属于推广内容，你之前要求不再向你推送推广{what}。' },
  withheld_channel_off: { en: 'Partner offers are switched off in this channel{what}.', zh: '本频道未开启合作商家优惠{what}。' },
  went_wrong: { en: 'Sorry, something went wrong on my side. Please try again in a moment.', zh: '抱歉，我这边出了点问题，请稍后再试。' },
  no_more: { en: "That's everything I have that fits{what}.", zh: '符合{what}的已经都推荐给你了。' },
};

export function phrase(key: keyof typeof PHRASES, lang: Lang, vars: Record<string, string> = {}): string {
  return PHRASES[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

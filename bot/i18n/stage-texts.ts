/**
 * The support, claim, link and privacy stages' texts, in English and Chinese. Part of the message
 * catalogue (bot/i18n/catalogue.ts), which checks that every key has both languages.
 */
import type { LinkResult } from '../../data/store.js';

type Lang = 'en' | 'zh';

export const LINK_TEXT: Record<'code' | 'ask_privately' | LinkResult['status'], Record<Lang, string>> = {
  code: {
    en: 'Your link code is {code}. Within 10 minutes, type "{prefix}link {code}" where I am on Twitch or Discord, and your points, coupons and preferences will be shared.',
    zh: '你的绑定码是 {code}。请在10分钟内到 Twitch 或 Discord 有我的频道输入"{prefix}link {code}"，积分、优惠券和偏好就会共享。',
  },
  ask_privately: {
    en: 'Link codes are only given in a private chat (the web chat or a DM with me). Get one there, then type "{prefix}link CODE" here.',
    zh: '绑定码只在私聊中发放（网页聊天或私信）。拿到后在这里输入"{prefix}link 绑定码"。',
  },
  linked: { en: 'Linked: this account now shares your points, coupons and preferences.', zh: '绑定成功：这个账号现在共享你的积分、优惠券和偏好。' },
  already_linked: { en: 'This account is already linked.', zh: '这个账号已经绑定过了。' },
  invalid: { en: "That link code isn't valid (codes work once). Ask me for a new one in a private chat.", zh: '绑定码无效（每个码只能用一次），请在私聊中重新获取。' },
  expired: { en: 'That link code has expired. Ask me for a new one in a private chat.', zh: '绑定码已过期，请在私聊中重新获取。' },
  platform_taken: { en: 'Your profile is already linked to another account on this platform.', zh: '你的资料已经绑定了这个平台上的另一个账号。' },
};

export const CLAIM_TEXT: Record<string, Record<Lang, string>> = {
  claimed: { en: 'Your code for "{title}": {code} (only for you; show it at the partner or enter it at checkout).', zh: '"{title}"的优惠码：{code}（仅限本人使用，结账时出示或输入）。' },
  private_only: { en: 'Coupon codes are personal, so I only hand them out in a private chat (the web chat or a DM). Type "{prefix}claim {id}" there.', zh: '优惠码仅限本人使用，只在私聊（网页聊天或私信）中发放。请在那里输入"{prefix}claim {id}"。' },
  which: { en: 'Which coupon? Ask me for coupons first, then "{prefix}claim 1" takes the first one.', zh: '要领哪张券？先问我优惠券，然后输入"{prefix}claim 1"领取第一张。' },
  unknown_item: { en: "That coupon isn't available any more.", zh: '这张优惠券已下架。' },
  held: { en: 'You already have a code for "{title}": {code} (only for you; show it at the partner or enter it at checkout).', zh: '你已经领过"{title}"的优惠码：{code}（仅限本人使用，结账时出示或输入）。' },
  my_codes: { en: 'Your coupon codes (only for you):\n{list}', zh: '你的优惠码（仅限本人使用）：\n{list}' },
  no_codes: { en: 'You have not claimed any coupon codes yet. Ask me for coupons, then tap "Claim code" or type "{prefix}claim 1".', zh: '你还没有领取过优惠码。先问我优惠券，然后点"领取优惠码"或输入"{prefix}claim 1"。' },
  codes_private: { en: 'Your codes are personal, so I only list them in a private chat (the web chat or a DM). Type "{prefix}mycodes" there.', zh: '优惠码仅限本人使用，只在私聊（网页聊天或私信）中列出。请在那里输入"{prefix}mycodes"。' },
  used: { en: 'used', zh: '已使用' },
  not_a_coupon: { en: 'That is not a coupon.', zh: '这不是优惠券。' },
  expired: { en: 'Sorry, that coupon has expired.', zh: '抱歉，这张优惠券已过期。' },
  limit_reached: { en: "You've already claimed this coupon as many times as allowed.", zh: '你已达到这张优惠券的领取上限。' },
  out_of_stock: { en: 'Sorry, that coupon just ran out.', zh: '抱歉，这张优惠券已经领完了。' },
  request_id_conflict: { en: 'Something went wrong with that request; please try again.', zh: '请求出错了，请重试。' },
};

export const FAQ_TEXT = {
  source: { en: 'From our FAQ: "{title}"', zh: '来自常见问题：「{title}」' },
  choices: { en: "I'm not sure which of these you mean:", zh: '不太确定你问的是哪一个：' },
  pick: { en: 'Reply {numbers} to pick one, or {human} for a person.', zh: '回复 {numbers} 选择，或回复 {human} 转人工。' },
  gone: { en: 'That FAQ entry was just removed. Ask again, or say "talk to a human".', zh: '这条常见问题刚被删除了。请重新提问，或说"转人工"。' },
} as const;

export const HANDOFF_TEXT = {
  sorry: { en: 'Sorry about that. ', zh: '抱歉给你带来不便。' },
  in_line: { en: "You're number {n} in line; an agent will join here.", zh: '你排在第 {n} 位，客服会在这里加入对话。' },
  still_in_line: { en: "You're still in line (number {n}); an agent will join here. I can keep answering questions meanwhile.", zh: '你仍在排队（第 {n} 位），客服会在这里加入对话。在此期间我可以继续回答问题。' },
  nobody_online: {
    en: 'No agent is online right now, so you are in the queue (number {n}). Leave your email and a short message, for example "my email is ana@example.com, I was charged twice", and we will write back.',
    zh: '目前没有客服在线，你已进入排队（第 {n} 位）。请留下邮箱和简短留言，例如"我的邮箱是 ana@example.com，我被重复扣款了"，我们会邮件回复你。',
  },
  elsewhere: { en: 'A person can help you on our support page: {url}', zh: '请到我们的客服页面联系工作人员：{url}' },
  elsewhere_no_url: { en: 'A person can help you in the web chat on our site.', zh: '请到我们网站的网页聊天联系工作人员。' },
  left_queue: { en: "OK, you're out of the queue. I'm still here if you need anything.", zh: '好的，你已退出排队。有需要随时找我。' },
  contact_saved: { en: 'Thanks! An agent will write to {email}. You can keep chatting here meanwhile.', zh: '谢谢！客服会发邮件到 {email}。在此期间你可以继续在这里聊天。' },
} as const;

export const PRIVACY_TEXT = {
  confirm: {
    en: 'This deletes your messages, conversations and name here, and what you clicked or claimed. Coupon codes you hold stay valid but are no longer linked to you. It cannot be undone. Reply "yes" to delete.',
    zh: '这会删除你在这里的消息、对话、昵称以及点击和领取记录。已领取的优惠码仍然有效，但不再与你关联。删除后无法恢复。回复"是"确认删除。',
  },
  done: { en: 'Done: your data is deleted ({messages} messages). If you write again, I start from scratch.', zh: '已删除你的数据（{messages} 条消息）。如果你再发消息，我会从头开始。' },
  kept: { en: 'OK, nothing was deleted.', zh: '好的，没有删除任何内容。' },
} as const;

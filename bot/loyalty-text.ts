type Lang = 'en' | 'zh';

/** What the loyalty stage says, in English and Chinese. `{name}` placeholders are filled per message. */
export const LOYALTY_TEXT = {
  balance: { en: 'You have {points} points.', zh: '你有 {points} 积分。' },
  checked_in: { en: 'Checked in: +{points} points (day {streak} of your streak). You have {balance}.', zh: '签到成功：+{points} 积分（连续第 {streak} 天），现有 {balance} 积分。' },
  already: { en: "You've already checked in today (streak: {streak} days). You have {balance} points.", zh: '今天已经签到过了（连续 {streak} 天），现有 {balance} 积分。' },
  rewards: { en: 'Rewards: {list}. Redeem in a private chat with "{prefix}redeem <id>". You have {balance} points.', zh: '可兑换：{list}。请在私聊中输入"{prefix}redeem 编号"兑换，你现有 {balance} 积分。' },
  no_rewards: { en: 'No rewards to redeem here yet. You have {balance} points.', zh: '这里暂时没有可兑换的奖励，你现有 {balance} 积分。' },
  private_only: { en: 'Reward codes are personal, so I only hand them out in a private chat (the web chat or a DM). Type "{prefix}redeem {id}" there.', zh: '兑换码仅限本人使用，只在私聊（网页聊天或私信）中发放。请在那里输入"{prefix}redeem {id}"。' },
  redeemed: { en: 'Redeemed "{reward}" for {price} points: {code} (only for you). You have {balance} points left.', zh: '已用 {price} 积分兑换"{reward}"：{code}（仅限本人使用），剩余 {balance} 积分。' },
  unknown_reward: { en: 'There is no reward "{id}". Type "{prefix}redeem" to see the list.', zh: '没有编号为"{id}"的奖励，输入"{prefix}redeem"查看列表。' },
  out_of_stock: { en: 'Sorry, "{id}" just ran out.', zh: '抱歉，"{id}"已经兑完了。' },
  insufficient: { en: 'You need {price} points for that and have {balance}.', zh: '兑换需要 {price} 积分，你现有 {balance} 积分。' },
  coupon_unavailable: { en: "Sorry, that reward can't be issued to you right now (expired or already claimed as often as allowed). No points were taken.", zh: '抱歉，这个奖励暂时无法发放（已过期或已达领取上限），积分未扣除。' },
  request_id_conflict: { en: 'Something went wrong with that request; please try again.', zh: '请求出错了，请重试。' },
  admin_usage: { en: 'Usage: {prefix}points grant|revoke @user <n> <reason>', zh: '用法：{prefix}points grant|revoke @用户 数量 原因' },
  admin_unknown_user: { en: "I don't know {target} here yet (they need to have chatted with me).", zh: '还不认识 {target}（对方需要先和我说过话）。' },
  admin_done: { en: '{target} now has {balance} points ({delta}).', zh: '{target} 现在有 {balance} 积分（{delta}）。' },
  admin_insufficient: { en: "{target} has only {balance} points; balances can't go below zero.", zh: '{target} 只有 {balance} 积分，余额不能为负。' },
  disabled: { en: 'Points are switched off in this channel.', zh: '本频道未开启积分功能。' },
} as const satisfies Record<string, Record<Lang, string>>;

export function loyaltyText(key: keyof typeof LOYALTY_TEXT, lang: Lang, vars: Record<string, string | number>): string {
  return LOYALTY_TEXT[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

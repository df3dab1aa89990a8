// The chat page's own words (labels, status lines) in English and Chinese. The bot's replies
// come from the server in the visitor's language; these are only the page around them.
// Plain ES module, no build step; used by chat.js and the console pages.

export const PAGE_TEXT = {
  en: {
    title: 'crossfeed chat',
    tagline: 'Questions about courses, coupons or insurance? Ask away.',
    placeholder: 'Type a message and press Enter',
    yourMessage: 'Your message',
    send: 'Send message',
    conversation: 'Conversation',
    typing: 'The assistant is typing',
    connecting: 'connecting…',
    reconnecting: 'reconnecting…',
    connected: 'connected',
    notConnected: 'not connected — your message is kept; reconnecting…',
    somethingWrong: 'Something went wrong. Please try again.',
    you: 'You', assistant: 'Assistant', agent: 'Support agent',
    openChat: 'Open chat', closeChat: 'Close chat',
  },
  zh: {
    title: 'crossfeed 在线咨询',
    tagline: '关于课程、优惠券或保险的问题？尽管问。',
    placeholder: '输入消息，按回车发送',
    yourMessage: '你的消息',
    send: '发送消息',
    conversation: '对话',
    typing: '助手正在输入',
    connecting: '正在连接…',
    reconnecting: '正在重新连接…',
    connected: '已连接',
    notConnected: '未连接：你的消息已保留，正在重新连接…',
    somethingWrong: '出了点问题，请稍后再试。',
    you: '你', assistant: '助手', agent: '客服',
    openChat: '打开聊天', closeChat: '关闭聊天',
  },
};

/** The agent console's fixed labels (its live notices come from the server). */
export const CONSOLE_TEXT = {
  en: {
    consoleTitle: 'crossfeed support console', support: 'crossfeed support', faqAdmin: 'FAQ admin', logout: 'Log out',
    conversations: 'Conversations', mine: 'My conversations', waiting: 'Waiting', noConversation: 'No conversation open',
    transcript: 'Transcript', take: 'Take', handBack: 'Hand back to bot', tag: 'Tag', tagPlaceholder: 'tag, e.g. resolved',
    close: 'Close', yourReply: 'Your reply', replyPlaceholder: 'Take the conversation to reply; Enter sends, Shift+Enter for a new line',
    sendReply: 'Send reply', suggested: 'Suggested answers', suggestedHint: 'From the FAQ, for the visitor\'s last message. Click one to put it in your reply.',
    connecting: 'connecting…', visitor: 'Visitor', assistant: 'Assistant', agent: 'Agent',
    asked: 'asked for a person', misses: 'bot missed repeatedly', frustration: 'sounded frustrated',
  },
  zh: {
    consoleTitle: 'crossfeed 客服控制台', support: 'crossfeed 客服', faqAdmin: 'FAQ 管理', logout: '退出登录',
    conversations: '对话', mine: '我的对话', waiting: '等待中', noConversation: '未打开对话',
    transcript: '对话记录', take: '接手', handBack: '交还给机器人', tag: '标签', tagPlaceholder: '标签，例如 resolved',
    close: '结束', yourReply: '你的回复', replyPlaceholder: '接手对话后即可回复；回车发送，Shift+回车换行',
    sendReply: '发送回复', suggested: '推荐答案', suggestedHint: '来自 FAQ，针对访客的最后一条消息。点击即可放入回复框。',
    connecting: '正在连接…', visitor: '访客', assistant: '助手', agent: '客服',
    asked: '要求人工客服', misses: '机器人多次未理解', frustration: '情绪不满',
  },
};

/** 'en' or 'zh': an explicit choice when it is one of them, else the browser's first preference. */
export function pageLanguage(explicit, languages = navigator.languages || [navigator.language]) {
  if (explicit === 'en' || explicit === 'zh') return explicit;
  for (const l of languages) {
    const tag = String(l || '').toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Fills every element with data-text="key" (text) or data-text-<attr>="key" (that attribute). */
export function applyPageText(lang, root = document, catalogue = PAGE_TEXT) {
  const t = catalogue[lang] || catalogue.en;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('*')) {
    for (const { name, value } of Array.from(el.attributes)) {
      if (!name.startsWith('data-text') || !(value in t)) continue;
      if (name === 'data-text') el.textContent = t[value];
      else el.setAttribute(name.slice('data-text-'.length), t[value]);
    }
  }
  return t;
}

/** A CSS colour a site may set as the accent: #rgb, #rrggbb (or with alpha); anything else is ignored. */
export function safeColour(value) {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(value.trim()) ? value.trim() : '';
}

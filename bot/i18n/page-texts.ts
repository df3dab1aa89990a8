/**
 * The pages' own words (chat page, widget button, agent console, FAQ admin) and the support
 * status lines the chat page pins, in English and Chinese. Part of the message catalogue
 * (bot/i18n/catalogue.ts, keys `page.*`, `console.*`, `admin.*`, `desk.*`), so the key-parity
 * test covers them; the web server serves them to the pages as `/page-catalogue.js`
 * (adapters/web/page-catalogue.ts), generated from this file.
 */
type Lang = 'en' | 'zh';
type Texts = Record<string, Record<Lang, string>>;

/** The chat page (index.html, chat.js) and the widget's button (widget.js). */
export const PAGE_TEXT = {
  title: { en: 'crossfeed chat', zh: 'crossfeed 在线咨询' },
  tagline: { en: 'Questions about courses, coupons or insurance? Ask away.', zh: '关于课程、优惠券或保险的问题？尽管问。' },
  placeholder: { en: 'Type a message and press Enter', zh: '输入消息，按回车发送' },
  yourMessage: { en: 'Your message', zh: '你的消息' },
  send: { en: 'Send message', zh: '发送消息' },
  conversation: { en: 'Conversation', zh: '对话' },
  typing: { en: 'The assistant is typing', zh: '助手正在输入' },
  connecting: { en: 'connecting…', zh: '正在连接…' },
  reconnecting: { en: 'reconnecting…', zh: '正在重新连接…' },
  connected: { en: 'connected', zh: '已连接' },
  notConnected: { en: 'not connected — your message is kept; reconnecting…', zh: '未连接：你的消息已保留，正在重新连接…' },
  somethingWrong: { en: 'Something went wrong. Please try again.', zh: '出了点问题，请稍后再试。' },
  you: { en: 'You', zh: '你' },
  assistant: { en: 'Assistant', zh: '助手' },
  agent: { en: 'Support agent', zh: '客服' },
  openChat: { en: 'Open chat', zh: '打开聊天' },
  closeChat: { en: 'Close chat', zh: '关闭聊天' },
} satisfies Texts;

/** The agent console (agent.html, agent.js). */
export const CONSOLE_TEXT = {
  consoleTitle: { en: 'crossfeed support console', zh: 'crossfeed 客服控制台' },
  support: { en: 'crossfeed support', zh: 'crossfeed 客服' },
  faqAdmin: { en: 'FAQ admin', zh: 'FAQ 管理' },
  logout: { en: 'Log out', zh: '退出登录' },
  conversations: { en: 'Conversations', zh: '对话' },
  mine: { en: 'My conversations', zh: '我的对话' },
  waiting: { en: 'Waiting', zh: '等待中' },
  noConversation: { en: 'No conversation open', zh: '未打开对话' },
  transcript: { en: 'Transcript', zh: '对话记录' },
  take: { en: 'Take', zh: '接手' },
  handBack: { en: 'Hand back to bot', zh: '交还给机器人' },
  tag: { en: 'Tag', zh: '标签' },
  tagPlaceholder: { en: 'tag, e.g. resolved', zh: '标签，例如 resolved' },
  close: { en: 'Close', zh: '结束' },
  yourReply: { en: 'Your reply', zh: '你的回复' },
  replyPlaceholder: { en: 'Take the conversation to reply; Enter sends, Shift+Enter for a new line', zh: '接手对话后即可回复；回车发送，Shift+回车换行' },
  sendReply: { en: 'Send reply', zh: '发送回复' },
  suggested: { en: 'Suggested answers', zh: '推荐答案' },
  suggestedHint: { en: "From the FAQ, for the visitor's last message. Click one to put it in your reply.", zh: '来自 FAQ，针对访客的最后一条消息。点击即可放入回复框。' },
  connecting: { en: 'connecting…', zh: '正在连接…' },
  live: { en: 'live', zh: '在线' },
  reconnecting: { en: 'reconnecting…', zh: '正在重新连接…' },
  visitor: { en: 'Visitor', zh: '访客' },
  assistant: { en: 'Assistant', zh: '助手' },
  agent: { en: 'Agent', zh: '客服' },
  asked: { en: 'asked for a person', zh: '要求人工客服' },
  misses: { en: 'bot missed repeatedly', zh: '机器人多次未理解' },
  frustration: { en: 'sounded frustrated', zh: '情绪不满' },
  all: { en: 'all', zh: '全选' },
  dismissSelected: { en: 'Dismiss selected', zh: '忽略所选' },
  dismissSelectedN: { en: 'Dismiss selected ({n})', zh: '忽略所选（{n}）' },
  dismissConfirmOne: { en: 'Dismiss 1 waiting request? The visitor stays with the assistant.', zh: '忽略 1 个等待中的请求？访客会继续由助手接待。' },
  dismissConfirm: { en: 'Dismiss {n} waiting requests? The visitors stay with the assistant.', zh: '忽略 {n} 个等待中的请求？访客会继续由助手接待。' },
  dismissFailed: { en: 'Could not dismiss.', zh: '忽略失败。' },
  dismissed: { en: 'Dismissed {n}.', zh: '已忽略 {n} 个。' },
  selectOne: { en: 'Select {name}', zh: '选择 {name}' },
  waitingFor: { en: 'waiting {time}', zh: '已等待 {time}' },
  takenFor: { en: 'taken {time}', zh: '已接手 {time}' },
  justNow: { en: 'just now', zh: '刚刚' },
  seconds: { en: '{n} s', zh: '{n} 秒' },
  minutes: { en: '{n} min', zh: '{n} 分钟' },
  hoursMinutes: { en: '{h} h {m} min', zh: '{h} 小时 {m} 分钟' },
  useSuggestion: { en: 'Take the conversation to use a suggestion.', zh: '接手对话后才能使用推荐答案。' },
  stateWaiting: { en: 'Waiting for an agent', zh: '等待客服' },
  stateMine: { en: 'You own this conversation', zh: '由你负责的对话' },
  stateTakenBy: { en: 'Taken by {owner}', zh: '已由 {owner} 接手' },
  anotherAgent: { en: 'another agent', zh: '其他客服' },
  stateBot: { en: 'With the bot', zh: '由机器人接待' },
  stateClosed: { en: 'Closed', zh: '已结束' },
  openFailed: { en: 'Could not open the conversation.', zh: '无法打开对话。' },
  conversationN: { en: 'Conversation {id}', zh: '对话 {id}' },
  failed: { en: 'Failed ({status}).', zh: '操作失败（{status}）。' },
  replyTooLong: { en: 'A reply is at most {n} characters.', zh: '回复最多 {n} 个字符。' },
  loginTitle: { en: 'crossfeed support · log in', zh: 'crossfeed 客服 · 登录' },
  loginTagline: { en: 'Agents and admins log in here.', zh: '客服和管理员在这里登录。' },
  loginError: { en: 'Wrong username or password.', zh: '用户名或密码错误。' },
  username: { en: 'Username', zh: '用户名' },
  password: { en: 'Password', zh: '密码' },
  login: { en: 'Log in', zh: '登录' },
} satisfies Texts;

/** The FAQ admin page (admin.html, admin.js). */
export const ADMIN_TEXT = {
  title: { en: 'crossfeed FAQ admin', zh: 'crossfeed FAQ 管理' },
  heading: { en: 'FAQ knowledge base', zh: 'FAQ 知识库' },
  console: { en: 'Console', zh: '控制台' },
  addEntry: { en: 'Add an entry', zh: '新增条目' },
  editEntry: { en: 'Edit {id}', zh: '编辑 {id}' },
  id: { en: 'Id', zh: '编号' },
  questions: { en: 'Questions', zh: '问题' },
  questionsPlaceholder: { en: 'One phrasing per line', zh: '每行一种问法' },
  answer: { en: 'Answer', zh: '回答' },
  tags: { en: 'Tags', zh: '标签' },
  tagsPlaceholder: { en: 'comma-separated: billing, refunds', zh: '用逗号分隔：billing, refunds' },
  language: { en: 'Language', zh: '语言' },
  lang: { en: 'Lang', zh: '语言' },
  save: { en: 'Save', zh: '保存' },
  newEntry: { en: 'New entry', zh: '新条目' },
  entries: { en: 'Entries', zh: '条目' },
  edit: { en: 'Edit', zh: '编辑' },
  delete: { en: 'Delete', zh: '删除' },
  deleteConfirm: { en: 'Delete {id}?', zh: '删除 {id}？' },
  deleteFailed: { en: 'Delete failed ({status}).', zh: '删除失败（{status}）。' },
  loadFailed: { en: 'Could not load entries ({status}).', zh: '无法加载条目（{status}）。' },
  exists: { en: 'An entry "{id}" exists already; use its Edit button to change it.', zh: '条目"{id}"已存在；请用它的"编辑"按钮修改。' },
  saveFailed: { en: 'Save failed ({status}).', zh: '保存失败（{status}）。' },
  saved: { en: 'Saved {id}. The bot uses it within seconds.', zh: '已保存 {id}。机器人几秒内就会使用它。' },
} satisfies Texts;

/**
 * What the server tells the chat page about the chat itself: the support status line pinned above
 * the composer (sent by the agent desk) and the socket's notices (too fast, busy, starting).
 */
export const DESK_TEXT = {
  waiting: { en: "You're number {n} in line.", zh: '你排在第 {n} 位。' },
  taken: { en: 'An agent joined the conversation.', zh: '客服已加入对话。' },
  bot: { en: 'The agent handed you back to the assistant.', zh: '客服已把对话交还给助手。' },
  closed: { en: 'The agent closed the conversation. Thanks for reaching out!', zh: '客服已结束对话。感谢你的咨询！' },
  rate_limited: { en: 'You are sending messages very fast. Please wait a moment.', zh: '你发消息太快了，请稍等一下。' },
  busy: { en: 'We are very busy right now. Please try again in a moment.', zh: '现在咨询的人很多，请稍后再试。' },
  starting: { en: 'The assistant is still starting. Please try again in a moment.', zh: '助手还在启动，请稍后再试。' },
  refused: {
    en: 'Too many people on your network are already waiting for an agent, so this request was not queued. Please try again later.',
    zh: '你所在网络已有太多人在等待客服，这次请求没有排队。请稍后再试。',
  },
} satisfies Texts;

/** The sections the pages load, by the catalogue prefix their keys carry. */
export const PAGE_SECTIONS = { page: PAGE_TEXT, console: CONSOLE_TEXT, admin: ADMIN_TEXT, desk: DESK_TEXT } as const;

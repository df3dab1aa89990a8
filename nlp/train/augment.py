"""Chat-style data augmentation and a few slot templates, applied on the fly during training.

Every augmentation works on (text, spans) and keeps entity spans aligned, so the same augmented
sample trains both the intent model and the entity model. Nothing here is written to the YAML:
the YAML holds only hand-written examples.
"""
from __future__ import annotations

import random
import re

from nlu_data import Span, parse_marked

CJK_RE = re.compile(r"[\u3400-\u9fff]")

EMOTES = ["Kappa", "LUL", "PogChamp", "KEKW", "OMEGALUL", "Pog", "monkaS", "Sadge", "4Head", "LULW",
          "catJAM", "Kreygasm", "BibleThump", "ResidentSleeper", "pepeLaugh", "EZ", "Clap", "POGGERS",
          "😂", "🙏", "😭", "🔥", "💀", "👀", "❤️", "👍", "🤣", "😅", ":)", ":D", "xD", "<3", "lol", "lmao",
          "haha", "哈哈", "哈哈哈", "233", "hh", "!!", "??", "...", "pls", "plz", "bro", "ngl", "fr"]
MENTIONS = ["@crossfeed", "@crossfeed", "@crossfeed", "@Crossfeed", "@CrossFeed", "crossfeed", "@crossfeed:",
            "@crossfeed,"]
KEYBOARD = {c: n for c, n in zip(
    "qwertyuiopasdfghjklzxcvbnm",
    ["wa", "qes", "wrd", "etf", "ryg", "tuh", "yij", "uok", "ipl", "ol", "qsz", "awdx", "sefc", "drgv",
     "fthb", "gyjn", "hukm", "jil", "kop", "asx", "zsdc", "xdfv", "cfgb", "vghn", "bhjm", "njk"])}

SLOTS = {
    "topic_en": ["python", "javascript", "web dev", "data science", "machine learning", "sql", "c++", "rust",
                 "unity", "unreal engine", "game dev", "video editing", "obs", "streaming", "photography",
                 "cooking", "baking", "investing", "personal finance", "japanese", "korean", "spanish",
                 "chess", "valorant", "music production", "graphic design", "excel", "guitar", "drawing",
                 "public speaking", "3d modeling", "blender", "react", "pandas", "typescript", "go", "kotlin"],
    "topic_zh": ["python", "机器学习", "数据分析", "前端", "后端", "游戏开发", "视频剪辑", "摄影", "烘焙", "做饭",
                 "理财", "投资", "日语", "韩语", "英语", "直播", "平面设计", "编曲", "吉他", "画画", "java", "sql",
                 "人工智能", "深度学习", "室内设计", "股票", "英雄联盟", "速通", "剪辑", "excel", "ps"],
    "level_en": ["beginner", "beginners", "total beginner", "noob", "newbie", "intermediate", "advanced",
                 "expert", "pro level", "from scratch"],
    "level_zh": ["入门", "零基础", "新手", "小白", "进阶", "高级", "中级", "基础"],
    "budget_en": ["under $20", "below $50", "under 30 bucks", "less than $100", "free", "around $40",
                  "max $25", "under €30", "under £20", "$15", "for 10 dollars", "cheap-ish, under $35"],
    "budget_zh": ["100块以内", "50元以下", "免费", "200以内", "三百块以内", "100元左右", "不超过50块", "80块以内"],
    "language_en": ["english", "chinese", "spanish", "japanese", "korean", "french", "german", "mandarin"],
    "language_zh": ["中文", "英文", "英语", "日语", "粤语", "韩语"],
    "location_en": ["brooklyn", "queens", "manhattan", "toronto", "london", "paris", "berlin", "tokyo", "osaka",
                    "seoul", "sydney", "melbourne", "chicago", "seattle", "austin", "miami", "denver", "boston",
                    "la", "nyc", "sf", "vancouver", "montreal", "singapore", "hong kong", "taipei", "dallas",
                    "the bronx", "jersey city", "oakland", "san diego", "amsterdam", "madrid", "dublin"],
    "location_zh": ["上海", "北京", "深圳", "广州", "杭州", "成都", "南京", "武汉", "西安", "重庆", "苏州", "厦门",
                    "长沙", "天津", "香港", "台北", "东京", "首尔", "纽约", "伦敦", "巴黎", "朝阳区", "浦东"],
    "cuisine_en": ["ramen", "sushi", "pizza", "burgers", "tacos", "pho", "bbq", "hotpot", "dim sum", "thai food",
                   "indian food", "bubble tea", "fried chicken", "wings", "dumplings", "bagels", "poke",
                   "korean bbq", "kebab", "noodles", "coffee", "donuts", "steak", "vegan food", "curry"],
    "cuisine_zh": ["火锅", "烧烤", "奶茶", "寿司", "拉面", "披萨", "汉堡", "麻辣烫", "串串", "小龙虾", "饺子",
                   "烤肉", "炸鸡", "咖啡", "螺蛳粉", "烤鸭", "日料", "韩餐", "甜品", "面条"],
    "brand_en": ["starbucks", "mcdonalds", "kfc", "doordash", "uber eats", "steam", "razer", "logitech", "nike",
                 "adidas", "spotify", "amazon", "udemy", "coursera", "subway", "dominos", "chipotle",
                 "grubhub", "corsair", "hyperx", "nordvpn", "epic games", "target", "walmart", "best buy"],
    "brand_zh": ["瑞幸", "美团", "饿了么", "淘宝", "京东", "喜茶", "肯德基", "麦当劳", "星巴克", "拼多多",
                 "必胜客", "蜜雪冰城", "霸王茶姬", "雷蛇", "罗技", "网易云", "b站", "滴滴"],
    "game_en": ["valorant", "league", "cs2", "dota 2", "fortnite", "minecraft", "apex", "overwatch",
                "elden ring", "genshin", "pubg", "roblox", "gta", "zelda", "rocket league", "tarkov",
                "warzone", "hades", "hollow knight", "rust", "among us", "lethal company"],
    "game_zh": ["原神", "王者荣耀", "英雄联盟", "和平精英", "永劫无间", "我的世界", "瓦", "金铲铲", "蛋仔派对",
                "崩坏星穹铁道", "第五人格", "吃鸡"],
    "insurance_type_en": ["travel", "health", "pet", "car", "auto", "renters", "home", "life", "dental",
                          "phone", "accident", "motorcycle", "travel medical", "term life"],
    "insurance_type_zh": ["旅游", "旅行", "医疗", "宠物", "车", "意外", "重疾", "寿", "牙科", "健康", "手机碎屏"],
    "age_zh": ["十八", "二十", "二十五", "三十", "三十五", "四十", "五十", "六十"],
}

TEMPLATES = {
    "recommend_course": [
        "any {level} {topic} course?", "recommend a {topic} course {budget}", "i want to learn {topic}",
        "got a {topic} course for a {level}?", "@crossfeed {topic} course pls", "best {topic} course {budget}?",
        "{topic} course in {language}?", "where do i learn {topic}", "suggest me a {level} {topic} class",
        "有没有{topic}{level}课", "想学{topic}，有课吗", "推荐{budget}的{topic}课", "{level}学{topic}推荐什么课",
        "有{language}的{topic}课吗", "求推荐{topic}课程", "any {topic}课推荐",
    ],
    "get_coupon": [
        "any {cuisine} coupons in {location}?", "{brand} promo code?", "deals on {game} skins?",
        "coupon for {brand} pls", "{cuisine} deals near {location}", "got any {brand} discount",
        "{location}有{cuisine}券吗", "{brand}有优惠券吗", "有没有{game}的折扣", "求{cuisine}优惠券",
        "{brand}的券有吗 {location}",
    ],
    "ask_insurance": [
        "need {insurance_type} insurance, i'm {age}", "{insurance_type} insurance in {location}?",
        "how much is {insurance_type} insurance for a {age} year old", "any {insurance_type} insurance {budget}",
        "我{age}岁，想买{insurance_type}险", "{insurance_type}险有推荐吗", "在{location}买{insurance_type}险多少钱",
    ],
    "oos": [
        "{game} is so broken rn", "that {game} match was insane", "anyone else play {game}?",
        "i learned {topic} in school lol", "my {topic} teacher was so boring", "i failed {topic} twice",
        "i took a {topic} course in college lol", "my friend is doing a {topic} course", "{topic} class was boring today",
        "我之前学过{topic}", "我在上{topic}课 好累", "买了{topic}课还没看",
        "my {insurance_type} insurance went up again", "just ate {cuisine} lol", "{cuisine} for dinner again",
        "streamer should play {game}", "{game} players be like", "who's watching from {location}",
        "{brand} ads everywhere smh", "play {game} next", "{game}启动", "今天吃{cuisine}", "我在{location}看直播",
        "主播玩{game}吗", "{game}太难了", "我大学学的{topic}", "刚吃完{cuisine}", "{brand}又涨价了",
        "{game} {game} {game}", "this game is a course in pain", "imagine needing a course for {game} lol",
    ],
}
NOISE = ["KEKW", "LUL", "Kappa", "PogChamp", "OMEGALUL", "Pog", "W", "L", "gg", "ez", "lol", "lmao", "😂", "💀",
         "🔥", "666", "哈哈哈", "草", "2333", "?", "!!!", "xd", "monkaS", "catJAM", "Sadge", "前排", "来了"]


def is_cjk(s: str) -> bool:
    return bool(CJK_RE.search(s))


def pick_slot(rng, label, zh):
    if label == "age":
        return rng.choice(SLOTS["age_zh"]) if zh and rng.random() < 0.3 else str(rng.randint(16, 80))
    return rng.choice(SLOTS[f"{label}_{'zh' if zh else 'en'}"])


def fill_template(rng, tpl):
    zh = is_cjk(tpl)

    def rep(m):
        label = m.group(1)
        return f"[{pick_slot(rng, label, zh and rng.random() < 0.85)}]({label})"

    return parse_marked(re.sub(r"\{(\w+)\}", rep, tpl))


def synthetic(rng, intent):
    if intent == "oos" and rng.random() < 0.35:
        k = rng.randint(1, 6)
        base = rng.choice(NOISE)
        words = [base if rng.random() < 0.6 else rng.choice(NOISE) for _ in range(k)]
        r = rng.random()
        if r < 0.1:
            return str(rng.randint(0, 99999)), []
        if r < 0.15:
            return rng.choice(["https://", "www.", "twitch.tv/", "youtu.be/"]) + "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(4, 12))), []
        if r < 0.25:
            return rng.choice(["哈", "6", "啊", "草", "h", "w", "1", "?"]) * rng.randint(2, 12), []
        return " ".join(words), []
    return fill_template(rng, rng.choice(TEMPLATES[intent]))


def _pool_from_examples(examples):
    pools = {}
    for e in examples:
        for s in e.spans:
            key = (s.label, is_cjk(s.text))
            pools.setdefault(key, set()).add(s.text)
    return {k: sorted(v) for k, v in pools.items()}


class Augmenter:
    def __init__(self, train_examples, topic_phrases, seed):
        self.rng = random.Random(seed)
        self.pools = _pool_from_examples(train_examples)
        for zh in (False, True):
            for label in ("topic", "level", "budget", "language", "location", "cuisine", "brand", "game",
                          "insurance_type"):
                extra = SLOTS[f"{label}_{'zh' if zh else 'en'}"]
                self.pools[(label, zh)] = sorted(set(self.pools.get((label, zh), [])) | set(extra))
        for p in topic_phrases:
            self.pools[("topic", is_cjk(p))] = sorted(set(self.pools[("topic", is_cjk(p))]) | {p})

    # --- span-preserving edits -------------------------------------------------------------
    @staticmethod
    def _to_chars(text, spans):
        owner = [-1] * len(text)
        for k, s in enumerate(spans):
            for i in range(s.start, s.end):
                owner[i] = k
        return list(zip(text, owner))

    @staticmethod
    def _from_chars(chars, spans):
        text = "".join(c for c, _ in chars)
        new = []
        for k, s in enumerate(spans):
            idx = [i for i, (_, o) in enumerate(chars) if o == k]
            if not idx:
                continue
            a, b = idx[0], idx[-1] + 1
            new.append(Span(a, b, s.label, s.value, text[a:b]))
        return text, new

    def swap_slots(self, text, spans, p=0.4):
        if not spans:
            return text, spans
        out, new, pos = [], [], 0
        for s in sorted(spans, key=lambda s: s.start):
            out.append(text[pos:s.start])
            rep = s.text
            if s.label == "age" and self.rng.random() < p:
                rep = str(self.rng.randint(16, 80)) if s.text.isdigit() or not is_cjk(s.text) else s.text
            elif self.rng.random() < p:
                zh = is_cjk(s.text) if self.rng.random() < 0.85 else not is_cjk(s.text)
                pool = self.pools.get((s.label, zh)) or self.pools.get((s.label, not zh))
                if pool:
                    rep = self.rng.choice(pool)
                    if s.text[:1].isupper() and self.rng.random() < 0.5:
                        rep = rep[:1].upper() + rep[1:]
            start = sum(len(x) for x in out)
            out.append(rep)
            new.append(Span(start, start + len(rep), s.label, None, rep))
            pos = s.end
        out.append(text[pos:])
        return "".join(out), new

    def typos(self, text, spans, n):
        chars = self._to_chars(text, spans)
        for _ in range(n):
            cand = [i for i, (c, _) in enumerate(chars) if c.isascii() and c.isalpha()]
            if not cand:
                break
            i = self.rng.choice(cand)
            op = self.rng.random()
            c, o = chars[i]
            if op < 0.3 and len(chars) > 3:
                del chars[i]
            elif op < 0.5:
                chars.insert(i, (c, o))
            elif op < 0.75 and i + 1 < len(chars) and chars[i + 1][1] == o and chars[i + 1][0].isalpha():
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            elif c.lower() in KEYBOARD:
                chars[i] = (self.rng.choice(KEYBOARD[c.lower()]), o)
        return self._from_chars(chars, spans)

    def insert_at(self, text, spans, piece, where):
        """where: 'start' | 'end' | 'middle' (at a word boundary outside of spans)."""
        if where == "start":
            pos, add = 0, piece + " "
        elif where == "end":
            pos, add = len(text), ("" if text.endswith(" ") else " ") + piece
        else:
            bounds = [i for i, c in enumerate(text) if c == " " and not any(s.start < i < s.end for s in spans)]
            if not bounds:
                return self.insert_at(text, spans, piece, "start")
            pos, add = self.rng.choice(bounds), " " + piece
        shifted = [Span(s.start + (len(add) if s.start >= pos else 0), s.end + (len(add) if s.start >= pos else 0),
                        s.label, s.value, s.text) for s in spans]
        return text[:pos] + add + text[pos:], shifted

    def __call__(self, text, spans, intent):
        r = self.rng
        text, spans = self.swap_slots(text, spans)
        if r.random() < 0.2:
            where = r.choices(["start", "middle", "end"], [0.65, 0.2, 0.15])[0]
            text, spans = self.insert_at(text, spans, r.choice(MENTIONS), where)
        if r.random() < 0.25:
            text, spans = self.typos(text, spans, r.choice([1, 1, 2, 3]))
        if r.random() < 0.15:
            text, spans = self.insert_at(text, spans, " ".join(r.choice(EMOTES) for _ in range(r.randint(1, 3))),
                                         "end")
        if r.random() < 0.04:
            text, spans = self.insert_at(text, spans, r.choice(EMOTES), "start")
        if r.random() < 0.1 and text and text[-1] in "?!.。？！":
            text = text[:-1]
        return text, spans, intent

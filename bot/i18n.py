"""The bot's own strings, in English and Chinese, chosen from Telegram's ``language_code`` (others get English)."""

from __future__ import annotations

from typing import Any

DEFAULT = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "hello": "Hi!",
        "hello_name": "Hi {name}!",
        "greeting": (
            "{hello} I'm your fashion shopping assistant.\n"
            "Tell me what you're looking for (\"a black summer dress under 30\"), or send me a photo "
            "of something you like and I'll find look-alikes from our catalog."
        ),
        "help": (
            "<b>What I can do</b>\n"
            "• Describe what you want: \"warm knitted sweater in blue\"\n"
            "• Send a photo (a caption like \"cheaper\" or \"in black\" refines it)\n"
            "• Follow up: \"cheaper ones\", \"more like the second one\"\n"
            "• Buttons under products: More like this · Details · Cheaper\n\n"
            "/reset – forget our conversation\n/cancel – stop the current answer\n"
            "/history – your purchases (linked accounts)\n/help – this message"
        ),
        "linked": "Your shop account is now linked. Try /history, or ask me for recommendations just for you.",
        "link_failed": "That link doesn't work (it may have expired or been used already). Please ask the shop for a new one.",
        "reset": "Done, I've forgotten our conversation. What are you looking for?",
        "cancelled": "Stopped.",
        "nothing_to_cancel": "There's nothing to stop right now.",
        "history_unlinked": (
            "Your purchase history is only available once your shop account is linked. "
            "Ask the shop for a personal link. Meanwhile I'm happy to help you find anything!"
        ),
        "history_empty": "I don't see any purchases on your account yet.",
        "history_private_only": "I show purchase history only in a private chat with me: open a chat with @{bot} and send /history.",
        "link_private_only": "Please open your personal link in a private chat with me (@{bot}), not in a group. The link still works there.",
        "history_title": "<b>Your recent purchases</b>",
        "stats_refused": "Sorry, that command isn't available.",
        "unknown_command": "I don't know that command. Try /help.",
        "unsupported": "I can read text and photos only. Describe what you're looking for, or send a photo.",
        "not_image_document": "That file isn't an image. Send a photo (JPEG or PNG) of a garment instead.",
        "too_large": "That image is too large (the limit is 20 MB). Please send a smaller photo.",
        "bad_image": "I couldn't read that image. Please send a normal photo (JPEG or PNG).",
        "download_failed": "I couldn't download your photo, please send it again.",
        "msg_quoted": "your message “{quote}”",
        "msg_photo": "your photo",
        "msg_photo_quoted": "your photo “{quote}”",
        "msg_button": "your button press",
        "msg_button_quoted": "your press on “{quote}”",
        "restart_resumed": "Sorry for the wait: I was restarted while working on {what}. Here is my answer.",
        "restart_lost": "Sorry, I was restarted and couldn't finish my answer to {what}. Please send it again.",
        "empty_text": "Tell me what you're looking for, e.g. \"red dress for a wedding\".",
        "too_long": "That message is too long for me. Please keep it under {limit} characters.",
        "edited": "I only read new messages. Please send your change as a new message.",
        "rate_limited": "You're sending messages a little fast. Give me a moment and try again in {seconds} s.",
        "queued": "One moment, I'm still working on your previous message.",
        "busy": "I'm still working on your earlier messages and can't take more right now. Please send this again once I've answered.",
        "error": "Sorry, something went wrong on my side. Please try again.",
        "no_results": "I couldn't find matching products. Try describing it differently?",
        "stale_button": "This button has expired. Send me a new message and I'll show fresh results.",
        "gone": "Sorry, that item is no longer in the catalog.",
        "no_cheaper": "I couldn't find a similar item that is cheaper.",
        "no_similar": "I couldn't find similar items.",
        "btn_more": "More like this",
        "btn_details": "Details",
        "btn_cheaper": "Cheaper",
        "pick": "Tap a button for more on an item:",
        "price": "Price",
        "article": "Article",
        "no_price": "price on request",
        "cmd_start": "Start and greeting",
        "cmd_help": "What I can do",
        "cmd_reset": "Forget our conversation",
        "cmd_history": "My purchases (linked accounts)",
        "cmd_cancel": "Stop the current answer",
    },
    "zh": {
        "hello": "你好！",
        "hello_name": "{name}，你好！",
        "greeting": (
            "{hello}我是你的时尚购物助手。\n"
            "告诉我你想找什么（例如“30元以下的黑色夏季连衣裙”），或者发一张你喜欢的衣服照片，"
            "我会在商品目录里找相似款。"
        ),
        "help": (
            "<b>我能做什么</b>\n"
            "• 描述你想要的：“蓝色保暖针织毛衣”\n"
            "• 发送照片（可以加说明，如“更便宜的”或“黑色的”）\n"
            "• 继续追问：“便宜一点的”“再来几件像第二件的”\n"
            "• 商品下方的按钮：相似款 · 详情 · 更便宜\n\n"
            "/reset – 清除对话\n/cancel – 停止当前回答\n"
            "/history – 我的购买记录（需关联账户）\n/help – 显示本帮助"
        ),
        "linked": "你的商店账户已关联。试试 /history，或者让我为你个性化推荐。",
        "link_failed": "这个链接无效（可能已过期或已被使用）。请向商店索取新的链接。",
        "reset": "好的，我已清除我们的对话。你想找什么？",
        "cancelled": "已停止。",
        "nothing_to_cancel": "现在没有正在进行的回答。",
        "history_unlinked": "关联商店账户后才能查看购买记录。请向商店索取专属链接。在此之前，我也很乐意帮你找任何商品！",
        "history_empty": "你的账户还没有购买记录。",
        "history_private_only": "购买记录只在与我的私聊中显示：请打开与 @{bot} 的私聊并发送 /history。",
        "link_private_only": "请在与我（@{bot}）的私聊中打开你的专属链接，而不是在群组里。链接在私聊中仍然有效。",
        "history_title": "<b>你最近的购买</b>",
        "stats_refused": "抱歉，这个命令不可用。",
        "unknown_command": "我不认识这个命令。试试 /help。",
        "unsupported": "我只能读取文字和照片。请描述你想找的商品，或发送一张照片。",
        "not_image_document": "这个文件不是图片。请发送一张衣服的照片（JPEG 或 PNG）。",
        "too_large": "图片太大了（上限 20 MB）。请发送小一点的照片。",
        "bad_image": "我无法读取这张图片。请发送普通照片（JPEG 或 PNG）。",
        "download_failed": "我没能下载你的照片，请再发送一次。",
        "msg_quoted": "你的消息“{quote}”",
        "msg_photo": "你的照片",
        "msg_photo_quoted": "你的照片“{quote}”",
        "msg_button": "你按的按钮",
        "msg_button_quoted": "你按的“{quote}”按钮",
        "restart_resumed": "抱歉久等了：我在处理{what}时重启了。下面是我的回答。",
        "restart_lost": "抱歉，我重启了，没能完成对{what}的回答。请再发送一次。",
        "empty_text": "告诉我你想找什么，例如“婚礼穿的红色连衣裙”。",
        "too_long": "消息太长了，请控制在 {limit} 个字符以内。",
        "edited": "我只读取新消息。请把修改后的内容作为新消息发送。",
        "rate_limited": "你发得有点快。请稍等 {seconds} 秒再试。",
        "queued": "请稍等，我还在处理你的上一条消息。",
        "busy": "我还在处理你之前的消息，暂时无法接收更多。请在我回复后再发送一次。",
        "error": "抱歉，我这边出了点问题。请再试一次。",
        "no_results": "没有找到匹配的商品。换个说法试试？",
        "stale_button": "这个按钮已过期。请发送新消息，我会给你最新的结果。",
        "gone": "抱歉，这件商品已不在目录中。",
        "no_cheaper": "没有找到更便宜的相似商品。",
        "no_similar": "没有找到相似的商品。",
        "btn_more": "相似款",
        "btn_details": "详情",
        "btn_cheaper": "更便宜",
        "pick": "点击按钮查看商品的更多信息：",
        "price": "价格",
        "article": "货号",
        "no_price": "价格待询",
        "cmd_start": "开始与问候",
        "cmd_help": "我能做什么",
        "cmd_reset": "清除对话",
        "cmd_history": "我的购买记录（需关联账户）",
        "cmd_cancel": "停止当前回答",
    },
}

LANGUAGES = tuple(STRINGS)


def lang_of(language_code: str | None) -> str:
    """Telegram's IETF tag (``zh-hans``, ``en-GB``) → one of LANGUAGES."""
    if not language_code:
        return DEFAULT
    base = language_code.lower().replace("_", "-").split("-")[0]
    return base if base in STRINGS else DEFAULT


def greeting(lang: str, first_name: str | None) -> str:
    """The /start greeting, with the shopper's first name when Telegram gives one."""
    name = (first_name or "").strip()
    hello = t(lang, "hello_name", name=name) if name else t(lang, "hello")
    return t(lang, "greeting", hello=hello)


def t(lang: str, key: str, **kwargs: Any) -> str:
    table = STRINGS.get(lang, STRINGS[DEFAULT])
    text = table.get(key) or STRINGS[DEFAULT][key]
    return text.format(**kwargs) if kwargs else text

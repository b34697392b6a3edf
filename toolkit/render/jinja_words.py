"""Jinja's messages about a broken template, said in Chinese for the pack author who reads them."""

from __future__ import annotations

import re

# Each sentence Jinja writes about a template it cannot parse or render; one not listed stays in Jinja's words.
_SENTENCES = (
    (r"Encountered unknown tag '([^']*)'\.", r"未知的标签 '\1'。"),
    (r"Unexpected end of template\.", "模板意外结束。"),
    (r"Jinja was looking for the following tags: (.*?)\.(?= |$)", r"此处应为以下标签之一：\1。"),
    (r"The innermost block that needs to be closed is '([^']*)'\.", r"最内层尚未关闭的是 '\1'。"),
    (r"^unexpected char (.+) at (\d+)$", r"不应出现的字符 \1（第\2个字符）"),
    (r"^unexpected '([^']*)', expected '([^']*)'$", r"不应出现的 '\1'，应为 '\2'"),
    (r"^unexpected (.+)$", r"不应出现的 \1"),
    (r"^expected token '([^']*)', got '([^']*)'$", r"应为 '\1'，实际为 '\2'"),
    (r"^Expected an expression, got '([^']*)'$", r"应为表达式，实际为 '\1'"),
    (r"^'([^']*)' is undefined$", r"变量 '\1' 未定义"),
    (r"^'([^']*)' has no attribute '([^']*)'$", r"'\1' 中没有 '\2'"),
)
_TOKENS = {
    "'end of print statement'": "“}}”",
    "'end of statement block'": "“%}”",
    "'end of template'": "模板末尾",
    "'name'": "名称",
    "'dict object'": "映射",
    "' or '": "'、'",
}


def in_chinese(message: str) -> str:
    """Say a Jinja syntax or render message in Chinese, sentence by sentence."""
    for pattern, words in _SENTENCES:
        message = re.sub(pattern, words, message)
    for token, words in _TOKENS.items():
        message = message.replace(token, words)
    return message.replace("。 ", "。")

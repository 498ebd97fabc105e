"""Tokens of MLflow's search language: identifiers, quoted keys, strings, numbers, operators."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from mlplane.core.errors import InvalidInput


class TokenType(StrEnum):
    WORD = "word"  # identifier or keyword: metrics.acc, AND, LIKE
    QUOTED_KEY = "quoted key"  # `my key`
    STRING = "string"  # 'text' or "text"
    NUMBER = "number"
    OPERATOR = "operator"
    LEFT = "("
    RIGHT = ")"
    COMMA = ","


@dataclass(frozen=True)
class Token:
    type: TokenType
    text: str
    position: int


_PATTERNS = [
    (TokenType.NUMBER, re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(?![\w.])")),
    (TokenType.WORD, re.compile(r"[A-Za-z_][\w./-]*")),
    (TokenType.OPERATOR, re.compile(r"!=|<>|<=|>=|==|=|<|>")),
    (TokenType.LEFT, re.compile(r"\(")),
    (TokenType.RIGHT, re.compile(r"\)")),
    (TokenType.COMMA, re.compile(r",")),
]
_SPACE = re.compile(r"\s+")
_QUOTES = {"'": TokenType.STRING, '"': TokenType.STRING, "`": TokenType.QUOTED_KEY}


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """A quoted run of text; the quote is escaped by doubling it or by a backslash."""
    quote = text[start]
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
            continue
        if char == quote:
            if index + 1 < len(text) and text[index + 1] == quote:
                chars.append(quote)
                index += 2
                continue
            return "".join(chars), index + 1
        chars.append(char)
        index += 1
    raise InvalidInput(f"filter: the quote opened at character {start + 1} is never closed")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        space = _SPACE.match(text, index)
        if space:
            index = space.end()
            continue
        char = text[index]
        if char in _QUOTES:
            value, end = _read_quoted(text, index)
            token_type = _QUOTES[char]
            # A double-quoted text right after `entity.` names a key, as a backtick does.
            after_entity = tokens and tokens[-1].type is TokenType.WORD
            if char == '"' and after_entity and tokens[-1].text.endswith("."):
                token_type = TokenType.QUOTED_KEY
            tokens.append(Token(token_type, value, index))
            index = end
            continue
        for token_type, pattern in _PATTERNS:
            match = pattern.match(text, index)
            if match:
                tokens.append(Token(token_type, match.group(0), index))
                index = match.end()
                break
        else:
            raise InvalidInput(f"filter: unexpected character {char!r} at position {index + 1}")
    return tokens

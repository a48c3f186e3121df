#!/usr/bin/env python3
"""Writes the seed corpus of the prediction_engine fuzz target.

Each seed is a script in the format described at the top of
prediction_engine.cc. Run from this folder: ./make_seeds.py
"""

import os


def t(data):  # user types
    data = data.encode() if isinstance(data, str) else data
    return b"T" + bytes([len(data)]) + data


def h(data):  # host writes
    data = data.encode() if isinstance(data, str) else data
    return b"H" + bytes([len(data)]) + data


S = b"S"
C = b"C"


def a(n):
    return b"A" + bytes([n])


def w(tens_of_ms):
    return b"W" + bytes([tens_of_ms])


def i(two_ms):
    return b"I" + bytes([two_ms])


def r(cols, rows):
    return b"R" + bytes([cols - 1, rows - 1])


def m(mode):
    return b"M" + bytes([mode])


def e(echo, canonical, foreground=1):  # the server's echo hint
    return b"E" + bytes([(1 if echo else 0) | (2 if canonical else 0), foreground])


NO_HINT = b"E\x04\x00"


SEEDS = {
    "slow_link_typing_confirmed":
        i(75) + h("$ ") + t("l") + S + w(30) + h("l") + a(1) + t("s") + S + w(30) + h("s") + a(2),
    "password_prompt_no_echo":
        i(75) + h("Password: ") + t("a") + S + t("bc") + S + w(30) + a(1) + a(2) + t("d"),
    "backspace_and_arrows":
        i(75) + h("$ ") + t("abc") + S + h("abc") + a(1) + t("\x7f") + t("\x1b[D") +
        t("\x1bOD") + t("\x1b") + t("[C") + S + h("\b \b\b\x1b[C") + a(2),
    "carriage_return_bottom_row_experimental":
        r(10, 3) + m(3) + h("a\r\nb\r\n$ x") + t("\r") + t("ls") + S + h("\r\n") + a(1),
    "paste_over_100_bytes":
        i(75) + h("$ ") + t("x" * 101) + S + t("y") + h("x" * 101 + "y") + a(1) + t("z"),
    "last_column_wrap":
        r(10, 2) + i(75) + h("$ 123456") + t("7") + S + h("7") + a(1) + t("x") + S + h("x") +
        a(2) + t("y"),
    "glitch_long_pending_fast_link":
        i(10) + h("$ ") + t("a") + S + w(25) + C + w(255) + w(255) + C + h("a") + a(1) +
        t("b") + S + w(10) + h("b") + a(2),
    "resize_while_typing":
        i(75) + h("$ ") + t("ab") + S + r(6, 2) + C + t("c") + b"Z" + t("d") + S + a(2),
    "wide_and_utf8_input":
        m(3) + h("$ \xe3\x81\x82b\x1b[3G") + t("x\xc3\xa9") + t("\xe3\x81\x82") +
        t("\xc2\xa0") + t("\xff\xfe"),
    "echo_ack_backwards":
        i(75) + h("$ ") + t("a") + S + a(5) + a(1) + t("b") + S + h("ab") + a(2) + a(0),
    "modes_overwrite_always_never":
        m(1) + b"O" + i(10) + h("$ abc\b\b") + t("X") + S + h("X") + a(1) + t("Y") + m(2) +
        t("Z") + m(0) + b"X" + t("W"),
    "tab_completion_then_typing":
        i(75) + h("$ ") + t("ec") + S + h("ec") + a(1) + t("\t") + S + t("f") + S + t("o") +
        S + h("ho f") + a(3) + t("o") + S + h("oo") + a(5) + t("b"),
    "escape_sequences_and_controls":
        i(75) + h("$ ") + t("\x1b[A\x1b[1;5C\x1bx\x01\x03\t\n") + t("\x1b[") + t("12~") + S +
        a(1),
    "host_resized_before_cull":
        i(75) + h("$ ") + t("ab") + S + r(11, 4) + h("x") + C + t("c"),
    "typing_while_blind_then_replay":
        i(75) + h("$ ") + t("ls") + S + t("\r") + S + t("e") + S + h("ls\r\nfile\r\n$ ") +
        a(2) + t("c") + S + t("h\x1b[D") + S + t("o\x1b") + S + h("e") + a(3) + t("[C") + S +
        h("c") + a(4) + h("h\x08") + a(5) + h("o") + a(6),
    "hint_canonical_echo_first_key_after_enter":
        i(75) + e(True, True) + h("$ ") + t("l") + S + h("l") + a(1) + t("\r") + S +
        h("\r\nfile\r\n$ ") + a(2) + t("e") + S + h("e") + a(3),
    "hint_no_echo_password_then_echo_again":
        i(75) + e(True, True) + h("$ ") + t("read -s\r") + S + h("read -s\r\n") +
        e(False, True) + a(1) + t("hunter2") + S + t("\x7f\x1b[D\r") + S + a(2) +
        e(True, True) + h("\r\n$ ") + a(3) + t("x"),
    "hint_raw_prompt_remembered_then_refuted":
        i(75) + e(False, False, 7) + h("1 $ ") + t("l") + S + h("l") + a(1) + t("\r") + S +
        h("\r\n2 $ ") + a(2) + t("q") + S + h("\a") + a(3) + t("\r") + S + h("\r\n3 $ ") +
        a(4) + t("l") + S + h("l") + a(5),
    "hint_raw_other_program_and_stock_server":
        i(75) + e(False, False, 7) + h("$ ") + t("a") + S + h("a") + a(1) + t("\r") + S +
        h("\r\n$ ") + e(False, False, 9) + a(2) + t("b") + NO_HINT + t("\x03") + S + a(3) +
        t("c"),
    "hint_password_prompt_without_hint":
        m(3) + h("[sudo] password for ann: ") + t("abc") + S + a(1) + t("\r"),
    "one_by_one_screen":
        r(1, 1) + i(75) + t("abc") + S + h("abc") + a(1) + t("\x7f\r\x1b[C\x1b[D") + S + a(2),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "prediction_engine")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the seed corpus of the term_display_diff fuzz target (files land
next to this script under corpus/term_display_diff/). Layout of a seed:
cols, rows, flags (bit 0: resize B), cols2, rows2, then the common history,
0xFF, A's input, 0xFF, B's input."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "term_display_diff")
E = b"\x1b"
SEP = b"\xff"


def seed(cols, rows, common, a, b, resize=None):
    flags, c2, r2 = (1, resize[0] - 2, resize[1] - 1) if resize else (0, 0, 0)
    return bytes([cols - 2, rows - 1, flags, c2, r2]) + common + SEP + a + SEP + b


PROMPT = b"\r\nbash-5.2# "
SEEDS = {
    "echo_and_newline": seed(40, 10, PROMPT, b"", b"echo hi\r\nhi" + PROMPT),
    "scroll_whole_screen": seed(20, 5, b"1\r\n2\r\n3\r\n4\r\n5", b"", b"\r\n6\r\n7"),
    "scroll_region_status_line": seed(20, 6, E + b"[6;1Hstatus" + E + b"[1;5r" + E + b"[5;1H", b"",
                                      b"a\nb\nc\nd\ne\nf"),
    "resize_repaint": seed(30, 8, b"some text\r\nmore", b"x", b"y", resize=(20, 12)),
    "wrapped_lines": seed(10, 4, b"", b"short", b"a line that wraps across rows"),
    "wide_and_combining": seed(12, 3, b"", "\u4e00\u4e01e\u0301".encode(),
                               E + b"[1;12H" + "\u4e00".encode() + E + b"[2;1H" + "\u0308".encode()),
    "sgr_colours_and_roam_attributes": seed(20, 3, b"", b"plain",
                                            E + b"[1;2;3;4:3;9;91;48;2;1;2;3mX" + E + b"[0m"),
    "erase_runs_ech_el": seed(20, 2, b"abcdefghijklmnopqrst", E + b"[1;3H" + E + b"[K",
                              E + b"[1;2H" + E + b"[3X" + E + b"[1;9H" + E + b"[8X"),
    "insert_delete_lines_and_cells": seed(10, 5, b"1\r\n2\r\n3\r\n4\r\n5",
                                          E + b"[2;1H" + E + b"[2L",
                                          E + b"[3;1H" + E + b"[M" + E + b"[1;1H" + E + b"[2P"),
    "modes_titles_clipboard_bell": seed(10, 2, b"", E + b"[?1002h" + E + b"]0;a\x07",
                                        E + b"[?1006h" + E + b"[?2004h" + E + b"[?5h" +
                                        E + b"]1;i\x07" + E + b"]52;c;Zm9v\x07\x07"),
    "alternate_screen": seed(12, 4, b"main", E + b"[?1049h" + b"alt", E + b"[?1049h" + E + b"[?1049l"),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)

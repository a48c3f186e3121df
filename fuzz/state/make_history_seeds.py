#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_history_messages (history_messages_fuzzer.cc):
History state messages (first byte even) and history channel records (first
byte odd, then a chunk size), valid ones and each kind of malformed one.
Usage: make_history_seeds.py [OUT_DIR]"""

import os
import sys


def varint(n):  # protobuf / LEB128
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def qvarint(n):  # RFC 9000
    if n < 1 << 6:
        return bytes([n])
    if n < 1 << 14:
        return (n | 0x4000).to_bytes(2, "big")
    if n < 1 << 30:
        return (n | 0x80000000).to_bytes(4, "big")
    return (n | 0xC000000000000000).to_bytes(8, "big")


def field_varint(no, n):
    return varint(no << 3) + varint(n)


def field_bytes(no, b):
    return varint(no << 3 | 2) + varint(len(b)) + b


def line(text, width=80, fg=None):
    """A line in the scrollback line format (docs/protocol.md §8.6)."""
    t = text.encode()
    runs = b"\x00"
    if fg is not None:
        runs = varint(1) + varint(len(text)) + varint(fg) + varint(0) + varint(0) + varint(0)
    return varint(width) + b"\x00" + varint(len(text)) + varint(len(t)) + t + runs


def history(end, erased_below=40, erase_count=1, resized=((60, 62),), first=None, lines=()):
    m = field_varint(1, end) + field_varint(2, erased_below) + field_varint(3, erase_count)
    for a, b in resized:
        m += field_bytes(4, field_varint(1, a) + field_varint(2, b))
    if first is not None:
        m += field_varint(5, first)
    for l in lines:
        m += field_bytes(6, l)
    return m


def rec_line(l):
    return b"\x01" + qvarint(len(l)) + l


def rec_gap(n, raw=None):
    p = raw if raw is not None else qvarint(n)
    return b"\x02" + qvarint(len(p)) + p


PALETTE = 0x2000000
SEEDS = {
    # History messages (after the state of Before(): end 100, erased below 40).
    "history_numbers_only": b"\x00" + history(5000),
    "history_with_lines": b"\x00" + history(103, first=100, lines=[line("a"), line("b", fg=PALETTE | 1), line("c")]),
    "history_erased": b"\x00" + history(120, erased_below=120, erase_count=2),
    "history_resized": b"\x00" + history(130, resized=((60, 62), (125, 130))),
    "history_no_end": b"\x00" + field_varint(2, 40),
    "history_decreases": b"\x00" + history(99),
    "history_erased_above_end": b"\x00" + history(100, erased_below=101),
    "history_bad_range": b"\x00" + history(110, resized=((5, 5),)),
    "history_lines_short": b"\x00" + history(110, first=100, lines=[line("x")]),
    "history_bad_line": b"\x00" + history(101, first=100, lines=[b"\x00\x00"]),
    "history_wide_line": b"\x00" + history(101, first=100, lines=[line("w", width=5000)]),
    # Records: chunk size byte, then the stream.
    "records_lines_and_gap": b"\x01\x02" + rec_gap(2990000) + rec_line(line("one")) + rec_line(line("two", fg=PALETTE | 2)),
    "records_one_byte_chunks": b"\x01\x00" + rec_line(line("héllo wörld")) + rec_gap(3),
    "records_unknown_type": b"\x01\x07" + rec_line(line("ok")) + b"\x03\x01\x00",
    "records_too_long": b"\x01\x07" + b"\x01" + qvarint(300000),
    "records_gap_zero": b"\x01\x07" + rec_gap(0),
    "records_gap_two_varints": b"\x01\x07" + rec_gap(0, raw=b"\x01\x01"),
    "records_bad_line": b"\x01\x07" + rec_line(b"\x50\x00\x09"),
    "records_cut_short": b"\x01\x03" + rec_line(line("cut"))[:-2],
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "history_messages")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

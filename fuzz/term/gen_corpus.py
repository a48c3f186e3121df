#!/usr/bin/env python3
"""Writes the seed corpora of the term fuzz targets (run from anywhere;
files land next to this script under corpus/). Each seed is named after
what it exercises."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

E = b"\x1b"
PARSER = {
    "plain_text_and_crlf": b"hello, world\r\nsecond line\r\n",
    "cursor_moves": E + b"[10;20H" + E + b"[3A" + E + b"[B" + E + b"[5C" + E + b"[D" + E + b"[H",
    "sgr_semicolon_and_colon": E + b"[1;31;48;5;200m" + E + b"[38:2::1:2:3m" + E + b"[4:3m" + E + b"[0m",
    "csi_param_overflow": E + b"[" + b"9" * 30 + b";" * 120 + b"m",
    "csi_private_and_intermediates": E + b"[?1049h" + E + b"[>c" + E + b"[!p" + E + b"[2 q" + E + b"[?2004$p",
    "osc_title_bel_and_st": E + b"]0;title\x07" + E + b"]2;t\xc3\xa9st" + E + b"\\",
    "osc_clipboard_and_link": E + b"]52;c;aGVsbG8=\x07" + E + b"]8;id=1;http://x/\x07l" + E + b"]8;;\x07",
    "utf8_valid_and_invalid": "a\u00e9\u4e00\U0001F600".encode() + b"\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80\xe4\xb8",
    "c1_controls_encoded": "\u009b5A\u009d2;x\u009c\u0090q\u009c\u0084\u0085".encode(),
    "dcs_sos_pm_apc": E + b"P1$qm" + E + b"\\" + E + b"Xsos" + E + b"\\" + E + b"^pm" + E + b"\\" + E + b"_apc" + E + b"\\",
    "can_sub_abort": E + b"[12\x18A" + E + b"]2;x\x1aB",
    "escape_sequences": E + b"7" + E + b"8" + E + b"c" + E + b"#8" + E + b"(0" + E + b")B" + E + b"D" + E + b"M",
}

EMU = {
    "resize_80x24_then_text": b"\xff\x50\x18" + b"some text\r\n" * 30,
    "scroll_region_il_dl": E + b"[2;6r" + E + b"[4;1H" + E + b"[2L" + E + b"[M" + b"x\n\n\n\n" + E + b"[S" + E + b"[T",
    "alt_screen_1049": b"main" + E + b"[?1049h" + E + b"[Halt\r\n" * 10 + E + b"[?1049l" + E + b"[?47h" + E + b"[?1047l",
    "wide_chars_at_margin": ("\u4e00" * 15 + "a\u4e00" * 7).encode() + E + b"[?7l" + ("\u4e00" * 15).encode(),
    "combining_and_fallback": "e\u0301\u0301\u0301".encode() + E + b"[K" + "\u0301x\u200d".encode() + "\U0001F468\u200d\U0001F469".encode(),
    "dec_graphics_box": E + b"(0lqqk\r\nx  x\r\nmqqj" + E + b"(B" + E + b")0\x0eq\x0f",
    "resize_shrink_grow_with_pending_wrap": b"x" * 20 + b"\xff\x05\x03" + b"y" + b"\xff\x64\x30" + b"z",
    "origin_mode_and_tabs": E + b"[3;5r" + E + b"[?6h" + E + b"[2;2H\tX" + E + b"[3g\tY" + E + b"H" + E + b"[Z",
    "insert_mode_and_rep": E + b"[4hab\xe4\xb8\x80" + E + b"[4l" + E + b"[5b" + E + b"[3@" + E + b"[2P" + E + b"[4X",
    "erase_with_background": E + b"[44m" + E + b"[2J" + E + b"[5;5H" + E + b"[1J" + E + b"[0K" + E + b"[1K",
    "queries": E + b"[5n" + E + b"[6n" + E + b"[c" + E + b"[>c" + E + b"]10;?\x07" + E + b"]4;1;?\x07",
    "tiny_1x1_screen": b"\xff\x00\x00" + b"abc\xe4\xb8\x80\r\n\x1b[2;2r\x1bM",
}


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for fname, data in seeds.items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


def main():
    # Parser seeds start with a split seed byte.
    write("term_parser", {k: bytes([len(k)]) + v for k, v in PARSER.items()})
    write("term_emulator", EMU)


if __name__ == "__main__":
    main()

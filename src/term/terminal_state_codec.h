// TerminalStateCodec: the complete state of an Emulator as bytes and back,
// for session persistence and hand-over. A restored emulator behaves
// exactly like the original on any further input.
//
// Everything is included: both screens (visible and inactive), the
// scrollback (each line in Scrollback's own encoded form, wrap marks
// included), every DrawState field (cursor, pending wrap, combining cell,
// modes, margins, tab stops, charsets, pen, the three saved cursors),
// title, icon name, clipboard and its selection, bell count, the hyperlink
// table, the emulator options, the parser's partial escape sequence
// (including a partial OSC string), the UTF-8 decoder's partial character
// and the keystroke translator's state. Not included: replies not yet
// taken with Emulator::TakeReplies() (take them first), and row sharing
// between frames (a restored screen's rows are all new).
//
// Format, version 2 (version 1 had neither the keep_links nor the
// mosh_wide_erase byte). Integers are big-endian (ByteWriter); signed values
// are stored as their 32-bit two's complement. "str" is a u32 byte length
// followed by the bytes.
//
//   "ROAMTERM"  u32 version
//   options     u64 scrollback_lines, u32 fg_rgb, u32 bg_rgb, u8 keep_links,
//               u8 mosh_wide_erase
//   size        u32 width, u32 height
//   links       u32 count, then (str id, str uri) each (before anything
//               that refers to a link by number)
//   drawstate   (fixed field order, see EncodeDrawState in the .cc); tab
//               stops as u32 count (= width) then one byte per column
//   screens     visible rows then inactive rows, height each, in screen
//               order. Row: u8 wrap, u32 cluster count, clusters (str each),
//               u32 n, then cells 0..n-1 (the others are pristine, and
//               cell n-1 is not): u32 raw bits (a cluster cell's payload is
//               its cluster's number), u8 1 = same rendition as the
//               previous cell, else 0 followed by the rendition (u32 fg,
//               u32 bg, u16 attrs, u16 link)
//   texts       str title, str icon, u8 title_initialized, str clipboard,
//               str selection, u64 bell count
//   scrollback  u64 max_lines, u32 count, then str per line (oldest first)
//   parser      u8 state, u32 num_params, (i32 value, u8 sub) each,
//               u32 param_chars, u8 has_colon, u32 intermediate count and
//               bytes, str osc, u32 osc_chars, u8 osc_bel
//   decoder     u32 cp, u8 need, u8 lower, u8 upper
//   input       u32 translator state
//
// The encoding is canonical: a state has exactly one serialization, and
// restore rejects any other (so accepted bytes re-serialize identically).
//
// Restore checks every length and count against the remaining input
// before allocating and every value against its range (texts such as the
// title must be what the parser can collect: UTF-8 without controls), and rejects the
// input as a whole (StatusCode::kMalformed) on any violation, including
// trailing bytes. It never crashes on any input.

#ifndef ROAM_TERM_TERMINAL_STATE_CODEC_H_
#define ROAM_TERM_TERMINAL_STATE_CODEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "term/emulator.h"

namespace roam::term {

inline constexpr char kTerminalStateMagic[] = "ROAMTERM";
inline constexpr uint32_t kTerminalStateVersion = 2;

// Returns the serialized state of `emu`.
std::string SerializeTerminalState(const Emulator& emu);

// Rebuilds an emulator from SerializeTerminalState output. Errors:
// kMalformed for a bad magic, unknown version, truncation, out-of-range
// values or trailing bytes; the input is then unusable (nothing partial is
// returned).
Result<std::unique_ptr<Emulator>> RestoreTerminalState(std::string_view bytes);

}  // namespace roam::term

#endif  // ROAM_TERM_TERMINAL_STATE_CODEC_H_

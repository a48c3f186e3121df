// Fuzz target for the UTF-8 decoder + DEC ANSI parser: any bytes, split at
// arbitrary points, must produce exactly the same actions as the unsplit
// input, and parameters must stay within their documented limits.
//
// Input layout: byte 0 seeds the split points; the rest is the stream.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "term/parser.h"
#include "term/utf8_decoder.h"

namespace {

using roam::term::Parser;
using roam::term::ParserState;
using roam::term::Utf8Decoder;

struct Recorder {
  std::string log;

  void Check(const ParserState& s) {
    if (s.num_params < 0 || s.num_params > ParserState::kMaxParams) std::abort();
    if (s.param_chars > ParserState::kMaxParamChars) std::abort();
    if (s.num_intermediates > ParserState::kMaxIntermediates) std::abort();
  }
  void Add(char kind, char32_t c) {
    log.push_back(kind);
    log.append(reinterpret_cast<const char*>(&c), sizeof c);
  }
  void Print(char32_t c) { Add('p', c); }
  void Execute(char32_t c) { Add('x', c); }
  void EscDispatch(const ParserState& s, char32_t f) {
    Check(s);
    Add('e', f);
    log.append(s.intermediates, static_cast<size_t>(s.num_intermediates));
  }
  void CsiDispatch(const ParserState& s, char32_t f) {
    Check(s);
    Add('c', f);
    log.append(s.intermediates, static_cast<size_t>(s.num_intermediates));
    for (int i = 0; i < s.ParamCount(); ++i) {
      int v = s.RawParam(i);
      if (v > ParserState::kParamMax) std::abort();
      log.append(std::to_string(v));
      log.push_back(s.IsSubParam(i) ? ':' : ';');
    }
  }
  void OscDispatch(const ParserState& s) {
    if (s.osc_chars > ParserState::kMaxOscChars) std::abort();
    log.push_back('o');
    log.append(s.osc);
    log.push_back(s.osc_bel ? 'b' : 's');
  }
};

void Feed(const uint8_t* p, size_t n, Utf8Decoder* d, Parser* parser, Recorder* rec) {
  for (size_t i = 0; i < n; ++i) {
    d->Feed(p[i], [&](char32_t c) {
      if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) std::abort();
      parser->Step(c, *rec);
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint32_t seed = data[0] * 2654435761u + 1;
  const uint8_t* p = data + 1;
  size_t n = size - 1;

  Utf8Decoder d1;
  Parser p1;
  Recorder r1;
  Feed(p, n, &d1, &p1, &r1);

  Utf8Decoder d2;
  Parser p2;
  Recorder r2;
  size_t pos = 0;
  while (pos < n) {
    seed = seed * 1103515245u + 12345u;
    size_t chunk = 1 + (seed >> 16) % 17;
    if (chunk > n - pos) chunk = n - pos;
    Feed(p + pos, chunk, &d2, &p2, &r2);
    pos += chunk;
  }
  if (r1.log != r2.log) std::abort();
  if (p1.state().state != p2.state().state) std::abort();
  return 0;
}

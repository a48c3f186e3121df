// Parser: the DEC ANSI escape-sequence state machine (Paul Williams,
// vt100.net) over decoded code points, exactly as docs/protocol.md §12.1 describes
// Mosh's parser, with one extension.
//
// The parser calls its handler directly (a template parameter, no virtual
// calls):
//   h.Print(char32_t)              graphic character in ground state
//   h.Execute(char32_t)            C0 / C1 control
//   h.EscDispatch(const ParserState&, char32_t final)
//   h.CsiDispatch(const ParserState&, char32_t final)
//   h.OscDispatch(const ParserState&)   when leaving the OSC string state
//
// Extension: Mosh sends any CSI containing ':' to csi-ignore. roam keeps
// colon sub-parameters (ParserState::IsSubParam) so that SGR can accept
// the colon forms (38:2::r:g:b, 4:3, ...). Every other CSI with a colon is
// still dropped without dispatch, exactly like Mosh's csi-ignore.
//
// All parser state, including a partial OSC string, is the plain struct
// ParserState, so it survives any split of the input and can be saved.

#ifndef ROAM_TERM_PARSER_H_
#define ROAM_TERM_PARSER_H_

#include <cstdint>
#include <string>

#include "term/row.h"

namespace roam::term {

enum class ParserStateId : uint8_t {
  kGround,
  kEscape,
  kEscapeIntermediate,
  kCsiEntry,
  kCsiParam,
  kCsiIntermediate,
  kCsiIgnore,
  kDcsEntry,
  kDcsParam,
  kDcsIntermediate,
  kDcsPassthrough,
  kDcsIgnore,
  kOscString,
  kSosPmApcString,
};

struct ParserState {
  static constexpr int kMaxParamChars = 100;  // Mosh keeps 100 characters
  static constexpr int kMaxParams = kMaxParamChars + 1;
  static constexpr int kMaxIntermediates = 8;  // private markers too
  static constexpr int kMaxOscChars = 16384;   // code points
  static constexpr int32_t kParamMax = 65535;  // larger counts as missing

  ParserStateId state = ParserStateId::kGround;

  // CSI / DCS parameters. Values > kParamMax are stored as kParamMax + 1.
  int32_t params[kMaxParams] = {};
  bool sub_param[kMaxParams] = {};  // introduced by ':' rather than ';'
  int num_params = 0;               // 0 until a parameter character arrives
  int param_chars = 0;
  bool has_colon = false;

  char intermediates[kMaxIntermediates] = {};  // includes private markers
  int num_intermediates = 0;

  std::string osc;  // UTF-8 of the OSC string collected so far
  int osc_chars = 0;
  bool osc_bel = false;  // the OSC ended with BEL (else ST or other)

  // Number of parameters as Mosh counts them: at least 1.
  int ParamCount() const { return num_params == 0 ? 1 : num_params; }
  // Parameter i, or `def` if it is missing, zero or larger than 65535
  // (Mosh's getparam).
  int Param(int i, int def) const {
    if (i >= num_params) return def;
    int32_t v = params[i];
    return (v < 1 || v > kParamMax) ? def : v;
  }
  // Parameter i as written: -1 when missing or too large, else the value
  // (0 allowed).
  int RawParam(int i) const {
    if (i >= num_params) return -1;
    int32_t v = params[i];
    return v > kParamMax ? -1 : v;
  }
  bool IsSubParam(int i) const { return i < num_params && sub_param[i]; }
  // True when the intermediates/private markers equal `s` exactly.
  bool IntermediatesAre(const char* s) const {
    int i = 0;
    for (; s[i] != '\0'; ++i) {
      if (i >= num_intermediates || intermediates[i] != s[i]) return false;
    }
    return i == num_intermediates;
  }

  void Clear() {
    num_params = 0;
    param_chars = 0;
    has_colon = false;
    num_intermediates = 0;
  }
};

class Parser {
 public:
  const ParserState& state() const { return s_; }
  ParserState* mutable_state() { return &s_; }
  bool in_ground() const { return s_.state == ParserStateId::kGround; }

  // Feeds one decoded code point.
  template <typename H>
  void Step(char32_t c, H& h) {
    // Printable ASCII never matches an "anywhere" transition.
    if (c >= 0x20 && c < 0x7F) {
      StateRule(c, c, false, h);
      return;
    }
    // "Anywhere" transitions first.
    if (c == 0x18 || c == 0x1A || (c >= 0x80 && c <= 0x8F) || (c >= 0x91 && c <= 0x97) ||
        c == 0x99 || c == 0x9A) {
      To(ParserStateId::kGround, h);
      h.Execute(c);
      return;
    }
    switch (c) {
      case 0x9C:
        To(ParserStateId::kGround, h);
        return;
      case 0x1B:
        To(ParserStateId::kEscape, h);
        s_.Clear();
        return;
      case 0x98:
      case 0x9E:
      case 0x9F:
        To(ParserStateId::kSosPmApcString, h);
        return;
      case 0x90:
        To(ParserStateId::kDcsEntry, h);
        s_.Clear();
        return;
      case 0x9D:
        To(ParserStateId::kOscString, h);
        StartOsc();
        return;
      case 0x9B:
        To(ParserStateId::kCsiEntry, h);
        s_.Clear();
        return;
      default:
        break;
    }
    const char32_t k = c >= 0xA0 ? 0x41 : c;  // high code points act like 'A'
    const bool c0 = k <= 0x17 || k == 0x19 || (k >= 0x1C && k <= 0x1F);
    StateRule(c, k, c0, h);
  }

 private:
  // The per-state rules; `k` is `c` with high code points mapped to 'A',
  // `c0` tells whether it is a C0 control that executes.
  template <typename H>
  void StateRule(char32_t c, char32_t k, bool c0, H& h) {
    switch (s_.state) {
      case ParserStateId::kGround:
        if (c0) {
          h.Execute(c);
        } else {
          h.Print(c);
        }
        return;
      case ParserStateId::kEscape:
        if (c0) {
          h.Execute(c);
        } else if (k >= 0x20 && k <= 0x2F) {
          Collect(k);
          s_.state = ParserStateId::kEscapeIntermediate;
        } else if (k == 0x5B) {
          s_.state = ParserStateId::kCsiEntry;
          s_.Clear();
        } else if (k == 0x5D) {
          s_.state = ParserStateId::kOscString;
          StartOsc();
        } else if (k == 0x50) {
          s_.state = ParserStateId::kDcsEntry;
          s_.Clear();
        } else if (k == 0x58 || k == 0x5E || k == 0x5F) {
          s_.state = ParserStateId::kSosPmApcString;
        } else if (k != 0x7F) {
          s_.state = ParserStateId::kGround;
          h.EscDispatch(s_, c);
        }
        return;
      case ParserStateId::kEscapeIntermediate:
        if (c0) {
          h.Execute(c);
        } else if (k >= 0x20 && k <= 0x2F) {
          Collect(k);
        } else if (k != 0x7F) {
          s_.state = ParserStateId::kGround;
          h.EscDispatch(s_, c);
        }
        return;
      case ParserStateId::kCsiEntry:
      case ParserStateId::kCsiParam:
        if (c0) {
          h.Execute(c);
        } else if ((k >= 0x30 && k <= 0x3B)) {
          Param(k);
          s_.state = ParserStateId::kCsiParam;
        } else if (k >= 0x3C && k <= 0x3F) {
          if (s_.state == ParserStateId::kCsiEntry) {
            Collect(k);
            s_.state = ParserStateId::kCsiParam;
          } else {
            s_.state = ParserStateId::kCsiIgnore;
          }
        } else if (k >= 0x20 && k <= 0x2F) {
          Collect(k);
          s_.state = ParserStateId::kCsiIntermediate;
        } else if (k >= 0x40 && k <= 0x7E) {
          CsiFinal(c, h);
        }
        return;
      case ParserStateId::kCsiIntermediate:
        if (c0) {
          h.Execute(c);
        } else if (k >= 0x20 && k <= 0x2F) {
          Collect(k);
        } else if (k >= 0x30 && k <= 0x3F) {
          s_.state = ParserStateId::kCsiIgnore;
        } else if (k >= 0x40 && k <= 0x7E) {
          CsiFinal(c, h);
        }
        return;
      case ParserStateId::kCsiIgnore:
        if (c0) {
          h.Execute(c);
        } else if (k >= 0x40 && k <= 0x7E) {
          s_.state = ParserStateId::kGround;
        }
        return;
      case ParserStateId::kDcsEntry:
      case ParserStateId::kDcsParam:
        if (k == 0x3A || (k >= 0x3C && k <= 0x3F && s_.state == ParserStateId::kDcsParam)) {
          s_.state = ParserStateId::kDcsIgnore;
        } else if ((k >= 0x30 && k <= 0x39) || k == 0x3B) {
          s_.state = ParserStateId::kDcsParam;
        } else if (k >= 0x3C && k <= 0x3F) {
          s_.state = ParserStateId::kDcsParam;
        } else if (k >= 0x20 && k <= 0x2F) {
          s_.state = ParserStateId::kDcsIntermediate;
        } else if (k >= 0x40 && k <= 0x7E) {
          s_.state = ParserStateId::kDcsPassthrough;
        }
        return;
      case ParserStateId::kDcsIntermediate:
        if (k >= 0x30 && k <= 0x3F) {
          s_.state = ParserStateId::kDcsIgnore;
        } else if (k >= 0x40 && k <= 0x7E) {
          s_.state = ParserStateId::kDcsPassthrough;
        }
        return;
      case ParserStateId::kDcsPassthrough:
      case ParserStateId::kDcsIgnore:
      case ParserStateId::kSosPmApcString:
        return;  // contents consumed and ignored
      case ParserStateId::kOscString:
        if (k == 0x07) {
          s_.osc_bel = true;
          To(ParserStateId::kGround, h);
        } else if (k >= 0x20) {
          if (s_.osc_chars < ParserState::kMaxOscChars) {
            ++s_.osc_chars;
            if (c < 0x80) {
              s_.osc.push_back(static_cast<char>(c));
            } else {
              AppendUtf8(c, &s_.osc);
            }
          }
        }
        return;
    }
  }

  template <typename H>
  void To(ParserStateId next, H& h) {
    // Leaving the OSC string dispatches it (Mosh's OSC_End exit action).
    if (s_.state == ParserStateId::kOscString) {
      s_.state = next;
      h.OscDispatch(s_);
      s_.osc_bel = false;
    }
    s_.state = next;
  }

  template <typename H>
  void CsiFinal(char32_t c, H& h) {
    s_.state = ParserStateId::kGround;
    if (s_.has_colon && !(c == 'm' && s_.num_intermediates == 0)) return;
    h.CsiDispatch(s_, c);
  }

  void StartOsc() {
    s_.osc.clear();
    s_.osc_chars = 0;
    s_.osc_bel = false;
  }

  void Collect(char32_t k) {
    if (s_.num_intermediates < ParserState::kMaxIntermediates) {
      s_.intermediates[s_.num_intermediates++] = static_cast<char>(k);
    }
  }

  void Param(char32_t k) { PushParamChar(&s_, k); }

 public:
  // Adds parameter character `k` ('0'-'9', ';' or ':') to `s`, within the
  // limits above. Used by the parser and by the emulator's CSI fast path.
  static void PushParamChar(ParserState* state, char32_t k) {
    ParserState& s_ = *state;
    if (s_.param_chars >= ParserState::kMaxParamChars) return;
    ++s_.param_chars;
    if (s_.num_params == 0) {
      s_.num_params = 1;
      s_.params[0] = -1;
      s_.sub_param[0] = false;
    }
    if (k >= '0' && k <= '9') {
      int32_t& v = s_.params[s_.num_params - 1];
      int32_t d = static_cast<int32_t>(k - '0');
      v = v < 0 ? d : v * 10 + d;
      if (v > ParserState::kParamMax) v = ParserState::kParamMax + 1;
      return;
    }
    // ';' or ':' starts the next parameter.
    bool colon = k == ':';
    if (colon) s_.has_colon = true;
    s_.params[s_.num_params] = -1;
    s_.sub_param[s_.num_params] = colon;
    ++s_.num_params;
  }

 private:
  ParserState s_;
};

}  // namespace roam::term

#endif  // ROAM_TERM_PARSER_H_

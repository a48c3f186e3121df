#include "client/shell_words.h"

namespace roam::client {

Result<std::vector<std::string>> SplitShellWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
      ++i;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      size_t close = text.find('\'', i + 1);
      if (close == std::string_view::npos) return InvalidArgument("unterminated ' quote");
      word.append(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < text.size() &&
            (text[i + 1] == '"' || text[i + 1] == '\\' || text[i + 1] == '$' ||
             text[i + 1] == '`')) {
          word.push_back(text[i + 1]);
          i += 2;
          continue;
        }
        if (d == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
          i += 2;
          continue;
        }
        word.push_back(d);
        ++i;
      }
      if (!closed) return InvalidArgument("unterminated \" quote");
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return InvalidArgument("trailing backslash");
      if (text[i + 1] != '\n') word.push_back(text[i + 1]);
      i += 2;
    } else {
      word.push_back(c);
      ++i;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::string ShellQuote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out += "'";
  return out;
}

}  // namespace roam::client

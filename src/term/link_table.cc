// Hashed, bounded OSC 8 link table (see link_table.h).

#include "term/link_table.h"

#include <functional>
#include <string_view>
#include <utility>

#include "base/check.h"

namespace roam::term {

size_t LinkTable::Hash(const Hyperlink& link) {
  const size_t a = std::hash<std::string_view>()(link.id);
  const size_t b = std::hash<std::string_view>()(link.uri);
  return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
}

uint16_t LinkTable::Find(const Hyperlink& link) const {
  auto [first, last] = index_.equal_range(Hash(link));
  for (auto it = first; it != last; ++it) {
    if (links_[it->second - 1u] == link) return it->second;
  }
  return 0;
}

bool LinkTable::CanAdd(const Hyperlink& link) const {
  if (link.uri.size() > kMaxUriBytes || link.id.size() > kMaxIdBytes) return false;
  if (links_.size() >= kMaxLinks) return false;
  if (link.id.size() + link.uri.size() > kMaxBytes - bytes_) return false;
  return Find(link) == 0;
}

uint16_t LinkTable::Intern(const Hyperlink& link) {
  if (link.uri.size() > kMaxUriBytes || link.id.size() > kMaxIdBytes) return 0;
  if (uint16_t held = Find(link)) return held;
  const size_t bytes = link.id.size() + link.uri.size();
  if (links_.size() >= kMaxLinks || bytes > kMaxBytes - bytes_) return 0;
  links_.push_back(link);
  bytes_ += bytes;
  const auto number = static_cast<uint16_t>(links_.size());
  index_.emplace(Hash(link), number);
  return number;
}

void LinkTable::Assign(std::vector<Hyperlink> links) {
  ROAM_CHECK(links.size() <= kMaxLinks);
  links_ = std::move(links);
  index_.clear();
  bytes_ = 0;
  for (size_t i = 0; i < links_.size(); ++i) {
    bytes_ += links_[i].id.size() + links_[i].uri.size();
    index_.emplace(Hash(links_[i]), static_cast<uint16_t>(i + 1));
  }
}

}  // namespace roam::term

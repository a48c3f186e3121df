// LinkTable: the OSC 8 hyperlinks a framebuffer's cells refer to.
//
// Cells carry a 16-bit link number (Rendition::link); number k >= 1 names
// links()[k - 1]. Output is hostile input here: an application (or, on the
// client, a misbehaving server) can print a new link for every character.
// So every cost is bounded:
//   * lookup is by hash, so adding or finding a link costs O(its length),
//     whatever the table holds;
//   * a link with an id over kMaxIdBytes or a URI over kMaxUriBytes is not
//     stored (its text is simply not linked), and the table stops growing at
//     kMaxLinks entries or kMaxBytes of ids and URIs; links already held are
//     still found after that;
//   * a Framebuffer shares its table with its copies and clones it only
//     when it adds a link while shared (copy-on-write), never per link.
// Links are never removed: scrollback lines and saved cursors keep their
// numbers.

#ifndef ROAM_TERM_LINK_TABLE_H_
#define ROAM_TERM_LINK_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace roam::term {

// OSC 8 hyperlink: the `id=` parameter (may be empty) and the URI.
struct Hyperlink {
  std::string id;
  std::string uri;
  friend bool operator==(const Hyperlink&, const Hyperlink&) = default;
};

class LinkTable {
 public:
  static constexpr size_t kMaxLinks = 4096;
  // Longest URI and id stored (bytes). 2 KiB covers real links.
  static constexpr size_t kMaxUriBytes = 2048;
  static constexpr size_t kMaxIdBytes = 256;
  // Ids and URIs held in all, so a full table stays small to copy.
  static constexpr size_t kMaxBytes = 1 << 20;

  const std::vector<Hyperlink>& links() const { return links_; }
  size_t size() const { return links_.size(); }

  // The number (>= 1) of `link` if held, else 0.
  uint16_t Find(const Hyperlink& link) const;
  // Whether Intern would add `link` (not held, within the size limits, and
  // room left).
  bool CanAdd(const Hyperlink& link) const;
  // Returns the number (>= 1) of `link`, adding it if new (links with the
  // same id and URI share a number). Returns 0, and stores nothing, when
  // the link is over the size limits or the table is full.
  uint16_t Intern(const Hyperlink& link);

  // Replaces the contents (state restore). REQUIRES: links.size() <= kMaxLinks.
  void Assign(std::vector<Hyperlink> links);

 private:
  static size_t Hash(const Hyperlink& link);

  std::vector<Hyperlink> links_;
  // Hash of (id, uri) -> numbers with that hash.
  std::unordered_multimap<size_t, uint16_t> index_;
  size_t bytes_ = 0;
};

}  // namespace roam::term

#endif  // ROAM_TERM_LINK_TABLE_H_

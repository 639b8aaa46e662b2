// A list of strings packed into one text and the end of each. The JSON scanner gives an
// array's strings in this form, and a revocation list keeps its serials in it: a list names
// every license the vendor ever voided (20,000 serials and more), and as a vector of
// std::string each short serial would take 32 bytes of fresh memory; on an appliance the first
// touch of a page costs more than the list's signature check (docs/performance.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace seatkey {

class PackedStrings {
 public:
  PackedStrings() = default;
  PackedStrings(std::initializer_list<std::string_view> strings);
  // Takes a text and the end of each string in it (ascending, the last at most text.size()).
  PackedStrings(std::string text, std::vector<std::uint32_t> ends) noexcept
      : text_(std::move(text)), ends_(std::move(ends)) {}

  std::size_t size() const noexcept { return ends_.size(); }
  bool empty() const noexcept { return ends_.empty(); }
  std::string_view operator[](std::size_t i) const noexcept {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }

  // Adds a string at the end. Throws std::length_error past 4 GiB of text.
  void push_back(std::string_view s);

  std::vector<std::string> to_strings() const;

  // The strings in order, as string_views into the list.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;

    const_iterator(const PackedStrings* list, std::size_t i) noexcept : list_(list), i_(i) {}
    std::string_view operator*() const noexcept { return (*list_)[i_]; }
    const_iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    bool operator==(const const_iterator& o) const noexcept { return i_ == o.i_; }
    bool operator!=(const const_iterator& o) const noexcept { return i_ != o.i_; }

   private:
    const PackedStrings* list_;
    std::size_t i_;
  };
  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, size()}; }

  friend bool operator==(const PackedStrings& a, const PackedStrings& b) noexcept {
    return a.ends_ == b.ends_ && a.text_ == b.text_;
  }
  friend bool operator!=(const PackedStrings& a, const PackedStrings& b) noexcept { return !(a == b); }

 private:
  std::string text_;
  std::vector<std::uint32_t> ends_;
};

}  // namespace seatkey

#include "table.hpp"

#include <algorithm>

#include "seatkey/common/text.hpp"

namespace seatkey::keygen::tool {
namespace {

bool continues(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::string fit(const std::string& s, std::size_t max) {
  if (width(s) <= max) return s;
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!continues(s[i]) && ++points == max - 2) {
      std::size_t end = i + 1;
      while (end < s.size() && continues(s[end])) ++end;
      return s.substr(0, end) + "..";
    }
  }
  return s;
}

}  // namespace

std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !continues(c); }));
}

std::string cell(const std::string& text, std::size_t max) {
  return fit(terminal_safe(text), max);
}

std::string render_table(const std::vector<TableColumn>& columns,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const TableColumn& c : columns) widths.push_back(std::max(c.min_width, width(c.header)));
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], width(row[i]));
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size() && i < columns.size(); ++i) {
      const std::string pad(widths[i] - width(cells[i]), ' ');
      out += columns[i].right ? pad + cells[i] : cells[i] + pad;
      if (i + 1 < cells.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::vector<std::string> header;
  for (const TableColumn& c : columns) header.push_back(c.header);
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

}  // namespace seatkey::keygen::tool

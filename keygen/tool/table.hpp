// The tables of `ledger list`, `token list` and `revocations list`: columns as wide as their
// widest cell (in code points) or their minimum, two spaces apart, numbers right-aligned, no
// trailing spaces. Cells hold text already made safe for a terminal (cell()).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace seatkey::keygen::tool {

struct TableColumn {
  std::string header;
  bool right = false;         // right-aligned (numbers)
  std::size_t min_width = 0;  // at least this wide
};

std::string render_table(const std::vector<TableColumn>& columns,
                         const std::vector<std::vector<std::string>>& rows);

// Text from the ledger as a table cell: escaped (terminal_safe) and cut to `max` code points,
// ".." marking the cut.
std::string cell(const std::string& text, std::size_t max = 64);

// Display width in code points.
std::size_t width(const std::string& s);

}  // namespace seatkey::keygen::tool

// A firmware's boot check in C++17 with libseatkey-verifier (docs/firmware.md).
//
//   boot_check LICENSES APPLIANCE_ID [NOW]
//
// Trusts the keys built into the library; evaluates at the current time unless NOW (RFC 3339)
// is given. Exit status: 0 licensed, 1 not licensed, 2 error.
#include <iostream>

#include <seatkey/verifier.hpp>

namespace sv = seatkey::verifier;

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: boot_check LICENSES APPLIANCE_ID [NOW]\n";
    return 2;
  }
  sv::UnixTime now = sv::current_time();
  if (argc == 4) {
    auto t = sv::parse_time(argv[3]);
    if (!t) {
      std::cerr << "boot_check: " << t.error().message << "\n";
      return 2;
    }
    now = *t;
  }
  auto trust = sv::TrustStore::built_in();
  auto set = trust ? sv::load_licenses(argv[1]) : sv::Expected<sv::LicenseSet>(trust.error());
  auto e = set ? sv::evaluate(*set, argv[2], *trust, now) : sv::Expected<sv::Entitlement>(set.error());
  if (!e) {
    std::cerr << "boot_check: " << e.error().message << " (" << sv::error_code_name(e.error().code) << ")\n";
    return 2;
  }

  std::cout << "appliance: " << e->appliance << "\n"
            << "licensed: " << (e->licensed ? "yes" : "no") << "\n"
            << "edition: " << (e->edition ? sv::edition_name(*e->edition) : "none") << "\n"
            << "server_license: " << e->server_license.value_or("-") << "\n"
            << "users: " << e->licensed_users << " (" << e->included_users << " included + " << e->pack_users
            << " in packs, max " << e->max_users.value_or(-1) << ", " << e->excess_users
            << " over the cap)\n";
  if (e->updates_until) std::cout << "updates_until: " << sv::format_time(*e->updates_until) << "\n";
  std::cout << "updates_allowed: " << (e->updates_allowed() ? "yes" : "no") << "\n"
            << "may_add_user(10): " << (e->may_add_user(10) ? "yes" : "no") << "\n";
  for (const auto* list : {&e->accepted, &e->rejected}) {
    for (const auto& r : *list) {
      std::cout << (r.reason ? "rejected" : "accepted") << ": " << r.source << " "
                << (r.kind ? sv::kind_name(*r.kind) : "none") << " serial=" << r.serial.value_or("-")
                << " users=" << r.users.value_or(0)
                << " reason=" << (r.reason ? sv::reason_name(*r.reason) : "none") << ": " << r.message
                << "\n";
    }
  }
  return e->licensed ? 0 : 1;
}

#include "seatkey/keygen/json.hpp"

#include "seatkey/common/time.hpp"

namespace seatkey::keygen {
namespace {

using nlohmann::ordered_json;

template <class T>
ordered_json or_null(const std::optional<T>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json time_or_null(const std::optional<UnixTime>& t) {
  return t ? ordered_json(format_rfc3339(*t)) : ordered_json(nullptr);
}

}  // namespace

ordered_json license_json(const LedgerEntry& e, std::string_view status) {
  ordered_json j;
  j["serial"] = e.serial;
  j["kind"] = std::string(kind_name(e.kind));
  j["appliance"] = e.appliance;
  j["edition"] = e.edition ? ordered_json(std::string(edition_name(*e.edition))) : ordered_json(nullptr);
  j["users"] = e.users;
  j["customer"] = or_null(e.customer);
  j["order"] = or_null(e.order);
  j["issued_at"] = format_rfc3339(e.issued_at);
  j["updates_until"] = time_or_null(e.updates_until);
  j["expires"] = time_or_null(e.expires);
  j["replaces"] = or_null(e.replaces);
  j["status"] = std::string(status);
  j["issuer"] = e.issuer;
  j["key_id"] = e.key_id;
  j["written_by"] = or_null(e.written_by);
  j["token"] = e.token;
  return j;
}

ordered_json corrupt_row_json(const CorruptRow& c) {
  ordered_json j;
  j["serial"] = c.serial;
  j["appliance"] = c.appliance;
  j["status"] = "corrupt";
  j["error"] = c.why;
  return j;
}

ordered_json signing_key_json(const SigningKey& k) {
  ordered_json j;
  j["key_id"] = k.key_id;
  j["public_key"] = or_null(k.public_key);
  j["development"] = k.development();
  j["added_at"] = k.added_at;
  j["origin"] = k.origin;
  return j;
}

ordered_json api_token_json(const ApiToken& t) {
  ordered_json j;
  j["name"] = t.name;
  j["role"] = std::string(role_name(t.role));
  j["created_at"] = t.created_at;
  j["revoked_at"] = or_null(t.revoked_at);
  return j;
}

ordered_json appliance_summary_json(const ApplianceSummary& s) {
  ordered_json j;
  j["appliance"] = s.appliance;
  j["edition"] = s.edition ? ordered_json(std::string(edition_name(*s.edition))) : ordered_json(nullptr);
  j["included_users"] = s.users.included_users;
  j["pack_users"] = s.users.pack_users;
  j["licensed_users"] = s.users.licensed_users;
  // As the verifier reports it: 0 without an active server license, null for unlimited.
  j["max_users"] = s.edition ? or_null(s.users.max_users) : ordered_json(0);
  j["excess_users"] = s.users.excess_users;
  return j;
}

}  // namespace seatkey::keygen

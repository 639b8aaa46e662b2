#include "seatkey/signing/claims_writer.hpp"

#include <nlohmann/json.hpp>

namespace seatkey {

Result<License> validate_license(License l) {
  if (!is_license(l.kind)) return make_error(Errc::invalid_claims, "a revocation list is not a license");
  ClaimsPresent present{};
  for (Claim c : {Claim::iss, Claim::jti, Claim::iat, Claim::kind, Claim::appliance})
    present[static_cast<std::size_t>(c)] = true;
  // A standby license carries no users: its struct's 0 is no claim.
  present[static_cast<std::size_t>(Claim::users)] = l.kind != LicenseKind::standby || l.users != 0;
  present[static_cast<std::size_t>(Claim::primary)] = l.primary.has_value();
  present[static_cast<std::size_t>(Claim::edition)] = l.edition.has_value();
  present[static_cast<std::size_t>(Claim::customer)] = l.customer.has_value();
  present[static_cast<std::size_t>(Claim::order)] = l.order.has_value();
  present[static_cast<std::size_t>(Claim::updates_until)] = l.updates_until.has_value();
  present[static_cast<std::size_t>(Claim::nbf)] = l.not_before.has_value();
  present[static_cast<std::size_t>(Claim::exp)] = l.expires.has_value();
  present[static_cast<std::size_t>(Claim::code)] = l.code.has_value();
  if (auto e = check_claim_presence(l.kind, present)) return *e;
  if (auto e = check_license_values(l)) return *e;
  return l;
}

Result<RevocationList> validate_revocation_list(RevocationList r) {
  if (auto e = check_revocation_list_values(r)) return *e;
  return r;
}

std::string to_payload_json(const License& l) {
  nlohmann::ordered_json j;
  j["iss"] = l.issuer;
  j["jti"] = l.serial;
  j["iat"] = format_rfc3339(l.issued_at);
  j["kind"] = std::string(kind_name(l.kind));
  j["appliance"] = l.appliance;
  if (l.edition) j["edition"] = std::string(edition_name(*l.edition));
  if (l.kind != LicenseKind::standby) j["users"] = l.users;
  if (l.customer) j["customer"] = *l.customer;
  if (l.order) j["order"] = *l.order;
  if (l.updates_until) j["updates_until"] = format_rfc3339(*l.updates_until);
  if (l.not_before) j["nbf"] = format_rfc3339(*l.not_before);
  if (l.expires) j["exp"] = format_rfc3339(*l.expires);
  if (l.primary) j["primary"] = *l.primary;
  if (l.code) j["code"] = *l.code;
  return j.dump();
}

std::string to_payload_json(const RevocationList& r) {
  nlohmann::ordered_json j;
  j["iss"] = r.issuer;
  j["jti"] = r.serial;
  j["iat"] = format_rfc3339(r.issued_at);
  j["kind"] = std::string(kind_name(LicenseKind::revocation));
  j["seq"] = r.seq;
  j["revoked"] = r.revoked.to_strings();
  return j.dump();
}

std::string to_payload_json(const Claims& claims) {
  return std::visit([](const auto& c) { return to_payload_json(c); }, claims);
}

}  // namespace seatkey

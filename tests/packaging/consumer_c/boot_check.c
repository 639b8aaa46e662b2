/* A firmware's boot check in C99 with libseatkey-verifier (docs/firmware.md).
 *
 *   boot_check LICENSES APPLIANCE_ID [NOW [TRUSTED_KEYS_FILE]]
 *
 * Trusts the keys built into the library unless TRUSTED_KEYS_FILE is given; evaluates at the
 * current time unless NOW (RFC 3339) is given. Exit status: 0 licensed, 1 not licensed,
 * 2 error. */
#include <inttypes.h>
#include <stdio.h>

#include <seatkey/verifier.h>

static void print_report(const char* what, const seatkey_report* r) {
  const char* serial = seatkey_report_serial(r);
  printf("%s: %s %s serial=%s users=%d reason=%s: %s\n", what, seatkey_report_source(r),
         seatkey_kind_name(seatkey_report_kind(r)), serial ? serial : "-", seatkey_report_users(r),
         seatkey_reason_name(seatkey_report_reason(r)), seatkey_report_message(r));
}

int main(int argc, char** argv) {
  char err[256];
  int64_t now = seatkey_current_time();
  seatkey_trust_store* trust = NULL; /* NULL: the keys built into the library */
  seatkey_entitlement* e = NULL;
  seatkey_status st;
  int64_t until = 0;
  char when[32];
  size_t i;
  int licensed;

  if (argc < 3 || argc > 5) {
    fprintf(stderr, "usage: boot_check LICENSES APPLIANCE_ID [NOW [TRUSTED_KEYS_FILE]]\n");
    return 2;
  }
  if (argc >= 4 && seatkey_parse_time(argv[3], &now, err, sizeof err) != SEATKEY_OK) {
    fprintf(stderr, "boot_check: %s\n", err);
    return 2;
  }
  if (argc == 5 && seatkey_trust_store_load_file(argv[4], &trust, err, sizeof err) != SEATKEY_OK) {
    fprintf(stderr, "boot_check: %s\n", err);
    return 2;
  }

  st = seatkey_evaluate_path(argv[1], argv[2], trust, now, &e, err, sizeof err);
  seatkey_trust_store_free(trust); /* the entitlement does not need it */
  if (st != SEATKEY_OK) {
    fprintf(stderr, "boot_check: %s (%s)\n", err, seatkey_status_name(st));
    return 2;
  }

  licensed = seatkey_entitlement_licensed(e);
  printf("appliance: %s\n", seatkey_entitlement_appliance(e));
  printf("licensed: %s\n", licensed ? "yes" : "no");
  printf("edition: %s\n", seatkey_edition_name(seatkey_entitlement_edition(e)));
  printf("server_license: %s\n", licensed ? seatkey_entitlement_server_license(e) : "-");
  printf("users: %d (%d included + %d in packs, max %d, %d over the cap)\n",
         seatkey_entitlement_licensed_users(e), seatkey_entitlement_included_users(e),
         seatkey_entitlement_pack_users(e), seatkey_entitlement_max_users(e),
         seatkey_entitlement_excess_users(e));
  if (seatkey_entitlement_updates_until(e, &until) && seatkey_format_time(until, when, sizeof when)) {
    printf("updates_until: %s\n", when);
  }
  printf("updates_allowed: %s\n",
         seatkey_entitlement_updates_allowed(e, seatkey_entitlement_evaluated_at(e)) ? "yes" : "no");
  printf("may_add_user(10): %s\n", seatkey_entitlement_may_add_user(e, 10) ? "yes" : "no");
  for (i = 0; i < seatkey_entitlement_accepted_count(e); ++i) {
    print_report("accepted", seatkey_entitlement_accepted(e, i));
  }
  for (i = 0; i < seatkey_entitlement_rejected_count(e); ++i) {
    print_report("rejected", seatkey_entitlement_rejected(e, i));
  }
  seatkey_entitlement_free(e); /* every string read from e is invalid from here on */
  return licensed ? 0 : 1;
}

/* The baseline for seatkey-verify: reads a license file and does nothing but the bare
 * PASETO v4.public signature checks with libsodium (base64url, PAE, Ed25519), no JSON, no
 * rules, no check of the footer's kid. Usage: bare_verify K4_PUBLIC FILE. Prints how many
 * tokens verified and the mean size of their PAE messages (bare_sign's SIZE). */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void le64(unsigned char* out, uint64_t n) {
  for (int i = 0; i < 8; ++i, n >>= 8) out[i] = (unsigned char)(n & 0xff);
  out[7] &= 0x7f;
}

int main(int argc, char** argv) {
  if (argc != 3 || sodium_init() < 0) return 2;
  unsigned char pk[32];
  size_t len = 0;
  if (strncmp(argv[1], "k4.public.", 10) != 0 ||
      sodium_base642bin(pk, sizeof pk, argv[1] + 10, strlen(argv[1] + 10), NULL, &len, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != 32)
    return 2;
  FILE* f = fopen(argv[2], "rb");
  if (!f) return 2;
  /* Room for a revocation list (1 MiB), the largest token seatkey reads. */
  static char line[(1 << 20) + 2];
  static unsigned char body[1 << 20], footer[4096], m2[(1 << 20) + 4096];
  long ok = 0, total = 0;
  unsigned long long message_bytes = 0;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "v4.public.", 10) != 0) continue;
    ++total;
    char *b = line + 10, *dot = strchr(b, '.'), *end = b + strcspn(b, "\r\n");
    size_t blen = 0, flen = 0;
    if (!dot || dot > end) dot = end;
    if (sodium_base642bin(body, sizeof body, b, (size_t)(dot - b), NULL, &blen, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        blen < 64)
      continue;
    if (dot < end && sodium_base642bin(footer, sizeof footer, dot + 1, (size_t)(end - dot - 1), NULL, &flen,
                                       NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
      continue;
    size_t plen = blen - 64, n = 0;
    le64(m2, 4), n = 8;
    le64(m2 + n, 10), memcpy(m2 + n + 8, "v4.public.", 10), n += 18;
    le64(m2 + n, plen), memcpy(m2 + n + 8, body, plen), n += 8 + plen;
    le64(m2 + n, flen), memcpy(m2 + n + 8, footer, flen), n += 8 + flen;
    le64(m2 + n, 0), n += 8;
    message_bytes += n;
    if (crypto_sign_verify_detached(body + plen, m2, n, pk) == 0) ++ok;
  }
  fclose(f);
  printf("%ld of %ld verified, PAE message %llu bytes on average\n", ok, total,
         total > 0 ? message_bytes / (unsigned long long)total : 0ULL);
  return ok == total ? 0 : 1;
}

/* The baseline for `seatkey-keygen issue users --count N`: N bare crypto_sign_detached +
 * crypto_sign_verify_detached pairs over distinct messages of SIZE bytes (the size of one
 * pack's PAE message). Usage: bare_sign N SIZE. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc != 3 || sodium_init() < 0) return 2;
  long n = atol(argv[1]), size = atol(argv[2]);
  if (n <= 0 || size <= 8 || size > 4096) return 2;
  unsigned char pk[32], sk[64], sig[64], msg[4096];
  crypto_sign_keypair(pk, sk);
  randombytes_buf(msg, (size_t)size);
  long ok = 0;
  for (long i = 0; i < n; ++i) {
    msg[0] = (unsigned char)i, msg[1] = (unsigned char)(i >> 8), msg[2] = (unsigned char)(i >> 16);
    crypto_sign_detached(sig, NULL, msg, (unsigned long long)size, sk);
    if (crypto_sign_verify_detached(sig, msg, (unsigned long long)size, pk) == 0) ++ok;
  }
  printf("%ld of %ld signed and verified\n", ok, n);
  return ok == n ? 0 : 1;
}

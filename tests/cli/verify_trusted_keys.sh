#!/usr/bin/env bash
# ctest: needs=verify,mint
# Trusted keys: the built-in development key by default; --trusted-keys replaces it; several
# keys at once let a vendor rotate keys.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

pub_a=$("$MINT" --new-key a.secret) || fail "new key A"
pub_b=$("$MINT" --new-key b.secret) || fail "new key B"
kid_a=$("$MINT" --kid --key a.secret) || fail "kid A"

# Default: the development key compiled in.
mint "$(server_payload 1001 compact)" >dev.lic
verify --licenses dev.lic
expect_rc 0 "development key, built in"

# Rotation: server and a pack by key A, two packs by key B.
{
  mint --key a.secret "$(server_payload 2001 compact)" "$(pack_payload 2002 5)"
  mint --key b.secret "$(pack_payload 2003 5)" "$(pack_payload 2004 1)"
} >rotated.lic
printf '# vendor keys\n%s\n\n# next key\n%s\n' "$pub_a" "$pub_b" >both.keys
printf '%s\n' "$pub_b" >only-b.keys

verify --licenses rotated.lic --trusted-keys both.keys --json
expect_rc 0 "A and B trusted"
expect_out '"licensed_users": 14,'
expect_out '"rejected": []'

verify --licenses rotated.lic --trusted-keys only-b.keys --json
expect_rc 1 "only B trusted: A's server license is unknown"
[ "$(grep -c '"reason": "unknown_key",' out)" -eq 2 ] || fail "A's two tokens should be unknown_key"
[ "$(grep -c '"reason": "no_server_license",' out)" -eq 2 ] || fail "B's packs have no server license"
expect_out "signed by a key this system does not trust ($kid_a)"

# The built-in key does not know A or B; --trusted-keys does not add to the built-in keys.
verify --licenses rotated.lic
expect_rc 1 "built-in key only"
verify --licenses dev.lic --trusted-keys both.keys
expect_rc 1 "a trusted-keys file without the development key"
expect_out "signed by a key this system does not trust"

# The development key's file works as a trusted-keys file (comments allowed).
verify --licenses dev.lic --trusted-keys "$DEV_PUBLIC"
expect_rc 0 "keys/development.public as --trusted-keys"

pass

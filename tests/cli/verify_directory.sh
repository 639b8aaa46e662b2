#!/usr/bin/env bash
# ctest: needs=verify,mint
# --licenses DIR: every regular file in name order; hidden files, subdirectories and FIFOs
# skipped; symbolic links followed; sources are DIR/name:line.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mkdir -p lic/sub outside
mint "$(server_payload 1001 compact)" >lic/10-server.lic
mint "$(pack_payload 1002 5)" >lic/20-packs.lic
{ echo "# more packs"; mint "$(pack_payload 1003 5)"; } >outside/extra.lic
ln -s ../outside/extra.lic lic/30-link.lic
mint "$(pack_payload 1004 5)" >lic/.hidden.lic
mint "$(pack_payload 1005 5)" >lic/sub/nested.lic
mkfifo lic/40-fifo
mint "$(pack_payload 1002 5)" >lic/50-copy.lic

verify --licenses lic --json
expect_rc 0 "a directory of license files"
expect_out '"licensed_users": 13,'
expect_out '"source": "lic/10-server.lic:1",'
expect_out '"source": "lic/20-packs.lic:1",'
expect_out '"source": "lic/30-link.lic:2",'
expect_out '"source": "lic/50-copy.lic:1",'
expect_out "a copy of license 1002, already counted from lic/20-packs.lic:1"
expect_out_lacks '"1004"'
expect_out_lacks '"1005"'
expect_out_lacks "fifo"

# A file name that is not UTF-8 still gives valid JSON (U+FFFD for the bad byte).
cp lic/20-packs.lic "lic/25-$(printf '\xff').lic"
verify --licenses lic --json
expect_rc 0 "a file name that is not UTF-8"
expect_out "$(printf '"source": "lic/25-\xef\xbf\xbd.lic:1",')"
rm "lic/25-$(printf '\xff').lic"

# The name order decides which copy counts: here the copy comes first.
mv lic/50-copy.lic lic/05-copy.lic
verify --licenses lic/ --json
expect_out "a copy of license 1002, already counted from lic/05-copy.lic:1"

# A single file works the same way.
verify --licenses lic/10-server.lic
expect_rc 0 "a single file"

pass

#!/bin/bash
# The built-in GIDS profiles make the cards docs/profiles.md describes, and a bad GIDS section
# is refused with a message naming the field (and no image is left behind).
. "$(dirname "$0")/common.sh"
SOFTCARD=${SOFTCARD:?path of the softcard binary}

step "built-in profiles"
run "$SOFTCARD" init --profile gids "$WORK/gids.img"
expect_output 'life cycle operational' "$SOFTCARD" inspect "$WORK/gids.img"
expect_output 'user PIN 0x80: 3 of 3 tries left, length 4..16' "$SOFTCARD" inspect "$WORK/gids.img"
expect_output 'EF B080: key file, 3DES admin key' "$SOFTCARD" inspect "$WORK/gids.img"
run "$SOFTCARD" init --profile gids-blank "$WORK/blank.img"
expect_output 'life cycle creation' "$SOFTCARD" inspect "$WORK/blank.img"

step "a custom profile with a PUK, an AES admin key and a fixed cardid"
cat >"$WORK/custom.json" <<'JSON'
{ "softcard_profile": 1, "applets": ["gids"],
  "gids": { "user_pin": { "value": "87654321", "max_tries": 5 },
            "puk": { "value": "12345678" },
            "admin_key": { "algorithm": "aes", "value": "000102030405060708090a0b0c0d0e0f" },
            "cardid": "0102030405060708090a0b0c0d0e0f10" } }
JSON
run "$SOFTCARD" init --profile "$WORK/custom.json" "$WORK/custom.img"
expect_output 'user PIN 0x80: 5 of 5 tries left' "$SOFTCARD" inspect "$WORK/custom.img"
expect_output 'PUK 0x81: 3 of 3 tries left' "$SOFTCARD" inspect "$WORK/custom.img"
expect_output 'AES admin key' "$SOFTCARD" inspect "$WORK/custom.img"

step "bad GIDS sections are refused, naming the field"
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"user_pin":{"value":"123456","max_tries":20}}}' 'gids\.user_pin\.max_tries: 20 is out of range 1\.\.15'
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"user_pin":{"value":"123"}}}' 'gids\.user_pin\.value: must be 4 to 16 characters'
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"admin_key":{"value":"0011"}}}' 'gids\.admin_key\.value: a 3DES admin key has 24'
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"admin_key":{"algorithm":"des"}}}' 'gids\.admin_key\.algorithm: must be'
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"cardid":"00"}}' 'gids\.cardid: must be'
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"state":"blank","user_pin":{"value":"123456"}}}' 'gids\.user_pin: a blank card has no user_pin'
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"pin":"123456"}}' "gids: unknown field 'pin'"
refused '{"softcard_profile":1,"applets":["gids"],"gids":{"puk":{"value":"12"}}}' 'gids\.puk\.value: must be 4 to 16'
echo PASS

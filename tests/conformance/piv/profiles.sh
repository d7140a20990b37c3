#!/bin/bash
# The built-in PIV profiles make the cards docs/profiles.md describes, and a bad piv or yubikey
# section is refused with a message naming the field (and no image is left behind).
. "$(dirname "$0")/common.sh"
SOFTCARD=${SOFTCARD:?path of the softcard binary}

step "built-in profiles"
run "$SOFTCARD" init --profile piv "$WORK/piv.img"
expect_output 'PIV applet \(SP 800-73-4\)' "$SOFTCARD" inspect "$WORK/piv.img"
expect_output 'PIN 0x80: 3 of 3 tries left' "$SOFTCARD" inspect "$WORK/piv.img"
expect_output 'management key 9B: 3DES' "$SOFTCARD" inspect "$WORK/piv.img"
expect_output 'object 5fc102' "$SOFTCARD" inspect "$WORK/piv.img"
for p in yubikey:5.7.0 yubikey-54:5.4.3 yubikey-53:5.3.4 yubikey-43:4.3.7; do
  run "$SOFTCARD" init --profile "${p%%:*}" "$WORK/${p%%:*}.img"
  expect_output "YubiKey personality: firmware ${p##*:}" "$SOFTCARD" inspect "$WORK/${p%%:*}.img"
  expect_output 'key f9: RSA-2048, PIN policy never' "$SOFTCARD" inspect "$WORK/${p%%:*}.img"
  expect_output 'applet yubikey-mgmt' "$SOFTCARD" inspect "$WORK/${p%%:*}.img"
done
run "$SOFTCARD" init --profile gids+piv "$WORK/multi.img"
expect_output 'applet gids .*default' "$SOFTCARD" inspect "$WORK/multi.img"
expect_output 'applet piv ' "$SOFTCARD" inspect "$WORK/multi.img"
# Every card gets its own serial.
s1=$("$SOFTCARD" inspect "$WORK/yubikey.img" | grep -o 'serial [0-9]*,')
run "$SOFTCARD" init --profile yubikey "$WORK/yubikey2.img"
s2=$("$SOFTCARD" inspect "$WORK/yubikey2.img" | grep -o 'serial [0-9]*,')
[[ "$s1" != "$s2" ]] || fail "two yubikey cards share the serial $s1"

step "a custom profile: PIN, PUK, AES-256 management key, touch that times out, fixed serial"
cat >"$WORK/custom.json" <<'JSON'
{ "softcard_profile": 1, "applets": ["piv", "yubikey-mgmt"],
  "piv": { "pin": { "value": "24681357", "max_tries": 5 },
           "puk": { "value": "13572468", "max_tries": 2 },
           "management_key": { "algorithm": "aes256",
             "value": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" },
           "chuid": false },
  "yubikey": { "firmware": "5.4.3", "serial": 1234567, "form_factor": "usb-c-nano",
               "touch": "timeout", "attestation_key": "eccp256" } }
JSON
run "$SOFTCARD" init --profile "$WORK/custom.json" "$WORK/custom.img"
expect_output 'serial 1234567, form factor 0x04, touch times out' "$SOFTCARD" inspect "$WORK/custom.img"
expect_output 'PIN 0x80: 5 of 5 tries left' "$SOFTCARD" inspect "$WORK/custom.img"
expect_output 'PUK 0x81: 2 of 2 tries left' "$SOFTCARD" inspect "$WORK/custom.img"
expect_output 'management key 9B: AES-256' "$SOFTCARD" inspect "$WORK/custom.img"
expect_output 'key f9: ECC P-256' "$SOFTCARD" inspect "$WORK/custom.img"
if "$SOFTCARD" inspect "$WORK/custom.img" | grep -q 'object 5fc102'; then fail "chuid false wrote one"; fi

step "bad PIV sections are refused, naming the field"
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"pin":{"value":"12345"}}}' 'field piv\.pin\.value: must be 6 to 8'
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"puk":{"value":"123456789"}}}' 'field piv\.puk\.value'
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"pin":{"max_tries":16}}}' 'field piv\.pin\.max_tries'
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"management_key":{"algorithm":"des"}}}' 'field piv\.management_key\.algorithm'
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"management_key":{"value":"0102"}}}' 'field piv\.management_key\.value'
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"management_key":{"algorithm":"aes128"}}}' 'field piv\.management_key\.value: required'
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"pinn":{}}}' "field piv: unknown field 'pinn'"
refused '{"softcard_profile":1,"applets":["piv"],"yubikey":{"firmware":"3.1.0"}}' 'field yubikey\.firmware'
refused '{"softcard_profile":1,"applets":["piv"],"yubikey":{"firmware":"5.7"}}' 'field yubikey\.firmware'
refused '{"softcard_profile":1,"applets":["piv"],"yubikey":{"serial":0}}' 'field yubikey\.serial'
refused '{"softcard_profile":1,"applets":["piv"],"yubikey":{"form_factor":"usb-z"}}' 'field yubikey\.form_factor'
refused '{"softcard_profile":1,"applets":["piv"],"yubikey":{"touch":"maybe"}}' 'field yubikey\.touch'
refused '{"softcard_profile":1,"applets":["piv"],"yubikey":{"attestation_key":"ed25519"}}' 'field yubikey\.attestation_key'
refused '{"softcard_profile":1,"applets":["piv"],"piv":{"management_key":{"algorithm":"aes192"}},"yubikey":{"firmware":"5.3.0"}}' 'AES needs firmware 5\.4'
refused '{"softcard_profile":1,"applets":["gids"],"yubikey":{}}' 'field yubikey: the YubiKey personality is part of the piv applet'
refused '{"softcard_profile":1,"applets":["piv","yubikey-mgmt"]}' 'needs the "yubikey" section'
echo "PIV profiles: OK"

#!/bin/bash
# Blank card: detection, gids-tool --initialize, wrong PIN countdown (63Cx) to blocked (6983),
# gids-tool --unblock with the admin key.
. "$(dirname "$0")/common.sh"
SERIAL=00112233445566778899aabbccddeeff

step "OpenSC CI's jCardSim install APDU is accepted as a no-op"
expect_output 'SW1=0x90, SW2=0x00' opensc-tool --card-driver default --send-apdu 80b80000190bA0000003974254465902010bA00000039742544659020100
step "opensc-tool -n names the card"
expect_output '^GIDS Smart Card' opensc-tool -n
step "gids-tool --initialize on the factory-fresh card"
run gids-tool --initialize --pin "$PIN" --admin-key "$ADMIN_KEY" --serial-number "$SERIAL"
expect_output "Serial number  : $SERIAL" pkcs15-tool -D
expect_output 'Tries left     : 3' pkcs15-tool -D
step "a second --initialize is refused (the card is not new any more)"
if gids-tool --initialize --pin "$PIN" --admin-key "$ADMIN_KEY" >"$WORK/again" 2>&1; then
  cat "$WORK/again"; fail "second initialization succeeded"
fi

step "wrong PINs count down, then the PIN blocks"
expect_sw 63C2 "$SELECT_GIDS" "0020008006303030303030"
expect_sw 63C1 "$SELECT_GIDS" "0020008006303030303030"
expect_output 'Tries left     : 1' pkcs15-tool -D
expect_sw 63C0 "$SELECT_GIDS" "0020008006303030303030"
expect_sw 6983 "$SELECT_GIDS" "0020008006313233343536"
if pkcs11-tool --login --pin "$PIN" -O >"$WORK/login" 2>&1; then cat "$WORK/login"; fail "login with a blocked PIN"; fi
grep -q 'CKR_PIN_LOCKED' "$WORK/login" || { cat "$WORK/login"; fail "expected CKR_PIN_LOCKED"; }

step "gids-tool --unblock (admin mutual authentication + RESET RETRY COUNTER)"
run gids-tool --unblock --admin-key "$ADMIN_KEY" --pin 654321
expect_output 'Tries left     : 3' pkcs15-tool -D
step "a wrong admin key is refused"
if gids-tool --unblock --admin-key 010203040506070801020304050607080102030405060708 --pin 111111 >"$WORK/bad" 2>&1; then
  cat "$WORK/bad"; fail "unblock with a wrong admin key succeeded"
fi
expect_sw 9000 "$SELECT_GIDS" "0020008006363534333231"
run pkcs11-tool --login --pin 654321 -O

step "gids-tool --change-admin-key, then only the new key authenticates"
NEW_KEY=0102030405060708090a0b0c0d0e0f101112131415161718
run gids-tool --change-admin-key --admin-key "$ADMIN_KEY" --new-admin-key "$NEW_KEY"
if gids-tool --unblock --admin-key "$ADMIN_KEY" --pin 222222 >"$WORK/old" 2>&1; then
  cat "$WORK/old"; fail "the old admin key still works"
fi
run gids-tool --unblock --admin-key "$NEW_KEY" --pin 333333
expect_sw 9000 "$SELECT_GIDS" "0020008006333333333333"
echo PASS

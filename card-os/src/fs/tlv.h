#pragma once
// card-os code says fs::parse_tlvs / fs::put_tlv: the wire library's BER-TLV under those names.
#include "softcard/wire/tlv.h"

namespace softcard::fs {
using wire::parse_tlvs;
using wire::put_length;
using wire::put_tlv;
using wire::Tlv;
}  // namespace softcard::fs

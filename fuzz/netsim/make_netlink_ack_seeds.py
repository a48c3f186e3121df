#!/usr/bin/env python3
"""Writes the seed corpus of netlink_ack_fuzzer: a 4-byte sequence number
(little-endian, as on x86 and arm64 hosts) followed by a netlink datagram laid
out as the kernel sends it (struct nlmsghdr: len u32, type u16, flags u16,
seq u32, pid u32; NLMSG_ERROR = 2 carries struct nlmsgerr: error i32 and the
request's header)."""

import os
import struct

NLMSG_ERROR, NLMSG_DONE, RTM_NEWADDR = 2, 3, 20


def msg(mtype, seq, body=b"", length=None):
    n = 16 + len(body) if length is None else length
    m = struct.pack("<IHHII", n, mtype, 0, seq, 0) + body
    return m + b"\0" * (-len(m) % 4)


def ack(seq, error):
    return msg(NLMSG_ERROR, seq, struct.pack("<i", error) + msg(RTM_NEWADDR, seq))


SEEDS = {
    "ack_success": (7, ack(7, 0)),
    "ack_eexist": (7, ack(7, -17)),
    "ack_after_other_messages": (9, msg(RTM_NEWADDR, 9, b"abcd") + ack(8, -1) + ack(9, 0)),
    "done_only": (1, msg(NLMSG_DONE, 1)),
    "length_past_end": (1, msg(NLMSG_ERROR, 1, b"", 4096)),
    "length_below_header": (1, msg(NLMSG_ERROR, 1, b"", 3)),
    "error_cut_short": (1, msg(NLMSG_ERROR, 1, b"ab")),
    "positive_error": (2, ack(2, 5)),
    "error_below_max_errno": (2, ack(2, -4096)),
    # Found by the fuzzer: -INT_MIN overflows.
    "regression_error_int_min": (2, ack(2, -2**31)),
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "netlink_ack")
os.makedirs(here, exist_ok=True)
for name, (seq, body) in SEEDS.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(struct.pack("<I", seq) + body)

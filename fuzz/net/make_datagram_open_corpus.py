#!/usr/bin/env python3
"""Writes the seed corpus of the datagram_open fuzz target (see its header for
the record format). Run from this folder: ./make_datagram_open_corpus.py"""

import os
import struct

# docs/protocol.md §15: the first client->server and server->client datagrams of a
# captured session under the key SY36IMieR0NIt2yGTGVHrQ.
CLIENT = bytes.fromhex(
    "0000000000000000"
    "c7137e1733ae9c611ff1ba932523720a6690682a43e35a8802f61f8a7bcae577"
    "edd985f6ca5f876b2cc006c848b09094f6a00c08a9b1"
    "e2f3112da6f69f41742683075cdea768")
SERVER = bytes.fromhex(
    "8000000000000000"
    "02143271806c2ea12afc77c7f92e7135bffb2fad57dd3200969f223c1f782ddb"
    "01e67e2a45461b0d2e4cea"
    "4e0a1e9c408add6a66b4b7efd0f6b335")

TO_SERVER, TO_CLIENT = 0x00, 0x01
ECN, REPLY, TAKE, TOO_BIG, FORGE = 0x08, 0x10, 0x20, 0x40, 0x80


def addr(i):
    return (i & 3) << 1


def rec(control, advance_ms, body):
    return struct.pack(">BHH", control, advance_ms, len(body)) + body


def forged(direction_bit, seq, ts, tsr, payload=b"0123456789fragment"):
    nonce = (direction_bit << 63) | seq
    return struct.pack(">QHH", nonce, ts, tsr) + payload


def flip(data, i):
    b = bytearray(data)
    b[i] ^= 0x01
    return bytes(b)


SEEDS = {
    "captured_client_datagram_to_server": rec(TO_SERVER | REPLY, 0, CLIENT),
    "captured_server_datagram_to_client": rec(TO_CLIENT | REPLY, 0, SERVER),
    "captured_handshake_both_ways":
        rec(TO_SERVER | REPLY, 2, CLIENT) + rec(TO_CLIENT | REPLY, 40, SERVER),
    "truncated_client_datagram": rec(TO_SERVER, 0, CLIENT[:23]),
    "client_datagram_missing_last_tag_byte": rec(TO_SERVER, 0, CLIENT[:-1]),
    "tampered_ciphertext_from_new_address":
        rec(TO_SERVER, 0, CLIENT) + rec(TO_SERVER | addr(1), 10, flip(CLIENT, 20)),
    "tampered_nonce": rec(TO_SERVER, 0, flip(CLIENT, 7)),
    "wrong_direction_server_datagram_to_server": rec(TO_SERVER, 0, SERVER),
    "wrong_direction_client_datagram_to_client": rec(TO_CLIENT, 0, CLIENT),
    "replayed_from_new_address":
        rec(TO_SERVER, 0, CLIENT) + rec(TO_SERVER | addr(2) | REPLY, 100, CLIENT),
    "oversize_2049_bytes": rec(TO_SERVER, 0, CLIENT + bytes(2049 - len(CLIENT))),
    "empty_record": rec(TO_SERVER, 0, b""),
    "forged_roam_to_ipv6":
        rec(FORGE | TO_SERVER, 0, forged(0, 0, 1000, 0xFFFF)) +
        rec(FORGE | TO_SERVER | addr(3) | REPLY, 30, forged(0, 1, 1030, 0xFFFF)),
    "forged_old_sequence_after_newer":
        rec(FORGE | TO_SERVER, 0, forged(0, 5, 100, 0xFFFF)) +
        rec(FORGE | TO_SERVER | addr(1) | REPLY, 10, forged(0, 3, 200, 50)),
    "forged_ecn_echo": rec(FORGE | TO_SERVER | ECN | REPLY, 5, forged(0, 0, 100, 0xFFFF)),
    "forged_plaintext_three_bytes": rec(FORGE | TO_SERVER, 0, struct.pack(">Q", 0) + b"abc"),
    "forged_rtt_sample_to_client":
        rec(FORGE | TO_CLIENT | REPLY, 0, forged(1, 0, 0xFFFF, 0xFFFF)) +
        rec(FORGE | TO_CLIENT, 80, forged(1, 1, 500, 0)),
    "association_timeout_then_return":
        rec(FORGE | TO_SERVER | REPLY, 0, forged(0, 0, 1, 0xFFFF)) +
        rec(TO_SERVER | REPLY, 40001, b"") + rec(TO_SERVER | REPLY, 1, b"") +
        rec(FORGE | TO_SERVER | addr(1) | REPLY, 5, forged(0, 1, 2, 0xFFFF)),
    "client_port_hops_and_closes":
        rec(TO_CLIENT | REPLY, 0, b"") + rec(TO_CLIENT | REPLY, 10001, b"") +
        rec(TO_CLIENT | REPLY, 10001, b"") + rec(TO_CLIENT | TAKE, 60001, b""),
    "message_too_big_then_send":
        rec(TO_SERVER | TOO_BIG, 0, CLIENT) + rec(TO_SERVER | REPLY, 1, b""),
}

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "datagram_open")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {out}")

"""IPv6 spellings that carry an IPv4 address are judged by the address they carry."""

from __future__ import annotations

import pytest

from monitor.net.netpolicy import address_allowed


@pytest.mark.parametrize(
    "address",
    [
        "::127.0.0.1",  # IPv4-compatible loopback
        "::7f00:1",
        "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254, the metadata service
        "::10.0.0.1",
        "::ffff:0:7f00:1",  # IPv4-translated (SIIT) loopback
        "::ffff:0:a9fe:a9fe",
        "::ffff:0:c0a8:101",  # 192.168.1.1
        "64:ff9b:1::7f00:1",  # local-use NAT64 prefix
        "64:ff9b:1:a9fe:a9:fe00::",
        "64:ff9b:1::808:808",  # local use even around a public address
        "64:ff9b::7f00:1",  # well-known NAT64 prefix, loopback inside
        "::",
        "::1",
    ],
)
def test_an_embedded_private_address_is_refused(address: str) -> None:
    assert address_allowed(address) is False


@pytest.mark.parametrize(
    "address", ["::808:808", "::ffff:0:808:808", "64:ff9b::808:808", "2606:4700::1111"]
)
def test_an_embedded_public_address_is_allowed(address: str) -> None:
    assert address_allowed(address) is True

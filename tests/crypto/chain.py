"""Transactions the tests build themselves (python-bitcoinlib serialises them), with made-up keys."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bitcoin.core import (
    CMutableTransaction,
    CMutableTxIn,
    CMutableTxOut,
    COutPoint,
    CScript,
    CScriptWitness,
    CTxInWitness,
    CTxWitness,
    b2lx,
    lx,
)

from manara.crypto.addresses import address_to_script, hash160, p2pkh_address, p2wpkh_address, parse_address
from manara.crypto.parse import Tx, TxInput, TxOutput

SIG = bytes.fromhex("30440220") + bytes(32) + bytes.fromhex("0220") + bytes(32) + b"\x01"


def key(name: str) -> bytes:
    """A compressed public key shape, made up from ``name``."""
    return b"\x02" + hashlib.sha256(name.encode()).digest()


def p2pkh(name: str) -> str:
    """The P2PKH address of ``name``'s key."""
    return p2pkh_address(key(name))


def p2wpkh(name: str) -> str:
    """The P2WPKH address of ``name``'s key."""
    return p2wpkh_address(key(name))


def raw_tx(inputs: list[tuple[str, int, str, str]], outputs: list[tuple[str, int]]) -> tuple[str, str]:
    """Serialise a transaction: inputs (prev txid, vout, key name, 'p2pkh'|'p2wpkh'), outputs (address, sat).
    Return (txid, hex)."""
    vin, wit = [], []
    for txid, n, name, kind in inputs:
        if kind == "p2pkh":
            vin.append(CMutableTxIn(COutPoint(lx(txid), n), CScript([SIG, key(name)])))
            wit.append(CTxInWitness(CScriptWitness([])))
        else:
            vin.append(CMutableTxIn(COutPoint(lx(txid), n), CScript()))
            wit.append(CTxInWitness(CScriptWitness([SIG, key(name)])))
    vout = [CMutableTxOut(value, CScript(address_to_script(parse_address(addr)))) for addr, value in outputs]
    has_witness = any(kind != "p2pkh" for *_, kind in inputs)
    tx = CMutableTransaction(vin, vout, witness=CTxWitness(wit) if has_witness else CTxWitness())
    return b2lx(tx.GetTxid()), tx.serialize().hex()


def coinbase(address: str, value: int, tag: str) -> tuple[str, str]:
    """A coinbase-shaped transaction paying ``address``."""
    vin = [CMutableTxIn(COutPoint(), CScript([hash160(tag.encode())]))]
    tx = CMutableTransaction(vin, [CMutableTxOut(value, CScript(address_to_script(parse_address(address))))])
    return b2lx(tx.GetTxid()), tx.serialize().hex()


def txid_of(label: str) -> str:
    """A made-up transaction id."""
    return hashlib.sha256(label.encode()).hexdigest()


def tx(
    label: str,
    inputs: list[tuple[str, int, str | None, int | None]],
    outputs: list[tuple[str, int]],
    height: int = 800_000,
) -> Tx:
    """A transaction in the readers' shape: inputs (prev txid, vout, address, value), outputs (address, value)."""
    return Tx(
        txid_of(label),
        height,
        1_700_000_000 + height,
        tuple(
            TxInput(p, n, a, v, "p2pkh" if a and a.startswith("1") else "p2wpkh" if a else "unknown")
            for p, n, a, v in inputs
        ),
        tuple(TxOutput(n, v, a, "p2pkh" if a.startswith("1") else "p2wpkh") for n, (a, v) in enumerate(outputs)),
    )


def etl_line(t: Tx) -> str:
    """A bitcoin-etl JSON line of ``t``."""
    doc: dict[str, Any] = {
        "hash": t.txid,
        "block_number": t.block_height,
        "block_timestamp": t.block_time,
        "is_coinbase": t.is_coinbase,
        "inputs": [
            {
                "index": i,
                "spent_transaction_hash": x.prev_txid,
                "spent_output_index": x.prev_vout,
                "addresses": [x.address] if x.address else [],
                "value": x.value,
                "type": "pubkeyhash",
            }
            for i, x in enumerate(t.inputs)
        ],
        "outputs": [
            {"index": o.n, "addresses": [o.address], "value": o.value, "type": "pubkeyhash"} for o in t.outputs
        ],
    }
    return json.dumps(doc)

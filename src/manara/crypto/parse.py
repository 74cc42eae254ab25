"""Readers of ledger slices: raw Bitcoin blocks and transactions (python-bitcoinlib), Bitcoin Core's
``getblock`` (verbosity 2 or 3) / ``getrawtransaction`` JSON, and bitcoin-etl JSON lines.

Each reader returns ``Parsed``: the transactions in one normalised shape and the bad records by position
(``"line 3"``, ``"tx 12"``, ``"block 0 tx 4"``). Nothing here touches the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bitcoin.core import CBlock, CTransaction, b2lx
from bitcoin.core.serialize import DeserializationExtraDataError, SerializationTruncationError

from manara.crypto.addresses import (
    InvalidAddress,
    p2pkh_address,
    p2sh_address,
    p2wpkh_address,
    parse_address,
    script_to_address,
)

FORMATS = ("raw-block", "raw-tx", "core-json", "etl-jsonl")
MAX_OUTPUTS = 100_000


@dataclass(frozen=True)
class TxInput:
    """A spent output: its outpoint, and the address and value where the record reveals them."""

    prev_txid: str
    prev_vout: int
    address: str | None
    value: int | None
    spend_type: str


@dataclass(frozen=True)
class TxOutput:
    """A created output: index, value in the smallest unit, address (None for nulldata/nonstandard)."""

    n: int
    value: int
    address: str | None
    script_type: str


@dataclass(frozen=True)
class Tx:
    """One transaction in the normalised shape every reader produces."""

    txid: str
    block_height: int | None
    block_time: int | None
    inputs: tuple[TxInput, ...]
    outputs: tuple[TxOutput, ...]
    is_coinbase: bool = False
    chain: str = "btc"


@dataclass
class Parsed:
    """What a reader found: transactions, and bad records as ``{"position", "error"}``."""

    txs: list[Tx] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


class BadRecord(ValueError):
    """One record that cannot be read (the reader adds its position)."""


# --- scripts -----------------------------------------------------------------------------------------------


def pushes(script: bytes) -> list[bytes] | None:
    """Return the data pushes of a push-only script, or None when it holds another opcode or is truncated."""
    out, i, n = [], 0, len(script)
    while i < n:
        op = script[i]
        i += 1
        if op == 0:
            out.append(b"")
            continue
        if op <= 75:
            size = op
        elif op == 76 and i + 1 <= n:
            size, i = script[i], i + 1
        elif op == 77 and i + 2 <= n:
            size, i = int.from_bytes(script[i : i + 2], "little"), i + 2
        elif op == 78 and i + 4 <= n:
            size, i = int.from_bytes(script[i : i + 4], "little"), i + 4
        else:
            return None
        if i + size > n:
            return None
        out.append(script[i : i + size])
        i += size
    return out


def _is_pubkey(data: bytes) -> bool:
    return (len(data) == 33 and data[0] in (2, 3)) or (len(data) == 65 and data[0] == 4)


def spender_address(script_sig: bytes, witness: list[bytes]) -> tuple[str | None, str]:
    """Return the address an input spends from and how it was spent, where the spending data reveals it.

    Revealed: P2PKH (signature and public key in scriptSig), P2WPKH (signature and public key in the
    witness), P2SH-P2WPKH (the 0014<hash> redeem script in scriptSig). A taproot key-path spend shows
    only a signature: ``p2tr_keypath`` without an address. Anything else is ``unknown``.
    """
    sig_pushes = pushes(script_sig)
    if not witness:
        if sig_pushes is not None and len(sig_pushes) == 2 and _is_pubkey(sig_pushes[1]) and sig_pushes[0]:
            return p2pkh_address(sig_pushes[1]), "p2pkh"
        return None, "unknown"
    if len(witness) == 2 and _is_pubkey(witness[1]) and len(witness[1]) == 33:
        if not script_sig:
            return p2wpkh_address(witness[1]), "p2wpkh"
        if sig_pushes is not None and len(sig_pushes) == 1 and len(sig_pushes[0]) == 22:
            redeem = sig_pushes[0]
            if redeem[:2] == b"\x00\x14":
                return p2sh_address(redeem), "p2sh-p2wpkh"
    if not script_sig and len(witness) == 1 and len(witness[0]) in (64, 65):
        return None, "p2tr_keypath"
    return None, "unknown"


# --- raw bytes (python-bitcoinlib) -------------------------------------------------------------------------


def _from_ctx(ctx: CTransaction, height: int | None, time: int | None) -> Tx:
    coinbase = ctx.is_coinbase()
    inputs: list[TxInput] = []
    if not coinbase:
        wits = ctx.wit.vtxinwit if ctx.has_witness() else []
        for i, txin in enumerate(ctx.vin):
            stack = list(wits[i].scriptWitness.stack) if i < len(wits) else []
            address, kind = spender_address(bytes(txin.scriptSig), stack)
            inputs.append(TxInput(b2lx(txin.prevout.hash), int(txin.prevout.n), address, None, kind))
    outputs = []
    for n, txout in enumerate(ctx.vout):
        address, kind = script_to_address(bytes(txout.scriptPubKey))
        outputs.append(TxOutput(n, int(txout.nValue), address, kind))
    return Tx(b2lx(ctx.GetTxid()), height, time, tuple(inputs), tuple(outputs), coinbase)


def read_raw_block(data: bytes, height: int | None = None) -> Parsed:
    """Read one consensus-serialised block (binary, or its hexadecimal text)."""
    data = _maybe_hex(data)
    try:
        block = CBlock.deserialize(data)
    except (SerializationTruncationError, DeserializationExtraDataError, ValueError, IndexError) as exc:
        return Parsed(errors=[{"position": "block", "error": f"not a serialised block: {exc}"}])
    if block.calc_merkle_root() != block.hashMerkleRoot:
        return Parsed(errors=[{"position": "block", "error": "merkle root does not match the transactions"}])
    height = height if height is not None else _bip34_height(block)
    return Parsed(txs=[_from_ctx(ctx, height, int(block.nTime)) for ctx in block.vtx])


def _bip34_height(block: CBlock) -> int | None:
    """Return the height a version-2+ block states in its coinbase (BIP-34), if it does."""
    if not block.vtx or block.nVersion < 2:
        return None
    found = pushes(bytes(block.vtx[0].vin[0].scriptSig)[: 1 + bytes(block.vtx[0].vin[0].scriptSig)[0]])
    if not found or not found[0] or len(found[0]) > 4:
        return None
    return int.from_bytes(found[0], "little")


def read_raw_txs(text: str) -> Parsed:
    """Read serialised transactions, one hexadecimal string per line (blank lines and # comments skipped)."""
    parsed = Parsed()
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            ctx = CTransaction.deserialize(bytes.fromhex(line))
            parsed.txs.append(_from_ctx(ctx, None, None))
        except (ValueError, SerializationTruncationError, DeserializationExtraDataError, IndexError) as exc:
            parsed.errors.append({"position": f"line {lineno}", "error": f"not a serialised transaction: {exc}"})
    return parsed


def _maybe_hex(data: bytes) -> bytes:
    head = data[:160].strip()
    if head and all(c in b"0123456789abcdefABCDEF" for c in head):
        try:
            return bytes.fromhex(data.decode("ascii").strip())
        except (ValueError, UnicodeDecodeError):
            return data
    return data


# --- JSON helpers --------------------------------------------------------------------------------------------


def _int(value: Any, what: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise BadRecord(f"{what} must be an integer >= {minimum}")
    return value


def _txid(value: Any, what: str = "txid") -> str:
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value.lower()):
        raise BadRecord(f"{what} must be 64 hexadecimal digits")
    return value.lower()


def _checked(address: Any, kind: str) -> str | None:
    if address is None:
        return None
    if not isinstance(address, str):
        raise BadRecord("address must be text")
    try:
        return parse_address(address, "btc").text
    except InvalidAddress as exc:
        raise BadRecord(f"address {address[:100]!r}: {exc.reason}") from exc


def _btc_to_sat(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise BadRecord("value must be a number of BTC")
    sat = Decimal(value) * 100_000_000
    if sat != sat.to_integral_value() or sat < 0 or sat > 21_000_000 * 100_000_000:
        raise BadRecord("value is not a whole number of satoshis within the supply")
    return int(sat)


def _core_type(kind: Any) -> str:
    return {
        "pubkeyhash": "p2pkh",
        "scripthash": "p2sh",
        "pubkey": "p2pk",
        "witness_v0_keyhash": "p2wpkh",
        "witness_v0_scripthash": "p2wsh",
        "witness_v1_taproot": "p2tr",
        "witness_unknown": "witness_unknown",
        "nulldata": "nulldata",
    }.get(kind if isinstance(kind, str) else "", "nonstandard")


# --- Bitcoin Core JSON -------------------------------------------------------------------------------------


def _core_inputs(vin: list[Any]) -> tuple[list[TxInput], bool]:
    """Read getblock/getrawtransaction inputs; tell whether the transaction is a coinbase."""
    inputs: list[TxInput] = []
    coinbase = False
    for i, item in enumerate(vin):
        if not isinstance(item, dict):
            raise BadRecord(f"vin {i} must be an object")
        if "coinbase" in item:
            coinbase = True
            continue
        sig = item.get("scriptSig", {})
        wit = item.get("txinwitness", [])
        try:
            script_sig = bytes.fromhex(sig.get("hex", "")) if isinstance(sig, dict) else b""
            witness = [bytes.fromhex(w) for w in wit] if isinstance(wit, list) else []
        except (TypeError, ValueError) as exc:
            raise BadRecord(f"vin {i}: scriptSig or witness is not hexadecimal") from exc
        address, kind = spender_address(script_sig, witness)
        value = None
        prevout = item.get("prevout")
        if isinstance(prevout, dict):  # verbosity 3
            value = _btc_to_sat(prevout.get("value"))
            spk = prevout.get("scriptPubKey", {})
            address = _checked(spk.get("address"), "") if isinstance(spk, dict) else address
        inputs.append(
            TxInput(
                _txid(item.get("txid"), f"vin {i} txid"), _int(item.get("vout"), f"vin {i} vout"), address, value, kind
            )
        )
    return inputs, coinbase


def _core_tx(obj: Any, height: int | None, time: int | None) -> Tx:
    if not isinstance(obj, dict):
        raise BadRecord("a transaction must be a JSON object (getblock verbosity 2 or 3)")
    txid = _txid(obj.get("txid"))
    height = obj.get("height", height)
    time = obj.get("blocktime", obj.get("time", time))
    vin, vout = obj.get("vin"), obj.get("vout")
    if not isinstance(vin, list) or not isinstance(vout, list) or not vout:
        raise BadRecord("vin and vout must be lists (vout not empty)")
    inputs, coinbase = _core_inputs(vin)
    outputs: list[TxOutput] = []
    for j, item in enumerate(vout):
        if not isinstance(item, dict) or not isinstance(item.get("scriptPubKey"), dict):
            raise BadRecord(f"vout {j} must be an object with a scriptPubKey")
        spk = item["scriptPubKey"]
        try:
            script = bytes.fromhex(spk.get("hex", ""))
        except (TypeError, ValueError) as exc:
            raise BadRecord(f"vout {j}: scriptPubKey hex is not hexadecimal") from exc
        address, kind = script_to_address(script) if script else (None, _core_type(spk.get("type")))
        stated = spk.get("address") or (spk.get("addresses") or [None])[0]
        if stated is not None:
            checked = _checked(stated, kind)
            if address is not None and checked != address:
                raise BadRecord(f"vout {j}: address {stated!r} does not match its script")
            address = address or checked
        outputs.append(TxOutput(_int(item.get("n", j), f"vout {j} n"), _btc_to_sat(item.get("value")), address, kind))
    return Tx(
        txid,
        height if isinstance(height, int) else None,
        time if isinstance(time, int) else None,
        tuple(inputs),
        tuple(outputs),
        coinbase,
    )


def read_core_json(text: str) -> Parsed:
    """Read ``getblock`` (verbosity 2/3) or ``getrawtransaction`` (verbose) JSON: one object, an RPC
    envelope ``{"result": …}``, or a list of them."""
    parsed = Parsed()
    try:
        doc = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        return Parsed(errors=[{"position": "document", "error": f"malformed JSON: {exc}"}])
    items = doc if isinstance(doc, list) else [doc]
    for b, item in enumerate(items):
        if isinstance(item, dict) and "result" in item:
            item = item["result"]
        if isinstance(item, dict) and "tx" in item:
            txs = item["tx"]
            if not isinstance(txs, list):
                parsed.errors.append({"position": f"block {b}", "error": "tx must be a list"})
                continue
            height, time = item.get("height"), item.get("time")
            for t, tx in enumerate(txs):
                if isinstance(tx, str):
                    parsed.errors.append(
                        {"position": f"block {b} tx {t}", "error": "txid only: use getblock verbosity 2"}
                    )
                    continue
                try:
                    parsed.txs.append(_core_tx(tx, height, time))
                except BadRecord as exc:
                    parsed.errors.append({"position": f"block {b} tx {t}", "error": str(exc)})
        else:
            try:
                parsed.txs.append(_core_tx(item, None, None))
            except BadRecord as exc:
                parsed.errors.append({"position": f"tx {b}", "error": str(exc)})
    return parsed


# --- bitcoin-etl JSON lines --------------------------------------------------------------------------------


def _etl_tx(obj: Any) -> Tx:
    if not isinstance(obj, dict):
        raise BadRecord("a line must be a JSON object")
    inputs_raw, outputs_raw = obj.get("inputs"), obj.get("outputs")
    if not isinstance(inputs_raw, list) or not isinstance(outputs_raw, list) or not outputs_raw:
        raise BadRecord("inputs and outputs must be lists (outputs not empty)")
    inputs = []
    for i, item in enumerate(inputs_raw):
        if not isinstance(item, dict):
            raise BadRecord(f"input {i} must be an object")
        addresses = item.get("addresses") or []
        if not isinstance(addresses, list):
            raise BadRecord(f"input {i}: addresses must be a list")
        address = _checked(addresses[0], "") if len(addresses) == 1 else None
        value = item.get("value")
        inputs.append(
            TxInput(
                _txid(item.get("spent_transaction_hash"), f"input {i} spent_transaction_hash"),
                _int(item.get("spent_output_index"), f"input {i} spent_output_index"),
                address,
                None if value is None else _int(value, f"input {i} value"),
                _etl_type(item.get("type")),
            )
        )
    outputs = []
    for j, item in enumerate(outputs_raw):
        if not isinstance(item, dict):
            raise BadRecord(f"output {j} must be an object")
        addresses = item.get("addresses") or []
        if not isinstance(addresses, list):
            raise BadRecord(f"output {j}: addresses must be a list")
        kind = _etl_type(item.get("type"))
        address = _checked(addresses[0], kind) if len(addresses) == 1 else None
        script_hex = item.get("script_hex")
        if isinstance(script_hex, str) and script_hex:
            try:
                derived, kind = script_to_address(bytes.fromhex(script_hex))
            except ValueError as exc:
                raise BadRecord(f"output {j}: script_hex is not hexadecimal") from exc
            if address is not None and derived is not None and derived != address and kind != "p2pk":
                raise BadRecord(f"output {j}: address does not match its script")
            address = derived or address
        outputs.append(
            TxOutput(
                _int(item.get("index", j), f"output {j} index"),
                _int(item.get("value"), f"output {j} value"),
                address,
                kind,
            )
        )
    height, time = obj.get("block_number"), obj.get("block_timestamp")
    return Tx(
        _txid(obj.get("hash"), "hash"),
        height if isinstance(height, int) else None,
        time if isinstance(time, int) else None,
        tuple(inputs),
        tuple(outputs),
        bool(obj.get("is_coinbase")),
    )


def _etl_type(kind: Any) -> str:
    return {
        "pubkeyhash": "p2pkh",
        "scripthash": "p2sh",
        "pubkey": "p2pk",
        "witness_v0_keyhash": "p2wpkh",
        "witness_v0_scripthash": "p2wsh",
        "witness_v1_taproot": "p2tr",
        "nulldata": "nulldata",
    }.get(kind if isinstance(kind, str) else "", "nonstandard")


def read_etl_jsonl(text: str) -> Parsed:
    """Read bitcoin-etl's enriched transactions, one JSON object per line."""
    parsed = Parsed()
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            parsed.txs.append(_etl_tx(json.loads(line)))
        except ValueError as exc:  # BadRecord and JSONDecodeError are both ValueErrors
            parsed.errors.append({"position": f"line {lineno}", "error": str(exc)})
    return parsed


def read(fmt: str, data: bytes) -> Parsed:
    """Read ``data`` in one of ``FORMATS``."""
    if fmt == "raw-block":
        return read_raw_block(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Parsed(errors=[{"position": "document", "error": "not UTF-8 text"}])
    if fmt == "raw-tx":
        return read_raw_txs(text)
    if fmt == "core-json":
        return read_core_json(text)
    if fmt == "etl-jsonl":
        return read_etl_jsonl(text)
    return Parsed(errors=[{"position": "document", "error": f"unknown format {fmt!r} ({', '.join(FORMATS)})"}])


def iter_addresses(tx: Tx) -> Iterator[str]:
    """Yield every address a transaction names (inputs then outputs)."""
    for i in tx.inputs:
        if i.address:
            yield i.address
    for o in tx.outputs:
        if o.address:
            yield o.address

"""A generated ledger with known owners: payments with change, address reuse, consolidations and CoinJoin
rounds. Used by the benchmark (speed, precision of each change heuristic), the demo and the tests."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from manara.crypto.addresses import p2pkh_address, p2sh_address, p2wpkh_address
from manara.crypto.parse import Tx, TxInput, TxOutput

KINDS = ("p2pkh", "p2wpkh", "p2sh")


@dataclass
class Ledger:
    """Generated transactions, the owner of every address, and each owner's coins."""

    txs: list[Tx] = field(default_factory=list)
    owner: dict[str, int] = field(default_factory=dict)
    coinjoins: set[str] = field(default_factory=set)


class Generator:
    """Deterministic generator (``seed``) of a ledger among ``owners`` wallets."""

    def __init__(self, owners: int = 1000, seed: int = 7) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - generated ledgers, not secrets
        self.owners = owners
        self.kind = [self.rng.choice(KINDS) for _ in range(owners)]
        self.utxos: list[list[tuple[str, int, str, int]]] = [[] for _ in range(owners)]  # txid, n, address, value
        self.counter = 0
        self.ledger = Ledger()

    def address(self, owner: int, kind: str | None = None) -> str:
        """Return a fresh address of ``owner`` (its usual script type unless ``kind``)."""
        self.counter += 1
        key = b"\x02" + hashlib.sha256(f"k{self.counter}".encode()).digest()
        kind = kind or self.kind[owner]
        text = p2pkh_address(key) if kind == "p2pkh" else p2wpkh_address(key) if kind == "p2wpkh" else p2sh_address(key)
        self.ledger.owner[text] = owner
        return text

    def _txid(self) -> str:
        self.counter += 1
        return hashlib.sha256(f"tx{self.counter}".encode()).hexdigest()

    def _emit(
        self, inputs: list[tuple[str, int, str, int]], outputs: list[tuple[str, int]], *, coinbase: bool = False
    ) -> Tx:
        txid = self._txid()
        tx = Tx(
            txid,
            800_000 + len(self.ledger.txs) // 2000,
            1_700_000_000 + len(self.ledger.txs) * 30,
            tuple(TxInput(t, n, a, v, _spend(a)) for t, n, a, v in inputs),
            tuple(TxOutput(n, v, a, _kind(a)) for n, (a, v) in enumerate(outputs)),
            coinbase,
        )
        self.ledger.txs.append(tx)
        for n, (a, v) in enumerate(outputs):
            self.utxos[self.ledger.owner[a]].append((txid, n, a, v))
        return tx

    def fund(self, owner: int, value: int) -> Tx:
        """A coinbase-like payment into a fresh address of ``owner``."""
        return self._emit([], [(self.address(owner), value)], coinbase=True)

    def pay(self, payer: int, payee: int) -> Tx | None:
        """``payer`` pays ``payee`` a round amount from 1-3 coins, with change (sometimes to a reused input)."""
        coins = self.utxos[payer]
        if not coins:
            return None
        self.rng.shuffle(coins)
        take = [coins.pop() for _ in range(min(len(coins), self.rng.choice((1, 1, 2, 3))))]
        total = sum(c[3] for c in take)
        fee = 1_000
        amount = (self.rng.randint(1, max(1, (total - fee) // 100_000 - 1))) * 100_000
        if self.rng.random() < 0.3:  # a price in another currency: not a round amount of bitcoin
            amount = max(1_000, amount - self.rng.randint(1, 99_999))
        change = total - fee - amount
        if change <= 10_000:
            return self._emit(take, [(self.address(payee), total - fee)])
        roll = self.rng.random()
        if roll < 0.15:
            change_to = take[0][2]  # change back to a spent address (reuse)
        elif roll < 0.25:
            change_to = self.address(payer, self.rng.choice(KINDS))  # a wallet whose change type differs
        else:
            change_to = self.address(payer)
        outputs = [(self.address(payee), amount), (change_to, change)]
        self.rng.shuffle(outputs)
        return self._emit(take, outputs)

    def coinjoin(self, owners: list[int], denomination: int = 10_000_000) -> Tx | None:
        """A CoinJoin round: each owner puts in a coin worth more than ``denomination``, gets one output of
        exactly ``denomination`` at a fresh address, and its change."""
        inputs, outputs = [], []
        for o in owners:
            coins = [c for c in self.utxos[o] if c[3] > denomination + 20_000]
            if not coins:
                continue
            coin = coins[0]
            self.utxos[o].remove(coin)
            inputs.append(coin)
            outputs.append((self.address(o), denomination))
            outputs.append((self.address(o), coin[3] - denomination - 5_000))
        if len(inputs) < 3:
            for coin in inputs:
                self.utxos[self.ledger.owner[coin[2]]].append(coin)
            return None
        self.rng.shuffle(outputs)
        tx = self._emit(inputs, outputs)
        self.ledger.coinjoins.add(tx.txid)
        return tx

    def run(self, n_txs: int, coinjoin_every: int = 200) -> Ledger:
        """Generate about ``n_txs`` transactions."""
        for owner in range(self.owners):
            self.fund(owner, self.rng.randint(5, 50) * 100_000_000)
        while len(self.ledger.txs) < n_txs:
            if coinjoin_every and len(self.ledger.txs) % coinjoin_every == 0:
                self.coinjoin(self.rng.sample(range(self.owners), 5))
            payer = self.rng.randrange(self.owners)
            if self.pay(payer, self.rng.randrange(self.owners)) is None:
                self.fund(payer, self.rng.randint(5, 50) * 100_000_000)
        return self.ledger


def _kind(address: str) -> str:
    return "p2wpkh" if address.startswith("bc1") else "p2sh" if address.startswith("3") else "p2pkh"


def _spend(address: str) -> str:
    return {"p2sh": "p2sh-p2wpkh"}.get(_kind(address), _kind(address))


def generate(n_txs: int, owners: int = 1000, seed: int = 7) -> Ledger:
    """Return a generated ledger of about ``n_txs`` transactions among ``owners`` wallets."""
    return Generator(owners, seed).run(n_txs)

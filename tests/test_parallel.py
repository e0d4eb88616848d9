"""newsdigest.workers.map_chunks: forked workers that inherit what they work on, results in order."""

import os

import pytest

from newsdigest.workers import WorkerDied, map_chunks


def test_workers_inherit_what_cannot_be_pickled_and_results_come_in_order():
    unpicklable = lambda number: number * 2  # noqa: E731 (a lambda: pickle refuses it)
    parents = set()

    def double(chunk):
        return [(unpicklable(number), os.getpid()) for number in chunk]

    results = list(map_chunks(double, list(range(1000)), workers=3, chunk_size=10))
    assert [value for value, _ in results] == [number * 2 for number in range(1000)]
    parents.update(pid for _, pid in results)
    assert os.getpid() not in parents and len(parents) == 3


def test_a_worker_that_dies_fails_the_map():
    def die(chunk):
        if 500 in chunk:
            os._exit(3)
        return chunk

    with pytest.raises(WorkerDied, match="exit code 3"):
        list(map_chunks(die, list(range(1000)), workers=2, chunk_size=100))


def test_few_items_are_mapped_in_this_process():
    assert list(map_chunks(lambda chunk: [os.getpid() for _ in chunk], [1, 2], workers=4)) == [os.getpid()] * 2

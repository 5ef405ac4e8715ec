from concurrent.futures import Future

import torch

from pipeline.train import SharedCores


def test_torch_leaves_the_workers_core_until_the_worker_is_done():
    full = torch.get_num_threads()
    worker: Future = Future()
    with SharedCores(worker) as pace:
        pace()
        assert torch.get_num_threads() == max(1, full - 1)
        worker.set_result(None)
        pace()
        assert torch.get_num_threads() == full


def test_the_threads_come_back_when_training_stops_before_the_worker():
    full = torch.get_num_threads()
    with SharedCores(Future()) as pace:
        pace()
    assert torch.get_num_threads() == full


def test_without_a_worker_torch_keeps_its_threads():
    full = torch.get_num_threads()
    with SharedCores(None) as pace:
        pace()
        assert torch.get_num_threads() == full

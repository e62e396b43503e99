# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded worker threads that read the API, each with a client of its own: the inventory plugin, the event
source and ack_cluster_info's max_workers share them. Knows nothing of Ansible."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading


class ClientPool(object):
    """One client per worker thread and region (a requests.Session is not shared between threads)."""

    def __init__(self, make_client):
        self.make_client = make_client
        self.local = threading.local()
        self.lock = threading.Lock()
        self.made = []

    def get(self, region):
        clients = self.local.__dict__.setdefault('clients', {})
        if region not in clients:
            clients[region] = client = self.make_client(region)
            with self.lock:
                self.made.append(client)
        return clients[region]

    def close(self):
        for client in self.made:
            client.close()


def run_all(pool, func, items):
    """func over items in the pool (a ThreadPoolExecutor), results in order; the first error cancels what has not
    started."""
    futures = [pool.submit(func, item) for item in items]
    try:
        return [f.result() for f in futures]
    except BaseException:
        for f in futures:
            f.cancel()
        raise


def run_threads(func, items, workers):
    """func over items in at most `workers` daemon threads started for this call, results in order (one item, or one
    worker: in the calling thread). After the first error no item is started; it is raised once the threads end.
    Daemon threads never keep a process alive whose work was dropped (the event source when it is stopped)."""
    items = list(items)
    if len(items) <= 1 or workers <= 1:
        return [func(item) for item in items]
    results, errors = [None] * len(items), []
    todo = iter(range(len(items)))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                index = None if errors else next(todo, None)
            if index is None:
                return
            try:
                results[index] = func(items[index])
            except BaseException as error:  # handed to the caller
                with lock:
                    errors.append(error)
                return

    threads = [threading.Thread(target=work, daemon=True) for index in range(min(workers, len(items)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results

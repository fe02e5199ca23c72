"""Several kiosks issuing and several windows calling at once, from separate processes."""

import multiprocessing

from hall_server.app_services import HallServer
from hall_server.services.access import Principal
from hall_server.services.hall_setup import DEMO_STAFF, add_staff
from tests.hall_server import concurrency_workers as workers

ISSUERS, THREADS, PER_THREAD, WINDOWS = 2, 4, 25, (1, 2, 3)


def prepare(url: str) -> int:
    server = HallServer.open(url)
    hall_id = server.services.halls.all_ids()[0]
    for i, n in enumerate(WINDOWS):
        add_staff(server.services, hall_id, DEMO_STAFF[i][0], DEMO_STAFF[i][1])
        server.windows.sign_in(Principal(hall_id, "supervisor", "setup"), n, DEMO_STAFF[i][0], "A")
    server.close()
    return hall_id


def run_processes(url: str, hall_id: int):
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    total = ISSUERS * THREADS * PER_THREAD
    procs = [
        ctx.Process(target=workers.issue_many, args=(url, hall_id, THREADS, PER_THREAD, out)) for _ in range(ISSUERS)
    ]
    procs += [ctx.Process(target=workers.call_until_done, args=(url, hall_id, n, total, out)) for n in WINDOWS]
    for p in procs:
        p.start()
    results = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    issued = [pair for r in results if r[0] == "issued" for pair in r[1]]
    called = {r[1]: r[2] for r in results if r[0] == "called"}
    return issued, called


def test_concurrent_kiosks_never_share_a_number_and_windows_never_share_a_ticket(database_url):
    hall_id = prepare(database_url)
    issued, called = run_processes(database_url, hall_id)
    total = ISSUERS * THREADS * PER_THREAD
    numbers = [n for _, n in issued]
    assert len(issued) == total and len(set(numbers)) == total
    all_called = [t for ids in called.values() for t in ids]
    assert len(all_called) == len(set(all_called)) == total  # every ticket called exactly once
    # Numbers of one prefix form an unbroken sequence: nothing skipped, nothing doubled.
    for prefix in {n[0] for n in numbers}:
        values = sorted(int(n[1:]) for n in numbers if n[0] == prefix)
        assert values == list(range(1, len(values) + 1))

"""The supervisor behind deploy/launch.py and the topology test."""

import os
import signal
import sys
import time

from hdms.ops.launcher import Proc, Supervisor, TopologyPlan, _group_alive


def test_stop_all_also_ends_processes_that_outlived_their_group_leader(tmp_path):
    supervisor = Supervisor(TopologyPlan(), env=dict(os.environ), run_dir=tmp_path)
    # The leader starts a child in its own process group, as an ASGI server starts its workers.
    script = ("import subprocess, sys, time; "
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)']); time.sleep(300)")
    proc = supervisor.start(Proc("server", [sys.executable, "-c", script], None, health_path=None))
    time.sleep(1.0)
    os.kill(proc.popen.pid, signal.SIGKILL)  # only the leader dies; its worker lives on
    proc.popen.wait(timeout=5)
    assert _group_alive(proc.popen.pid)

    supervisor.stop_all(grace=2)

    deadline = time.monotonic() + 5
    while _group_alive(proc.popen.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group_alive(proc.popen.pid)


def test_ports_follow_the_design_and_scale_in_steps_of_ten():
    plan = TopologyPlan(base_port=8000, scale={"ticket": 3})
    assert plan.ports("user") == [8001]
    assert plan.ports("ticket") == [8002, 8012, 8022]
    assert plan.ports("communication") == [8003]
    assert plan.ports("communication_ws") == [8004]
    assert plan.ports("file") == [8005]
    assert plan.gateway_port == 8080

"""The supervisor behind deploy/launch.py and the topology test."""

import os
import signal
import smtplib
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
    assert plan.ports("ai") == [8006]
    assert plan.gateway_port == 8080


def test_tls_moves_the_gateway_to_https_and_keeps_http_for_the_redirect(tmp_path):
    plan = TopologyPlan(base_port=8000, tls_certificate="/etc/hdms/tls.crt", tls_key="/etc/hdms/tls.key",
                        web_port=3000)
    assert (plan.gateway_tls_port, plan.gateway_port) == (8043, 8080)
    assert plan.gateway_origin("desk.idara.example") == "https://desk.idara.example:8043"
    gateway = Supervisor(plan, env={}, run_dir=tmp_path).gateway_config()
    assert gateway.listen == "127.0.0.1:8043" and gateway.redirect_listen == "127.0.0.1:8080"
    assert gateway.upstreams["frontend"] == ["127.0.0.1:3000"]
    public = TopologyPlan(tls_certificate="c", tls_key="k", https_port=443, http_port=80)
    assert public.gateway_origin("desk.idara.example") == "https://desk.idara.example"
    assert TopologyPlan().gateway_origin() == "http://127.0.0.1:8080"


def test_the_web_app_is_a_supervised_process_on_its_port(tmp_path):
    procs = {proc.name: proc for proc in Supervisor(TopologyPlan(web_port=19690), env={}, run_dir=tmp_path).planned()}
    web = procs["frontend"]
    assert web.port == 19690 and web.env == {"HDMS_WEB_HOST": "127.0.0.1", "HDMS_WEB_PORT": "19690"}
    assert web.argv[0] == "node" and web.argv[1].endswith("frontend/server.mjs")  # what `npm run start` runs
    assert "frontend" not in {proc.name for proc in Supervisor(TopologyPlan(), env={}, run_dir=tmp_path).planned()}


def test_the_mail_listener_is_supervised_when_it_has_a_port(tmp_path):
    """Email in (DESIGN §11): planned only with HDMS_MAIL_IN_PORT (deploy/launch.py), started, and
    healthy once its port accepts (it speaks SMTP, not HTTP)."""
    assert "mail_in" not in {proc.name for proc in Supervisor(TopologyPlan(), env={}, run_dir=tmp_path).planned()}
    supervisor = Supervisor(TopologyPlan(mail_in_port=19151), env=dict(os.environ), run_dir=tmp_path)
    mail_in = {proc.name: proc for proc in supervisor.planned()}["mail_in"]
    assert mail_in.argv[-5:] == ["mail_in", "--host", "127.0.0.1", "--port", "19151"] and mail_in.port == 19151
    supervisor.start(mail_in)
    try:
        supervisor.wait_healthy(timeout=60)
        with smtplib.SMTP("127.0.0.1", 19151, timeout=10) as client:
            assert client.noop()[0] == 250
    finally:
        supervisor.stop_all(grace=10)
    assert mail_in.popen is not None and mail_in.popen.returncode == 0  # SIGTERM ends it cleanly


def test_an_optional_tool_that_exits_leaves_the_desk_running_and_a_desk_process_stops_it(tmp_path, capsys):
    """Superset (optional) crashing must not take the desk down; a desk process exiting does."""
    supervisor = Supervisor(TopologyPlan(), env=dict(os.environ), run_dir=tmp_path)
    tool = supervisor.start(Proc("superset", [sys.executable, "-c", "raise SystemExit(3)"], None, health_path=None,
                                 optional=True))
    desk = supervisor.start(Proc("ticket", [sys.executable, "-c", "import time; time.sleep(300)"], None,
                                 health_path=None))
    try:
        tool.popen.wait(timeout=10)
        assert supervisor.stopped_process() is None
        assert "superset exited with 3; the desk goes on without it" in capsys.readouterr().err
        assert supervisor.stopped_process() is None  # reported once
        assert capsys.readouterr().err == ""
        os.kill(desk.popen.pid, signal.SIGKILL)
        desk.popen.wait(timeout=10)
        assert supervisor.stopped_process() == "ticket"
    finally:
        supervisor.stop_all(grace=2)

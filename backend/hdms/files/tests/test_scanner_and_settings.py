"""The clamd client against real clamd daemons, and the production guard."""

import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from hdms.files.models import Attachment, AttachmentStatus
from hdms.files.scanner import ClamdClient, ScannerUnavailable, parse_reply
from hdms.files.tests.clamd_server import EICAR, running_clamd
from hdms.testing.factories_files import pdf_bytes

BACKEND = Path(__file__).resolve().parents[3]


def test_the_client_gets_verdicts_from_a_real_clamd(clamd_url, tmp_path):
    client = ClamdClient(clamd_url)
    clean, infected = tmp_path / "clean.txt", tmp_path / "eicar.txt"
    clean.write_bytes(b"nothing to see")
    infected.write_bytes(EICAR)
    assert client.ping()
    assert client.scan_file(clean).infected is False
    verdict = client.scan_file(infected)
    assert verdict.infected is True
    assert "eicar" in verdict.signature.lower()


def test_no_verdict_is_never_read_as_clean():
    with pytest.raises(ScannerUnavailable):
        parse_reply("INSTREAM size limit exceeded. ERROR")
    with pytest.raises(ScannerUnavailable):
        parse_reply("")
    assert parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND").signature == "Win.Test.EICAR_HDB-1"


def test_an_unreachable_tcp_clamd_is_unavailable():
    client = ClamdClient("tcp://127.0.0.1:1", timeout=2)
    assert client.ping() is False
    with pytest.raises(ScannerUnavailable):
        client.scan_file(Path(__file__))


@pytest.mark.django_db
def test_a_file_larger_than_clamd_accepts_stays_quarantined(desk, upload, disk, settings):
    """clamd cuts the stream off past its StreamMaxLength: no verdict, so no release."""
    settings.FILES_SCAN_MAX_RETRIES = 0
    with running_clamd(stream_max="1K") as small_clamd:
        settings.FILES_CLAMD_URL = small_clamd
        response = upload(desk.requestor, desk.ticket.id, "long.pdf", pdf_bytes(padding=500_000))
    attachment = Attachment.objects.get(id=response.json()["id"])
    assert attachment.status == AttachmentStatus.PENDING
    assert attachment.scan_error
    assert [p.name for p in disk.quarantined()] == [f"{attachment.stored_name}.q"]
    assert disk.stored() == []


def _settings_check(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HDMS_", "DJANGO_"))}
    base.update({"DJANGO_SETTINGS_MODULE": "hdms.settings.production", "HDMS_SECRET_KEY": secrets.token_urlsafe(48),
                 "HDMS_DATA_DIR": "/tmp/hdms-files-settings-check", **env})
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=BACKEND, env=base,
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_scanner():
    refused = _settings_check()
    assert refused.returncode != 0
    assert "HDMS_CLAMD_URL" in refused.stderr
    assert _settings_check(HDMS_CLAMD_URL="unix:///run/clamav/clamd.ctl").returncode == 0, \
        _settings_check(HDMS_CLAMD_URL="unix:///run/clamav/clamd.ctl").stderr[-800:]


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_cannot_both_fit_under_the_ticket_total(desk, upload, settings, disk, postgres_only):
    settings.FILES_MAX_TICKET_BYTES = 10_000
    results = []
    barrier = threading.Barrier(2)

    def send(name):
        barrier.wait()
        try:
            results.append(upload(desk.requestor, desk.ticket.id, name, pdf_bytes(padding=6_000)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(f"f{i}.pdf",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201, 413]
    assert Attachment.objects.filter(ticket_id=desk.ticket.id).count() == 1

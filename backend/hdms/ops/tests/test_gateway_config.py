"""The gateway configuration: valid for nginx, routes DESIGN §1's prefixes, Docker copy current."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from hdms.ops.gateway import DOCKER_CONF, Gateway, docker_gateway, render_nginx, render_text

SERVICE_OF_PATH = [
    ("/api/v1/tickets/6f1c/messages", "communication"),
    ("/api/v1/tickets/6f1c/attachments", "file"),
    ("/api/v1/attachments/6f1c/download", "file"),
    ("/api/v1/ai/triage", "ai"),
    ("/api/v1/ai/models/train", "ai"),
    ("/api/v1/tickets", "ticket"),
    ("/api/v1/tickets/6f1c/actions/assign", "ticket"),
    ("/api/v1/approvals", "ticket"),
    ("/api/v1/analytics/summary", "ticket"),
    ("/api/v1/audit", "ticket"),
    ("/api/v1/sla/policies", "ticket"),
    ("/api/v1/jobs/dead-letters", "ticket"),
    ("/api/v1/kb/articles", "ticket"),
    ("/api/v1/kb/suggest", "ticket"),
    ("/api/v1/notifications/read-all", "communication"),
    ("/api/v1/canned-responses/6f1c/render", "communication"),
    ("/api/v1/tickets/6f1c/mentionable", "ticket"),
    ("/api/v1/tickets/6f1c/links", "ticket"),
    ("/api/v1/views/counts", "ticket"),
    ("/api/v1/categories/6f1c", "ticket"),
    ("/api/v1/auth/login", "user"),
    ("/api/v1/users/6f1c", "user"),
    ("/api/v1/departments", "user"),
]


def _regex_locations(text: str) -> list[tuple[str, str]]:
    """(regex, upstream) of every regex location, in file order (nginx takes the first match)."""
    found = []
    for match in re.finditer(r"location ~ (\S+) \{(.*?)\n        \}", text, re.S):
        upstream = re.search(r"proxy_pass http://hdms_(\w+);", match.group(2))
        if upstream:
            found.append((match.group(1), upstream.group(1)))
    return found


def test_each_prefix_reaches_its_service(tmp_path):
    text = render_text(Gateway(prefix=tmp_path, listen="18080", upstreams={}))
    locations = _regex_locations(text)
    for path, service in SERVICE_OF_PATH:
        first = next(upstream for regex, upstream in locations if re.search(regex.replace("(?<", "(?P<"), path))
        assert first == service, path
    assert "/ws/" in text and "proxy_set_header Upgrade $http_upgrade;" in text


def test_uploads_allow_500_mb_unbuffered_and_json_stays_small(tmp_path):
    text = render_text(Gateway(prefix=tmp_path, listen="18080", upstreams={}))
    upload = text[text.index("/attachments(/|$) {"):]
    upload = upload[: upload.index("}")]
    assert "client_max_body_size 500m;" in upload
    assert "proxy_request_buffering off;" in upload
    assert "client_max_body_size 10m;" in text


def test_rendered_config_passes_nginx_t_with_scaled_upstreams(tmp_path):
    assert shutil.which("nginx"), "nginx is needed (apt-get install nginx)"
    gateway = Gateway(prefix=tmp_path, listen="127.0.0.1:18999",
                      upstreams={"ticket": ["127.0.0.1:18002", "127.0.0.1:18012"], "user": ["127.0.0.1:18001"]})
    conf = render_nginx(gateway)
    assert conf.read_text().count("server 127.0.0.1:180") == 3
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_docker_gateway_config_is_rendered_from_the_current_template():
    assert DOCKER_CONF.read_text() == render_text(docker_gateway()), (
        "deploy/nginx/hdms.docker.conf is stale: run `cd backend && python -m hdms.ops.gateway`"
    )


def test_compose_and_dockerfiles_start_the_services_the_launcher_starts():
    deploy = Path(DOCKER_CONF).parents[1]
    compose = (deploy / "docker-compose.yml").read_text()
    for service, port in (("user", 8001), ("ticket", 8002), ("communication", 8003), ("file", 8005)):
        dockerfile = (deploy / "docker" / f"Dockerfile.{service}").read_text()
        assert f'"serve", "{service}", "--host", "0.0.0.0", "--port", "{port}"' in dockerfile
        assert f"dockerfile: deploy/docker/Dockerfile.{service}" in compose
    assert '"--port", "8004"' in compose
    for queue in ("high", "default", "low"):
        assert f'"-Q", "{queue}"' in compose
    assert '"beat"' in compose


def test_serve_execs_the_asgi_server_with_the_service_set(capsys):
    call_command("serve", "ticket", "--port", "18002", "--server", "uvicorn", "--dry-run")
    line = capsys.readouterr().out
    assert line.startswith("HDMS_SERVICE=ticket ")
    assert "uvicorn hdms.asgi:application --host 127.0.0.1 --port 18002" in line
    call_command("serve", "file", "--port", "18005", "--server", "granian", "--dry-run")
    line = capsys.readouterr().out
    assert "--interface asgi --host 127.0.0.1 --port 18005" in line  # uploads stream through ASGI's receive
    assert line.rstrip().endswith("hdms.asgi:application")


def test_granian_serves_the_ticket_service_through_wsgi_on_its_pools_threads(capsys, settings):
    settings.DATABASES = {"default": {**settings.DATABASES["default"],
                                      "OPTIONS": {"pool": {"min_size": 2, "max_size": 6}}}}
    call_command("serve", "ticket", "--port", "18002", "--server", "granian", "--dry-run")
    line = capsys.readouterr().out
    assert "--interface wsgi --host 127.0.0.1 --port 18002" in line
    assert "--blocking-threads 6" in line
    assert line.rstrip().endswith("hdms.wsgi:application")
    # The communication service's HTTP process too (its WebSockets are a uvicorn process of their own).
    call_command("serve", "communication", "--port", "18003", "--server", "granian", "--dry-run")
    line = capsys.readouterr().out
    assert "--interface wsgi --host 127.0.0.1 --port 18003" in line
    assert line.rstrip().endswith("hdms.wsgi:application")
    # uvicorn and daphne serve ASGI only: the ticket service stays there under them.
    call_command("serve", "ticket", "--port", "18002", "--server", "daphne", "--dry-run")
    assert capsys.readouterr().out.rstrip().endswith("hdms.asgi:application")


def _tls_gateway(tmp_path: Path) -> Gateway:
    from hdms.ops.tests.topology import make_certificate

    certificate = make_certificate(tmp_path / "tls")
    return Gateway(prefix=tmp_path, listen="127.0.0.1:18943", redirect_listen="127.0.0.1:18980",
                   tls_certificate=certificate.certificate, tls_key=certificate.key,
                   upstreams={"user": ["127.0.0.1:18001"]})


def test_tls_config_passes_nginx_t_serves_https_and_redirects_plain_http(tmp_path):
    gateway = _tls_gateway(tmp_path)
    conf = render_nginx(gateway)
    text = conf.read_text()
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "listen 127.0.0.1:18943 ssl;" in text
    assert f"ssl_certificate {gateway.tls_certificate};" in text
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text
    redirect = text[text.index("listen 127.0.0.1:18980;"):]
    redirect = redirect[: redirect.index("\n    }\n")]
    assert "return 301 https://$host:18943$request_uri;" in redirect
    assert "proxy_pass" not in redirect  # nothing is served over plain HTTP
    assert 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in text
    assert "proxy_hide_header Strict-Transport-Security;" in text  # one HSTS header, the gateway's
    assert "proxy_cookie_flags ~ secure;" in text


def test_redirect_to_port_443_names_no_port_and_plain_http_has_no_hsts(tmp_path):
    gateway = _tls_gateway(tmp_path)
    gateway.listen, gateway.redirect_listen = "443", "80"
    assert "return 301 https://$host$request_uri;" in render_text(gateway)
    plain = render_text(Gateway(prefix=tmp_path, listen="18080", upstreams={}))
    assert "Strict-Transport-Security \"" not in plain
    assert " ssl;" not in plain and "return 301" not in plain


def test_tls_needs_a_key_with_the_certificate(tmp_path):
    gateway = _tls_gateway(tmp_path)
    gateway.tls_key = None
    with pytest.raises(ValueError, match="certificate and a key"):
        render_text(gateway)


def test_locations_with_their_own_proxy_headers_still_pass_host_client_and_scheme(tmp_path):
    """nginx drops every server-level proxy_set_header in a location that sets one of its own; the
    WebSocket, web app and Flower locations must repeat what the services trust (issue 11 item 5)."""
    text = render_text(Gateway(prefix=tmp_path, listen="18080", upstreams={}))
    blocks = re.findall(r"\n        location [^{]+\{(.*?)\n        \}", text, re.S)
    own = [block for block in blocks if "proxy_set_header" in block]
    assert len(own) >= 4  # /ws/, /, /flower/ and Flower's auth check
    for block in own:
        for header in ("Host $host", "X-Real-IP $remote_addr", "X-Forwarded-Proto $scheme",
                       "X-Request-ID $hdms_request_id"):
            assert f"proxy_set_header {header};" in block, (header, block[:200])


def test_every_operation_of_every_service_reaches_that_service(tmp_path):
    """Each service's own routes, taken from its routers (hdms.topology), go to that service
    through the gateway: a router added to a service without its prefix in the gateway answers
    404 from another service in production while every in-process test passes."""
    import importlib

    from hdms.topology import SERVICES

    locations = [(re.compile(regex.replace("(?<", "(?P<")), upstream)
                 for regex, upstream in _regex_locations(render_text(Gateway(prefix=tmp_path, listen="18080",
                                                                            upstreams={})))]
    wrong = []
    for service, spec in SERVICES.items():
        for module_name in spec["api"]:
            for prefix, router in importlib.import_module(module_name).routes:
                for route in router.path_operations:
                    path = "/api/v1" + prefix + re.sub(r"\{[^}]+\}", "6f1c", route)
                    reached = next((upstream for regex, upstream in locations if regex.search(path)), "user")
                    if reached != service:
                        wrong.append(f"{path} reaches {reached}, not {service}")
    assert not wrong, "\n".join(wrong)

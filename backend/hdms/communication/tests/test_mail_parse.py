"""Reading inbound mail (email in, DESIGN §11): the quoted history cut from replies, HTML reduced
to text, and the marks of a machine-sent mail. The end-to-end behaviour is test_mail_in.py's."""

from email.message import EmailMessage

import pytest

from hdms.communication.mail_parse import Unreadable, html_to_text, letter_from_bytes, strip_quoted


@pytest.mark.parametrize(("text", "kept"), [
    ("Fixed, thanks.\n\nOn Mon, 7 Dec 2026 at 10:00, HDMS <helpdesk@idara.example> wrote:\n> old\n", "Fixed, thanks."),
    ("Fixed.\nOn Mon, 7 Dec 2026 at 10:00, HDMS Help Desk\n<helpdesk@idara.example> wrote:\n> old", "Fixed."),
    ("Yes.\n\n-----Original Message-----\nFrom: HDMS\nSent: Monday\n\nold text", "Yes."),
    ("Yes.\n________________________________\nFrom: HDMS <helpdesk@idara.example>\nold", "Yes."),
    ("Line one\n> quoted inline\nLine two\n-- \nAli Raza\nIT", "Line one\nLine two"),
    ("One\n\n\n\nTwo", "One\n\nTwo"),
])
def test_the_new_part_of_a_reply_is_kept(text, kept):
    assert strip_quoted(text) == kept


def test_html_becomes_text_with_its_line_breaks():
    assert html_to_text("<div>A &lt;b&gt;<br>B</div><style>p{}</style><p>C</p>").strip() == "A <b>\nB\nC"


def _raw(**headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("From", "ali@idara.example")
    message["Subject"] = "Hello"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Body")
    return message.as_bytes()


@pytest.mark.parametrize(("headers", "return_path", "why"), [
    ({"Auto_Submitted": "auto-generated"}, "ali@idara.example", "Auto-Submitted"),
    ({"List_Id": "<staff.idara.example>"}, "ali@idara.example", "List-Id"),
    ({"Precedence": "list"}, "ali@idara.example", "Precedence"),
    ({"From": "noreply@vendor.example"}, "bounces@vendor.example", "From noreply"),
    ({}, "postmaster@idara.example", "return path"),
    ({}, "<>", "empty return path"),
])
def test_machine_sent_mail_is_recognised(headers, return_path, why):
    assert why in letter_from_bytes(_raw(**headers), return_path=return_path).automatic


def test_a_person_s_mail_is_not_automatic():
    letter = letter_from_bytes(_raw(Auto_Submitted="no", Precedence="first-class"), return_path="ali@idara.example")
    assert letter.automatic == "" and letter.text == "Body" and letter.sender == "ali@idara.example"


def test_a_delivery_report_is_automatic():
    report = (b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n"
              b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
              b"--b\r\nContent-Type: text/plain\r\n\r\nIt failed.\r\n--b--\r\n")
    assert letter_from_bytes(report, return_path="ali@idara.example").automatic == "a delivery or read report"


def test_binary_noise_is_unreadable():
    with pytest.raises(Unreadable):
        letter_from_bytes(bytes(range(256)) * 4, return_path="ali@idara.example")

"""Training on a generated history, the served suggestions, abstention, the data gate, feedback."""

from pathlib import Path

import numpy as np
import pytest

from hdms.ai import engine, services
from hdms.ai.learn import RARE, LabelModel
from hdms.ai.models import ModelStatus, Suggestion
from hdms.audit.models import AuditEntry
from hdms.core.errors import Forbidden, ValidationFailed
from hdms.testing.factories_tickets import submitted_ticket

pytestmark = pytest.mark.django_db


def test_training_on_a_generated_history_stores_a_version_with_held_out_metrics(history, settings):
    version = services.model_train_run(trigger="admin")

    assert version.status == ModelStatus.READY and version.is_active
    assert version.training_size == 1500
    departments = version.metrics["departments"]
    assert departments["held_out"] == 300  # the newest fifth
    assert departments["top3_accuracy_answered"] >= 0.9
    assert 0 <= departments["abstention_rate"] < 0.8
    assert set(departments["per_label"]) <= set(history.values())
    assert {"precision", "recall", "support"} <= set(departments["per_label"][history["IT"]])
    assert "calibration_error" in departments and "macro_f1" in departments
    assert version.metrics["sla_risk"]["tickets"] > 0
    artefact = Path(settings.DATA_DIR) / "ai" / "models" / version.artefact
    assert artefact.exists() and len(version.sha256) == 64
    assert AuditEntry.objects.filter(action="ai.model_trained", object_id=str(version.id)).exists()


def test_a_trained_model_suggests_the_department_in_three_languages(history, people):
    version = services.model_train_run(trigger="admin")
    threshold = version.metrics["departments"]["threshold"]
    texts = [("Printer jams in the library", "Every second page gets stuck.", "IT"),
             ("کمرہ 5 میں نل ٹپک رہا ہے", "سارا دن فرش پر پانی رہتا ہے۔", "MNT"),
             ("Meri tankhwah ki parchi mein ghalti", "Allowance shamil nahi.", "FIN")]
    for title, description, code in texts:
        suggestion = services.triage_suggest(user=people["moderator"], title=title, description=description)
        assert suggestion.source == "model"
        assert suggestion.model_version.number == 1
        assert suggestion.departments[0]["department_id"] == history[code], (title, suggestion.departments)
        assert len(suggestion.departments) <= 3
        assert all(0 <= row["probability"] <= 1 for row in suggestion.departments)
        best = suggestion.departments[0]["probability"]
        assert best > 0.5 and suggestion.abstained == (best < threshold)
        for row in suggestion.categories[:1]:
            assert row["category_id"].startswith(code.lower()[:2])


def test_the_best_guess_being_a_rare_department_abstains(history, people, settings):
    settings.HDMS_AI_MIN_EXAMPLES = 200  # Library has about 8 tickets in 1,500; Finance about 150
    services.model_train_run(trigger="admin")
    suggestion = services.triage_suggest(user=people["moderator"], title="Library card renewal",
                                         description="Library card renew karna hai, book issue register")
    assert suggestion.abstained and suggestion.reason == "too_few_examples"
    assert history["LIB"] not in [row["department_id"] for row in suggestion.departments]


def test_a_department_switched_off_is_never_suggested(history, people):
    services.model_train_run(trigger="admin")
    services.department_switch_update(by=people["admin"], department_id=history["IT"], suggestions_enabled=False)
    suggestion = services.triage_suggest(user=people["moderator"], title="Wi-Fi not working in the library",
                                         description="The internet keeps disconnecting.")
    assert suggestion.abstained and suggestion.reason == "department_off"
    assert history["IT"] not in [row["department_id"] for row in suggestion.departments]
    assert AuditEntry.objects.filter(action="ai.department_switch", object_id=history["IT"]).exists()


def test_abstention_follows_the_threshold_and_the_rare_class():
    model = LabelModel(classifier=None, classes=["a", "b", RARE], threshold=0.6)
    sure = model.rank(np.array([0.7, 0.2, 0.1]))
    unsure = model.rank(np.array([0.5, 0.4, 0.1]))
    rare = model.rank(np.array([0.2, 0.1, 0.7]))
    assert not sure.abstained and sure.labels[0] == ("a", 0.7)
    assert unsure.abstained and unsure.reason == "unsure" and unsure.labels[0][0] == "a"
    assert rare.abstained and rare.reason == "too_few_examples" and [lbl for lbl, _ in rare.labels] == ["a", "b"]


def test_the_threshold_reaches_the_target_precision_and_never_answers_a_coin_toss():
    from hdms.ai.learn import choose_threshold

    top_p = np.array([0.95] * 80 + [0.7] * 10 + [0.45] * 10)
    correct = np.array([True] * 78 + [False] * 2 + [True] * 6 + [False] * 4 + [True] * 4 + [False] * 6)
    assert choose_threshold(top_p, correct, 0.9) == 0.5  # 84 of 90 right from 0.5: the 0.45s abstain
    assert choose_threshold(top_p, correct, 0.95) == 0.71  # 78 of 80 right only above 0.7
    assert choose_threshold(top_p, correct, 0.99) == 1.01  # never reached: always abstain


def test_below_the_data_gate_no_model_is_trained_and_rules_answer(people, settings):
    from hdms.testing.ai_history import generate, load_into_desk

    settings.HDMS_AI_MIN_HISTORY = 1000
    departments = load_into_desk(generate(200, seed=3, days=30), requestor=people["requestor"])

    version = services.model_train_run(trigger="nightly")
    assert version.status == ModelStatus.SKIPPED and not version.is_active
    assert version.metrics == {"history": 200, "min_history": 1000}

    suggestion = services.triage_suggest(user=people["moderator"], title="Printer not working",
                                         description="The printer in the staff room shows offline.")
    assert suggestion.source == "rules" and suggestion.model_version is None
    assert suggestion.departments[0]["department_id"] == departments["IT"]
    assert suggestion.reason == "history_too_small" and not suggestion.abstained
    nothing = services.triage_suggest(user=people["moderator"], title="Hello", description="Question")
    assert nothing.source == "rules" and nothing.abstained and nothing.departments == []


def test_feedback_is_recorded_and_audited_with_the_model_version(history, people):
    services.model_train_run(trigger="admin")
    moderator = people["moderator"]
    ticket = submitted_ticket(people["requestor"], title="Fan not working in room 4",
                              description="The ceiling fan makes noise and then stops.")
    suggestion = services.triage_suggest(user=moderator, title=ticket.title, description=ticket.description,
                                         ticket_id=ticket.id)
    assert suggestion.ticket_id == ticket.id
    top = suggestion.departments[0]["department_id"]

    services.feedback_record(user=moderator, suggestion_id=suggestion.id, accepted=True)
    services.feedback_record(user=moderator, suggestion_id=suggestion.id, accepted=True)  # a retry
    entries = AuditEntry.objects.filter(action="ai.feedback", object_id=str(suggestion.id))
    assert entries.count() == 1
    entry = entries.get()
    assert entry.after["accepted"] is True and entry.after["chosen_department_id"] == top
    assert entry.after["model_version"] == 1 and entry.after["ticket_id"] == str(ticket.id)
    assert entry.actor_id == moderator.id

    other = history["ADM"]
    services.feedback_record(user=moderator, suggestion_id=suggestion.id, accepted=False, chosen_department_id=other)
    suggestion = Suggestion.objects.get(id=suggestion.id)
    assert suggestion.accepted is False and str(suggestion.chosen_department_id) == other
    assert AuditEntry.objects.filter(action="ai.feedback", object_id=str(suggestion.id)).count() == 2


def test_feedback_refuses_requestors_and_accepting_an_unsuggested_department(history, people):
    services.model_train_run(trigger="admin")
    suggestion = services.triage_suggest(user=people["moderator"], title="Leaking tap in hall B",
                                         description="Water is on the floor all day.")
    with pytest.raises(Forbidden):
        services.feedback_record(user=people["requestor"], suggestion_id=suggestion.id, accepted=True)
    unsuggested = next(d for d in history.values() if d not in [r["department_id"] for r in suggestion.departments])
    with pytest.raises(ValidationFailed):
        services.feedback_record(user=people["moderator"], suggestion_id=suggestion.id, accepted=True,
                                 chosen_department_id=unsuggested)


def test_similar_open_tickets_are_shown_with_a_score_and_not_the_ticket_itself(history, people):
    requestor, moderator = people["requestor"], people["moderator"]
    first = submitted_ticket(requestor, title="Projector shows no picture in room 12",
                             description="The projector turns on but the screen stays blue.")
    submitted_ticket(requestor, title="Salary slip correction", description="The allowance is missing.")
    suggestion = services.triage_suggest(user=moderator, title="Projector in room 12 shows no picture",
                                         description="Screen stays blue when the projector turns on.")
    assert suggestion.similar[0]["ticket_id"] == str(first.id)
    assert suggestion.similar[0]["number"] == first.number and 0.35 <= suggestion.similar[0]["score"] <= 1
    assert all(row["ticket_id"] != str(first.id) for row in services.triage_suggest(
        user=moderator, title=first.title, description=first.description, ticket_id=first.id).similar)


def test_a_requestor_sees_only_their_own_similar_tickets(history, people):
    from hdms.testing.factories import UserFactory

    stranger = UserFactory()
    submitted_ticket(stranger, title="Projector shows no picture in room 12",
                     description="The projector turns on but the screen stays blue.")
    suggestion = services.triage_suggest(user=people["requestor"], title="Projector shows no picture in room 12",
                                         description="The projector turns on but the screen stays blue.")
    assert suggestion.similar == []


def test_sla_risk_is_a_calibrated_probability_for_open_tickets(history, people):
    services.model_train_run(trigger="admin")
    risks = services.sla_risk()
    assert risks, "the generated history leaves some tickets open"
    for risk in risks.values():
        assert 0 <= risk["probability"] <= 1 and risk["level"] in ("low", "medium", "high")
        assert risk["model_version"] == 1
    engine.forget()

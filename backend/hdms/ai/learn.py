"""The learned parts of the ai service (DESIGN §12), in plain scikit-learn with no Django import, so
the benchmarks (bench/ai_eval.py) train and score exactly what the service serves.

- Triage: where a ticket should go (department, category) from its text. Character n-grams
  (``char_wb``, 2-5) read English, Urdu script and Roman Urdu alike without a tokenizer; word
  uni- and bigrams add whole-word evidence. A linear SVM with balanced class weights, calibrated
  by isotonic regression over 3 folds (``CalibratedClassifierCV``), gives probabilities; the model
  abstains below a threshold chosen on held-out tickets (the smallest one at which its answers
  reach ``target_precision``), and when the best guess is a department with too few examples.
- SLA risk: the probability that an open ticket misses its resolution target, from tabular
  features (department, category, priority, target, time left, backlogs, requestor history,
  text length), gradient-boosted trees calibrated by isotonic regression over 3 folds. Training
  rows are snapshots of past tickets taken while they were still open, labelled with whether
  they breached in the end.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

RARE = "__rare__"  # the one class every department (or category) with too few examples shares
TOP_K = 3

# Arabic-script letters with more than one code point in use, folded to the Urdu one; diacritics
# (zer, zabar, pesh, ...) and the elongation mark carry no meaning for routing.
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ە": "ہ", "ۀ": "ہ", "ـ": None,
                       **{chr(c): None for c in range(0x064B, 0x0660)}, "\u0670": None,
                       **{chr(0x06F0 + d): str(d) for d in range(10)}, **{chr(0x0660 + d): str(d) for d in range(10)}})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """One spelling per letter (NFKC, Urdu letter variants folded, diacritics dropped), lower case."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).translate(_FOLD).lower()).strip()


def ticket_text(title: str, description: str) -> str:
    # The title twice: it is what the requestor chose to say first and is shorter than the body.
    return normalise(f"{title} {title} {description}")


def text_vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_df=0.9, sublinear_tf=True,
                                  max_features=300_000, dtype=np.float32)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True,
                                  token_pattern=r"(?u)\b\w+\b", max_features=200_000, dtype=np.float32)),
    ])


LARGE_HISTORY = 50_000  # from here 2 calibration folds (each still 25,000+ tickets) instead of 3


def _classifier(n: int = 0) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import SGDClassifier

    # A linear SVM (hinge loss) by SGD with a fixed number of passes (a predictable training time),
    # calibrated by isotonic regression on 3-fold out-of-fold scores. Measured on generated
    # histories (docs/decisions.md, issue 15): against Platt scaling, the expected calibration error
    # fell from 0.13 to 0.05 (1,500 tickets) and 0.06 to 0.03 (20,000) at the same accuracy;
    # LogisticRegression was better calibrated on 1,500 but 2 points less accurate on 20,000.
    # ensemble=False: one model to score at run time.
    svm = SGDClassifier(loss="hinge", alpha=2e-5, class_weight="balanced", max_iter=15, tol=None, random_state=0)
    return CalibratedClassifierCV(svm, method="isotonic", cv=2 if n >= LARGE_HISTORY else 3, ensemble=False)


def _labels_with_rare(labels: Sequence[str], min_examples: int) -> tuple[list[str], set[str]]:
    counts = Counter(labels)
    rare = {label for label, count in counts.items() if count < min_examples}
    return [RARE if label in rare else label for label in labels], rare


@dataclass
class Ranked:
    """A classifier's answer: the top labels with probabilities, and whether it abstains."""

    labels: list[tuple[str, float]]
    abstained: bool
    reason: str = ""  # "" | "unsure" | "too_few_examples" | "no_model"


@dataclass
class LabelModel:
    """One calibrated classifier over the shared text features (departments, or categories)."""

    classifier: Any
    classes: list[str]
    threshold: float
    rare: set[str] = field(default_factory=set)

    def rank(self, probabilities: np.ndarray, *, k: int = TOP_K, exclude: frozenset[str] = frozenset()) -> Ranked:
        order = np.argsort(-probabilities)
        labels = [(self.classes[i], float(probabilities[i])) for i in order if self.classes[i] not in exclude]
        if not labels:
            return Ranked([], True, "no_model")
        best, best_p = labels[0]
        shown = [(label, p) for label, p in labels if label != RARE][:k]
        if best == RARE:
            return Ranked(shown, True, "too_few_examples")
        return Ranked(shown, best_p < self.threshold, "unsure" if best_p < self.threshold else "")


MIN_CONFIDENCE = 0.5  # below it a calibrated answer is more likely wrong than right: never given


def choose_threshold(top_p: np.ndarray, correct: np.ndarray, target_precision: float) -> float:
    """The smallest probability threshold, and at least ``MIN_CONFIDENCE``, at which the answers given
    (top-1 at or above it) are right at least ``target_precision`` of the time on held-out tickets;
    1.01 (always abstain) if none."""
    if len(top_p) == 0:
        return 1.01
    for threshold in np.round(np.arange(MIN_CONFIDENCE, 1.0, 0.01), 2):
        answered = top_p >= threshold
        if answered.sum() >= max(10, 0.02 * len(top_p)) and correct[answered].mean() >= target_precision:
            return float(threshold)
    return 1.01


def _calibration_error(top_p: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the top-1 probability (equal-width bins)."""
    if len(top_p) == 0:
        return 0.0
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(top_p, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            error += mask.mean() * abs(top_p[mask].mean() - correct[mask].mean())
    return float(error)


def label_metrics(model: LabelModel, probabilities: np.ndarray, truth: Sequence[str]) -> dict[str, Any]:
    """Held-out metrics: top-1/top-3 where answered, abstention rate, per-label precision and recall
    of the top-1 answer (abstentions count as no answer), macro-F1, calibration of the top-1."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    truth_arr = np.asarray(truth)
    ranked = [model.rank(p, k=TOP_K) for p in probabilities]
    answered = np.array([not r.abstained for r in ranked])
    top1 = np.array([r.labels[0][0] if r.labels else "" for r in ranked])
    top3 = [[label for label, _ in r.labels] for r in ranked]
    in_top3 = np.array([t in labels for t, labels in zip(truth_arr, top3, strict=True)])
    top_p = probabilities.max(axis=1) if len(probabilities) else np.array([])
    predicted_raw = np.asarray(model.classes)[probabilities.argmax(axis=1)] if len(probabilities) else np.array([])
    correct_raw = predicted_raw == truth_arr
    labels = sorted(set(truth_arr) - {RARE})
    given = np.where(answered, top1, "")
    precision, recall, f1, support = precision_recall_fscore_support(
        truth_arr, given, labels=labels, zero_division=0)
    return {
        "held_out": len(truth_arr),
        "answered": int(answered.sum()),
        "abstention_rate": round(float(1 - answered.mean()), 4) if len(answered) else 1.0,
        "top1_accuracy_answered": round(float((top1 == truth_arr)[answered].mean()), 4) if answered.any() else None,
        "top3_accuracy_answered": round(float(in_top3[answered].mean()), 4) if answered.any() else None,
        "top1_accuracy_all": round(float(correct_raw.mean()), 4) if len(truth_arr) else None,
        "top3_accuracy_all": round(float(in_top3.mean()), 4) if len(truth_arr) else None,
        "macro_f1": round(float(f1_score(truth_arr, predicted_raw, labels=labels, average="macro",
                                         zero_division=0)), 4),
        "macro_f1_answered": round(float(f1.mean()), 4) if len(labels) else 0.0,
        "calibration_error": round(_calibration_error(top_p, correct_raw), 4),
        "brier_top1": round(float(np.mean((top_p - correct_raw) ** 2)), 4) if len(top_p) else None,
        "threshold": model.threshold,
        "per_label": {label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "support": int(s)}
                      for label, p, r, s in zip(labels, precision, recall, support, strict=True)},
    }


@dataclass
class TriageExample:
    title: str
    description: str
    department: str
    category: str
    created_at: datetime


@dataclass
class TriageModel:
    vectorizer: Any
    departments: LabelModel | None
    categories: LabelModel | None

    def predict(self, title: str, description: str, *, exclude_departments: frozenset[str] = frozenset()
                ) -> tuple[Ranked, Ranked]:
        features = self.vectorizer.transform([ticket_text(title, description)])
        return (self._rank(self.departments, features, exclude_departments),
                self._rank(self.categories, features, frozenset()))

    @staticmethod
    def _rank(model: LabelModel | None, features: Any, exclude: frozenset[str]) -> Ranked:
        if model is None:
            return Ranked([], True, "no_model")
        return model.rank(model.classifier.predict_proba(features)[0], exclude=exclude)


def _fit_label_model(features: Any, labels: list[str], min_examples: int) -> LabelModel | None:
    mapped, rare = _labels_with_rare(labels, min_examples)
    if len(set(mapped) - {RARE}) < 2 or min(Counter(mapped).values()) < 3:
        return None
    classifier = _classifier(len(mapped)).fit(features, mapped)
    return LabelModel(classifier=classifier, classes=list(classifier.classes_), threshold=0.0, rare=rare)


def _fit_categories(features: Any, rows: Sequence[TriageExample], min_examples: int) -> LabelModel | None:
    """Categories are learned from the tickets that have one (many tickets carry none)."""
    mask = np.array([bool(r.category) for r in rows], dtype=bool)
    if not mask.any():
        return None
    return _fit_label_model(features[mask], [r.category for r in rows if r.category], min_examples)


def _probabilities(model: LabelModel, features: Any) -> np.ndarray:
    return np.asarray(model.classifier.predict_proba(features))


def _set_threshold(model: LabelModel | None, features: Any, labels: list[str], target_precision: float) -> None:
    if model is None or not labels:
        return
    truth = np.asarray([RARE if label in model.rare or label not in model.classes else label for label in labels])
    probabilities = _probabilities(model, features)
    predicted = np.asarray(model.classes)[probabilities.argmax(axis=1)]
    model.threshold = choose_threshold(probabilities.max(axis=1), predicted == truth, target_precision)


@dataclass
class TriageTraining:
    model: TriageModel
    metrics: dict[str, Any]


def train_triage(examples: Sequence[TriageExample], *, min_examples: int = 20, target_precision: float = 0.90,
                 held_out: float = 0.2, validation: float = 0.15, refit: bool = True) -> TriageTraining:
    """Train on the oldest tickets, choose the abstention threshold on the next slice, measure on
    the newest ``held_out`` share (a split in time, as the model will meet tomorrow's tickets), then
    (``refit``) train the served model on everything with the chosen thresholds.

    The TF-IDF vocabulary and weights are fitted once on every text (no label is involved), which
    saves a second pass over the history; departments and categories are learned from the slices."""
    from threadpoolctl import threadpool_limits

    started = time.perf_counter()
    ordered = sorted(examples, key=lambda e: e.created_at)
    n_test = int(len(ordered) * held_out)
    n_train = len(ordered) - n_test
    n_fit = n_train - int(n_train * validation)
    with threadpool_limits(1):  # OpenMP/BLAS threads on a shared 2-core box only fight each other
        vectorizer = text_vectorizer()
        x_all = vectorizer.fit_transform([ticket_text(r.title, r.description) for r in ordered])
        fit, val, test = ordered[:n_fit], ordered[n_fit:n_train], ordered[n_train:]
        x_fit, x_val, x_test = x_all[:n_fit], x_all[n_fit:n_train], x_all[n_train:]
        departments = _fit_label_model(x_fit, [r.department for r in fit], min_examples)
        categories = _fit_categories(x_fit, fit, min_examples)
        _set_threshold(departments, x_val, [r.department for r in val], target_precision)
        with_category = np.array([bool(r.category) for r in val], dtype=bool)
        _set_threshold(categories, x_val[with_category], [r.category for r in val if r.category], target_precision)
        metrics: dict[str, Any] = {"training_size": len(ordered), "fit_size": len(fit), "validation_size": len(val)}
        test_with_category = np.array([bool(r.category) for r in test], dtype=bool)
        for name, model, x, truth in (
            ("departments", departments, x_test, [r.department for r in test]),
            ("categories", categories, x_test[test_with_category], [r.category for r in test if r.category]),
        ):
            if model is not None and truth:
                mapped = [RARE if t in model.rare or t not in model.classes else t for t in truth]
                metrics[name] = label_metrics(model, _probabilities(model, x), mapped)
        metrics["evaluation_seconds"] = round(time.perf_counter() - started, 2)
        if refit:
            served_departments = _fit_label_model(x_all, [r.department for r in ordered], min_examples)
            served_categories = _fit_categories(x_all, ordered, min_examples)
            for served, chosen in ((served_departments, departments), (served_categories, categories)):
                if served is not None:
                    served.threshold = chosen.threshold if chosen is not None else 1.01
            departments, categories = served_departments, served_categories
    metrics["training_seconds"] = round(time.perf_counter() - started, 2)
    return TriageTraining(TriageModel(vectorizer, departments, categories), metrics)


# ---------------------------------------------------------------------------------- SLA risk

PRIORITIES = {"low": 0, "medium": 1, "high": 2, "urgent": 3}
SNAPSHOT_FRACTIONS = (0.0, 0.25, 0.5, 0.75)
RISK_LEVELS = ((0.6, "high"), (0.3, "medium"), (0.0, "low"))


def risk_level(probability: float) -> str:
    return next(level for floor, level in RISK_LEVELS if probability >= floor)


@dataclass
class SlaTicket:
    """What the SLA risk model knows of a ticket (from the ticket service's selectors)."""

    id: str
    department: str
    category: str
    priority: str
    requestor: str
    assignee: str
    started_at: datetime          # the SLA clock's start
    due_at: datetime              # the resolution target
    finished_at: datetime | None  # resolved (or closed, rejected, withdrawn)
    breached: bool                # resolved late, or still open past the target
    text_length: int
    has_amount: bool
    is_subticket: bool


FEATURES = ("department", "category", "priority", "target_hours", "elapsed_fraction", "hours_left",
            "department_backlog", "assignee_load", "requestor_history", "text_length", "has_amount", "is_subticket")
CATEGORICAL = ("department", "category")


class _OpenCounter:
    """How many tickets of a group were open at an instant: started at or before it minus finished
    at or before it (two sorted arrays per group, a binary search each)."""

    def __init__(self, tickets: Sequence[SlaTicket], key: str) -> None:
        starts: dict[str, list[float]] = {}
        ends: dict[str, list[float]] = {}
        for t in tickets:
            group = getattr(t, key)
            if not group:
                continue
            starts.setdefault(group, []).append(t.started_at.timestamp())
            if t.finished_at is not None:
                ends.setdefault(group, []).append(t.finished_at.timestamp())
        self.starts = {g: np.sort(np.asarray(v)) for g, v in starts.items()}
        self.ends = {g: np.sort(np.asarray(v)) for g, v in ends.items()}

    def at(self, group: str, instant: float) -> int:
        if not group or group not in self.starts:
            return 0
        started = int(np.searchsorted(self.starts[group], instant, side="right"))
        ended = int(np.searchsorted(self.ends.get(group, np.empty(0)), instant, side="right"))
        return max(0, started - ended)


class SlaContext:
    """The desk around the tickets at any instant: department backlogs, assignee loads and each
    requestor's earlier tickets, built once from the history (training) or from the open tickets
    and recent history (prediction)."""

    def __init__(self, history: Sequence[SlaTicket]) -> None:
        self.department = _OpenCounter(history, "department")
        self.assignee = _OpenCounter(history, "assignee")
        by_requestor: dict[str, list[float]] = {}
        for t in history:
            by_requestor.setdefault(t.requestor, []).append(t.started_at.timestamp())
        self.requestor = {r: np.sort(np.asarray(v)) for r, v in by_requestor.items()}

    def row(self, ticket: SlaTicket, instant: datetime) -> list[Any]:
        at = instant.timestamp()
        target = max((ticket.due_at - ticket.started_at).total_seconds(), 60.0)
        elapsed = max(0.0, at - ticket.started_at.timestamp())
        earlier = self.requestor.get(ticket.requestor)
        return [
            ticket.department or "", ticket.category or "", PRIORITIES.get(ticket.priority, 1), target / 3600,
            min(elapsed / target, 5.0), (ticket.due_at.timestamp() - at) / 3600,
            self.department.at(ticket.department, at), self.assignee.at(ticket.assignee, at),
            int(np.searchsorted(earlier, ticket.started_at.timestamp(), side="left")) if earlier is not None else 0,
            ticket.text_length, int(ticket.has_amount), int(ticket.is_subticket),
        ]


def _categories_of(rows: list[list[Any]]) -> dict[str, list[str]]:
    """The most common values of each categorical feature (the trees take at most 255; the rest are
    read as missing)."""
    return {name: sorted(value for value, _ in Counter(str(row[FEATURES.index(name)]) for row in rows).most_common(250))
            for name in CATEGORICAL}


def _risk_estimator() -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier

    mask = [name in CATEGORICAL for name in FEATURES]
    trees = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.08, max_leaf_nodes=31,
                                           categorical_features=mask, random_state=0)
    return CalibratedClassifierCV(trees, method="isotonic", cv=3)


@dataclass
class SlaRiskModel:
    estimator: Any
    categories: dict[str, list[str]]  # the training values of each categorical feature, in code order

    def matrix(self, rows: list[list[Any]]) -> np.ndarray:
        """Rows as numbers: a categorical value is its index among the training values (NaN, read as
        missing by the trees, for a value the model has not seen)."""
        codes = {name: {value: index for index, value in enumerate(values)} for name, values in self.categories.items()}
        out = np.empty((len(rows), len(FEATURES)), dtype=np.float64)
        for i, row in enumerate(rows):
            for j, name in enumerate(FEATURES):
                value = row[j]
                out[i, j] = codes[name].get(str(value), np.nan) if name in codes else float(value)
        return out

    def probabilities(self, tickets: Sequence[SlaTicket], context: SlaContext, now: datetime) -> list[float]:
        if not tickets:
            return []
        p = self.estimator.predict_proba(self.matrix([context.row(t, now) for t in tickets]))[:, 1]
        # Past the target it has breached already: no model needed.
        return [1.0 if t.due_at <= now else float(pi) for t, pi in zip(tickets, p, strict=True)]


def _snapshots(tickets: Sequence[SlaTicket], context: SlaContext) -> tuple[list[list[Any]], list[int]]:
    """Each past ticket seen at fixed shares of its target (0, 25, 50, 75 %) while it was still open:
    the rows are what the model meets for an open ticket at that point, labelled with the outcome."""
    rows, labels = [], []
    for t in tickets:
        if t.finished_at is None and not t.breached:
            continue  # still open and on time: its outcome is not known yet
        for fraction in SNAPSHOT_FRACTIONS:
            instant = t.started_at + (t.due_at - t.started_at) * fraction
            if t.finished_at is not None and instant >= t.finished_at:
                break
            rows.append(context.row(t, instant))
            labels.append(int(t.breached))
    return rows, labels


def train_sla_risk(tickets: Sequence[SlaTicket], *, held_out: float = 0.2, min_examples: int = 200,
                   refit: bool = True) -> tuple[SlaRiskModel | None, dict[str, Any]]:
    """Calibrated breach probability; metrics on the newest ``held_out`` share of tickets."""
    from threadpoolctl import threadpool_limits

    # One thread: on a shared 2-core box OpenMP's spinning threads made the trees 40 times slower
    # (90 s against 2.2 s for 62,700 rows, measured under a load average of 11).
    with threadpool_limits(1):
        return _train_sla_risk(tickets, held_out=held_out, min_examples=min_examples, refit=refit)


def _train_sla_risk(tickets: Sequence[SlaTicket], *, held_out: float, min_examples: int,
                    refit: bool) -> tuple[SlaRiskModel | None, dict[str, Any]]:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    started = time.perf_counter()
    known = sorted((t for t in tickets if t.finished_at is not None or t.breached), key=lambda t: t.started_at)
    breaches = sum(t.breached for t in known)
    metrics: dict[str, Any] = {"tickets": len(known), "breach_rate": round(breaches / len(known), 4) if known else None}
    if len(known) < min_examples or breaches < 20 or len(known) - breaches < 20:
        metrics["skipped"] = "too_few_examples"
        return None, metrics
    context = SlaContext(tickets)
    n_test = int(len(known) * held_out)
    train, test = known[: len(known) - n_test], known[len(known) - n_test:]
    x_train, y_train = _snapshots(train, context)
    x_test, y_test = _snapshots(test, context)
    model = SlaRiskModel(_risk_estimator(), _categories_of(x_train))
    model.estimator.fit(model.matrix(x_train), y_train)
    if x_test and len(set(y_test)) == 2:
        p = model.estimator.predict_proba(model.matrix(x_test))[:, 1]
        y = np.asarray(y_test)
        metrics.update({
            "snapshots_train": len(y_train), "snapshots_held_out": len(y_test),
            "roc_auc": round(float(roc_auc_score(y, p)), 4),
            "brier": round(float(brier_score_loss(y, p)), 4),
            "brier_base_rate": round(float(brier_score_loss(y, np.full(len(y), np.mean(y_train)))), 4),
            "calibration_error": round(_calibration_error(p, y.astype(bool)), 4),
        })
    if refit:
        x_all, y_all = _snapshots(known, context)
        model = SlaRiskModel(_risk_estimator(), _categories_of(x_all))
        model.estimator.fit(model.matrix(x_all), y_all)
    metrics["training_seconds"] = round(time.perf_counter() - started, 2)
    return model, metrics

"""The ai service's models on a generated history (DESIGN §7 "Intelligence", issue 15).

- Evaluation: a generated history of N tickets (English, Urdu script, Roman Urdu, with noise: see
  hdms/testing/ai_history.py), split in time: the oldest 68 % train, the next 12 % choose the
  abstention threshold, the newest 20 % are held out. Top-1 and top-3 accuracy where the model
  does not abstain, abstention rate, macro-F1, calibration; per language and per kind of ticket.
- Suggestion latency in process: one ``TriageModel.predict`` per held-out ticket, p50/p95/p99.
- Training time on a larger history (department + category + SLA risk, with the refit the
  service does).
- The learning curve behind the data gate (HDMS_AI_MIN_HISTORY).

No database: the same functions the service trains and serves with (hdms.ai.learn).

    cd backend && .venv/bin/python ../bench/ai_eval.py --tickets 20000 --train-tickets 100000 \
        --curve 300,600,1000,2000,5000 --out ../bench/reports/ai.md
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from hdms.ai.learn import RARE, TOP_K, train_sla_risk, train_triage
from hdms.testing.ai_history import generate


def machine() -> str:
    load = os.getloadavg()
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, "
            f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start")


def evaluate(n: int) -> list[str]:
    tickets = generate(n, seed=15)
    started = time.perf_counter()
    training = train_triage([t.triage_example() for t in tickets], refit=False)
    seconds = time.perf_counter() - started
    model = training.model
    held = sorted(tickets, key=lambda t: t.created_at)[len(tickets) - training.metrics["departments"]["held_out"]:]
    m = training.metrics["departments"]
    lines = [f"## Department suggestion on {n:,} generated tickets (held out: the newest {len(held):,})", "",
             f"Trained in {seconds:.0f} s (without the refit on everything).", "",
             "| measure | value | bar (§7) |", "| --- | --- | --- |",
             f"| top-1 accuracy where not abstaining | {m['top1_accuracy_answered']:.3f} | ≥ 0.85 |",
             f"| top-3 accuracy where not abstaining | {m['top3_accuracy_answered']:.3f} | ≥ 0.95 |",
             f"| abstention rate | {m['abstention_rate']:.3f} | |",
             (f"| top-1 / top-3 accuracy on every held-out ticket | {m['top1_accuracy_all']:.3f} / "
             f"{m['top3_accuracy_all']:.3f} | |"),
             f"| macro-F1 (top-1, all) | {m['macro_f1']:.3f} | |",
             f"| expected calibration error of the top-1 probability | {m['calibration_error']:.3f} | |",
             f"| abstention threshold (chosen on the validation slice) | {m['threshold']:.2f} | |", "",
             "Per department (top-1 answers given; abstentions count as no answer):", "",
             "| department | precision | recall | held-out tickets |", "| --- | --- | --- | --- |"]
    lines += [f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['support']} |"
              for label, v in sorted(m["per_label"].items())]
    c = training.metrics.get("categories")
    if c:
        lines += ["", (f"Categories: top-1 {c['top1_accuracy_answered']:.3f} and top-3 "
                      f"{c['top3_accuracy_answered']:.3f} where not abstaining, "
                      f"abstention {c['abstention_rate']:.3f}, macro-F1 {c['macro_f1']:.3f}.")]
    # Per language and per kind of ticket, and the latency of one suggestion.
    groups: dict[tuple[str, str], list[tuple[bool, bool, bool]]] = defaultdict(list)
    latencies, cpu = [], []
    rare = model.departments.rare if model.departments else set()
    for t in held:
        begun, begun_cpu = time.perf_counter(), time.process_time()
        departments, _ = model.predict(t.title, t.description)
        latencies.append((time.perf_counter() - begun) * 1000)
        cpu.append((time.process_time() - begun_cpu) * 1000)
        truth = RARE if t.department in rare else t.department
        labels = [label for label, _ in departments.labels[:TOP_K]]
        row = (not departments.abstained, bool(labels) and labels[0] == truth, truth in labels)
        groups[("language", t.language)].append(row)
        groups[("kind", t.kind)].append(row)
    lines += ["", "| group | tickets | abstained | top-1 where answered | top-3 where answered |",
              "| --- | --- | --- | --- | --- |"]
    for (kind, name), rows in sorted(groups.items()):
        answered = [r for r in rows if r[0]]
        top1 = np.mean([r[1] for r in answered]) if answered else float("nan")
        top3 = np.mean([r[2] for r in answered]) if answered else float("nan")
        lines.append(f"| {kind} {name} | {len(rows)} | {1 - len(answered) / len(rows):.3f} | {top1:.3f} | {top3:.3f} |")
    p, c = np.percentile(latencies, [50, 95, 99]), np.percentile(cpu, [50, 95, 99])
    lines += ["", (f"Suggestion in process (vectorise + calibrated model, one ticket at a time, {len(latencies):,} "
                  f"held-out tickets): wall clock p50 {p[0]:.1f} ms, p95 {p[1]:.1f} ms, p99 {p[2]:.1f} ms; CPU time "
                  f"p50 {c[0]:.1f} ms, p95 {c[1]:.1f} ms, p99 {c[2]:.1f} ms (bar: p95 < 20 ms)."), ""]
    return lines


def training_time(n: int) -> list[str]:
    tickets = generate(n, seed=16)
    started, started_cpu = time.perf_counter(), time.process_time()
    training = train_triage([t.triage_example() for t in tickets])
    triage_seconds, triage_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    started, started_cpu = time.perf_counter(), time.process_time()
    _, sla = train_sla_risk([t.sla_ticket() for t in tickets])
    sla_seconds, sla_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    m = training.metrics["departments"]
    return [f"## Training on {n:,} generated tickets", "",
            (f"- departments and categories (evaluation, then the served model refitted on everything): "
            f"{triage_seconds:.0f} s; held-out top-1 {m['top1_accuracy_answered']:.3f} / top-3 "
            f"{m['top3_accuracy_answered']:.3f} where answered, abstention {m['abstention_rate']:.3f}"),
            (f"- SLA risk ({sla.get('snapshots_train', 0):,} training snapshots): {sla_seconds:.0f} s; "
             f"held-out ROC AUC "
            f"{sla.get('roc_auc')}, Brier {sla.get('brier')} (base rate alone {sla.get('brier_base_rate')}), "
            f"calibration error {sla.get('calibration_error')}"),
            (f"- total {triage_seconds + sla_seconds:.0f} s wall clock, {triage_cpu + sla_cpu:.0f} s of CPU "
            f"(departments and categories {triage_cpu:.0f} s, SLA risk {sla_cpu:.0f} s; one thread) "
            f"(bar: under 5 minutes)"), ""]


def curve(sizes: list[int]) -> list[str]:
    lines = ["## Learning curve (the data gate)", "",
             "| history | abstention | top-1 where answered | top-3 where answered | top-1 all | macro-F1 |",
             "| --- | --- | --- | --- | --- | --- |"]
    for n in sizes:
        m = train_triage([t.triage_example() for t in generate(n, seed=7, days=max(30, n // 15))],
                         refit=False).metrics["departments"]
        lines.append(f"| {n:,} | {m['abstention_rate']:.3f} | {m['top1_accuracy_answered']} | "
                     f"{m['top3_accuracy_answered']} | {m['top1_accuracy_all']:.3f} | {m['macro_f1']:.3f} |")
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--train-tickets", type=int, default=100_000)
    parser.add_argument("--curve", default="300,600,1000,2000,5000")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    out = Path(args.out) if args.out else None

    def emit(lines: list[str]) -> None:  # section by section: a long run still leaves what it measured
        text = "\n".join(lines) + "\n"
        print(text, flush=True)
        if out is not None:
            with out.open("a") as handle:
                handle.write(text)

    if out is not None:
        out.write_text("")
    emit(["# ai service: evaluation on a generated history", "", f"Machine: {machine()}.", ""])
    if args.tickets:
        emit(evaluate(args.tickets))
    if args.train_tickets:
        emit(training_time(args.train_tickets))
    if args.curve:
        emit(curve([int(x) for x in args.curve.split(",")]))
    emit([f"Finished; load average at the end {os.getloadavg()[0]:.1f}."])

if __name__ == "__main__":
    main()

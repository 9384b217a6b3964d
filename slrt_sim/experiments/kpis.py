"""The names of the KPIs and per-stage statistics, and their labels (no pandas, no model: cheap to import).

Names are defined once here; their Indonesian and English labels live in the catalogue
under ``kpi.<name>`` and ``stage.<name>``, so every table, plot and app agrees. How each is
computed: :mod:`slrt_sim.experiments.results`.
"""
from __future__ import annotations

from slrt_sim.domain.scenario import NEED_TYPES
from slrt_sim.i18n import t

KPI_FIELDS = (
    "target_met_90d", "target_time_to_service_median", "info_on_spot",
    "cases", "needs_met", "needs_met_30d", "needs_met_90d", "unlisted_met_90d", "handled_30d", "identified",
    "time_to_service_median",
    "days_to_service_median", "days_to_service_p90",
    "exclusion_error_start", "exclusion_error_end", "inclusion_error_start", "inclusion_error_end",
    "backlog_end", "unidentified_end", "served", "ineligible", "lost", "complaints",
    "complaints_resolved_14d", "util_fo", "util_bo", "util_manager", "util_puskesos", "util_fasilitator",
    "wait_fo_hours", "wait_bo_hours", "outreach_visits",
) + tuple(f"needs_met_{n}" for n in NEED_TYPES) + tuple(f"share_{n}" for n in NEED_TYPES)
"""Every KPI of a run, in display order."""

PERCENT_KPIS = frozenset(
    {"target_met_90d", "info_on_spot", "needs_met", "needs_met_30d", "needs_met_90d", "unlisted_met_90d", "handled_30d", "identified", "exclusion_error_start", "exclusion_error_end",
     "inclusion_error_start", "inclusion_error_end", "complaints_resolved_14d", "util_fo", "util_bo",
     "util_manager", "util_puskesos", "util_fasilitator"} | {f"needs_met_{n}" for n in NEED_TYPES}
    | {f"share_{n}" for n in NEED_TYPES}
)
"""KPIs that are shares (0..1), shown as percentages."""

COUNT_KPIS = frozenset({"cases", "backlog_end", "unidentified_end", "served", "ineligible", "lost", "complaints",
                        "outreach_visits"})
"""KPIs that count cases or visits, shown without decimals."""

STAGE_FIELDS = ("stage", "staff", "served", "wait_prob", "wait_mean_days", "wait_p90_days", "wait_mean_hours",
                "wait_p90_hours", "utilisation")

HEADLINE_KPIS = ("target_met_90d", "target_time_to_service_median", "info_on_spot", "cases", "needs_met", "needs_met_30d", "needs_met_90d", "handled_30d", "time_to_service_median",
                 "days_to_service_median",
                 "exclusion_error_start", "exclusion_error_end", "inclusion_error_start",
                 "inclusion_error_end", "backlog_end", "complaints_resolved_14d", "util_fo", "util_bo",
                 "util_fasilitator")
"""The KPIs a readable table shows by default."""


def kpi_label(name: str, lang: str | None = None) -> str:
    if name.startswith("needs_met_") and name[len("needs_met_"):] in NEED_TYPES:
        return t("kpi.needs_met_need", lang=lang, need=t(f"need.{name[len('needs_met_'):]}", lang=lang))
    if name.startswith("share_") and name[len("share_"):] in NEED_TYPES:
        return t("kpi.share_need", lang=lang, need=t(f"need.{name[len('share_'):]}", lang=lang))
    return t(f"kpi.{name}", lang=lang)

"""The field registry covers every contract id and labels every computed metric."""

from pathlib import Path

import pandas as pd
import pytest

from transparency_stats import metrics, registry

FIXTURES = Path(__file__).parent / "fixtures" / "tidy"

CONTRACT_IDS = """
requests_received requests_carried_over results_granted results_partial
results_denied_state_secret results_denied_law_prohibited results_denied_security_stability
results_denied_third_party results_denied_internal_affairs results_denied_process_info
results_denied_enforcement_file results_denied_query_matter results_denied_total
results_unable_not_held results_unable_needs_creation results_unable_unclear results_unable_total
results_not_processed_petition results_not_processed_duplicate results_not_processed_publication
results_not_processed_excessive results_not_processed_confirmation results_not_processed_total
results_other_no_correction results_other_unpaid_fee results_other_misc results_other_total
results_total requests_carried_forward
reconsideration_upheld reconsideration_corrected reconsideration_other reconsideration_pending reconsideration_total
litigation_direct_upheld litigation_direct_corrected litigation_direct_other litigation_direct_pending
litigation_direct_total litigation_after_review_upheld litigation_after_review_corrected
litigation_after_review_other litigation_after_review_pending litigation_after_review_total
litigation_total litigation_corrected
regulations_issued regulations_repealed regulations_valid normative_docs_issued normative_docs_repealed
normative_docs_valid licensing_decisions penalty_decisions coercion_decisions fees_amount_wan
regulations_published regulations_public_total normative_docs_published normative_docs_public_total
licensing_items_prev_year licensing_items_change other_services_items_prev_year other_services_items_change
other_services_decisions penalty_items_prev_year penalty_items_change coercion_items_prev_year
coercion_items_change fees_items_prev_year fees_items_change procurement_items procurement_amount_yuan
proactive_items_total requests_in_person requests_online requests_written requests_fax requests_email
requests_other_channel on_time_rate fees_collected_yuan complaints_total npc_suggestions cppcc_proposals
proposal_completion_rate proposal_satisfaction_rate press_conferences disclosure_units new_media_items
wechat_posts weibo_posts
""".split()


def test_every_contract_id_is_registered():
    known = set(registry.fields()["metric"])
    assert [m for m in CONTRACT_IDS if m not in known] == []


def test_registry_shape():
    frame = registry.fields()
    assert list(frame.columns) == registry.FIELD_COLUMNS
    assert frame["metric"].is_unique
    assert (frame["label_zh"].str.len() > 0).all() and (frame["label_en"].str.len() > 0).all()
    assert set(frame["comparability"]) <= {"layout", "era", "none"}
    assert set(frame["unit"]) <= set(registry.UNIT_LABELS)
    assert set(frame["table"]) <= {"requests", "review_litigation", "proactive", "narrative", "computed"}


def test_labels_and_units():
    assert registry.label("results_granted", "zh") == "予以公开"
    assert registry.label("results_granted", "en") == "Disclosed in full"
    assert registry.label("disclosure_rate") == "公开率"
    assert registry.unit("fees_amount_wan") == "wan_yuan"
    assert registry.unit("fees_amount_wan", "zh") == "万元"
    assert registry.unit("disclosure_rate") == "fraction"
    assert registry.label("requests_volume__yoy", "en").endswith("(year-on-year change)")
    assert registry.unit("requests_volume__cagr") == "fraction"
    assert registry.unit("requests_volume__yoy") == "count"
    # unknown ids pass through instead of breaking a chart
    assert registry.label("no_such_metric", "en") == "no_such_metric"
    with pytest.raises(ValueError):
        registry.label("results_granted", "fr")


def test_comparable_groups():
    assert registry.comparable_group("licensing_decisions", "gov2019") == "gov2019"
    assert registry.comparable_group("licensing_decisions", "gov2021") == "gov2021"
    assert registry.comparable_group("disclosure_rate", "gov2019") == "standard"
    assert registry.comparable_group("disclosure_rate", "gov2021") == "standard"
    assert registry.comparable_group("disclosure_rate", "narrative") == "narrative"
    assert registry.comparable_group("on_time_rate", "narrative") == "all"


def test_fixture_and_computed_metrics_are_registered():
    figures = pd.concat([pd.read_csv(p) for p in sorted(FIXTURES.glob("*.csv"))], ignore_index=True)
    assert registry.unknown_metrics(figures) == []
    computed = metrics.compute_metrics(figures, keep_empty=True)
    assert registry.unknown_metrics(computed) == []
    assert registry.unknown_metrics(pd.DataFrame({"metric": ["made_up_id"]})) == ["made_up_id"]

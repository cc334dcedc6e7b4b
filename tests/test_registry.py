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
    assert list(frame.columns) == [*registry.FIELD_COLUMNS, "unit_zh", "unit_en"]
    assert frame.set_index("metric").at["fees_amount_wan", "unit_zh"] == "万元"
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


# --------------------------------------------------------------------------- the table vocabulary


def test_every_vocabulary_id_is_registered_in_its_table():
    from transparency_stats import vocabulary

    table_of = registry.fields().set_index("metric")["table"]
    for edge in vocabulary.subtotal_edges():
        for metric in (edge.total, edge.part):
            if metric:
                assert table_of.get(metric) == edge.table, (metric, edge)
    for layout, ids in vocabulary.TABLE2_METRICS.items():
        assert len(set(ids)) == len(ids), layout
        for metric in ids:
            assert table_of.get(metric) == "proactive", (layout, metric)
    assert set().union(*vocabulary.TABLE2_METRICS.values()) == set(registry.metric_ids("proactive"))
    for metric in vocabulary.REVIEW_COLUMNS:
        assert table_of.get(metric) == "review_litigation", metric


def test_subtotal_hierarchy_by_layout():
    from transparency_stats import vocabulary

    # The 2019 table prints （六）其他处理 as one row; the 2021 table splits it into three.
    assert vocabulary.parts("results_other_total", "gov2019") == ()
    assert vocabulary.result_leaves("gov2019")[-1] == "results_other_total"
    assert vocabulary.result_leaves("gov2021")[-3:] == tuple(
        f"results_other_{r}" for r in vocabulary.OTHER_REASONS_2021)
    assert len(vocabulary.result_leaves("gov2021")) == 2 + 8 + 3 + 5 + 3
    assert vocabulary.parts("reconsideration_total") == tuple(
        f"reconsideration_{p}" for p in vocabulary.REVIEW_PARTS if p != "total")
    # Derived sums are the totals the tables do not print.
    assert "results_total" not in vocabulary.TABLE3_BLOCK_SUMS
    assert set(vocabulary.TABLE4_SUMS) == {"litigation_total", "litigation_corrected"}


def test_modules_share_one_vocabulary():
    from transparency_stats import checks, schema, tables, vocabulary

    assert tables.BLOCKS is vocabulary.TABLE3_BLOCK_SUMS
    assert tables.REVIEW_SUMS is vocabulary.TABLE4_SUMS
    assert tables.REQUEST_COLUMNS is vocabulary.APPLICANTS is schema.APPLICANTS
    assert metrics.APPLICANT_COLUMNS is vocabulary.APPLICANT_COLUMNS
    assert checks.TABLE3_ROWS["gov2021"] == vocabulary.table3_rows("gov2021")
    assert set(metrics.SUBTOTALS) == set(vocabulary.TABLE3_BLOCK_SUMS) | set(vocabulary.TABLE4_SUMS)

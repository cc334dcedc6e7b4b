"""The quantity parser: examples from real report wording, and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transparency_stats.numbers import Quantity, parse_numeral, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2万六千余条", Quantity(26000, "条", True)),
        ("一百零八", Quantity(108, "", False)),
        ("两万", Quantity(20000, "", False)),
        ("1.5万", Quantity(15000, "", False)),
        ("15.8万条", Quantity(158000, "条", False)),
        ("100%", Quantity(1.0, "%", False)),
        ("１００％", Quantity(1.0, "%", False)),
        ("百分之九十", Quantity(0.9, "%", False)),
        ("约300件", Quantity(300, "件", True)),
        ("近2000", Quantity(2000, "", True)),
        ("3000多条", Quantity(3000, "条", True)),
        ("5500 余条", Quantity(5500, "条", True)),
        ("1000条以上", Quantity(1000, "条", True)),
        ("1,234", Quantity(1234, "", False)),
        ("１２３", Quantity(123, "", False)),
        ("二〇一八", Quantity(2018, "", False)),
        ("十五", Quantity(15, "", False)),
        ("一千零一十", Quantity(1010, "", False)),
        ("三万五", Quantity(35000, "", False)),
        ("1亿2000万", Quantity(120_000_000, "", False)),
        ("2.5万元", Quantity(25000, "元", False)),
        ("3940元", Quantity(3940, "元", False)),
        ("12例", Quantity(12, "例", False)),
        ("零", Quantity(0, "", False)),
        ("24252.311082", Quantity(24252.311082, "", False)),
    ],
)
def test_examples(text: str, expected: Quantity) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["", "百十", "万", "abc", "12三", "一2", "1.2.3", "条"])
def test_unreadable_gives_none(text: str) -> None:
    assert parse_quantity(text) is None


_DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Reference spelling of 0 <= n < 10**8 in standard Chinese numerals."""
    if n == 0:
        return "零"

    def below_10000(m: int, leading: bool) -> str:
        out = ""
        zero = False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = m // value % 10
            if digit:
                if zero or (not leading and not out and m < 1000):
                    out += "零"
                out += _DIGITS[digit] + unit
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(n, 10000)
    if high:
        return below_10000(high, True) + "万" + (below_10000(low, False) if low else "")
    return below_10000(low, True)


@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_numeral(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_and_full_width_agree(n: int) -> None:
    full_width = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_quantity(str(n)).value == n
    assert parse_quantity(full_width).value == n


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["余", "多", "以上"]), st.sampled_from(["条", "件", ""]))
def test_approximation_markers(n: int, marker: str, unit: str) -> None:
    q = parse_quantity(f"{n}{marker}{unit}")
    assert q == Quantity(n, unit, True)


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_mixed_wan(high: int, low: int) -> None:
    tail = ("零" if low < 1000 else "") + to_chinese(low) if low else ""
    text = f"{high}万{tail}"
    assert parse_numeral(text) == high * 10000 + low


@given(st.integers(min_value=0, max_value=10000))
def test_percent_is_fraction(n: int) -> None:
    q = parse_quantity(f"{n / 100}%")
    assert q is not None and q.unit == "%"
    assert abs(q.value - n / 10000) < 1e-12

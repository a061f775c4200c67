"""The rule registry against the catalogue's promises."""

from __future__ import annotations

import re

from servicespec.diagnostics import FILE_CODES
from servicespec.rules import ALL_RULES, GROUP_MODULES, GROUPS, rules_of


def test_codes_unique_and_well_formed() -> None:
    names = [r.name for r in ALL_RULES.values()]
    assert len(set(names)) == len(names)
    for code, rule in ALL_RULES.items():
        assert rule.code == code and re.fullmatch(r"SS\d{3}", code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name), rule.name
        assert rule.group in GROUPS
        assert rule.summary and rule.docs().why, f"{code} is undocumented"


def test_every_rule_says_why_it_matters_to_a_customer() -> None:
    """One plain sentence for stakeholders: no spec keys in backticks, no rule codes."""
    for code, rule in ALL_RULES.items():
        impact = getattr(rule, "impact", "")
        assert impact, f"{code} has no `impact`"
        assert impact[0].isupper() and impact.endswith(".") and impact.count(". ") == 0, code
        assert "`" not in impact and not re.search(r"SS\d{3}", impact), code


def test_file_codes_match_registry() -> None:
    for code, name in FILE_CODES.items():
        assert ALL_RULES[code].name == name
        assert ALL_RULES[code].file_level


def test_catalogue_codes_all_registered() -> None:
    expected = {f"SS00{i}" for i in range(1, 9)} | {f"SS10{i}" for i in range(1, 7)} | \
        {f"SS20{i}" for i in range(1, 9)} | {f"SS30{i}" for i in range(1, 10)} | {"SS310"} | \
        {f"SS40{i}" for i in range(1, 10)} | {f"SS50{i}" for i in range(1, 4)} | \
        {f"SS60{i}" for i in range(1, 8)} | {f"SS70{i}" for i in range(1, 5)}
    assert expected <= set(ALL_RULES)


def test_each_rule_lives_in_its_groups_module() -> None:
    codes = [m.GROUP.code for m in GROUP_MODULES]
    # in order; a group may span modules (SS3: the journey, then its experience layer)
    assert codes == sorted(codes) and sorted(set(codes)) == list(GROUPS)
    assert all(m.GROUP is GROUPS[m.GROUP.code] for m in GROUP_MODULES)
    registered = [cls for m in GROUP_MODULES for cls in rules_of(m)]
    assert len(registered) == len(ALL_RULES)  # no two classes with one code
    for module in GROUP_MODULES:
        for cls in rules_of(module):
            assert cls.code.startswith(module.GROUP.code), f"{cls.code} in {module.__name__}"
            assert type(ALL_RULES[cls.code]) is cls

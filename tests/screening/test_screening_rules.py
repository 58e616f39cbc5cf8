from __future__ import annotations

from typing import Any

import pytest

from corridor.screening.errors import ScreeningConfigError
from corridor.screening.findings import Channel
from corridor.screening.rules import ScreeningConfig


def test_defaults() -> None:
    config = ScreeningConfig.from_dict({})
    assert config.random_control_rate == 0.0
    assert config.party_review_score == 0.70
    assert set(config.chp_channels.values()) == {Channel.YELLOW}
    assert config.military.block_channel is Channel.RED


def test_documented_example_parses() -> None:
    import tomllib

    from corridor.screening import rules

    doc = rules.__doc__ or ""
    toml_text = doc.split("```toml\n")[1].split("```")[0]
    config = ScreeningConfig.from_dict(tomllib.loads(toml_text)["screening"])
    assert config.route_rules[0].country_of == ("final_destination", "consignee")
    assert config.route_rules[0].channel is Channel.RED


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"random_control_rate": 1.5}, "random_control_rate must be a number from 0 to 1"),
        ({"random_control_rate": True}, "random_control_rate"),
        ({"random_control_channel": "blue"}, "unknown channel 'blue'"),
        ({"party_review_score": 0.9, "party_hold_score": 0.8}, "below party_review_score"),
        ({"surprise": 1}, "unknown key 'surprise'"),
        ({"chp": {"5": "red"}}, "screening.chp: unknown key '5'"),
        ({"military": {"block": ["9x"]}}, "HS prefixes of 2 to 6 digits"),
        ({"route_rules": {"name": "x"}}, "array of tables"),
        ({"route_rules": [{"channel": "red"}]}, r"route_rules\[0\].name"),
        ({"route_rules": [{"name": "x", "when": {"goods": "all"}}]}, "goods must be one of"),
        ({"route_rules": [{"name": "x", "when": {"chp_tiers": ["5"]}}]}, "chp_tiers"),
        ({"route_rules": [{"name": "x", "when": {"to": ["RU"]}}]}, "unknown key 'to'"),
    ],
)
def test_bad_configuration_names_the_key(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ScreeningConfigError, match=message):
        ScreeningConfig.from_dict(raw)

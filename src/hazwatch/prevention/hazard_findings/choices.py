"""States, grades and actions of the hidden-danger loop (labels in ``locale/*/hazard.po``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


@with_colours(
    {
        "reported": "grey",
        "graded": "blue",
        "ordered": "yellow",
        "rectifying": "orange",
        "self_checked": "yellow",
        "accepted": "green",
        "closed": "green",
    }
)
class HazardState(Choice):
    """Where a hidden danger is in its loop, in the order it passes them."""

    REPORTED = "reported"
    GRADED = "graded"
    ORDERED = "ordered"
    RECTIFYING = "rectifying"
    SELF_CHECKED = "self_checked"
    ACCEPTED = "accepted"
    CLOSED = "closed"


#: The regulators' colours (DOMAIN §4): red 重大, yellow 一般.
@with_colours({"general": "yellow", "major": "red"})
class HazardGrade(Choice):
    """一般 / 重大 事故隐患 (Safety Production Law Art. 41; the 2017 criteria for major ones
    in chemical and hazchem enterprises)."""

    GENERAL = "general"
    MAJOR = "major"


class HazardAction(Choice):
    """What a person does to a hidden danger; each is one event on its timeline."""

    REPORT = "report"
    GRADE = "grade"
    ORDER = "order"
    START = "start"
    SELF_CHECK = "self_check"
    ACCEPT = "accept"
    REJECT = "reject"
    CLOSE = "close"
    REPORT_TO_REGULATOR = "report_to_regulator"
    ATTACH = "attach"


#: Each action of the loop: the state it needs and the state it leads to. Anything else
#: (closing without acceptance, accepting before the self-check) is refused.
TRANSITIONS: dict[HazardAction, tuple[HazardState, HazardState]] = {
    HazardAction.GRADE: (HazardState.REPORTED, HazardState.GRADED),
    HazardAction.ORDER: (HazardState.GRADED, HazardState.ORDERED),
    HazardAction.START: (HazardState.ORDERED, HazardState.RECTIFYING),
    HazardAction.SELF_CHECK: (HazardState.RECTIFYING, HazardState.SELF_CHECKED),
    HazardAction.ACCEPT: (HazardState.SELF_CHECKED, HazardState.ACCEPTED),
    HazardAction.REJECT: (HazardState.SELF_CHECKED, HazardState.RECTIFYING),
    HazardAction.CLOSE: (HazardState.ACCEPTED, HazardState.CLOSED),
}


def next_actions(state: HazardState) -> list[HazardAction]:
    """The actions the loop allows from ``state`` (what the console offers next)."""
    return [action for action, (before, _after) in TRANSITIONS.items() if before is state]


#: Stages a photo or document is attached at.
class AttachmentStage(Choice):
    REPORT = "report"
    RECTIFICATION = "rectification"
    ACCEPTANCE = "acceptance"

"""Enumerations of admission review (labels in ``locale/*/district.po`` under ``choice.*``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


@with_colours(
    {
        "draft": "grey",
        "under_review": "orange",
        "approved": "green",
        "conditional": "yellow",
        "rejected": "red",
    }
)
class ProjectState(Choice):
    """draft (the applicant completes it) → under joint review (departments give opinions)
    → decided by the lead department: approved, approved with conditions, or rejected."""

    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    CONDITIONAL = "conditional"
    REJECTED = "rejected"


DECIDED = frozenset({ProjectState.APPROVED, ProjectState.CONDITIONAL, ProjectState.REJECTED})


@with_colours({"pending": "grey", "agree": "green", "conditions": "yellow", "reject": "red"})
class ReviewVerdict(Choice):
    """A department's opinion: pending until given; agree, agree on conditions, or reject."""

    PENDING = "pending"
    AGREE = "agree"
    CONDITIONS = "conditions"
    REJECT = "reject"

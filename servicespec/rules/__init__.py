"""The rule registry: every rule, explicitly listed, sorted by code."""

from __future__ import annotations

from .base import GROUPS, Finding, Rule, RuleDocs
from .ss0_file import (
    DuplicateId,
    DuplicateKey,
    LimitExceeded,
    SchemaViolation,
    UnknownKey,
    UnreadableFile,
    UnresolvedReference,
    UnsupportedVersion,
    UnusedSuppression,
    YamlSyntaxError,
)
from .ss1_offering import (
    CategoryConfusion,
    FacilitatingPetalMissing,
    FacilitatingWithoutChannel,
    InvisibleComponentUnowned,
    ProductWithoutOutcomes,
    ProductWithoutSupportChannel,
)
from .ss2_channels import (
    AutomatedDeadEnd,
    ChannelServiceLevelMissing,
    ColdHandover,
    ComplaintChannelMissing,
    EscalationCycle,
    NoAssistedChannel,
    NoHumanOption,
    UnusedChannel,
)
from .ss3_journey import (
    BlueprintTooLarge,
    CustomerStepWithoutEvidence,
    JourneyPhaseMissing,
    LaneEmpty,
    NoBlueprint,
    OrphanTouchpoint,
    StepWithoutCustomerAction,
    SupportGapInPhase,
    UnansweredCustomerAction,
    UnreachableStep,
)
from .ss4_recovery import (
    FailPointUndetected,
    FailPointWithoutRecovery,
    NoRecoveryProcess,
    RecoveryIncomplete,
    RecoveryUnreachable,
    RecoveryWithoutTimeTarget,
    WaitExceedsStandard,
    WaitWithoutExpectation,
    WaitWithoutStandard,
)
from .ss5_handoffs import CustomerRepeatsInformation, HandoffWithoutContext, TooManyHandoffs
from .ss6_metrics import (
    FacilitatingUnmeasured,
    KindContradictsType,
    MetricKindMismatch,
    MetricWithoutSource,
    MetricWithoutTarget,
    ProductUnmeasured,
    RelationshipMetricOnly,
)
from .ss7_people import (
    FrontstageWithoutInterpersonalSkills,
    RecoveryOwnerWithoutAuthority,
    UnownedAction,
    UnusedRole,
)

_CLASSES: list[type[Rule]] = [
    YamlSyntaxError, SchemaViolation, UnknownKey, DuplicateKey, DuplicateId,
    UnresolvedReference, UnsupportedVersion, UnusedSuppression, LimitExceeded, UnreadableFile,
    ProductWithoutOutcomes, ProductWithoutSupportChannel, FacilitatingPetalMissing,
    CategoryConfusion, InvisibleComponentUnowned, FacilitatingWithoutChannel,
    NoHumanOption, AutomatedDeadEnd, EscalationCycle, ChannelServiceLevelMissing, ColdHandover,
    NoAssistedChannel, ComplaintChannelMissing, UnusedChannel,
    JourneyPhaseMissing, SupportGapInPhase, StepWithoutCustomerAction, UnansweredCustomerAction,
    OrphanTouchpoint, CustomerStepWithoutEvidence, UnreachableStep, LaneEmpty,
    BlueprintTooLarge, NoBlueprint,
    NoRecoveryProcess, FailPointWithoutRecovery, FailPointUndetected, RecoveryIncomplete,
    RecoveryWithoutTimeTarget, RecoveryUnreachable, WaitWithoutStandard,
    WaitWithoutExpectation, WaitExceedsStandard,
    HandoffWithoutContext, TooManyHandoffs, CustomerRepeatsInformation,
    MetricKindMismatch, ProductUnmeasured, FacilitatingUnmeasured, RelationshipMetricOnly,
    MetricWithoutTarget, MetricWithoutSource, KindContradictsType,
    FrontstageWithoutInterpersonalSkills, UnownedAction, RecoveryOwnerWithoutAuthority,
    UnusedRole,
]

ALL_RULES: dict[str, Rule] = {cls.code: cls() for cls in sorted(_CLASSES, key=lambda c: c.code)}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in ALL_RULES.values()}


def get_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    return ALL_RULES.get(key.upper()) or BY_NAME.get(key.lower())


__all__ = ["ALL_RULES", "BY_NAME", "GROUPS", "Finding", "Rule", "RuleDocs", "get_rule"]

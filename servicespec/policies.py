"""Organisation policies: the team's own checks, CEL expressions in the configuration.

A policy (`[[tool.servicespec.policies]]`, validated by `config.Policy`) selects a section's
elements and reports each one for which `where` holds and `require` does not. The
expressions are CEL, evaluated by cel-python: data in, a boolean out, never Python and never
code from the repository. cel-python takes about 0.15 s to import and build its parser, so
this module imports it only when a configuration has policies.

An expression sees `self`, the element, and `service`, the whole spec, as the model holds
them: the keys the spec writes, with the format's defaults applied (a channel's `mode` from
its `kind`, a metric's `kind` from its `type`, empty lists, `billed: false`) and an optional
field that is not given absent (`has(self.hours)` tells). Durations are CEL durations
(`self.response_time <= duration('4h')`); metric targets are their text.

Every evaluation runs on a budget, so that no expression can hang CI or exhaust memory:
expressions are at most MAX_EXPRESSION_CHARS long and MAX_EXPRESSION_DEPTH deep; a policy
takes at most MAX_STEPS evaluation steps (nodes visited) and MAX_SECONDS per file; `+` makes
no string or list longer than MAX_VALUE_SIZE (cel-python's `*` multiplies numbers only);
`string()` converts no list or map. What an expression cannot evaluate (a missing field, a type
mismatch, the budget spent) is a finding of the policy at the element: the check could not
be shown to pass (docs/policies.md).
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from .diagnostics import Severity
from .source import Path
from .textutil import shown

if TYPE_CHECKING:
    from .config import Policy
    from .model.spec import Spec

MAX_EXPRESSION_CHARS = 2000
MAX_EXPRESSION_DEPTH = 200  # parse-tree levels: a dozen per level of parentheses
MAX_STEPS = 500_000  # per policy and file: under two seconds of cel-python
MAX_SECONDS = 3.0  # per policy and file: the backstop for steps that are slow
MAX_VALUE_SIZE = 100_000  # characters of a string, items of a list, made by `+`
# names an expression may use besides the variables its macros bind
_NAMES = frozenset({"self", "service", "int", "uint", "double", "bool", "string", "bytes",
                    "list", "map", "null_type", "type", "duration", "timestamp", "dyn"})
_MACROS = frozenset({"map", "filter", "all", "exists", "exists_one", "reduce"})


class PolicyCompileError(ValueError):
    """An expression that is not CEL, or not one a policy can run."""


class BudgetExceeded(Exception):
    """The evaluation budget of a policy is spent."""


@dataclass
class Budget:
    steps: int
    deadline: float

    def spend(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise BudgetExceeded(f"more than {MAX_STEPS:,} evaluation steps")
        if self.steps % 1024 == 0 and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"more than {MAX_SECONDS:g} seconds")


@cache
def _environment() -> Any:
    import celpy

    # cel-python logs the values of failed calls; a policy's outcome is its finding
    log = logging.getLogger("celpy")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    return celpy.Environment(runner_class=_runner_class())


@cache
def _runner_class() -> type:
    """cel-python's interpreter, counting every node it visits against the budget."""
    from celpy import InterpretedRunner
    from celpy.evaluation import Evaluator

    class BudgetedEvaluator(Evaluator):
        budget: Budget

        def _visit_tree(self, tree: Any) -> Any:
            self.budget.spend()
            return super()._visit_tree(tree)

        def sub_evaluator(self, ast: Any) -> Any:  # a macro's body: the same budget
            sub = BudgetedEvaluator(ast, activation=self.activation)
            sub.budget = self.budget
            return sub

    class BudgetedRunner(InterpretedRunner):
        def run(self, context: dict[str, Any], budget: Budget) -> Any:
            evaluator = BudgetedEvaluator(ast=self.ast, activation=self.new_activation())
            evaluator.budget = budget
            return evaluator.evaluate(context)

    return BudgetedRunner


@cache
def _functions() -> dict[str, Callable[..., Any]]:
    """The operators whose results could outgrow any budget, bounded."""
    import operator

    from celpy import celtypes

    def add(a: Any, b: Any) -> Any:
        if isinstance(a, (str, bytes, list)) and isinstance(b, (str, bytes, list)) and \
                len(a) + len(b) > MAX_VALUE_SIZE:
            raise ValueError(f"`+` would make a value longer than {MAX_VALUE_SIZE:,}")
        return operator.add(a, b)

    def string(value: Any) -> Any:
        if isinstance(value, (list, dict)):
            raise TypeError("string() converts no list or map")
        return celtypes.StringType(value)

    return {"_+_": add, "string": string}


@cache
def compile_expression(text: str) -> Any:
    """The runnable program of a CEL expression; PolicyCompileError (with the column) when it
    does not compile. Cached: a configuration read again (in a worker, after an override)
    does not compile again."""
    if len(text) > MAX_EXPRESSION_CHARS:
        raise PolicyCompileError(f"longer than {MAX_EXPRESSION_CHARS} characters")
    if not text.strip():
        raise PolicyCompileError("empty: write a CEL expression such as `self.kind == 'phone'`")
    from celpy.celparser import CELParseError

    env = _environment()
    try:
        tree = env.compile(text)
    except CELParseError as exc:
        column = getattr(exc, "column", None) or 1
        rest = text[column - 1:column + 19]
        at = f"`{rest}`" if rest.strip() else "the end"
        raise PolicyCompileError(f"not CEL: unexpected {at} at column {column}") from None
    except RecursionError:
        raise PolicyCompileError(f"nested deeper than {MAX_EXPRESSION_DEPTH} levels") from None
    _check_tree(tree)
    return env.program(tree, functions=_functions())


def _check_tree(tree: Any) -> None:
    """Refuse what would fail on every element: too deep a tree, or a name that is not
    `self`, `service`, a type or a macro's variable (`slef.kind`)."""
    from lark import Token, Tree

    bound, used = set(), []
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            raise PolicyCompileError(f"nested deeper than {MAX_EXPRESSION_DEPTH} levels")
        if node.data == "member_dot_arg" and len(node.children) == 3 and \
                node.children[1] in _MACROS:
            bound |= {t.value for t in node.children[2].scan_values(
                lambda v: isinstance(v, Token) and v.type == "IDENT")}
        if node.data == "ident":
            used.append(node.children[0])
        stack += [(child, depth + 1) for child in node.children if isinstance(child, Tree)]
    for token in used:
        if token.value not in _NAMES and token.value not in bound:
            raise PolicyCompileError(f"unknown name `{token.value}` at column {token.column}: "
                                     "an expression sees `self` (the element) and `service`")


# --- evaluation ----------------------------------------------------------------------------


def elements(spec: Spec, select: str) -> Iterator[tuple[Path, Any]]:
    """(path, model) of each element a policy selects."""
    if select == "service":
        yield ("metadata",), spec
        return
    items: Sequence[Any] = spec.steps if select == "steps" else getattr(spec, select)
    prefix: Path = ("blueprint", "steps") if select == "steps" else (select,)
    for i, item in enumerate(items):
        yield (*prefix, i), item


def cel_value(value: Any) -> Any:
    """A model value as CEL data (see the module docstring)."""
    from celpy import celtypes

    from .model.base import Record
    from .model.types import Duration, Target

    if isinstance(value, Record):
        return celtypes.MapType({
            celtypes.StringType(field.alias or name): cel_value(v)
            for name, field in type(value).model_fields.items()
            if (v := getattr(value, name)) is not None})
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, Duration):
        return celtypes.DurationType(datetime.timedelta(seconds=value.seconds))
    if isinstance(value, Target):
        return celtypes.StringType(value.text)
    if isinstance(value, (list, tuple)):
        return celtypes.ListType([cel_value(v) for v in value])
    if isinstance(value, dict):
        return celtypes.MapType({celtypes.StringType(k): cel_value(v)
                                 for k, v in value.items()})
    raise TypeError(f"no CEL value for {type(value).__name__}")


def evaluate(spec: Spec, policies: Sequence[tuple[Policy, Severity]]
             ) -> list[tuple[str, Path, str, Severity]]:
    """(code, path, message, severity) of every element that fails a policy."""
    out = []
    service = None
    for policy, severity in policies:
        where, require = compile_expression(policy.where), compile_expression(policy.require)
        budget = Budget(MAX_STEPS, time.monotonic() + MAX_SECONDS)
        for path, element in elements(spec, policy.select):
            if service is None:
                service = cel_value(spec)
            context = {"self": service if policy.select == "service" else cel_value(element),
                       "service": service}
            problem = None
            try:
                if _holds(where, context, budget) and not _holds(require, context, budget):
                    out.append((policy.code, path, policy.message, severity))
                continue
            except BudgetExceeded as exc:
                out.append((policy.code, path, f"{policy.message} (not checked: the policy "
                            f"took {exc} on this file, its budget; simplify it)", severity))
                break
            except _EvaluationError as exc:
                problem = exc.args[0]
            out.append((policy.code, path, f"{policy.message} (could not be checked: "
                        f"{problem})", severity))
    return out


class _EvaluationError(Exception):
    pass


def _holds(program: Any, context: dict[str, Any], budget: Budget) -> bool:
    from celpy.celtypes import BoolType
    from celpy.evaluation import CELEvalError

    try:
        value = program.run(context, budget)
    except CELEvalError as exc:
        raise _EvaluationError(_reason(exc)) from None
    except RecursionError:  # data nested deeper than the evaluator's stack
        raise _EvaluationError("the data is nested too deeply") from None
    if not isinstance(value, BoolType):
        raise _EvaluationError(f"the expression gave {type(value).__name__.removesuffix('Type')}"
                               ", not a boolean")
    return bool(value)


_INNER = re.compile(r"CELEvalError\(\*\(([\"'])(.*?)\1, <class")
_NOISE = ((re.compile(r"<class '(?:celpy\.celtypes\.)?(\w+?)(?:Type)?'>"), r"\1"),
          (re.compile(r"Token\('RULE', '(\w+)'\)"), r"\1"))


def _reason(exc: Exception) -> str:
    """What went wrong, in words: the first inner error (`a && b` of two errors names both
    in its text), without cel-python's class names."""
    text = str(exc.args[0]) if exc.args else str(exc)
    cause = exc.args[2] if len(exc.args) > 2 else None
    detail = cause[0] if isinstance(cause, tuple) and cause else cause
    if isinstance(detail, str):
        if detail.startswith("`"):  # our own bounded operators
            return detail
        inner = _INNER.search(detail)
        if inner:
            text = inner[2]
    for pattern, replacement in _NOISE:
        text = pattern.sub(replacement, text)
    if text.startswith("no such member"):
        text += "; `has(self.field)` tells whether a field is given"
    return shown(text, 200)

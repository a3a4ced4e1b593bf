"""Handing jobs to the executor, with the engine's evaluation failures named.

A text can parse and still fail while it runs: a function the engine does not know, `DROP GRAPH`
of a graph that does not exist, an IRI built at run time that is not valid. The executor reports
these as `QueryFailed`, or the engine raises RuntimeError where it runs in this process; either
way the caller gets a 400 with the engine's message, never a 500.
"""

from __future__ import annotations

from app.errors import ApiError
from app.sparql.execution import QueryExecutor, QueryJob, QueryOutput, UpdateJob
from app.sparql.workers import QueryFailed


class EvaluationFailed(ApiError):
    status = 400
    title = "Evaluation failed"
    slug = "evaluation-failed"


def run_query(executor: QueryExecutor, job: QueryJob) -> QueryOutput:
    try:
        return executor.run_query(job)
    except (QueryFailed, RuntimeError) as exc:
        raise EvaluationFailed(f"the query failed while running: {exc}") from None


async def run_query_async(executor: QueryExecutor, job: QueryJob) -> QueryOutput:
    """`run_query` for a caller on the event loop."""
    try:
        return await executor.run_query_async(job)
    except (QueryFailed, RuntimeError) as exc:
        raise EvaluationFailed(f"the query failed while running: {exc}") from None


def run_update(executor: QueryExecutor, job: UpdateJob) -> None:
    try:
        executor.run_update(job)
    except (QueryFailed, RuntimeError) as exc:
        raise EvaluationFailed(f"the update failed while running: {exc}") from None

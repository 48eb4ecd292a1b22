"""Why ties form: receiver-choice relational event models.

Growth tables show *that* a network forms; a relational event model asks *why*:
does a learner answer those who answered them (reciprocity), keep talking to the
same people (inertia), close triangles (transitivity), go where the attention
already is (popularity), stay inside the study group, orbit the staff?

The model is the receiver-choice step of the dynamic network actor model
(DyNAM; Stadtfeld & Block 2017), which is also Butts' (2008) relational event
model conditioned on the sender. Each interaction ``s → r`` at time ``t`` is a
choice of ``r`` among the people at risk of being chosen by ``s`` at ``t``::

    P(r | s, t) = exp(β · x(s, r, t)) / Σ_{j ∈ R(s, t)} exp(β · x(s, j, t))

where ``x(s, j, t)`` are statistics of the history *strictly before* ``t``
(events at the same instant are not history). With ``controls=c`` the
denominator runs over ``r`` and ``c`` alternatives drawn uniformly without
replacement from the risk set (case–control sampling; Vu et al. 2015, Lerner &
Lomi 2020): the conditional logit on the sampled sets estimates the same β.
``controls=None`` uses the whole risk set (the exact likelihood).

Statistics (``stat="indicator"`` unless said; ``n(a, b)`` = number of ``a → b``
interactions before ``t``; with ``stat="count"`` the dyadic statistics are the
counts; with ``half_life=h`` every event or two-path formation counts
``2^(-(t - time)/h)`` instead of 1, *decayed sums*):

================== =====================================================================
``inertia``        ``1[n(s, j) > 0]``; count: ``n(s, j)``
``reciprocity``    ``1[n(j, s) > 0]``; count: ``n(j, s)``
``transitivity``   ``1[∃k: n(s, k) > 0 and n(k, j) > 0]``; count: ``Σ_k min(n(s,k), n(k,j))``
``shared_partners````1[∃k: n(s, k) > 0 and n(j, k) > 0]``; count: ``Σ_k min(n(s,k), n(j,k))``
``popularity``     ``log(1 + Σ_a n(a, j))`` (interactions ``j`` received)
``receiver_activity`` ``log(1 + Σ_b n(j, b))`` (interactions ``j`` sent)
``same_group``     ``1`` if ``s`` and ``j`` have the same non-empty roster ``group``
``to_staff``       ``1`` if ``j``'s roster role is ``instructor`` or ``ta``
``recency``        ``1 / (1 + days since j → s last happened)``, 0 if never
covariate ``c``    ``j``'s value of the roster column ``c`` (``covariates=["c"]``)
================== =====================================================================

Every statistic is computed for all rows at once from time-sorted records
(``numpy.searchsorted`` over ``(dyad, time)`` codes): nothing is rebuilt per
event. The counted transitive and shared-partner statistic counts each
*level* of a two-path: the m-th ``s → k`` with the m-th ``k → j`` forms a
record at the later of the two times, so ``Σ_k min(n(s,k), n(k,j))`` records
exist at ``t``; decay applies to those records from the time they formed.

The package: :mod:`.statistics` (the statistics, from time-sorted records),
:mod:`.clogit` (the conditional logit), :mod:`.model` (risk sets, sampling,
:func:`formation_model`), :mod:`.simulate` (:func:`simulate_events`).
:func:`simulate_events` draws event streams from this model (dense,
sequential, for small populations) so that estimates can be checked against
known parameters. See ``docs/formation.md`` for the assumptions, the limits and
how the arguments map onto R's relevent, goldfish, remstats/remstimate and
eventnet.
"""

from .clogit import conditional_logit
from .model import formation_model, formation_statistics
from .simulate import simulate_events
from .statistics import DEFAULT_EFFECTS, EFFECTS, STAFF_ROLES

__all__ = [
    "EFFECTS",
    "DEFAULT_EFFECTS",
    "STAFF_ROLES",
    "formation_model",
    "formation_statistics",
    "conditional_logit",
    "simulate_events",
]

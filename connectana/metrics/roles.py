"""Roles and network patterns: isolated learners, staff dependence, brokers, SNAPP-style labels.

The questions instructors ask of a discussion network — *who is isolated?*,
*does everything go through me?*, *who links the groups?*, *what kind of network
is this?* — answered with plain pandas objects whose definitions are stated in
each function's Notes and in ``docs/instructor_measures.md``.

Public functions
----------------
:func:`isolated_learners`
    Learners with no ties, and learners who were never answered.
:func:`staff_dependence`
    Shares of ties and interactions sent and received by staff, and the network
    with staff removed compared with the full one.
:func:`brokers`
    People whose ties reach two or more communities (participation coefficient,
    betweenness).
:func:`network_pattern`
    A SNAPP-vocabulary label (facilitator-centric, distributed, fragmented, with
    isolated learners) with every measured value next to its threshold.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..events import ACTION, ACTOR, ROLE, TIMESTAMP
from ..measures import network_values, poster_mask
from ..ties import CONTRIBUTION_ACTIONS
from .centrality import centrality, tie_table
from .community import communities
from .structure import summary

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network

__all__ = [
    "STAFF_ROLES",
    "STAFF_SHARES",
    "PATTERN_THRESHOLDS",
    "StaffDependence",
    "isolated_learners",
    "staff_dependence",
    "brokers",
    "network_pattern",
    "pattern_stability",
]

#: Roles counted as staff by default.
STAFF_ROLES: tuple[str, ...] = ("instructor", "ta")

#: Default thresholds of :func:`network_pattern` (see its Notes).
PATTERN_THRESHOLDS: dict[str, float] = {
    "staff_interaction_share": 0.5,
    "centralization_undirected_posters": 0.5,
    "largest_component_share_posters": 0.5,
    "isolated_share": 0.1,
}


# -- shared helpers ----------------------------------------------------------------------------
def _staff_mask(net: Network, staff_roles: Sequence[str]) -> np.ndarray:
    """Boolean array over ``net.nodes``: the node's role is one of ``staff_roles``."""
    if ROLE not in net.nodes.columns:
        return np.zeros(net.n_nodes, dtype=bool)
    roles = net.nodes[ROLE].astype(object).where(net.nodes[ROLE].notna(), "")
    wanted = {str(r).lower() for r in staff_roles}
    return np.array([str(r).lower() in wanted for r in roles], dtype=bool)


def _person_mask(net: Network) -> np.ndarray:
    if "kind" not in net.nodes.columns:
        return np.ones(net.n_nodes, dtype=bool)
    return (net.nodes["kind"] == "person").fillna(False).to_numpy(dtype=bool)


#: The shares of :func:`staff_dependence` (registry names, :mod:`connectana.measures`).
STAFF_SHARES: tuple[str, ...] = tuple(
    f"staff_{word}_share{side}"
    for word in ("tie", "interaction")
    for side in ("_sent", "_received", "")
)


#: Rows of ``StaffDependence.comparison``: keys of :func:`connectana.metrics.structure.summary`.
COMPARISON_KEYS: tuple[str, ...] = (
    "nodes",
    "ties",
    "interactions",
    "weak_components",
    "largest_component_share",
    "isolates",
    "density",
    "reciprocity",
)


def _basic_stats(net: Network) -> pd.Series:
    """The :data:`COMPARISON_KEYS` of ``summary(net)`` as floats (NaN when absent)."""
    stats = summary(net, distances=False, triads=False)
    return stats.reindex(list(COMPARISON_KEYS)).astype(float)


# -- isolated learners -------------------------------------------------------------------------
def isolated_learners(
    net: Network,
    events: pd.DataFrame | None = None,
    *,
    staff_roles: Sequence[str] = STAFF_ROLES,
) -> pd.DataFrame:
    """Learners with no ties, and learners whose posts were never answered.

    Parameters
    ----------
    net : Network
        A person network (build it with ``people=`` so that roster members who
        never posted are nodes too).
    events : DataFrame, optional
        The Events the network was built from. When given, ``posts`` counts
        each person's contributions (post, reply, comment, message events)
        inside the network's window; otherwise it is ``net.nodes["n_events"]``
        (every event the person acted in).
    staff_roles : sequence of str
        Roles that are not learners (default instructor and TA).

    Returns
    -------
    DataFrame
        One row per isolated learner, columns ``person, role, reason, posts``,
        ``no ties`` rows first, each group in node order.

    Notes
    -----
    Learners are person nodes whose role is not in ``staff_roles`` (students,
    ``other`` and unknown roles). Self-loops are ignored.

    - ``no ties``: the learner has no tie at all (sent or received) in the
      network. With a roster, this includes members who never posted
      (``posts`` = 0); a learner with ``posts`` > 0 and no ties posted, was
      never answered and answered no one.
    - ``never answered``: the learner has ties (answered someone) and
      ``posts`` > 0, but received no tie from anyone. In a ``reply`` network
      this means no one ever answered one of their posts; under another tie
      definition "answered" means "received a tie". Undirected networks
      (``copresence``) cannot say who answered whom: only ``no ties`` is
      reported there.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.roles import isolated_learners
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c"],
    ...     "target": [None, "a", None],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 3, utc=True)}))
    >>> net = ca.build_network(ev, people=ca.make_people(["a", "b", "c", "d"]))
    >>> isolated_learners(net)[["person", "reason", "posts"]].values.tolist()
    [['c', 'no ties', 1], ['d', 'no ties', 0], ['b', 'never answered', 1]]
    """
    nodes = net.nodes
    ties = tie_table(net, loops=False)
    n = net.n_nodes
    indeg = np.bincount(ties["t"], minlength=n)
    outdeg = np.bincount(ties["s"], minlength=n)
    if events is not None:
        ev = events
        t0, t1 = net.meta.get("start"), net.meta.get("end")
        if t0 is not None:
            ev = ev[ev[TIMESTAMP] >= pd.Timestamp(t0)]
        if t1 is not None:
            ev = ev[ev[TIMESTAMP] < pd.Timestamp(t1)]
        counts = ev.loc[ev[ACTION].isin(CONTRIBUTION_ACTIONS), ACTOR].astype(str).value_counts()
        posts = counts.reindex(nodes.index.astype(str)).fillna(0).to_numpy(dtype=np.int64)
    elif "n_events" in nodes.columns:
        posts = nodes["n_events"].fillna(0).to_numpy(dtype=np.int64)
    else:
        posts = np.zeros(n, dtype=np.int64)
    learner = _person_mask(net) & ~_staff_mask(net, staff_roles)
    no_ties = learner & (indeg + outdeg == 0)
    never = (
        learner & (outdeg > 0) & (indeg == 0) & (posts > 0)
        if net.directed
        else np.zeros(n, dtype=bool)
    )
    roles = nodes[ROLE] if ROLE in nodes.columns else pd.Series(pd.NA, index=nodes.index)
    parts = []
    for mask, reason in ((no_ties, "no ties"), (never, "never answered")):
        parts.append(
            pd.DataFrame(
                {
                    "person": nodes.index[mask].astype(str),
                    "role": roles[mask].to_numpy(),
                    "reason": reason,
                    "posts": posts[mask],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["posts"] = out["posts"].astype(np.int64)
    return out


# -- staff dependence --------------------------------------------------------------------------
@dataclasses.dataclass
class StaffDependence:
    """Result of :func:`staff_dependence`.

    Attributes
    ----------
    staff : list of str
        The staff nodes (node ids whose role is a staff role).
    shares : Series
        Shares of distinct ties and of interactions sent / received by staff
        and involving staff (see :func:`staff_dependence`).
    comparison : DataFrame
        Rows ``nodes, ties, interactions, weak_components,
        largest_component_share, isolates, density, reciprocity``; columns
        ``full``, ``without_staff`` and ``change`` (without − full).
    without_staff : Network or None
        The network without staff (the subgraph induced by the other nodes), the
        one ``comparison`` describes (drawn by the report).
    """

    staff: list
    shares: pd.Series
    comparison: pd.DataFrame
    without_staff: Network | None = dataclasses.field(default=None, repr=False, compare=False)

    def _repr_html_(self) -> str:
        from ..display import result_html

        return result_html(
            "StaffDependence",
            [
                ("staff", ", ".join(map(str, self.staff)) or "none"),
                ("shares (of all distinct ties / of all interactions)", self.shares),
                ("the network with and without staff", self.comparison),
            ],
        )

    def __repr__(self) -> str:
        return (
            f"StaffDependence(staff={self.staff},\n"
            f"shares=\n{self.shares.round(3).to_string()},\n"
            f"comparison=\n{self.comparison.round(3).to_string()})"
        )


def staff_dependence(net: Network, *, staff_roles: Sequence[str] = STAFF_ROLES) -> StaffDependence:
    """How much of the network goes through instructors and TAs.

    Parameters
    ----------
    net : Network
        A person network whose ``nodes["role"]`` marks the staff (build it
        with ``people=`` from a roster, or from events with a ``role`` column).
    staff_roles : sequence of str
        Roles counted as staff (default ``("instructor", "ta")``).

    Returns
    -------
    StaffDependence
        ``staff`` (ids), ``shares`` (Series) and ``comparison`` (DataFrame).

    Notes
    -----
    Self-loops are left out everywhere. A *tie* is a distinct (ordered, when
    directed) pair of people; its *interactions* are the number of events
    behind it (``weight`` of a collapsed network, rows of a ``multi=True`` one).

    ``shares``:

    - ``staff_tie_share_sent`` / ``staff_tie_share_received``: share of distinct
      ties whose source / target is staff; ``staff_tie_share``: whose source or
      target is staff
      (ties between two staff members count once).
    - ``staff_interaction_share_sent`` / ``_received`` / ``staff_interaction_share``:
      the same, counting interactions. (Registry names, :mod:`connectana.measures`;
      first round: ``ties_sent``, ``ties_received``, ``ties_involving``,
      ``interactions_sent``, ``interactions_received``, ``interactions_involving``.)
    - On an undirected network the ``sent`` and ``received`` shares are NaN.
    - When no node has a staff role, staff are *unknown*: every share is NaN
      (not 0) and a warning says so.

    ``comparison`` (the network without staff is the subgraph induced by the
    non-staff nodes):

    - the keys of the same name of :func:`connectana.metrics.structure.summary`:
      ``nodes``; ``ties`` (distinct, between two different people);
      ``interactions`` (all interactions; self-loops only if the network was
      built with ``loops=True``).
    - ``weak_components``: weakly connected components, every isolate being a
      component of its own; ``largest_component_share``: nodes in the largest
      one / nodes.
    - ``isolates``: nodes with no tie to another node.
    - ``density``: ties / (n(n−1)) when directed, ties / (n(n−1)/2) otherwise.
    - ``reciprocity``: share of directed ties whose reverse tie exists; NaN
      when undirected.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["t", "t", "a", "b"],
    ...     "target": ["a", "b", "t", "a"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> people = ca.make_people(pd.DataFrame({"person": ["t", "a", "b"],
    ...     "role": ["instructor", "student", "student"]}))
    >>> sd = ca.staff_dependence(ca.build_network(ev, people=people))
    >>> sd.shares[["staff_tie_share_sent", "staff_tie_share_received", "staff_tie_share"]].tolist()
    [0.5, 0.25, 0.75]
    >>> sd.comparison.loc["weak_components", ["full", "without_staff"]].tolist()
    [1.0, 1.0]
    """
    staff = _staff_mask(net, staff_roles)
    shares = network_values(net.view(weight=None), STAFF_SHARES, staff=staff)
    staff_ids = [str(x) for x in net.nodes.index[staff]]
    if not staff_ids:
        warnings.warn(
            f"no node has a staff role {list(staff_roles)}, so staff are unknown and every share "
            "is NaN (not 0); give a roster with roles (build_network(..., people=...))",
            UserWarning,
            stacklevel=2,
        )
    reduced = net.subgraph(net.nodes.index[~staff], note="without staff")
    full, without = _basic_stats(net), _basic_stats(reduced)
    comparison = pd.DataFrame({"full": full, "without_staff": without})
    comparison["change"] = comparison["without_staff"] - comparison["full"]
    comparison.index.name = "metric"
    return StaffDependence(
        staff=staff_ids,
        shares=pd.Series(shares, name="staff_share", dtype=float),
        comparison=comparison,
        without_staff=reduced,
    )


# -- brokers -----------------------------------------------------------------------------------
def brokers(
    net: Network,
    membership: pd.Series | Mapping[Any, Any] | None = None,
    *,
    seed: int = 0,
    runs: int = 10,
) -> pd.DataFrame:
    """Brokers as Guimerà–Amaral roles: people whose ties spread across communities.

    Parameters
    ----------
    net : Network
    membership : Series or mapping, optional
        Community of each node (node id → label). Default:
        ``connectana.metrics.community.communities(net, seed=seed)`` (Leiden).
    seed : int
        Seed of the community detection when ``membership`` is not given.
    runs : int
        Without ``membership``: Leiden runs (seeds ``seed .. seed + runs − 1``)
        over which ``seed_stability`` is measured.

    Returns
    -------
    DataFrame
        One row per broker, indexed by node id, columns ``role, community,
        communities_tied, external_ties, participation, within_module_z,
        ga_role, betweenness, seed_stability``, sorted by participation then
        betweenness (both descending), then node order.

    Notes
    -----
    On the undirected, unweighted distinct-tie graph (self-loops ignored):

    - ``communities_tied``: distinct communities among the node's neighbours.
    - ``external_ties``: neighbours in another community than the node's.
    - ``participation``: Guimerà & Amaral's participation coefficient
      ``P = 1 − Σ_s (k_is / k_i)²`` where ``k_i`` is the number of neighbours and
      ``k_is`` those in community ``s`` (0: all in one community).
    - ``within_module_z``: ``(κ_i − mean κ) / sd κ`` over the node's community,
      ``κ`` the number of neighbours in one's own community (population sd;
      0 when the sd is 0).
    - ``ga_role`` (Guimerà & Amaral 2005, *Nature* 433): hubs have ``z >=
      2.5``; non-hubs are ``ultra-peripheral`` (P <= 0.05), ``peripheral``
      (<= 0.62), ``connector`` (<= 0.80) or ``kinless``; hubs are
      ``provincial hub`` (P <= 0.30), ``connector hub`` (<= 0.75) or
      ``kinless hub``. These cut-offs are the authors' conventions.
    - ``betweenness``: normalised betweenness on the network as built
      (:func:`connectana.metrics.centrality.centrality`, default options).
    - ``seed_stability``: share of the ``runs`` Leiden partitions under which
      the node is a broker (NaN when ``membership`` is given).

    A broker's ``ga_role`` is ``connector``, ``kinless``, ``connector hub`` or
    ``kinless hub``.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.roles import brokers
    >>> pairs = [("x", "a1"), ("x", "b1"), ("x", "c1"), ("a1", "a2"), ("b1", "b2"),
    ...          ("c1", "c2")]
    >>> ev = ca.make_events(pd.DataFrame(pairs, columns=["actor", "target"]).assign(
    ...     timestamp=pd.Timestamp("2024-01-01", tz="UTC")))
    >>> m = {"x": 0, "a1": 0, "a2": 0, "b1": 1, "b2": 1, "c1": 2, "c2": 2}
    >>> b = brokers(ca.build_network(ev), m)
    >>> b.index.tolist(), b["participation"].round(3).tolist(), b["ga_role"].tolist()
    (['x'], [0.667], ['connector'])
    """
    if membership is None:
        parts = [communities(net, seed=seed + r) for r in range(runs)]
        tables = [_ga_roles(net, m) for m in parts]
        out = tables[0]
        hits = np.mean([t["broker"].to_numpy() for t in tables], axis=0)
        out["seed_stability"] = hits
    else:
        out = _ga_roles(net, membership)
        out["seed_stability"] = np.nan
    betw = centrality(net, ["betweenness"])["betweenness"].to_numpy()
    out.insert(out.columns.get_loc("ga_role") + 1, "betweenness", betw)
    out = out[out["broker"]]
    out = out.sort_values(
        ["participation", "betweenness", "_order"], ascending=[False, False, True]
    )
    return out.drop(columns=["_order", "broker"])


#: Guimerà–Amaral roles that broker between communities.
BROKER_ROLES: tuple[str, ...] = ("connector", "kinless", "connector hub", "kinless hub")


def _ga_roles(net: Network, membership: pd.Series | Mapping[Any, Any]) -> pd.DataFrame:
    """Participation, within-module z and Guimerà–Amaral role of every node."""
    comm = pd.Series(membership)
    comm.index = comm.index.astype(str)
    ids = net.nodes.index.astype(str)
    missing = [x for x in ids if x not in comm.index]
    if missing:
        raise ParameterError(f"membership has no community for node(s) {missing[:5]}")
    labels = comm.reindex(ids).to_numpy(dtype=object)
    ties = tie_table(net, loops=False, directed=False)
    s, t = ties["s"].to_numpy(), ties["t"].to_numpy()
    pairs = pd.DataFrame({"node": np.concatenate([s, t]), "other": labels[np.concatenate([t, s])]})
    n = net.n_nodes
    k = np.bincount(pairs["node"], minlength=n).astype(float)
    per = pairs.groupby(["node", "other"], sort=False).size().rename("k").reset_index()
    per["p2"] = (per["k"] / k[per["node"].to_numpy()]) ** 2
    sum_p2 = np.bincount(per["node"], weights=per["p2"], minlength=n)
    tied = np.bincount(per["node"], minlength=n)
    own = labels[pairs["node"].to_numpy()]
    inside = own == pairs["other"].to_numpy()
    external = np.bincount(pairs["node"][~inside], minlength=n)
    kappa = pd.Series(np.bincount(pairs["node"][inside], minlength=n).astype(float))
    grp = kappa.groupby(pd.Series(labels).astype(str).to_numpy())
    mean, sd = grp.transform("mean").to_numpy(), grp.transform(lambda x: x.std(ddof=0)).to_numpy()
    z = np.where(sd > 0, (kappa.to_numpy() - mean) / np.where(sd > 0, sd, 1.0), 0.0)
    participation = np.where(k > 0, 1 - sum_p2, 0.0)
    hub = z >= 2.5
    role = np.where(
        hub,
        np.select(
            [participation <= 0.30, participation <= 0.75],
            ["provincial hub", "connector hub"],
            "kinless hub",
        ),
        np.select(
            [participation <= 0.05, participation <= 0.62, participation <= 0.80],
            ["ultra-peripheral", "peripheral", "connector"],
            "kinless",
        ),
    )
    roles = net.nodes[ROLE].to_numpy() if ROLE in net.nodes.columns else [pd.NA] * n
    return pd.DataFrame(
        {
            "role": roles,
            "community": labels,
            "communities_tied": tied.astype(np.int64),
            "external_ties": external.astype(np.int64),
            "participation": participation,
            "within_module_z": z,
            "ga_role": role.astype(object),
            "broker": np.isin(role, BROKER_ROLES) & (k > 0),
            "_order": np.arange(n),
        },
        index=net.nodes.index.copy(),
    )


# -- network pattern ---------------------------------------------------------------------------
def network_pattern(
    net: Network,
    *,
    thresholds: Mapping[str, float] | None = None,
    staff_roles: Sequence[str] = STAFF_ROLES,
) -> pd.Series:
    """Label a network in SNAPP's vocabulary, showing the values and thresholds used.

    Parameters
    ----------
    net : Network
        A person network (with a roster, for the isolated-learner share to
        count members who never posted).
    thresholds : mapping, optional
        Overrides of :data:`PATTERN_THRESHOLDS` (keys
        ``staff_interaction_share``, ``centralization_undirected_posters``,
        ``largest_component_share_posters``, ``isolated_share``).
    staff_roles : sequence of str
        Roles counted as staff.

    Returns
    -------
    Series
        ``label``, then for each criterion its measured value, its
        ``<name>_threshold`` and ``<name>_met`` (whether the rule's criterion
        holds: value >= threshold, or < threshold for
        ``largest_component_share_posters``), then the counts
        ``posters``, ``learners`` and ``isolated_learners``. ``attrs["rule"]``
        states the rule in words.

    Notes
    -----
    Measured values (self-loops ignored, ties distinct; the first three are the
    registry's, :mod:`connectana.measures`, on ``net.view(weight=None)``):

    - ``staff_interaction_share``: share of interactions with a staff member at
      either end (``staff_dependence(...).shares["staff_interaction_share"]``).
    - ``centralization_undirected_posters``: Freeman degree centralisation of the
      undirected simple graph of the *posters*
      (:func:`connectana.measures.poster_mask`: people with at least one event
      in the window or at least one tie): ``Σ (k_max − k_i) / ((n−1)(n−2))``,
      1 for a star, 0 when all degrees are equal. It measures how far one
      person (the top node) dominates the ties.
    - ``largest_component_share_posters``: posters in the largest weakly connected
      component / posters.
    - ``isolated_share``: learners (non-staff people; roster members when the
      network has a roster) who received no tie (directed networks: never
      answered, whether or not they have ties; undirected: no tie) / learners.
    - ``hub``: the poster with the most distinct ties (first in node order
      on a tie); ``hub_is_staff``: its role is staff (None when no node has a
      staff role: ``staff_known`` False, and ``staff_interaction_share`` NaN).

    Rule, in this order (the thresholds are the defaults):

    1. **facilitator-centric** when ``staff_interaction_share >= 0.5``, or
       ``centralization_undirected_posters >= 0.5`` and the hub is staff;
    2. else **centralised on a learner** when ``centralization_undirected_posters >=
       0.5`` and the hub is a learner (**centralised (staff unknown: ...)**
       when no role is known);
    3. else **fragmented** when ``largest_component_share_posters < 0.5``;
    4. else **distributed**.

    ``", with isolated learners"`` is appended when ``isolated_share >= 0.1``.
    A network without posters is labelled ``"no activity"``.
    The thresholds are conventions (after the SNAPP patterns of Dawson,
    Bakharia & Heathcote 2010), not laws: read the values beside them.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.roles import network_pattern
    >>> ev = ca.make_events(pd.DataFrame({"actor": ["a", "b", "c", "a"],
    ...     "target": ["b", "c", "a", "c"],
    ...     "timestamp": pd.to_datetime(["2024-01-01"] * 4, utc=True)}))
    >>> p = network_pattern(ca.build_network(ev))
    >>> p["label"], p["largest_component_share_posters"]
    ('distributed', 1.0)
    """
    th = dict(PATTERN_THRESHOLDS)
    if thresholds:
        unknown = [k for k in thresholds if k not in th]
        if unknown:
            raise ParameterError(f"unknown threshold(s) {unknown}; choose from {list(th)}")
        th.update({k: float(v) for k, v in thresholds.items()})
    n = net.n_nodes
    ties = tie_table(net, loops=False, directed=False)
    deg = np.bincount(ties["s"], minlength=n) + np.bincount(ties["t"], minlength=n)
    posters = poster_mask(net)
    learners = _person_mask(net) & ~_staff_mask(net, staff_roles)
    if "in_roster" in net.nodes.columns:
        learners &= net.nodes["in_roster"].fillna(False).to_numpy(dtype=bool)
    n_posters = int(posters.sum())
    measured = network_values(
        net.view(weight=None),
        [
            "staff_interaction_share",
            "centralization_undirected_posters",
            "largest_component_share_posters",
        ],
        posters=posters,
        staff=_staff_mask(net, staff_roles),
    )
    staff_share = measured["staff_interaction_share"]
    centralization = measured["centralization_undirected_posters"]
    largest = measured["largest_component_share_posters"]
    n_learners = int(learners.sum())
    if net.directed:
        d_ties = tie_table(net, loops=False)
        received = np.bincount(d_ties["t"], minlength=n)
    else:
        received = deg
    n_isolated = int((learners & (received == 0)).sum())
    isolated = n_isolated / n_learners if n_learners else np.nan
    staff = _staff_mask(net, staff_roles)
    staff_known = bool(staff.any())
    hub = None
    hub_is_staff: bool | None = None
    if n_posters:
        hub_pos = int(np.flatnonzero(posters)[np.argmax(deg[posters])])
        hub = str(net.nodes.index[hub_pos])
        hub_is_staff = bool(staff[hub_pos]) if staff_known else None

    met = {
        "staff_interaction_share": bool(staff_share >= th["staff_interaction_share"]),
        "centralization_undirected_posters": bool(
            centralization >= th["centralization_undirected_posters"]
        ),
        "largest_component_share_posters": bool(largest < th["largest_component_share_posters"]),
        "isolated_share": bool(isolated >= th["isolated_share"]),
    }
    if n_posters == 0:
        label = "no activity"
    elif met["staff_interaction_share"] or (
        met["centralization_undirected_posters"] and hub_is_staff
    ):
        label = "facilitator-centric"
    elif met["centralization_undirected_posters"]:
        label = (
            "centralised on a learner"
            if hub_is_staff is False
            else "centralised (staff unknown: is the hub a facilitator?)"
        )
    elif met["largest_component_share_posters"]:
        label = "fragmented"
    else:
        label = "distributed"
    if met["isolated_share"]:
        label += ", with isolated learners"
    values = {
        "staff_interaction_share": staff_share,
        "centralization_undirected_posters": centralization,
        "largest_component_share_posters": largest,
        "isolated_share": isolated,
    }
    out: dict[str, Any] = {"label": label}
    for name, value in values.items():
        out[name] = float(value)
        out[f"{name}_threshold"] = th[name]
        out[f"{name}_met"] = met[name]
    out.update(
        posters=n_posters,
        learners=n_learners,
        isolated_learners=n_isolated,
        staff_known=staff_known,
        hub=hub,
        hub_is_staff=hub_is_staff,
    )
    result = pd.Series(out, dtype=object, name="pattern")
    result.attrs["rule"] = (
        f"facilitator-centric if staff_interaction_share >= {th['staff_interaction_share']} or "
        f"(centralization_undirected_posters >= {th['centralization_undirected_posters']} and the hub is staff); "
        "centralised on a learner (or: staff unknown) if the centralisation criterion holds "
        f"with another hub; else fragmented if largest_component_share_posters < "
        f"{th['largest_component_share_posters']}; else distributed; ', with isolated learners' if "
        f"isolated_share >= {th['isolated_share']} (learners never answered or without ties). "
        "The thresholds are conventions, not calibrated values."
    )
    if not staff_known:
        result.attrs["rule"] += " Staff are unknown here: staff_interaction_share is NaN."
    return result


def pattern_stability(
    events: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    ties: Sequence[str] = ("reply", "star", "copresence"),
    periods: int = 2,
    shift: float = 0.05,
    staff_roles: Sequence[str] = STAFF_ROLES,
) -> pd.DataFrame:
    """How the :func:`network_pattern` label changes with tie definition, period and threshold.

    Parameters
    ----------
    events : DataFrame
        A valid Events table.
    people : DataFrame, optional
        The roster (roles, members who never posted).
    ties : sequence of str
        Tie definitions to compare; the first is the reference. Those the
        log cannot support (:func:`connectana.metrics.threads.data_completeness`,
        e.g. ``star`` without opening posts) are skipped and listed in
        ``attrs["skipped"]``.
    periods : int
        The reference network is also built on ``periods`` equal spans of
        the log's time range (``build_network(start=, end=)``).
    shift : float
        Every threshold is also moved down and up by this amount.
    staff_roles : sequence of str

    Returns
    -------
    DataFrame
        One row per variant (``variant``, ``ties``, ``start``, ``end``,
        ``thresholds``), the ``label`` and the four measured values.
        ``attrs["stable"]`` is True when every variant gives the reference
        label; ``attrs["label"]`` is the reference label, or ``"unstable"``
        followed by the labels seen.

    Examples
    --------
    >>> import pandas as pd, connectana as ca
    >>> from connectana.metrics.roles import pattern_stability
    >>> ev = ca.make_events(pd.DataFrame({"actor": list("abcabc"), "target": list("bcabca"),
    ...     "thread_id": ["t"] * 6,
    ...     "timestamp": pd.to_datetime(["2024-01-0%d" % d for d in range(1, 7)], utc=True)}))
    >>> r = pattern_stability(ev, ties=["reply"], periods=2)
    >>> r["variant"].tolist(), r.attrs["label"]
    (['reply', 'reply, period 1 of 2', 'reply, period 2 of 2', 'thresholds -0.05', 'thresholds +0.05'], 'distributed')
    """
    from ..network import build_network
    from .threads import data_completeness

    unsupported = data_completeness(events).unsupported
    usable = [t for t in ties if t not in unsupported]
    if not usable:
        raise ParameterError(f"none of the tie definitions {list(ties)} is supported by this log")
    ref = usable[0]
    cols = list(PATTERN_THRESHOLDS)
    rows = []

    def add(variant: str, net: Network, th: Mapping[str, float] | None, start=None, end=None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            p = network_pattern(net, thresholds=th, staff_roles=staff_roles)
        rows.append(
            {
                "variant": variant,
                "ties": net.meta.get("ties"),
                "start": start,
                "end": end,
                "thresholds": "default" if th is None else f"{shift:+.2f}" if th else "",
                "label": p["label"],
                **{c: p[c] for c in cols},
            }
        )

    base = build_network(events, ref, people=people)
    for t in usable:
        add(t, base if t == ref else build_network(events, t, people=people), None)
    t0, t1 = events["timestamp"].min(), events["timestamp"].max()
    edges = [t0 + (t1 - t0) * k / periods for k in range(periods + 1)]
    for k in range(periods):
        end = edges[k + 1] + (pd.Timedelta(microseconds=1) if k == periods - 1 else pd.Timedelta(0))
        net = build_network(events, ref, people=people, start=edges[k], end=end)
        add(f"{ref}, period {k + 1} of {periods}", net, None, edges[k], end)
    for sign in (-1, 1):
        th = {k: v + sign * shift for k, v in PATTERN_THRESHOLDS.items()}
        add(f"thresholds {sign * shift:+.2f}", base, th)
        rows[-1]["thresholds"] = f"{sign * shift:+.2f}"
    out = pd.DataFrame(rows)
    reference = out["label"].iloc[0]
    stable = bool((out["label"] == reference).all())
    out.attrs["stable"] = stable
    out.attrs["skipped"] = [t for t in ties if t in unsupported]
    out.attrs["label"] = (
        reference if stable else "unstable: " + " / ".join(dict.fromkeys(out["label"]))
    )
    return out
